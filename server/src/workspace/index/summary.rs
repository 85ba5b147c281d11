//! What the index keeps of one file: its module record's links (requests with their resolved
//! targets, what it imports, re-exports and reads as members of each request) and its top-level
//! names, taken from the file's analysis, which is then dropped. Names as boxed strings, paths
//! shared (the memory figure: docs/performance.md, "Workspace index").

use std::path::Path;
use std::sync::Arc;

use crate::engine::{
    Analysis, DeclarationKind, EnvKind, ExportTarget, FunctionFlavor, ImportName, RequestKind,
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

#[derive(Clone, Debug)]
pub struct Request {
    pub specifier: Box<str>,
    pub kind: RequestKind,
    /// The file it resolves to; `None` for builtins and what does not resolve.
    pub resolved: Option<Arc<Path>>,
}

/// A top-level binding, for `workspace/symbol`.
#[derive(Clone, Debug)]
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

#[derive(Clone, Debug, Default)]
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
    pub fn of(analysis: &Analysis, resolve: impl Fn(usize) -> Option<Arc<Path>>) -> Summary {
        let module = &analysis.module;
        let requests = module
            .requests
            .iter()
            .enumerate()
            .map(|(i, r)| Request {
                specifier: r.specifier.as_str().into(),
                kind: r.kind,
                resolved: resolve(i),
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
        Summary {
            requests,
            imports,
            members,
            reexports,
            stars,
            opaque,
            computed_loads,
            commonjs: analysis.source_kind == crate::engine::SourceKind::CommonJs,
            symbols: symbols(analysis),
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

/// The bindings of the file's top level: the global environment's, and those of the script,
/// module or CommonJS wrapper environment inside it. Imports, parameters and implicit names
/// left out.
fn symbols(analysis: &Analysis) -> Box<[Symbol]> {
    let global = analysis.global();
    let exported: rustc_hash::FxHashSet<_> = analysis
        .module
        .exports
        .iter()
        .filter_map(|e| match e.target {
            ExportTarget::Local(b) => Some(analysis.binding(b).span),
            _ => None,
        })
        .collect();
    use crate::text::Encoding::{Utf8, Utf16};
    let mut out = Vec::new();
    for env_id in analysis.env_ids() {
        let env = analysis.env(env_id);
        let wrapper = env.function == Some(FunctionFlavor::CommonJsWrapper);
        let top = env_id == global
            || (env.parent == Some(global)
                && (matches!(env.kind, EnvKind::Script | EnvKind::Module) || wrapper));
        if !top {
            continue;
        }
        for &b in &env.bindings {
            let binding = analysis.binding(b);
            use DeclarationKind::*;
            if !matches!(
                binding.declaration,
                Var | Let | Const | Using | Function | Class | Enum | Namespace
            ) {
                continue;
            }
            let at = |offset, encoding| analysis.line_index.line_col(offset, encoding);
            let (start8, end8) = (at(binding.span.start, Utf8), at(binding.span.end, Utf8));
            let (start16, end16) = (at(binding.span.start, Utf16), at(binding.span.end, Utf16));
            out.push(Symbol {
                name: analysis.binding_name(b).into(),
                declaration: binding.declaration,
                line: start8.line,
                utf8: (
                    start8.col,
                    if end8.line == start8.line {
                        end8.col
                    } else {
                        start8.col
                    },
                ),
                utf16: (
                    start16.col,
                    if end16.line == start16.line {
                        end16.col
                    } else {
                        start16.col
                    },
                ),
                env: env.kind,
                commonjs_wrapper: wrapper,
                exported: exported.contains(&binding.span),
            });
        }
    }
    out.into_boxed_slice()
}
