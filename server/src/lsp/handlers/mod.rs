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

use tower_lsp_server::ls_types::{Location, Uri};

use super::convert;
use super::snapshot::Snapshot;
use crate::engine::Span;
use crate::text::Encoding;

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
