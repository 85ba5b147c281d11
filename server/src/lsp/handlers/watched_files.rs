//! `workspace/didChangeWatchedFiles`: files changed on disk. Applied by the dispatcher as it
//! arrives (see `dispatch`), so every request after it sees the new files: the workspace drops
//! their analyses and its cached resolutions, and reads them again when a link next leads there.
//! Also the registration of the watcher, for clients that allow it.

use std::sync::atomic::Ordering;

use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher,
    GlobPattern, Registration, notification::DidChangeWatchedFiles, notification::Notification,
};

use crate::lsp::cross_module::path_of;
use crate::lsp::session::Session;

/// The files whose changes matter: sources, and what resolution reads.
const WATCHED: &str =
    "**/{*.js,*.mjs,*.cjs,*.jsx,*.ts,*.mts,*.cts,*.tsx,package.json,tsconfig.json,jsconfig.json}";

pub fn did_change_watched_files(session: &Session, params: DidChangeWatchedFilesParams) {
    let paths: Vec<_> = params
        .changes
        .iter()
        .filter_map(|change| path_of(&change.uri))
        .collect();
    tracing::debug!(files = paths.len(), "didChangeWatchedFiles");
    session.workspace.changed(&paths);
}

/// Asks the client to watch the workspace's files, when it lets servers register watchers.
pub async fn register_watcher(session: &Session) {
    if !session.watch_files_dynamically.load(Ordering::Relaxed) {
        return;
    }
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: vec![FileSystemWatcher {
            glob_pattern: GlobPattern::String(WATCHED.into()),
            kind: None,
        }],
    };
    let registration = Registration {
        id: "scopelens-watched-files".into(),
        method: DidChangeWatchedFiles::METHOD.into(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(err) = session.client.register_capability(vec![registration]).await {
        tracing::warn!(%err, "the client refused the file watcher");
    }
}
