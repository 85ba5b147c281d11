//! The classic closure and scope bugs, each with a stable code, a message that says which
//! environment is involved and why, and quick fixes. Only what certainly goes wrong is reported:
//! a diagnostic where the program is fine costs more than a bug left unsaid.
//!
//! - `loop-var-capture`: a closure made in a loop outlives its iteration (a timer, a listener, a
//!   promise reaction, pushed, stored in a property) and uses a `var` of the loop's head or body
//!   that changes from one iteration to the next: one binding shared by every iteration. Fix:
//!   declare it with `let`, where that changes nothing else.
//! - `tdz`: a use of a `let`/`const`/`class` binding (or a parameter, in a parameter list with
//!   expressions) that, when it runs, runs before the declaration initialized it: same
//!   function, not inside a closure; a later `switch` case that cannot fall through the
//!   declaring one.
//! - `implicit-global`: an assignment to an undeclared name in sloppy code, when nothing before
//!   it reads the name (code that reads or `typeof`-tests it first expects the global to exist),
//!   and not at the top level of a classic script (where it shares a global on purpose).
//!   Fixes: declare it with `var`, or assign `globalThis.name` if a global is meant.
//!
//! Messages are one sentence of plain text (editors show them unformatted); details go in
//! `related`. `// scopelens-ignore-next-line code` and `// scopelens-ignore-file code` turn a
//! code off (every code when none is named).
//!
//! Whole-file: O(references + declarations).

use rustc_hash::{FxHashMap, FxHashSet};

use super::describe::{describe_env, owner};
use crate::engine::{
    Analysis, BindingId, ClosureUse, DeclarationKind, EnvId, EnvKind, LoopVarStatement, Reference,
    SourceKind, Span, VarLoop, is_known_global,
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
    /// One sentence, plain text: what will happen in this code.
    pub message: String,
    /// The details: places and what each has to do with it (the declaration, …).
    pub related: Vec<(Span, String)>,
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
    if !analysis.facts.suppressions.is_empty() {
        found.retain(|p| !suppressed(analysis, p));
    }
    found
}

/// Whether a `scopelens-ignore-file` comment, or a `scopelens-ignore-next-line` comment on the
/// line above, turns `p` off.
fn suppressed(analysis: &Analysis, p: &Pitfall) -> bool {
    let line = analysis.line_index.line(p.span.start);
    analysis.facts.suppressions.iter().any(|s| {
        let names = s.codes.is_empty() || s.codes.iter().any(|c| c == p.code.as_str());
        names && (s.whole_file || analysis.line_index.line(s.comment.end) + 1 == line)
    })
}

