//! Inline values for a paused debugger (LSP `textDocument/inlineValue`): which names the editor
//! should ask the debugger for, beside which code, so that every value shown is the one the code
//! there means.
//!
//! For a pause and the visible range: one lookup per declaration, assignment or read, from the
//! top of the file (so from the start of the paused function and of every function around it) to
//! the end of the stopped line, of a binding that the name still means at the pause. Left out:
//! occurrences meaning another binding (shadowed outer names, other functions' variables),
//! bindings still in their temporal dead zone, global object properties, names resolved only at
//! run time (`with`, sloppy direct `eval`). An outer variable V8 dropped (no closure captures it)
//! gets no lookup but one note at its declaration.

use rustc_hash::FxHashSet;

use super::paused_frame::{DROPPED, KeptByV8, PausedFrame};
use crate::engine::{Analysis, BindingId, Span};

/// One inline value, in source order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InlineValue<'a> {
    /// Show the value the debugger has for `name` in the paused frame, beside `span`.
    Lookup { span: Span, name: &'a str },
    /// Show `text` beside `span` (a dropped binding's declaration).
    Note { span: Span, text: String },
}

impl InlineValue<'_> {
    pub fn span(&self) -> Span {
        match self {
            InlineValue::Lookup { span, .. } | InlineValue::Note { span, .. } => *span,
        }
    }
}

/// The note at the declaration of a binding V8 dropped.
pub fn not_kept_note() -> String {
    format!("not kept by V8: {DROPPED}")
}

/// The inline values for a frame paused at `stop`, within `visible`. O(log n + occurrences in
/// `visible` × chain depth for each new name).
pub fn inline_values(analysis: &Analysis, stop: u32, visible: Span) -> Vec<InlineValue<'_>> {
    let mut frame = PausedFrame::at(analysis, stop);
    let line_end = analysis
        .line_index
        .offset(
            crate::text::LineCol {
                line: analysis.line_index.line(stop) + 1,
                col: 0,
            },
            crate::text::Encoding::Utf8,
        )
        .unwrap_or(analysis.line_index.len());
    let region = Span::new(visible.start, visible.end.min(line_end));
    let mut values = Vec::new();
    let mut wanted = |frame: &mut PausedFrame, binding: BindingId, span: Span| {
        if !frame.sees(binding) {
            return;
        }
        let shown = match frame.keeps(binding) {
            Some(KeptByV8::Frame) => !frame.in_tdz(binding),
            Some(KeptByV8::Context | KeptByV8::Script) => true,
            Some(KeptByV8::Global | KeptByV8::Dropped) | None => false,
        };
        if shown {
            values.push(InlineValue::Lookup {
                span,
                name: analysis.binding_name(binding),
            });
        }
    };
    if region.start < region.end {
        for r in analysis.references_in(region) {
            if let (Some(b), false) = (r.binding, r.dynamic) {
                wanted(&mut frame, b, r.span);
            }
        }
        for d in analysis.declarations_in(region) {
            wanted(&mut frame, d.binding, d.span);
        }
    }
    let mut noted = FxHashSet::default();
    for d in analysis.declarations_in(visible) {
        if frame.sees(d.binding)
            && frame.keeps(d.binding) == Some(KeptByV8::Dropped)
            && noted.insert(d.binding)
        {
            values.push(InlineValue::Note {
                span: d.span,
                text: not_kept_note(),
            });
        }
    }
    // References and declarations never share a span: one stable source order.
    values.sort_by_key(|v| (v.span().start, matches!(v, InlineValue::Note { .. })));
    values
}
