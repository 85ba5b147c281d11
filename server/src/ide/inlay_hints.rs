//! Closure-capture hints, in the spirit of rust-analyzer's `move(&a, &mut b)`: at each closure
//! `captures: a, mut b`, and after each use of a captured binding `↑owner`.
//!
//! Only closures and references that start in the range are visited (`closures_in`,
//! `references_in`), so the cost is O(log n + answer).
//!
//! Tooltips are sentences, several times the size of a label, and a whole-file request on a
//! large bundle asks for ~50k hints: [`inlay_hints`] leaves them out, and
//! [`resolve_inlay_hint`] computes one hint in full when the editor shows it (LSP's
//! `inlayHint/resolve`).

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::describe::{declaration_span, is_implicit, line, short_owner};
use super::{InlayHint, InlayHintId, InlayHintKind, InlayHintLabelPart, InlayHintsConfig};
use crate::engine::{Analysis, BindingId, DeclarationKind, EnvId, EnvKind, Reference, Span};

/// Names listed in one closure hint before the rest is summarised as `+N more`.
const MAX_LISTED_CAPTURES: usize = 8;

/// Hints for closures and captured uses that start inside `range`, sorted by offset, without
/// tooltips (see [`inlay_hint_tooltip`]).
pub fn inlay_hints<'a>(
    analysis: &'a Analysis,
    range: Span,
    config: &InlayHintsConfig,
) -> Vec<InlayHint<'a>> {
    let mut closures = Vec::new();
    if config.closure_captures {
        // A function with parameter expressions has a second (function-body) environment: its
        // captures are reported once, on the function environment.
        let functions = analysis
            .closures_in(range)
            .filter(|&e| analysis.env(e).kind == EnvKind::Function);
        closures.extend(functions.filter_map(|env| closure_hint(analysis, env)));
    }
    if !config.captured_uses {
        return closures; // in source order, which is offset order
    }
    // Closure hints come before use hints at the same offset (a closure starting right after a
    // captured use is rare; this order keeps it deterministic). Both lists come in offset order
    // (closures and references by start, and references do not overlap), so they are merged as
    // the uses are made, without sorting tens of thousands of hints (and a scratch copy of them).
    let mut hints = Vec::with_capacity(closures.len());
    let mut closures = closures.into_iter().peekable();
    let mut labels = UseLabels::default();
    let mut in_order = true;
    let mut last = 0;
    for r in analysis.references_in(range) {
        let Some(hint) = captured_use_hint(analysis, r, &mut labels) else {
            continue;
        };
        in_order &= last <= hint.offset;
        last = hint.offset;
        while let Some(closure) = closures.next_if(|c| c.offset <= hint.offset) {
            hints.push(closure);
        }
        hints.push(hint);
    }
    hints.extend(closures);
    if !in_order {
        // Not expected; every closure still precedes the uses at its offset, so a stable sort
        // gives the order above.
        hints.sort_by_key(|h| h.offset);
    }
    hints
}

/// The labels of captured-use hints made so far, by binding environment and mutability: a large
/// file has tens of thousands of uses of far fewer environments' bindings.
#[derive(Default)]
struct UseLabels(FxHashMap<(EnvId, bool), String>);

impl UseLabels {
    /// `↑owner`, `↑owner (mut)`.
    fn label(&mut self, analysis: &Analysis, env: EnvId, mutated: bool) -> String {
        self.0
            .entry((env, mutated))
            .or_insert_with(|| {
                let owner = short_owner(&analysis.env(env).owner);
                let mut text = String::with_capacity(owner.len() + 10);
                text.push('↑');
                text.push_str(&owner);
                if mutated {
                    text.push_str(" (mut)");
                }
                text
            })
            .clone()
    }
}

/// The hint `id` names, tooltip included; `None` when this analysis has no such hint (the id
/// came from an older analysis).
pub fn resolve_inlay_hint(analysis: &Analysis, id: InlayHintId) -> Option<InlayHint<'_>> {
    match id.kind {
        InlayHintKind::ClosureCaptures => {
            let env = closure_at(analysis, id.anchor)?;
            let mut hint = closure_hint(analysis, env)?;
            hint.tooltip = Some(closure_tooltip(analysis, env));
            Some(hint)
        }
        InlayHintKind::CapturedUse => {
            let reference = reference_at(analysis, id.anchor)?;
            let mut hint = captured_use_hint(analysis, reference, &mut UseLabels::default())?;
            hint.tooltip = reference.binding.map(|b| captured_use_tooltip(analysis, b));
            Some(hint)
        }
    }
}

