//! Position encoding: byte offsets ↔ (line, column) in UTF-8 or UTF-16 code units.
//!
//! Hand-written rather than the `line-index` crate because LSP counts a lone `\r` as a line
//! break and that crate does not. Lookups are O(log n): a binary search over line starts, then
//! over the non-ASCII characters of that one line, so a single 10 MB line stays cheap.

/// Where the line after the break at `bytes[i]` (a `\n` or `\r`) starts; `None` for the `\n`
/// of a CRLF, which belongs to its `\r`.
fn next_line_start(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        b'\n' if i > 0 && bytes[i - 1] == b'\r' => None,
        b'\r' if bytes.get(i + 1) == Some(&b'\n') => Some(i + 2),
        _ => Some(i + 1),
    }
}

/// Appends, for each line break in `bytes[range]`, where the next line starts and the break's
/// length. One SIMD search; a `\n` right after a `\r` belongs to that `\r` (CRLF).
fn push_line_breaks(
    bytes: &[u8],
    range: std::ops::Range<usize>,
    starts: &mut Vec<u32>,
    terminators: &mut Vec<u8>,
) {
    for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[range.clone()]) {
        let i = range.start + i;
        let Some(next) = next_line_start(bytes, i) else {
            continue;
        };
        starts.push(next as u32);
        terminators.push((next - i) as u8);
    }
}

/// Appends where each line after a `\n` starts. On x86_64, 64 bytes at a time: a bit per `\n`
/// (four SSE2 comparisons), then one step per line; a search call per line (`memchr_iter`)
/// costs more on lines of 45 bytes on average (typescript.js: 19.8M instructions → 9M).
#[cfg(target_arch = "x86_64")]
fn push_newlines(bytes: &[u8], starts: &mut Vec<u32>) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut chunks = bytes.chunks_exact(64);
    let mut base = 0u32;
    for chunk in &mut chunks {
        let mut mask = 0u64;
        for (k, part) in chunk.chunks_exact(16).enumerate() {
            // SAFETY: SSE2 is part of every x86_64 CPU; the load reads the 16 bytes of `part`
            // (unaligned loads allowed).
            let bits = unsafe {
                let v = _mm_loadu_si128(part.as_ptr().cast::<__m128i>());
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)))
            };
            mask |= u64::from(bits as u16) << (16 * k);
        }
        while mask != 0 {
            starts.push(base + mask.trailing_zeros() + 1);
            mask &= mask - 1;
        }
        base += 64;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            starts.push(base + i as u32 + 1);
        }
    }
}

/// Appends where each line after a `\n` starts.
#[cfg(not(target_arch = "x86_64"))]
fn push_newlines(bytes: &[u8], starts: &mut Vec<u32>) {
    starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i as u32 + 1));
}

/// The offset of the first byte at or after `from` that is not ASCII; 64-byte blocks at a time.
fn next_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut block_start = 0;
    for block in rest.chunks(64) {
        if !block.is_ascii() {
            let i = block.iter().position(|b| !b.is_ascii())?;
            return Some(from + block_start + i);
        }
        block_start += block.len();
    }
    None
}

/// The non-ASCII characters of one line's content, if it has any.
fn wide_chars_of(content: &str) -> Option<Box<[WideChar]>> {
    if content.is_ascii() {
        return None;
    }
    Some(
        content
            .char_indices()
            .filter(|(_, c)| !c.is_ascii())
            .map(|(col, c)| WideChar {
                col_utf8: col as u32,
                len_utf8: c.len_utf8() as u8,
                len_utf16: c.len_utf16() as u8,
            })
            .collect(),
    )
}

/// Converts offsets to line/column like [`LineIndex::line_col`], with the same answers, but
/// searches for each offset's line forward from the previous one's: tens of thousands of offsets
/// in increasing order (a whole-file answer) cost a few steps each instead of a binary search
/// over every line. An offset before the previous one is searched for from the start.
pub struct LineCursor<'a> {
    index: &'a LineIndex,
    /// The line of the previous offset.
    line: usize,
}

