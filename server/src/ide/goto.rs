use super::NavigationTarget;
use crate::engine::Analysis;

/// The binding the identifier at `offset` resolves to.
pub fn goto_binding(_analysis: &Analysis, _offset: u32) -> Option<NavigationTarget> {
    todo!("ide::goto_binding")
}

/// One step outward: from the identifier at `offset`, the binding its own binding shadows.
pub fn outer_binding(_analysis: &Analysis, _offset: u32) -> Option<NavigationTarget> {
    todo!("ide::outer_binding")
}
