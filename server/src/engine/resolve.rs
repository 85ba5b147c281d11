//! Pass 2: with every environment's declarations known, apply Annex B, find direct `eval`s,
//! resolve each reference along its chain, and record captures.

use rustc_hash::{FxHashMap, FxHashSet};

use super::eval_code;
use super::model::{
    BindingId, Construct, DeclarationKind, EnvId, EnvKind, FunctionFlavor, NameId, Owner, Span,
};
use super::tables::Tables;
use super::worklists::{AnnexBCandidate, EvalCall, Worklists};

/// Completes the tables the binder built, working through what it set aside. Returns, sorted,
/// where the module record's walks must look (`super::module_record`): the references named
/// `require`, `exports` or `module`, the `import(…)` calls and the ambient module declarations.
pub(crate) fn resolve(t: &mut Tables, worklists: Worklists) -> Vec<u32> {
    apply_annex_b(t, worklists.annex_b);
    find_direct_evals(t, worklists.eval_calls);
    let record_marks = worklists.record_marks;
    // Keyed by start offset: reference indices change when they are sorted below.
    let loop_updates: FxHashMap<u32, EnvId> = worklists
        .per_iteration_updates
        .into_iter()
        .map(|(index, env)| (t.references[index].span.start, env))
        .collect();
    // The walk records both mostly in source order; sorting is then often unnecessary.
    if !t.references.is_sorted_by_key(|r| r.span.start) {
        t.references.sort_by_key(|r| r.span.start);
    }
    if !t.declarations.is_sorted_by_key(|d| d.span.start) {
        t.declarations.sort_by_key(|d| d.span.start);
    }
    let mut marks = resolve_references(t, &loop_updates);
    bind_implicit_globals(t);
    capture_around_evals(t);
    for binding in &mut t.bindings {
        binding.captured_by.sort_unstable();
    }
    // The binder's few marks (`import(…)` calls, ambient module declarations) are merged in.
    if !record_marks.is_empty() {
        marks.extend_from_slice(&record_marks);
        marks.sort_unstable();
    }
    marks
}

/// Annex B.3.3: a plain function declared in a block of sloppy code also gets a `var` binding in
/// the function (or global) scope, unless a `var` of that name would be an early error there or
/// the name is a parameter. Code outside the block then sees the function through that binding.
fn apply_annex_b(t: &mut Tables, candidates: Vec<AnnexBCandidate>) {
    for candidate in candidates {
        let name = candidate.name;
        let own = t.lookup(candidate.block_env, name);
        let mut conflict = false;
        let mut env = Some(candidate.block_env);
        while let Some(e) = env {
            if let Some(existing) = t.lookup(e, name)
                && Some(existing) != own
            {
                let kind = t.bindings[existing.0 as usize].declaration;
                let lexical = matches!(
                    kind,
                    DeclarationKind::Let
                        | DeclarationKind::Const
                        | DeclarationKind::Class
                        | DeclarationKind::Using
                        | DeclarationKind::Parameter
                        | DeclarationKind::CatchParameter
                ) || (kind == DeclarationKind::Function && e != candidate.var_env);
                // A `var` may redeclare a simple catch parameter (B.3.4), but not a pattern one;
                // we treat both as conflicts only when they are lexical declarations proper.
                if lexical && kind != DeclarationKind::CatchParameter {
                    conflict = true;
                    break;
                }
            }
            if e == candidate.body_env || e == candidate.var_env {
                break;
            }
            env = t.env(e).parent;
        }
        if conflict {
            continue;
        }
        if t.lookup(candidate.var_env, name).is_none() {
            t.add_binding(
                candidate.var_env,
                name,
                DeclarationKind::AnnexBFunction,
                candidate.span,
            );
        }
    }
}

