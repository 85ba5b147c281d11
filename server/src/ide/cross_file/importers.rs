//! The files that use an exported binding: from an exported binding (or any import, `ns.x`
//! member, re-export or CommonJS `require` that leads to it), each importer and the places in it.
//!
//! The candidates come from the workspace index's reverse module graph
//! ([`crate::workspace::index::Index::candidates`]: the importers of the declaring module that
//! ask for the name, transitively through re-exports and `export *`), and only those are
//! analysed (through the workspace cache; open documents win). Each import entry, re-export and
//! member of a candidate is resolved with ResolveExport and kept when it leads to the same
//! target. While the index is being built, a question waits for it a few seconds, then answers
//! with what it has and says it is partial.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Project;
use crate::engine::{Analysis, ExportTarget, ImportName, Span};
use crate::ide;
use crate::workspace::{Target, TargetKind};

/// Where an import, member or re-export of one file leads to the target.
#[derive(Clone, Debug, Default)]
pub struct FileUses {
    /// Import bindings bound to the target, with their import entries' imported-name spans
    /// and whether they name it by its own name all the way (see [`by_name`]).
    pub imports: Vec<(crate::engine::BindingId, Option<Span>, bool)>,
    /// `ns.x` members: the property span, and whether named by the target's name all the way.
    pub members: Vec<(Span, bool)>,
    /// Re-exports (`export { a } from`, `export { a as b } from`, an import exported again):
    /// the export entry's span, the re-exported name's span when written apart, the exported
    /// name, and whether named by the target's name all the way.
    pub reexports: Vec<(Span, Option<Span>, String, bool)>,
}

impl FileUses {
    fn is_empty(&self) -> bool {
        self.imports.is_empty() && self.members.is_empty() && self.reexports.is_empty()
    }
}

/// The files that use a target.
pub struct Importers {
    pub files: Vec<(PathBuf, Arc<Analysis>, FileUses)>,
    /// Candidates (importers, or files left out of the index whose text names the target) that
    /// could not be analysed, with why.
    pub unreadable: Vec<(PathBuf, String)>,
    /// Why the answer may be incomplete, as sentences (empty: it is complete).
    pub partial: Vec<String>,
}

/// Whether a link reaches the target through its own name only: the name asked of every module
/// on the way is the target's export name.
fn by_name(t: &Target, name: &str) -> bool {
    t.export_name == name && t.chain.iter().all(|(_, n)| n == name)
}

fn same(a: &Target, b: &Target) -> bool {
    a.path == b.path && a.kind == b.kind
}

/// What the identifier or member at `offset` names, seen across files: the exported binding
/// it leads to (through an import or member), or the binding itself when its module
/// exports it. `None` for anything else (a local binding, a namespace import, an
/// unresolved import).
pub fn cross_target(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
) -> Option<Target> {
    let (workspace, open) = (project.workspace, project.open);
    if analysis.module.member_at(offset).is_some() {
        let t = workspace
            .member_target(path, analysis, offset, open)?
            .ok()?;
        return (t.kind != TargetKind::Module).then_some(t);
    }
    let binding = analysis.identifier_at(offset)?.binding()?;
    if analysis.module.import_of(binding).is_some() {
        let t = workspace
            .import_target(path, analysis, binding, open)
            .ok()?;
        return matches!(t.kind, TargetKind::Binding(_)).then_some(t);
    }
    // A binding of this file: exported (by any member of its family) under some name?
    // (The members of a family share their declaring identifier.)
    let declared = analysis.binding(binding).span;
    let entry = analysis.module.exports.iter().find(|e| match e.target {
        ExportTarget::Local(b) => b == binding || analysis.binding(b).span == declared,
        _ => false,
    })?;
    let ExportTarget::Local(b) = entry.target else {
        return None;
    };
    Some(Target {
        path: path.to_path_buf(),
        analysis: analysis.clone(),
        kind: TargetKind::Binding(b),
        export_name: entry.name.clone(),
        chain: Vec::new(),
    })
}

