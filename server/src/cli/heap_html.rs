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

/// The page's data (serialised as it is written, not built as a JSON tree first).
#[derive(Serialize)]
struct Data<'a> {
    report: super::heap_json::Json<'a>,
    sources: Vec<Option<Excerpt>>,
    max_variables: usize,
}

#[derive(Serialize)]
struct Excerpt {
    first: u32,
    lines: Vec<String>,
}

pub fn write(out: &mut impl Write, snapshot: &Path, r: &Report) -> io::Result<()> {
    // Each file read once, and split into lines once: a big file has thousands of functions.
    let mut texts: rustc_hash::FxHashMap<&Path, Option<(String, Vec<usize>)>> = Default::default();
    let sources: Vec<Option<Excerpt>> = r
        .closures
        .iter()
        .map(|f| {
            let (text, starts) = texts
                .entry(f.path.as_path())
                .or_insert_with(|| {
                    let text = std::fs::read_to_string(&f.path).ok()?;
                    let starts = line_starts(&text);
                    Some((text, starts))
                })
                .as_ref()?;
            let from = *starts.get(f.line as usize - 1).unwrap_or(&text.len());
            let lines = text[from..]
                .lines()
                .take(EXCERPT_LINES)
                .map(str::to_string)
                .collect();
            Some(Excerpt {
                first: f.line,
                lines,
            })
        })
        .collect();
    let data = Data {
        report: super::heap_json::Json::from(r),
        sources,
        max_variables: crate::heap::MAX_VARIABLES,
    };
    let json = serde_json::to_string(&data).expect("the report serialises");
    let title = escape_html(&snapshot.display().to_string());
    let (head, tail) = PAGE
        .split_once("{{DATA}}")
        .expect("the page has a data slot");
    out.write_all(head.replace("{{TITLE}}", &title).as_bytes())?;
    out.write_all(escape_script_json(&json).as_bytes())?;
    out.write_all(tail.as_bytes())
}

/// Where each line starts, as `str::lines` splits them (after `\n`; a `\r` before it belongs
/// to the line break).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .filter(|&i| i < text.len())
        .collect()
}
