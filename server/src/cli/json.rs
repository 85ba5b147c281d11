//! `explain --format json`: the stable, documented model (see README).
//!
//! ```text
//! { "file": string, "kind": "script" | "module" | "commonjs",
//!   "environments": [{ "id", "kind", "owner", "parent": id | null, "start", "end",
//!                      "context_slots"?: [binding ids V8 keeps in this environment's context],
//!                      "keeps_alive"?: [environment ids] (closures only: the contexts made per
//!                                  call that they keep alive, innermost first; module-level
//!                                  environments left out) }],
//!   "bindings": [{ "id", "name", "declaration", "environment": id, "start",
//!                  "captured_by": [environment ids of capturing closures], "mutated",
//!                  "import"?: { "specifier", "imported": "default" | name | "*",
//!                               "module": resolved path | null, "export": name it binds to,
//!                               "target": { "file", "line", "column", "binding" } | null,
//!                               "unlinked": why the link stops | null } }],
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

use crate::engine::{Analysis, BindingId, Span};
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
    /// The bindings V8 keeps in this environment's context (its context slots), if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    context_slots: Vec<u32>,
    /// Closures: the environments made per call whose contexts they keep alive (each context's
    /// bindings are listed once, on its environment: the output stays linear in the file).
    #[serde(skip_serializing_if = "Option::is_none")]
    keeps_alive: Option<Vec<u32>>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<&'a Import>,
}

/// An import binding's link to the module it imports from (computed by the caller with the
/// workspace: resolution reads the disk).
#[derive(Serialize, Debug)]
pub(super) struct Import {
    pub specifier: String,
    pub imported: String,
    /// The resolved file of the specifier.
    pub module: Option<String>,
    /// The exported name the binding is finally bound to (after re-exports).
    pub export: Option<String>,
    pub target: Option<ImportTarget>,
    pub unlinked: Option<String>,
}

#[derive(Serialize, Debug)]
pub(super) struct ImportTarget {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The binding's name in the declaring module (null for a value or a whole module).
    pub binding: Option<String>,
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

/// The whole model, in the documented key order; `explain --format html` embeds it too.
#[derive(Serialize)]
pub(super) struct Model<'a> {
    file: &'a str,
    kind: &'static str,
    environments: Vec<Environment>,
    bindings: Vec<Binding<'a>>,
    references: Vec<Reference<'a>>,
    syntax_errors: Vec<SyntaxError<'a>>,
    degradation: Degradation<'a>,
}

