//! Closure-capture hints, in the spirit of rust-analyzer's `move(&a, &mut b)`: at each closure
//! `captures: a, mut b`, and after each use of a captured binding `↑owner`.
//!
//! Only closures and references that start in the range are visited (`closures_in`,
//! `references_in`), so the cost is O(log n + answer).

use super::describe::{declaration_span, is_implicit, line, short_owner};
use super::{InlayHint, InlayHintKind, InlayHintLabelPart, InlayHintsConfig};
use crate::engine::{Analysis, BindingId, EnvId, EnvKind, Reference, Span};

/// Names listed in one closure hint before the rest is summarised as `+N more`.
const MAX_LISTED_CAPTURES: usize = 8;

/// Hints for closures and captured uses that start inside `range`, sorted by offset.
pub fn inlay_hints(analysis: &Analysis, range: Span, config: &InlayHintsConfig) -> Vec<InlayHint> {
    let mut hints = Vec::new();
    if config.closure_captures {
        // A function with parameter expressions has a second (function-body) environment: its
        // captures are reported once, on the function environment.
        let closures = analysis
            .closures_in(range)
            .filter(|&e| analysis.env(e).kind == EnvKind::Function);
        hints.extend(closures.filter_map(|env| closure_hint(analysis, env)));
    }
    if config.captured_uses {
        hints.extend(
            analysis
                .references_in(range)
                .iter()
                .filter_map(|r| captured_use_hint(analysis, r)),
        );
    }
    // Closure hints come before use hints at the same offset (a closure starting right after a
    // captured use is rare; stable order keeps it deterministic).
    hints.sort_by_key(|h| h.offset);
    hints
}

fn closure_hint(analysis: &Analysis, env: EnvId) -> Option<InlayHint> {
    let e = analysis.env(env);
    if e.captures.is_empty() {
        return None;
    }
    let mut label = vec![part("captures: ", None)];
    for (i, &binding) in e.captures.iter().take(MAX_LISTED_CAPTURES).enumerate() {
        if i > 0 {
            label.push(part(", ", None));
        }
        let b = analysis.binding(binding);
        let name = analysis.binding_name(binding);
        let text = if b.mutated {
            format!("mut {name}")
        } else {
            name.to_string()
        };
        label.push(part(&text, Some(declaration_span(analysis, binding))));
    }
    if e.captures.len() > MAX_LISTED_CAPTURES {
        label.push(part(
            &format!(", +{} more", e.captures.len() - MAX_LISTED_CAPTURES),
            None,
        ));
    }
    let mut tooltip = format!(
        "`{}` captures these bindings of outer environments, which stay alive as long as the closure does:\n",
        e.owner
    );
    for &binding in &e.captures {
        tooltip.push_str(&format!("\n- {}", capture_line(analysis, binding)));
    }
    Some(InlayHint {
        offset: e.span.start,
        kind: InlayHintKind::ClosureCaptures,
        label,
        tooltip: Some(tooltip),
        padding_left: false,
        padding_right: true,
    })
}

fn captured_use_hint(analysis: &Analysis, r: &Reference) -> Option<InlayHint> {
    if !r.captured {
        return None;
    }
    let binding = r.binding?;
    let b = analysis.binding(binding);
    let owner = short_owner(&analysis.env(b.environment).owner);
    let text = if b.mutated {
        format!("↑{owner} (mut)")
    } else {
        format!("↑{owner}")
    };
    Some(InlayHint {
        offset: r.span.end,
        kind: InlayHintKind::CapturedUse,
        label: vec![part(&text, Some(declaration_span(analysis, binding)))],
        tooltip: Some(format!("captured: {}", capture_line(analysis, binding))),
        padding_left: false,
        padding_right: false,
    })
}

/// "`action`: `var` in the function environment of `skulk`, line 3 (mutable)".
fn capture_line(analysis: &Analysis, binding: BindingId) -> String {
    let b = analysis.binding(binding);
    let mut s = format!(
        "`{}`: `{}` in the {}",
        analysis.binding_name(binding),
        b.declaration,
        analysis.describe_env(b.environment)
    );
    if !is_implicit(b.span) {
        s.push_str(&format!(", line {}", line(analysis, b.span.start)));
    }
    if b.mutated {
        s.push_str(" — mutable: assigned after its declaration, closures see the change");
    }
    s
}

fn part(text: &str, target: Option<Span>) -> InlayHintLabelPart {
    InlayHintLabelPart {
        text: text.to_string(),
        target,
    }
}
