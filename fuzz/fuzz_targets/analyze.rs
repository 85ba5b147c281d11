//! Arbitrary bytes → text → `engine::analyze` on a big-stack thread, then every `ide` query at
//! every character boundary, the position conversions of `text.rs`, and the model invariants.
//!
//! Input layout: byte 0 picks the file name (language / source kind) and the source-kind
//! setting; bytes 1..5, when bit 7 of byte 0 is set, give an "edited" region (as the server passes
//! after an edit); the rest is the text (invalid UTF-8 becomes U+FFFD, as a client cannot send it).

#![no_main]

use libfuzzer_sys::fuzz_target;
use scopelens::engine::{self, Analysis, Input, SourceKindChoice, Span};
use scopelens::ide::{self, InlayHintsConfig};
use scopelens::text::{Encoding, LineCol, LineIndex};

const FILE_NAMES: [&str; 8] = [
    "t.js", "t.mjs", "t.cjs", "t.ts", "t.jsx", "t.tsx", "t.mts", "untitled",
];
const KINDS: [SourceKindChoice; 4] = [
    SourceKindChoice::Auto,
    SourceKindChoice::Script,
    SourceKindChoice::Module,
    SourceKindChoice::CommonJs,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (edited, rest) = if selector & 0x80 != 0 && rest.len() >= 4 {
        let start = u16::from_le_bytes([rest[0], rest[1]]) as u32;
        let len = u16::from_le_bytes([rest[2], rest[3]]) as u32 % 64;
        (Some(Span::new(start, start + len)), &rest[4..])
    } else {
        (None, rest)
    };
    let text = String::from_utf8_lossy(rest);
    let input = Input {
        text: &text,
        file_name: FILE_NAMES[(selector & 7) as usize],
        source_kind: KINDS[((selector >> 3) & 3) as usize],
        edited,
        previously_blanked: &[],
        line_index: None,
    };
    // The engine needs its big stack, as in the server; the queries run there too.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(engine::ANALYSIS_STACK_SIZE)
            .spawn_scoped(scope, || {
                let analysis = engine::analyze(&input);
                engine::check_invariants(&analysis, text.len() as u32);
                check_queries(&analysis, &text);
            })
            .expect("spawn")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    });
    check_line_index(&text);
});

/// Every query at every character boundary (the only offsets the server asks at).
fn check_queries(a: &Analysis, text: &str) {
    let len = text.len() as u32;
    let in_text = |s: Span| s.start <= s.end && s.end <= len;
    let offsets = text.char_indices().map(|(i, _)| i as u32).chain([len]);
    for offset in offsets {
        let env = a.env_at(offset);
        assert!((env.0 as usize) < a.environments.len());
        if let Some(id) = a.identifier_at(offset) {
            assert!(id.span().touches(offset));
        }
        if let Some(hover) = ide::hover(a, offset) {
            assert!(in_text(hover.range));
            assert!(
                hover.range.touches(offset),
                "hover range {:?} at {offset}",
                hover.range
            );
            assert!(!hover.markdown.is_empty());
        }
        for target in [ide::goto_binding(a, offset), ide::outer_binding(a, offset)]
            .into_iter()
            .flatten()
        {
            assert!(in_text(target.span));
            assert!((target.binding.0 as usize) < a.bindings.len());
        }
        let chain = ide::scope_chain(a, offset);
        assert!(
            !chain.is_empty(),
            "the chain ends at the global environment"
        );
        assert_eq!(chain.last().unwrap().kind, "global");
        for env in &chain {
            assert!(in_text(env.span));
            for b in &env.bindings {
                assert!(in_text(b.span));
            }
        }
    }
    for config in [
        InlayHintsConfig::default(),
        InlayHintsConfig {
            closure_captures: true,
            captured_uses: false,
        },
    ] {
        for range in [
            Span::new(0, len),
            Span::new(len / 2, len),
            Span::new(0, len / 3),
        ] {
            for hint in ide::inlay_hints(a, range, &config) {
                assert!(hint.offset <= len);
                assert!(!hint.label.is_empty());
                for part in &hint.label {
                    if let Some(target) = part.target {
                        assert!(in_text(target));
                    }
                }
            }
        }
    }
}

/// `text.rs`: every character boundary (except between `\r` and `\n`) round-trips through both
/// encodings, and positions past the end clamp or are refused without panicking.
fn check_line_index(text: &str) {
    let index = LineIndex::new(text);
    let len = text.len() as u32;
    assert_eq!(index.len(), len);
    for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
        if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text[offset..].starts_with('\n') {
            continue;
        }
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let pos = index.line_col(offset as u32, encoding);
            assert_eq!(
                index.offset(pos, encoding),
                Some(offset as u32),
                "{offset} {encoding:?} {pos:?}"
            );
            let past = LineCol {
                line: pos.line,
                col: pos.col.saturating_add(1_000),
            };
            let clamped = index.offset(past, encoding).expect("line exists");
            assert!(clamped <= len && text.is_char_boundary(clamped as usize));
        }
    }
    for encoding in [Encoding::Utf8, Encoding::Utf16] {
        let beyond = LineCol {
            line: index.line_count(),
            col: 0,
        };
        assert_eq!(index.offset(beyond, encoding), None);
        let _ = index.line_col(u32::MAX, encoding);
        for line in 0..index.line_count().min(64) {
            for col in [0, 1, 2, 3, 5, 8, u32::MAX] {
                if let Some(o) = index.offset(LineCol { line, col }, encoding) {
                    assert!(o <= len && text.is_char_boundary(o as usize));
                }
            }
        }
    }
}
