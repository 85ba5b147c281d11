//! Renames across files that keep every importer working.
//!
//! What a rename changes depends on where it starts ([`rename_start`]):
//! - at an exported binding's declaration (or a use in its module): the binding, and the export
//!   names that are the binding's own name (`export function a`, `export { a }`, `exports.a =
//!   a`, `module.exports = { a }`); exports under another name (`export default a`, `export { a
//!   as b }`, `module.exports = { dump: a }`) keep theirs;
//! - at an export name written apart (`b` of `export { a as b }` or `export { a as b } from`,
//!   `exports.b = …`, a `{ b: … }` key of `module.exports`), or at a name asked of a module
//!   (`ns.b`, `require('./m').b`): that export name, traced back to the module that first gives
//!   the value that name.
//!
//! Everywhere the changed export name is asked for by name it changes too: `import { a }` (with
//! the importer's local uses), `import { a as c }` → `import { b as c }`, `ns.a`,
//! `require('./m').a`, `const { a } = require(…)`, and re-exports under the same name
//! (`export { a } from`, which pass the change on to their own importers, and `export *`). A
//! re-export under another name keeps the name it gives (`export { a as c } from` →
//! `export { b as c } from`); an alias at an import keeps the importer's local name.
//!
//! A module whose export names are read where they cannot be followed (a dynamic `import()`, a
//! namespace object or `module.exports` that escapes, a namespace read as a property of another
//! (`all.ns` of `export * as ns`), a `require` of a computed path, see
//! [`super::importers::Opaque`]; also through a module exporting its namespace object, whose
//! readers then reach the name as `ns.a`) keeps its export names: a rename
//! at a binding then renames the binding only, keeping the name (`export { b as a }`, `{ a: b
//! }`), or is refused with the reason when the name is the declaration's own
//! (`export function a`); a rename of the export name itself is refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oxc_syntax::identifier::is_identifier_name;

use super::Project;
use super::importers::{Importers, ReexportUse, importers};
use crate::engine::{Analysis, BindingId, ExportTarget, IdentifierAt, SourceKind, Span};
use crate::ide::describe::line;
use crate::ide::{RenameError, RenameErrorKind, TextEdit, refuse_type_uses, rename_through};
use crate::workspace::export_side::Hops;
use crate::workspace::{Site, Target, TargetKind};

/// One file's edits, in the offsets of its analysis.
pub type FileEdits = (PathBuf, Arc<Analysis>, Vec<TextEdit>);

/// The edits of a rename of `target` started at `start` to `new`, per file, over the project's
/// importers of the target ([`importers`]); refused when the search could not see every file.
pub fn rename_edits(
    project: &Project,
    target: &Target,
    start: &RenameStart,
    new: &str,
) -> Result<Vec<FileEdits>, RenameError> {
    let importers = importers(project, target);
    if let Some(why) = importers.partial.first() {
        let name = match start {
            RenameStart::Export { name, .. } => name.as_str(),
            RenameStart::Binding => match target.kind {
                TargetKind::Binding(b) => target.analysis.binding_name(b),
                _ => target.export_name.as_str(),
            },
        };
        return Err(refuse(
            RenameErrorKind::Exported,
            format!(
                "scopelens cannot see every importer of `{name}`, so it does not rename it: {why}"
            ),
        ));
    }
    rename_export(target, start, &importers, new)
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

/// What a rename across files renames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameStart {
    /// The target binding, with the export names that are its own name.
    Binding,
    /// The export `name` of the module at `path`, and every name asked for it by name.
    Export { path: PathBuf, name: String },
}

