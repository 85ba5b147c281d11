//! Inlay hints for a range (what each closure captures, where captured uses live), and
//! `inlayHint/resolve`, which adds a hint's tooltip and label locations when the editor shows it.
//!
//! A client that can resolve those lazily gets hints without them: on a 9 MB bundle a whole-file
//! answer shrinks several times over, and the tooltips are computed only for the few hints the
//! user points at. Other clients get every hint in full.

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    InlayHint, InlayHintLabel, InlayHintLabelPart, InlayHintParams, InlayHintTooltip, Uri,
};

use super::{guarded, location};
use crate::engine::Span;
use crate::ide::{self, InlayHintId, InlayHintKind};
use crate::lsp::convert;
use crate::lsp::session::Session;
use crate::lsp::snapshot::Snapshot;

pub async fn inlay_hint(
    session: &Session,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(Some(Vec::new()));
    };
    // Clients ask for generous ranges (whole viewports, past the end): clamp instead of failing.
    let end_of_text = snapshot.line_index.len();
    let offset = |position| {
        convert::offset(&snapshot.line_index, position, session.encoding()).unwrap_or(end_of_text)
    };
    let (start, end) = (offset(params.range.start), offset(params.range.end));
    let range = snapshot
        .map
        .region_to_base(Span::new(start.min(end), start.max(end)));
    let config = session.config().inlay_hints;
    let lazy = session.inlay_hint_resolve_supported();
    let hints = guarded("inlay hints", || {
        let mut hints = ide::inlay_hints(analysis, range, &config);
        if !lazy {
            for hint in &mut hints {
                hint.tooltip = ide::inlay_hint_tooltip(analysis, hint.id);
            }
        }
        hints
    })?;
    let document = session.document_ids.id(&uri);
    let hints = hints
        .into_iter()
        .filter_map(|hint| {
            let data = lazy.then(|| HintData::new(document, &snapshot, hint.id).to_json());
            let links = (!lazy).then_some(&uri);
            to_lsp(session, &snapshot, hint, links, data)
        })
        .collect();
    Ok(Some(hints))
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
    let Some(full) = guarded("inlay hint", || ide::resolve_inlay_hint(analysis, data.id))? else {
        return Ok(hint);
    };
    let data = hint.data.clone();
    Ok(to_lsp(session, &snapshot, full, Some(&uri), data).unwrap_or(hint))
}

/// The LSP form of a hint, with label locations in `links` when given; `None` for a hint inside
/// the text being edited, which would point at the wrong place.
fn to_lsp(
    session: &Session,
    snapshot: &Snapshot,
    hint: ide::InlayHint,
    links: Option<&Uri>,
    data: Option<Value>,
) -> Option<InlayHint> {
    let encoding = session.encoding();
    let at = snapshot.map.to_current(hint.offset)?;
    let label = hint
        .label
        .into_iter()
        .map(|part| InlayHintLabelPart {
            value: part.text,
            location: links.and_then(|uri| {
                part.target
                    .and_then(|span| location(uri, snapshot, span, encoding))
            }),
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
        data,
    })
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
        let kind = match self.id.kind {
            InlayHintKind::ClosureCaptures => 0,
            InlayHintKind::CapturedUse => 1,
        };
        json!([self.document, self.revision, kind, self.id.anchor])
    }

    fn from_json(value: &Value) -> Option<Self> {
        let [document, revision, kind, anchor] = value.as_array()?.as_slice() else {
            return None;
        };
        let kind = match kind.as_u64()? {
            0 => InlayHintKind::ClosureCaptures,
            1 => InlayHintKind::CapturedUse,
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
        assert_eq!(HintData::from_json(&data.to_json()), Some(data));
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
