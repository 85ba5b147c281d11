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

use serde_json::{Value, json};

use crate::heap::{ContextReport, Report};

pub fn write(out: &mut impl Write, r: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_json(r))?;
    writeln!(out)
}

pub fn to_json(r: &Report) -> Value {
    json!({
        "closures": r.closures.iter().map(|f| json!({
            "name": f.name,
            "file": f.file,
            "line": f.line,
            "column": f.column,
            "instances": f.instances,
            "retained_bytes": f.retained_bytes,
            "node_ids": f.node_ids,
            "aligned": f.aligned,
            "contexts": f.contexts.iter().map(context).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unmatched_scripts": r.unmatched_scripts.iter().map(|s| json!({
            "name": s.name,
            "closures": s.closures,
            "retained_bytes": s.retained_bytes,
        })).collect::<Vec<_>>(),
        "other_closures": r.other_closures,
        "heap": {"total_bytes": r.total_bytes, "nodes": r.nodes, "edges": r.edges},
        "notes": r.notes,
    })
}

fn context(c: &ContextReport) -> Value {
    let mut o = json!({
        "environment": c.environment.as_ref().map(|e| json!({
            "kind": e.kind,
            "owner": e.owner,
            "line": e.line,
            "column": e.column,
        })),
        "retained_bytes": c.retained_bytes,
        "shared_by": c.shared_by,
        "count": c.count,
        "node_ids": c.node_ids,
        "variables": c.variables.iter().map(|v| {
            let mut o = json!({
                "name": v.name,
                "retained_bytes": v.retained_bytes,
                "captured_by": v.captured_by,
                "kept_for_siblings": v.kept_for_siblings,
            });
            if v.captured_by_omitted > 0 {
                o["captured_by_omitted"] = json!(v.captured_by_omitted);
            }
            o
        }).collect::<Vec<_>>(),
    });
    if c.omitted_variables > 0 {
        o["omitted_variables"] = json!(c.omitted_variables);
        o["omitted_retained_bytes"] = json!(c.omitted_bytes);
    }
    if let Some(by) = &c.described_with {
        o["described_with"] = json!(by);
    }
    o
}
