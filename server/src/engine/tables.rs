//! The tables both passes fill: environments, bindings, references, declarations and interned
//! names, with the one API that adds to them. The binder adds what it walks past; resolution
//! adds what only it can know (Annex B bindings, `eval` environments, implicit globals,
//! `arguments`); [`Tables::into_analysis`] freezes them into the [`Analysis`].
//!
//! The lists are open for reading and for setting flags; adding goes through the methods, which
//! keep the `(environment, name) → binding` table and each environment's binding list in step.

use std::collections::hash_map::Entry;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::model::{
    Analysis, Binding, BindingId, Declaration, DeclarationKind, Degradation, EnvId, EnvKind,
    Environment, FunctionFlavor, NameId, NameIds, NameRole, Names, Owner, Reference,
    ReferenceFlags, SourceKind, Span,
};
use crate::text::LineIndex;

/// Index of a [`Reference`] in [`Tables::references`] while the passes run (sorting at the end of
/// the walk reorders them).
pub(crate) type ReferenceIndex = usize;

pub(crate) struct Tables {
    /// Parents precede children; the global environment is the first.
    pub(crate) environments: Vec<Environment>,
    pub(crate) bindings: Vec<Binding>,
    pub(crate) references: Vec<Reference>,
    pub(crate) declarations: Vec<Declaration>,
    pub(crate) names: Names,
    name_ids: NameIds,
    /// `(environment, name) → binding`, the lookup every resolution step makes.
    by_name: FxHashMap<(EnvId, NameId), BindingId>,
}

/// Initial capacities, from the text's length, so the lists and tables the walk fills rarely
/// grow (each growth copies or rehashes all that is there). On the benchmark's inputs code has
/// a reference per 37 to 61 bytes, a binding per 140 to 240 and an environment per 320 to 950.
struct Capacity {
    references: usize,
    bindings: usize,
    names: usize,
    environments: usize,
}

impl Capacity {
    fn for_text(len: usize) -> Self {
        Self {
            references: len / 32,
            bindings: len / 128,
            names: len / 256,
            environments: len / 256,
        }
    }
}

impl Tables {
    /// Tables for a text of `text_len` bytes holding only the global environment.
    pub(crate) fn new(text_len: u32) -> Self {
        let hint = Capacity::for_text(text_len as usize);
        let mut environments = Vec::with_capacity(hint.environments + 1);
        environments.push(environment(
            EnvKind::Global,
            Owner::Global,
            None,
            Span::new(0, text_len),
            None,
            false,
        ));
        Self {
            environments,
            bindings: Vec::with_capacity(hint.bindings),
            references: Vec::with_capacity(hint.references),
            declarations: Vec::with_capacity(hint.bindings),
            names: Names::with_capacity(hint.names),
            name_ids: NameIds::with_capacity(hint.names),
            by_name: FxHashMap::with_capacity_and_hasher(hint.bindings, Default::default()),
        }
    }

    pub(crate) fn intern_name(&mut self, name: &str) -> NameId {
        let hash = NameIds::hash(name);
        if let Some(id) = self.name_ids.get(&self.names, name, hash) {
            return id;
        }
        let id = self.names.push(name);
        self.name_ids.insert(hash, id);
        id
    }

    /// The id of `name` if it was interned.
    pub(crate) fn name_id(&self, name: &str) -> Option<NameId> {
        self.name_ids.get(&self.names, name, NameIds::hash(name))
    }

    pub(crate) fn env(&self, id: EnvId) -> &Environment {
        &self.environments[id.0 as usize]
    }

    pub(crate) fn env_mut(&mut self, id: EnvId) -> &mut Environment {
        &mut self.environments[id.0 as usize]
    }

    /// Adds a child of `parent`; code in it is strict if code in `parent` is.
    pub(crate) fn add_environment(
        &mut self,
        parent: EnvId,
        kind: EnvKind,
        owner: Owner,
        span: Span,
        function: Option<FunctionFlavor>,
    ) -> EnvId {
        let strict = self.env(parent).strict;
        let id = EnvId(self.environments.len() as u32);
        self.environments.push(environment(
            kind,
            owner,
            Some(parent),
            span,
            function,
            strict,
        ));
        id
    }

    /// The binding of `name` in `env` itself, not along its chain.
    pub(crate) fn lookup(&self, env: EnvId, name: NameId) -> Option<BindingId> {
        self.by_name.get(&(env, name)).copied()
    }

