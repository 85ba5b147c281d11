//! How a message flows; the one place to read.
//!
//! ```text
//! stdin ─▶ transport (framing guard thread) ─▶ tower-lsp-server's read loop
//!        ─▶ Dispatcher::call  (synchronous, one message at a time, in arrival order)
//!             ├─ state-changing notification: applied here, now (handlers::text_document_sync,
//!             │  handlers::configuration, handlers::watched_files)
//!             └─ anything else: stamped with the current revision (`Arrival`), then handed to
//!                tower-lsp-server's router, whose handler (`server::Backend` → handlers::*)
//!                runs concurrently and answers on the snapshot of that revision
//!        ─▶ tower-lsp-server's writer ─▶ transport (writer thread) ─▶ stdout
//! ```
//!
//! tower-lsp-server calls [`Dispatcher::call`] for every message in the order it reads them,
//! before it reads the next, and runs the returned futures concurrently. So a notification
//! applied inside `call` is seen by every later message, and a request stamped inside `call`
//! knows exactly which edits came before it, however its handler is scheduled afterwards
//! (tower-lsp issue 284 is about handlers that apply edits concurrently; none does here).
//! Cancellation (`$/cancelRequest` → `RequestCancelled`), the lifecycle (requests before
//! `initialize` → `ServerNotInitialized`, after `shutdown` → `InvalidRequest`) and method routing
//! stay tower-lsp-server's.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::oneshot;
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, Notification,
};
use tower_lsp_server::{ExitedError, LspService};

use super::handlers::{configuration, text_document_sync, watched_files};
use super::server::Backend;
use super::session::{Arrival, Session};

type Answer = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

/// The `tower::Service` tower-lsp-server serves: every message passes through [`Self::call`].
pub struct Dispatcher {
    router: LspService<Backend>,
    session: Arc<Session>,
    /// Resolves when `initialize` has been answered: nothing after it is read before that, so a
    /// client that does not wait for the answer (as it should) still has its `didOpen` applied.
    initializing: Option<oneshot::Receiver<()>>,
}

impl Dispatcher {
    pub fn new(router: LspService<Backend>, session: Arc<Session>) -> Self {
        Self {
            router,
            session,
            initializing: None,
        }
    }

    /// Applies a state-changing notification (see [`changes_state`]).
    fn apply(&self, method: &str, params: Option<Value>) {
        let session = &*self.session;
        match method {
            DidOpenTextDocument::METHOD => {
                if let Some(params) = parse(method, params) {
                    text_document_sync::did_open(session, params);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Some(params) = parse(method, params) {
                    text_document_sync::did_change(session, params);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Some(params) = parse(method, params) {
                    text_document_sync::did_close(session, params);
                }
            }
            DidChangeConfiguration::METHOD => {
                if let Some(params) = parse(method, params) {
                    configuration::did_change_configuration(session, params);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Some(params) = parse(method, params) {
                    watched_files::did_change_watched_files(session, params);
                }
            }
            _ => {}
        }
    }
}

impl Service<Request> for Dispatcher {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        if let Some(initializing) = &mut self.initializing {
            // Answered, or dropped unanswered: either way reading goes on.
            ready!(Pin::new(initializing).poll(cx)).ok();
            self.initializing = None;
        }
        self.router.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // Before `initialize` is answered and after `shutdown`, the router applies the
        // lifecycle's rules (notifications are dropped, requests refused).
        if request.id().is_none()
            && changes_state(request.method())
            && self.session.accepts_notifications()
        {
            let (method, _, params) = request.into_parts();
            self.apply(&method, params);
            return Box::pin(std::future::ready(Ok(None)));
        }
        let is_initialize = request.method() == "initialize";
        let arrival = Arrival::now(&self.session);
        let answer = arrival.scope(self.router.call(request));
        if is_initialize {
            let (answered, initializing) = oneshot::channel();
            self.initializing = Some(initializing);
            return Box::pin(async move {
                let answer = answer.await;
                let _ = answered.send(());
                answer
            });
        }
        Box::pin(answer)
    }
}

fn changes_state(method: &str) -> bool {
    matches!(
        method,
        DidOpenTextDocument::METHOD
            | DidChangeTextDocument::METHOD
            | DidCloseTextDocument::METHOD
            | DidChangeConfiguration::METHOD
            | DidChangeWatchedFiles::METHOD
    )
}

/// A notification's params; malformed ones are logged and dropped (notifications get no answer).
fn parse<P: DeserializeOwned>(method: &str, params: Option<Value>) -> Option<P> {
    match serde_json::from_value(params.unwrap_or(Value::Null)) {
        Ok(params) => Some(params),
        Err(err) => {
            tracing::warn!(method, %err, "malformed notification params; dropped");
            None
        }
    }
}
