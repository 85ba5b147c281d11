//! References and rename across the workspace: from an exported binding (or any import, `ns.x`
//! member, re-export or CommonJS `require` that leads to it), the files that use it.
//!
//! Importers are found on demand: the workspace folders are walked (skipping `node_modules`
//! and dot-folders, at most [`MAX_SCANNED_FILES`] source files; a log line says when the cap
//! is hit), a file's text is read and kept only if it mentions one of the exported names and a
//! module keyword (`import`, `export`, `require`), and only those are analysed (through the
//! workspace cache; open documents win). Each import entry, re-export and member of a candidate
//! is resolved with ResolveExport and kept when it leads to the same target. A re-export under
//! another name (`export { a as b } from`) adds `b` to the names looked for, and the files
//! dropped by the pre-filter are looked at again.
//!
//! Besides the uses of the target, each candidate records where it reads modules' export names
//! in ways that cannot be followed ([`Opaque`]: dynamic `import()`, escaping namespace objects,
//! `export * as ns`, `require` of a computed path or whose result is passed on), and its `export
//! *` sources; to see those, the pre-filter also lets through files that mention a module's
//! specifier stem, or load a module by a computed specifier. What a rename changes, and when it
//! keeps an export name or refuses, is decided in [`crate::ide::rename_export`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::COMMONJS_EXPORTS;
use super::export_side::Site;
use super::files::{MAX_FILE_BYTES, is_source_file};
use super::{OpenFiles, Target, TargetKind, Workspace};
use crate::engine::{Analysis, ExportTarget, IdentifierAt, ImportName, Span};
use crate::ide::{self, RenameError, RenameErrorKind};

/// Source files a search walks through, at most.
pub const MAX_SCANNED_FILES: usize = 20_000;

/// The modules a link asks on its way and the name asked of each, the first module first and the
/// declaring module last (its `export_name`).
pub type Hops = Vec<(PathBuf, String)>;

/// The hops of a link.
pub fn hops(t: &Target) -> Hops {
    let mut out = t.chain.clone();
    out.push((t.path.clone(), t.export_name.clone()));
    out
}

/// An import binding bound to the target.
#[derive(Clone, Debug)]
pub struct ImportUse {
    pub binding: crate::engine::BindingId,
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
    pub import: Option<crate::engine::BindingId>,
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
    /// `export * as ns from './m'`.
    NamespaceReexport,
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
            OpaqueKind::NamespaceReexport => f.write_str("`export * as …`"),
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
    pub whole: Vec<crate::engine::BindingId>,
    /// `export * from` these modules.
    pub stars: Vec<PathBuf>,
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
    /// Candidates (their text names the target) that could not be analysed, with why.
    pub unreadable: Vec<(PathBuf, String)>,
    /// The walk stopped at [`MAX_SCANNED_FILES`].
    pub truncated: bool,
}

fn same(a: &Target, b: &Target) -> bool {
    a.path == b.path && a.kind == b.kind
}

/// The text a specifier of `path` must contain: its file stem, or for an index file its
/// directory's name.
fn stem(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    if stem == "index" {
        return Some(path.parent()?.file_name()?.to_string_lossy().into_owned());
    }
    Some(stem)
}

impl Workspace {
    /// What the identifier or member at `offset` names, seen across files: the exported binding
    /// it leads to (through an import or member), or the binding itself when its module
    /// exports it. `None` for anything else (a local binding, a namespace import, an
    /// unresolved import).
    pub fn cross_target(
        &self,
        path: &Path,
        analysis: &Arc<Analysis>,
        offset: u32,
        open: &dyn OpenFiles,
    ) -> Option<Target> {
        self.cross_site(path, analysis, offset, open)
            .map(|(t, _)| t)
    }

