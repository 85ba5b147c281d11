use super::{InlayHint, InlayHintsConfig};
use crate::engine::{Analysis, Span};

/// Hints for closures and captured uses that start inside `range`.
pub fn inlay_hints(_analysis: &Analysis, _range: Span, _config: &InlayHintsConfig) -> Vec<InlayHint> {
    todo!("ide::inlay_hints")
}
