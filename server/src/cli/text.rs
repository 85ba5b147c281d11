//! `explain --format text`: the model for a reader. The environment tree (indented by nesting)
//! with each environment's bindings, each binding with where it is used, and each closure's
//! captures and the per-call state it keeps alive; then the names declared nowhere in the file
//! and the references resolved at run time.
//!
//! The output grows linearly with the file: long lists are folded ("+N more") or wrapped, and a
//! closure names the contexts it keeps alive rather than repeating their bindings.

use std::io::{self, Write};

use crate::engine::{Analysis, BindingId, EnvId, EnvKind, Reference, SourceKind, is_known_global};
use crate::ide::describe::{is_implicit, owner};

/// Syntax errors and unanalysed files go to stderr, so stdout stays the model.
pub(super) fn write_errors(err: &mut impl Write, file: &str, a: &Analysis) -> io::Result<()> {
    for e in &a.syntax_errors {
        writeln!(
            err,
            "{file}:{}: syntax error: {}",
            pos(a, e.span.start),
            e.message
        )?;
    }
    if let Some(why) = &a.degradation.unanalysed {
        writeln!(err, "{file}: not analysed: {why}")?;
    }
    Ok(())
}

pub(super) fn write(out: &mut impl Write, file: &str, a: &Analysis) -> io::Result<()> {
    let kind = match a.source_kind {
        SourceKind::Script => {
            "classic script (top-level `var`s and functions are global object properties)"
        }
        SourceKind::Module => "ES module (the top level is a module environment)",
        SourceKind::CommonJs => {
            "CommonJS module (the top level is the body of Node's module wrapper function)"
        }
    };
    writeln!(out, "{file}: {kind}")?;
    for b in &a.degradation.blanked {
        let (first, last) = (a.line_index.line(b.start) + 1, a.line_index.line(b.end) + 1);
        writeln!(
            out,
            "note: lines {first}-{last} did not parse and were left out of the analysis"
        )?;
    }
    writeln!(
        out,
        "\nEnvironments (indented by nesting), each binding with its uses\n\
         (a use is line:column; ↑N: found N environments out; =: assigned; ?: dynamic, see below)"
    )?;
    let uses = uses_by_binding(a);
    let mut slots: Vec<Vec<BindingId>> = vec![Vec::new(); a.environments.len()];
    for env in a.env_ids() {
        slots[env.0 as usize] = (a.env(env).bindings.iter().copied())
            .filter(|&b| a.binding(b).context_allocated)
            .collect();
    }
    let mut depth = vec![0usize; a.environments.len()];
    for id in a.env_ids() {
        let e = a.env(id);
        let d = e.parent.map_or(0, |p| depth[p.0 as usize] + 1);
        depth[id.0 as usize] = d;
        environment(out, a, id, d + 1, &uses, &slots)?;
    }
    undeclared(out, a)?;
    dynamic(out, a)
}

/// The widest a line of listed items grows before it continues on the next line.
const LINE_WIDTH: usize = 100;

/// Names listed before a list is summarised as "+N more".
const MAX_LISTED: usize = 8;

/// `items` after `head`, separated by ", ", continued on lines indented by `indent` so no line
/// grows past [`LINE_WIDTH`] (unless one item alone does).
fn wrapped(
    out: &mut impl Write,
    head: &str,
    indent: &str,
    items: impl IntoIterator<Item = String>,
) -> io::Result<()> {
    let mut line = head.to_string();
    let mut first = true;
    for item in items {
        let sep = if first { "" } else { ", " };
        if !first && line.chars().count() + sep.len() + item.chars().count() > LINE_WIDTH {
            writeln!(out, "{line},")?;
            line = format!("{indent}{item}");
        } else {
            line.push_str(sep);
            line.push_str(&item);
        }
        first = false;
    }
    writeln!(out, "{line}")
}

/// "a, b, c, +4 more".
fn folded<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    let mut s: Vec<String> = items.iter().take(MAX_LISTED).map(show).collect();
    if items.len() > MAX_LISTED {
        s.push(format!("+{} more", items.len() - MAX_LISTED));
    }
    s.join(", ")
}

/// For each binding, the indices of its references, in source order.
fn uses_by_binding(a: &Analysis) -> Vec<Vec<u32>> {
    let mut uses = vec![Vec::new(); a.bindings.len()];
    for (i, r) in a.references.iter().enumerate() {
        if let Some(b) = r.binding {
            uses[b.0 as usize].push(i as u32);
        }
    }
    uses
}

