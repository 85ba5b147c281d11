//! The one panic guard, as rust-analyzer has: a bug in one answer must not take the server down.
//! [`dispatch`](super::dispatch) runs every request's handler inside [`answer`] (a panic becomes
//! an internal-error response to that request, and a log line) and every state-changing
//! notification inside [`catch`]; the analysis worker runs each pass inside [`catch`].
//!
//! `SCOPELENS_TEST_PANIC=NAME` (read once, set only by the whole-server tests) makes the request
//! method or the worker pass named `NAME` panic, so a test can check that the server survives.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use futures::FutureExt;
use tower_lsp_server::ExitedError;
use tower_lsp_server::jsonrpc::{Error, Id, Response};

/// Runs `f`; a panic is logged as a bug in `what` and gives `None`.
pub fn catch<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(panic) => {
            tracing::error!(
                what,
                message = message(&*panic),
                "panicked (a bug in scopelens)"
            );
            None
        }
    }
}

/// The answer of a request's handler; if the handler panics, an internal error for request `id`.
pub async fn answer(
    method: String,
    id: Option<Id>,
    handler: impl Future<Output = Result<Option<Response>, ExitedError>>,
) -> Result<Option<Response>, ExitedError> {
    let handler = async {
        inject(&method);
        handler.await
    };
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(answer) => answer,
        Err(panic) => {
            tracing::error!(
                method,
                message = message(&*panic),
                "the handler panicked (a bug in scopelens)"
            );
            let mut error = Error::internal_error();
            error.message =
                format!("scopelens failed to answer {method} (an internal error)").into();
            Ok(id.map(|id| Response::from_error(id, error)))
        }
    }
}

/// Panics if the tests asked `name` to (see the module's doc).
pub fn inject(name: &str) {
    static INJECTED: OnceLock<Option<String>> = OnceLock::new();
    let injected = INJECTED.get_or_init(|| std::env::var("SCOPELENS_TEST_PANIC").ok());
    if injected.as_deref() == Some(name) {
        panic!("SCOPELENS_TEST_PANIC={name}");
    }
}

fn message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
