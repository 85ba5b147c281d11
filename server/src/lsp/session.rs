//! State shared by every handler: documents, settings, the analysis worker, the client.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use rustc_hash::FxHashMap;
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Position, Uri};

use super::analysis_worker::AnalysisWorker;
use super::config::Config;
use super::convert;
use super::direct_answers::DirectAnswers;
use super::documents::Documents;
use super::snapshot::Snapshot;
use crate::text::Encoding;

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
    /// Large answers serialized by their handlers, spliced in on the way out.
    pub direct_answers: Arc<DirectAnswers>,
    /// `shutdown` was received: `exit` then exits with 0.
    pub shutdown_requested: Arc<AtomicBool>,
    /// `initialize` was answered: the reader thread may handle messages itself.
    reader_lane_open: AtomicBool,
    /// Wakes the reader waiting for `reader_lane_open` (see [`Session::wait_for_reader_lane`]).
    reader_lane_opened: (Mutex<()>, Condvar),
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
            direct_answers: Arc::default(),
            shutdown_requested,
            reader_lane_open: AtomicBool::new(false),
            reader_lane_opened: (Mutex::new(()), Condvar::new()),
        }
    }

    pub fn open_reader_lane(&self) {
        let (lock, opened) = &self.reader_lane_opened;
        // Set under the lock, so a reader between its check and its wait cannot miss the wake.
        let _guard = lock.lock().unwrap_or_else(PoisonError::into_inner);
        self.reader_lane_open.store(true, Ordering::Release);
        opened.notify_all();
    }

    /// Waits until `initialize` is answered, at most `timeout` (tower-lsp-server answers a
    /// malformed one itself, and then the lane stays closed).
    pub fn wait_for_reader_lane(&self, timeout: Duration) {
        let (lock, opened) = &self.reader_lane_opened;
        let guard = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = opened
            .wait_timeout_while(guard, timeout, |()| {
                !self.reader_lane_open.load(Ordering::Acquire)
            })
            .unwrap_or_else(PoisonError::into_inner);
    }

    /// Whether the reader thread may apply notifications and answer requests itself: after
    /// `initialize`, and for requests, before `shutdown`.
    pub fn reader_lane_is_open(&self, request: bool) -> bool {
        self.reader_lane_open.load(Ordering::Acquire)
            && !(request && self.shutdown_requested.load(Ordering::SeqCst))
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

    /// The snapshot for the document as it is when the request arrives. The revision is read
    /// before the first await, so edits that arrived before the request are part of it; if
    /// another edit lands while we wait, the answer would be stale: `ContentModified`.
    pub async fn snapshot(&self, uri: &Uri) -> Result<Arc<Snapshot>> {
        let Some((revision, mut published)) = self.documents.subscribe(uri) else {
            return Err(Error::invalid_params(format!(
                "unknown document: {}",
                uri.as_str()
            )));
        };
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

    /// The snapshot for the document as it is now, if it is analysed already: a request can be
    /// answered on it without waiting. `None` for an unknown document or a pending analysis.
    pub fn ready_snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.documents.ready_snapshot(uri)
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
