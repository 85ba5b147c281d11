//! One immutable view of a document that every answer is computed on: the text version, its line
//! index, and the analysis that answers for it — either the analysis of that very text, or the
//! last analysis that parsed, seen through an [`OffsetMap`] while the text has syntax errors.

use std::sync::{Arc, OnceLock};

use super::panic_guard;
use crate::engine::{Analysis, Span};
use crate::ide::{self, Pitfall, PitfallsConfig};
use crate::text::LineIndex;

#[derive(Debug)]
pub struct Snapshot {
    /// Internal revision: bumped by every edit and every re-analysis request.
    pub revision: u64,
    /// Line index of the document text at `version`: requests speak in its positions.
    pub line_index: Arc<LineIndex>,
    /// The analysis answers come from; `None` when analysing failed with nothing to fall back on.
    pub analysis: Option<Arc<Analysis>>,
    /// Maps offsets of the current text to those of `analysis`'s text.
    pub map: OffsetMap,
    /// The pitfalls of `analysis`, shared by every snapshot it answers.
    pub pitfalls: Arc<Pitfalls>,
}

/// The pitfalls of one analysis (every code; the settings filter them where they are shown),
/// in its offsets. Found once, by the analysis worker right after the snapshot is out (answers
/// do not wait for them), and read by the diagnostics and the code actions.
#[derive(Debug, Default)]
pub struct Pitfalls(OnceLock<Arc<[Pitfall]>>);

impl Pitfalls {
    /// The pitfalls, if found already.
    pub fn found(&self) -> Option<Arc<[Pitfall]>> {
        self.0.get().cloned()
    }

    /// The pitfalls of `analysis` (the analysis these belong to), found now if not yet. A panic
    /// in the pass is logged and leaves none.
    pub fn find(&self, analysis: &Analysis) -> Arc<[Pitfall]> {
        self.0
            .get_or_init(|| {
                panic_guard::catch("pitfalls", || {
                    panic_guard::inject("pitfalls");
                    ide::pitfalls(analysis, &PitfallsConfig::default())
                })
                .unwrap_or_default()
                .into()
            })
            .clone()
    }
}

/// Offsets between two texts that differ in one region. The texts share a prefix `[0, start)`
/// and a suffix: in the base text `[base_end, ..)`, in the current text `[current_end, ..)`.
/// Offsets in the prefix are equal, offsets in the suffix shift by the length difference, and
/// offsets inside the changed region have no counterpart. Every lookup is O(1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OffsetMap {
    start: u32,
    base_end: u32,
    current_end: u32,
}

impl OffsetMap {
    /// Both texts are the same.
    pub const IDENTITY: OffsetMap = OffsetMap {
        start: u32::MAX,
        base_end: u32::MAX,
        current_end: u32::MAX,
    };

    /// The map from `base` to `current` through their longest common prefix and suffix (the
    /// region is widened to whole characters so it can be blanked or sliced safely).
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

    /// The changed region in the current text; `None` for the identity.
    pub fn current_region(&self) -> Option<Span> {
        (!self.is_identity()).then_some(Span::new(self.start, self.current_end))
    }

    /// A current-text offset in the base text; `None` inside the changed region.
    pub fn to_base(self, offset: u32) -> Option<u32> {
        if offset <= self.start {
            Some(offset)
        } else if offset >= self.current_end {
            Some(offset - self.current_end + self.base_end)
        } else {
            None
        }
    }

    /// A base-text offset in the current text; `None` inside the changed region.
    pub fn to_current(self, offset: u32) -> Option<u32> {
        if offset <= self.start {
            Some(offset)
        } else if offset >= self.base_end {
            Some(offset - self.base_end + self.current_end)
        } else {
            None
        }
    }

    /// A base-text span of an identifier in the current text: `None` unless it lies wholly
    /// before or wholly after the changed region.
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

