//! The reference the server is checked against: each document's text, kept by applying edits
//! with an independent position conversion, and the answers a fresh `engine::analyze` + `ide`
//! give on that text — including the server's documented fallback (the last text that parsed,
//! seen through an offset map, with a note) when the current text cannot be analysed.

use std::sync::Arc;

use scopelens::engine::{self, Analysis, Input, SourceKindChoice, Span};
use scopelens::ide;
use serde_json::{Value, json};

pub use crate::client::Encoding;

pub const FALLBACK_NOTE: &str = "\n\n*From the last version of the file that parsed.*";

/// The byte offset of an LSP position in `text`, computed by walking the text (independent of
/// `scopelens::text`): `None` when the line is past the end; a column past the line's end clamps
/// to it; a column inside a character (a surrogate pair, a UTF-8 sequence) moves to its start.
pub fn offset_of(text: &str, line: u32, col: u32, encoding: Encoding) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut start = 0usize;
    for _ in 0..line {
        let i = bytes[start..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')?;
        let i = start + i;
        start = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        };
    }
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |i| start + i);
    let mut units = 0u64;
    for (i, c) in text[start..end].char_indices() {
        let width = match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        } as u64;
        if units + width > col as u64 {
            return Some(start + i);
        }
        units += width;
    }
    Some(end)
}

/// Applies one `contentChanges` entry as the LSP spec and the server's documented leniency say:
/// no range replaces everything; a position past the end is the end; a reversed range is
/// reordered.
pub fn apply_change(text: &mut String, change: &Value, encoding: Encoding) {
    let new_text = change["text"].as_str().unwrap();
    let Some(range) = change.get("range") else {
        *text = new_text.to_string();
        return;
    };
    let at = |p: &Value| {
        offset_of(
            text,
            p["line"].as_u64().unwrap() as u32,
            p["character"].as_u64().unwrap() as u32,
            encoding,
        )
        .unwrap_or(text.len())
    };
    let (a, b) = (at(&range["start"]), at(&range["end"]));
    text.replace_range(a.min(b)..a.max(b), new_text);
}

/// A text and its analysis, the way the server analyses it.
#[derive(Clone)]
pub struct Analysed {
    pub text: Arc<str>,
    pub analysis: Arc<Analysis>,
}

/// What answers a request: an analysis and the offset map from the current text into its text.
pub struct View {
    pub analysis: Arc<Analysis>,
    pub map: OffsetMap,
    /// The analysis of the current text itself parsed (else: `None`, or the fallback).
    pub fresh: Option<Analysed>,
}

/// Runs the engine on a big-stack thread, as the server does.
pub fn analyze(
    text: &str,
    file_name: &str,
    edited: Option<Span>,
    previously_blanked: &[Span],
) -> Analysis {
    let input = Input {
        text,
        file_name,
        source_kind: SourceKindChoice::Auto,
        edited,
        previously_blanked,
        line_index: None,
    };
    engine::analyze_in_thread(&input)
}

/// How the server answers for `text` when `base` is the last analysis that parsed.
pub fn view(text: &str, file_name: &str, base: Option<&Analysed>) -> View {
    let map = base.map_or(OffsetMap::IDENTITY, |b| OffsetMap::between(&b.text, text));
    let previously_blanked: Vec<Span> = base.map_or_else(Vec::new, |b| {
        let blanked = &b.analysis.degradation.blanked;
        blanked
            .iter()
            .filter_map(|&s| map.span_to_current(s))
            .collect()
    });
    let fresh = Arc::new(analyze(
        text,
        file_name,
        map.current_region(),
        &previously_blanked,
    ));
    if fresh.degradation.unanalysed.is_none() {
        return View {
            analysis: fresh.clone(),
            map: OffsetMap::IDENTITY,
            fresh: Some(Analysed {
                text: text.into(),
                analysis: fresh,
            }),
        };
    }
    match base {
        Some(base) => View {
            analysis: base.analysis.clone(),
            map,
            fresh: None,
        },
        None => View {
            analysis: fresh,
            map: OffsetMap::IDENTITY,
            fresh: None,
        },
    }
}

/// LSP `{line, character}` of a byte offset of `text` (independent walk).
pub fn position(text: &str, offset: usize, encoding: Encoding) -> Value {
    let (line, character) = crate::client::position_of(text, offset, encoding);
    json!({ "line": line, "character": character })
}

fn range(text: &str, span: Span, encoding: Encoding) -> Value {
    json!({
        "start": position(text, span.start as usize, encoding),
        "end": position(text, span.end as usize, encoding),
    })
}