/// Where a rename at `site` starts, traced back to its origin: the first module (from the
/// declaring one) whose export gives the value the name at the cursor. `None` when the name at
/// the cursor is no export name of any module on the way.
pub fn rename_start(target: &Target, site: &Site) -> Option<RenameStart> {
    match site {
        Site::Binding => Some(RenameStart::Binding),
        Site::Export { path, name } => Some(RenameStart::Export {
            path: path.clone(),
            name: name.clone(),
        }),
        Site::Asked { name, hops } => {
            // Past namespace hops (`import { ns }` of `export * as ns`), then as far as the
            // name stays the same.
            let first = hops.iter().position(|h| &h.1 == name)?;
            let run = hops[first..].iter().take_while(|h| &h.1 == name).count();
            let last = first + run - 1;
            if last == hops.len() - 1
                && let TargetKind::Binding(b) = target.kind
                && target.analysis.binding_name(b) == name
                && exports_as_itself(&target.analysis, b)
            {
                return Some(RenameStart::Binding);
            }
            Some(RenameStart::Export {
                path: hops[last].0.clone(),
                name: name.clone(),
            })
        }
    }
}

/// Whether the module exports binding `b` under the binding's own name.
fn exports_as_itself(analysis: &Analysis, b: BindingId) -> bool {
    let name = analysis.binding_name(b);
    analysis
        .module
        .exports
        .iter()
        .any(|e| e.target == ExportTarget::Local(b) && e.name == name)
}

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