pub(super) fn model<'a>(
    file: &'a str,
    a: &'a Analysis,
    imports: &'a [(BindingId, Import)],
) -> Model<'a> {
    let pos = |offset: u32| {
        let (line, column) = a.line_index.human(offset);
        Position { line, column }
    };
    let region = |span: Span| Region {
        start: pos(span.start),
        end: pos(span.end),
    };
    let mut slots: Vec<Vec<u32>> = vec![Vec::new(); a.environments.len()];
    for (i, b) in a.bindings.iter().enumerate() {
        if b.context_allocated {
            slots[b.environment.0 as usize].push(i as u32);
        }
    }
    // Whether V8 gives an environment a context: some binding of it is context-allocated.
    let has_context: Vec<bool> = slots.iter().map(|s| !s.is_empty()).collect();
    Model {
        file,
        kind: a.source_kind.as_str(),
        environments: a
            .env_ids()
            .map(|id| {
                let e = a.env(id);
                Environment {
                    id: id.0,
                    kind: e.kind.as_str(),
                    owner: owner(a, id).to_string(),
                    parent: e.parent.map(|p| p.0),
                    start: pos(e.span.start),
                    end: pos(e.span.end),
                    context_slots: std::mem::take(&mut slots[id.0 as usize]),
                    keeps_alive: e.is_closure().then(|| {
                        a.context_chain(id)
                            .filter(|&c| has_context[c.0 as usize] && !a.is_module_level(c))
                            .map(|c| c.0)
                            .collect()
                    }),
                }
            })
            .collect(),
        bindings: a
            .bindings
            .iter()
            .enumerate()
            .map(|(i, b)| Binding {
                id: i as u32,
                name: a.name(b.name),
                declaration: b.declaration.as_str(),
                environment: b.environment.0,
                start: pos(declaration_span(a, BindingId(i as u32)).start),
                captured_by: b.captured_by.iter().map(|e| e.0).collect(),
                mutated: b.mutated,
                import: imports
                    .binary_search_by_key(&BindingId(i as u32), |(b, _)| *b)
                    .ok()
                    .map(|k| &imports[k].1),
            })
            .collect(),
        references: a
            .references
            .iter()
            .map(|r| Reference {
                name: a.name(r.name),
                start: pos(r.span.start),
                binding: r.binding.map(|b| b.0),
                environment: r.binding.map(|b| a.binding(b).environment.0),
                hops: r.hops,
                captured: r.captured,
                dynamic: r.dynamic,
                candidates: a.candidates(r).iter().map(|e| e.0).collect(),
            })
            .collect(),
        syntax_errors: a
            .syntax_errors
            .iter()
            .map(|e| SyntaxError {
                message: &e.message,
                start: pos(e.span.start),
                end: pos(e.span.end),
            })
            .collect(),
        degradation: Degradation {
            blanked: a.degradation.blanked.iter().map(|&s| region(s)).collect(),
            unanalysed: a.degradation.unanalysed.as_deref(),
        },
    }
}

pub(super) fn write(
    out: &mut impl Write,
    file: &str,
    a: &Analysis,
    imports: &[(BindingId, Import)],
) -> io::Result<()> {
    let m = model(file, a, imports);
    writeln!(out, "{{")?;
    field(out, "file", &m.file)?;
    field(out, "kind", &m.kind)?;
    array(out, "environments", &m.environments)?;
    array(out, "bindings", &m.bindings)?;
    array(out, "references", &m.references)?;
    array(out, "syntax_errors", &m.syntax_errors)?;
    writeln!(out, "  \"degradation\": {}", to_json(&m.degradation))?;
    writeln!(out, "}}")
}

fn field(out: &mut impl Write, key: &str, value: &impl Serialize) -> io::Result<()> {
    writeln!(out, "  {}: {},", to_json(&key), to_json(value))
}

fn array<T: Serialize>(out: &mut impl Write, key: &str, items: &[T]) -> io::Result<()> {
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

#[cfg(test)]
mod tests {
    use crate::engine::{Input, analyze_in_thread};

    /// A bundle's shape: one wrapper whose `n` variables are all kept alive by `n` closures.
    fn bundle(n: usize) -> String {
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
    }

    fn json(source: &str) -> String {
        let a = analyze_in_thread(&Input::new(source, "b.js"));
        let mut out = Vec::new();
        super::write(&mut out, "b.js", &a, &[]).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_grows_linearly_with_closures_sharing_a_context() {
        let (small, large) = (json(&bundle(200)), json(&bundle(400)));
        let ratio = large.len() as f64 / small.len() as f64;
        assert!(
            ratio < 2.2,
            "doubling the input multiplied the output by {ratio}"
        );
        // Every closure keeps the wrapper's one context alive, named once.
        let value: serde_json::Value = serde_json::from_str(&large).unwrap();
        let envs = value["environments"].as_array().unwrap();
        let wrapper = envs
            .iter()
            .find(|e| {
                e["context_slots"]
                    .as_array()
                    .is_some_and(|s| s.len() == 400)
            })
            .expect("the wrapper's context lists its 400 variables");
        let keeping: Vec<_> = envs
            .iter()
            .filter(|e| e["keeps_alive"] == serde_json::json!([wrapper["id"]]))
            .collect();
        assert_eq!(keeping.len(), 400);
    }
}
