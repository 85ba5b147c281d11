//! Answers across files: where an import leads, every place an exported binding is used in the
//! project, and renames that keep every importer working. Computed over a [`Project`] (the
//! workspace's files and links, and the open documents' analyses), as plain data: paths, byte
//! offsets of each file's own analysis, Markdown. No LSP types.
//!
//! The workspace below finds, reads, resolves and links files; this module decides what a
//! cross-file question's answer is.

mod export_rename;
mod importers;
mod wording;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::{Analysis, Span};
use crate::workspace::{OpenFiles, Target, Unlinked, Workspace};

pub use export_rename::{
    FileEdits, RenameStart, is_local_alias, prepare_rename_export_side, rename_edits,
    rename_export, rename_start,
};
pub use importers::{
    FileUses, ImportUse, Importers, MemberUse, Opaque, OpaqueKind, ReexportUse, cross_site,
    cross_target, declaring_references, escapes, file_references, importers,
};
pub use wording::{export_side_link, import_link, unlinked};

/// What a cross-file answer looks at: the workspace's files and the open documents (whose
/// analyses win over the files on disk).
#[derive(Clone, Copy)]
pub struct Project<'a> {
    pub workspace: &'a Workspace,
    pub open: &'a dyn OpenFiles,
}

/// Where the identifier or property at `offset` of the file at `path` links to in another module
/// (an import binding, or `ns.x` / `lib.a` / `require('./m').a`), or what an export-side name
/// (`b` or `a` of `export { a as b } from`, `exports.a = …`, a `module.exports = { a: … }` key)
/// gives, with the span of what links; `None` when it is none of those.
pub fn link_at(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
) -> Option<(Span, Result<Target, Unlinked>)> {
    let (workspace, open) = (project.workspace, project.open);
    if let Some((span, target, _)) = workspace.export_site(path, analysis, offset, open) {
        return Some((span, target));
    }
    if let Some(member) = analysis.module.member_at(offset) {
        let span = member.span;
        return workspace
            .member_target(path, analysis, offset, open)
            .map(|result| (span, result));
    }
    let ident = analysis.identifier_at(offset)?;
    let binding = ident.binding()?;
    analysis.module.import_of(binding)?;
    Some((
        ident.span(),
        workspace.import_target(path, analysis, binding, open),
    ))
}

/// The places of one file, in the offsets of its analysis.
#[derive(Clone, Debug)]
pub struct FileReferences {
    pub path: PathBuf,
    pub analysis: Arc<Analysis>,
    /// Sorted, without duplicates.
    pub spans: Vec<Span>,
}

/// The places of a binding across the project's files.
#[derive(Clone, Debug, Default)]
pub struct CrossReferences {
    /// In path order.
    pub files: Vec<FileReferences>,
    /// Why files may be missing (the index still building, a candidate that cannot be read), as
    /// sentences; empty when the answer is complete.
    pub partial: Vec<String>,
}

/// Every place the binding family at `offset` of the file at `path` occurs in the project: in
/// the file itself ([`crate::ide::references`]) and, for an exported binding (or an import,
/// member or re-export leading to one), in the declaring file and every file importing it.
/// The file at `path` is among the files when it has places.
pub fn references(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
    include_declaration: bool,
) -> CrossReferences {
    let mut partial = Vec::new();
    let mut files: std::collections::BTreeMap<PathBuf, (Arc<Analysis>, Vec<Span>)> =
        std::collections::BTreeMap::new();
    files.insert(
        path.to_path_buf(),
        (
            analysis.clone(),
            super::references(analysis, offset, include_declaration),
        ),
    );
    if let Some(target) = cross_target(project, path, analysis, offset) {
        let found = importers(project, &target);
        partial = found.partial;
        files
            .entry(target.path.clone())
            .or_insert_with(|| (target.analysis.clone(), Vec::new()))
            .1
            .extend(declaring_references(&target, include_declaration));
        for (p, a, uses) in &found.files {
            files
                .entry(p.clone())
                .or_insert_with(|| (a.clone(), Vec::new()))
                .1
                .extend(file_references(a, uses, include_declaration));
        }
    }
    let files = files
        .into_iter()
        .filter_map(|(path, (analysis, mut spans))| {
            spans.sort_by_key(|s| (s.start, s.end));
            spans.dedup();
            (!spans.is_empty()).then_some(FileReferences {
                path,
                analysis,
                spans,
            })
        })
        .collect();
    CrossReferences { files, partial }
}

/// A rename across the project's files, when the name at `offset` of the file at `path` is an
/// exported binding, an export name written apart, or a name asked of another module (`ns.a`,
/// `require('./m').a`): the edits per file in the policy of [`export_rename`], or why not.
/// `None` for a rename local to the file (a local binding; an import binding, which keeps the
/// imported name with an alias, as TypeScript does).
pub fn rename(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
    new_name: &str,
) -> Option<Result<Vec<FileEdits>, super::RenameError>> {
    if is_local_alias(analysis, offset) {
        return None;
    }
    let (target, site) = cross_site(project, path, analysis, offset)?;
    let start = rename_start(&target, &site)?;
    Some(rename_edits(project, &target, &start, new_name))
}

/// Hover across files: for an import binding (or `ns.x`), where the value lives in the other
/// module, above the document's own hover ([`crate::ide::hover`]); a module member (a property,
/// not an identifier of this file) gets the link alone.
pub fn hover(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
) -> Option<super::Hover> {
    let link = link_at(project, path, analysis, offset).map(|(span, result)| {
        let name = name_at(analysis, span);
        let display = |p: &Path| project.workspace.display(p);
        let markdown = export_side_link(analysis, span, &result, &display)
            .unwrap_or_else(|| import_link(&name, &result, &display));
        (span, markdown)
    });
    if let Some((span, markdown)) = &link
        && analysis.identifier_at(span.start).is_none()
    {
        return Some(super::Hover {
            range: *span,
            markdown: markdown.clone(),
        });
    }
    let mut hover = super::hover(analysis, offset)?;
    if let Some((_, link)) = link {
        hover.markdown = format!("{link}\n\n---\n\n{}", hover.markdown);
    }
    Some(hover)
}

/// The name at `span`: the identifier's, or a member's property.
fn name_at(analysis: &Analysis, span: Span) -> String {
    if let Some(member) = analysis.module.member_at(span.start) {
        return member.name.clone();
    }
    analysis
        .identifier_at(span.start)
        .and_then(|i| i.binding())
        .map(|b| analysis.binding_name(b).to_owned())
        .unwrap_or_default()
}

/// Where go to definition leads.
#[derive(Clone, Debug)]
pub enum Definition {
    /// A binding of the file asked about: its declaring identifier.
    Here(Span),
    /// The binding (or value, or module) an import leads to in another file.
    There(Target),
}

/// Go to definition: for an import binding (and `ns.x`, `lib.a` of a required module), the
/// declaration in the exporting file; otherwise the binding the identifier resolves to
/// ([`crate::ide::goto_binding`]). An import that leads nowhere (a builtin, a missing file)
/// stays at the local `import`.
pub fn definition(
    project: &Project,
    path: &Path,
    analysis: &Arc<Analysis>,
    offset: u32,
) -> Option<Definition> {
    if let Some((_, Ok(target))) = link_at(project, path, analysis, offset) {
        return Some(Definition::There(target));
    }
    super::goto_binding(analysis, offset).map(|t| Definition::Here(t.span))
}
