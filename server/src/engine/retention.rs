//! What each closure keeps alive, as V8 allocates variables (its scope analysis in
//! `src/ast/scopes.cc`: `Scope::MustAllocate`, `Scope::MustAllocateInContext`,
//! `DeclarationScope::AllocateParameterLocals`; the result is each scope's `ScopeInfo` with its
//! context slots).
//!
//! V8 gives a function or block scope a heap *context* holding exactly its context-allocated
//! variables; the others live on the stack and die with the call. A variable is
//! context-allocated when:
//!
//! - an inner function references it (a capture);
//! - a direct `eval` (sloppy or strict) in this scope or an inner one could read it: every named
//!   variable of every scope around the `eval` (`inner_scope_calls_eval_`);
//! - code inside a `with` looks it up by name at run time (forced context allocation);
//! - it is a parameter of a sloppy function with a simple parameter list that uses `arguments`
//!   (the mapped arguments object aliases every parameter);
//! - it is the parameter of a `catch (e)` (V8's catch scope always context-allocates it; a
//!   destructured parameter is a block scope, allocated as any block's);
//! - it is a top-level `let`/`const`/`class` of a script (the script context), or a module's
//!   import or exported variable (module cells, [`allocate_exports`]; a module's other variables
//!   follow the rules above).
//!
//! Every closure created in one scope instance shares that scope's context, so a closure keeps
//! alive every context-allocated variable of every context on its chain, including those only
//! its siblings use: [`Analysis::retains`]. Whether the closure itself outlives the call (escape)
//! is not decided here.

use rustc_hash::FxHashSet;

use super::model::{
    Analysis, BindingId, DeclarationKind, EnvId, EnvKind, ExportTarget, FunctionFlavor,
};
use super::tables::Tables;
use super::worklists::AllocationFacts;

/// One binding a closure keeps alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retained {
    pub binding: BindingId,
    /// The closure (or code nested in it) uses the binding. `false`: it is kept alive only
    /// because it shares a context with what other closures (siblings) or the `arguments`
    /// object use — the leak a closure causes without naming anything.
    pub used: bool,
    /// The binding lives at the module level (a CommonJS module's top level, the body of Node's
    /// wrapper function): one context per module, as long-lived as the module, not state made
    /// per call. What a leak is made of is the other kind.
    pub module_level: bool,
}

/// Marks the context-allocated bindings and the closures that contain a direct `eval`.
pub(crate) fn allocate(t: &mut Tables, facts: &AllocationFacts) {
    for b in 0..t.bindings.len() {
        let binding = &t.bindings[b];
        let env = &t.environments[binding.environment.0 as usize];
        let private = t.names.get(binding.name).starts_with('#');
        let allocated = !private
            && match env.kind {
                EnvKind::Global => false,
                EnvKind::Script => true,
                // A named function expression's own name is the function itself: a context
                // slot only when a closure inside it (or an eval) uses the name.
                EnvKind::FunctionName => binding
                    .captured_by
                    .iter()
                    .any(|&c| t.environments[c.0 as usize].parent != Some(binding.environment)),
                _ => {
                    !binding.captured_by.is_empty()
                        || (env.kind == EnvKind::Module
                            && binding.declaration == DeclarationKind::Import)
                }
            };
        t.bindings[b].context_allocated = allocated;
    }
    for &env in &facts.simple_catches {
        for i in 0..t.environments[env.0 as usize].bindings.len() {
            let b = t.environments[env.0 as usize].bindings[i];
            t.bindings[b.0 as usize].context_allocated = true;
        }
    }
    let non_simple: FxHashSet<EnvId> = facts.non_simple_parameters.iter().copied().collect();
    for b in 0..t.bindings.len() {
        if t.bindings[b].declaration != DeclarationKind::Arguments {
            continue;
        }
        let env_id = t.bindings[b].environment;
        let env = &t.environments[env_id.0 as usize];
        let mapped = !env.strict
            && matches!(
                env.function,
                Some(FunctionFlavor::Function | FunctionFlavor::CommonJsWrapper)
            )
            && !non_simple.contains(&env_id);
        if !mapped {
            continue;
        }
        for i in 0..env.bindings.len() {
            let p = t.environments[env_id.0 as usize].bindings[i];
            if matches!(
                t.bindings[p.0 as usize].declaration,
                DeclarationKind::Parameter | DeclarationKind::CommonJsParameter
            ) {
                t.bindings[p.0 as usize].context_allocated = true;
            }
        }
    }
    for e in 0..t.environments.len() {
        if t.environments[e].kind != EnvKind::Eval {
            continue;
        }
        let mut env = t.environments[e].parent;
        while let Some(id) = env {
            let environment = &mut t.environments[id.0 as usize];
            if environment.is_closure() {
                environment.contains_direct_eval = true;
            }
            env = environment.parent;
        }
    }
}

