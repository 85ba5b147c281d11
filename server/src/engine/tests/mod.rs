//! Engine tests: each fixture is analysed and printed as a compact tree of environments with
//! their bindings, then every reference with where it resolves; `expect!` holds the snapshot
//! (`UPDATE_EXPECT=1 cargo test` rewrites it — read the diff: it is the spec check).

mod environments;
mod invariants;
mod recovery;
mod spec_corrections;

use std::fmt::Write;

use super::{Analysis, EnvId, Input, SourceKindChoice, analyze_in_thread};
use crate::ide::describe::owner;

pub(super) fn analyze_as(text: &str, file_name: &str) -> Analysis {
    analyze_in_thread(&Input::new(text, file_name))
}

pub(super) fn analyze_kind(text: &str, kind: SourceKindChoice) -> Analysis {
    let mut input = Input::new(text, "test.js");
    input.source_kind = kind;
    analyze_in_thread(&input)
}

/// The tree of environments, then the references.
pub(super) fn dump(a: &Analysis) -> String {
    invariants::check(a);
    let mut out = String::new();
    writeln!(out, "kind: {}", a.source_kind.as_str()).unwrap();
    dump_env(a, a.global(), 0, &mut out);
    for r in &a.references {
        let (line, col) = a.line_index.human(r.span.start);
        write!(out, "{} {line}:{col} → ", a.name(r.name)).unwrap();
        match r.binding {
            Some(b) => {
                let env = a.binding(b).environment;
                write!(out, "{} {}", a.env(env).kind, owner(a, env)).unwrap();
            }
            None => out.push_str("unresolved"),
        }
        write!(out, ", hops {}", r.hops).unwrap();
        if r.flags.write {
            out.push_str(if r.flags.read {
                ", read-write"
            } else {
                ", write"
            });
        }
        if r.captured {
            out.push_str(", captured");
        }
        if r.dynamic {
            out.push_str(", dynamic");
        }
        out.push('\n');
    }
    out
}

fn dump_env(a: &Analysis, env: EnvId, depth: usize, out: &mut String) {
    let e = a.env(env);
    let indent = "  ".repeat(depth);
    let mut notes = Vec::new();
    if e.strict {
        notes.push("strict".to_string());
    }
    if e.per_iteration {
        notes.push("per-iteration".to_string());
    }
    if e.has_sloppy_eval {
        notes.push("sloppy-eval".to_string());
    }
    if !e.captures.is_empty() {
        let names: Vec<&str> = e.captures.iter().map(|&b| a.binding_name(b)).collect();
        notes.push(format!("captures {}", names.join(", ")));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    writeln!(out, "{indent}{} {}{notes}", e.kind, owner(a, env)).unwrap();
    for &b in &e.bindings {
        let binding = a.binding(b);
        let mut extra = String::new();
        if !binding.captured_by.is_empty() {
            let by: Vec<String> = binding
                .captured_by
                .iter()
                .map(|&c| owner(a, c).to_string())
                .collect();
            write!(extra, " captured by {}", by.join(", ")).unwrap();
        }
        if binding.mutated {
            extra.push_str(" mutated");
        }
        if binding.shared_across_iterations {
            extra.push_str(" shared-across-iterations");
        }
        writeln!(
            out,
            "{indent}  · {} {}{extra}",
            binding.declaration,
            a.name(binding.name)
        )
        .unwrap();
    }
    for child in a.env_ids().filter(|&c| a.env(c).parent == Some(env)) {
        dump_env(a, child, depth + 1, out);
    }
}
