//! `workspace/symbol`: the top-level bindings (functions, classes, variables; imports left out)
//! of every indexed file, matched fuzzily against the query the way editors' pickers match
//! (nucleo, the matcher of the Helix editor: subsequences, word starts and case count), best
//! first, each with the environment it lives in.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::cross_file::Project;
use crate::engine::{DeclarationKind, EnvKind};
use crate::workspace::index::{Summary, Symbol};

/// How long a query waits for the index being built.
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// A match: its score, its file and summary, the symbol.
type Scored<'a> = (u32, &'a (Arc<Path>, Arc<Summary>), &'a Symbol);

/// One symbol found.
#[derive(Clone, Debug)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub declaration: DeclarationKind,
    pub path: PathBuf,
    /// Zero-based line, and start/end columns in UTF-8 and UTF-16.
    pub line: u32,
    pub utf8: (u32, u32),
    pub utf16: (u32, u32),
    /// "module environment of src/math/Vector3.js".
    pub container: String,
    pub exported: bool,
}

/// The symbols matching `query`, best first, at most `limit`; and whether the index was still
/// being built (then the list is partial).
pub fn workspace_symbols(
    project: &Project,
    query: &str,
    limit: usize,
) -> (Vec<WorkspaceSymbol>, bool) {
    let workspace = project.workspace;
    let ready = workspace.current_index(project.open, INDEX_WAIT);
    let files = workspace.index().files();
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    // (score, file, symbol): scored first, the few best made into answers.
    let mut scored: Vec<Scored> = Vec::new();
    for file in &files {
        for symbol in &*file.1.symbols {
            let score = if query.is_empty() {
                Some(0)
            } else {
                pattern.score(Utf32Str::new(&symbol.name, &mut buf), &mut matcher)
            };
            if let Some(score) = score {
                scored.push((score, file, symbol));
            }
        }
    }
    // The name itself first; then the best score; then exported before module-private; then
    // shorter names; then by path.
    let key = |&(score, file, symbol): &Scored| {
        (
            !symbol.name.eq_ignore_ascii_case(query),
            std::cmp::Reverse(score),
            !symbol.exported,
            symbol.name.len(),
            file.0.clone(),
            symbol.line,
        )
    };
    if scored.len() > limit {
        scored.select_nth_unstable_by_key(limit, key);
        scored.truncate(limit);
    }
    scored.sort_by_key(key);
    let symbols = scored
        .into_iter()
        .map(|(_, (path, _), symbol)| WorkspaceSymbol {
            name: symbol.name.to_string(),
            declaration: symbol.declaration,
            path: path.to_path_buf(),
            line: symbol.line,
            utf8: symbol.utf8,
            utf16: symbol.utf16,
            container: container(symbol, &workspace.display(path)),
            exported: symbol.exported,
        })
        .collect();
    (symbols, ready)
}

/// The environment a top-level binding lives in, worded as hover words it.
fn container(symbol: &Symbol, file: &str) -> String {
    if symbol.commonjs_wrapper {
        return format!("CommonJS module wrapper of {file}");
    }
    match symbol.env {
        EnvKind::Module => format!("module environment of {file}"),
        EnvKind::Global => format!("global environment (declared in {file})"),
        EnvKind::Script => format!("script environment (declared in {file})"),
        other => format!("{} environment of {file}", other.as_str()),
    }
}
