//! The LSP side of the workspace: URIs ↔ paths, open documents handed to the workspace (their
//! text wins over disk), and cross-file links computed on tokio's blocking pool (they may read
//! and analyse files) so the task that reads messages never waits for them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Location, Uri};

use super::convert;
use super::documents::Documents;
use super::session::Session;
use super::snapshot::Snapshot;
use crate::engine::{Analysis, Span};
use crate::ide;
use crate::text::Encoding;
use crate::workspace::{OpenFiles, Target, Unlinked, Workspace, normalize};

/// The open documents, as the workspace sees them.
pub struct OpenDocuments(pub Arc<Documents>);

/// How long a link waits for an open document's analysis before reading the file instead.
const OPEN_ANALYSIS_WAIT: Duration = Duration::from_secs(10);

impl OpenFiles for OpenDocuments {
    /// The analysis of the open document's current text, waited for if an edit is being
    /// analysed (called on the blocking pool, never on the task that reads messages).
    fn analysis(&self, path: &Path) -> Option<Arc<Analysis>> {
        let uri = Uri::from_file_path(path)?;
        let (revision, mut published) = self.0.subscribe(&uri)?;
        let current =
            |s: &Option<Arc<Snapshot>>| s.as_ref().is_some_and(|s| s.revision >= revision);
        if !current(&published.borrow()) {
            let wait = tokio::time::timeout(OPEN_ANALYSIS_WAIT, published.wait_for(current));
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    let _ = runtime.block_on(wait);
                }
                Err(_) => return self.0.latest_analysis(&uri),
            }
        }
        self.0.latest_analysis(&uri)
    }

    fn paths(&self) -> Vec<PathBuf> {
        self.0.uris().iter().filter_map(path_of).collect()
    }
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| normalize(&p))
}

/// A path as users read it: relative to the workspace folder that holds it.
pub fn display_path(workspace: &Workspace, path: &Path) -> String {
    workspace
        .folders()
        .iter()
        .find_map(|f| path.strip_prefix(f).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The location of a cross-file target.
pub fn target_location(target: &Target, encoding: Encoding) -> Option<Location> {
    let uri = Uri::from_file_path(&target.path)?;
    let span = target.span();
    Some(Location::new(
        uri,
        convert::range(&target.analysis.line_index, span, encoding),
    ))
}

/// Runs `f` on the blocking pool with the workspace and the open documents.
pub async fn off_thread<T: Send + 'static>(
    session: &Session,
    f: impl FnOnce(&Workspace, &OpenDocuments) -> T + Send + 'static,
) -> Result<T> {
    let workspace = session.workspace.clone();
    let open = OpenDocuments(session.documents.clone());
    tokio::task::spawn_blocking(move || f(&workspace, &open))
        .await
        .map_err(|_| {
            let mut error = Error::internal_error();
            error.message = "scopelens failed to follow the import".into();
            error
        })
}

/// What the identifier or property at `offset` (of the snapshot's analysis, in its offsets)
/// links to in another module: an import binding, or `ns.x` / `lib.a` / `require('./m').a`.
/// `None` when it is none of those.
pub async fn link_at(
    session: &Session,
    uri: &Uri,
    snapshot: &Arc<Snapshot>,
    offset: u32,
) -> Result<Option<(Span, std::result::Result<Target, Unlinked>)>> {
    let Some(path) = path_of(uri) else {
        return Ok(None);
    };
    let Some(analysis) = snapshot.analysis.clone() else {
        return Ok(None);
    };
    let Some(offset) = snapshot.map.to_base(offset) else {
        return Ok(None);
    };
    let is_link = analysis.module.member_at(offset).is_some()
        || ide::prepare_rename_export_side(&analysis, offset).is_some()
        || analysis
            .identifier_at(offset)
            .and_then(|i| i.binding())
            .is_some_and(|b| analysis.module.import_of(b).is_some());
    if !is_link {
        return Ok(None);
    }
    off_thread(session, move |workspace, open| {
        // `export { a as b } from`, `exports.a = …`: what the export name gives.
        if let Some((span, target, _)) = workspace.export_site(&path, &analysis, offset, open) {
            return Some((span, target));
        }
        if let Some(member) = analysis.module.member_at(offset) {
            let span = member.span;
            return workspace
                .member_target(&path, &analysis, offset, open)
                .map(|result| (span, result));
        }
        let ident = analysis.identifier_at(offset)?;
        let binding = ident.binding()?;
        Some((
            ident.span(),
            workspace.import_target(&path, &analysis, binding, open),
        ))
    })
    .await
}
