//! How a message flows; the one place to read.
//!
//! ```text
//! stdin ─▶ transport (reader thread: frames and decodes; a malformed message gets its error)
//!        ─▶ serve: one message at a time, in arrival order ─▶ Dispatcher::call
//!             ├─ state-changing notification: applied here, now (handlers::text_document_sync,
//!             │  handlers::configuration, handlers::watched_files)
//!             └─ anything else: stamped with the current revision (`Arrival`), then handed to
//!                tower-lsp-server's router (`LspService`), whose handler (`server::Backend` →
//!                handlers::*) runs concurrently and answers on the snapshot of that revision
//!        ─▶ transport (writer thread: encodes and writes) ─▶ stdout
//! ```
//!
//! Every handler runs inside the one panic guard ([`panic_guard`]): a panic answers its request
//! with an internal error, and the server goes on.
//!
//! [`serve`] calls [`Dispatcher::call`] for every message in the order the client sent them,
//! before it takes the next, and runs the returned futures concurrently. So a notification
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

use futures::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::oneshot;
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::ls_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, Notification,
};
use tower_lsp_server::{ClientSocket, ExitedError, LspService};

use super::handlers::{configuration, text_document_sync, watched_files};
use super::panic_guard;
use super::server::Backend;
use super::session::{Arrival, Session};
use super::transport::{Incoming, Outgoing, Output};

/// Requests answered at once, at most; the next waits for one to finish (the reading with it).
const CONCURRENT_REQUESTS: usize = 32;

type Answer = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

/// The `tower::Service` in front of tower-lsp-server's router: every message passes through
/// [`Self::call`], which [`serve`] calls in arrival order.
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
            panic_guard::catch(&method, || self.apply(&method, params));
            return Box::pin(std::future::ready(Ok(None)));
        }
        let is_initialize = request.method() == "initialize";
        let arrival = Arrival::now(&self.session);
        let (method, id) = (request.method().to_string(), request.id().cloned());
        let answer = panic_guard::answer(method, id, arrival.scope(self.router.call(request)));
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

/// Serves the client until `exit` or the end of input: each message of `incoming` through the
/// dispatcher in turn; answers, and the server's own requests and notifications (`Client`), to
/// `output`.
pub async fn serve(
    mut dispatcher: Dispatcher,
    socket: ClientSocket,
    mut incoming: tokio::sync::mpsc::UnboundedReceiver<Incoming>,
    output: Output,
) {
    let (to_client, mut client_answers) = socket.split();
    let (to_client, stop_to_client) = futures::stream::abortable(to_client);
    let (mut pending, answers) = futures::channel::mpsc::channel::<Answer>(0);
    let answer_output = output.clone();
    let answering = answers
        .buffer_unordered(CONCURRENT_REQUESTS)
        .for_each(|answer| {
            if let Ok(Some(response)) = answer {
                answer_output.send(Outgoing::Response(response));
            }
            std::future::ready(())
        });
    let asking = to_client.for_each(|request| {
        output.send(Outgoing::Request(request));
        std::future::ready(())
    });
    let reading = async {
        while let Some(message) = incoming.recv().await {
            match message {
                Incoming::Request(request) => {
                    if std::future::poll_fn(|cx| dispatcher.poll_ready(cx))
                        .await
                        .is_err()
                    {
                        break; // exited
                    }
                    // The server exits at `exit` even if the client keeps stdin open.
                    let exit = request.method() == "exit";
                    if pending.send(dispatcher.call(request)).await.is_err() || exit {
                        break;
                    }
                }
                Incoming::Response(response) => {
                    let _ = client_answers.send(response).await;
                }
            }
        }
        pending.close_channel();
        stop_to_client.abort();
    };
    futures::join!(answering, asking, reading);
}
