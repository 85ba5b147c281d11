//! What the index keeps of one file: its module record's links (requests with their resolved
//! targets, what it imports, re-exports and reads as members of each request) and its top-level
//! names, taken from the engine's summary of the file (`engine::summarize`, or a full analysis
//! when that pass declines), which is then dropped. Names as boxed strings, paths
//! shared (the memory figure: docs/performance.md, "Workspace index").

use std::path::Path;
use std::sync::Arc;

use crate::engine::{
    Analysis, DeclarationKind, EnvKind, ExportTarget, FileSummary, ImportName, ModuleRequest,
    RequestKind, SourceKind,
};

/// An imported or re-exported name as asked of another module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    Default,
    Named(Box<str>),
    /// The whole module (`import * as ns`, `const lib = require(…)`, `export * as ns from`).
    Namespace,
}

impl From<&ImportName> for Asked {
    fn from(name: &ImportName) -> Self {
        match name {
            ImportName::Default => Asked::Default,
            ImportName::Named(n) => Asked::Named(n.as_str().into()),
            ImportName::Namespace => Asked::Namespace,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub specifier: Box<str>,
    pub kind: RequestKind,
    /// The file it resolves to; `None` for builtins and what does not resolve.
    pub resolved: Option<Arc<Path>>,
}

/// A top-level binding, for `workspace/symbol`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: Box<str>,
    pub declaration: DeclarationKind,
    /// The declaring identifier: its line (zero-based) and its start and end columns in UTF-8
    /// and in UTF-16 (an identifier is on one line), so an answer needs no text.
    pub line: u32,
    pub utf8: (u32, u32),
    pub utf16: (u32, u32),
    /// The environment: `module`, `global`, `script`, or the CommonJS wrapper (`function`).
    pub env: EnvKind,
    pub commonjs_wrapper: bool,
    pub exported: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub requests: Box<[Request]>,
    /// Per import binding: the request index and the name asked.
    pub imports: Box<[(u32, Asked)]>,
    /// `ns.x`, `lib.a`, `require('./m').a`: the request index and the property.
    pub members: Box<[(u32, Box<str>)]>,
    /// `export { a as b } from`, `export * as ns from`, and imports exported again: the request
    /// index, the name asked of it, the name exported here.
    pub reexports: Box<[(u32, Asked, Box<str>)]>,
    /// `export * from`: request indexes.
    pub stars: Box<[u32]>,
    /// Requests whose module's export names this file reads where they cannot be followed:
    /// `import('./m')` with a literal specifier, `require('./m')` whose result is passed on
    /// whole. (Namespace objects and `export * as ns` are in `imports`/`reexports`, asked
    /// [`Asked::Namespace`].)
    pub opaque: Box<[u32]>,
    /// The file loads a module by a computed specifier (`import(url)`, `require('./p/' + n)`):
    /// it may read any module's export names.
    pub computed_loads: bool,
    pub commonjs: bool,
    pub symbols: Box<[Symbol]>,
}

impl Summary {
    /// The summary of `analysis`, with each request resolved by `resolve`.
    pub fn of(
        analysis: &Analysis,
        resolve: impl Fn(&ModuleRequest) -> Option<Arc<Path>>,
    ) -> Summary {
        Summary::from_file(&FileSummary::of(analysis), resolve)
    }

    /// The summary of what the engine kept of a file (its summary pass, or a full analysis),
    /// with each request resolved by `resolve`.
    pub fn from_file(
        file: &FileSummary,
        resolve: impl Fn(&ModuleRequest) -> Option<Arc<Path>>,
    ) -> Summary {
        let module = &file.module;
        let requests = module
            .requests
            .iter()
            .map(|r| Request {
                specifier: r.specifier.as_str().into(),
                kind: r.kind,
                resolved: resolve(r),
            })
            .collect();
        let imports = module
            .imports
            .iter()
            .map(|e| (e.request.0, Asked::from(&e.imported)))
            .collect();
        let members = module
            .members
            .iter()
            .map(|m| (m.request.0, m.name.as_str().into()))
            .collect();
        let reexports = module
            .exports
            .iter()
            .filter_map(|e| match &e.target {
                ExportTarget::ReExport { request, name } => {
                    Some((request.0, Asked::from(name), e.name.as_str().into()))
                }
                ExportTarget::Local(b) => module.import_of(*b).map(|i| {
                    (
                        i.request.0,
                        Asked::from(&i.imported),
                        e.name.as_str().into(),
                    )
                }),
                ExportTarget::Value(_) => None,
            })
            .collect();
        let stars = module.star_exports.iter().map(|r| r.0).collect();
        let opaque = module
            .dynamic_imports
            .iter()
            .filter_map(|load| load.request)
            .chain(module.whole_requires.iter().copied())
            .map(|r| r.0)
            .collect();
        let computed_loads = !module.dynamic_requires.is_empty()
            || module.dynamic_imports.iter().any(|l| l.request.is_none());
        let symbols = file
            .top_level
            .iter()
            .map(|t| Symbol {
                name: t.name.as_str().into(),
                declaration: t.declaration,
                line: t.line,
                utf8: t.utf8,
                utf16: t.utf16,
                env: t.env,
                commonjs_wrapper: t.commonjs_wrapper,
                exported: t.exported,
            })
            .collect();
        Summary {
            requests,
            imports,
            members,
            reexports,
            stars,
            opaque,
            computed_loads,
            commonjs: file.source_kind == SourceKind::CommonJs,
            symbols,
        }
    }

    /// The files this one links to.
    pub fn targets(&self) -> impl Iterator<Item = &Arc<Path>> {
        self.requests.iter().filter_map(|r| r.resolved.as_ref())
    }

    /// The heap bytes this summary holds (for the index's memory figure).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let asked = |a: &Asked| match a {
            Asked::Named(n) => n.len(),
            _ => 0,
        };
        self.requests.len() * size_of::<Request>()
            + self
                .requests
                .iter()
                .map(|r| r.specifier.len())
                .sum::<usize>()
            + self.imports.len() * size_of::<(u32, Asked)>()
            + self.imports.iter().map(|(_, a)| asked(a)).sum::<usize>()
            + self.members.len() * size_of::<(u32, Box<str>)>()
            + self.members.iter().map(|(_, n)| n.len()).sum::<usize>()
            + self.reexports.len() * size_of::<(u32, Asked, Box<str>)>()
            + self
                .reexports
                .iter()
                .map(|(_, a, n)| asked(a) + n.len())
                .sum::<usize>()
            + self.stars.len() * 4
            + self.opaque.len() * 4
            + self.symbols.len() * size_of::<Symbol>()
            + self.symbols.iter().map(|s| s.name.len()).sum::<usize>()
    }
}
