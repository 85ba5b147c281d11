//! Hover while a heap snapshot is loaded: on a function (its name, `function` keyword or `=>`),
//! its live instances, the bytes they retain and the variables that hold the most, with those
//! kept only because a sibling closure captures them marked.

use super::Hover;
use super::workspace_heap::{RankedFunction, function_for, human_bytes, plural};
use crate::engine::{Analysis, DeclarationKind, EnvId, IdentifierAt, Owner, Span};
use crate::heap::FunctionReport;

/// Variables listed in the section, biggest first (those kept for siblings are always listed).
const MAX_VARIABLES: usize = 4;

/// The heap section for the function at `offset` (Markdown, to append to the hover), given the
/// loaded snapshot's functions of this file; `None` when the cursor is not on a function or the
/// snapshot has no live closure of it.
pub fn heap_hover(analysis: &Analysis, offset: u32, functions: &[RankedFunction]) -> Option<Hover> {
    if functions.is_empty() {
        return None;
    }
    let (range, env) = function_at(analysis, offset)?;
    let found = function_for(analysis, env, functions)?;
    Some(Hover {
        range,
        markdown: section(&found.function),
    })
}

/// The closure whose head (`function`, `=>`) or own name is at `offset`.
fn function_at(analysis: &Analysis, offset: u32) -> Option<(Span, EnvId)> {
    let heads = &analysis.facts.closure_heads;
    let idx = heads.partition_point(|(s, _)| s.start <= offset);
    if let Some(&(span, env)) = heads[..idx].last().filter(|(s, _)| s.touches(offset)) {
        return Some((span, env));
    }
    let Some(IdentifierAt::Declaration(d)) = analysis.identifier_at(offset) else {
        return method_key_at(analysis, offset);
    };
    if !matches!(
        analysis.binding(d.binding).declaration,
        DeclarationKind::Function | DeclarationKind::FunctionName
    ) {
        return None;
    }
    // A function's name lies inside its own environment's span (declarations and named
    // expressions alike).
    let env = analysis.enclosing_closure(analysis.env_at(d.span.start))?;
    (analysis.env(env).span.start <= d.span.start).then_some((d.span, env))
}

/// A method's key (`someMethod() {}`, `get size() {}`): its function starts at the `(` just
/// after the key, so the next environment to start is that function, within the key's length.
fn method_key_at(analysis: &Analysis, offset: u32) -> Option<(Span, EnvId)> {
    let by_start = &analysis.env_by_start;
    let i = by_start.partition_point(|&e| analysis.env(e).span.start <= offset);
    let env = *by_start.get(i)?;
    let e = analysis.env(env);
    let key = match &e.owner {
        Owner::Member { key, .. } => key.as_str(),
        Owner::Named(name) => name.rsplit('.').next().unwrap_or(name),
        _ => return None,
    };
    let start = e.span.start.checked_sub(key.len() as u32)?;
    (e.is_closure() && start <= offset).then_some((Span::new(start, e.span.start), env))
}

fn section(f: &FunctionReport) -> String {
    let mut out = format!(
        "**Heap snapshot:** {} live instance{} retain{} **{}**",
        f.instances,
        plural(f.instances as usize),
        if f.instances == 1 { "s" } else { "" },
        human_bytes(f.retained_bytes)
    );
    let mut variables: Vec<_> = f
        .contexts
        .iter()
        .flat_map(|c| &c.variables)
        .filter(|v| v.name != "this")
        .collect();
    variables.sort_by_key(|v| std::cmp::Reverse(v.retained_bytes));
    let mut shown = 0;
    for v in &variables {
        if shown >= MAX_VARIABLES && !v.kept_for_siblings {
            continue;
        }
        shown += 1;
        out.push_str(&format!(
            "\n- `{}` {}",
            v.name,
            human_bytes(v.retained_bytes)
        ));
        if v.kept_for_siblings {
            let by = v
                .captured_by
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(" — **kept only for a sibling closure**");
            if !by.is_empty() {
                out.push_str(&format!(" ({by} captures it; this one never uses it)"));
            }
        }
    }
    if variables.len() > shown {
        out.push_str(&format!("\n- +{} more", variables.len() - shown));
    }
    if variables.is_empty() {
        out.push_str("\n- its Contexts hold no variables");
    }
    if !f.aligned {
        out.push_str("\n\n_Part of its Context chain does not match the source: those Contexts are left out._");
    }
    out
}
