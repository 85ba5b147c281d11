//! Rename across files.
//!
//! Rename policy ("rename through"): the export's name changes with the binding wherever the
//! old name is written for it. `import { a }` becomes `import { b }` and the importer's local
//! uses are renamed too (with the same scope checks as a single-file rename, in every file);
//! `import { a as c }` becomes `import { b as c }` (local names that differ stay); `export { a }
//! from` becomes `export { b } from` (its importers follow), `export { a as c } from` becomes
//! `export { b as c } from` (the chain stops there); `ns.a`, `lib.a`, `require('./m').a`,
//! `exports.a` and `module.exports.a` are renamed. Refused when any file would change meaning,
//! when a module on the way already exports the new name, when a candidate importer cannot be
//! analysed, or when the search could not see every file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Project;
use super::importers::importers;
use crate::engine::{Analysis, ExportTarget, IdentifierAt, ImportName, Span};
use crate::ide::{self, RenameError, RenameErrorKind, TextEdit};
use crate::workspace::{Target, TargetKind};

/// One file's edits, in the offsets of its analysis.
pub type FileEdits = (PathBuf, Arc<Analysis>, Vec<TextEdit>);

fn refuse(kind: RenameErrorKind, message: String) -> RenameError {
    RenameError { kind, message }
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
    project: &Project,
    target: &Target,
    new: &str,
) -> Result<Vec<FileEdits>, RenameError> {
    use RenameErrorKind::*;
    let TargetKind::Binding(binding) = target.kind else {
        return Err(refuse(
            NotRenameable,
            "the export is a value without a binding: there is no name to rename".into(),
        ));
    };
    let decl = &target.analysis;
    let old = decl.binding_name(binding).to_owned();
    let importers = importers(project, target);
    if let Some(why) = importers.partial.first() {
        return Err(refuse(
            Exported,
            format!(
                "scopelens cannot see every importer of `{old}`, so it does not rename it: {why}"
            ),
        ));
    }
    let clash = |analysis: &Analysis, path: &Path| -> Result<(), RenameError> {
        if analysis.module.export_named(new).is_some() {
            return Err(refuse(
                Conflict,
                format!("`{}` already exports a `{new}`", file_name(path)),
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
        err.message = format!("in `{}`: {}", file_name(path), err.message);
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
