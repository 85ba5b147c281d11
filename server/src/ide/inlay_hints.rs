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
use std::fmt::Write;

use rustc_hash::FxHashMap;

use super::describe::{declaration_span, describe_env, is_implicit, line, owner, short_owner};
use super::{InlayHint, InlayHintId, InlayHintKind, InlayHintLabelPart, InlayHintsConfig};
use crate::engine::{
    Analysis, BindingId, DeclarationKind, EnvId, EnvKind, FunctionFlavor, Reference, Span,
};

/// Names listed in one closure hint before the rest is summarised as `+N more` (the tooltip
/// and hover list them all).
const MAX_LISTED_CAPTURES: usize = 3;

/// The captures a closure hint lists: with `all`, every one; by default those of enclosing
/// functions' state (see [`is_enclosing_function_state`]).
fn hinted_captures(
    analysis: &Analysis,
    env: EnvId,
    all: bool,
) -> impl Iterator<Item = BindingId> + '_ {
    analysis
        .env(env)
        .captures
        .iter()
        .copied()
        .filter(move |&b| all || is_enclosing_function_state(analysis, b))
}

/// The one rule both kinds of hint follow by default: a binding is worth a hint when it is state
/// of an enclosing function — not module-level (every closure of a module or CommonJS file
/// shares those, and they live as long as the module) and not a name of code (functions,
/// classes, imports).
fn is_enclosing_function_state(analysis: &Analysis, binding: BindingId) -> bool {
    let b = analysis.binding(binding);
    let home = analysis.env(b.environment);
    let module_level = home.kind == EnvKind::Module
        || analysis
            .enclosing_closure(b.environment)
            .is_some_and(|c| analysis.env(c).function == Some(FunctionFlavor::CommonJsWrapper));
    !module_level && !names_code(b.declaration)
}

/// Hints for closures and captured uses that start inside `range`, sorted by offset, without
/// tooltips (see [`inlay_hint_tooltip`]).
pub fn inlay_hints<'a>(
    analysis: &'a Analysis,
    range: Span,
    config: &InlayHintsConfig,
) -> Vec<InlayHint<'a>> {
    let mut hints = Vec::new();
    InlayHint::for_each_in(analysis, range, config, |hint| hints.push(hint.clone()));
    hints
}

impl<'a> InlayHint<'a> {
    /// The hints [`inlay_hints`] returns, in the same order, each lent to `each` in turn instead
    /// of collected. A whole-file answer on a large bundle has ~50k: one hint is reused for all,
    /// its label's parts and texts refilled, so they are not each allocated and freed.
    pub fn for_each_in(
        analysis: &'a Analysis,
        range: Span,
        config: &InlayHintsConfig,
        mut each: impl FnMut(&InlayHint<'a>),
    ) {
        // A function with parameter expressions has a second (function-body) environment: its
        // captures are reported once, on the function environment.
        let closures = analysis.closures_in(range).filter(|&e| {
            let e = analysis.env(e);
            config.closure_captures && e.kind == EnvKind::Function && !e.captures.is_empty()
        });
        let all = config.all_captures;
        let mut closures = closures.filter(|&e| hinted_captures(analysis, e, all).next().is_some());
        let mut builder = HintBuilder::new(analysis);
        // Closure hints come before use hints at the same offset (a closure starting right after
        // a captured use is rare; this order keeps it deterministic). Both come in offset order:
        // closures by start, uses after references sorted by start that do not overlap (each is
        // one token), so they are merged as they are made, without sorting.
        let mut next_closure = closures.next();
        let mut last_use = 0;
        let uses = if config.captured_uses {
            analysis.references_in(range)
        } else {
            &[]
        };
        for r in uses {
            let Some(offset) = captured_use_offset(analysis, r, all) else {
                continue;
            };
            debug_assert!(last_use <= offset, "references overlap at {offset}");
            last_use = offset;
            while let Some(env) = next_closure.filter(|&e| analysis.env(e).span.start <= offset) {
                builder.closure(env, all);
                each(&builder.hint);
                next_closure = closures.next();
            }
            builder.captured_use(r);
            each(&builder.hint);
        }
        while let Some(env) = next_closure {
            builder.closure(env, all);
            each(&builder.hint);
            next_closure = closures.next();
        }
    }
}

/// Makes hints in one [`InlayHint`], reusing its label's vector and owned texts.
struct HintBuilder<'a> {
    analysis: &'a Analysis,
    hint: InlayHint<'a>,
    /// Owned texts of earlier labels, emptied, for the next ones.
    spare: Vec<String>,
    /// The labels of captured-use hints made so far, by binding environment and mutability: a
    /// large file has tens of thousands of uses of far fewer environments' bindings.
    use_labels: FxHashMap<(EnvId, bool), String>,
}

impl<'a> HintBuilder<'a> {
    fn new(analysis: &'a Analysis) -> Self {
        Self {
            analysis,
            hint: InlayHint {
                id: InlayHintId {
                    kind: InlayHintKind::CapturedUse,
                    anchor: 0,
                },
                offset: 0,
                label: Vec::new(),
                tooltip: None,
                padding_left: false,
                padding_right: false,
            },
            spare: Vec::new(),
            use_labels: FxHashMap::default(),
        }
    }

