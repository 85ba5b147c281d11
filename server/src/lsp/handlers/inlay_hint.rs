//! Inlay hints for a range (what each closure captures, where captured uses live), and
//! `inlayHint/resolve`, which adds a hint's tooltip and label locations when the editor shows it.
//!
//! A client that can resolve those lazily gets hints without them: on a 9 MB bundle a whole-file
//! answer shrinks several times over, and the tooltips are computed only for the few hints the
//! user points at. Other clients get every hint in full.

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    InlayHint, InlayHintLabel, InlayHintParams, Location, Position, Range, Uri,
};

use super::{guarded, location};
use crate::engine::Span;
use crate::ide::{self, InlayHintId, InlayHintKind};
use crate::lsp::convert;
use crate::lsp::direct_answers::AnswerBuffer;
use crate::lsp::session::Session;
use crate::lsp::snapshot::Snapshot;
use crate::text::Encoding;

pub async fn inlay_hint(
    session: &Session,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri).await?;
    let answer = inlay_hints_json(session, &snapshot, &uri, params.range)?;
    // tower-lsp-server writes one placeholder hint labelled with the marker; the writer puts
    // the stashed JSON in place of the whole result (see `direct_answers`).
    let marker = session.direct_answers.stash(answer);
    Ok(Some(vec![InlayHint {
        position: Position::default(),
        label: InlayHintLabel::String(marker),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: None,
        padding_right: None,
        data: None,
    }]))
}

