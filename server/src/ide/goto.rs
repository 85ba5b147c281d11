//! Go to binding, and one step outward along the environment chain.

use super::NavigationTarget;
use super::describe::declaration_span;
use crate::engine::{Analysis, BindingId};

/// The binding the identifier at `offset` resolves to.
pub fn goto_binding(analysis: &Analysis, offset: u32) -> Option<NavigationTarget> {
    let binding = analysis.identifier_at(offset)?.binding()?;
    Some(target(analysis, binding))
}

/// One step outward: from the identifier at `offset`, the binding its own binding shadows.
/// Invoked again on the answer it keeps walking the chain outward.
pub fn outer_binding(analysis: &Analysis, offset: u32) -> Option<NavigationTarget> {
    let binding = analysis.identifier_at(offset)?.binding()?;
    let outer = analysis.shadowed_binding(binding)?;
    Some(target(analysis, outer))
}

fn target(analysis: &Analysis, binding: BindingId) -> NavigationTarget {
    NavigationTarget {
        binding,
        span: declaration_span(analysis, binding),
    }
}