/// How long a question waits for the workspace index being built before answering with what
/// the index has so far (and saying so).
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Every workspace file (and open document) with an import, member or re-export leading
/// to `target`, the declaring file excluded unless it imports itself.
pub fn importers(project: &Project, target: &Target) -> Importers {
    let (workspace, open) = (project.workspace, project.open);
    let ready = workspace.current_index(open, INDEX_WAIT);
    let mut names = vec![target.export_name.clone()];
    // The declaring module's own export names of the binding.
    if let TargetKind::Binding(b) = target.kind {
        for e in &target.analysis.module.exports {
            if e.target == ExportTarget::Local(b) && !names.contains(&e.name) {
                names.push(e.name.clone());
            }
        }
    }
    let index = workspace.index();
    let mut out = Importers {
        files: Vec::new(),
        unreadable: index.skipped_mentioning(&names),
        partial: Vec::new(),
    };
    if !ready {
        let progress = index.progress();
        out.partial.push(format!(
            "the workspace index is still being built ({} of {} files): importers in the other files are missing",
            progress.done, progress.total
        ));
    }
    for path in index.candidates(&target.path, &names) {
        let analysis = match workspace.module(&path, open) {
            Ok(a) => a,
            Err(err) => {
                out.unreadable.push((path, err.to_string()));
                continue;
            }
        };
        let uses = uses_in(project, &path, &analysis, target);
        if !uses.is_empty() {
            out.files.push((path, analysis, uses));
        }
    }
    for (path, why) in &out.unreadable {
        out.partial.push(format!(
            "`{}` may use it but cannot be analysed ({why})",
            workspace.display(path)
        ));
    }
    out
}

/// The imports, members and re-exports of one file that lead to `target`.
fn uses_in(project: &Project, path: &Path, analysis: &Arc<Analysis>, target: &Target) -> FileUses {
    let (workspace, open) = (project.workspace, project.open);
    let name = target.export_name.as_str();
    let mut uses = FileUses::default();
    let module = &analysis.module;
    for entry in &module.imports {
        if entry.imported == ImportName::Namespace {
            continue;
        }
        if let Ok(t) = workspace.import_target(path, analysis, entry.binding, open)
            && same(&t, target)
        {
            uses.imports
                .push((entry.binding, entry.name_span, by_name(&t, name)));
        }
    }
    for member in &module.members {
        if let Some(Ok(t)) = workspace.member_target(path, analysis, member.span.start, open)
            && same(&t, target)
        {
            uses.members.push((member.span, by_name(&t, name)));
        }
    }
    for entry in &module.exports {
        let ExportTarget::ReExport {
            request,
            name: asked,
        } = &entry.target
        else {
            // An import exported again (`import { a } …; export { a as b }`).
            if let ExportTarget::Local(b) = entry.target
                && let Some((_, _, named)) = uses.imports.iter().find(|(i, ..)| *i == b)
            {
                let named = *named && entry.name == name;
                uses.reexports
                    .push((entry.span, None, entry.name.clone(), named));
            }
            continue;
        };
        if *asked == ImportName::Namespace {
            continue;
        }
        if let Ok(t) = workspace.request_target(path, analysis, *request, asked, open)
            && same(&t, target)
        {
            let named = by_name(&t, name) && asked.as_str() == name;
            uses.reexports
                .push((entry.span, entry.local_span, entry.name.clone(), named));
        }
    }
    uses
}

/// The spans in one file where the target occurs: the local import bindings' occurrences,
/// imported names written apart, members and re-exports; declarations included or not.
pub fn file_references(
    analysis: &Analysis,
    uses: &FileUses,
    include_declaration: bool,
) -> Vec<Span> {
    let mut spans = Vec::new();
    for &(binding, name_span, _) in &uses.imports {
        let start = analysis.binding(binding).span.start;
        spans.extend(ide::references(analysis, start, include_declaration));
        if include_declaration {
            spans.extend(name_span);
        }
    }
    spans.extend(uses.members.iter().map(|m| m.0));
    for &(span, local, ..) in &uses.reexports {
        spans.push(span);
        spans.extend(local);
    }
    spans.sort_by_key(|s| (s.start, s.end));
    spans.dedup();
    spans
}
