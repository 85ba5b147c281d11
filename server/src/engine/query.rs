//! Read-only queries on an [`Analysis`]: each is O(log n) in the file size, or O(answer).

use super::model::*;

/// The identifier under a cursor.
#[derive(Clone, Copy, Debug)]
pub enum IdentifierAt<'m> {
    Reference(&'m Reference),
    Declaration(&'m Declaration),
}

impl IdentifierAt<'_> {
    pub fn span(&self) -> Span {
        match self {
            IdentifierAt::Reference(r) => r.span,
            IdentifierAt::Declaration(d) => d.span,
        }
    }
    pub fn binding(&self) -> Option<BindingId> {
        match self {
            IdentifierAt::Reference(r) => r.binding,
            IdentifierAt::Declaration(d) => Some(d.binding),
        }
    }
}

/// Walks from an environment outward to the global one.
pub struct Chain<'m> {
    analysis: &'m Analysis,
    next: Option<EnvId>,
}

impl Iterator for Chain<'_> {
    type Item = EnvId;
    fn next(&mut self) -> Option<EnvId> {
        let current = self.next?;
        self.next = self.analysis.env(current).parent;
        Some(current)
    }
}

impl Analysis {
    pub fn name(&self, id: NameId) -> &str {
        self.names.get(id)
    }
    pub fn env(&self, id: EnvId) -> &Environment {
        &self.environments[id.0 as usize]
    }
    pub fn binding(&self, id: BindingId) -> &Binding {
        &self.bindings[id.0 as usize]
    }
    pub fn binding_name(&self, id: BindingId) -> &str {
        self.name(self.binding(id).name)
    }
    /// The global environment, root of every chain.
    pub fn global(&self) -> EnvId {
        EnvId(0)
    }
    pub fn env_ids(&self) -> impl Iterator<Item = EnvId> + '_ {
        (0..self.environments.len() as u32).map(EnvId)
    }

    /// The innermost environment whose span contains `offset`.
    pub fn env_at(&self, offset: u32) -> EnvId {
        // Environments nest, so the innermost one containing `offset` is the last one starting at
        // or before it, or one of that one's ancestors.
        let idx = self
            .env_by_start
            .partition_point(|&e| self.env(e).span.start <= offset);
        let Some(&candidate) = idx.checked_sub(1).and_then(|i| self.env_by_start.get(i)) else {
            return self.global();
        };
        let len = self.line_index.len();
        self.chain(candidate)
            .find(|&e| {
                let env = self.env(e);
                let span = env.span;
                let inside = span.start <= offset && offset < span.end.max(span.start + 1);
                // A cursor at the very end of the file is still at its top level.
                inside || (offset == len && span.start == 0 && span.end == len)
            })
            .unwrap_or(self.global())
    }

    pub fn chain(&self, from: EnvId) -> Chain<'_> {
        Chain {
            analysis: self,
            next: Some(from),
        }
    }

    /// The identifier (reference or declaration) that touches `offset`, preferring one that
    /// starts at or before it when two touch (`a|+b` belongs to `a`).
    pub fn identifier_at(&self, offset: u32) -> Option<IdentifierAt<'_>> {
        let reference = last_touching(&self.references, offset, |r| r.span);
        let declaration = last_touching(&self.declarations, offset, |d| d.span);
        match (reference, declaration) {
            (Some(r), Some(d)) => Some(if d.span.start > r.span.start {
                IdentifierAt::Declaration(d)
            } else {
                IdentifierAt::Reference(r)
            }),
            (Some(r), None) => Some(IdentifierAt::Reference(r)),
            (None, Some(d)) => Some(IdentifierAt::Declaration(d)),
            (None, None) => None,
        }
    }

    fn name_id(&self, name: &str) -> Option<NameId> {
        self.name_ids.get(&self.names, name, NameIds::hash(name))
    }

    /// The binding `name` has in `env` itself, without walking outward.
    pub fn lookup(&self, env: EnvId, name: &str) -> Option<BindingId> {
        let name = self.name_id(name)?;
        self.table.get(&(env, name)).copied()
    }

    /// Resolves `name` from `env` outward, statically; returns the binding and the hops walked.
    pub fn resolve(&self, env: EnvId, name: &str) -> Option<(BindingId, u32)> {
        let name = self.name_id(name)?;
        self.chain(env)
            .enumerate()
            .find_map(|(hops, e)| self.table.get(&(e, name)).map(|&b| (b, hops as u32)))
    }

    /// The binding that `binding` shadows: the same name resolved from its environment's parent.
    pub fn shadowed_binding(&self, binding: BindingId) -> Option<BindingId> {
        let b = self.binding(binding);
        let parent = self.env(b.environment).parent?;
        self.resolve(parent, self.name(b.name))
            .map(|(outer, _)| outer)
    }

    /// References whose start lies in `range`, in source order.
    pub fn references_in(&self, range: Span) -> &[Reference] {
        let lo = self
            .references
            .partition_point(|r| r.span.start < range.start);
        let hi = self
            .references
            .partition_point(|r| r.span.start < range.end);
        &self.references[lo..hi]
    }

    /// Declaring identifiers whose start lies in `range`, in source order.
    pub fn declarations_in(&self, range: Span) -> &[Declaration] {
        let lo = self
            .declarations
            .partition_point(|d| d.span.start < range.start);
        let hi = self
            .declarations
            .partition_point(|d| d.span.start < range.end);
        &self.declarations[lo..hi]
    }

    /// Closures (function-like environments) that start in `range`, in source order.
    pub fn closures_in(&self, range: Span) -> impl Iterator<Item = EnvId> + '_ {
        let lo = self
            .env_by_start
            .partition_point(|&e| self.env(e).span.start < range.start);
        let hi = self
            .env_by_start
            .partition_point(|&e| self.env(e).span.start < range.end);
        self.env_by_start[lo..hi]
            .iter()
            .copied()
            .filter(|&e| self.env(e).is_closure())
    }

    /// The innermost closure containing `env`, itself included.
    pub fn enclosing_closure(&self, env: EnvId) -> Option<EnvId> {
        self.chain(env).find(|&e| self.env(e).is_closure())
    }

    /// The bindings of one environment in declaration order.
    pub fn bindings_of(&self, env: EnvId) -> impl Iterator<Item = BindingId> + '_ {
        self.env(env).bindings.iter().copied()
    }
}

fn last_touching<T>(items: &[T], offset: u32, span: impl Fn(&T) -> Span) -> Option<&T> {
    let idx = items.partition_point(|item| span(item).start <= offset);
    let item = items.get(idx.checked_sub(1)?)?;
    span(item).touches(offset).then_some(item)
}
