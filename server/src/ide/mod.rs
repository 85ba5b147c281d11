//! The features users see, computed from an [`Analysis`](crate::engine::Analysis) as plain data
//! (byte offsets, Markdown strings): no LSP types here. One module per feature.
//!
//! Every function here is O(log n) in the file size, or O(answer).

pub mod cross_file;
pub(crate) mod describe;
mod goto;
mod heap_hover;
mod heap_lenses;
mod hover;
mod inlay_hints;
mod inline_values;
mod paused_frame;
mod pitfalls;
mod references;
mod rename;
mod scope_chain;
mod semantic_tokens;
#[cfg(test)]
mod tests;
mod workspace_heap;
mod workspace_symbols;

pub use cross_file::{export_side_link, import_link, unlinked};
pub use describe::{OwnerLabel, owner};
pub use goto::{goto_binding, outer_binding};
pub use heap_hover::heap_hover;
pub use heap_lenses::{HeapLens, TOP_FUNCTIONS, heap_lenses};
pub use hover::hover;
pub use inlay_hints::{inlay_hint_tooltip, inlay_hints, resolve_inlay_hint};
pub use inline_values::{InlineValue, inline_values, not_kept_note};
pub use paused_frame::{KeptByV8, PausedFrame};
pub use pitfalls::{Edit, Fix, Pitfall, PitfallCode, PitfallsConfig, apply_fix, pitfalls};
pub use references::{highlights, references};
pub use rename::{
    RenameError, RenameErrorKind, TextEdit, prepare_rename, prepare_rename_across,
    refuse_type_uses, rename, rename_through,
};
pub use scope_chain::scope_chain;
pub use semantic_tokens::{
    MAX_DEPTH, SemanticToken, TOKEN_MODIFIERS, TOKEN_TYPES, TokenModifiers, TokenType,
    semantic_tokens, semantic_tokens_in,
};
pub use workspace_heap::{RankedFunction, WorkspaceHeap, human_bytes};
pub use workspace_symbols::{WorkspaceSymbol, workspace_symbols};

use std::borrow::Cow;

use crate::engine::{BindingId, EnvId, Span};

/// A hover: Markdown for the identifier whose span is `range`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: Span,
    pub markdown: String,
}

/// How an occurrence of a binding uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    Read,
    /// A declaration or an assignment target.
    Write,
    /// `x++`, `x += 1`.
    ReadWrite,
}

/// One occurrence of the binding under the cursor, for document highlights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub kind: HighlightKind,
}

/// Where a binding is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub binding: BindingId,
    /// The declaring identifier; for implicit bindings (`arguments`, CommonJS wrapper parameters)
    /// the start of what declares them.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlayHintsConfig {
    /// At each closure: the outer bindings it captures (`captures: a, mut b`).
    pub closure_captures: bool,
    /// After each use of a captured binding inside a closure: where it lives (`↑skulk`). Off by
    /// default: hover says it, and semantic tokens mark captured uses.
    pub captured_uses: bool,
    /// Closure hints also list module-level state (a module's or CommonJS file's top level)
    /// and bindings that name code (functions, classes, imports). Off by default: every closure
    /// of a module captures those, so listing them buries what a closure really holds.
    pub all_captures: bool,
}

impl Default for InlayHintsConfig {
    fn default() -> Self {
        Self {
            closure_captures: true,
            captured_uses: false,
            all_captures: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlayHintKind {
    /// What a closure captures from enclosing functions (the default closure hint).
    ClosureCaptures,
    /// Everything a closure captures ([`InlayHintsConfig::all_captures`]).
    ClosureAllCaptures,
    CapturedUse,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHintLabelPart<'a> {
    pub text: Cow<'a, str>,
    /// A declaration this part links to (the LSP layer turns it into a location).
    pub target: Option<Span>,
}

/// Names a hint of one analysis, so that it can be resolved later: its kind, and the start of
/// the closure or of the captured reference it is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlayHintId {
    pub kind: InlayHintKind,
    pub anchor: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint<'a> {
    pub id: InlayHintId,
    /// The hint is shown at this byte offset.
    pub offset: u32,
    pub label: Vec<InlayHintLabelPart<'a>>,
    /// Left out by [`inlay_hints`]; filled by [`resolve_inlay_hint`].
    pub tooltip: Option<String>,
    pub padding_left: bool,
    pub padding_right: bool,
}

/// One environment of the chain at a cursor, like a section of DevTools' Scope pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainEnvironment {
    pub env: EnvId,
    /// The spec kind: `function`, `block`, `global`, … (see [`EnvKind::as_str`](crate::engine::EnvKind::as_str)).
    pub kind: &'static str,
    pub owner: String,
    pub span: Span,
    /// Resolution through this environment can change at run time (`with`, sloppy direct `eval`).
    pub dynamic: bool,
    pub bindings: Vec<ChainBinding>,
    /// For closures: the bindings they keep alive (V8's context slots on their chain).
    pub retains: Vec<RetainedBinding>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetainedBinding {
    pub binding: BindingId,
    pub name: String,
    /// The closure uses it; `false`: kept alive only because it shares a context.
    pub used: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBinding {
    pub binding: BindingId,
    pub name: String,
    /// `var`, `let`, `parameter`, … (see [`DeclarationKind::as_str`](crate::engine::DeclarationKind::as_str)).
    pub declaration: &'static str,
    pub span: Span,
    pub captured: bool,
    pub mutated: bool,
    /// A binding further out with the same name is hidden by this one.
    pub shadows: Option<BindingId>,
    /// Whether V8 keeps it for a frame paused at the position asked about (`None`: the
    /// debugger does not list it by name, see [`PausedFrame::keeps`]).
    pub v8: Option<KeptByV8>,
}
