//! `explain --format text`: the model for a reader. The environment tree (indented by nesting)
//! with each environment's bindings and each closure's captures, then every reference and where
//! it resolves.

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
    writeln!(out, "\nEnvironments (indented by nesting)")?;
    let mut depth = vec![0usize; a.environments.len()];
    for id in a.env_ids() {
        let e = a.env(id);
        let d = e.parent.map_or(0, |p| depth[p.0 as usize] + 1);
        depth[id.0 as usize] = d;
        environment(out, a, id, d + 1)?;
    }
    writeln!(out, "\nReferences (where each name resolves)")?;
    let width = a
        .references
        .iter()
        .map(|r| a.name(r.name).chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    for r in &a.references {
        let at = pos(a, r.span.start);
        writeln!(
            out,
            "  {:width$} {at:<7} → {}",
            a.name(r.name),
            resolution(a, r)
        )?;
    }
    Ok(())
}

fn environment(out: &mut impl Write, a: &Analysis, id: EnvId, depth: usize) -> io::Result<()> {
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
        let names: Vec<String> = e.captures.iter().map(|&b| capture_name(a, b)).collect();
        notes.push(format!("captures {}", names.join(", ")));
    }
    let retained = a.retains(id);
    if !retained.is_empty() {
        let names: Vec<String> = retained
            .iter()
            .map(|r| {
                let name = a.binding_name(r.binding);
                if r.used {
                    name.to_string()
                } else {
                    format!("{name} (unused here)")
                }
            })
            .collect();
        notes.push(format!("retains {}", names.join(", ")));
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
    for &b in &e.bindings {
        writeln!(
            out,
            "{indent}  {:width$} {}",
            a.binding_name(b),
            binding(a, b)
        )?;
    }
    Ok(())
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
        let owners: Vec<String> = b
            .captured_by
            .iter()
            .map(|&e| owner(a, e).to_string())
            .collect();
        s.push_str(&format!(" · captured by {}", owners.join(", ")));
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

/// "var in function environment of skulk, 1 out, captured".
fn resolution(a: &Analysis, r: &Reference) -> String {
    let mut parts = Vec::new();
    match r.binding {
        Some(id) => {
            let b = a.binding(id);
            parts.push(format!(
                "{} in {}",
                b.declaration,
                env_name(a, b.environment)
            ));
            parts.push(if r.hops == 0 {
                "local".to_string()
            } else {
                format!("{} out", r.hops)
            });
            if r.captured {
                parts.push("captured".to_string());
            }
        }
        None => {
            let name = a.name(r.name);
            let strict = a.env(r.environment).strict;
            parts.push(
                if is_known_global(name) {
                    "not declared here: a known host global on the global object"
                } else if r.typeof_operand {
                    "not declared here: typeof gives \"undefined\" (no ReferenceError)"
                } else if r.flags.write && !strict {
                    "not declared here: this sloppy assignment creates an implicit global"
                } else if r.flags.write {
                    "not declared here: assigning throws a ReferenceError (strict mode)"
                } else {
                    "not declared here: throws a ReferenceError when read"
                }
                .to_string(),
            );
        }
    }
    if r.dynamic {
        let candidates: Vec<String> = a.candidates(r).iter().map(|&e| env_name(a, e)).collect();
        parts.push(format!(
            "dynamic: at run time one of {}",
            candidates.join(" / ")
        ));
    }
    if r.flags.write {
        parts.push(
            if r.flags.read {
                "read and assigned"
            } else {
                "assigned"
            }
            .to_string(),
        );
    }
    parts.join(", ")
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
