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
//! Rename policy ("rename through"): the export's name changes with the binding wherever the
//! old name is written for it. `import { a }` becomes `import { b }` and the importer's local
//! uses are renamed too (with the same scope checks as a single-file rename, in every file);
//! `import { a as c }` becomes `import { b as c }` (local names that differ stay); `export { a }
//! from` becomes `export { b } from` (its importers follow), `export { a as c } from` becomes
//! `export { b as c } from` (the chain stops there); `ns.a`, `lib.a`, `require('./m').a`,
//! `exports.a` and `module.exports.a` are renamed. Refused when any file would change meaning,
//! when a module on the way already exports the new name, when a candidate importer cannot be
//! analysed, or when the scan hit its cap.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::files::{MAX_FILE_BYTES, is_source_file};
use super::{OpenFiles, Target, TargetKind, Workspace};
use crate::engine::{Analysis, ExportTarget, IdentifierAt, ImportName, Span};
use crate::ide::{self, RenameError, RenameErrorKind, TextEdit};

/// Source files a search walks through, at most.
pub const MAX_SCANNED_FILES: usize = 20_000;

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
    /// Candidates (their text names the target) that could not be analysed, with why.
    pub unreadable: Vec<(PathBuf, String)>,
    /// The walk stopped at [`MAX_SCANNED_FILES`].
    pub truncated: bool,
}

/// Whether a link reaches the target through its own name only: the name asked of every module
/// on the way is the target's export name.
fn by_name(t: &Target, name: &str) -> bool {
    t.export_name == name && t.chain.iter().all(|(_, n)| n == name)
}

