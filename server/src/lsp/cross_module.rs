//! The LSP side of the workspace: URIs ↔ paths, open documents handed to the workspace (their
//! text wins over disk), and the [`Project`] cross-file answers are computed over, on tokio's
//! blocking pool (they may read and analyse files) so the task that reads messages never waits
//! for them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Location, Uri};

use super::convert;
use super::documents::Documents;
use super::session::Session;
use super::snapshot::Snapshot;
use crate::engine::Analysis;
use crate::ide::cross_file::Project;
use crate::text::Encoding;
use crate::workspace::{OpenFiles, Target, Workspace, normalize};

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

    fn latest(&self, path: &Path) -> Option<Arc<Analysis>> {
        self.0.latest_analysis(&Uri::from_file_path(path)?)
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
    workspace.display(path)
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

/// Runs `f` on the blocking pool with the project: the workspace and the open documents.
pub async fn off_thread<T: Send + 'static>(
    session: &Session,
    f: impl FnOnce(&Project) -> T + Send + 'static,
) -> Result<T> {
    let workspace = session.workspace.clone();
    let open = OpenDocuments(session.documents.clone());
    tokio::task::spawn_blocking(move || {
        f(&Project {
            workspace: &workspace,
            open: &open,
        })
    })
    .await
    .map_err(|err| match err.try_into_panic() {
        // A panic on the pool goes on on the handler's task, where the one panic guard
        // (`lsp::panic_guard`) answers and logs it.
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(_) => {
            let mut error = Error::internal_error();
            error.message = "scopelens stopped before the answer was ready".into();
            error
        }
    })
}
