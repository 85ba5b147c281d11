//! Hover: where the identifier under the cursor lives, how the lookup found it, and what
//! captures it. Compact on purpose: a headline and a few bullets a learner reads at a glance.

use super::Hover;
use super::describe::{
    chain_label, describe_env, environments, is_commonjs_top_level, is_implicit, line, owner,
    owners,
};
use crate::engine::{
    Analysis, BindingId, DeclarationKind, EnvId, EnvKind, FunctionFlavor, IdentifierAt, Owner,
    Reference, SourceKind, Span, is_known_global,
};

/// The hover for the identifier at `offset`, if any.
pub fn hover(analysis: &Analysis, offset: u32) -> Option<Hover> {
    let Some(ident) = analysis.identifier_at(offset) else {
        return closure_head(analysis, offset);
    };
    let mut markdown = match ident {
        IdentifierAt::Reference(r) => reference(analysis, r),
        IdentifierAt::Declaration(d) => declaration(analysis, d.binding, d.span),
    };
    if let Some(note) = degradation_note(analysis, ident.span()) {
        markdown.push_str("\n\n");
        markdown.push_str(&note);
    }
    Some(Hover {
        range: ident.span(),
        markdown,
    })
}

fn reference(analysis: &Analysis, r: &Reference) -> String {
    let name = analysis.name(r.name);
    let Some(binding) = r.binding else {
        return unresolved(analysis, r, name);
    };
    let mut bullets = vec![found(analysis, r)];
    if r.dynamic {
        bullets.extend(dynamic_causes(analysis, r));
        bullets.push(candidates(analysis, r));
    }
    let b = analysis.binding(binding);
    if b.declaration == DeclarationKind::ImplicitGlobal {
        let at = line(analysis, b.span.start);
        bullets.push(format!("created by the assignment at line {at}"));
    } else if !is_implicit(b.span) {
        bullets.push(format!("declared at line {}", line(analysis, b.span.start)));
    }
    bullets.extend(binding_facts(analysis, binding));
    document(headline(analysis, binding), bullets)
}

fn declaration(analysis: &Analysis, binding: BindingId, span: Span) -> String {
    let mut bullets = binding_facts(analysis, binding);
    if let Some((env, captures)) = own_captures(analysis, binding, span) {
        bullets.extend(captures);
        bullets.extend(retention(analysis, env));
    }
    if let Some(outer) = analysis.shadowed_binding(binding) {
        let o = analysis.binding(outer);
        let at = if is_implicit(o.span) {
            String::new()
        } else {
            format!(", line {}", line(analysis, o.span.start))
        };
        bullets.push(format!(
            "**shadows** `{}` (`{}` in the **{}**{at})",
            analysis.name(o.name),
            o.declaration,
            describe_env(analysis, o.environment),
        ));
    }
    document(headline(analysis, binding), bullets)
}

/// On a function's `function` keyword or an arrow's `=>`: what the closure captures and keeps
/// alive.
fn closure_head(analysis: &Analysis, offset: u32) -> Option<Hover> {
    let heads = &analysis.facts.closure_heads;
    let idx = heads.partition_point(|(s, _)| s.start <= offset);
    let &(range, env) = heads[..idx].last().filter(|(s, _)| s.touches(offset))?;
    let e = analysis.env(env);
    let what = match e.function {
        Some(FunctionFlavor::Arrow) => "arrow function",
        _ => "function",
    };
    let mut bullets = Vec::new();
    if !e.captures.is_empty() {
        bullets.push(format!(
            "**captures** {}",
            capture_names(analysis, &e.captures)
        ));
    }
    let kept = retention(analysis, env);
    if kept.is_empty() && !bullets.is_empty() {
        let lifetime = match analysis.source_kind {
            SourceKind::Script => "program",
            SourceKind::Module | SourceKind::CommonJs => "module",
        };
        bullets.push(format!(
            "keeps no per-call state alive: what it captures lives as long as the {lifetime}"
        ));
    }
    bullets.extend(kept);
    if bullets.is_empty() {
        bullets.push("captures nothing and keeps no function's context alive".to_string());
    }
    Some(Hover {
        range,
        markdown: document(
            format!("`{}` — a closure ({what})", owner(analysis, env)),
            bullets,
        ),
    })
}

/// Names listed in a retention bullet before the rest is summarised.
const MAX_LISTED: usize = 8;

