use super::ChainEnvironment;
use crate::engine::Analysis;

/// The environments from the innermost one at `offset` outward to the global one.
pub fn scope_chain(_analysis: &Analysis, _offset: u32) -> Vec<ChainEnvironment> {
    todo!("ide::scope_chain")
}