/// `eval(...)` is a direct eval when `eval` resolves to the global one. Each gets an `eval`
/// environment (the unknown code it runs); a sloppy one can add `var`s to its function.
fn find_direct_evals(t: &mut Tables, calls: Vec<EvalCall>) {
    for call in calls {
        let name = t.references[call.reference].name;
        let mut env = Some(t.references[call.reference].environment);
        let mut shadowed = false;
        while let Some(e) = env {
            if t.lookup(e, name).is_some() {
                shadowed = true;
                break;
            }
            env = t.env(e).parent;
        }
        if shadowed {
            continue;
        }
        let owner = Owner::Anonymous {
            what: Construct::Eval,
            start: call.span.start,
        };
        t.add_environment(call.env, EnvKind::Eval, owner, call.span, None);
        if !t.env(call.env).strict {
            t.env_mut(call.var_env).has_sloppy_eval = true;
            // A literal's `var`s and functions are bound in the variable environment, where
            // the eval puts them (their binding points at the string).
            if let Some((code, at)) = &call.source {
                for name in eval_code::var_scoped_names(code) {
                    let name = t.intern_name(&name);
                    if t.lookup(call.var_env, name).is_none() {
                        t.add_binding(call.var_env, name, DeclarationKind::Var, *at);
                    }
                }
            }
        }
    }
}

fn is_arguments_owner(flavor: Option<FunctionFlavor>) -> bool {
    matches!(
        flavor,
        Some(FunctionFlavor::Function | FunctionFlavor::CommonJsWrapper)
    )
}

/// Resolves every reference; returns the starts of those named `require`, `exports` or `module`
/// (found here, in the one loop over every reference, rather than by a walk of their own).
fn resolve_references(t: &mut Tables, loop_updates: &FxHashMap<u32, EnvId>) -> Vec<u32> {
    let arguments = t.intern_name("arguments");
    // A name never used has no id: `NameId(u32::MAX)` matches nothing.
    let [require, exports, module] =
        ["require", "exports", "module"].map(|n| t.name_id(n).unwrap_or(NameId(u32::MAX)));
    let mut marks = Vec::new();
    let mut captures = Captures::with_capacity(t.bindings.len());
    // Closures and `with` environments between a reference and its binding, innermost first.
    let mut crossed: Vec<EnvId> = Vec::new();
    for i in 0..t.references.len() {
        let name = t.references[i].name;
        if name == require || name == exports || name == module {
            marks.push(t.references[i].span.start);
        }
        let mut env = Some(t.references[i].environment);
        let mut hops = 0u32;
        let mut dynamic = false;
        let mut found = None;
        crossed.clear();
        while let Some(e) = env {
            if let Some(binding) = t.lookup(e, name) {
                found = Some(binding);
                break;
            }
            let environment = &t.environments[e.0 as usize];
            if name == arguments && is_arguments_owner(environment.function) {
                // Every non-arrow function has an implicit `arguments` (unless a parameter or
                // declaration of that name was found first); we create it on first use.
                let at = Span::new(environment.span.start, environment.span.start);
                found = Some(t.add_binding(e, name, DeclarationKind::Arguments, at));
                break;
            }
            if environment.kind == EnvKind::With || environment.has_sloppy_eval {
                dynamic = true;
            }
            // Closures keep what they reach alive; so does a `with` environment: the lookup
            // through it happens by name at run time, so engines keep every binding reached
            // through it in a context (V8 does), as for direct eval.
            if environment.is_closure() || environment.kind == EnvKind::With {
                crossed.push(e);
            }
            env = environment.parent;
            if env.is_some() {
                hops += 1;
            }
        }
        let reference = &mut t.references[i];
        reference.hops = hops;
        reference.dynamic = dynamic;
        reference.binding = found;
        let Some(binding) = found else { continue };
        let binding_env = t.bindings[binding.0 as usize].environment;
        if reference.flags.write && loop_updates.get(&reference.span.start) != Some(&binding_env) {
            t.bindings[binding.0 as usize].mutated = true;
        }
        let env_kind = t.environments[binding_env.0 as usize].kind;
        if crossed.is_empty()
            || matches!(env_kind, EnvKind::Global | EnvKind::Script)
            || t.names.get(name).starts_with('#')
        {
            continue;
        }
        reference.captured = crossed
            .iter()
            .any(|&e| t.environments[e.0 as usize].is_closure());
        captures.record(binding, &crossed);
    }
    captures.fill_lists(t);
    marks
}

/// Captures as they are found, `(closure, binding)` in first-use order. The environments' and
/// bindings' lists are filled at the end, each allocated once at its final length.
struct Captures {
    seen: FxHashSet<(EnvId, BindingId)>,
    pairs: Vec<(EnvId, BindingId)>,
}