/// What closure `env` keeps alive that is made per call, as V8 allocates contexts: the
/// context-allocated bindings of the function and block contexts on its chain, and those among
/// them that only other closures use. Module-level bindings (a CommonJS module's top level) are
/// left out: they live as long as the module whatever the closure does.
pub(crate) fn retention(analysis: &Analysis, env: EnvId) -> Vec<String> {
    let retained: Vec<_> = analysis
        .retains(env)
        .into_iter()
        .filter(|r| !r.module_level)
        .collect();
    if retained.is_empty() {
        return Vec::new();
    }
    // The first names, and how many more: only what is shown is formatted (a bundle's outer
    // function keeps thousands of bindings alive).
    let list = |shown: Vec<String>, total: usize| {
        let mut s = shown.join(", ");
        if total > shown.len() {
            s.push_str(&format!(", +{} more", total - shown.len()));
        }
        s
    };
    let all = retained
        .iter()
        .take(MAX_LISTED)
        .map(|r| format!("`{}`", analysis.binding_name(r.binding)))
        .collect();
    let mut bullets = vec![format!(
        "**keeps alive** {}: state made per call, shared by every closure created in that call",
        list(all, retained.len())
    )];
    let unused_count = retained.iter().filter(|r| !r.used).count();
    let unused = retained
        .iter()
        .filter(|r| !r.used)
        .take(MAX_LISTED)
        .map(|r| {
            let others = analysis.other_users(env, r.binding);
            let name = analysis.binding_name(r.binding);
            if others.is_empty() {
                format!("`{name}`")
            } else {
                format!("`{name}` (used by {})", owners(analysis, &others))
            }
        })
        .collect();
    if unused_count > 0 {
        bullets.push(format!(
            "of these it **never uses** {}: a call's context is kept whole, for every closure created in it",
            list(unused, unused_count)
        ));
    }
    bullets
}

/// The owners of some closures, the first few then how many more.
fn some_owners(analysis: &Analysis, closures: &[EnvId]) -> String {
    if closures.len() <= MAX_LISTED {
        return owners(analysis, closures);
    }
    format!(
        "{}, +{} more",
        owners(analysis, &closures[..MAX_LISTED]),
        closures.len() - MAX_LISTED
    )
}

fn capture_names(analysis: &Analysis, captures: &[BindingId]) -> String {
    let names: Vec<String> = captures
        .iter()
        .map(|&b| {
            let mutable = if analysis.binding(b).mutated {
                "mut "
            } else {
                ""
            };
            format!("`{mutable}{}`", analysis.binding_name(b))
        })
        .collect();
    names.join(", ")
}

/// For a function's own name: the closure it names and what that closure captures from outer
/// environments.
fn own_captures(
    analysis: &Analysis,
    binding: BindingId,
    span: Span,
) -> Option<(EnvId, Option<String>)> {
    if !matches!(
        analysis.binding(binding).declaration,
        DeclarationKind::Function | DeclarationKind::FunctionName
    ) {
        return None;
    }
    // A declaration's name lies inside its function's environment span.
    let env = analysis.enclosing_closure(analysis.env_at(span.start))?;
    let e = analysis.env(env);
    let name = analysis.binding_name(binding);
    // Its owner is that name, or a member or assigned path ending in it (`Foo.name`, `a.name`).
    let owns = e.kind == EnvKind::Function
        && match &e.owner {
            Owner::Named(owner) => owner == name || owner.ends_with(&format!(".{name}")),
            Owner::Member { key, .. } => key == name || key.ends_with(&format!(".{name}")),
            _ => false,
        };
    if !owns {
        return None;
    }
    let captures = (!e.captures.is_empty()).then(|| {
        format!(
            "a closure: **captures** {}",
            capture_names(analysis, &e.captures)
        )
    });
    Some((env, captures))
}

/// "`action` — `var` binding in the **function environment of `skulk`**".
fn headline(analysis: &Analysis, binding: BindingId) -> String {
    let b = analysis.binding(binding);
    format!(
        "`{}` — `{}` binding in the **{}**",
        analysis.name(b.name),
        b.declaration,
        describe_env(analysis, b.environment)
    )
}

/// How the lookup from the reference reached the binding. The walk is shown as a developer
/// reads it: a named function expression's own-name environment and a separate parameter
/// environment are left out unless the binding is there.
fn found(analysis: &Analysis, r: &Reference) -> String {
    if r.hops == 0 {
        return match analysis.env(r.environment).kind {
            EnvKind::Global | EnvKind::Script | EnvKind::Module => {
                "**local**: declared at the top level, where it is used".to_string()
            }
            _ if is_commonjs_top_level(analysis, r.environment) => {
                "**local**: declared at the top level, where it is used".to_string()
            }
            _ => format!("**local** to {}", chain_label(analysis, r.environment)),
        };
    }
    let last = r.hops as usize;
    let mut walked: Vec<String> = analysis
        .chain(r.environment)
        .take(last + 1)
        .enumerate()
        .filter(|&(i, e)| {
            i == 0
                || i == last
                || !matches!(
                    analysis.env(e).kind,
                    EnvKind::FunctionName | EnvKind::FunctionBody
                )
        })
        .map(|(_, e)| chain_label(analysis, e))
        .collect();
    let steps = walked.len() as u32 - 1;
    // Long chains keep their ends readable: where the lookup started and where it stopped.
    const SHOWN_EACH_END: usize = 3;
    if walked.len() > 2 * SHOWN_EACH_END + 1 {
        let middle = SHOWN_EACH_END..walked.len() - SHOWN_EACH_END;
        walked.splice(middle, ["…".to_string()]);
    }
    format!(
        "found **{} out**: {}",
        environments(steps),
        walked.join(" → ")
    )
}

