//! State shared by every handler: documents, settings, the analysis worker, the client.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use rustc_hash::FxHashMap;
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Position, Uri};

use super::analysis_worker::AnalysisWorker;
use super::config::Config;
use super::convert;
use super::documents::{self, Documents};
use super::heap_state::HeapState;
use super::snapshot::Snapshot;
use super::token_cache::TokenCache;
use crate::text::Encoding;
use crate::workspace::Workspace;

/// How long a request waits for an analysis before giving up (a 9 MB file takes seconds).
const ANALYSIS_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Session {
    pub client: Client,
    pub documents: Arc<Documents>,
    pub config: Arc<RwLock<Config>>,
    pub worker: AnalysisWorker,
    encoding: OnceLock<Encoding>,
    /// The client supports `workspace/inlayHint/refresh`.
    pub inlay_hint_refresh: AtomicBool,
    /// The client fetches inlay hints' tooltips and label locations with `inlayHint/resolve`.
    pub inlay_hint_resolve: AtomicBool,
    /// Numbers for the documents that resolvable inlay hints name in their `data`.
    pub document_ids: DocumentIds,
    /// The last whole-file semantic tokens sent per open document, for deltas.
    pub semantic_tokens: TokenCache,
    /// `shutdown` was received: `exit` then exits with 0.
    pub shutdown_requested: Arc<AtomicBool>,
    /// `initialize` was answered: notifications are applied from now on.
    initialized: AtomicBool,
    /// The project's files beyond the open documents, and the links between modules.
    pub workspace: Arc<Workspace>,
    /// The client lets us register a file watcher (`workspace/didChangeWatchedFiles`).
    pub watch_files_dynamically: AtomicBool,
    /// The client shows server-initiated progress (`window.workDoneProgress`).
    pub work_done_progress: AtomicBool,
    /// The heap snapshot loaded for the workspace, if any (`scopelens/heapSnapshot`).
    pub heap: HeapState,
}

impl Session {
    pub fn new(
        client: Client,
        documents: Arc<Documents>,
        config: Arc<RwLock<Config>>,
        worker: AnalysisWorker,
        shutdown_requested: Arc<AtomicBool>,
    ) -> Self {
        Self {
            client,
            documents,
            config,
            worker,
            encoding: OnceLock::new(),
            inlay_hint_refresh: AtomicBool::new(false),
            inlay_hint_resolve: AtomicBool::new(false),
            document_ids: DocumentIds::default(),
            semantic_tokens: TokenCache::default(),
            shutdown_requested,
            initialized: AtomicBool::new(false),
            workspace: Arc::new(Workspace::default()),
            watch_files_dynamically: AtomicBool::new(false),
            work_done_progress: AtomicBool::new(false),
            heap: HeapState::default(),
        }
    }

    /// Called as `initialize` is answered: the client sends nothing else before that.
    pub fn set_initialized(&self) {
        self.initialized.store(true, Ordering::Release);
    }

    /// Whether document and settings notifications are applied: between `initialize` and
    /// `shutdown` (outside, the lifecycle drops them).
    pub fn accepts_notifications(&self) -> bool {
        self.initialized.load(Ordering::Acquire) && !self.shutdown_requested.load(Ordering::SeqCst)
    }