/// The hints in `range` of a snapshot of the document, as the JSON array of the answer.
pub fn inlay_hints_json(
    session: &Session,
    snapshot: &Snapshot,
    uri: &Uri,
    range: Range,
) -> Result<AnswerBuffer> {
    let Some(analysis) = snapshot.analysis.as_deref() else {
        let mut answer = AnswerBuffer::with_capacity(2);
        answer.json().extend_from_slice(b"[]");
        return Ok(answer);
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
    let started = std::time::Instant::now();
    let document = session.document_ids.id(uri);
    let encoding = session.encoding();
    let links = (!lazy).then_some((uri, snapshot, encoding));
    // Tens of thousands of hints for a whole large file: written to JSON here as they are made,
    // one at a time, rather than collected and converted to a `Value` tree by tower-lsp-server.
    // Without tooltips a whole file takes about as many bytes as its text; the buffer doubles
    // from half that if needed (large blocks grow in place, untouched capacity costs nothing).
    let expected = (range.end - range.start) as usize / 2;
    let mut answer = AnswerBuffer::with_capacity(if lazy { expected } else { 4 * expected });
    let mut hints = 0;
    let written = guarded("inlay hints", || {
        let json = answer.json();
        json.push(b'[');
        // The hints come sorted by offset: each position is found from the previous one's line.
        let mut lines = snapshot.line_index.cursor();
        let mut written = Ok(());
        ide::InlayHint::for_each_in(analysis, range, &config, |hint| {
            hints += 1;
            let Some(at) = snapshot.map.to_current(hint.offset) else {
                return; // inside the text being edited
            };
            if written.is_err() {
                return;
            }
            if json.last() != Some(&b'[') {
                json.push(b',');
            }
            let position = convert::position_at(&mut lines, at, encoding);
            let tooltip = (!lazy)
                .then(|| ide::inlay_hint_tooltip(analysis, hint.id))
                .flatten();
            let data = lazy.then(|| HintData::new(document, snapshot, hint.id).to_array());
            written = write_hint(json, position, hint, tooltip.as_deref(), links, data);
        });
        json.push(b']');
        written
    })?;
    written.map_err(|err| {
        let mut error = Error::internal_error();
        error.message = format!("cannot write inlay hints: {err}").into();
        error
    })?;
    tracing::debug!(
        hints,
        bytes = answer.written(),
        elapsed = ?started.elapsed(),
        "inlay hints written"
    );
    Ok(answer)
}

/// Fills in the tooltip and label locations of a hint from [`inlay_hint`]. A hint that no longer
/// matches the document (edited since, closed, or not ours) comes back as it was.
pub async fn inlay_hint_resolve(session: &Session, hint: InlayHint) -> Result<InlayHint> {
    let Some(target) = resolvable(session, &hint) else {
        return Ok(hint);
    };
    let Ok(snapshot) = session.snapshot(&target.uri).await else {
        return Ok(hint);
    };
    inlay_hint_resolve_on(session, &snapshot, &target, hint)
}

/// A hint of ours, read from its `data`, and the document it names.
pub struct Resolvable {
    pub uri: Uri,
    data: HintData,
}

/// `None` for a hint that resolves to itself: not ours, or its document is no longer known.
pub fn resolvable(session: &Session, hint: &InlayHint) -> Option<Resolvable> {
    let data = hint.data.as_ref().and_then(HintData::from_json)?;
    let uri = session.document_ids.uri(data.document)?;
    Some(Resolvable { uri, data })
}

/// [`inlay_hint_resolve`] on a snapshot of the document `target` names.
pub fn inlay_hint_resolve_on(
    session: &Session,
    snapshot: &Snapshot,
    target: &Resolvable,
    hint: InlayHint,
) -> Result<InlayHint> {
    let data = &target.data;
    let Some(analysis) = snapshot.analysis.as_deref() else {
        return Ok(hint);
    };
    if snapshot.revision != data.revision {
        return Ok(hint);
    }
    let Some(full) = guarded("inlay hint", || ide::resolve_inlay_hint(analysis, data.id))? else {
        return Ok(hint);
    };
    let Some(wire) = WireHint::new(
        session,
        snapshot,
        &full,
        Some(&target.uri),
        Some(data.to_array()),
    ) else {
        return Ok(hint);
    };
    // One hint: the `Value` round trip to the protocol type costs nothing here.
    Ok(serde_json::to_value(&wire)
        .and_then(serde_json::from_value)
        .unwrap_or(hint))
}

/// Appends `hint` to `out` as JSON, with `tooltip` in place of its own, exactly as serde_json
/// writes the [`WireHint`] of that, without
/// serde's per-field calls: the fixed keys are copied whole and only texts are checked for
/// characters to escape.
fn write_hint(
    out: &mut Vec<u8>,
    position: Position,
    hint: &ide::InlayHint<'_>,
    tooltip: Option<&str>,
    links: Option<(&Uri, &Snapshot, Encoding)>,
    data: Option<[u64; 4]>,
) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"position\":{\"line\":");
    write_integer(out, position.line.into());
    out.extend_from_slice(b",\"character\":");
    write_integer(out, position.character.into());
    out.extend_from_slice(b"},\"label\":[");
    for (i, part) in hint.label.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"value\":");
        write_string(out, &part.text)?;
        let location = links
            .and_then(|(uri, snapshot, encoding)| location(uri, snapshot, part.target?, encoding));
        if let Some(location) = location {
            out.extend_from_slice(b",\"location\":");
            serde_json::to_writer(&mut *out, &location)?;
        }
        out.push(b'}');
    }
    out.push(b']');
    if let Some(tooltip) = tooltip {
        out.extend_from_slice(b",\"tooltip\":{\"kind\":\"markdown\",\"value\":");
        write_string(out, tooltip)?;
        out.push(b'}');
    }
    if hint.padding_left {
        out.extend_from_slice(b",\"paddingLeft\":true");
    }
    if hint.padding_right {
        out.extend_from_slice(b",\"paddingRight\":true");
    }
    if let Some(data) = data {
        out.extend_from_slice(b",\"data\":[");
        for (i, n) in data.into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_integer(out, n);
        }
        out.push(b']');
    }
    out.push(b'}');
    Ok(())
}

/// A JSON string: copied between quotes when nothing in it needs escaping (names, nearly always),
/// else written by serde_json.
fn write_string(out: &mut Vec<u8>, text: &str) -> serde_json::Result<()> {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, text)
    }
}

fn write_integer(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// An LSP `InlayHint` as written, borrowing from the [`ide::InlayHint`]; `None` for a hint inside
/// the text being edited, which would point at the wrong place.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireHint<'a> {
    position: Position,
    label: WireLabel<'a>,
    /// Markdown, like the hover: the tooltips name bindings in backticks.
    #[serde(skip_serializing_if = "Option::is_none")]
    tooltip: Option<Markdown<'a>>,
    // Left out when false, LSP's default: a few bytes on each of thousands of hints.
    #[serde(skip_serializing_if = "is_false")]
    padding_left: bool,
    #[serde(skip_serializing_if = "is_false")]
    padding_right: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<[u64; 4]>,
}

