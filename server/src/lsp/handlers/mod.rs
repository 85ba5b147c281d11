//! One module per LSP method. Each handler takes a snapshot, converts positions to byte
//! offsets, calls the matching pure function in [`crate::ide`], and converts the answer back.

pub mod code_action;
pub mod code_lens;
pub mod configuration;
pub mod definition;
pub mod document_highlight;
pub mod document_link;
pub mod heap_snapshot;
pub mod hover;
pub mod inlay_hint;
pub mod inline_value;
pub mod outer_binding;
pub mod references;
pub mod rename;
pub mod scope_chain;
pub mod semantic_tokens;
pub mod text_document_sync;
pub mod watched_files;
pub mod workspace_symbol;

use std::panic::{AssertUnwindSafe, catch_unwind};

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Location, Uri};

use super::convert;
use super::snapshot::Snapshot;
use crate::engine::Span;
use crate::text::Encoding;

/// Runs a feature, turning a panic into an internal error. Redundant since every handler runs
/// inside the dispatcher's one panic guard (`lsp::panic_guard`); the handlers that still call it
/// (hover, definition, references, rename) drop it when they are next reshaped.
fn guarded<T>(feature: &str, f: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        tracing::error!(feature, "the feature panicked");
        let mut error = Error::internal_error();
        error.message = format!("scopelens failed to compute the {feature}").into();
        error
    })
}

/// The location of an identifier span of the analysed text, if it survives the offset map.
fn location(uri: &Uri, snapshot: &Snapshot, span: Span, encoding: Encoding) -> Option<Location> {
    let span = snapshot.map.span_to_current(span)?;
    Some(Location::new(
        uri.clone(),
        convert::range(&snapshot.line_index, span, encoding),
    ))
}

/// The locations of identifier spans of the analysed text (in source order), dropping those
/// that do not survive the offset map.
fn locations(uri: &Uri, snapshot: &Snapshot, spans: &[Span], encoding: Encoding) -> Vec<Location> {
    let mut lines = snapshot.line_index.cursor();
    spans
        .iter()
        .filter_map(|&span| {
            let span = snapshot.map.span_to_current(span)?;
            Some(Location::new(
                uri.clone(),
                convert::range_at(&mut lines, span, encoding),
            ))
        })
        .collect()
}
