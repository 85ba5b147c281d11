//! The `LanguageServer` implementation that tower-lsp-server routes requests to: the lifecycle
//! here; each request delegates to its module under [`super::handlers`]. Document sync and
//! settings changes never get here: the dispatcher applies them as they arrive (see
//! [`super::dispatch`]).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

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
    pub async fn scope_chain(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<handlers::scope_chain::ScopeChain> {
        handlers::scope_chain::scope_chain(&self.session, params).await
    }

    pub async fn heap_snapshot(
        &self,
        params: handlers::heap_snapshot::HeapSnapshotParams,
    ) -> Result<handlers::heap_snapshot::HeapSnapshotAnswer> {
        handlers::heap_snapshot::heap_snapshot(&self.session, params).await
    }

    pub async fn clear_heap_snapshot(&self) -> Result<handlers::heap_snapshot::HeapSnapshotAnswer> {
        handlers::heap_snapshot::clear_heap_snapshot(&self.session).await
    }

    pub async fn outer_binding(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<Location>> {
        handlers::outer_binding::outer_binding(&self.session, params).await
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

/// The workspace folders, else the root URI (`rootPath` is long deprecated).
#[allow(deprecated)]
fn workspace_folders(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let folders: Vec<_> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| super::cross_module::path_of(&f.uri))
        .collect();
    if !folders.is_empty() {
        return folders;
    }
    params
        .root_uri
        .as_ref()
        .and_then(super::cross_module::path_of)
        .into_iter()
        .collect()
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
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.session
            .watch_files_dynamically
            .store(watch, Ordering::Relaxed);
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.session
            .work_done_progress
            .store(progress, Ordering::Relaxed);
        self.session
            .workspace
            .set_folders(workspace_folders(&params));
        self.session
            .heap
            .remember_capabilities(&params.capabilities);
        if let Some(options) = &params.initialization_options {
            handlers::configuration::apply_settings(&self.session, options);
        }
        tracing::info!(?encoding, "initialize");
        // The client sends nothing else before it has this answer.
        self.session.set_initialized();
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
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                references_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: handlers::semantic_tokens::legend(),
                            range: Some(true),
                            full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
                            ..SemanticTokensOptions::default()
                        },
                    ),
                ),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                inlay_hint_provider: Some(if resolve {
                    OneOf::Right(InlayHintServerCapabilities::Options(InlayHintOptions {
                        resolve_provider: Some(true),
                        ..InlayHintOptions::default()
                    }))
                } else {
                    OneOf::Left(true)
                }),
                inline_value_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                experimental: Some(serde_json::json!({
                    "scopeChainProvider": handlers::scope_chain::METHOD,
                    "outerBindingProvider": handlers::outer_binding::METHOD,
                    "heapSnapshotProvider": handlers::heap_snapshot::METHOD,
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
        // Not awaited here: a client slow to answer must not hold up `initialized` (or `exit`).
        let session = self.session.clone();
        tokio::spawn(async move { handlers::watched_files::register_watcher(&session).await });
        super::indexing::start(&self.session);
    }

    async fn shutdown(&self) -> Result<()> {
        self.session
            .shutdown_requested
            .store(true, Ordering::SeqCst);
        Ok(())
    }

    // `didOpen`, `didChange`, `didClose` and `didChangeConfiguration` never reach here once
    // initialized: the dispatcher applies them in arrival order (`dispatch`).

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover::hover(&self.session, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        handlers::definition::goto_definition(&self.session, params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        handlers::document_link::document_link(&self.session, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        handlers::references::references(&self.session, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        handlers::workspace_symbol::workspace_symbol(&self.session, params).await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        handlers::document_highlight::document_highlight(&self.session, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        handlers::rename::prepare_rename(&self.session, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        handlers::rename::rename(&self.session, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        handlers::semantic_tokens::full(&self.session, params).await
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        handlers::semantic_tokens::full_delta(&self.session, params).await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        handlers::semantic_tokens::range(&self.session, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        handlers::code_action::code_action(&self.session, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        handlers::inlay_hint::inlay_hint(&self.session, params).await
    }

    async fn inlay_hint_resolve(&self, hint: InlayHint) -> Result<InlayHint> {
        handlers::inlay_hint::inlay_hint_resolve(&self.session, hint).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        handlers::code_lens::code_lens(&self.session, params).await
    }

    async fn inline_value(&self, params: InlineValueParams) -> Result<Option<Vec<InlineValue>>> {
        handlers::inline_value::inline_value(&self.session, params).await
    }
}