impl<'a> WireHint<'a> {
    fn new(
        session: &Session,
        snapshot: &'a Snapshot,
        hint: &'a ide::InlayHint<'a>,
        links: Option<&'a Uri>,
        data: Option<[u64; 4]>,
    ) -> Option<Self> {
        let encoding = session.encoding();
        let at = snapshot.map.to_current(hint.offset)?;
        Some(Self {
            position: convert::position(&snapshot.line_index, at, encoding),
            label: WireLabel {
                parts: &hint.label,
                links: links.map(|uri| (uri, snapshot, encoding)),
            },
            tooltip: hint.tooltip.as_deref().map(|value| Markdown {
                kind: "markdown",
                value,
            }),
            padding_left: hint.padding_left,
            padding_right: hint.padding_right,
            data,
        })
    }
}

/// An LSP `MarkupContent`.
#[derive(Serialize)]
struct Markdown<'a> {
    kind: &'static str,
    value: &'a str,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Label parts, each with the location of the declaration it names when `links` is given.
struct WireLabel<'a> {
    parts: &'a [ide::InlayHintLabelPart<'a>],
    links: Option<(&'a Uri, &'a Snapshot, Encoding)>,
}

impl Serialize for WireLabel<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Part<'a> {
            value: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            location: Option<Location>,
        }
        let mut seq = serializer.serialize_seq(Some(self.parts.len()))?;
        for part in self.parts {
            let location = self.links.and_then(|(uri, snapshot, encoding)| {
                location(uri, snapshot, part.target?, encoding)
            });
            seq.serialize_element(&Part {
                value: &part.text,
                location,
            })?;
        }
        seq.end()
    }
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

    fn to_array(&self) -> [u64; 4] {
        let kind = match self.id.kind {
            InlayHintKind::ClosureCaptures => 0,
            InlayHintKind::CapturedUse => 1,
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
    fn hints_are_written_as_serde_writes_them() {
        use std::borrow::Cow;
        use std::sync::Arc;

        use crate::engine::Span;
        use crate::ide::InlayHintLabelPart;
        use crate::lsp::snapshot::OffsetMap;
        use crate::text::LineIndex;

        let text = "let é = 1;\nfunction f() { return é; }\n";
        let snapshot = Snapshot {
            revision: 9,
            line_index: Arc::new(LineIndex::new(text)),
            analysis: None,
            map: OffsetMap::IDENTITY,
        };
        let uri: Uri = "file:///a%20b.js".parse().unwrap();
        let part = |text: &'static str, target: Option<Span>| InlayHintLabelPart {
            text: Cow::Borrowed(text),
            target,
        };
        let texts = [
            "↑f (mut)",
            "quote \" back\\slash",
            "tab\tnew\nline\u{1}",
            "",
            "mut é",
        ];
        for (i, text) in texts.into_iter().enumerate() {
            let hint = ide::InlayHint {
                id: InlayHintId {
                    kind: InlayHintKind::CapturedUse,
                    anchor: 4,
                },
                offset: 6,
                label: vec![part("captures: ", None), part(text, Some(Span::new(4, 6)))],
                tooltip: (i % 2 == 0).then(|| format!("tip: {text}")),
                padding_left: i % 3 == 0,
                padding_right: i % 2 == 1,
            };
            for links in [None, Some(&uri)] {
                for data in [None, Some([3, u64::MAX, 1, 0])] {
                    let position = Position::new(i as u32, 12_345 * i as u32);
                    let encoding = Encoding::Utf16;
                    let wire = WireHint {
                        position,
                        label: WireLabel {
                            parts: &hint.label,
                            links: links.map(|uri| (uri, &snapshot, encoding)),
                        },
                        tooltip: hint.tooltip.as_deref().map(|value| Markdown {
                            kind: "markdown",
                            value,
                        }),
                        padding_left: hint.padding_left,
                        padding_right: hint.padding_right,
                        data,
                    };
                    let mut written = Vec::new();
                    let links = links.map(|uri| (uri, &snapshot, encoding));
                    let tooltip = hint.tooltip.as_deref();
                    write_hint(&mut written, position, &hint, tooltip, links, data).unwrap();
                    assert_eq!(
                        String::from_utf8(written).unwrap(),
                        serde_json::to_string(&wire).unwrap()
                    );
                }
            }
        }
    }

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
