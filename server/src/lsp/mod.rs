//! The language server protocol layer. Only this module knows LSP; it converts between LSP and
//! the plain data of [`crate::ide`], and owns documents, snapshots and the analysis thread.
//!
//! - [`dispatch`]: how a message flows, start here; [`transport`]: the framing around it.
//! - [`server`]: the `LanguageServer` impl (thin), [`handlers`]: one module per method.
//! - [`documents`]: open texts; [`snapshot`]: the immutable view each answer is computed on.
//! - [`analysis_worker`]: analysis on a big-stack thread, coalescing bursts of edits.
//! - [`convert`]: positions ↔ byte offsets; [`config`]: settings.
//! - [`cross_module`]: the workspace ([`crate::workspace`]) seen from LSP: URIs, open documents,
//!   links to other files computed off the message-reading task; [`indexing`]: the workspace
//!   index built in the background, with progress reports.

mod analysis_worker;
mod config;
mod convert;
mod cross_module;
mod diagnostics;
mod dispatch;
mod documents;
mod handlers;
mod heap_state;
mod indexing;
mod large_strings;
mod memory;
mod panic_guard;
mod server;
mod session;
mod snapshot;
mod token_cache;
mod transport;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tower_lsp_server::LspService;
use tracing_subscriber::EnvFilter;

pub use config::Config;

use analysis_worker::AnalysisWorker;
use documents::Documents;
use server::Backend;
use session::Session;

/// Runs the language server on stdin/stdout until `exit`. Exit code 0 when `shutdown` came
/// first, 1 otherwise (as LSP specifies).
pub fn run_stdio() -> ExitCode {
    // First, before any thread allocates.
    memory::keep_large_blocks_out_of_the_heap();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(%err, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let served = runtime.block_on(serve(shutdown_requested.clone()));
    // Do not wait for the blocking stdin reader: a client may keep stdin open after `exit`.
    runtime.shutdown_background();
    match served {
        Ok(()) if shutdown_requested.load(Ordering::SeqCst) => ExitCode::SUCCESS,
        Ok(()) => {
            tracing::warn!("exiting without a shutdown request");
            ExitCode::FAILURE
        }
        Err(err) => {
            tracing::error!(%err, "cannot start the analysis or I/O threads");
            ExitCode::FAILURE
        }
    }
}

async fn serve(shutdown_requested: Arc<AtomicBool>) -> std::io::Result<()> {
    let documents = Arc::new(Documents::default());
    let config = Arc::new(RwLock::new(config::Config::default()));
    let (finished_tx, finished_rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = AnalysisWorker::spawn(documents.clone(), config.clone(), finished_tx)?;
    let text_arriving = worker.text_arriving();
    let mut session_slot = None;
    let (service, socket) = LspService::build(|client| {
        let session = Arc::new(Session::new(
            client,
            documents,
            config,
            worker,
            shutdown_requested,
        ));
        session_slot = Some(session.clone());
        Backend { session }
    })
    .custom_method(handlers::scope_chain::METHOD, Backend::scope_chain)
    .custom_method(handlers::outer_binding::METHOD, Backend::outer_binding)
    .custom_method(handlers::heap_snapshot::METHOD, Backend::heap_snapshot)
    .custom_method(
        handlers::heap_snapshot::CLEAR_METHOD,
        Backend::clear_heap_snapshot,
    )
    .finish();
    let session = session_slot.expect("LspService::build calls its init");
    tokio::spawn(diagnostics::publish(session.clone(), finished_rx));
    // Through our own framing threads: a malformed message gets an error, not the end of input.
    let (incoming, output) = transport::stdio(text_arriving)?;
    dispatch::serve(
        dispatch::Dispatcher::new(service, session),
        socket,
        incoming,
        output.clone(),
    )
    .await;
    // The last answers (`shutdown`'s, or those to a client that closed stdin) go out first.
    output.flush(std::time::Duration::from_secs(2));
    tracing::info!("exit");
    Ok(())
}

fn init_tracing() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("scopelens=info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}