impl LineCursor<'_> {
    pub fn line_col(&mut self, offset: u32, encoding: Encoding) -> LineCol {
        let index = self.index;
        let offset = offset.min(index.len);
        let starts = &index.line_starts;
        let line = if starts[self.line] <= offset {
            // Gallop: lines `..=low` start at or before `offset`, lines `high..` after it.
            let mut low = self.line;
            let mut step = 1;
            let mut high = low + 1;
            while high < starts.len() && starts[high] <= offset {
                low = high;
                step *= 2;
                high = low + step;
            }
            let high = high.min(starts.len());
            low + starts[low + 1..high].partition_point(|&s| s <= offset)
        } else {
            starts.partition_point(|&s| s <= offset) - 1
        };
        self.line = line;
        index.line_col_on(line as u32, offset, encoding)
    }
}

/// Line/column of a few offsets without a [`LineIndex`], with the same answers: scans forward
/// from the previous offset (from the start when an offset is before it), so offsets in
/// increasing order cost one pass over the text up to the last, and nothing is allocated (a
/// minified file's one long line included: columns are counted on from the previous offset). For
/// the workspace index, which places a file's top-level names and drops the file.
pub struct LineScanner<'t> {
    text: &'t str,
    line: u32,
    line_start: u32,
    /// The previous offset (on `line`), and its UTF-16 column.
    at: u32,
    at_utf16: u32,
}

