//! The files that use an exported binding: from an exported binding (or any import, `ns.x`
//! member, re-export, export-side name or CommonJS `require` that leads to it), each importer
//! and the places in it.
//!
//! The candidates come from the workspace index's reverse module graph
//! ([`crate::workspace::index::Index::candidates`]: the importers of the declaring module that
//! ask for the name, read the module where its names cannot be followed, or pass it on with
//! `export *`, transitively through re-exports; and the files that load a module by a computed
//! specifier), and only those are analysed (through the workspace cache; open documents win).
//! Each import entry, re-export and member of a candidate is resolved with ResolveExport and
//! kept when it leads to the same target. While the index is being built, a question waits for
//! it a few seconds, then answers with what it has and says it is partial.
//!
//! Besides the uses of the target, each candidate records where it reads modules' export names
//! in ways that cannot be followed ([`Opaque`]: dynamic `import()`, escaping namespace objects,
//! `export * as ns`, `require` of a computed path or whose result is passed on), and its `export
//! *` sources. What a rename changes, and when it keeps an export name or refuses, is decided in
//! [`super::export_rename`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Project;
use crate::engine::{Analysis, BindingId, ExportTarget, ImportName, SourceKind, Span};
use crate::ide;
use crate::workspace::export_side::{Hops, hops};
use crate::workspace::{COMMONJS_EXPORTS, Resolved, Site, Target, TargetKind};

/// An import binding bound to the target.
#[derive(Clone, Debug)]
pub struct ImportUse {
    pub binding: BindingId,
    /// The imported name when written apart (`a` of `import { a as b }`).
    pub name_span: Option<Span>,
    pub hops: Hops,
}

/// `ns.x`, `lib.x`, `require('./m').x` leading to the target: the property.
#[derive(Clone, Debug)]
pub struct MemberUse {
    pub span: Span,
    pub hops: Hops,
}

/// A re-export of the target: `export { a } from`, `export { a as b } from`, or an import
/// exported again (`import { a } …; export { a as b }`).
#[derive(Clone, Debug)]
pub struct ReexportUse {
    /// The exported name's span.
    pub span: Span,
    /// The re-exported name's span (`a` of `export { a as b } from`) when written apart.
    pub local: Option<Span>,
    /// The exported name.
    pub name: String,
    /// How the re-exported name reaches the target (for an import exported again, the
    /// import's hops).
    pub hops: Hops,
    /// The import binding exported again, if that is what it is.
    pub import: Option<BindingId>,
}

/// Where a module's exports are read by name in ways that cannot be followed.
#[derive(Clone, Debug)]
pub struct Opaque {
    /// The module whose names are read; `None` when it may be any module (`import(url)`).
    pub module: Option<PathBuf>,
    pub span: Span,
    pub what: OpaqueKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpaqueKind {
    /// `import('./m')`, `import(url)`.
    DynamicImport,
    /// `require('./plugins/' + name)`.
    DynamicRequire,
    /// A namespace object (`import * as ns`, `const lib = require(…)`) used other than by
    /// reading its properties by name: the binding's name.
    EscapingNamespace(String),
    /// A module object reached as a property of another (`all.ns` where `all` re-exports
    /// `export * as ns`), whose own properties are not followed: the property's name.
    NestedNamespace(String),
    /// `require('./m')` whose result is used whole (passed on, re-exported).
    WholeRequire,
}

impl std::fmt::Display for OpaqueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpaqueKind::DynamicImport => f.write_str("a dynamic `import()`"),
            OpaqueKind::DynamicRequire => f.write_str("a `require` of a computed path"),
            OpaqueKind::EscapingNamespace(name) => write!(
                f,
                "the module object `{name}`, used other than by reading its properties by name"
            ),
            OpaqueKind::NestedNamespace(name) => write!(
                f,
                "the module object `{name}`, read as a property of another module object"
            ),
            OpaqueKind::WholeRequire => f.write_str("a `require(…)` whose result is passed on"),
        }
    }
}