    /// Empties the label, keeping its owned texts for the next ones.
    fn clear_label(&mut self) {
        for part in self.hint.label.drain(..) {
            if let Cow::Owned(mut text) = part.text {
                text.clear();
                self.spare.push(text);
            }
        }
    }

    /// An empty string, from an earlier label when there is one.
    fn text(&mut self) -> String {
        self.spare.pop().unwrap_or_default()
    }

    /// Makes the hint that of closure `env`, which captures something.
    fn closure(&mut self, env: EnvId, all: bool) {
        let analysis = self.analysis;
        let e = analysis.env(env);
        self.clear_label();
        self.hint.label.push(part("captures: ", None));
        let listed = hinted_captures(analysis, env, all).count();
        for (i, binding) in hinted_captures(analysis, env, all)
            .take(MAX_LISTED_CAPTURES)
            .enumerate()
        {
            if i > 0 {
                self.hint.label.push(part(", ", None));
            }
            let name = analysis.binding_name(binding);
            let text: Cow<str> = if analysis.binding(binding).mutated {
                let mut text = self.text();
                text.push_str("mut ");
                text.push_str(name);
                text.into()
            } else {
                name.into()
            };
            let target = Some(declaration_span(analysis, binding));
            self.hint.label.push(part(text, target));
        }
        if listed > MAX_LISTED_CAPTURES {
            let mut text = self.text();
            let more = listed - MAX_LISTED_CAPTURES;
            write!(text, ", +{more} more").expect("writing to a String");
            self.hint.label.push(part(text, None));
        }
        self.hint.id = InlayHintId {
            kind: if all {
                InlayHintKind::ClosureAllCaptures
            } else {
                InlayHintKind::ClosureCaptures
            },
            anchor: e.span.start,
        };
        self.hint.offset = e.span.start;
        self.hint.padding_left = false;
        self.hint.padding_right = true;
    }

    /// Makes the hint that of `r`, a captured use ([`captured_use_offset`] is `Some`).
    fn captured_use(&mut self, r: &Reference) {
        let analysis = self.analysis;
        let binding = r.binding.expect("a captured use resolves");
        let b = analysis.binding(binding);
        self.clear_label();
        let label = self
            .use_labels
            .entry((b.environment, b.mutated))
            .or_insert_with(|| {
                let mut label = format!("↑{}", short_owner(analysis, b.environment));
                if b.mutated {
                    label.push_str(" (mut)");
                }
                label
            });
        let mut text = self.spare.pop().unwrap_or_default();
        text.push_str(label);
        let target = Some(declaration_span(analysis, binding));
        self.hint.label.push(part(text, target));
        self.hint.id = InlayHintId {
            kind: InlayHintKind::CapturedUse,
            anchor: r.span.start,
        };
        self.hint.offset = r.span.end;
        self.hint.padding_left = false;
        self.hint.padding_right = false;
    }
}

/// Where the hint for `r` goes when it is a captured use that gets one: by default a use of an
/// enclosing function's state, as the closure hint lists; with `all`, module-level state too.
/// Names of code never get one (see [`names_code`]).
fn captured_use_offset(analysis: &Analysis, r: &Reference, all: bool) -> Option<u32> {
    if !r.captured {
        return None;
    }
    let binding = r.binding?;
    let hinted = if all {
        !names_code(analysis.binding(binding).declaration)
    } else {
        is_enclosing_function_state(analysis, binding)
    };
    hinted.then_some(r.span.end)
}

/// The hint `id` names, tooltip included; `None` when this analysis has no such hint (the id
/// came from an older analysis).
pub fn resolve_inlay_hint(analysis: &Analysis, id: InlayHintId) -> Option<InlayHint<'_>> {
    match id.kind {
        InlayHintKind::ClosureCaptures | InlayHintKind::ClosureAllCaptures => {
            let env = closure_at(analysis, id.anchor)?;
            let all = id.kind == InlayHintKind::ClosureAllCaptures;
            let mut hint = closure_hint(analysis, env, all)?;
            hint.tooltip = Some(closure_tooltip(analysis, env));
            Some(hint)
        }
        InlayHintKind::CapturedUse => {
            let reference = reference_at(analysis, id.anchor)?;
            let mut hint = captured_use_hint(analysis, reference)?;
            hint.tooltip = reference.binding.map(|b| captured_use_tooltip(analysis, b));
            Some(hint)
        }
    }
}

/// The tooltip of the hint `id` names: the captured bindings, where they live, whether they
/// change.
pub fn inlay_hint_tooltip(analysis: &Analysis, id: InlayHintId) -> Option<String> {
    match id.kind {
        InlayHintKind::ClosureCaptures | InlayHintKind::ClosureAllCaptures => {
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
        owner(analysis, env)
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

fn closure_hint(analysis: &Analysis, env: EnvId, all: bool) -> Option<InlayHint<'_>> {
    hinted_captures(analysis, env, all).next()?;
    let mut builder = HintBuilder::new(analysis);
    builder.closure(env, all);
    Some(builder.hint)
}

/// Resolving accepts every captured use the most generous settings hint (`all`): the id came
/// from this server's own answer, made with whatever settings were current then.
fn captured_use_hint<'a>(analysis: &'a Analysis, r: &Reference) -> Option<InlayHint<'a>> {
    captured_use_offset(analysis, r, true)?;
    let mut builder = HintBuilder::new(analysis);
    builder.captured_use(r);
    Some(builder.hint)
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
        describe_env(analysis, b.environment)
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
