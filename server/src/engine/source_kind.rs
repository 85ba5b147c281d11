//! Which language a file is written in, and how its top level is evaluated.

use oxc_span::SourceType;

use super::model::{DeclarationKind, SourceKind};
use super::tables::Tables;

/// The user's choice of top-level kind; `Auto` decides from the extension and the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SourceKindChoice {
    #[default]
    Auto,
    Script,
    Module,
    CommonJs,
}

impl SourceKindChoice {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "auto" => Self::Auto,
            "script" => Self::Script,
            "module" => Self::Module,
            "commonjs" | "cjs" => Self::CommonJs,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    JavaScript,
    Jsx,
    TypeScript,
    Tsx,
}

/// Extension-level facts about a file name.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileFacts {
    pub language: Language,
    /// `.mjs`/`.mts` are modules, `.cjs`/`.cts` CommonJS, whatever their content.
    pub forced: Option<SourceKind>,
}

pub(crate) fn file_facts(file_name: &str) -> FileFacts {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (language, forced) = match ext.as_str() {
        "mjs" => (Language::JavaScript, Some(SourceKind::Module)),
        "cjs" => (Language::JavaScript, Some(SourceKind::CommonJs)),
        "jsx" => (Language::Jsx, None),
        "ts" => (Language::TypeScript, None),
        "mts" => (Language::TypeScript, Some(SourceKind::Module)),
        "cts" => (Language::TypeScript, Some(SourceKind::CommonJs)),
        "tsx" => (Language::Tsx, None),
        // `.js` and anything unknown: JavaScript with JSX allowed, as editors treat it.
        _ => (Language::Jsx, None),
    };
    FileFacts { language, forced }
}

/// The oxc source type to parse with before the top-level kind is known.
pub(crate) fn parse_source_type(language: Language, kind: Option<SourceKind>) -> SourceType {
    let base = match language {
        Language::JavaScript => SourceType::cjs().with_javascript(true),
        Language::Jsx => SourceType::cjs().with_javascript(true).with_jsx(true),
        Language::TypeScript => SourceType::ts(),
        Language::Tsx => SourceType::tsx(),
    };
    match kind {
        Some(SourceKind::Module) => base.with_module(true),
        Some(SourceKind::Script) => base.with_script(true),
        Some(SourceKind::CommonJs) => base.with_commonjs(true),
        None => base.with_unambiguous(true),
    }
}

/// After an unambiguous parse: a module if it has `import`/`export`, CommonJS if it may use
/// Node's wrapper names (`require(`, `module.exports`, `exports.`), else a classic script. The
/// guess of CommonJS is confirmed after resolution by [`uses_node_wrapper`].
pub(crate) fn decide(has_module_syntax: bool, text: &str) -> SourceKind {
    if has_module_syntax {
        SourceKind::Module
    } else if uses_commonjs(text) {
        SourceKind::CommonJs
    } else {
        SourceKind::Script
    }
}

/// A textual check, skipping occurrences on comment lines. It is a heuristic: a user who
/// disagrees sets `sourceKind` in configuration. Two SIMD substring searches over the whole text
/// (`require(`, and `exports` for `module.exports`, `exports.` and `exports[`); only hits are
/// looked at closely.
fn uses_commonjs(text: &str) -> bool {
    let bytes = text.as_bytes();
    let used_at = |i: usize| standalone_at(text, i) && !on_comment_line(text, i);
    memchr::memmem::find_iter(bytes, "require(").any(used_at)
        || memchr::memmem::find_iter(bytes, "exports").any(|i| {
            let after = bytes.get(i + "exports".len());
            (matches!(after, Some(b'.' | b'[')) && used_at(i))
                || (text[..i].ends_with("module.") && used_at(i - "module.".len()))
        })
}

/// Not the tail of a longer name or of a member access.
fn standalone_at(text: &str, i: usize) -> bool {
    let before = text[..i].chars().next_back();
    !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.')
}

/// Roughly: on a `//` line or inside a `/** … */` block whose lines start with `*`.
fn on_comment_line(text: &str, i: usize) -> bool {
    let line_start = memchr::memrchr2(b'\n', b'\r', &text.as_bytes()[..i]).map_or(0, |p| p + 1);
    let line = text[line_start..i].trim_start();
    line.starts_with("//") || line.starts_with('*')
}

/// Whether code resolves a free `require`, `module` or `exports` to Node's wrapper: a bundle
/// whose prelude declares its own `module`/`exports`/`require` (webpack, rollup, esbuild) does
/// not, and runs as a script. O(references), only for files guessed CommonJS.
pub(crate) fn uses_node_wrapper(t: &Tables) -> bool {
    t.references.iter().any(|r| {
        r.binding.is_some_and(|b| {
            let binding = &t.bindings[b.0 as usize];
            binding.declaration == DeclarationKind::CommonJsParameter
                && matches!(t.names.get(binding.name), "require" | "module" | "exports")
        })
    })
}