impl<'t> LineScanner<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            line: 0,
            line_start: 0,
            at: 0,
            at_utf16: 0,
        }
    }

    /// The line and column of `offset`, in UTF-8 and in UTF-16.
    pub fn line_col(&mut self, offset: u32) -> (LineCol, LineCol) {
        let bytes = self.text.as_bytes();
        let mut offset = (offset as usize).min(bytes.len());
        // Inside a character or between the `\r` and `\n` of a pair: its start.
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n') {
            offset -= 1;
        }
        if (offset as u32) < self.at {
            *self = Self::new(self.text);
        }
        let from = self.at as usize;
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[from..offset]) {
            let Some(next) = next_line_start(bytes, from + i) else {
                continue;
            };
            self.line += 1;
            self.line_start = next as u32;
            self.at = next as u32;
            self.at_utf16 = 0;
        }
        let step = &self.text[self.at as usize..offset];
        self.at_utf16 += if step.is_ascii() {
            step.len() as u32
        } else {
            step.encode_utf16().count() as u32
        };
        self.at = offset as u32;
        let line = self.line;
        (
            LineCol {
                line,
                col: offset as u32 - self.line_start,
            },
            LineCol {
                line,
                col: self.at_utf16,
            },
        )
    }
}

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    /// Byte offset of the character from the start of its line.
    col_utf8: u32,
    len_utf8: u8,
    len_utf16: u8,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
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
        if memchr::memchr(b'\r', bytes).is_none() {
            // Every break is a `\n` (most files): no check of the bytes around each one, and
            // the terminators' lengths written at once.
            push_newlines(bytes, &mut line_starts);
            terminator_len.resize(line_starts.len() - 1, 1);
        } else {
            push_line_breaks(bytes, 0..bytes.len(), &mut line_starts, &mut terminator_len);
        }
        // Only lines with non-ASCII characters need a table, and most files have a few or none:
        // jump from one non-ASCII byte to the next instead of checking every line.
        let mut wide = Vec::new();
        let mut from = 0;
        while let Some(at) = next_non_ascii(bytes, from) {
            let line = line_starts.partition_point(|&s| s as usize <= at) - 1;
            let next = line_starts
                .get(line + 1)
                .map_or(bytes.len(), |&n| n as usize);
            let end = next - terminator_len.get(line).map_or(0, |&t| t as usize);
            let content = &text[line_starts[line] as usize..end];
            if let Some(chars) = wide_chars_of(content) {
                wide.push((line as u32, chars));
            }
            from = next;
        }
        terminator_len.push(0);
        Self {
            line_starts,
            terminator_len,
            len: bytes.len() as u32,
            wide,
        }
    }

    /// Updates the index after `text[start..old_end]` of the old text was replaced, `text` being
    /// the new text and `new_end` the end of the inserted part in it. Rescans only the lines
    /// around the edit (one more on each side, for `\r` + `\n` joining or splitting) and shifts
    /// the rest in place: a keystroke in a 9 MB file costs O(lines) of shifting, no rescan and no
    /// new allocation (building new tables took 0.35 ms per keystroke there, mostly page faults
    /// of the fresh memory).
    pub fn edit(&mut self, text: &str, start: u32, old_end: u32, new_end: u32) {
        let delta = new_end as i64 - old_end as i64;
        let line_of = |offset: u32| self.line_starts.partition_point(|&s| s <= offset) - 1;
        let first = line_of(start).saturating_sub(1);
        // Old lines first..=last are rescanned; line `last` lies wholly after the edit.
        let last = line_of(old_end.min(self.len)) + 1;
        let window_start = self.line_starts[first] as usize;
        let tail = self.line_starts.get(last + 1).map(|_| last + 1);
        let window_end = match tail {
            Some(t) => (self.line_starts[t] as i64 + delta) as usize,
            None => text.len(),
        };
        let mut starts = Vec::new();
        let mut terminators = Vec::new();
        push_line_breaks(
            text.as_bytes(),
            window_start..window_end,
            &mut starts,
            &mut terminators,
        );
        let breaks = starts.len();
        // New lines first..=last_new are rescanned; with a tail, the next one is old line `t`.
        let last_new = match tail {
            Some(t) => {
                // The window's last break starts old line `t` (shifted), already in `starts`.
                self.line_starts.splice(first + 1..=t, starts);
                let shifted = first + 1 + breaks;
                for s in &mut self.line_starts[shifted..] {
                    *s = (*s as i64 + delta) as u32;
                }
                self.terminator_len.splice(first..t, terminators);
                first + breaks - 1
            }
            None => {
                self.line_starts.truncate(first + 1);
                self.line_starts.extend(starts);
                self.terminator_len.truncate(first);
                self.terminator_len.extend(terminators);
                self.terminator_len.push(0);
                first + breaks
            }
        };
        let rescanned: Vec<_> = (first..=last_new)
            .filter_map(|line| {
                let begin = self.line_starts[line] as usize;
                let end = self.line_starts.get(line + 1).map_or(text.len(), |&n| {
                    n as usize - self.terminator_len[line] as usize
                });
                wide_chars_of(&text[begin..end]).map(|chars| (line as u32, chars))
            })
            .collect();
        let from = self.wide.partition_point(|(l, _)| (*l as usize) < first);
        let to = match tail {
            Some(t) => self.wide.partition_point(|(l, _)| (*l as usize) < t),
            None => self.wide.len(),
        };
        let kept = rescanned.len();
        self.wide.splice(from..to, rescanned);
        if let Some(t) = tail {
            // Old line `t` is now line `last_new + 1`.
            for (line, _) in &mut self.wide[from + kept..] {
                *line = (*line as usize + last_new + 1 - t) as u32;
            }
        }
        self.len = text.len() as u32;
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

    /// Byte range of a line, its terminator included.
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
        self.line_col_on(line, offset, encoding)
    }

    /// A [`LineCursor`] at the first line: for converting many offsets in increasing order.
    pub fn cursor(&self) -> LineCursor<'_> {
        LineCursor {
            index: self,
            line: 0,
        }
    }

    /// [`line_col`](Self::line_col) of an offset (at most `len`) already known to be on `line`.
    fn line_col_on(&self, line: u32, offset: u32, encoding: Encoding) -> LineCol {
        let (start, end) = self
            .line_bounds(line)
            .expect("line of an in-range offset exists");
        // Between the `\r` and `\n` of a pair: the position of the pair itself.
        let content_end = end - self.terminator_len[line as usize] as u32;
        let col_utf8 = if offset > content_end {
            content_end - start
        } else {
            offset - start
        };
        let wide = self.wide_chars(line);
        let mut col = col_utf8;
        for c in wide.iter().take_while(|c| c.col_utf8 < col_utf8) {
            if col_utf8 < c.col_utf8 + c.len_utf8 as u32 {
                // Inside a multi-byte character: count up to its start.
                col -= col_utf8 - c.col_utf8;
                break;
            }
            if encoding == Encoding::Utf16 {
                col = col - c.len_utf8 as u32 + c.len_utf16 as u32;
            }
        }
        LineCol { line, col }
    }

    /// The byte offset of a line/column. A column past the end of the line clamps to the line's
    /// end (as LSP asks); a line past the end of the text is `None`.
    pub fn offset(&self, pos: LineCol, encoding: Encoding) -> Option<u32> {
        let (start, end) = self.line_bounds(pos.line)?;
        let content_end = end - self.terminator_len[pos.line as usize] as u32;
        let max_utf8 = content_end - start;
        let col_utf8 = match encoding {
            Encoding::Utf8 => {
                let col = pos.col.min(max_utf8);
                // Inside a multi-byte character: land on the character's start.
                match self
                    .wide_chars(pos.line)
                    .iter()
                    .find(|c| col < c.col_utf8 + c.len_utf8 as u32)
                {
                    Some(c) if c.col_utf8 < col => c.col_utf8,
                    _ => col,
                }
            }
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
                utf8.saturating_add(remaining).min(max_utf8)
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

#[cfg(test)]
mod tests {
    use super::*;

    const U8: Encoding = Encoding::Utf8;
    const U16: Encoding = Encoding::Utf16;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    /// Every char boundary round-trips through both encodings.
    fn assert_round_trips(text: &str) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let offset = offset as u32;
            // The `\n` of a `\r\n` pair is not a position of its own.
            if offset > 0
                && text.as_bytes()[offset as usize - 1] == b'\r'
                && text[offset as usize..].starts_with('\n')
            {
                continue;
            }
            for encoding in [U8, U16] {
                let pos = index.line_col(offset, encoding);
                assert_eq!(
                    index.offset(pos, encoding),
                    Some(offset),
                    "{text:?} offset {offset} {encoding:?} {pos:?}"
                );
            }
        }
    }

    #[test]
    fn newline_only_texts_get_the_breaks_the_general_scan_finds() {
        // Breaks at every position of the 64-byte blocks and in the tail after the last block.
        for len in 0..200 {
            for step in [1, 2, 3, 7, 16, 63, 64, 65] {
                let text: String = (0..len)
                    .map(|i| if i % step == step - 1 { '\n' } else { 'x' })
                    .collect();
                let mut starts = vec![0];
                let mut terminators = Vec::new();
                push_line_breaks(text.as_bytes(), 0..len, &mut starts, &mut terminators);
                terminators.push(0);
                let index = LineIndex::new(&text);
                assert_eq!(index.line_starts, starts, "{len} {step}");
                assert_eq!(index.terminator_len, terminators, "{len} {step}");
            }
        }
    }

    #[test]
    fn ascii_lines() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.line_col(0, U16), lc(0, 0));
        assert_eq!(index.line_col(2, U16), lc(0, 2));
        assert_eq!(index.line_col(3, U16), lc(1, 0));
        assert_eq!(index.line_col(6, U16), lc(2, 0));
        assert_eq!(index.offset(lc(1, 1), U8), Some(4));
        assert_eq!(index.offset(lc(2, 0), U8), Some(6));
        assert_round_trips("ab\ncd\n");
    }

    #[test]
    fn empty_text() {
        let index = LineIndex::new("");
        assert!(index.is_empty());
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.line_col(0, U16), lc(0, 0));
        assert_eq!(index.line_col(7, U16), lc(0, 0));
        assert_eq!(index.offset(lc(0, 5), U16), Some(0));
        assert_eq!(index.offset(lc(1, 0), U16), None);
    }

    #[test]
    fn astral_chars_count_two_utf16_units() {
        // 😀 is 4 bytes in UTF-8 and a surrogate pair in UTF-16.
        let text = "a\"😀\" b";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap() as u32;
        assert_eq!(b, 8);
        assert_eq!(index.line_col(b, U16), lc(0, 6));
        assert_eq!(index.line_col(b, U8), lc(0, 8));
        assert_eq!(index.offset(lc(0, 6), U16), Some(b));
        assert_eq!(index.offset(lc(0, 8), U8), Some(b));
        assert_eq!(index.human(b), (1, 7));
        assert_round_trips(text);
    }

    #[test]
    fn two_and_three_byte_chars() {
        let text = "é€x\nñ";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.line_col(x, U16), lc(0, 2));
        assert_eq!(index.line_col(x, U8), lc(0, 5));
        assert_eq!(index.offset(lc(0, 2), U16), Some(x));
        assert_eq!(index.line_col(text.len() as u32, U16), lc(1, 1));
        assert_round_trips(text);
    }

    #[test]
    fn a_cursor_answers_as_the_index_does_in_any_order() {
        let text = "a\r\n\r\nb😀c\rd€\n\n\nlong line here\n".repeat(40);
        let index = LineIndex::new(&text);
        let len = text.len() as u32;
        let forward: Vec<u32> = (0..=len + 2).collect();
        // Forward with gaps of every size, backward, and jumping around.
        let gaps: Vec<u32> = (0..=len)
            .scan(0, |at, step| {
                *at += step % 97;
                Some(*at % (len + 1))
            })
            .collect();
        let backward: Vec<u32> = (0..=len).rev().collect();
        for encoding in [U8, U16] {
            for offsets in [&forward, &gaps, &backward] {
                let mut cursor = index.cursor();
                for &offset in offsets {
                    assert_eq!(
                        cursor.line_col(offset, encoding),
                        index.line_col(offset, encoding),
                        "offset {offset} {encoding:?}"
                    );
                }
            }
        }
        let empty = LineIndex::new("");
        assert_eq!(empty.cursor().line_col(3, U16), lc(0, 0));
    }

    #[test]
    fn offsets_inside_a_char_move_to_its_start() {
        let text = "x😀y€z";
        let index = LineIndex::new(text);
        for inside in 2..=4 {
            assert_eq!(index.line_col(inside, U16), lc(0, 1), "offset {inside}");
            assert_eq!(index.line_col(inside, U8), lc(0, 1), "offset {inside}");
        }
        // `€` starts at byte 6.
        assert_eq!(index.line_col(7, U16), lc(0, 4));
        assert_eq!(index.line_col(8, U8), lc(0, 6));
    }

    #[test]
    fn columns_inside_a_char_move_to_its_start() {
        let text = "x😀y€z";
        let index = LineIndex::new(text);
        // UTF-16 column 2 is between the two halves of the surrogate pair.
        assert_eq!(index.offset(lc(0, 2), U16), Some(1));
        assert_eq!(index.offset(lc(0, 3), U16), Some(5));
        // UTF-8 columns inside the 4-byte and 3-byte characters.
        for col in 2..=4 {
            assert_eq!(index.offset(lc(0, col), U8), Some(1), "col {col}");
        }
        assert_eq!(index.offset(lc(0, 7), U8), Some(6));
        assert_eq!(index.offset(lc(0, 9), U8), Some(9));
    }

    #[test]
    fn a_scanner_answers_as_the_index_does() {
        let text = "ab\r\ncd é𝄞x\rq\n\nλ y\r\n";
        let index = LineIndex::new(text);
        let mut offsets: Vec<u32> = (0..=text.len() as u32 + 2).collect();
        offsets.extend([9, 3, 0, 17, 4]);
        let mut scanner = LineScanner::new(text);
        for offset in offsets {
            let both = (
                index.line_col(offset, Encoding::Utf8),
                index.line_col(offset, Encoding::Utf16),
            );
            assert_eq!(scanner.line_col(offset), both, "offset {offset}");
        }
    }

    #[test]
    fn crlf_is_one_line_break() {
        let text = "a\r\nbc\r\n\r\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(3, U16), lc(1, 0));
        assert_eq!(index.line_col(7, U16), lc(2, 0));
        assert_eq!(index.line_col(9, U16), lc(3, 0));
        assert_eq!(index.offset(lc(3, 0), U16), Some(9));
        // Between `\r` and `\n`: the end of the line's content.
        assert_eq!(index.line_col(2, U16), lc(0, 1));
        assert_eq!(index.line_col(6, U8), lc(1, 2));
        // A column past the end of a line stops before its terminator.
        assert_eq!(index.offset(lc(0, 10), U16), Some(1));
        assert_eq!(index.offset(lc(2, 1), U8), Some(7));
        assert_round_trips(text);
    }

    #[test]
    fn lone_cr_is_a_line_break() {
        let text = "a\rb\r\rc\n\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 6);
        assert_eq!(index.line_col(2, U16), lc(1, 0));
        assert_eq!(index.line_col(4, U16), lc(2, 0));
        assert_eq!(index.line_col(5, U16), lc(3, 0));
        // `\n\r` is two breaks, not one.
        assert_eq!(index.line_col(7, U16), lc(4, 0));
        assert_eq!(index.line_col(8, U16), lc(5, 0));
        assert_eq!(index.offset(lc(3, 5), U16), Some(6));
        assert_round_trips(text);
    }

    #[test]
    fn bom_is_one_utf16_unit_and_three_bytes() {
        let text = "\u{feff}let x;\r\nx";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(x, 7);
        assert_eq!(index.line_col(x, U16), lc(0, 5));
        assert_eq!(index.line_col(x, U8), lc(0, 7));
        assert_eq!(index.offset(lc(0, 5), U16), Some(x));
        assert_eq!(index.line_col(0, U16), lc(0, 0));
        assert_eq!(index.offset(lc(1, 0), U16), Some(text.len() as u32 - 1));
        assert_round_trips(text);
    }

    #[test]
    fn out_of_range_positions() {
        let text = "ab\nc😀";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(lc(2, 0), U16), None);
        assert_eq!(index.offset(lc(1_000_000, 0), U8), None);
        assert_eq!(index.offset(lc(u32::MAX, u32::MAX), U16), None);
        // Columns clamp to the end of the line.
        assert_eq!(index.offset(lc(0, 99), U16), Some(2));
        assert_eq!(index.offset(lc(1, u32::MAX), U16), Some(text.len() as u32));
        assert_eq!(index.offset(lc(1, u32::MAX), U8), Some(text.len() as u32));
        // Offsets past the end clamp to the end.
        assert_eq!(index.line_col(u32::MAX, U16), lc(1, 3));
        assert_eq!(index.line_col(100, U8), lc(1, 5));
    }

    #[test]
    fn wide_chars_on_several_lines() {
        let text = "😀\nx\n€😀y\r\n😀";
        let index = LineIndex::new(text);
        let y = text.find('y').unwrap() as u32;
        assert_eq!(index.line_col(y, U16), lc(2, 3));
        assert_eq!(index.offset(lc(2, 3), U16), Some(y));
        assert_eq!(index.offset(lc(1, 1), U16), Some(6));
        assert_eq!(index.line(y), 2);
        assert_eq!(index.human(y), (3, 4));
        assert_round_trips(text);
    }

    /// Sparse non-ASCII characters, at the edges of the 64-byte blocks the scan jumps by and on
    /// lines of every length: each column matches a count of the line's UTF-16 units.
    #[test]
    fn sparse_wide_chars_in_long_ascii_text() {
        let mut text = String::new();
        for line in 0..300 {
            text.push_str(&"x".repeat(line % 70));
            if line % 7 == 0 {
                text.push(['é', '😀', '€'][line % 3]);
                text.push_str("tail");
            }
            text.push_str(["\n", "\r\n", "\r"][line % 3]);
        }
        assert_round_trips(&text);
        let index = LineIndex::new(&text);
        for (offset, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
            let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let expected = text[line_start..offset].encode_utf16().count() + c.len_utf16();
            let after = index.line_col((offset + c.len_utf8()) as u32, U16);
            assert_eq!(after.col as usize, expected, "at {offset}");
        }
    }

    #[test]
    fn long_line_with_many_wide_chars() {
        let text: String = (0..2000)
            .map(|i| if i % 3 == 0 { "😀" } else { "ab" })
            .collect();
        assert_round_trips(&text);
        let index = LineIndex::new(&text);
        let end = index.line_col(text.len() as u32, U16);
        assert_eq!(end.col as usize, text.encode_utf16().count());
    }
}