fn same(a: &Target, b: &Target) -> bool {
    a.path == b.path && a.kind == b.kind
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
        if analysis.module.member_at(offset).is_some() {
            let t = self.member_target(path, analysis, offset, open)?.ok()?;
            return (t.kind != TargetKind::Module).then_some(t);
        }
        let binding = analysis.identifier_at(offset)?.binding()?;
        if analysis.module.import_of(binding).is_some() {
            let t = self.import_target(path, analysis, binding, open).ok()?;
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

    /// Every workspace file (and open document) with an import, member or re-export leading
    /// to `target`, the declaring file excluded unless it imports itself.
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
                for (_, _, name, _) in &uses.reexports {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
                if !uses.is_empty() {
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

    /// The imports, members and re-exports of one file that lead to `target`.
    fn uses_in(
        &self,
        path: &Path,
        analysis: &Arc<Analysis>,
        target: &Target,
        open: &dyn OpenFiles,
    ) -> FileUses {
        let name = target.export_name.as_str();
        let mut uses = FileUses::default();
        let module = &analysis.module;
        for entry in &module.imports {
            if entry.imported == ImportName::Namespace {
                continue;
            }
            if let Ok(t) = self.import_target(path, analysis, entry.binding, open)
                && same(&t, target)
            {
                uses.imports
                    .push((entry.binding, entry.name_span, by_name(&t, name)));
            }
        }
        for member in &module.members {
            if let Some(Ok(t)) = self.member_target(path, analysis, member.span.start, open)
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
            let mut search = super::Search::default();
            if let Ok(t) = self.follow_request(path, analysis, *request, asked, open, &mut search)
                && same(&t, target)
            {
                let named = by_name(&t, name) && asked.as_str() == name;
                uses.reexports
                    .push((entry.span, entry.local_span, entry.name.clone(), named));
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

/// The cheap pre-filter: the file's text names one of `names` (any file with a module keyword
/// for `default` and `module.exports`, whose importers choose their own names) and mentions a
/// module keyword. Files too large or not text are left out (the workspace refuses them).
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

/// One file's edits, in the offsets of its analysis.
pub type FileEdits = (PathBuf, Arc<Analysis>, Vec<TextEdit>);

fn refuse(kind: RenameErrorKind, message: String) -> RenameError {
    RenameError::new(kind, message)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn is_typescript(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ts" | "tsx" | "mts" | "cts")
    )
}

/// The edits of a rename of `target` (an exported binding) to `new`, per file, in the
/// "rename through" policy (see the module docs), or why not.
pub fn rename_edits(
    workspace: &Workspace,
    target: &Target,
    new: &str,
    open: &dyn OpenFiles,
) -> Result<Vec<FileEdits>, RenameError> {
    use RenameErrorKind::*;
    let TargetKind::Binding(binding) = target.kind else {
        return Err(refuse(
            NotRenameable,
            "the export is a value, not a binding, so there is no name to rename".into(),
        ));
    };
    let decl = &target.analysis;
    let old = decl.binding_name(binding).to_owned();
    let importers = workspace.importers(target, open);
    if importers.truncated {
        return Err(refuse(
            Exported,
            format!(
                "the workspace has more than {MAX_SCANNED_FILES} source files, so scopelens cannot see every importer and does not rename exports here"
            ),
        ));
    }
    if let Some((path, why)) = importers.unreadable.first() {
        return Err(refuse(
            Exported,
            format!(
                "`{}` may import `{old}` but cannot be analysed ({why})",
                file_name(path)
            ),
        ));
    }
    let clash = |analysis: &Analysis, path: &Path| -> Result<(), RenameError> {
        if analysis.module.export_named(new).is_some() {
            return Err(refuse(
                Conflict,
                format!("`{}` already exports `{new}`", file_name(path)),
            ));
        }
        Ok(())
    };
    // The declaring file: the binding, its uses, and its exports under its own name.
    let mut files = Vec::new();
    let renames_export = decl
        .module
        .exports
        .iter()
        .any(|e| e.target == ExportTarget::Local(binding) && e.name == old);
    if renames_export {
        clash(decl, &target.path)?;
    }
    files.push((
        target.path.clone(),
        decl.clone(),
        through_edits(decl, &target.path, binding, &old, new, &[])?,
    ));
    for (path, analysis, uses) in &importers.files {
        let mut edits: Vec<TextEdit> = Vec::new();
        let mut through = Vec::new();
        let edit = |edits: &mut Vec<TextEdit>, span: Span| {
            edits.push(TextEdit {
                span,
                new_text: new.to_owned(),
            })
        };
        for &(span, local, ref name, named) in &uses.reexports {
            if !named {
                continue;
            }
            match local {
                // `export { a as c } from`: the chain stops here.
                Some(local) => edit(&mut edits, local),
                None => {
                    if name == &old {
                        clash(analysis, path)?;
                    }
                    through.push(span);
                    edit(&mut edits, span);
                }
            }
        }
        for &(span, named) in &uses.members {
            if named {
                edit(&mut edits, span);
            }
        }
        for &(b, name_span, named) in &uses.imports {
            if !named {
                continue;
            }
            match name_span {
                Some(span) => edit(&mut edits, span),
                None if analysis.binding_name(b) == old => {
                    through.push(analysis.binding(b).span);
                    let mut local = through_edits(analysis, path, b, &old, new, &through)?;
                    edits.append(&mut local);
                }
                None => {}
            }
        }
        if path == &target.path {
            // A module importing itself: merge with the declaring file's edits.
            if let Some(own) = files.iter_mut().find(|f| &f.0 == path) {
                own.2.append(&mut edits);
                continue;
            }
        }
        if !edits.is_empty() {
            files.push((path.clone(), analysis.clone(), edits));
        }
    }
    for (_, _, edits) in &mut files {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        // An occurrence renamed plainly and the same span as an export: one edit.
        edits.dedup_by(|a, b| a.span == b.span && a.new_text == b.new_text);
        if edits.windows(2).any(|w| w[0].span.end > w[1].span.start) {
            return Err(refuse(
                NotRenameable,
                "scopelens could not place the edits of this rename without overlaps".into(),
            ));
        }
    }
    Ok(files)
}

/// The single-file rename of `binding` of the file at `path` with the spans in `through` (and
/// the file's exports of it under `old`) renamed plainly, and those exports' spans edited.
fn through_edits(
    analysis: &Analysis,
    path: &Path,
    binding: crate::engine::BindingId,
    old: &str,
    new: &str,
    through: &[Span],
) -> Result<Vec<TextEdit>, RenameError> {
    let start = analysis.binding(binding).span.start;
    if is_typescript(path) {
        ide::refuse_type_uses(analysis, start)?;
    }
    let mut through = through.to_vec();
    let mut extra = Vec::new();
    for e in &analysis.module.exports {
        if e.target == ExportTarget::Local(binding) && e.name == old {
            through.push(e.span);
            extra.push(TextEdit {
                span: e.span,
                new_text: new.to_owned(),
            });
        }
    }
    let mut edits = ide::rename_through(analysis, start, new, &through).map_err(|mut err| {
        let message = err.message.trim_end_matches('.');
        err.message = format!("{message} (in `{}`).", file_name(path));
        err
    })?;
    edits.append(&mut extra);
    Ok(edits)
}

/// Whether `offset` is on an import binding whose local name differs from the name it imports
/// (`import { a as b }`, a default import): renaming it is local to the file.
pub fn is_local_alias(analysis: &Analysis, offset: u32) -> bool {
    let Some(binding) = analysis.identifier_at(offset).and_then(|i| match i {
        IdentifierAt::Reference(r) => r.binding,
        IdentifierAt::Declaration(d) => Some(d.binding),
    }) else {
        return false;
    };
    match analysis.module.import_of(binding) {
        Some(entry) => match &entry.imported {
            ImportName::Named(n) => n != analysis.binding_name(binding),
            _ => true,
        },
        None => false,
    }
}