/// Editors show diagnostics as plain text: the shared wording without its Markdown.
fn plain(markdown: impl std::fmt::Display) -> String {
    markdown.to_string().replace('`', "")
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

/// `loop-var-capture` asks two questions of each closure in a loop that uses a `var` of the loop
/// (of its head, or declared in its body): does that `var` change from one iteration to the
/// next (the loop assigns it, or its declaration in the body has an initializer), and does the
/// closure outlive its iteration (handed to a timer, a listener or a promise, pushed or added
/// to a collection, assigned to a property — itself or a closure around it)? Only a yes to both
/// is reported: a closure called at once, passed to `forEach`/`map`/…, defined then called, or
/// handed to a function scopelens knows nothing about is left alone.
fn loop_var_captures(analysis: &Analysis, found: &mut Vec<Pitfall>) {
    let facts = &analysis.facts.loops;
    let mut reported: Vec<(EnvId, BindingId)> = Vec::new();
    for &(whole, body) in &facts.loops {
        let head_loop = analysis.facts.var_loops.iter().find(|l| l.whole == whole);
        let head = head_loop.map_or_else(Vec::new, |l| declarations_in(analysis, l.head));
        let body_vars = body_vars(analysis, whole, body);
        if head.is_empty() && body_vars.is_empty() {
            continue;
        }
        for r in analysis.references_in(body) {
            let Some(binding) = r.binding else { continue };
            let in_head = head.contains(&binding);
            let in_body = body_vars.iter().find(|v| v.0 == binding);
            if (!in_head && in_body.is_none()) || r.dynamic {
                continue;
            }
            let changes = (in_head && head_loop.is_some_and(|l| l.in_of))
                || in_body.is_some_and(|v| v.1)
                || assigned_in(analysis, binding, whole, head_loop.map(|l| l.head));
            if !changes {
                continue;
            }
            let Some((closure, how)) = escaping_closure(analysis, r.environment, body) else {
                continue;
            };
            if reported.contains(&(closure, binding)) {
                continue;
            }
            reported.push((closure, binding));
            let name = analysis.binding_name(binding);
            let b = analysis.binding(binding);
            let fixes = if in_head {
                head_loop.and_then(|l| let_fix(analysis, l, &head))
            } else {
                in_body.and_then(|v| body_let_fix(analysis, v.2, body))
            };
            found.push(Pitfall {
                code: PitfallCode::LoopVarCapture,
                span: r.span,
                message: format!(
                    "Every iteration shares one var {name}, so this function, {how}, sees {name} as it is when called, not as it was in this iteration."
                ),
                related: vec![(
                    b.span,
                    format!(
                        "{name} is declared with var: one binding in the {} for every iteration (let would give each iteration its own)",
                        plain(describe_env(analysis, b.environment))
                    ),
                )],
                fixes: fixes.into_iter().collect(),
            });
        }
    }
}

/// The `var`s declared in `body` (not in a function inside it) that live outside the loop, each
/// with whether a declaration of it in the body has an initializer and its statement.
fn body_vars(
    analysis: &Analysis,
    whole: Span,
    body: Span,
) -> Vec<(BindingId, bool, &LoopVarStatement)> {
    let list = &analysis.facts.loops.var_statements;
    let lo = list.partition_point(|v| v.statement.start < body.start);
    let mut out: Vec<(BindingId, bool, &LoopVarStatement)> = Vec::new();
    for v in list[lo..]
        .iter()
        .take_while(|v| v.statement.start < body.end)
    {
        for &(pattern, initialized) in &v.declarators {
            for binding in declarations_in(analysis, pattern) {
                let b = analysis.binding(binding);
                if b.declaration != DeclarationKind::Var
                    || !analysis.env(b.environment).span.contains_span(whole)
                {
                    continue;
                }
                match out.iter_mut().find(|o| o.0 == binding) {
                    Some(o) => o.1 |= initialized,
                    None => out.push((binding, initialized, v)),
                }
            }
        }
    }
    out
}

/// Whether `binding` is assigned somewhere in `whole` outside `head` (the declarations of a
/// `for` head, whose initializers run once).
fn assigned_in(analysis: &Analysis, binding: BindingId, whole: Span, head: Option<Span>) -> bool {
    analysis.references_in(whole).iter().any(|r| {
        r.binding == Some(binding)
            && r.flags.write
            && !head.is_some_and(|h| h.contains_span(r.span))
    })
}

/// The first closure, from the use outward to the loop body, that outlives its iteration, and
/// how it does, in words.
fn escaping_closure(analysis: &Analysis, from: EnvId, body: Span) -> Option<(EnvId, String)> {
    let facts = &analysis.facts.loops;
    for env in analysis
        .chain(from)
        .take_while(|&e| body.contains_span(analysis.env(e).span))
    {
        let e = analysis.env(env);
        if e.kind != EnvKind::Function {
            continue;
        }
        let at = facts.closures.partition_point(|(s, _)| *s < e.span.start);
        for (start, how) in &facts.closures[at..] {
            if *start != e.span.start {
                break;
            }
            let how = match how {
                ClosureUse::Named(name) => named_escape(analysis, *name, body),
                other => escape_words(other),
            };
            if let Some(how) = how {
                return Some((env, how));
            }
        }
    }
    None
}

/// A function bound to a name escapes when the loop body hands that name on (`setTimeout(f)`).
fn named_escape(analysis: &Analysis, name_at: u32, body: Span) -> Option<String> {
    let facts = &analysis.facts.loops;
    let declaration = analysis
        .declarations
        .iter()
        .skip(
            analysis
                .declarations
                .partition_point(|d| d.span.start < name_at),
        )
        .take_while(|d| d.span.start == name_at);
    for d in declaration {
        for r in analysis.references_in(body) {
            if r.binding != Some(d.binding) {
                continue;
            }
            let at = facts.handed.partition_point(|(s, _)| *s < r.span.start);
            if let Some((_, how)) = facts.handed.get(at).filter(|(s, _)| *s == r.span.start)
                && let Some(words) = escape_words(how)
            {
                return Some(words);
            }
        }
    }
    None
}

fn escape_words(how: &ClosureUse) -> Option<String> {
    match how {
        ClosureUse::Deferred(callee) => Some(format!("run later by {callee}")),
        ClosureUse::Stored(how) if how == "=" => Some("stored in a property".to_string()),
        ClosureUse::Stored(callee) => Some(format!("kept by {callee}")),
        ClosureUse::CalledAtOnce | ClosureUse::CalledBack(_) | ClosureUse::Named(_) => None,
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
        title: "Declare with let: one binding per iteration".to_string(),
        edits: vec![Edit {
            span: l.keyword,
            new_text: "let".to_string(),
        }],
    })
}

