//! The workspace index built in the background after `initialized` (on its own threads: the
//! index uses every core through rayon), with `window/workDoneProgress` reports of the files
//! indexed of those found, when the client supports them. It gives way to the editor
//! ([`Editor`]): open documents are not indexed from disk, and no file is started while the
//! analysis worker has work.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tower_lsp_server::ls_types::request::WorkDoneProgressCreate;
use tower_lsp_server::ls_types::{NumberOrString, WorkDoneProgressCreateParams};

use super::cross_module::path_of;
use super::session::Session;
use crate::workspace::index::{Foreground, Phase};

/// How often progress is reported.
const REPORT_EVERY: Duration = Duration::from_millis(250);

pub fn start(session: &Arc<Session>) {
    if session.workspace.folders().is_empty() {
        return;
    }
    let editor = Editor(session.clone());
    let spawned = std::thread::Builder::new()
        .name("scopelens-index".into())
        .spawn(move || {
            editor.0.workspace.build_index_beside(&editor);
            // The analyses made while indexing are gone: give their memory back.
            super::memory::return_freed_memory();
        });
    if let Err(err) = spawned {
        tracing::error!(%err, "could not start the workspace index; it is built on first use");
        return;
    }
    if session.work_done_progress.load(Ordering::Relaxed) {
        let session = session.clone();
        tokio::spawn(async move { report(&session).await });
    }
}

/// The session's open documents and analysis worker, which the index gives way to.
struct Editor(Arc<Session>);

impl Foreground for Editor {
    fn is_open(&self, path: &std::path::Path) -> bool {
        let uris = self.0.documents.uris();
        uris.iter()
            .any(|uri| path_of(uri).is_some_and(|p| p == path))
    }

    fn wait_idle(&self, limit: Duration) {
        self.0.worker.wait_idle(limit);
    }
}

async fn report(session: &Session) {
    let token = NumberOrString::String("scopelens-index".into());
    let created = session
        .client
        .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
            token: token.clone(),
        })
        .await;
    if created.is_err() {
        return;
    }
    let progress = session
        .client
        .progress(token, "scopelens: indexing")
        .with_percentage(0)
        .begin()
        .await;
    let index = session.workspace.index();
    loop {
        let now = index.progress();
        if now.phase == Phase::Ready {
            break;
        }
        if now.phase == Phase::Indexing && now.total > 0 {
            let percentage = (now.done * 100 / now.total) as u32;
            progress
                .report_with_message(format!("{} of {} files", now.done, now.total), percentage)
                .await;
        }
        tokio::time::sleep(REPORT_EVERY).await;
    }
    let (files, skipped) = index.counts();
    let message = if skipped == 0 {
        format!("{files} files indexed")
    } else {
        format!("{files} files indexed, {skipped} left out (too large or not text)")
    };
    progress.finish_with_message(message).await;
}
