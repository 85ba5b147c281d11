//! The names a module exports, seen from the exporting side: `export { a as b }` and
//! `export { a as b } from './m'` (both names), `exports.a = …`, `module.exports.a = …`,
//! `module.exports = { a: … }` keys and `exports.a` reads in the module itself. None of these is
//! an identifier of the file, so the single-file model has nothing there; here each leads to
//! the binding or value it exports, and says which name the cursor is on ([`Site`]), which
//! decides what a rename there changes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{OpenFiles, Search, Target, TargetKind, Workspace};
use crate::engine::{Analysis, ExportEntry, ExportTarget, ImportName, Span};

/// The modules a link asks on its way and the name asked of each, the first module first and the
/// declaring module last (its `export_name`).
pub type Hops = Vec<(PathBuf, String)>;

/// The hops of a link.
pub fn hops(t: &Target) -> Hops {
    let mut out = t.chain.clone();
    out.push((t.path.clone(), t.export_name.clone()));
    out
}

/// What the cursor is on, for a rename.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Site {
    /// A binding of the declaring module (its declaration or a use).
    Binding,
    /// A name asked of another module (`ns.x`, `require('./m').x`, the `a` of
    /// `export { a as b } from`): the name, and how it reaches the target.
    Asked { name: String, hops: Hops },
    /// An exported name of this module written apart from what it exports (`b` of
    /// `export { a as b }` or of `export { a as b } from`, `exports.b = …`, a `{ b: … }` key of
    /// `module.exports`, an `exports.b` read).
    Export { path: PathBuf, name: String },
}

impl Workspace {
    /// The export-side name at `offset` (see the module docs): its span, the target it leads
    /// to, and the site. `None` when `offset` is on none of them.
    pub fn export_site(
        &self,
        path: &Path,
        analysis: &Arc<Analysis>,
        offset: u32,
        open: &dyn OpenFiles,
    ) -> Option<(Span, Result<Target, super::Unlinked>, Site)> {
        let module = &analysis.module;
        if analysis.identifier_at(offset).is_some() {
            return None;
        }
        if let Some(entry) = module.export_at(offset) {
            return Some(self.entry_site(path, analysis, entry, offset, open));
        }
        let member = module.self_member_at(offset)?;
        // `exports.x` read in the module: the export entry it reads.
        let entry = module.export_named(&member.name)?;
        let (_, target, _) = self.entry_site(path, analysis, entry, entry.span.start, open);
        Some((
            member.span,
            target,
            Site::Export {
                path: path.to_path_buf(),
                name: member.name.clone(),
            },
        ))
    }

    fn entry_site(
        &self,
        path: &Path,
        analysis: &Arc<Analysis>,
        entry: &ExportEntry,
        offset: u32,
        open: &dyn OpenFiles,
    ) -> (Span, Result<Target, super::Unlinked>, Site) {
        let here = |kind| Target {
            path: path.to_path_buf(),
            analysis: analysis.clone(),
            kind,
            export_name: entry.name.clone(),
            chain: Vec::new(),
            runtime_note: None,
        };
        let export = Site::Export {
            path: path.to_path_buf(),
            name: entry.name.clone(),
        };
        match &entry.target {
            ExportTarget::Local(b) => {
                // An import exported again leads on to its target.
                let target = match analysis.module.import_of(*b) {
                    Some(_) => self.import_target(path, analysis, *b, open),
                    None => Ok(here(TargetKind::Binding(*b))),
                };
                (entry.span, target, export)
            }
            ExportTarget::Value(span) => (entry.span, Ok(here(TargetKind::Value(*span))), export),
            ExportTarget::ReExport { request, name } => {
                let mut search = Search::default();
                let target = self.follow_request(path, analysis, *request, name, open, &mut search);
                let on_local = entry.local_span.filter(|s| s.touches(offset));
                let shorthand = entry.local_span.is_none() && *name != ImportName::Namespace;
                let span = on_local.unwrap_or(entry.span);
                let site = match &target {
                    Ok(t) if on_local.is_some() || shorthand => Site::Asked {
                        name: name.as_str().to_owned(),
                        hops: hops(t),
                    },
                    _ => export,
                };
                (span, target, site)
            }
        }
    }
}