/// What is true of the binding wherever it is seen from: captures, loops, special kinds.
fn binding_facts(analysis: &Analysis, binding: BindingId) -> Vec<String> {
    let b = analysis.binding(binding);
    let env = analysis.env(b.environment);
    let name = analysis.name(b.name);
    let mut facts = Vec::new();
    if let Some(note) = kind_note(analysis, binding) {
        facts.push(note);
    }
    // Closures capture; direct evals and `with` bodies keep bindings alive by name instead.
    let (closures, by_name): (Vec<EnvId>, Vec<EnvId>) = b
        .captured_by
        .iter()
        .partition(|&&e| analysis.env(e).is_closure());
    if !closures.is_empty() && analysis.is_module_level(b.environment) {
        // Module-level bindings live as long as the module (or the program) whatever closures
        // do: a closure reaches them but adds nothing to their lifetime.
        let noun = if closures.len() == 1 {
            "closure"
        } else {
            "closures"
        };
        let what = match (b.declaration, env.kind) {
            (DeclarationKind::Import, _) => {
                "an import reads the exporting module's binding: its live value, not a copy"
            }
            (_, EnvKind::Module) => "a module binding lives as long as the module, closures or not",
            (_, EnvKind::Global | EnvKind::Script) => {
                "a top-level binding lives as long as the program, closures or not"
            }
            _ => "a module-level binding lives as long as the module, closures or not",
        };
        facts.push(format!(
            "**used by {noun}** {}: {what}",
            some_owners(analysis, &closures)
        ));
    } else if !closures.is_empty() {
        let (noun, keep) = if closures.len() == 1 {
            ("closure", "keeps")
        } else {
            ("closures", "keep")
        };
        facts.push(format!(
            "**captured** by {noun} {}, which {keep} this environment alive",
            some_owners(analysis, &closures)
        ));
    }
    if !by_name.is_empty() {
        facts.push(format!(
            "kept alive by {}: looked up by name at run time",
            owners(analysis, &by_name)
        ));
    }
    // An implicit global's "declaration" is its first assignment: not worth a second line.
    if b.mutated && b.declaration != DeclarationKind::ImplicitGlobal {
        facts.push(if b.captured_by.is_empty() {
            "assigned after its declaration".to_string()
        } else {
            "**mutable capture**: assigned after its declaration, so closures see the change"
                .to_string()
        });
    }
    if env.per_iteration {
        facts.push(format!(
            "each loop iteration has **its own copy** of `{name}`: closures from different iterations see different values"
        ));
    }
    if b.shared_across_iterations {
        facts.push(format!(
            "**one binding shared** by every iteration: closures created in the loop all see the last value of `{name}`"
        ));
    }
    facts
}

/// A sentence for binding kinds and environments that surprise people.
fn kind_note(analysis: &Analysis, binding: BindingId) -> Option<String> {
    let b = analysis.binding(binding);
    let env = analysis.env(b.environment);
    let note = match (b.declaration, env.kind) {
        (DeclarationKind::ImplicitGlobal, _) => {
            "an implicit global: a property of the global object that exists only once a sloppy-mode assignment has run; reading it earlier throws a ReferenceError".to_string()
        }
        (DeclarationKind::AnnexBFunction, EnvKind::Global) => {
            "Annex B: a function declared in a block of sloppy code also gets this `var`-like binding, a **property of the global object**".to_string()
        }
        (DeclarationKind::Var | DeclarationKind::Function, EnvKind::Global) => {
            "a top-level `var` or function of a classic script is a **property of the global object**".to_string()
        }
        (_, EnvKind::Script) => {
            "top-level `let`/`const`/`class` of a classic script: shared by all scripts, but not a property of the global object".to_string()
        }
        (DeclarationKind::AnnexBFunction, _) => {
            "Annex B: a function declared in a block of sloppy code also gets this `var`-like binding in the enclosing function".to_string()
        }
        (DeclarationKind::CommonJsParameter, _) => {
            "a parameter of Node's CommonJS module wrapper `(exports, require, module, __filename, __dirname)`".to_string()
        }
        (DeclarationKind::Arguments, _) => format!("the implicit `arguments` object of `{}`", owner(analysis, b.environment)),
        (DeclarationKind::FunctionName, _) => {
            "a named function expression's own name: visible only inside it, and assigning to it has no effect".to_string()
        }
        (DeclarationKind::ClassName, _) => {
            "the class's own name inside its body: a `const`-like binding separate from any outer one".to_string()
        }
        (DeclarationKind::PrivateName, _) => format!("a private name of `{}`", owner(analysis, b.environment)),
        (_, EnvKind::FunctionBody) => {
            "the function has parameter expressions (defaults, destructuring), so its `var`s live in a separate environment the parameters cannot see".to_string()
        }
        _ => return None,
    };
    Some(note)
}

