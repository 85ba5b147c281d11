//! Memory one analysis after another works in.
//!
//! Most of an analysis's memory is oxc's arena, which holds the syntax tree: 3 to 6 bytes per
//! byte of source (54 MiB for the 9 MB typescript.js). Fresh memory is faulted in page by page as
//! the parser first writes it: ~14,000 faults, about 25 ms of a 175 ms analysis of that file. A
//! caller that analyses again and again (the language server, on every edit) keeps one
//! [`Scratch`]: its arena is reset between analyses, not freed, so its pages stay resident. And a
//! caller that knows a text is coming can [`Scratch::prepare`] for it on another thread while the
//! text is still arriving.

use oxc_allocator::Allocator;

/// Arena bytes set aside per byte of source by [`Scratch::prepare`]: above the 3–6 measured on
/// the benchmark corpus, so one chunk holds the whole tree.
const ARENA_BYTES_PER_SOURCE_BYTE: usize = 7;
/// Texts larger than this are not prepared for: touching gigabytes in advance is not worth it.
const MAX_PREPARED_TEXT: usize = 64 << 20;
const PAGE: usize = 4096;
/// How much of the arena [`Scratch::prepare_unless`] faults in between two questions whether
/// to stop (about a millisecond of faults).
const STOP_CHECK: usize = 1 << 20;

/// Memory kept between analyses: pass the same one to every [`super::analyze_with`].
/// Dropping it returns the memory.
#[derive(Default)]
pub struct Scratch {
    arena: Allocator,
}

impl Scratch {
    /// Makes the arena large enough for a text of `text_len` bytes and faults its pages in, so
    /// the analysis of that text writes to resident memory. Takes about as long as the faults it
    /// saves: worth it where it overlaps other work, such as the text arriving.
    pub fn prepare(&mut self, text_len: usize) {
        self.prepare_unless(text_len, || false);
    }

    /// [`Scratch::prepare`], stopped as soon as `stop` says so (it is asked every
    /// [`STOP_CHECK`] bytes): when the analysis the memory is for is due, the rest is faulted in
    /// by the parse itself instead of delaying it. Returns whether it prepared everything.
    pub fn prepare_unless(&mut self, text_len: usize, mut stop: impl FnMut() -> bool) -> bool {
        if text_len > MAX_PREPARED_TEXT {
            return false;
        }
        let wanted = text_len * ARENA_BYTES_PER_SOURCE_BYTE;
        if self.arena.capacity() < wanted {
            // Replaced, not grown: growing would keep the old chunk beside the new one.
            self.arena = Allocator::with_capacity(wanted);
        }
        self.arena.reset();
        // After a reset the arena is one chunk, all of it free: claim it and write a byte per
        // page. The claim is released by the next reset, before any analysis.
        let free = self.arena.capacity().saturating_sub(PAGE) / PAGE * PAGE;
        if free == 0 {
            return true;
        }
        let Ok(layout) = std::alloc::Layout::from_size_align(free, PAGE) else {
            return false;
        };
        let block = self.arena.alloc_layout(layout);
        let mut complete = true;
        for offset in (0..free).step_by(PAGE) {
            if offset % STOP_CHECK == 0 && offset > 0 && stop() {
                complete = false;
                break;
            }
            // SAFETY: `block` is `free` bytes the arena just handed out and nothing else uses;
            // a volatile write so the touch is not optimised away.
            unsafe { block.as_ptr().add(offset).write_volatile(0) };
        }
        self.arena.reset();
        complete
    }

    /// Bytes the arena holds, resident or not.
    pub fn capacity(&self) -> usize {
        self.arena.capacity()
    }

    /// The arena, emptied, for the next parse. A reset keeps only the arena's newest chunk; if
    /// the last parse needed more than that, the arena is replaced by one chunk that holds it all,
    /// so a text parsed again and again settles in one resident chunk.
    pub(crate) fn arena(&mut self) -> &Allocator {
        let used = self.arena.used_bytes();
        self.arena.reset();
        if self.arena.capacity() < used {
            self.arena = Allocator::with_capacity(used + used / 8);
        }
        &self.arena
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Input, analyze, analyze_with};

    #[test]
    fn a_scratch_is_reused_without_growing_and_answers_the_same() {
        let text = "function outer(a) { let b = a; return () => a + b; }\n".repeat(2_000);
        let mut scratch = Scratch::default();
        scratch.prepare(text.len());
        let prepared = scratch.capacity();
        assert!(prepared >= text.len() * ARENA_BYTES_PER_SOURCE_BYTE);
        let input = Input::new(&text, "t.js");
        // The synthetic text is denser than real code: its first parse outgrows the prepared
        // chunk, and the second gets one chunk that holds it all, which the third reuses.
        let reused = analyze_with(&input, &mut scratch);
        let _ = analyze_with(&input, &mut scratch);
        let settled = scratch.capacity();
        let again = analyze_with(&input, &mut scratch);
        assert_eq!(scratch.capacity(), settled, "the arena is reset, not grown");
        let fresh = analyze(&input);
        let summary = |a: &crate::engine::Analysis| -> Vec<_> {
            a.references
                .iter()
                .map(|r| (r.span, r.binding, r.hops, r.captured))
                .collect()
        };
        assert_eq!(fresh.references.len(), 3 * 2_000);
        for analysis in [&reused, &again] {
            assert_eq!(summary(analysis), summary(&fresh));
            assert_eq!(analysis.bindings.len(), fresh.bindings.len());
            assert_eq!(analysis.environments.len(), fresh.environments.len());
        }
    }

    #[test]
    fn preparing_stops_when_asked_and_the_arena_still_serves() {
        let text = "function outer(a) { let b = a; return () => a + b; }\n".repeat(6_000);
        let mut scratch = Scratch::default();
        let mut asked = 0;
        let complete = scratch.prepare_unless(text.len(), || {
            asked += 1;
            true
        });
        assert!(!complete);
        assert_eq!(asked, 1, "asked after the first megabyte, then stopped");
        assert!(scratch.capacity() >= text.len() * ARENA_BYTES_PER_SOURCE_BYTE);
        let input = Input::new(&text, "t.js");
        let analysis = analyze_with(&input, &mut scratch);
        assert_eq!(analysis.references.len(), analyze(&input).references.len());
        assert!(scratch.prepare_unless(text.len(), || false));
    }

    #[test]
    fn huge_texts_are_not_prepared_for() {
        let mut scratch = Scratch::default();
        scratch.prepare(MAX_PREPARED_TEXT + 1);
        assert_eq!(scratch.capacity(), 0);
    }
}
