//! `scopelens heap --format json`: the contract of issue 23, for tools and tests.
//!
//! `{"closures": [{"name", "file", "line", "column", "instances", "retained_bytes", "node_ids",
//! "aligned", "contexts": [{"environment": {"kind", "owner", "line", "column"} | null,
//! "retained_bytes", "shared_by", "count", "node_ids", "variables": [{"name", "retained_bytes",
//! "captured_by", "kept_for_siblings"}]}]}], "unmatched_scripts": [{"name", "closures",
//! "retained_bytes"}], "other_closures", "heap": {"total_bytes", "nodes", "edges"}, "notes"}`.
//! `file` is relative to the root; `line`/`column` are 1-based (UTF-16 columns) at the
//! function's start; `node_ids` are V8's object ids (`@id` in DevTools), biggest first, at most
//! 100.
//!
//! Partial lists say so, with fields present only then: a Context lists at most 32 variables
//! (the function's own captures first, then the biggest) and adds `"omitted_variables"` and
//! `"omitted_retained_bytes"`; a set of Contexts with more variables than that, shared by
//! several functions, is listed once, with the biggest of them, and the others list only their
//! own captures and add `"described_with"` (`"name (file:line:column)"`); a variable captured by
//! more than 16 functions names 16 and adds `"captured_by_omitted"`.

use std::io::{self, Write};

use serde::Serialize;

use crate::heap::{ContextReport, EnvironmentInfo, FunctionReport, Report, VariableReport};

/// Written as it is serialised, never built as a JSON tree first: a report of a big program
/// is tens of MB of JSON, and a tree of it ten times that in memory.
pub fn write(out: &mut impl Write, r: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Json::from(r))?;
    writeln!(out)
}

/// The report in its JSON shape (field order is the output's order).
#[derive(Serialize)]
pub struct Json<'a> {
    closures: Vec<Function<'a>>,
    unmatched_scripts: Vec<Unmatched<'a>>,
    other_closures: u32,
    heap: Totals,
    notes: &'a [String],
}

impl<'a> From<&'a Report> for Json<'a> {
    fn from(r: &'a Report) -> Self {
        Json {
            closures: r.closures.iter().map(Function::from).collect(),
            unmatched_scripts: r
                .unmatched_scripts
                .iter()
                .map(|s| Unmatched {
                    name: &s.name,
                    closures: s.closures,
                    retained_bytes: s.retained_bytes,
                })
                .collect(),
            other_closures: r.other_closures,
            heap: Totals {
                total_bytes: r.total_bytes,
                nodes: r.nodes,
                edges: r.edges,
            },
            notes: &r.notes,
        }
    }
}

#[derive(Serialize)]
struct Totals {
    total_bytes: u64,
    nodes: u32,
    edges: u64,
}

#[derive(Serialize)]
struct Unmatched<'a> {
    name: &'a str,
    closures: u32,
    retained_bytes: u64,
}

#[derive(Serialize)]
struct Function<'a> {
    name: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    instances: u32,
    retained_bytes: u64,
    node_ids: &'a [u32],
    aligned: bool,
    contexts: Vec<Context<'a>>,
}

impl<'a> From<&'a FunctionReport> for Function<'a> {
    fn from(f: &'a FunctionReport) -> Self {
        Function {
            name: &f.name,
            file: &f.file,
            line: f.line,
            column: f.column,
            instances: f.instances,
            retained_bytes: f.retained_bytes,
            node_ids: &f.node_ids,
            aligned: f.aligned,
            contexts: f.contexts.iter().map(Context::from).collect(),
        }
    }
}

#[derive(Serialize)]
struct Context<'a> {
    environment: Option<Environment<'a>>,
    retained_bytes: u64,
    shared_by: u32,
    count: u32,
    node_ids: &'a [u32],
    variables: Vec<Variable<'a>>,
    #[serde(skip_serializing_if = "is_zero")]
    omitted_variables: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    omitted_retained_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    described_with: Option<&'a str>,
}

impl<'a> From<&'a ContextReport> for Context<'a> {
    fn from(c: &'a ContextReport) -> Self {
        Context {
            environment: c.environment.as_ref().map(Environment::from),
            retained_bytes: c.retained_bytes,
            shared_by: c.shared_by,
            count: c.count,
            node_ids: &c.node_ids,
            variables: c.variables.iter().map(Variable::from).collect(),
            omitted_variables: c.omitted_variables,
            omitted_retained_bytes: (c.omitted_variables > 0).then_some(c.omitted_bytes),
            described_with: c.described_with.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct Environment<'a> {
    kind: &'a str,
    owner: &'a str,
    line: u32,
    column: u32,
}

impl<'a> From<&'a EnvironmentInfo> for Environment<'a> {
    fn from(e: &'a EnvironmentInfo) -> Self {
        Environment {
            kind: e.kind,
            owner: &e.owner,
            line: e.line,
            column: e.column,
        }
    }
}

#[derive(Serialize)]
struct Variable<'a> {
    name: &'a str,
    retained_bytes: u64,
    captured_by: &'a [String],
    kept_for_siblings: bool,
    #[serde(skip_serializing_if = "is_zero")]
    captured_by_omitted: u32,
}

impl<'a> From<&'a VariableReport> for Variable<'a> {
    fn from(v: &'a VariableReport) -> Self {
        Variable {
            name: &v.name,
            retained_bytes: v.retained_bytes,
            captured_by: &v.captured_by,
            kept_for_siblings: v.kept_for_siblings,
            captured_by_omitted: v.captured_by_omitted,
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
