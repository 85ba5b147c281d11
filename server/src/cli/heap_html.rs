//! `scopelens heap --format html`: one self-contained page (inline CSS and JavaScript; its
//! Content-Security-Policy lets nothing be fetched): the closures in a table sortable by
//! retained size, each opening to its Context chain, variables and source lines.
//!
//! The data is the JSON report (`heap_json`) plus, per function, the first lines of its source.

use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::html::{escape_html, escape_script_json};
use crate::heap::Report;

const PAGE: &str = include_str!("heap_page.html");
/// Source lines shown per function.
const EXCERPT_LINES: usize = 40;

#[derive(Serialize)]
struct Excerpt {
    first: u32,
    lines: Vec<String>,
}

pub fn write(out: &mut impl Write, snapshot: &Path, r: &Report) -> io::Result<()> {
    let mut texts: rustc_hash::FxHashMap<&Path, Option<String>> = Default::default();
    let sources: Vec<Option<Excerpt>> = r
        .closures
        .iter()
        .map(|f| {
            let text = texts
                .entry(f.path.as_path())
                .or_insert_with(|| std::fs::read_to_string(&f.path).ok())
                .as_deref()?;
            let lines = text
                .lines()
                .skip(f.line as usize - 1)
                .take(EXCERPT_LINES)
                .map(str::to_string)
                .collect();
            Some(Excerpt {
                first: f.line,
                lines,
            })
        })
        .collect();
    let data = serde_json::json!({
        "report": super::heap_json::to_json(r),
        "sources": sources,
    });
    let json = serde_json::to_string(&data).expect("the report serialises");
    let title = escape_html(&snapshot.display().to_string());
    let (head, tail) = PAGE
        .split_once("{{DATA}}")
        .expect("the page has a data slot");
    out.write_all(head.replace("{{TITLE}}", &title).as_bytes())?;
    out.write_all(escape_script_json(&json).as_bytes())?;
    out.write_all(tail.as_bytes())
}