    /// A base-text span of a region (an environment) in the current text: endpoints inside the
    /// changed region stretch to cover it, so a function being edited still contains the edit.
    pub fn region_to_current(&self, span: Span) -> Span {
        let start = self.to_current(span.start).unwrap_or(self.start);
        let end = self.to_current(span.end).unwrap_or(self.current_end);
        Span::new(start, end.max(start))
    }

    /// A current-text range (a request's range) in the base text, stretched over the region.
    pub fn region_to_base(&self, span: Span) -> Span {
        let start = self.to_base(span.start).unwrap_or(self.start);
        let end = self.to_base(span.end).unwrap_or(self.base_end);
        Span::new(start, end.max(start))
    }
}

impl Snapshot {
    /// A current-text offset in the analysed text, with the analysis to ask.
    pub fn analysis_at(&self, offset: u32) -> Option<(&Analysis, u32)> {
        let analysis = self.analysis.as_deref()?;
        Some((analysis, self.map.to_base(offset)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_map_to_identity() {
        let map = OffsetMap::between("abc", "abc");
        assert!(map.is_identity());
        assert_eq!(map.to_base(2), Some(2));
        assert_eq!(map.span_to_current(Span::new(1, 3)), Some(Span::new(1, 3)));
        assert_eq!(map.current_region(), None);
    }

    #[test]
    fn insertion_shifts_the_suffix() {
        //          0123456789
        let base = "f(a); g(b);";
        let current = "f(a; g(b);"; // `)` deleted at 3
        let map = OffsetMap::between(base, current);
        assert_eq!(map.current_region(), Some(Span::new(3, 3)));
        assert_eq!(map.to_base(1), Some(1));
        assert_eq!(map.to_base(7), Some(8)); // `b`
        assert_eq!(map.to_current(8), Some(7));
        assert_eq!(map.span_to_current(Span::new(8, 9)), Some(Span::new(7, 8)));
        assert_eq!(map.span_to_current(Span::new(0, 4)), None);

        let map = OffsetMap::between(current, base);
        assert_eq!(map.current_region(), Some(Span::new(3, 4)));
        assert_eq!(map.to_base(8), Some(7));
        assert_eq!(map.to_base(3), Some(3));
        assert_eq!(map.to_base(4), Some(3));
    }

    #[test]
    fn replacement_inside_has_no_answer() {
        let base = "let abc = 1; x";
        let current = "let aXYZc = 1; x";
        let map = OffsetMap::between(base, current);
        assert_eq!(map.current_region(), Some(Span::new(5, 8)));
        assert_eq!(map.to_base(6), None);
        assert_eq!(map.to_base(15), Some(13));
        assert_eq!(map.span_to_current(Span::new(4, 7)), None);
        assert_eq!(map.region_to_current(Span::new(0, 14)), Span::new(0, 16));
        assert_eq!(map.region_to_current(Span::new(6, 14)), Span::new(8, 16));
        assert_eq!(map.region_to_base(Span::new(6, 16)), Span::new(5, 14));
    }

    #[test]
    fn region_is_widened_to_whole_chars() {
        // `é` (c3 a9) → `ê` (c3 aa): the shared first byte is not a boundary.
        let map = OffsetMap::between("aéb", "aêb");
        assert_eq!(map.current_region(), Some(Span::new(1, 3)));
        let map = OffsetMap::between("a😀b", "a😁b");
        assert_eq!(map.current_region(), Some(Span::new(1, 5)));
    }

    #[test]
    fn repeated_text_does_not_overlap() {
        let map = OffsetMap::between("aaa", "aaaa");
        assert_eq!(map.current_region(), Some(Span::new(3, 4)));
        assert_eq!(map.to_base(4), Some(3));
        let map = OffsetMap::between("aaaa", "aa");
        assert_eq!(map.current_region(), Some(Span::new(2, 2)));
        assert_eq!(map.to_current(4), Some(2));
        assert_eq!(map.to_current(3), None);
    }
}
