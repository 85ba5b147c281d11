//! LSP positions and ranges ↔ byte offsets, in the negotiated position encoding.

use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use crate::engine::Span;
use crate::text::{Encoding, LineCol, LineCursor, LineIndex};

/// UTF-8 when the client offers it (no transcoding), else UTF-16, the LSP default.
pub fn negotiate_encoding(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

pub fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

/// The byte offset of a position; `None` when its line is past the end of the text. A column
/// past the end of its line clamps to the line's end, as LSP specifies.
pub fn offset(index: &LineIndex, position: Position, encoding: Encoding) -> Option<u32> {
    index.offset(
        LineCol {
            line: position.line,
            col: position.character,
        },
        encoding,
    )
}

pub fn position(index: &LineIndex, offset: u32, encoding: Encoding) -> Position {
    let LineCol { line, col } = index.line_col(offset, encoding);
    Position::new(line, col)
}

/// [`position`] of offsets met mostly in increasing order, through a cursor over the index.
pub fn position_at(lines: &mut LineCursor<'_>, offset: u32, encoding: Encoding) -> Position {
    let LineCol { line, col } = lines.line_col(offset, encoding);
    Position::new(line, col)
}

pub fn range(index: &LineIndex, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position(index, span.start, encoding),
        position(index, span.end, encoding),
    )
}

/// [`range`] of spans met mostly in increasing order, through a cursor over the index.
pub fn range_at(lines: &mut LineCursor<'_>, span: Span, encoding: Encoding) -> Range {
    Range::new(
        position_at(lines, span.start, encoding),
        position_at(lines, span.end, encoding),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_utf8_only_when_offered() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(negotiate_encoding(Some(&both)), Encoding::Utf8);
        assert_eq!(
            negotiate_encoding(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(negotiate_encoding(None), Encoding::Utf16);
    }

    #[test]
    fn ranges_round_trip() {
        let index = LineIndex::new("let s = \"😀\"; s\r\ns");
        let s = Span::new(16, 17);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let range = range(&index, s, encoding);
            assert_eq!(offset(&index, range.start, encoding), Some(s.start));
            assert_eq!(offset(&index, range.end, encoding), Some(s.end));
        }
        assert_eq!(
            range(&index, s, Encoding::Utf16).start,
            Position::new(0, 14)
        );
        assert_eq!(offset(&index, Position::new(5, 0), Encoding::Utf16), None);
    }
}