impl View {
    /// The expected `textDocument/hover` result at a byte offset of the current text.
    pub fn hover(&self, text: &str, offset: usize, encoding: Encoding) -> Value {
        let Some(base_offset) = self.map.to_base(offset as u32) else {
            return Value::Null;
        };
        let Some(hover) = ide::hover(&self.analysis, base_offset) else {
            // The server says why when nothing at all could be analysed.
            return match &self.analysis.degradation.unanalysed {
                Some(why) => {
                    json!({ "contents": { "kind": "markdown", "value": format!("_scopelens could not analyse this file: {why}._") } })
                }
                None => Value::Null,
            };
        };
        let mut markdown = hover.markdown;
        if !self.map.is_identity() {
            markdown.push_str(FALLBACK_NOTE);
        }
        let mut result = json!({ "contents": { "kind": "markdown", "value": markdown } });
        if let Some(span) = self.map.span_to_current(hover.range) {
            result["range"] = range(text, span, encoding);
        }
        result
    }

    /// The expected `textDocument/definition` result.
    pub fn definition(&self, uri: &str, text: &str, offset: usize, encoding: Encoding) -> Value {
        let Some(base_offset) = self.map.to_base(offset as u32) else {
            return Value::Null;
        };
        ide::goto_binding(&self.analysis, base_offset)
            .and_then(|target| self.map.span_to_current(target.span))
            .map_or(
                Value::Null,
                |span| json!({ "uri": uri, "range": range(text, span, encoding) }),
            )
    }
}

/// The offsets of two texts that differ in one region (same definition as the server's
/// `lsp::snapshot::OffsetMap`, which is private: longest common prefix and suffix, on character
/// boundaries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OffsetMap {
    start: u32,
    base_end: u32,
    current_end: u32,
}

impl OffsetMap {
    pub const IDENTITY: OffsetMap = OffsetMap {
        start: u32::MAX,
        base_end: u32::MAX,
        current_end: u32::MAX,
    };

    pub fn between(base: &str, current: &str) -> OffsetMap {
        if base == current {
            return Self::IDENTITY;
        }
        let (b, c) = (base.as_bytes(), current.as_bytes());
        let mut prefix = b.iter().zip(c).take_while(|(x, y)| x == y).count();
        while !current.is_char_boundary(prefix) || !base.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let max_suffix = b.len().min(c.len()) - prefix;
        let mut suffix = b
            .iter()
            .rev()
            .zip(c.iter().rev())
            .take(max_suffix)
            .take_while(|(x, y)| x == y)
            .count();
        while !current.is_char_boundary(c.len() - suffix)
            || !base.is_char_boundary(b.len() - suffix)
        {
            suffix -= 1;
        }
        OffsetMap {
            start: prefix as u32,
            base_end: (b.len() - suffix) as u32,
            current_end: (c.len() - suffix) as u32,
        }
    }

    pub fn is_identity(&self) -> bool {
        *self == Self::IDENTITY
    }

    pub fn current_region(&self) -> Option<Span> {
        (!self.is_identity()).then_some(Span::new(self.start, self.current_end))
    }

    pub fn to_base(self, offset: u32) -> Option<u32> {
        if offset <= self.start {
            Some(offset)
        } else if offset >= self.current_end {
            Some(offset - self.current_end + self.base_end)
        } else {
            None
        }
    }

    pub fn span_to_current(&self, span: Span) -> Option<Span> {
        if span.end <= self.start {
            Some(span)
        } else if span.start >= self.base_end {
            let shift = |o: u32| o - self.base_end + self.current_end;
            Some(Span::new(shift(span.start), shift(span.end)))
        } else {
            None
        }
    }
}

/// A small deterministic PRNG (splitmix64): seeded runs replay exactly.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_positions() {
        let text = "a😀b\r\ncd\re\n";
        assert_eq!(offset_of(text, 0, 1, Encoding::Utf16), Some(1));
        assert_eq!(offset_of(text, 0, 2, Encoding::Utf16), Some(1)); // inside the pair
        assert_eq!(offset_of(text, 0, 3, Encoding::Utf16), Some(5));
        assert_eq!(offset_of(text, 0, 5, Encoding::Utf8), Some(5));
        assert_eq!(offset_of(text, 0, 99, Encoding::Utf8), Some(6));
        assert_eq!(offset_of(text, 1, 1, Encoding::Utf8), Some(9));
        assert_eq!(offset_of(text, 2, 0, Encoding::Utf8), Some(11));
        assert_eq!(offset_of(text, 3, 0, Encoding::Utf8), Some(13));
        assert_eq!(offset_of(text, 4, 0, Encoding::Utf8), None);
    }
}