fn unresolved(analysis: &Analysis, r: &Reference, name: &str) -> String {
    let mut bullets = Vec::new();
    if is_known_global(name) {
        bullets.push("looked up on the **global object** (a known host global)".to_string());
    } else {
        let strict = analysis.env(r.environment).strict;
        if r.typeof_operand {
            bullets.push(
                "`typeof` of an undeclared name is `\"undefined\"`: no ReferenceError here"
                    .to_string(),
            );
        } else if r.flags.read || !r.flags.write {
            bullets.push("would throw a **ReferenceError** when read".to_string());
        }
        match (r.flags.write, strict) {
            (true, true) => bullets
                .push("assigning it throws a **ReferenceError** (strict mode code)".to_string()),
            (true, false) => bullets
                .push("this assignment creates an **implicit global** (sloppy code)".to_string()),
            (false, false) => {
                bullets.push("creates an implicit global when assigned in sloppy code".to_string())
            }
            (false, true) => {}
        }
    }
    if r.dynamic {
        bullets.extend(dynamic_causes(analysis, r));
        bullets.push(candidates(analysis, r));
    }
    document(
        format!("`{name}` — not declared in any environment of this file"),
        bullets,
    )
}

/// Why the static answer may be wrong at run time: the `with` objects and sloppy direct `eval`s
/// between the reference and where the lookup stopped.
fn dynamic_causes(analysis: &Analysis, r: &Reference) -> Vec<String> {
    let walked = match r.binding {
        Some(_) => r.hops as usize,
        None => usize::MAX,
    };
    let mut causes = Vec::new();
    for env in analysis.chain(r.environment).take(walked) {
        causes.extend(dynamic_cause(analysis, env));
    }
    if causes.is_empty() {
        causes.push("resolution is **dynamic**: it can change at run time".to_string());
    }
    causes
}

/// The environments that may answer at run time, innermost first, ending with the static one.
fn candidates(analysis: &Analysis, r: &Reference) -> String {
    let names: Vec<String> = analysis
        .candidates(r)
        .iter()
        .map(|&e| match analysis.env(e).kind {
            EnvKind::With => format!(
                "the `with` object (line {})",
                line(analysis, analysis.env(e).span.start)
            ),
            _ => format!("the {}", describe_env(analysis, e)),
        })
        .collect();
    format!(
        "**candidates** at run time, innermost first: {}",
        names.join(" → ")
    )
}

fn dynamic_cause(analysis: &Analysis, env: EnvId) -> Option<String> {
    let e = analysis.env(env);
    if e.kind == EnvKind::With {
        Some(format!(
            "resolution is **dynamic**: inside the `with` at line {}, the object's properties are searched first",
            line(analysis, e.span.start)
        ))
    } else if e.has_sloppy_eval {
        Some(format!(
            "resolution is **dynamic**: a sloppy direct `eval` in `{}` may add a shadowing `var`",
            owner(analysis, env)
        ))
    } else {
        None
    }
}

/// Parts of the file left out because of syntax errors, when they are close to the cursor.
fn degradation_note(analysis: &Analysis, at: Span) -> Option<String> {
    const NEAR_LINES: u32 = 3;
    let here = line(analysis, at.start);
    let closure = analysis
        .enclosing_closure(analysis.env_at(at.start))
        .map(|e| analysis.env(e).span)
        .filter(|span| span.start > 0 || span.end < analysis.line_index.len());
    let near = analysis.degradation.blanked.iter().find(|b| {
        let (first, last) = (line(analysis, b.start), line(analysis, b.end));
        closure.is_some_and(|c| c.start < b.end && b.start < c.end)
            || (first.saturating_sub(NEAR_LINES) <= here && here <= last + NEAR_LINES)
    })?;
    let (first, last) = (line(analysis, near.start), line(analysis, near.end));
    let lines = if first == last {
        format!("line {first} did not parse and was")
    } else {
        format!("lines {first}–{last} did not parse and were")
    };
    Some(format!(
        "_{lines} left out: answers nearby may be incomplete._"
    ))
}

fn document(headline: String, bullets: Vec<String>) -> String {
    let mut md = headline;
    if !bullets.is_empty() {
        md.push('\n');
        for b in bullets {
            md.push_str("\n- ");
            md.push_str(&b);
        }
    }
    md
}