impl Captures {
    fn with_capacity(n: usize) -> Self {
        Self {
            seen: FxHashSet::with_capacity_and_hasher(n, Default::default()),
            pairs: Vec::with_capacity(n),
        }
    }

    /// `crossed`: the closures (and `with` environments) between a reference and `binding`,
    /// innermost first.
    fn record(&mut self, binding: BindingId, crossed: &[EnvId]) {
        if self.pairs.last() == Some(&(crossed[0], binding)) {
            return; // The same binding used again in the same closure: the common case.
        }
        for &closure in crossed {
            // An earlier reference that reached `binding` through `closure` also crossed every
            // environment from there outward, so those pairs are recorded already.
            if !self.seen.insert((closure, binding)) {
                break;
            }
            self.pairs.push((closure, binding));
        }
    }

    fn fill_lists(self, t: &mut Tables) {
        let mut per_env = vec![0u32; t.environments.len()];
        let mut per_binding = vec![0u32; t.bindings.len()];
        for &(closure, binding) in &self.pairs {
            per_env[closure.0 as usize] += 1;
            per_binding[binding.0 as usize] += 1;
        }
        for (env, &n) in t.environments.iter_mut().zip(&per_env) {
            env.captures.reserve_exact(n as usize);
        }
        for (binding, &n) in t.bindings.iter_mut().zip(&per_binding) {
            binding.captured_by.reserve_exact(n as usize);
        }
        for (closure, binding) in self.pairs {
            t.environments[closure.0 as usize].captures.push(binding);
            t.bindings[binding.0 as usize].captured_by.push(closure);
        }
    }
}

/// Assigning to an undeclared name in sloppy code creates a property of the global object; we
/// model it as a binding of the global environment that every unresolved use of the name sees.
fn bind_implicit_globals(t: &mut Tables) {
    let mut created: FxHashMap<u32, BindingId> = FxHashMap::default();
    for i in 0..t.references.len() {
        let r = &t.references[i];
        if r.binding.is_some() || !r.flags.write || t.environments[r.environment.0 as usize].strict
        {
            continue;
        }
        if t.names.get(r.name).starts_with('#') || created.contains_key(&r.name.0) {
            continue;
        }
        let (name, at) = (r.name, r.span);
        let binding = t.add_binding(EnvId(0), name, DeclarationKind::ImplicitGlobal, at);
        created.insert(name.0, binding);
    }
    if created.is_empty() {
        return;
    }
    for r in &mut t.references {
        if r.binding.is_none()
            && let Some(&binding) = created.get(&r.name.0)
        {
            r.binding = Some(binding);
            if r.flags.write {
                t.bindings[binding.0 as usize].mutated = true;
            }
        }
    }
}

/// Code run by a direct eval can read any binding it can see, so every binding of every
/// environment around it (short of the global ones) is kept alive: captured by the eval. That
/// includes the `arguments` of every function around it, created here if no code named it.
fn capture_around_evals(t: &mut Tables) {
    let arguments = t.intern_name("arguments");
    let evals: Vec<EnvId> = (0..t.environments.len() as u32)
        .map(EnvId)
        .filter(|&e| t.environments[e.0 as usize].kind == EnvKind::Eval)
        .collect();
    for eval in evals {
        let mut env = t.environments[eval.0 as usize].parent;
        while let Some(e) = env {
            let environment = &t.environments[e.0 as usize];
            if matches!(environment.kind, EnvKind::Global | EnvKind::Script) {
                break;
            }
            if is_arguments_owner(environment.function) && t.lookup(e, arguments).is_none() {
                let start = environment.span.start;
                t.add_binding(
                    e,
                    arguments,
                    DeclarationKind::Arguments,
                    Span::new(start, start),
                );
            }
            let environment = &t.environments[e.0 as usize];
            let bindings = environment.bindings.clone();
            env = environment.parent;
            for binding in bindings {
                if t.names
                    .get(t.bindings[binding.0 as usize].name)
                    .starts_with('#')
                {
                    continue;
                }
                t.bindings[binding.0 as usize].captured_by.push(eval);
                t.environments[eval.0 as usize].captures.push(binding);
            }
        }
    }
}
