//! Inlay hints for a range: what each closure captures, and where captured uses live.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    InlayHint, InlayHintLabel, InlayHintLabelPart, InlayHintParams, InlayHintTooltip,
};

use super::{guarded, location};
use crate::engine::Span;
use crate::ide;
use crate::lsp::convert;
use crate::lsp::session::Session;

pub async fn inlay_hint(
    session: &Session,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(Some(Vec::new()));
    };
    let encoding = session.encoding();
    // Clients ask for generous ranges (whole viewports, past the end): clamp instead of failing.
    let end_of_text = snapshot.line_index.len();
    let offset =
        |position| convert::offset(&snapshot.line_index, position, encoding).unwrap_or(end_of_text);
    let (start, end) = (offset(params.range.start), offset(params.range.end));
    let range = snapshot
        .map
        .region_to_base(Span::new(start.min(end), start.max(end)));
    let config = session.config().inlay_hints;
    let hints = guarded("inlay hints", || ide::inlay_hints(analysis, range, &config))?;
    let hints = hints
        .into_iter()
        .filter_map(|hint| {
            // Hints inside the text being edited would point at the wrong place: drop them.
            let at = snapshot.map.to_current(hint.offset)?;
            let label = hint
                .label
                .into_iter()
                .map(|part| InlayHintLabelPart {
                    value: part.text,
                    location: part
                        .target
                        .and_then(|span| location(&uri, &snapshot, span, encoding)),
                    ..InlayHintLabelPart::default()
                })
                .collect();
            Some(InlayHint {
                position: convert::position(&snapshot.line_index, at, encoding),
                label: InlayHintLabel::LabelParts(label),
                kind: None,
                text_edits: None,
                tooltip: hint.tooltip.map(InlayHintTooltip::String),
                padding_left: Some(hint.padding_left),
                padding_right: Some(hint.padding_right),
                data: None,
            })
        })
        .collect();
    Ok(Some(hints))
}
