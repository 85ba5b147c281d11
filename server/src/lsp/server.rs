//! The `LanguageServer` implementation: lifecycle, document sync and configuration here; each
//! request delegates to its module under [`super::handlers`].

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::Value;
use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::config::Config;
use super::convert;
use super::handlers;
use super::session::Session;

pub struct Backend {
    pub session: Arc<Session>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Backend")
    }
}

impl Backend {
    pub async fn scope_chain(&self, params: TextDocumentPositionParams) -> Result<Value> {
        handlers::scope_chain::scope_chain(&self.session, params).await
    }

    pub async fn outer_binding(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<Location>> {
        handlers::outer_binding::outer_binding(&self.session, params).await
    }

    /// Adopts new settings; a changed source kind re-analyses every open document.
    fn apply_settings(&self, value: &Value) -> (Config, Config) {
        let (config, warnings) = Config::from_json(value);
        for warning in warnings {
            tracing::warn!("{warning}");
        }
        let old = self.session.set_config(config);
        tracing::info!(?config, "settings");
        (old, config)
    }
}

/// The client can fetch both tooltips and label locations through `inlayHint/resolve`.
fn lazy_inlay_hints_supported(capabilities: &ClientCapabilities) -> bool {
    let properties = capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.inlay_hint.as_ref())
        .and_then(|i| i.resolve_support.as_ref())
        .map(|r| r.properties.as_slice())
        .unwrap_or_default();
    ["tooltip", "label.location"]
        .iter()
        .all(|wanted| properties.iter().any(|p| p == wanted))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let encoding = convert::negotiate_encoding(offered);
        self.session.set_encoding(encoding);
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|i| i.refresh_support)
            .unwrap_or(false);
        self.session
            .inlay_hint_refresh
            .store(refresh, Ordering::Relaxed);
        let resolve = lazy_inlay_hints_supported(&params.capabilities);
        self.session
            .inlay_hint_resolve
            .store(resolve, Ordering::Relaxed);
        if let Some(options) = &params.initialization_options {
            self.apply_settings(options);
        }
        tracing::info!(?encoding, "initialize");
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(if resolve {
                    OneOf::Right(InlayHintServerCapabilities::Options(InlayHintOptions {
                        resolve_provider: Some(true),
                        ..InlayHintOptions::default()
                    }))
                } else {
                    OneOf::Left(true)
                }),
                experimental: Some(serde_json::json!({
                    "scopeChainProvider": handlers::scope_chain::METHOD,
                    "outerBindingProvider": handlers::outer_binding::METHOD,
                })),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "scopelens".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("initialized");
    }

    async fn shutdown(&self) -> Result<()> {
        self.session
            .shutdown_requested
            .store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        tracing::debug!(uri = doc.uri.as_str(), version = doc.version, "didOpen");
        self.session
            .documents
            .open(doc.uri.clone(), &doc.language_id, doc.version, doc.text);
        self.session.worker.schedule(doc.uri);
    }

    // No `.await` may come before the edits are applied: handlers run concurrently, and only
    // their first poll happens in arrival order (tower-lsp issue 284).
    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let encoding = self.session.encoding();
        if self
            .session
            .documents
            .change(&uri, version, params.content_changes, encoding)
        {
            self.session.worker.schedule(uri);
        } else {
            tracing::warn!(
                uri = uri.as_str(),
                "didChange for a document that is not open"
            );
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if !self.session.documents.close(&uri) {
            tracing::warn!(
                uri = uri.as_str(),
                "didClose for a document that is not open"
            );
            return;
        }
        self.session
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
        // Closing a large file frees its text and analyses: give that memory back, and the
        // analysis worker's scratch memory sized for it.
        super::memory::return_freed_memory();
        self.session.worker.release_memory();
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if params.settings.is_null() {
            return;
        }
        let (old, new) = self.apply_settings(&params.settings);
        if old.source_kind != new.source_kind {
            for uri in self.session.documents.uris() {
                self.session.documents.invalidate(&uri);
                self.session.worker.schedule(uri);
            }
        }
        if old != new && self.session.inlay_hint_refresh_supported() {
            // Spawned: the client answers this request while we keep serving.
            let client = self.session.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.inlay_hint_refresh().await {
                    tracing::warn!(%err, "workspace/inlayHint/refresh failed");
                }
            });
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover::hover(&self.session, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        handlers::definition::goto_definition(&self.session, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        handlers::inlay_hint::inlay_hint(&self.session, params).await
    }

    async fn inlay_hint_resolve(&self, hint: InlayHint) -> Result<InlayHint> {
        handlers::inlay_hint::inlay_hint_resolve(&self.session, hint).await
    }
}
