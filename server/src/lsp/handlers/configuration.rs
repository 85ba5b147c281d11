//! Settings: from `initialize`'s `initializationOptions` and from
//! `workspace/didChangeConfiguration` (applied by the dispatcher as it arrives, see `dispatch`).

use serde_json::Value;
use tower_lsp_server::ls_types::DidChangeConfigurationParams;

use crate::lsp::config::Config;
use crate::lsp::session::Session;

/// Adopts new settings; returns the old and the new.
pub fn apply_settings(session: &Session, value: &Value) -> (Config, Config) {
    let (config, warnings) = Config::from_json(value);
    for warning in warnings {
        tracing::warn!("{warning}");
    }
    let old = session.set_config(config);
    tracing::info!(?config, "settings");
    (old, config)
}

/// A changed source kind re-analyses every open document; any change asks the client to fetch
/// inlay hints again, where it can.
pub fn did_change_configuration(session: &Session, params: DidChangeConfigurationParams) {
    if params.settings.is_null() {
        return;
    }
    let (old, new) = apply_settings(session, &params.settings);
    // Diagnostics are published per analysis: a changed source kind or pitfall setting
    // re-analyses (and so re-publishes) every open document.
    if old.source_kind != new.source_kind || old.pitfalls != new.pitfalls {
        for uri in session.documents.uris() {
            session.documents.invalidate(&uri);
            session.worker.schedule(uri);
        }
    }
    if old != new && session.inlay_hint_refresh_supported() {
        // Spawned: the client answers this request while we keep serving.
        let client = session.client.clone();
        tokio::spawn(async move {
            if let Err(err) = client.inlay_hint_refresh().await {
                tracing::warn!(%err, "workspace/inlayHint/refresh failed");
            }
        });
    }
}