#[cfg(test)]
mod edit_tests {
    use super::LineIndex;

    /// A tiny deterministic generator, so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    /// Incremental updates agree with a fresh index after every one of thousands of random edits
    /// mixing LF, CRLF, lone CR, multi-byte and astral characters.
    #[test]
    fn incremental_edits_match_a_fresh_index() {
        const PIECES: [&str; 12] = [
            "a", "bc", "\n", "\r", "\r\n", "é", "😀", "  ", "x\ny", "\r\r\n", "", "ü\n",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..40 {
            let mut text = String::new();
            let mut index = LineIndex::new(&text);
            for _ in 0..150 {
                let boundaries: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let a = boundaries[rng.below(boundaries.len())];
                let b = boundaries[rng.below(boundaries.len())];
                let (start, end) = (a.min(b), a.max(b));
                let end = if rng.below(3) == 0 {
                    end
                } else {
                    start + (end - start).min(3)
                };
                let end = boundaries
                    .iter()
                    .copied()
                    .find(|&x| x >= end)
                    .unwrap_or(text.len());
                let inserted: String = (0..rng.below(4))
                    .map(|_| PIECES[rng.below(PIECES.len())])
                    .collect();
                text.replace_range(start..end, &inserted);
                index.edit(
                    &text,
                    start as u32,
                    end as u32,
                    (start + inserted.len()) as u32,
                );
                assert_eq!(
                    index,
                    LineIndex::new(&text),
                    "after replacing {start}..{end} with {inserted:?} in {text:?}"
                );
            }
        }
    }
}