/// A module's exported variables live in module cells (V8's `VariableLocation::MODULE`), as its
/// imports do: kept whatever closures capture. Needs the module record (pass 3).
pub(crate) fn allocate_exports(analysis: &mut Analysis) {
    for export in &analysis.module.exports {
        if let ExportTarget::Local(b) = export.target {
            let binding = &analysis.bindings[b.0 as usize];
            if analysis.environments[binding.environment.0 as usize].kind == EnvKind::Module {
                analysis.bindings[b.0 as usize].context_allocated = true;
            }
        }
    }
}

impl Analysis {
    /// What closure `closure` keeps alive: every context-allocated binding of every context on
    /// its chain (innermost first, each in declaration order), from its surroundings out to the
    /// top level. The script context and module cells, which live as long as the realm or the
    /// module whatever closures do, are left out. Empty for environments that are not closures.
    /// O(bindings on the chain).
    pub fn retains(&self, closure: EnvId) -> Vec<Retained> {
        let c = self.env(closure);
        if !c.is_closure() {
            return Vec::new();
        }
        let used: FxHashSet<BindingId> = c.captures.iter().copied().collect();
        let mut retained = Vec::new();
        for id in self.context_chain(closure) {
            for &b in &self.env(id).bindings {
                if self.binding(b).context_allocated {
                    retained.push(Retained {
                        binding: b,
                        used: c.contains_direct_eval || used.contains(&b),
                        module_level: self.is_module_level(id),
                    });
                }
            }
        }
        retained
    }

    /// The environments whose contexts closure `closure` can keep alive, innermost first: its
    /// surroundings out to the top level, without a named function expression's own name (in
    /// V8 it lives in the function's own context) and without the script context and module
    /// cells. O(depth).
    pub fn context_chain(&self, closure: EnvId) -> impl Iterator<Item = EnvId> + '_ {
        let mut env = self.env(closure).parent;
        if let Some(parent) = env
            && self.env(parent).kind == EnvKind::FunctionName
        {
            env = self.env(parent).parent;
        }
        std::iter::successors(env, |&id| self.env(id).parent).take_while(|&id| {
            !matches!(
                self.env(id).kind,
                EnvKind::Global | EnvKind::Script | EnvKind::Module
            )
        })
    }

    /// Whether `env` is made once per module or script rather than per call: the global,
    /// script and module environments and a CommonJS module's wrapper function.
    pub fn is_module_level(&self, env: EnvId) -> bool {
        let e = self.env(env);
        matches!(e.kind, EnvKind::Global | EnvKind::Script | EnvKind::Module)
            || e.function == Some(FunctionFlavor::CommonJsWrapper)
    }

    /// The closures besides `closure` (and those nested in it) that use `binding`: the
    /// siblings that make `closure` keep it alive.
    pub fn other_users(&self, closure: EnvId, binding: BindingId) -> Vec<EnvId> {
        let inside = self.env(closure).span;
        self.binding(binding)
            .captured_by
            .iter()
            .copied()
            .filter(|&e| self.env(e).is_closure() && !inside.contains_span(self.env(e).span))
            .collect()
    }
}
