//! What the binder sets aside for resolution: questions that need every environment's
//! declarations first (hoisting), so they cannot be answered during the walk.

use super::model::{EnvId, NameId, Span};
use super::tables::ReferenceIndex;

#[derive(Debug, Default)]
pub(crate) struct Worklists {
    /// Functions declared in blocks of sloppy code, in source order.
    pub annex_b: Vec<AnnexBCandidate>,
    /// Calls `eval(...)`, in source order.
    pub eval_calls: Vec<EvalCall>,
    /// References in the update expression of a `for (let …)` loop, with the loop's
    /// environment: writes there do not make the loop's bindings `mutated`.
    pub per_iteration_updates: Vec<(ReferenceIndex, EnvId)>,
}

/// A function declared in a block of sloppy code: Annex B.3.3 may give it a `var` binding too.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AnnexBCandidate {
    pub name: NameId,
    pub span: Span,
    pub block_env: EnvId,
    pub var_env: EnvId,
    pub body_env: EnvId,
}

/// A call `eval(...)`: a direct eval if `eval` resolves to the global one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EvalCall {
    /// The callee `eval`.
    pub reference: ReferenceIndex,
    pub env: EnvId,
    pub var_env: EnvId,
    pub span: Span,
}