    /// Declares `name` in `env` at the identifier `at` (recorded as a declaration unless empty);
    /// a second declaration of the same name joins the first binding. A new binding gets
    /// `shared_across_iterations`.
    pub(crate) fn declare(
        &mut self,
        env: EnvId,
        name: NameId,
        kind: DeclarationKind,
        at: Span,
        shared_across_iterations: bool,
    ) -> BindingId {
        let binding = match self.by_name.entry((env, name)) {
            Entry::Occupied(existing) => *existing.get(),
            Entry::Vacant(slot) => {
                slot.insert(BindingId(self.bindings.len() as u32));
                let id = self.push_binding(env, name, kind, at);
                self.bindings[id.0 as usize].shared_across_iterations = shared_across_iterations;
                id
            }
        };
        if at.start < at.end {
            self.add_declaration(at, binding);
        }
        binding
    }

    /// Adds a fresh binding of `name` in `env` (it replaces any earlier one in the lookup)
    /// without recording a declaring identifier.
    pub(crate) fn add_binding(
        &mut self,
        env: EnvId,
        name: NameId,
        kind: DeclarationKind,
        at: Span,
    ) -> BindingId {
        let id = self.push_binding(env, name, kind, at);
        self.by_name.insert((env, name), id);
        id
    }

    /// Records `at` as an identifier that declares `binding`.
    pub(crate) fn add_declaration(&mut self, at: Span, binding: BindingId) {
        self.declarations.push(Declaration {
            span: at,
            binding,
            role: NameRole::Plain,
        });
    }

    /// Gives the reference recorded at `at` since index `first` its [`NameRole`].
    pub(crate) fn mark_reference(&mut self, first: ReferenceIndex, at: Span, role: NameRole) {
        if let Some(r) = self.references[first..].iter_mut().find(|r| r.span == at) {
            r.role = role;
        }
    }

    /// Gives the declaration recorded at `at` since index `first` its [`NameRole`].
    pub(crate) fn mark_declaration(&mut self, first: usize, at: Span, role: NameRole) {
        if let Some(d) = self.declarations[first..].iter_mut().find(|d| d.span == at) {
            d.role = role;
        }
    }

    /// Records an unresolved use of `name` at `at`, made in `env`.
    pub(crate) fn add_reference(
        &mut self,
        name: NameId,
        at: Span,
        env: EnvId,
        flags: ReferenceFlags,
    ) -> ReferenceIndex {
        self.references.push(Reference {
            name,
            span: at,
            environment: env,
            binding: None,
            hops: 0,
            flags,
            captured: false,
            dynamic: false,
            typeof_operand: false,
            role: NameRole::Plain,
        });
        self.references.len() - 1
    }

    /// The immutable model of a text in `kind`, with no syntax errors or degradation yet.
    pub(crate) fn into_analysis(
        mut self,
        kind: SourceKind,
        line_index: Arc<LineIndex>,
    ) -> Analysis {
        // Give back what the capacity hints over-estimated (in place: no copying).
        self.environments.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.references.shrink_to_fit();
        self.declarations.shrink_to_fit();
        self.names.shrink_to_fit();
        let env_by_start = env_order(&self.environments);
        Analysis {
            source_kind: kind,
            environments: self.environments,
            bindings: self.bindings,
            references: self.references,
            declarations: self.declarations,
            names: self.names,
            name_ids: self.name_ids,
            syntax_errors: Vec::new(),
            degradation: Degradation::default(),
            line_index,
            table: self.by_name,
            env_by_start,
            module: Default::default(),
            facts: Default::default(),
        }
    }

    /// Adds a binding to the lists, not to the lookup.
    fn push_binding(
        &mut self,
        env: EnvId,
        name: NameId,
        kind: DeclarationKind,
        at: Span,
    ) -> BindingId {
        let id = BindingId(self.bindings.len() as u32);
        self.bindings.push(Binding {
            name,
            declaration: kind,
            environment: env,
            span: at,
            captured_by: Vec::new(),
            mutated: false,
            shared_across_iterations: false,
            context_allocated: false,
        });
        self.env_mut(env).bindings.push(id);
        id
    }
}

fn environment(
    kind: EnvKind,
    owner: Owner,
    parent: Option<EnvId>,
    span: Span,
    function: Option<FunctionFlavor>,
    strict: bool,
) -> Environment {
    Environment {
        kind,
        owner,
        parent,
        span,
        function,
        strict,
        per_iteration: false,
        has_sloppy_eval: false,
        bindings: Vec::new(),
        captures: Vec::new(),
        contains_direct_eval: false,
    }
}

/// Environments sorted by start offset, outer before inner at equal starts.
fn env_order(envs: &[Environment]) -> Vec<EnvId> {
    let mut depth = vec![0u32; envs.len()];
    for (i, env) in envs.iter().enumerate() {
        if let Some(parent) = env.parent {
            depth[i] = depth[parent.0 as usize] + 1;
        }
    }
    let mut order: Vec<EnvId> = (0..envs.len() as u32).map(EnvId).collect();
    order.sort_by_key(|&e| (envs[e.0 as usize].span.start, depth[e.0 as usize]));
    order
}
