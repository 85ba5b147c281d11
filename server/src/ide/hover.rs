use super::Hover;
use crate::engine::Analysis;

/// The hover for the identifier at `offset`, if any.
pub fn hover(_analysis: &Analysis, _offset: u32) -> Option<Hover> {
    todo!("ide::hover")
}
