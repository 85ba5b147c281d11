//! Messages handled on the reader thread, as they arrive, before tower-lsp-server sees them.
//!
//! - **Document sync and settings changes** (`didOpen`, `didChange`, `didClose`,
//!   `didChangeConfiguration`) are applied here, so they land in arrival order by construction and
//!   every later message sees them.
//! - **Small requests on an analysed document** (hover, definition, outer binding, viewport inlay
//!   hints, `inlayHint/resolve`) are answered here on the current snapshot. Each is O(log n) or
//!   O(answer), microseconds; through tower-lsp-server the same answer waited on three thread
//!   wake-ups (executor, task, writer), ~0.15 ms on this 2-core machine, ten times the work.
//!
//! Everything else passes on: requests whose document is being analysed (they wait for the
//! snapshot there), large answers (whole-file hints, scope chains), the lifecycle, anything
//! malformed (tower-lsp-server answers with its errors), and everything before `initialize` is
//! answered or, for requests, after `shutdown`.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::runtime::Handle;
use tower_lsp_server::jsonrpc::{self, Id};
use tower_lsp_server::ls_types::{
    GotoDefinitionParams, HoverParams, InlayHint, InlayHintParams, TextDocumentPositionParams, Uri,
};

use super::handlers::{
    configuration, definition, hover, inlay_hint, outer_binding, text_document_sync,
};
use super::session::Session;
use super::snapshot::Snapshot;
use super::transport::Lane;

/// Inlay hint requests for at most this many lines are answered here (a viewport is ~60; editors
/// ask for a few screens around it). Larger ranges are answered on the executor.
const MAX_INLAY_HINT_LINES: u32 = 2_000;

/// How long the reader waits for `initialize` to be answered before reading on.
const INITIALIZE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct ReaderLane {
    session: Arc<Session>,
    runtime: Handle,
}

#[derive(serde::Deserialize)]
struct Message<'a> {
    #[serde(borrow)]
    jsonrpc: Cow<'a, str>,
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    id: Option<Id>,
    #[serde(default)]
    params: Value,
}

impl ReaderLane {
    pub fn new(session: Arc<Session>, runtime: Handle) -> Self {
        Self { session, runtime }
    }

    /// Handles `body` if it is the lane's; a panic passes it on (and is logged).
    pub fn take(&self, body: &[u8]) -> Lane {
        if !self.session.reader_lane_is_open(false) {
            // Nothing is read after `initialize` until it is answered: a client that sends
            // `didOpen` without waiting for the answer still has it applied after `initialize`,
            // not dropped or overtaken by the lane.
            if method_of(body).as_deref() == Some("initialize") {
                let session = self.session.clone();
                return Lane::PassThen(Box::new(move || {
                    session.wait_for_reader_lane(INITIALIZE_TIMEOUT);
                }));
            }
            return Lane::Pass;
        }
        catch_unwind(AssertUnwindSafe(|| self.dispatch(body))).unwrap_or_else(|_| {
            tracing::error!("handling a message on the reader thread panicked; passed on");
            Lane::Pass
        })
    }