/// Where one file uses the target, and how it reads modules' names where they cannot be
/// followed.
#[derive(Clone, Debug, Default)]
pub struct FileUses {
    pub imports: Vec<ImportUse>,
    pub members: Vec<MemberUse>,
    pub reexports: Vec<ReexportUse>,
    /// Bindings holding the whole `module.exports` of a CommonJS module that assigns the target
    /// to it (`const X = require('./x')` where `module.exports = X`): same value, own name.
    pub whole: Vec<BindingId>,
    /// `export * from` these modules.
    pub stars: Vec<PathBuf>,
    /// Modules whose namespace object this file exports (`export * as ns from './m'`, an
    /// `import * as ns` or a namespace import exported again): their export names are then
    /// read through this module's too.
    pub namespaces: Vec<PathBuf>,
    pub opaque: Vec<Opaque>,
}

impl FileUses {
    fn is_empty(&self) -> bool {
        self.imports.is_empty()
            && self.members.is_empty()
            && self.reexports.is_empty()
            && self.whole.is_empty()
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

fn same(a: &Target, b: &Target) -> bool {
    a.path == b.path && a.kind == b.kind
}

/// What the identifier or member at `offset` names, seen across files: the exported binding
/// (or value) it leads to (through an import, member or export-side name), or the binding
/// itself when its module exports it. `None` for anything else (a local binding, a namespace
/// import, an unresolved import).
pub fn cross_target(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
) -> Option<Target> {
    cross_site(project, path, analysis, offset).map(|(t, _)| t)
}

/// [`cross_target`], with what the cursor is on ([`Site`]).
pub fn cross_site(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
) -> Option<(Target, Site)> {
    let (workspace, open) = (project.workspace, project.open);
    if let Some(member) = analysis.module.member_at(offset) {
        let t = workspace
            .member_target(path, analysis, offset, open)?
            .ok()?;
        let site = Site::Asked {
            name: member.name.clone(),
            hops: member_hops(project, path, analysis, member, &t),
        };
        return (t.kind != TargetKind::Module).then_some((t, site));
    }
    if let Some((_, t, site)) = workspace.export_site(path, analysis, offset, open) {
        let t = t.ok()?;
        return (t.kind != TargetKind::Module).then_some((t, site));
    }
    let binding = analysis.identifier_at(offset)?.binding()?;
    if analysis.module.import_of(binding).is_some() {
        let t = workspace
            .import_target(path, analysis, binding, open)
            .ok()?;
        let site = Site::Asked {
            name: t
                .chain
                .first()
                .map_or(t.export_name.clone(), |h| h.1.clone()),
            hops: hops(&t),
        };
        return matches!(t.kind, TargetKind::Binding(_)).then_some((t, site));
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
    let target = Target {
        path: path.to_path_buf(),
        analysis: analysis.clone(),
        kind: TargetKind::Binding(b),
        export_name: entry.name.clone(),
        chain: Vec::new(),
        runtime_note: None,
    };
    Some((target, Site::Binding))
}

/// How long a question waits for the workspace index being built before answering with what
/// the index has so far (and saying so).
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Every workspace file (and open document) with an import, member or re-export leading to
/// `target`, reading some module's names where they cannot be followed ([`FileUses::opaque`]),
/// or passing a module on the way on with `export *`; the declaring file excluded unless it
/// imports itself.
pub fn importers(project: &Project, target: &Target) -> Importers {
    let (workspace, open) = (project.workspace, project.open);
    let ready = workspace.current_index(open, INDEX_WAIT);
    let mut names = vec![target.export_name.clone()];
    // The declaring module's own export names of the target.
    for e in &target.analysis.module.exports {
        let exports_it = match (&e.target, target.kind) {
            (ExportTarget::Local(b), TargetKind::Binding(t)) => *b == t,
            (ExportTarget::Value(v), TargetKind::Value(t)) => *v == t,
            _ => false,
        };
        if exports_it && !names.contains(&e.name) {
            names.push(e.name.clone());
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
        if !uses.is_empty()
            || !uses.opaque.is_empty()
            || !uses.stars.is_empty()
            || !uses.namespaces.is_empty()
        {
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

/// The imports, members and re-exports of one file that lead to `target`, with the file's
/// `export *` and the places it reads modules' names where they cannot be followed.
fn uses_in(project: &Project, path: &Path, analysis: &Arc<Analysis>, target: &Target) -> FileUses {
    let (workspace, open) = (project.workspace, project.open);
    let mut uses = FileUses::default();
    let module = &analysis.module;
    let file_of = |request: crate::engine::RequestId| match workspace
        .resolve(path, module.request(request))
    {
        Resolved::File(f) => Some(crate::workspace::normalize(&f)),
        _ => None,
    };
    for entry in &module.imports {
        let Ok(t) = workspace.import_target(path, analysis, entry.binding, open) else {
            continue;
        };
        if t.kind == TargetKind::Module {
            if let Some(why) = escapes(analysis, entry.binding) {
                uses.opaque.push(Opaque {
                    module: Some(t.path.clone()),
                    span: why,
                    what: OpaqueKind::EscapingNamespace(
                        analysis.binding_name(entry.binding).to_owned(),
                    ),
                });
            }
            // `const X = require('./x')` where `module.exports = X`.
            if let TargetKind::Binding(b) = target.kind
                && t.path == target.path
                && t.analysis
                    .module
                    .export_named(COMMONJS_EXPORTS)
                    .map(|e| &e.target)
                    == Some(&ExportTarget::Local(b))
            {
                uses.whole.push(entry.binding);
            }
            continue;
        }
        if entry.imported == ImportName::Default
            && t.analysis.source_kind == SourceKind::CommonJs
            && let Some(why) = escapes(analysis, entry.binding)
        {
            // `import lib from './lib.cjs'`: `module.exports`, whose keys are names too.
            uses.opaque.push(Opaque {
                module: Some(t.path.clone()),
                span: why,
                what: OpaqueKind::EscapingNamespace(
                    analysis.binding_name(entry.binding).to_owned(),
                ),
            });
        }
        if same(&t, target) {
            uses.imports.push(ImportUse {
                binding: entry.binding,
                name_span: entry.name_span,
                hops: hops(&t),
            });
        }
    }
    for member in &module.members {
        let Some(Ok(t)) = workspace.member_target(path, analysis, member.span.start, open) else {
            continue;
        };
        if t.kind == TargetKind::Module {
            // `all.ns`: the module object of `export * as ns`; `all.ns.x` is not followed.
            uses.opaque.push(Opaque {
                module: Some(t.path.clone()),
                span: member.span,
                what: OpaqueKind::NestedNamespace(member.name.clone()),
            });
        } else if same(&t, target) {
            uses.members.push(MemberUse {
                span: member.span,
                hops: member_hops(project, path, analysis, member, &t),
            });
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
                && module.import_of(b).is_some()
                && let Ok(t) = workspace.import_target(path, analysis, b, open)
                && t.kind == TargetKind::Module
            {
                uses.namespaces.push(t.path);
            }
            if let ExportTarget::Local(b) = entry.target
                && let Some(import) = uses.imports.iter().find(|i| i.binding == b)
            {
                uses.reexports.push(ReexportUse {
                    span: entry.span,
                    local: None,
                    name: entry.name.clone(),
                    hops: import.hops.clone(),
                    import: Some(b),
                });
            }
            continue;
        };
        let Ok(t) = workspace.request_target(path, analysis, *request, asked, open) else {
            continue;
        };
        if t.kind == TargetKind::Module {
            // `export * as ns from './m'`, or such a namespace re-exported by name.
            uses.namespaces.push(t.path);
            continue;
        }
        if same(&t, target) {
            uses.reexports.push(ReexportUse {
                span: entry.span,
                local: entry.local_span,
                name: entry.name.clone(),
                hops: hops(&t),
                import: None,
            });
        }
    }
    uses.stars = module
        .star_exports
        .iter()
        .filter_map(|&r| file_of(r))
        .collect();
    for load in &module.dynamic_imports {
        let module = match load.request {
            Some(r) => match file_of(r) {
                Some(f) => Some(f),
                None => continue,
            },
            None => None,
        };
        uses.opaque.push(Opaque {
            module,
            span: load.span,
            what: OpaqueKind::DynamicImport,
        });
    }
    for load in &module.dynamic_requires {
        uses.opaque.push(Opaque {
            module: None,
            span: load.span,
            what: OpaqueKind::DynamicRequire,
        });
    }
    for &request in &module.whole_requires {
        if let Some(f) = file_of(request) {
            uses.opaque.push(Opaque {
                module: Some(f),
                span: module.request(request).span,
                what: OpaqueKind::WholeRequire,
            });
        }
    }
    uses
}

/// The hops of a member's link that ask for its name: those of the namespace object it is read
/// from (`ns` of `import { ns }` where `export * as ns`) name a whole module, not the member,
/// and are left out.
fn member_hops(
    project: &Project,
    path: &Path,
    analysis: &Analysis,
    member: &crate::engine::ModuleMember,
    t: &Target,
) -> Hops {
    let skip = member
        .via
        .and_then(|via| {
            project
                .workspace
                .import_target(path, analysis, via, project.open)
                .ok()
        })
        .map_or(0, |object| object.chain.len());
    let mut all = hops(t);
    all.drain(..skip.min(all.len().saturating_sub(1)));
    all
}

/// Where the namespace-like import binding `binding` (`import * as ns`, `const lib =
/// require(…)`) is first used other than as the object of a property read by name (`ns.x`):
/// passed on, indexed, spread, assigned.
pub fn escapes(analysis: &Analysis, binding: BindingId) -> Option<Span> {
    let start = analysis.binding(binding).span.start;
    let uses = ide::references(analysis, start, false);
    let mut objects = rustc_hash::FxHashSet::default();
    for m in analysis
        .module
        .members
        .iter()
        .filter(|m| m.via == Some(binding))
    {
        // The object of `ns.x` is the last use of `ns` before its property.
        let i = uses.partition_point(|u| u.end <= m.span.start);
        if i > 0 {
            objects.insert(uses[i - 1].start);
        }
    }
    uses.into_iter().find(|u| !objects.contains(&u.start))
}

/// The spans in one file where the target occurs: the local import bindings' occurrences,
/// imported names written apart, members, re-exports and bindings holding the whole value;
/// declarations included or not.
pub fn file_references(
    analysis: &Analysis,
    uses: &FileUses,
    include_declaration: bool,
) -> Vec<Span> {
    let mut spans = Vec::new();
    for import in &uses.imports {
        let start = analysis.binding(import.binding).span.start;
        spans.extend(ide::references(analysis, start, include_declaration));
        if include_declaration {
            spans.extend(import.name_span);
        }
    }
    for &binding in &uses.whole {
        let start = analysis.binding(binding).span.start;
        spans.extend(ide::references(analysis, start, include_declaration));
    }
    spans.extend(uses.members.iter().map(|m| m.span));
    for r in &uses.reexports {
        spans.push(r.span);
        spans.extend(r.local);
    }
    spans.sort_by_key(|s| (s.start, s.end));
    spans.dedup();
    spans
}

/// The spans in the declaring module where a target occurs: the binding's references, or for a
/// value without a binding its export entries; and (CommonJS) its `exports.x` reads.
pub fn declaring_references(target: &Target, include_declaration: bool) -> Vec<Span> {
    let a = &target.analysis;
    let mut spans = match target.kind {
        TargetKind::Binding(b) => ide::references(a, a.binding(b).span.start, include_declaration),
        TargetKind::Value(value) => a
            .module
            .exports
            .iter()
            .filter(|e| e.target == ExportTarget::Value(value))
            .map(|e| e.span)
            .collect(),
        TargetKind::Module => Vec::new(),
    };
    if target.kind != TargetKind::Module {
        let names: Vec<&str> = a
            .module
            .exports
            .iter()
            .filter(|e| match (&e.target, target.kind) {
                (ExportTarget::Local(b), TargetKind::Binding(t)) => *b == t,
                (ExportTarget::Value(v), TargetKind::Value(t)) => *v == t,
                _ => false,
            })
            .map(|e| e.name.as_str())
            .collect();
        spans.extend(
            a.module
                .self_members
                .iter()
                .filter(|m| names.contains(&m.name.as_str()))
                .map(|m| m.span),
        );
    }
    spans.sort_by_key(|s| (s.start, s.end));
    spans.dedup();
    spans
}