/// The edits of a rename of `target` started at `start` to `new`, per file, given the files
/// that use the target ([`Importers`]); or why not.
pub fn rename_export(
    target: &Target,
    start: &RenameStart,
    importers: &Importers,
    new: &str,
) -> Result<Vec<FileEdits>, RenameError> {
    use RenameErrorKind::*;
    let decl = &target.analysis;
    let (old, root) = match start {
        RenameStart::Binding => {
            let TargetKind::Binding(b) = target.kind else {
                return Err(refuse(
                    NotRenameable,
                    "the export is a value, not a binding, so there is no name to rename".into(),
                ));
            };
            let old = decl.binding_name(b).to_owned();
            let root = exports_as_itself(decl, b).then(|| (target.path.clone(), old.clone()));
            (old, root)
        }
        RenameStart::Export { path, name } => (name.clone(), Some((path.clone(), name.clone()))),
    };
    if !is_identifier_name(new) {
        return Err(refuse(
            InvalidName,
            format!("`{new}` is not a valid identifier"),
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
    let Some(root) = root else {
        // Exported under other names only: nothing outside the module changes.
        return Ok(vec![binding_only(target, new)?]);
    };
    let plan = Plan::new(&root, &old, importers);
    let mut analyses: BTreeMap<&Path, &Arc<Analysis>> = BTreeMap::new();
    analyses.insert(&target.path, decl);
    for (path, analysis, _) in &importers.files {
        analyses.insert(path, analysis);
    }
    if let Some(why) = plan.unprovable(importers, &analyses) {
        return match start {
            RenameStart::Binding => binding_only(target, new)
                .map(|edits| vec![edits])
                .map_err(|err| match err.kind {
                    Exported => refuse(
                        Exported,
                        format!(
                            "`{old}` is exported by its declaration, and its export name must stay: {why}"
                        ),
                    ),
                    _ => err,
                }),
            RenameStart::Export { .. } => Err(refuse(
                Exported,
                format!("the export name `{old}` must stay: {why}"),
            )),
        };
    }
    for module in &plan.modules {
        if let Some(a) = analyses.get(module.as_path())
            && a.module.export_named(new).is_some()
        {
            return Err(refuse(
                Conflict,
                format!("`{}` already exports `{new}`", file_name(module)),
            ));
        }
    }
    let mut files: BTreeMap<PathBuf, (Arc<Analysis>, Vec<TextEdit>)> = BTreeMap::new();
    let edit = |span: Span, text: &str| TextEdit {
        span,
        new_text: text.to_owned(),
    };
    match start {
        RenameStart::Binding => {
            let TargetKind::Binding(b) = target.kind else {
                unreachable!("checked above")
            };
            let mut edits = through_edits(decl, &target.path, b, &old, new, &[], true)?;
            edits.extend(self_reads(decl, &old).map(|s| edit(s, new)));
            files.insert(target.path.clone(), (decl.clone(), edits));
        }
        RenameStart::Export { path, name } => {
            let Some(&analysis) = analyses.get(path.as_path()) else {
                return Err(refuse(
                    NotRenameable,
                    format!("`{}` could not be analysed", file_name(path)),
                ));
            };
            let mut edits = Vec::new();
            for e in analysis.module.exports.iter().filter(|e| &e.name == name) {
                edits.push(export_name_edit(
                    analysis,
                    e.span,
                    e.local_span.is_none(),
                    &e.target,
                    name,
                    new,
                ));
            }
            edits.extend(self_reads(analysis, name).map(|s| edit(s, new)));
            files.insert(path.clone(), (analysis.clone(), edits));
        }
    }
    for (path, analysis, uses) in &importers.files {
        let mut edits: Vec<TextEdit> = Vec::new();
        for import in &uses.imports {
            if !plan.renamed(&import.hops) {
                continue;
            }
            match import.name_span {
                Some(span) => edits.push(edit(span, new)),
                None => {
                    // `import { a }`: the local binding takes the new name, and so do the
                    // file's re-exports of it under its name.
                    let mut through = vec![analysis.binding(import.binding).span];
                    through.extend(
                        uses.reexports
                            .iter()
                            .filter(|r| r.import == Some(import.binding) && r.name == old)
                            .map(|r| r.span),
                    );
                    edits.extend(through_edits(
                        analysis,
                        path,
                        import.binding,
                        &old,
                        new,
                        &through,
                        true,
                    )?);
                }
            }
        }
        for member in &uses.members {
            if plan.renamed(&member.hops) {
                edits.push(edit(member.span, new));
            }
        }
        for r in &uses.reexports {
            let exported = plan.exported_renamed(path, r);
            match r.import {
                Some(b) => {
                    let through = analysis.binding_name(b) == old
                        && r.name == old
                        && uses.imports.iter().any(|i| {
                            i.binding == b && i.name_span.is_none() && plan.renamed(&i.hops)
                        });
                    if exported && !through {
                        let local = ExportTarget::Local(b);
                        edits.push(export_name_edit(
                            analysis, r.span, true, &local, &r.name, new,
                        ));
                    }
                }
                None => {
                    let asked = plan.renamed(&r.hops);
                    match (r.local, asked, exported) {
                        (Some(local), true, _) => edits.push(edit(local, new)),
                        (None, true, _) => edits.push(edit(r.span, new)),
                        (None, false, true) => {
                            edits.push(edit(r.span, &format!("{} as {new}", r.name)))
                        }
                        _ => {}
                    }
                    if exported && r.local.is_some() {
                        edits.push(edit(r.span, new));
                    }
                }
            }
        }
        if !edits.is_empty() {
            files
                .entry(path.clone())
                .or_insert_with(|| (analysis.clone(), Vec::new()))
                .1
                .append(&mut edits);
        }
    }
    let mut out = Vec::with_capacity(files.len());
    for (path, (analysis, mut edits)) in files {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        edits.dedup_by(|a, b| a.span == b.span && a.new_text == b.new_text);
        if edits.windows(2).any(|w| w[0].span.end > w[1].span.start) {
            return Err(refuse(
                NotRenameable,
                "scopelens could not place the edits of this rename without overlaps".into(),
            ));
        }
        if !edits.is_empty() {
            out.push((path, analysis, edits));
        }
    }
    Ok(out)
}

/// The span of the export-side name at `offset` a rename across files can start from (`ns.x`,
/// `require('./m').x`, `exports.x`, an export or re-export name written apart), if any.
pub fn prepare_rename_export_side(analysis: &Analysis, offset: u32) -> Option<Span> {
    let module = &analysis.module;
    if analysis.identifier_at(offset).is_some() {
        return None;
    }
    if let Some(m) = module.member_at(offset) {
        return Some(m.span);
    }
    if let Some(e) = module.export_at(offset) {
        return Some(e.local_span.filter(|s| s.touches(offset)).unwrap_or(e.span));
    }
    module.self_member_at(offset).map(|m| m.span)
}

/// The export name at `span` (an entry of `target`) renamed from `old` to `new`, keeping what
/// it exports: where the name is also an identifier of the file (`export { a }`, `module.exports
/// = { a }`, `export { a } from`), the identifier stays and the name is written apart.
fn export_name_edit(
    analysis: &Analysis,
    span: Span,
    shorthand: bool,
    target: &ExportTarget,
    old: &str,
    new: &str,
) -> TextEdit {
    let is_identifier = analysis.identifier_at(span.start).is_some();
    let new_text = match target {
        ExportTarget::ReExport { .. } if shorthand => format!("{old} as {new}"),
        ExportTarget::Local(_) if is_identifier && analysis.source_kind == SourceKind::CommonJs => {
            format!("{new}: {old}")
        }
        ExportTarget::Local(_) if is_identifier => format!("{old} as {new}"),
        _ => new.to_owned(),
    };
    TextEdit { span, new_text }
}

/// `exports.name` and `module.exports.name` read or written in a CommonJS module, other than the
/// export entries' own spans.
fn self_reads<'a>(analysis: &'a Analysis, name: &'a str) -> impl Iterator<Item = Span> + 'a {
    analysis
        .module
        .self_members
        .iter()
        .filter(move |m| m.name == name)
        .map(|m| m.span)
}

/// The rename of the target binding in its own module only, every export name kept (`export {
/// b as a }`, `{ a: b }`); refused (kind `Exported`) when the binding is exported by its
/// declaration.
fn binding_only(target: &Target, new: &str) -> Result<FileEdits, RenameError> {
    let TargetKind::Binding(b) = target.kind else {
        return Err(refuse(
            RenameErrorKind::NotRenameable,
            "the export is a value, not a binding, so there is no name to rename".into(),
        ));
    };
    let a = &target.analysis;
    let start = a.binding(b).span.start;
    if is_typescript(&target.path) {
        refuse_type_uses(a, start)?;
    }
    let edits = crate::ide::rename(a, start, new).map_err(|mut err| {
        let message = err.message.trim_end_matches('.');
        err.message = format!("{message} (in `{}`).", file_name(&target.path));
        err
    })?;
    Ok((target.path.clone(), a.clone(), edits))
}

/// Which export names a rename changes: the root, and every module passing it on by name.
struct Plan<'i> {
    root: (PathBuf, String),
    old: &'i str,
    /// The modules whose export `old` changes.
    modules: Vec<PathBuf>,
    /// The modules that export the namespace object of one of those (`export * as ns from`, a
    /// namespace import exported again, passed on by `export *`): readers of their names can
    /// reach the changed name as `ns.old`.
    exposing: Vec<PathBuf>,
}

impl<'i> Plan<'i> {
    fn new(root: &(PathBuf, String), old: &'i str, importers: &Importers) -> Self {
        let mut plan = Plan {
            root: root.clone(),
            old,
            modules: vec![root.0.clone()],
            exposing: Vec::new(),
        };
        for (path, _, uses) in &importers.files {
            if uses
                .reexports
                .iter()
                .any(|r| plan.exported_renamed(path, r))
                && !plan.modules.contains(path)
            {
                plan.modules.push(path.clone());
            }
        }
        // `export * from` a module whose name changes passes the change on.
        loop {
            let before = plan.modules.len();
            for (path, analysis, uses) in &importers.files {
                if !plan.modules.contains(path)
                    && analysis.module.export_named(old).is_none()
                    && uses.stars.iter().any(|s| plan.modules.contains(s))
                {
                    plan.modules.push(path.clone());
                }
            }
            if plan.modules.len() == before {
                break;
            }
        }
        loop {
            let before = plan.exposing.len();
            for (path, _, uses) in &importers.files {
                let exposes = uses
                    .namespaces
                    .iter()
                    .any(|m| plan.modules.contains(m) || plan.exposing.contains(m))
                    || uses.stars.iter().any(|s| plan.exposing.contains(s));
                if exposes && !plan.exposing.contains(path) && !plan.modules.contains(path) {
                    plan.exposing.push(path.clone());
                }
            }
            if plan.exposing.len() == before {
                break;
            }
        }
        plan
    }

    /// Whether reading the export names of `module` may read the changed name.
    fn reads_changed(&self, module: &Path) -> bool {
        self.modules
            .iter()
            .chain(&self.exposing)
            .any(|m| m == module)
    }

    /// A link whose name changes: it asks for the root by its name all the way.
    fn renamed(&self, hops: &Hops) -> bool {
        match hops.iter().position(|h| *h == self.root) {
            Some(j) => hops[..j].iter().all(|h| h.1 == self.old),
            None => false,
        }
    }

    /// Whether a re-export's exported name changes: it is the root, or it passes the root's
    /// name on unchanged.
    fn exported_renamed(&self, path: &Path, r: &ReexportUse) -> bool {
        (self.root.0 == path && self.root.1 == r.name)
            || (r.name == self.old && self.renamed(&r.hops))
    }

    /// Why a changed export name could break a reader scopelens cannot follow, if one could.
    fn unprovable(
        &self,
        importers: &Importers,
        analyses: &BTreeMap<&Path, &Arc<Analysis>>,
    ) -> Option<String> {
        for (path, analysis, uses) in &importers.files {
            for o in &uses.opaque {
                let reads = match &o.module {
                    None => true,
                    Some(m) => self.reads_changed(m),
                };
                if reads {
                    let whose = match &o.module {
                        Some(m) => format!("`{}`'s export names", file_name(m)),
                        None => "any module's export names".to_owned(),
                    };
                    return Some(format!(
                        "{} at line {} of `{}` may read {whose}, and scopelens cannot follow where",
                        o.what,
                        line(analysis, o.span.start),
                        file_name(path)
                    ));
                }
            }
        }
        for module in self.modules.iter().chain(&self.exposing) {
            if let Some(a) = analyses.get(module.as_path())
                && let Some(at) = a.module.exports_escape
            {
                return Some(format!(
                    "`{}` uses its `exports` object as a whole at line {}, where its property names may be read",
                    file_name(module),
                    line(a, at.start)
                ));
            }
        }
        None
    }
}

/// The single-file rename of `binding` of the file at `path` with the spans in `through` (and,
/// with `rename_exports`, the file's exports of it under `old`) renamed plainly, and those
/// exports' spans edited.
fn through_edits(
    analysis: &Analysis,
    path: &Path,
    binding: BindingId,
    old: &str,
    new: &str,
    through: &[Span],
    rename_exports: bool,
) -> Result<Vec<TextEdit>, RenameError> {
    let start = analysis.binding(binding).span.start;
    if is_typescript(path) {
        refuse_type_uses(analysis, start)?;
    }
    let mut through = through.to_vec();
    let mut extra = Vec::new();
    if rename_exports {
        for e in &analysis.module.exports {
            if e.target == ExportTarget::Local(binding) && e.name == old {
                through.push(e.span);
                extra.push(TextEdit {
                    span: e.span,
                    new_text: new.to_owned(),
                });
            }
        }
    }
    let mut edits = rename_through(analysis, start, new, &through).map_err(|mut err| {
        let message = err.message.trim_end_matches('.');
        err.message = format!("{message} (in `{}`).", file_name(path));
        err
    })?;
    edits.append(&mut extra);
    Ok(edits)
}
