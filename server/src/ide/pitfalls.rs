//! The classic closure and scope bugs, each with a stable code, a message that says which
//! environment is involved and why, and quick fixes. Only what certainly goes wrong is reported:
//! a diagnostic where the program is fine costs more than a bug left unsaid.
//!
//! - `loop-var-capture`: a closure created in a loop body captures a `var` of the loop's head,
//!   one binding shared by every iteration. Fix: declare it with `let`.
//! - `tdz`: a use of a `let`/`const`/`class` binding (or a parameter, in a parameter list with
//!   expressions) that, when it runs, runs before the declaration initialized it: same
//!   function, not inside a closure; a later `switch` case that cannot fall through the
//!   declaring one.
//! - `implicit-global`: an assignment to an undeclared name in sloppy code. Fixes: declare it
//!   with `var`, or assign `globalThis.name` if a global is meant.
//!
//! Whole-file: O(references + declarations).

use rustc_hash::FxHashMap;

use super::describe::{describe_env, owner};
use crate::engine::{
    Analysis, BindingId, DeclarationKind, EnvId, EnvKind, Reference, Span, VarLoop, is_known_global,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PitfallCode {
    LoopVarCapture,
    Tdz,
    ImplicitGlobal,
}

impl PitfallCode {
    pub const ALL: [PitfallCode; 3] = [
        PitfallCode::LoopVarCapture,
        PitfallCode::Tdz,
        PitfallCode::ImplicitGlobal,
    ];

    /// The stable code diagnostics carry.
    pub fn as_str(self) -> &'static str {
        match self {
            PitfallCode::LoopVarCapture => "loop-var-capture",
            PitfallCode::Tdz => "tdz",
            PitfallCode::ImplicitGlobal => "implicit-global",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

/// Which pitfalls are reported; all by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PitfallsConfig {
    pub loop_var_capture: bool,
    pub tdz: bool,
    pub implicit_global: bool,
}

impl Default for PitfallsConfig {
    fn default() -> Self {
        Self {
            loop_var_capture: true,
            tdz: true,
            implicit_global: true,
        }
    }
}

impl PitfallsConfig {
    pub fn enabled(&self, code: PitfallCode) -> bool {
        match code {
            PitfallCode::LoopVarCapture => self.loop_var_capture,
            PitfallCode::Tdz => self.tdz,
            PitfallCode::ImplicitGlobal => self.implicit_global,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pitfall {
    pub code: PitfallCode,
    pub span: Span,
    pub message: String,
    pub fixes: Vec<Fix>,
}

/// A quick fix: edits of the analysed text, applied together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub new_text: String,
}

/// Every pitfall of the file that `config` enables, sorted by start.
pub fn pitfalls(analysis: &Analysis, config: &PitfallsConfig) -> Vec<Pitfall> {
    let mut found = Vec::new();
    if config.loop_var_capture {
        loop_var_captures(analysis, &mut found);
    }
    if config.tdz {
        dead_zone_uses(analysis, &mut found);
    }
    if config.implicit_global {
        implicit_globals(analysis, &mut found);
    }
    found.sort_by_key(|p| (p.span.start, p.code as u8));
    found
}

/// Applies `fix` to `text` (edits must not overlap).
pub fn apply_fix(text: &str, fix: &Fix) -> String {
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.start as usize..e.span.end as usize, &e.new_text);
    }
    out
}

fn closure_of(analysis: &Analysis, env: EnvId) -> Option<EnvId> {
    analysis.enclosing_closure(env)
}

fn loop_var_captures(analysis: &Analysis, found: &mut Vec<Pitfall>) {
    for l in &analysis.facts.var_loops {
        let head: Vec<BindingId> = declarations_in(analysis, l.head);
        let mut fix: Option<Option<Fix>> = None;
        let mut reported: Vec<(EnvId, BindingId)> = Vec::new();
        for r in analysis.references_in(l.body) {
            let Some(binding) = r.binding.filter(|b| head.contains(b)) else {
                continue;
            };
            let b = analysis.binding(binding);
            // A `for (;;)` variable nobody assigns (`n = a.length`) has one value: harmless.
            if !b.shared_across_iterations || !(l.in_of || b.mutated) {
                continue;
            }
            // The outermost closure of the loop body around the use.
            let Some(closure) = analysis
                .chain(r.environment)
                .take_while(|&e| l.body.contains_span(analysis.env(e).span))
                .filter(|&e| analysis.env(e).kind == EnvKind::Function)
                .last()
            else {
                continue;
            };
            if reported.contains(&(closure, binding)) {
                continue;
            }
            reported.push((closure, binding));
            let name = analysis.binding_name(binding);
            let message = format!(
                "`{name}` is one `var` binding of the {}, shared by every iteration: the closure `{}` created in the loop body sees `{name}` as it is when the closure runs — after the loop, its last value — not as it was when the closure was made. `let` gives each iteration its own copy.",
                describe_env(analysis, b.environment),
                owner(analysis, closure),
            );
            found.push(Pitfall {
                code: PitfallCode::LoopVarCapture,
                span: r.span,
                message,
                fixes: fix
                    .get_or_insert_with(|| let_fix(analysis, l, &head))
                    .iter()
                    .cloned()
                    .collect(),
            });
        }
    }
}

/// The bindings declared by identifiers inside `span`, in order, each once.
fn declarations_in(analysis: &Analysis, span: Span) -> Vec<BindingId> {
    let lo = analysis
        .declarations
        .partition_point(|d| d.span.start < span.start);
    let mut out: Vec<BindingId> = Vec::new();
    for d in &analysis.declarations[lo..] {
        if d.span.start >= span.end {
            break;
        }
        if !out.contains(&d.binding) {
            out.push(d.binding);
        }
    }
    out
}

/// `var` → `let` in the loop's head, when nothing outside the loop uses or redeclares what it
/// declares (a `let` there would not be visible after the loop).
fn let_fix(analysis: &Analysis, l: &VarLoop, head: &[BindingId]) -> Option<Fix> {
    for &binding in head {
        let declared_elsewhere = analysis
            .declarations
            .iter()
            .any(|d| d.binding == binding && !l.head.contains_span(d.span));
        if declared_elsewhere || analysis.binding(binding).declaration != DeclarationKind::Var {
            return None;
        }
    }
    let function = analysis
        .env(analysis.binding(*head.first()?).environment)
        .span;
    let outside = analysis
        .references_in(function)
        .iter()
        .any(|r| r.binding.is_some_and(|b| head.contains(&b)) && !l.whole.contains_span(r.span));
    if outside {
        return None;
    }
    Some(Fix {
        title: "Declare with `let`: one binding per iteration".to_string(),
        edits: vec![Edit {
            span: l.keyword,
            new_text: "let".to_string(),
        }],
    })
}

/// Where the bindings declared at `at` are initialized: the entry whose pattern contains it.
fn initialization(analysis: &Analysis, at: Span) -> Option<(Span, u32)> {
    let list = &analysis.facts.initializations;
    let idx = list.partition_point(|(s, _)| s.start <= at.start);
    list[..idx]
        .iter()
        .rev()
        .take(8)
        .find(|(s, _)| s.contains_span(at))
        .copied()
}

fn dead_zone_uses(analysis: &Analysis, found: &mut Vec<Pitfall>) {
    for r in &analysis.references {
        let Some(binding) = r.binding else { continue };
        let b = analysis.binding(binding);
        if r.dynamic
            || !matches!(
                b.declaration,
                DeclarationKind::Let
                    | DeclarationKind::Const
                    | DeclarationKind::Class
                    | DeclarationKind::Using
                    | DeclarationKind::Parameter
            )
        {
            continue;
        }
        if closure_of(analysis, r.environment) != closure_of(analysis, b.environment) {
            continue;
        }
        let Some((pattern, initialized)) = initialization(analysis, b.span) else {
            continue;
        };
        let before = if pattern.contains_span(r.span) {
            // Inside the declaring pattern: names bound earlier in it are initialized already.
            r.span.start < b.span.start
        } else {
            r.span.start < initialized
        };
        let why = if before {
            Some(format!(
                "runs before its declaration (line {}) has initialized it",
                analysis.line_index.line(b.span.start) + 1
            ))
        } else {
            later_case(analysis, b.environment, b.span, r)
        };
        let Some(why) = why else { continue };
        let name = analysis.binding_name(binding);
        let message = format!(
            "`{name}` is in its temporal dead zone here: this use {why}, so it throws a ReferenceError. `{}` bindings exist in the {} from its start but cannot be used until their declaration runs.",
            b.declaration,
            describe_env(analysis, b.environment),
        );
        found.push(Pitfall {
            code: PitfallCode::Tdz,
            span: r.span,
            message,
            fixes: Vec::new(),
        });
    }
}

/// A use in a later `case` of the `switch` whose case block declares the binding, when the
/// declaring case cannot fall through: reaching the use skipped the declaration.
fn later_case(analysis: &Analysis, env: EnvId, declared: Span, r: &Reference) -> Option<String> {
    let e = analysis.env(env);
    if e.kind != EnvKind::Block {
        return None;
    }
    let switches = &analysis.facts.switches;
    let idx = switches.partition_point(|s| s.whole.start < e.span.start);
    let s = switches.get(idx).filter(|s| s.whole == e.span)?;
    let case_of = |span: Span| s.cases.iter().position(|(c, _)| c.contains_span(span));
    let (j, k) = (case_of(declared)?, case_of(r.span)?);
    (k > j && s.cases[j].1).then(|| {
        format!(
            "is in a later `case` than the declaration (line {}), whose case cannot fall through into it: reaching this use skipped the declaration",
            analysis.line_index.line(declared.start) + 1
        )
    })
}

fn implicit_globals(analysis: &Analysis, found: &mut Vec<Pitfall>) {
    // Per implicit global: the closure of every use, when they all share one.
    let mut one_closure: FxHashMap<BindingId, Option<Option<EnvId>>> = FxHashMap::default();
    for r in &analysis.references {
        let Some(binding) = r.binding else { continue };
        if analysis.binding(binding).declaration != DeclarationKind::ImplicitGlobal {
            continue;
        }
        let here = closure_of(analysis, r.environment);
        one_closure
            .entry(binding)
            .and_modify(|c| {
                if *c != Some(here) {
                    *c = None;
                }
            })
            .or_insert(Some(here));
    }
    let mut offered_var: Vec<BindingId> = Vec::new();
    for r in &analysis.references {
        let Some(binding) = r.binding else { continue };
        let b = analysis.binding(binding);
        if b.declaration != DeclarationKind::ImplicitGlobal
            || !r.flags.write
            || r.flags.read
            || analysis.env(r.environment).strict
        {
            continue;
        }
        let name = analysis.binding_name(binding);
        if is_known_global(name) {
            continue;
        }
        let mut fixes = Vec::new();
        let here = closure_of(analysis, r.environment);
        if one_closure.get(&binding) == Some(&Some(here))
            && !offered_var.contains(&binding)
            && analysis
                .facts
                .statement_assignments
                .binary_search(&r.span.start)
                .is_ok()
        {
            offered_var.push(binding);
            let place = match here {
                Some(c) => format!("`{}`", owner(analysis, c)),
                None => "the top level".to_string(),
            };
            fixes.push(Fix {
                title: format!("Declare `{name}` with `var` (local to {place})"),
                edits: vec![Edit {
                    span: Span::new(r.span.start, r.span.start),
                    new_text: "var ".to_string(),
                }],
            });
        }
        fixes.push(Fix {
            title: format!("Assign `globalThis.{name}`: a global on purpose"),
            edits: vec![Edit {
                span: r.span,
                new_text: format!("globalThis.{name}"),
            }],
        });
        let message = format!(
            "`{name}` is not declared in any environment here: in sloppy code this assignment creates a property of the global object (an implicit global), shared with every script and never collected; strict code would throw a ReferenceError. Declare it, or assign `globalThis.{name}` if a global is meant."
        );
        found.push(Pitfall {
            code: PitfallCode::ImplicitGlobal,
            span: r.span,
            message,
            fixes,
        });
    }
}