/// The tooltip of the hint `id` names: the captured bindings, where they live, whether they
/// change.
pub fn inlay_hint_tooltip(analysis: &Analysis, id: InlayHintId) -> Option<String> {
    match id.kind {
        InlayHintKind::ClosureCaptures => {
            Some(closure_tooltip(analysis, closure_at(analysis, id.anchor)?))
        }
        InlayHintKind::CapturedUse => {
            let binding = reference_at(analysis, id.anchor)?.binding?;
            Some(captured_use_tooltip(analysis, binding))
        }
    }
}

fn closure_tooltip(analysis: &Analysis, env: EnvId) -> String {
    let e = analysis.env(env);
    let mut tooltip = format!(
        "`{}` captures these bindings of outer environments, which stay alive as long as the closure does:\n",
        e.owner
    );
    for &binding in &e.captures {
        tooltip.push_str(&format!("\n- {}", capture_line(analysis, binding)));
    }
    tooltip
}

fn captured_use_tooltip(analysis: &Analysis, binding: BindingId) -> String {
    format!("captured: {}", capture_line(analysis, binding))
}

/// The function environment that starts at `offset`.
fn closure_at(analysis: &Analysis, offset: u32) -> Option<EnvId> {
    analysis
        .closures_in(Span::new(offset, offset.saturating_add(1)))
        .find(|&e| {
            analysis.env(e).kind == EnvKind::Function && analysis.env(e).span.start == offset
        })
}

/// The reference that starts at `offset`.
fn reference_at(analysis: &Analysis, offset: u32) -> Option<&Reference> {
    analysis
        .references_in(Span::new(offset, offset.saturating_add(1)))
        .first()
}

fn closure_hint(analysis: &Analysis, env: EnvId) -> Option<InlayHint<'_>> {
    let e = analysis.env(env);
    if e.captures.is_empty() {
        return None;
    }
    let listed = e.captures.len().min(MAX_LISTED_CAPTURES);
    let mut label = Vec::with_capacity(2 * listed + 1);
    label.push(part("captures: ", None));
    for (i, &binding) in e.captures.iter().take(MAX_LISTED_CAPTURES).enumerate() {
        if i > 0 {
            label.push(part(", ", None));
        }
        let b = analysis.binding(binding);
        let name = analysis.binding_name(binding);
        let text: Cow<str> = if b.mutated {
            format!("mut {name}").into()
        } else {
            name.into()
        };
        label.push(part(text, Some(declaration_span(analysis, binding))));
    }
    if e.captures.len() > MAX_LISTED_CAPTURES {
        label.push(part(
            format!(", +{} more", e.captures.len() - MAX_LISTED_CAPTURES),
            None,
        ));
    }
    Some(InlayHint {
        id: InlayHintId {
            kind: InlayHintKind::ClosureCaptures,
            anchor: e.span.start,
        },
        offset: e.span.start,
        label,
        tooltip: None,
        padding_left: false,
        padding_right: true,
    })
}

fn captured_use_hint<'a>(
    analysis: &'a Analysis,
    r: &Reference,
    labels: &mut UseLabels,
) -> Option<InlayHint<'a>> {
    if !r.captured {
        return None;
    }
    let binding = r.binding?;
    let b = analysis.binding(binding);
    if names_code(b.declaration) {
        return None;
    }
    // One allocation: there is a hint like this for each captured use in the file.
    let text = labels.label(analysis, b.environment, b.mutated);
    Some(InlayHint {
        id: InlayHintId {
            kind: InlayHintKind::CapturedUse,
            anchor: r.span.start,
        },
        offset: r.span.end,
        label: vec![part(text, Some(declaration_span(analysis, binding)))],
        tooltip: None,
        padding_left: false,
        padding_right: false,
    })
}

/// Functions, classes and imports name code, not state: a closure calling a helper declared
/// beside it is the normal case, and marking every such call would bury the captured variables
/// (on a large bundle, three uses in five). The closure's own hint still lists them.
fn names_code(declaration: DeclarationKind) -> bool {
    matches!(
        declaration,
        DeclarationKind::Function
            | DeclarationKind::AnnexBFunction
            | DeclarationKind::FunctionName
            | DeclarationKind::Class
            | DeclarationKind::ClassName
            | DeclarationKind::Import
    )
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

/// Label texts borrow from the analysis where they can: a whole-file answer has ~100k of them.
fn part<'a>(text: impl Into<Cow<'a, str>>, target: Option<Span>) -> InlayHintLabelPart<'a> {
    InlayHintLabelPart {
        text: text.into(),
        target,
    }
}