/// `var` → `let` for a `var` statement of a loop body's block, when that is the only
/// declaration of what it declares, each declarator has an initializer (so no iteration reads
/// the one before's value), and every use comes after it inside the body.
fn body_let_fix(analysis: &Analysis, v: &LoopVarStatement, body: Span) -> Option<Fix> {
    if !v.in_body_block || v.declarators.iter().any(|(_, init)| !init) {
        return None;
    }
    for &(pattern, _) in &v.declarators {
        for binding in declarations_in(analysis, pattern) {
            let once = analysis
                .declarations
                .iter()
                .filter(|d| d.binding == binding)
                .count()
                == 1;
            let function = analysis.env(analysis.binding(binding).environment).span;
            let uses_after = analysis
                .references_in(function)
                .iter()
                .filter(|r| r.binding == Some(binding))
                .all(|r| r.span.start >= v.statement.end && r.span.end <= body.end);
            if !once || !uses_after {
                return None;
            }
        }
    }
    Some(Fix {
        title: "Declare with let: one binding per iteration".to_string(),
        edits: vec![Edit {
            span: v.keyword,
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
        let declared_line = analysis.line_index.line(b.span.start) + 1;
        let name = analysis.binding_name(binding);
        let message = if before {
            format!(
                "{name} is used before its declaration (line {declared_line}) has run, so this throws a ReferenceError."
            )
        } else if later_case(analysis, b.environment, b.span, r) {
            format!(
                "Reaching this case skips the declaration of {name} (line {declared_line}), so this use throws a ReferenceError."
            )
        } else {
            continue;
        };
        found.push(Pitfall {
            code: PitfallCode::Tdz,
            span: r.span,
            message,
            related: vec![(
                b.span,
                format!(
                    "{name} is a {} binding of the {}: it exists from the start of that environment but cannot be used until this declaration runs",
                    b.declaration,
                    plain(describe_env(analysis, b.environment)),
                ),
            )],
            fixes: Vec::new(),
        });
    }
}

/// A use in a later `case` of the `switch` whose case block declares the binding, when the
/// declaring case cannot fall through: reaching the use skipped the declaration.
fn later_case(analysis: &Analysis, env: EnvId, declared: Span, r: &Reference) -> bool {
    later_case_index(analysis, env, declared, r).is_some()
}

fn later_case_index(analysis: &Analysis, env: EnvId, declared: Span, r: &Reference) -> Option<()> {
    let e = analysis.env(env);
    if e.kind != EnvKind::Block {
        return None;
    }
    let switches = &analysis.facts.switches;
    let idx = switches.partition_point(|s| s.whole.start < e.span.start);
    let s = switches.get(idx).filter(|s| s.whole == e.span)?;
    let case_of = |span: Span| s.cases.iter().position(|(c, _)| c.contains_span(span));
    let (j, k) = (case_of(declared)?, case_of(r.span)?);
    (k > j && s.cases[j].1).then_some(())
}

fn implicit_globals(analysis: &Analysis, found: &mut Vec<Pitfall>) {
    // Per implicit global: the closure of every use, when they all share one.
    let mut one_closure: FxHashMap<BindingId, Option<Option<EnvId>>> = FxHashMap::default();
    // Names read (or tested with `typeof`) before any assignment: the code expects a global of
    // that name to exist already (`if (typeof _ == 'function') _ = wrap(_)`), so assigning it
    // creates nothing.
    let mut assigned: FxHashSet<BindingId> = FxHashSet::default();
    let mut expected: FxHashSet<BindingId> = FxHashSet::default();
    for r in &analysis.references {
        let Some(binding) = r.binding else { continue };
        if analysis.binding(binding).declaration != DeclarationKind::ImplicitGlobal {
            continue;
        }
        if r.flags.read && !assigned.contains(&binding) {
            expected.insert(binding);
        }
        if r.flags.write {
            assigned.insert(binding);
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
            || expected.contains(&binding)
        {
            continue;
        }
        let name = analysis.binding_name(binding);
        if is_known_global(name) {
            continue;
        }
        let here = closure_of(analysis, r.environment);
        // At the top level of a classic script, `x = …` is how scripts share globals on purpose.
        if here.is_none() && analysis.source_kind == SourceKind::Script {
            continue;
        }
        let mut fixes = Vec::new();
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
                Some(c) => owner(analysis, c).to_string(),
                None => "the top level".to_string(),
            };
            fixes.push(Fix {
                title: format!("Declare {name} with var (local to {place})"),
                edits: vec![Edit {
                    span: Span::new(r.span.start, r.span.start),
                    new_text: "var ".to_string(),
                }],
            });
        }
        fixes.push(Fix {
            title: format!("Assign globalThis.{name}: a global on purpose"),
            edits: vec![Edit {
                span: r.span,
                new_text: format!("globalThis.{name}"),
            }],
        });
        let message = format!(
            "{name} is not declared, so this assignment creates a global variable (strict code would throw a ReferenceError)."
        );
        found.push(Pitfall {
            code: PitfallCode::ImplicitGlobal,
            span: r.span,
            message,
            related: Vec::new(),
            fixes,
        });
    }
}
