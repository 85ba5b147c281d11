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
    /// What V8's variable allocation needs to know of the syntax (`super::retention`).
    pub allocation: AllocationFacts,
    /// Spans kept in the model as they are (`Analysis::facts`).
    pub facts: super::model::SyntaxFacts,
    /// Where each `import(…)` call and each ambient module declaration starts, in source
    /// order: the module record's walk visits only what contains one of these or a reference
    /// it reads (`super::module_record`).
    pub record_marks: Vec<u32>,
}

/// Syntax facts the retention pass needs and the tables do not hold.
#[derive(Debug, Default)]
pub(crate) struct AllocationFacts {
    /// `catch (e)` environments whose parameter is a plain identifier (V8's catch scope; a
    /// destructured parameter gets a block scope instead).
    pub simple_catches: Vec<EnvId>,
    /// Function environments whose parameter list is not simple (defaults, rest,
    /// destructuring): their `arguments` object is unmapped.
    pub non_simple_parameters: Vec<EnvId>,
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
#[derive(Clone, Debug)]
pub(crate) struct EvalCall {
    /// The callee `eval`.
    pub reference: ReferenceIndex,
    pub env: EnvId,
    pub var_env: EnvId,
    pub span: Span,
    /// A string literal argument: its value and span (the code is known before run time).
    pub source: Option<(String, Span)>,
}