/// "6:24↑1=": where a reference is, how far out it found its binding, assigned, dynamic.
fn use_mark(a: &Analysis, r: &Reference) -> String {
    let mut s = pos(a, r.span.start);
    // An undeclared name walked the whole chain: the count says nothing there.
    if r.hops > 0 && r.binding.is_some() {
        s.push_str(&format!("↑{}", r.hops));
    }
    if r.flags.write {
        s.push('=');
    }
    if r.dynamic {
        s.push('?');
    }
    s
}

fn environment(
    out: &mut impl Write,
    a: &Analysis,
    id: EnvId,
    depth: usize,
    uses: &[Vec<u32>],
    slots: &[Vec<BindingId>],
) -> io::Result<()> {
    let e = a.env(id);
    let indent = "  ".repeat(depth);
    let mut notes = Vec::new();
    if e.kind == EnvKind::With {
        notes.push("dynamic: the object's properties are searched first".to_string());
    }
    if e.has_sloppy_eval {
        notes.push("dynamic: a sloppy direct eval may add vars".to_string());
    }
    if e.per_iteration {
        notes.push("a fresh copy per loop iteration".to_string());
    }
    if !e.captures.is_empty() {
        notes.push(format!(
            "captures {}",
            folded(&e.captures, |&b| capture_name(a, b))
        ));
    }
    if let Some(kept) = kept_alive(a, slots, id) {
        notes.push(kept);
    }
    let span = format!("{}-{}", pos(a, e.span.start), pos(a, e.span.end));
    let notes: String = notes.iter().map(|n| format!(" · {n}")).collect();
    writeln!(out, "{indent}[{}] {} {span}{notes}", e.kind, owner(a, id))?;
    let width = e
        .bindings
        .iter()
        .map(|&b| a.binding_name(b).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    let more = format!("{indent}    ");
    for &b in &e.bindings {
        let head = format!("{indent}  {:width$} {}", a.binding_name(b), binding(a, b));
        let refs = &uses[b.0 as usize];
        if refs.is_empty() {
            writeln!(out, "{head}")?;
        } else {
            let marks = refs.iter().map(|&i| use_mark(a, &a.references[i as usize]));
            wrapped(out, &format!("{head} · used at "), &more, marks)?;
        }
    }
    Ok(())
}

/// What closure `id` keeps alive that is made per call, one entry per context on its chain:
/// the names when there are few, else how many and how many it uses. Module-level bindings
/// (a CommonJS module's top level) are left out: they live as long as the module anyway.
/// `slots` holds each environment's context slots, found once for the whole file, so a closure
/// costs its chain and its captures, not every binding it keeps alive.
fn kept_alive(a: &Analysis, slots: &[Vec<BindingId>], id: EnvId) -> Option<String> {
    let c = a.env(id);
    if !c.is_closure() {
        return None;
    }
    let used = |b: BindingId| c.contains_direct_eval || c.captures.contains(&b);
    let mut groups: Vec<String> = Vec::new();
    for env in a.context_chain(id) {
        let context = &slots[env.0 as usize];
        if context.is_empty() || a.is_module_level(env) {
            continue;
        }
        if context.len() <= MAX_LISTED {
            groups.extend(context.iter().map(|&b| {
                let name = a.binding_name(b);
                if used(b) {
                    name.to_string()
                } else {
                    format!("{name} (unused here)")
                }
            }));
        } else {
            let used = if c.contains_direct_eval {
                context.len()
            } else {
                c.captures
                    .iter()
                    .filter(|&&b| a.binding(b).environment == env && a.binding(b).context_allocated)
                    .count()
            };
            groups.push(format!(
                "{} bindings of {} (uses {used})",
                context.len(),
                owner(a, env)
            ));
        }
    }
    (!groups.is_empty()).then(|| format!("keeps alive per call: {}", groups.join(", ")))
}

/// "var at 3:7 · captured by report · mutated".
fn binding(a: &Analysis, id: BindingId) -> String {
    let b = a.binding(id);
    let mut s = if is_implicit(b.span) {
        format!("{} (implicit)", b.declaration)
    } else {
        format!("{} at {}", b.declaration, pos(a, b.span.start))
    };
    if !b.captured_by.is_empty() {
        s.push_str(&format!(
            " · captured by {}",
            folded(&b.captured_by, |&e| owner(a, e).to_string())
        ));
    }
    if b.mutated {
        s.push_str(" · mutated");
    }
    if b.shared_across_iterations {
        s.push_str(" · one binding shared by every iteration");
    }
    s
}

fn capture_name(a: &Analysis, b: BindingId) -> String {
    let name = a.binding_name(b);
    if a.binding(b).mutated {
        format!("mut {name}")
    } else {
        name.to_string()
    }
}

/// References that resolve to no binding of the file, grouped by name and by what happens.
fn undeclared(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    let mut groups: Vec<((&str, &'static str), Vec<&Reference>)> = Vec::new();
    let mut index: rustc_hash::FxHashMap<(&str, &'static str), usize> = Default::default();
    for r in a.references.iter().filter(|r| r.binding.is_none()) {
        let key = (a.name(r.name), unresolved(a, r));
        let i = *index.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(r);
    }
    if groups.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nNot declared in this file")?;
    for ((name, what), refs) in groups {
        let marks = refs.iter().map(|r| use_mark(a, r));
        wrapped(out, &format!("  {name} · {what} · at "), "      ", marks)?;
    }
    Ok(())
}

/// What happens at run time to a reference with no binding in the file.
fn unresolved(a: &Analysis, r: &Reference) -> &'static str {
    let strict = a.env(r.environment).strict;
    if is_known_global(a.name(r.name)) {
        "a known host global on the global object"
    } else if r.typeof_operand {
        "typeof gives \"undefined\" (no ReferenceError)"
    } else if r.flags.write && !strict {
        "the sloppy assignment creates an implicit global"
    } else if r.flags.write {
        "assigning throws a ReferenceError (strict mode)"
    } else {
        "throws a ReferenceError when read"
    }
}

/// References whose binding a `with` or a sloppy direct `eval` may change at run time.
fn dynamic(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    let mut first = true;
    for r in a.references.iter().filter(|r| r.dynamic) {
        if first {
            writeln!(
                out,
                "\nDynamic references (the answer may change at run time)"
            )?;
            first = false;
        }
        let candidates = a.candidates(r);
        writeln!(
            out,
            "  {} {} → one of {}",
            a.name(r.name),
            pos(a, r.span.start),
            folded(&candidates, |&e| env_name(a, e))
        )?;
    }
    Ok(())
}

/// "function environment of skulk", "global environment".
fn env_name(a: &Analysis, id: EnvId) -> String {
    let e = a.env(id);
    match e.kind {
        EnvKind::Global | EnvKind::Script | EnvKind::Module => format!("{} environment", e.kind),
        kind => format!("{kind} environment of {}", owner(a, id)),
    }
}

fn pos(a: &Analysis, offset: u32) -> String {
    let (line, col) = a.line_index.human(offset);
    format!("{line}:{col}")
}

#[cfg(test)]
mod tests {
    use crate::engine::{Input, analyze_in_thread};

    fn explain(source: &str, file: &str) -> String {
        let a = analyze_in_thread(&Input::new(source, file));
        let mut out = Vec::new();
        super::write(&mut out, file, &a).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A CommonJS module's top level is not per-call state: a closure that uses only
    /// module-level bindings keeps nothing alive; one inside a function keeps that call's state.
    #[test]
    fn commonjs_module_level_bindings_are_not_kept_alive_per_call() {
        let text = explain(
            "var a = require('a');\nvar b = require('b');\nexports.f = function f() { return a + b; };\nfunction g(n) { var m = n; return () => m + a; }\n",
            "lib.cjs",
        );
        let closures: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("[function] f ") || l.contains("[function] <arrow"))
            .map(str::trim)
            .collect();
        expect_test::expect![[r#"
            [
                "[function] f 3:13-3:43 · captures a, b",
                "[function] <arrow at 4:35> 4:35-4:46 · captures m, a · keeps alive per call: m",
            ]
        "#]]
        .assert_debug_eq(&closures);
    }

    /// A bundle: `n` closures in one function that declares `n` captured bindings. Each closure
    /// keeps all of them alive; the text names the context instead of repeating them, so the
    /// output grows linearly and no line grows with the file.
    #[test]
    fn output_grows_linearly_and_lines_stay_short() {
        let bundle = |n: usize| {
            let mut s = String::from("(function () {\n");
            for i in 0..n {
                s.push_str(&format!("  var v{i} = {i};\n"));
            }
            for i in 0..n {
                s.push_str(&format!(
                    "  exports.f{i} = function () {{ return v{i} + v0; }};\n"
                ));
            }
            s.push_str("})();\n");
            s
        };
        let small = explain(&bundle(200), "b.js");
        let large = explain(&bundle(400), "b.js");
        let ratio = large.len() as f64 / small.len() as f64;
        assert!(
            ratio < 2.2,
            "doubling the input multiplied the output by {ratio}"
        );
        let longest = large.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(longest < 300, "a line of {longest} characters");
        assert!(large.contains(
            "keeps alive per call: 400 bindings of <immediately invoked function at 1:2> (uses 2)"
        ));
    }
}
