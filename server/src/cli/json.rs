//! `explain --format json`: the stable, documented model (see README).
//!
//! ```text
//! { "file": string, "kind": "script" | "module" | "commonjs",
//!   "environments": [{ "id", "kind", "owner", "parent": id | null, "start", "end",
//!                      "retains": [binding ids] (closures only: what they keep alive) }],
//!   "bindings": [{ "id", "name", "declaration", "environment": id, "start",
//!                  "captured_by": [environment ids of capturing closures], "mutated" }],
//!   "references": [{ "name", "start", "binding": id | null,
//!                    "environment": id of the binding's environment | null,
//!                    "hops", "captured", "dynamic",
//!                    "candidates": [environment ids that may hold it, innermost first] }],
//!   "syntax_errors": [{ "message", "start", "end" }],
//!   "degradation": { "blanked": [{ "start", "end" }], "unanalysed": string | null } }
//! ```
//! Every position is `{"line", "column"}`, one-based, the column in UTF-16 code units. Implicit
//! bindings (`arguments`, CommonJS wrapper parameters) start where their environment starts.
//!
//! Layout: one top-level key per line and one array element per line, so the output is both
//! valid JSON and diffable line by line.

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Analysis, Span};
use crate::ide::describe::{declaration_span, owner};

/// A one-based line and a one-based column in UTF-16 code units.
#[derive(Serialize)]
struct Position {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Environment {
    id: u32,
    kind: &'static str,
    owner: String,
    parent: Option<u32>,
    start: Position,
    end: Position,
    /// Closures: the bindings they keep alive (V8's context slots on their chain).
    #[serde(skip_serializing_if = "Option::is_none")]
    retains: Option<Vec<u32>>,
}

#[derive(Serialize)]
struct Binding<'a> {
    id: u32,
    name: &'a str,
    declaration: &'static str,
    environment: u32,
    start: Position,
    captured_by: Vec<u32>,
    mutated: bool,
}

#[derive(Serialize)]
struct Reference<'a> {
    name: &'a str,
    start: Position,
    binding: Option<u32>,
    /// The binding's environment (null when unresolved).
    environment: Option<u32>,
    hops: u32,
    captured: bool,
    dynamic: bool,
    /// The environments that may hold the name at run time, innermost first, ending with the
    /// static answer (the global environment when unresolved).
    candidates: Vec<u32>,
}

#[derive(Serialize)]
struct SyntaxError<'a> {
    message: &'a str,
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Region {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Degradation<'a> {
    blanked: Vec<Region>,
    unanalysed: Option<&'a str>,
}

pub(super) fn write(out: &mut impl Write, file: &str, a: &Analysis) -> io::Result<()> {
    let pos = |offset: u32| {
        let (line, column) = a.line_index.human(offset);
        Position { line, column }
    };
    let region = |span: Span| Region {
        start: pos(span.start),
        end: pos(span.end),
    };
    writeln!(out, "{{")?;
    field(out, "file", &file)?;
    field(out, "kind", &a.source_kind.as_str())?;
    array(
        out,
        "environments",
        a.env_ids().map(|id| {
            let e = a.env(id);
            Environment {
                id: id.0,
                kind: e.kind.as_str(),
                owner: owner(a, id).to_string(),
                parent: e.parent.map(|p| p.0),
                start: pos(e.span.start),
                end: pos(e.span.end),
                retains: e
                    .is_closure()
                    .then(|| a.retains(id).iter().map(|r| r.binding.0).collect()),
            }
        }),
    )?;
    array(
        out,
        "bindings",
        a.bindings.iter().enumerate().map(|(i, b)| Binding {
            id: i as u32,
            name: a.name(b.name),
            declaration: b.declaration.as_str(),
            environment: b.environment.0,
            start: pos(declaration_span(a, crate::engine::BindingId(i as u32)).start),
            captured_by: b.captured_by.iter().map(|e| e.0).collect(),
            mutated: b.mutated,
        }),
    )?;
    array(
        out,
        "references",
        a.references.iter().map(|r| Reference {
            name: a.name(r.name),
            start: pos(r.span.start),
            binding: r.binding.map(|b| b.0),
            environment: r.binding.map(|b| a.binding(b).environment.0),
            hops: r.hops,
            captured: r.captured,
            dynamic: r.dynamic,
            candidates: a.candidates(r).iter().map(|e| e.0).collect(),
        }),
    )?;
    array(
        out,
        "syntax_errors",
        a.syntax_errors.iter().map(|e| SyntaxError {
            message: &e.message,
            start: pos(e.span.start),
            end: pos(e.span.end),
        }),
    )?;
    let degradation = Degradation {
        blanked: a.degradation.blanked.iter().map(|&s| region(s)).collect(),
        unanalysed: a.degradation.unanalysed.as_deref(),
    };
    writeln!(out, "  \"degradation\": {}", to_json(&degradation))?;
    writeln!(out, "}}")
}

fn field(out: &mut impl Write, key: &str, value: &impl Serialize) -> io::Result<()> {
    writeln!(out, "  {}: {},", to_json(&key), to_json(value))
}

fn array<T: Serialize>(
    out: &mut impl Write,
    key: &str,
    items: impl Iterator<Item = T>,
) -> io::Result<()> {
    write!(out, "  {}: [", to_json(&key))?;
    let mut first = true;
    for item in items {
        let sep = if first { "" } else { "," };
        write!(out, "{sep}\n    {}", to_json(&item))?;
        first = false;
    }
    let close = if first { "]," } else { "\n  ]," };
    writeln!(out, "{close}")
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("the model serialises")
}