    fn dispatch(&self, body: &[u8]) -> Lane {
        let Ok(message) = serde_json::from_slice::<Message<'_>>(body) else {
            return Lane::Pass;
        };
        let (Some(method), "2.0") = (message.method.as_deref(), &*message.jsonrpc) else {
            return Lane::Pass; // a response to a request of ours, or not JSON-RPC 2.0
        };
        let session = &*self.session;
        let params = message.params;
        let Some(id) = message.id else {
            return match method {
                "textDocument/didOpen" => notify(params, |p| {
                    text_document_sync::did_open(session, p);
                }),
                "textDocument/didChange" => notify(params, |p| {
                    text_document_sync::did_change(session, p);
                }),
                "textDocument/didClose" => notify(params, |p| {
                    text_document_sync::did_close(session, &self.runtime, p);
                }),
                "workspace/didChangeConfiguration" => notify(params, |p| {
                    configuration::did_change_configuration(session, &self.runtime, p);
                }),
                _ => Lane::Pass,
            };
        };
        if !session.reader_lane_is_open(true) {
            return Lane::Pass;
        }
        match method {
            "textDocument/hover" => self.answer(
                id,
                params,
                |p: &HoverParams| &p.text_document_position_params.text_document.uri,
                hover::hover_on,
            ),
            "textDocument/definition" => self.answer(
                id,
                params,
                |p: &GotoDefinitionParams| &p.text_document_position_params.text_document.uri,
                definition::goto_definition_on,
            ),
            outer_binding::METHOD => self.answer(
                id,
                params,
                |p: &TextDocumentPositionParams| &p.text_document.uri,
                outer_binding::outer_binding_on,
            ),
            "textDocument/inlayHint" => self.inlay_hints(id, params),
            "inlayHint/resolve" => self.resolve_inlay_hint(id, params),
            _ => Lane::Pass,
        }
    }

    /// Answers a request on the document's snapshot if it is analysed already.
    fn answer<P: DeserializeOwned, R: Serialize>(
        &self,
        id: Id,
        params: Value,
        uri: impl FnOnce(&P) -> &Uri,
        answer: impl FnOnce(&Session, &Snapshot, P) -> jsonrpc::Result<R>,
    ) -> Lane {
        let Ok(params) = serde_json::from_value::<P>(params) else {
            return Lane::Pass; // tower-lsp-server says what is wrong with them
        };
        let Some(snapshot) = self.session.ready_snapshot(uri(&params)) else {
            return Lane::Pass;
        };
        respond(id, answer(&self.session, &snapshot, params))
    }

    fn inlay_hints(&self, id: Id, params: Value) -> Lane {
        let Ok(params) = serde_json::from_value::<InlayHintParams>(params) else {
            return Lane::Pass;
        };
        let lines = params.range.end.line.abs_diff(params.range.start.line);
        let uri = params.text_document.uri;
        let Some(snapshot) = self
            .session
            .ready_snapshot(&uri)
            .filter(|_| lines <= MAX_INLAY_HINT_LINES)
        else {
            return Lane::Pass;
        };
        match inlay_hint::inlay_hints_json(&self.session, &snapshot, &uri, params.range) {
            Ok(answer) => {
                let id = serde_json::to_string(&id).expect("an id serializes");
                let (frame, start) = answer.into_frame(&id);
                Lane::Answer(frame, start)
            }
            Err(error) => respond::<()>(id, Err(error)),
        }
    }

    fn resolve_inlay_hint(&self, id: Id, params: Value) -> Lane {
        let Ok(hint) = serde_json::from_value::<InlayHint>(params) else {
            return Lane::Pass;
        };
        let Some(target) = inlay_hint::resolvable(&self.session, &hint) else {
            return respond(id, Ok(hint)); // not ours, or its document is gone: as it was
        };
        let Some(snapshot) = self.session.ready_snapshot(&target.uri) else {
            return Lane::Pass;
        };
        respond(
            id,
            inlay_hint::inlay_hint_resolve_on(&self.session, &snapshot, &target, hint),
        )
    }
}

fn method_of(body: &[u8]) -> Option<Cow<'_, str>> {
    #[derive(serde::Deserialize)]
    struct Method<'a> {
        #[serde(borrow)]
        method: Cow<'a, str>,
    }
    serde_json::from_slice::<Method<'_>>(body)
        .ok()
        .map(|m| m.method)
}

/// Applies a notification; malformed params pass on, for tower-lsp-server to log and drop.
fn notify<P: DeserializeOwned>(params: Value, apply: impl FnOnce(P)) -> Lane {
    match serde_json::from_value::<P>(params) {
        Ok(params) => {
            apply(params);
            Lane::Done
        }
        Err(_) => Lane::Pass,
    }
}

/// The framed response, as tower-lsp-server would write it.
fn respond<R: Serialize>(id: Id, result: jsonrpc::Result<R>) -> Lane {
    #[derive(Serialize)]
    struct Answer<R> {
        jsonrpc: &'static str,
        result: R,
        id: Id,
    }
    let body = match result {
        Ok(result) => serde_json::to_vec(&Answer {
            jsonrpc: "2.0",
            result,
            id,
        }),
        Err(error) => serde_json::to_vec(&jsonrpc::Response::from_error(id, error)),
    };
    let body = body.expect("LSP types serialize");
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(&body);
    Lane::Answer(frame, 0)
}
