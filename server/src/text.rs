//! Position encoding: byte offsets ↔ (line, column) in UTF-8 or UTF-16 code units.
//!
//! Hand-written rather than the `line-index` crate because LSP counts a lone `\r` as a line
//! break and that crate does not. Lookups are O(log n): a binary search over line starts, then
//! over the non-ASCII characters of that one line, so a single 10 MB line stays cheap.

/// Column unit of a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A zero-based line and column, the column counted in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Copy, Debug)]
struct WideChar {
    /// Byte offset of the character from the start of its line.
    col_utf8: u32,
    len_utf8: u8,
    len_utf16: u8,
}

#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    line_starts: Vec<u32>,
    /// Byte length of each line's terminator (`\n`, `\r` → 1, `\r\n` → 2; 0 for the last line).
    terminator_len: Vec<u8>,
    /// Byte length of the text.
    len: u32,
    /// Non-ASCII characters, per line, for lines that have any.
    wide: Vec<(u32, Box<[WideChar]>)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut terminator_len = Vec::new();
        let mut wide = Vec::new();
        let mut line_wide: Vec<WideChar> = Vec::new();
        let mut line_start = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'\n' || b == b'\r' {
                let next = if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
                if !line_wide.is_empty() {
                    wide.push((line_starts.len() as u32 - 1, std::mem::take(&mut line_wide).into()));
                }
                line_starts.push(next as u32);
                terminator_len.push((next - i) as u8);
                line_start = next;
                i = next;
            } else if b < 0x80 {
                i += 1;
            } else {
                let c = text[i..].chars().next().expect("index is on a char boundary");
                let len_utf8 = c.len_utf8();
                line_wide.push(WideChar {
                    col_utf8: (i - line_start) as u32,
                    len_utf8: len_utf8 as u8,
                    len_utf16: c.len_utf16() as u8,
                });
                i += len_utf8;
            }
        }
        if !line_wide.is_empty() {
            wide.push((line_starts.len() as u32 - 1, line_wide.into()));
        }
        terminator_len.push(0);
        Self { line_starts, terminator_len, len: bytes.len() as u32, wide }
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    fn wide_chars(&self, line: u32) -> &[WideChar] {
        match self.wide.binary_search_by_key(&line, |(l, _)| *l) {
            Ok(i) => &self.wide[i].1,
            Err(_) => &[],
        }
    }

    /// Byte range of a line's content, without its terminator.
    fn line_bounds(&self, line: u32) -> Option<(u32, u32)> {
        let start = *self.line_starts.get(line as usize)?;
        let end = match self.line_starts.get(line as usize + 1) {
            Some(&next) => next,
            None => self.len,
        };
        Some((start, end))
    }

    /// The line/column of a byte offset; offsets past the end clamp to the end, offsets inside a
    /// character or a `\r\n` pair move back to its start.
    pub fn line_col(&self, offset: u32, encoding: Encoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&s| s <= offset) as u32 - 1;
        let start = self.line_starts[line as usize];
        let col_utf8 = offset - start;
        let col = match encoding {
            Encoding::Utf8 => col_utf8,
            Encoding::Utf16 => {
                let wide = self.wide_chars(line);
                let mut col = col_utf8;
                for c in wide.iter().take_while(|c| c.col_utf8 < col_utf8) {
                    if col_utf8 < c.col_utf8 + c.len_utf8 as u32 {
                        // Inside a multi-byte character: count up to its start.
                        col -= col_utf8 - c.col_utf8;
                        break;
                    }
                    col = col - c.len_utf8 as u32 + c.len_utf16 as u32;
                }
                col
            }
        };
        LineCol { line, col }
    }

    /// The byte offset of a line/column. A column past the end of the line clamps to the line's
    /// end (as LSP asks); a line past the end of the text is `None`.
    pub fn offset(&self, pos: LineCol, encoding: Encoding) -> Option<u32> {
        let (start, end) = self.line_bounds(pos.line)?;
        let content_end = end - self.terminator_len[pos.line as usize] as u32;
        let max_utf8 = content_end - start;
        let col_utf8 = match encoding {
            Encoding::Utf8 => pos.col.min(max_utf8),
            Encoding::Utf16 => {
                let mut remaining = pos.col;
                let mut utf8 = 0u32;
                for c in self.wide_chars(pos.line) {
                    let ascii_run = c.col_utf8 - utf8;
                    if remaining <= ascii_run {
                        return Some(start + utf8 + remaining);
                    }
                    remaining -= ascii_run;
                    utf8 = c.col_utf8;
                    if remaining < c.len_utf16 as u32 {
                        // Inside a surrogate pair: land on the character's start.
                        return Some(start + utf8);
                    }
                    remaining -= c.len_utf16 as u32;
                    utf8 += c.len_utf8 as u32;
                }
                (utf8 + remaining).min(max_utf8)
            }
        };
        Some(start + col_utf8.min(max_utf8))
    }

    /// Zero-based line of a byte offset.
    pub fn line(&self, offset: u32) -> u32 {
        self.line_col(offset, Encoding::Utf8).line
    }

    /// One-based line and one-based UTF-16 column, as people and the JSON output count.
    pub fn human(&self, offset: u32) -> (u32, u32) {
        let lc = self.line_col(offset, Encoding::Utf16);
        (lc.line + 1, lc.col + 1)
    }
}
