//! References and highlights: every place the binding under the cursor is declared or used.
//!
//! A rename must edit some bindings together, so references answer for the whole *family* of
//! the binding under the cursor: the bindings one declaring identifier creates. A class
//! declaration binds its name twice (outside, and inside its own class environment); a function
//! declared in a block of sloppy code gets a block binding and an Annex B `var` binding. A use
//! resolving to either member finds every occurrence of both, and [`rename`](super::rename)
//! edits exactly these occurrences.

use super::{Highlight, HighlightKind};
use crate::engine::{
    Analysis, BindingId, DeclarationKind, IdentifierAt, NameId, NameRole, Reference, Span,
};

/// One place a family of bindings (or an undeclared global name) occurs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Occurrence<'m> {
    pub span: Span,
    pub declaration: bool,
    pub kind: HighlightKind,
    pub role: NameRole,
    /// The reference, for uses.
    pub reference: Option<&'m Reference>,
}

/// What the identifier under a cursor names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// A binding of this file and the bindings declared by the same identifier (the first is
    /// the one the identifier resolves to).
    Family(Vec<BindingId>),
    /// A name no environment of the file declares (a host global, or a typo).
    Undeclared(NameId),
}

/// The bindings the declaring identifier of `binding` creates: itself, plus the class-name
/// binding of a class declaration (or the outer one, from the class-name binding), plus the
/// Annex B `var` binding of a function declared in a block (or the block one, from it).
pub(crate) fn family(analysis: &Analysis, binding: BindingId) -> Vec<BindingId> {
    let b = analysis.binding(binding);
    let mut out = vec![binding];
    if b.span.start == b.span.end || b.declaration == DeclarationKind::ImplicitGlobal {
        return out;
    }
    let name = analysis.name(b.name);
    // The members live on the chain from the declaring identifier outward (the class or
    // function environment around the name, the block, the var environment).
    for env in analysis.chain(analysis.env_at(b.span.start)) {
        if let Some(other) = analysis.lookup(env, name)
            && other != binding
            && analysis.binding(other).span == b.span
            && !out.contains(&other)
        {
            out.push(other);
        }
    }
    out
}

pub(crate) fn target_at(analysis: &Analysis, offset: u32) -> Option<(IdentifierAt<'_>, Target)> {
    let ident = analysis.identifier_at(offset)?;
    let target = match ident {
        IdentifierAt::Reference(r) => match r.binding {
            Some(b) => Target::Family(family(analysis, b)),
            None => Target::Undeclared(r.name),
        },
        IdentifierAt::Declaration(d) => Target::Family(family(analysis, d.binding)),
    };
    Some((ident, target))
}

fn access(r: &Reference) -> HighlightKind {
    match (r.flags.read, r.flags.write) {
        (true, true) => HighlightKind::ReadWrite,
        (false, true) => HighlightKind::Write,
        _ => HighlightKind::Read,
    }
}

fn use_of(r: &Reference) -> Occurrence<'_> {
    Occurrence {
        span: r.span,
        declaration: false,
        kind: access(r),
        role: r.role,
        reference: Some(r),
    }
}

/// Every occurrence of `target`, in source order. O(size of the outermost member's
/// environment) for a family (the references to a binding lie inside its environment); O(n) for
/// an undeclared name, which the whole file can use.
pub(crate) fn occurrences<'m>(analysis: &'m Analysis, target: &Target) -> Vec<Occurrence<'m>> {
    let members = match target {
        Target::Undeclared(name) => {
            return analysis
                .references
                .iter()
                .filter(|r| r.binding.is_none() && r.name == *name)
                .map(use_of)
                .collect();
        }
        Target::Family(members) => members,
    };
    // The members' environments nest (they are on one chain): the widest holds all of them.
    let range = members
        .iter()
        .map(|&m| analysis.env(analysis.binding(m).environment).span)
        .max_by_key(|s| s.end - s.start)
        .expect("a family has a member");
    let is_member = |b: BindingId| members.contains(&b);
    let uses = analysis
        .references_in(range)
        .iter()
        .filter(|r| r.binding.is_some_and(is_member))
        .map(use_of);
    let declarations = declarations_in(analysis, range)
        .iter()
        .filter(|d| is_member(d.binding))
        .map(|d| Occurrence {
            span: d.span,
            declaration: true,
            kind: HighlightKind::Write,
            role: d.role,
            reference: None,
        });
    let mut all: Vec<Occurrence<'m>> = uses.chain(declarations).collect();
    all.sort_by_key(|o| (o.span.start, !o.declaration));
    all.dedup_by_key(|o| o.span.start);
    all
}

/// Declarations whose start lies in `range`, in source order.
pub(crate) fn declarations_in(analysis: &Analysis, range: Span) -> &[crate::engine::Declaration] {
    let all = &analysis.declarations;
    let lo = all.partition_point(|d| d.span.start < range.start);
    let hi = all.partition_point(|d| d.span.start < range.end);
    &all[lo..hi]
}

/// Every occurrence of the binding at `offset` (its whole family, see the module docs), in
/// source order; declarations only when `include_declaration`. For an undeclared name, its
/// uses across the file. Empty when there is no identifier at `offset`.
pub fn references(analysis: &Analysis, offset: u32, include_declaration: bool) -> Vec<Span> {
    let Some((_, target)) = target_at(analysis, offset) else {
        return Vec::new();
    };
    occurrences(analysis, &target)
        .into_iter()
        .filter(|o| include_declaration || !o.declaration)
        .map(|o| o.span)
        .collect()
}

/// [`references`] with their kinds, declarations included: writes are declarations and
/// assignment targets, read-writes `x++` and `x += 1`.
pub fn highlights(analysis: &Analysis, offset: u32) -> Vec<Highlight> {
    let Some((_, target)) = target_at(analysis, offset) else {
        return Vec::new();
    };
    occurrences(analysis, &target)
        .into_iter()
        .map(|o| Highlight {
            span: o.span,
            kind: o.kind,
        })
        .collect()
}