    /// [`Self::cross_target`], with what the cursor is on ([`Site`]).
    pub fn cross_site(
        &self,
        path: &Path,
        analysis: &Arc<Analysis>,
        offset: u32,
        open: &dyn OpenFiles,
    ) -> Option<(Target, Site)> {
        if let Some(member) = analysis.module.member_at(offset) {
            let t = self.member_target(path, analysis, offset, open)?.ok()?;
            let site = Site::Asked {
                name: member.name.clone(),
                hops: hops(&t),
            };
            return (t.kind != TargetKind::Module).then_some((t, site));
        }
        if let Some((_, t, site)) = self.export_site(path, analysis, offset, open) {
            let t = t.ok()?;
            return (t.kind != TargetKind::Module).then_some((t, site));
        }
        let binding = analysis.identifier_at(offset)?.binding()?;
        if analysis.module.import_of(binding).is_some() {
            let t = self.import_target(path, analysis, binding, open).ok()?;
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

    /// Every workspace file (and open document) with an import, member or re-export leading
    /// to `target`, or reading some module's names where they cannot be followed
    /// ([`FileUses::opaque`]); the declaring file excluded unless it imports itself.
    pub fn importers(&self, target: &Target, open: &dyn OpenFiles) -> Importers {
        let (mut pending, truncated) = self.source_files();
        if truncated {
            tracing::warn!(
                cap = MAX_SCANNED_FILES,
                "cross-file search: the workspace has more source files than scopelens scans; files beyond the cap are not searched"
            );
        }
        let open_paths = open.paths();
        for p in &open_paths {
            if !pending.contains(p) {
                pending.push(p.clone());
            }
        }
        let mut names = vec![target.export_name.clone()];
        names.extend(stem(&target.path));
        // The declaring module's own export names of the binding.
        if let TargetKind::Binding(b) = target.kind {
            for e in &target.analysis.module.exports {
                if e.target == ExportTarget::Local(b) && !names.contains(&e.name) {
                    names.push(e.name.clone());
                }
            }
        }
        let mut out = Importers {
            files: Vec::new(),
            unreadable: Vec::new(),
            truncated,
        };
        loop {
            let before = names.len();
            let mut rest = Vec::new();
            for path in std::mem::take(&mut pending) {
                let is_open = open_paths.contains(&path);
                if !is_open && !mentions(&path, &names) {
                    rest.push(path);
                    continue;
                }
                let analysis = match self.module(&path, open) {
                    Ok(a) => a,
                    Err(err) => {
                        out.unreadable.push((path, err.to_string()));
                        continue;
                    }
                };
                let uses = self.uses_in(&path, &analysis, target, open);
                let mut more: Vec<String> = uses.reexports.iter().map(|r| r.name.clone()).collect();
                if !uses.reexports.is_empty() || !uses.stars.is_empty() {
                    // Its importers name it by its own specifier.
                    more.extend(stem(&path));
                }
                for name in more {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                if !uses.is_empty() || !uses.opaque.is_empty() || !uses.stars.is_empty() {
                    out.files.push((path, analysis, uses));
                }
            }
            pending = rest;
            if names.len() == before || pending.is_empty() {
                break;
            }
        }
        out
    }

    /// The imports, members and re-exports of one file that lead to `target`, with the file's
    /// `export *` and the places it reads modules' names where they cannot be followed.
    fn uses_in(
        &self,
        path: &Path,
        analysis: &Arc<Analysis>,
        target: &Target,
        open: &dyn OpenFiles,
    ) -> FileUses {
        let mut uses = FileUses::default();
        let module = &analysis.module;
        let file_of =
            |request: crate::engine::RequestId| match self.resolve(path, module.request(request)) {
                super::Resolved::File(f) => Some(f),
                _ => None,
            };
        for entry in &module.imports {
            let Ok(t) = self.import_target(path, analysis, entry.binding, open) else {
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
                && t.analysis.source_kind == crate::engine::SourceKind::CommonJs
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
            if let Some(Ok(t)) = self.member_target(path, analysis, member.span.start, open)
                && same(&t, target)
            {
                uses.members.push(MemberUse {
                    span: member.span,
                    hops: hops(&t),
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
            if *asked == ImportName::Namespace {
                uses.opaque.push(Opaque {
                    module: file_of(*request),
                    span: entry.span,
                    what: OpaqueKind::NamespaceReexport,
                });
                continue;
            }
            let mut search = super::Search::default();
            if let Ok(t) = self.follow_request(path, analysis, *request, asked, open, &mut search)
                && same(&t, target)
            {
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

    /// The source files under the workspace folders (not `node_modules`, not dot-folders),
    /// at most [`MAX_SCANNED_FILES`]; whether the cap was hit.
    fn source_files(&self) -> (Vec<PathBuf>, bool) {
        let mut out = Vec::new();
        let mut stack: Vec<PathBuf> = self.folders();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut entries: Vec<_> = entries.flatten().collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let path = entry.path();
                if kind.is_dir() {
                    if name != "node_modules" && !name.starts_with('.') {
                        stack.push(path);
                    }
                } else if kind.is_file() && is_source_file(&path) {
                    if out.len() >= MAX_SCANNED_FILES {
                        return (out, true);
                    }
                    out.push(path);
                }
            }
        }
        (out, false)
    }
}

/// The cheap pre-filter: the file's text names one of `names` (the exported names and the
/// modules' specifier stems; any file with a module keyword for `default` and
/// `module.exports`, whose importers choose their own names) and mentions a module keyword, or
/// it loads a module by a computed specifier (`import(url)`). Files too large or not text are
/// left out (the workspace refuses them).
fn mentions(path: &Path, names: &[String]) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if meta.len() > MAX_FILE_BYTES {
        return false;
    }
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return false;
    }
    let has = |word: &str| memchr::memmem::find(&bytes, word.as_bytes()).is_some();
    if !(has("import") || has("require") || has("export")) {
        return false;
    }
    names
        .iter()
        .any(|n| n == "default" || n == super::COMMONJS_EXPORTS || has(n))
        || computed_load(&bytes)
}

/// `import(` or `require(` followed by something other than a string literal.
fn computed_load(bytes: &[u8]) -> bool {
    ["import(", "require("].iter().any(|word| {
        memchr::memmem::find_iter(bytes, word.as_bytes()).any(|at| {
            let rest = &bytes[at + word.len()..];
            let next = rest.iter().find(|b| !b.is_ascii_whitespace());
            !matches!(next, Some(b'\'' | b'"') | None)
        })
    })
}

/// Where the namespace-like import binding `binding` (`import * as ns`, `const lib =
/// require(…)`) is first used other than as the object of a property read by name (`ns.x`):
/// passed on, indexed, spread, assigned.
pub fn escapes(analysis: &Analysis, binding: crate::engine::BindingId) -> Option<Span> {
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
/// value without a binding its export entries and (CommonJS) `exports.x` reads.
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
            .filter(|e| match (e.target.clone(), target.kind) {
                (ExportTarget::Local(b), TargetKind::Binding(t)) => b == t,
                (ExportTarget::Value(v), TargetKind::Value(t)) => v == t,
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

/// The edits of a rename of `target` to `new`, per file ([`ide::rename_export`]), or why not.
pub fn rename_edits(
    workspace: &Workspace,
    target: &Target,
    start: &ide::RenameStart,
    new: &str,
    open: &dyn OpenFiles,
) -> Result<Vec<ide::FileEdits>, RenameError> {
    let importers = workspace.importers(target, open);
    if importers.truncated {
        return Err(RenameError {
            kind: RenameErrorKind::Exported,
            message: format!(
                "the workspace has more than {MAX_SCANNED_FILES} source files: scopelens cannot see every importer, so it does not rename exports here"
            ),
        });
    }
    ide::rename_export(target, start, &importers, new)
}

/// Whether `offset` is on an import binding (`import { a }`, `import { a as b }`, a default
/// import, `const { a } = require(…)`): renaming it is local to the file, an alias keeping the
/// imported name (`import { a as b }`), as TypeScript does. The declaration renames everywhere.
pub fn is_local_alias(analysis: &Analysis, offset: u32) -> bool {
    let Some(binding) = analysis.identifier_at(offset).and_then(|i| match i {
        IdentifierAt::Reference(r) => r.binding,
        IdentifierAt::Declaration(d) => Some(d.binding),
    }) else {
        return false;
    };
    analysis.module.import_of(binding).is_some()
}
