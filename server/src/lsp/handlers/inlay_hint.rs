//! Inlay hints for a range (what each closure captures, where captured uses live), and
//! `inlayHint/resolve`, which adds a hint's tooltip and label locations when the editor shows it.
//!
//! A client that can resolve those lazily gets hints without them: on a large bundle a whole-file
//! answer shrinks several times over, and the tooltips are computed only for the few hints the
//! user points at. Other clients get every hint in full.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    InlayHint, InlayHintLabel, InlayHintLabelPart, InlayHintParams, InlayHintTooltip,
    MarkupContent, MarkupKind, Position, Range, Uri,
};

use super::location;
use crate::engine::Span;
use crate::ide::{self, InlayHintId, InlayHintKind};
use crate::lsp::convert;
use crate::lsp::session::Session;
use crate::lsp::snapshot::Snapshot;
use crate::text::Encoding;

pub async fn inlay_hint(
    session: &Arc<Session>,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let session = session.clone();
    // A whole large file is tens of thousands of hints: made off the task that reads messages.
    let hints =
        tokio::task::spawn_blocking(move || inlay_hints(&session, &snapshot, &uri, params.range))
            .await
            .map_err(|_| internal("the inlay hint task failed"))??;
    Ok(Some(hints))
}

/// The hints in `range` of a snapshot of the document.
fn inlay_hints(
    session: &Session,
    snapshot: &Snapshot,
    uri: &Uri,
    range: Range,
) -> Result<Vec<InlayHint>> {
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(Vec::new());
    };
    // Clients ask for generous ranges (whole viewports, past the end): clamp instead of failing.
    let end_of_text = snapshot.line_index.len();
    let offset = |position| {
        convert::offset(&snapshot.line_index, position, session.encoding()).unwrap_or(end_of_text)
    };
    let (start, end) = (offset(range.start), offset(range.end));
    let range = snapshot
        .map
        .region_to_base(Span::new(start.min(end), start.max(end)));
    let config = session.config().inlay_hints;
    let lazy = session.inlay_hint_resolve_supported();
    let document = session.document_ids.id(uri);
    let encoding = session.encoding();
    let links = (!lazy).then_some((uri, snapshot, encoding));
    let mut hints = Vec::new();
    // The hints come sorted by offset: each position is found from the previous one's line.
    let mut lines = snapshot.line_index.cursor();
    ide::InlayHint::for_each_in(analysis, range, &config, |hint| {
        let Some(at) = snapshot.map.to_current(hint.offset) else {
            return; // inside the text being edited
        };
        let position = convert::position_at(&mut lines, at, encoding);
        let tooltip = (!lazy)
            .then(|| ide::inlay_hint_tooltip(analysis, hint.id))
            .flatten();
        let data = lazy.then(|| HintData::new(document, snapshot, hint.id).to_json());
        hints.push(protocol_hint(position, hint, tooltip, links, data));
    });
    Ok(hints)
}

/// Fills in the tooltip and label locations of a hint from [`inlay_hint`]. A hint that no longer
/// matches the document (edited since, closed, or not ours) comes back as it was.
pub async fn inlay_hint_resolve(session: &Session, hint: InlayHint) -> Result<InlayHint> {
    let Some(data) = hint.data.as_ref().and_then(HintData::from_json) else {
        return Ok(hint);
    };
    let Some(uri) = session.document_ids.uri(data.document) else {
        return Ok(hint);
    };
    let Ok(snapshot) = session.snapshot(&uri).await else {
        return Ok(hint);
    };
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(hint);
    };
    if snapshot.revision != data.revision {
        return Ok(hint);
    }
    let Some(full) = ide::resolve_inlay_hint(analysis, data.id) else {
        return Ok(hint);
    };
    let Some(at) = snapshot.map.to_current(full.offset) else {
        return Ok(hint);
    };
    let encoding = session.encoding();
    let position = convert::position(&snapshot.line_index, at, encoding);
    let links = Some((&uri, &*snapshot, encoding));
    let tooltip = full.tooltip.clone();
    Ok(protocol_hint(
        position,
        &full,
        tooltip,
        links,
        Some(data.to_json()),
    ))
}

/// The LSP hint: label parts link to the declarations they name when `links` is given.
fn protocol_hint(
    position: Position,
    hint: &ide::InlayHint<'_>,
    tooltip: Option<String>,
    links: Option<(&Uri, &Snapshot, Encoding)>,
    data: Option<Value>,
) -> InlayHint {
    let parts = hint
        .label
        .iter()
        .map(|part| InlayHintLabelPart {
            value: part.text.to_string(),
            tooltip: None,
            location: links.and_then(|(uri, snapshot, encoding)| {
                location(uri, snapshot, part.target?, encoding)
            }),
            command: None,
        })
        .collect();
    InlayHint {
        position,
        label: InlayHintLabel::LabelParts(parts),
        kind: None,
        text_edits: None,
        // Markdown, like the hover: the tooltips name bindings in backticks.
        tooltip: tooltip.map(|value| {
            InlayHintTooltip::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        // Left out when false, LSP's default: a few bytes on each of thousands of hints.
        padding_left: hint.padding_left.then_some(true),
        padding_right: hint.padding_right.then_some(true),
        data,
    }
}

fn internal(message: &str) -> Error {
    let mut error = Error::internal_error();
    error.message = message.to_owned().into();
    error
}

/// What a resolvable hint carries in `data`, as `[document, revision, kind, anchor]`: which
/// document and which analysis of it (the snapshot revision), and which hint of that analysis.
#[derive(Debug, PartialEq)]
struct HintData {
    document: u32,
    revision: u64,
    id: InlayHintId,
}

impl HintData {
    fn new(document: u32, snapshot: &Snapshot, id: InlayHintId) -> Self {
        Self {
            document,
            revision: snapshot.revision,
            id,
        }
    }

    fn to_json(&self) -> Value {
        Value::from(self.to_array().to_vec())
    }

    fn to_array(&self) -> [u64; 4] {
        let kind = match self.id.kind {
            InlayHintKind::ClosureCaptures => 0,
            InlayHintKind::CapturedUse => 1,
            InlayHintKind::ClosureAllCaptures => 2,
        };
        [
            self.document.into(),
            self.revision,
            kind,
            self.id.anchor.into(),
        ]
    }

    fn from_json(value: &Value) -> Option<Self> {
        let [document, revision, kind, anchor] = value.as_array()?.as_slice() else {
            return None;
        };
        let kind = match kind.as_u64()? {
            0 => InlayHintKind::ClosureCaptures,
            1 => InlayHintKind::CapturedUse,
            2 => InlayHintKind::ClosureAllCaptures,
            _ => return None,
        };
        Some(Self {
            document: document.as_u64()?.try_into().ok()?,
            revision: revision.as_u64()?,
            id: InlayHintId {
                kind,
                anchor: anchor.as_u64()?.try_into().ok()?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn data_round_trips_and_rejects_what_it_did_not_write() {
        let data = HintData {
            document: 3,
            revision: 1 << 40,
            id: InlayHintId {
                kind: InlayHintKind::CapturedUse,
                anchor: u32::MAX,
            },
        };
        assert_eq!(HintData::from_json(&json!(data.to_array())), Some(data));
        for foreign in [
            json!(null),
            json!({"document": 1}),
            json!([1, 2, 3]),
            json!([1, 2, 7, 4]),
            json!([1, 2, 0, -4]),
            json!([1u64 << 33, 2, 0, 4]),
            json!(["1", 2, 0, 4]),
        ] {
            assert_eq!(HintData::from_json(&foreign), None, "{foreign}");
        }
    }
}