    /// The negotiated position encoding (UTF-16 until `initialize` says otherwise).
    pub fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or(Encoding::Utf16)
    }

    pub fn set_encoding(&self, encoding: Encoding) {
        if self.encoding.set(encoding).is_err() {
            tracing::warn!("position encoding negotiated twice; keeping the first");
        }
    }

    pub fn config(&self) -> Config {
        *self.config.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_config(&self, config: Config) -> Config {
        std::mem::replace(
            &mut *self.config.write().unwrap_or_else(PoisonError::into_inner),
            config,
        )
    }

    pub fn inlay_hint_resolve_supported(&self) -> bool {
        self.inlay_hint_resolve.load(Ordering::Relaxed)
    }

    pub fn inlay_hint_refresh_supported(&self) -> bool {
        self.inlay_hint_refresh.load(Ordering::Relaxed)
    }

    /// The snapshot of the document as it was when the request being answered arrived (see
    /// [`Arrival`]): the analysis of that revision, waited for if need be. A document edited
    /// since is `ContentModified`: its positions no longer mean what the client meant.
    pub async fn snapshot(&self, uri: &Uri) -> Result<Arc<Snapshot>> {
        let arrival = Arrival::current(self);
        let unknown = || Error::invalid_params(format!("unknown document: {}", uri.as_str()));
        let Some((revision, mut published)) = self.documents.subscribe(uri) else {
            return Err(unknown());
        };
        if !arrival.has_seen(revision) {
            return Err(Error::content_modified());
        }
        let wait = published.wait_for(|s| s.as_ref().is_some_and(|s| s.revision >= revision));
        let snapshot = match tokio::time::timeout(ANALYSIS_TIMEOUT, wait).await {
            Ok(Ok(snapshot)) => snapshot.clone().expect("waited for Some"),
            Ok(Err(_closed)) => {
                return Err(Error::invalid_params(format!(
                    "document was closed: {}",
                    uri.as_str()
                )));
            }
            Err(_elapsed) => {
                tracing::error!(uri = uri.as_str(), "timed out waiting for the analysis");
                let mut error = Error::internal_error();
                error.message = "timed out waiting for the analysis".into();
                return Err(error);
            }
        };
        if snapshot.revision != revision {
            return Err(Error::content_modified());
        }
        Ok(snapshot)
    }

    /// The byte offset of a request's position; a line past the end is `InvalidParams`.
    pub fn offset(&self, snapshot: &Snapshot, position: Position) -> Result<u32> {
        convert::offset(&snapshot.line_index, position, self.encoding()).ok_or_else(|| {
            Error::invalid_params(format!(
                "position {}:{} is past the end of the document ({} lines)",
                position.line,
                position.character,
                snapshot.line_index.line_count()
            ))
        })
    }
}

tokio::task_local! {
    static ARRIVAL: Arrival;
}

/// When a request arrived, as the revision counter then: every document revision below it was
/// made by a message that came before the request. Taken by the dispatcher as it reads the
/// request, and carried with the request's handler as a task-local.
#[derive(Clone, Copy, Debug)]
pub struct Arrival {
    next_revision: u64,
}

impl Arrival {
    pub fn now(_session: &Session) -> Self {
        Self {
            next_revision: documents::next_revision_to_assign(),
        }
    }

    /// The arrival of the request being handled; outside a request's handler (a background
    /// task), now.
    fn current(session: &Session) -> Self {
        ARRIVAL
            .try_with(|a| *a)
            .unwrap_or_else(|_| Self::now(session))
    }

    /// The revision was made before the request arrived.
    fn has_seen(self, revision: u64) -> bool {
        revision < self.next_revision
    }

    /// Runs a request's handler with this arrival.
    pub fn scope<F: Future>(self, handler: F) -> impl Future<Output = F::Output> {
        ARRIVAL.scope(self, handler)
    }
}

/// A small number per document URI, for the `data` of inlay hints: `inlayHint/resolve` does not
/// say which document a hint belongs to, and a number is a few bytes where a URI would repeat in
/// each of tens of thousands of hints. Numbers are never reused, so a hint of a closed document
/// cannot be mistaken for one of another.
#[derive(Default)]
pub struct DocumentIds {
    ids: Mutex<(FxHashMap<Uri, u32>, Vec<Uri>)>,
}

impl DocumentIds {
    pub fn id(&self, uri: &Uri) -> u32 {
        let mut guard = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        let (ids, uris) = &mut *guard;
        if let Some(&id) = ids.get(uri) {
            return id;
        }
        let id = uris.len() as u32;
        uris.push(uri.clone());
        ids.insert(uri.clone(), id);
        id
    }

    pub fn uri(&self, id: u32) -> Option<Uri> {
        let guard = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        guard.1.get(id as usize).cloned()
    }
}
