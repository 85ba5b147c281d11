//! `scopelens/heapSnapshot {path}` loads a V8 heap snapshot for the workspace; `{path: null}`
//! and `scopelens/clearHeapSnapshot` clear it. The answer:
//! `{loaded, message, snapshot?, name?, functions, files, retainedBytes, totalBytes, notes}`;
//! `loaded: false` with a message when none of its closures belongs to a workspace file. A file
//! that cannot be read as a snapshot is a `RequestFailed` error whose message says why.
//!
//! Loading runs on tokio's blocking pool (never on the task that reads messages), with
//! `window/workDoneProgress` when the client supports it. The server reads the file named here
//! and the workspace files its closures come from, nothing else. While a snapshot is loaded,
//! hover (`hover.rs`) and code lenses (`code_lens.rs`) read it from
//! [`crate::lsp::heap_state::HeapState`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{NumberOrString, ProgressToken, Uri};

use crate::heap::Progress;
use crate::ide::{self, WorkspaceHeap};
use crate::lsp::cross_module;
use crate::lsp::session::Session;

pub const METHOD: &str = "scopelens/heapSnapshot";
pub const CLEAR_METHOD: &str = "scopelens/clearHeapSnapshot";

/// LSP's `RequestFailed`: the request was valid but the server cannot carry it out.
const REQUEST_FAILED: i64 = -32803;

#[derive(Deserialize, Debug, Default)]
pub struct HeapSnapshotParams {
    /// An absolute path or a `file://` URI; `null` clears.
    #[serde(default)]
    pub path: Option<String>,
}

#[derive(Serialize, Debug, Default)]
#[serde(rename_all = "camelCase")]
pub struct HeapSnapshotAnswer {
    pub loaded: bool,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub functions: usize,
    pub files: usize,
    pub retained_bytes: u64,
    pub total_bytes: u64,
    pub notes: Vec<String>,
}

pub async fn heap_snapshot(
    session: &Session,
    params: HeapSnapshotParams,
) -> Result<HeapSnapshotAnswer> {
    let Some(given) = params.path.filter(|p| !p.trim().is_empty()) else {
        return clear(session).await;
    };
    let path = snapshot_path(&given)?;
    let progress = Reporter::start(session, &path).await;
    let roots = session.workspace.folders();
    let load_path = path.clone();
    let callback = progress.as_ref().map(Reporter::callback);
    let loaded =
        tokio::task::spawn_blocking(move || WorkspaceHeap::load(&load_path, &roots, callback))
            .await;
    if let Some(p) = progress {
        p.finish().await;
    }
    let heap = match loaded {
        Ok(Ok(heap)) => heap,
        Ok(Err(e)) => return Err(failed(format!("{}: {e}", path.display()))),
        Err(_) => {
            tracing::error!("loading a heap snapshot panicked");
            return Err(failed(format!(
                "{}: scopelens failed while reading this snapshot",
                path.display()
            )));
        }
    };
    let answer = HeapSnapshotAnswer {
        loaded: heap.functions > 0,
        message: heap.summary(),
        snapshot: Some(heap.snapshot.display().to_string()),
        name: Some(heap.name()),
        functions: heap.functions,
        files: heap.files,
        retained_bytes: heap.retained_bytes,
        total_bytes: heap.total_bytes,
        notes: heap.notes.clone(),
    };
    // A snapshot of another program has nothing to show: the previous one (if any) goes too,
    // so what the editor shows is never from a snapshot other than the last one asked for.
    session.heap.set(answer.loaded.then(|| Arc::new(heap)));
    refresh_lenses(session).await;
    Ok(answer)
}

pub async fn clear_heap_snapshot(session: &Session) -> Result<HeapSnapshotAnswer> {
    clear(session).await
}

async fn clear(session: &Session) -> Result<HeapSnapshotAnswer> {
    session.heap.set(None);
    refresh_lenses(session).await;
    Ok(HeapSnapshotAnswer {
        message: "no heap snapshot is loaded".into(),
        ..HeapSnapshotAnswer::default()
    })
}

async fn refresh_lenses(session: &Session) {
    if session.heap.code_lens_refresh() {
        // Not awaited: the answer must not wait on the client's reply to this request.
        let client = session.client.clone();
        tokio::spawn(async move {
            let _ = client.code_lens_refresh().await;
        });
    }
}

/// The hover section for the function at `offset` of `uri`'s analysis, while a snapshot is
/// loaded (`hover.rs` appends it).
pub fn hover_section(
    session: &Session,
    uri: &Uri,
    analysis: &crate::engine::Analysis,
    offset: u32,
) -> Option<ide::Hover> {
    let heap = session.heap.get()?;
    let path = cross_module::path_of(uri)?;
    ide::heap_hover(analysis, offset, heap.functions_in(&path))
}

/// An absolute path or a `file://` URI → a path; anything else is refused with a sentence.
fn snapshot_path(given: &str) -> Result<PathBuf> {
    let path = if given.starts_with("file:") {
        given
            .parse::<Uri>()
            .ok()
            .and_then(|u| cross_module::path_of(&u))
            .ok_or_else(|| failed(format!("`{given}` is not a file URI scopelens can read")))?
    } else {
        PathBuf::from(given)
    };
    if !path.is_absolute() {
        return Err(failed(format!(
            "`{given}` is not an absolute path: give the heap snapshot's full path"
        )));
    }
    Ok(path)
}

fn failed(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(REQUEST_FAILED),
        message: message.into(),
        data: None,
    }
}

/// `window/workDoneProgress` for one load: percentages of the file read, sent from an async
/// task (the reader calls back on the blocking pool).
struct Reporter {
    percent: tokio::sync::watch::Sender<u32>,
    task: tokio::task::JoinHandle<()>,
    total: u64,
}

impl Reporter {
    async fn start(session: &Session, path: &std::path::Path) -> Option<Reporter> {
        if !session.work_done_progress.load(Ordering::Relaxed) {
            return None;
        }
        static NEXT: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
        let token: ProgressToken = NumberOrString::String(format!(
            "scopelens/heapSnapshot/{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        if session
            .client
            .create_work_done_progress(token.clone())
            .await
            .is_err()
        {
            return None;
        }
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let ongoing = session
            .client
            .progress(token, "Loading heap snapshot")
            .with_message(name)
            .with_percentage(0)
            .begin()
            .await;
        let (percent, mut changes) = tokio::sync::watch::channel(0u32);
        let task = tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                let p = *changes.borrow_and_update();
                ongoing.report(p).await;
            }
            ongoing.finish().await;
        });
        let total = std::fs::metadata(path).map_or(1, |m| m.len().max(1));
        Some(Reporter {
            percent,
            task,
            total,
        })
    }

    fn callback(&self) -> Progress {
        let percent = self.percent.clone();
        let total = self.total;
        Progress {
            callback: Box::new(move |done| {
                let _ = percent.send((done.saturating_mul(100) / total).min(99) as u32);
            }),
            every: 16 << 20,
            next: 0,
        }
    }

    async fn finish(self) {
        drop(self.percent);
        let _ = self.task.await;
    }
}
