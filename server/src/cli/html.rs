//! `explain --format html`: one self-contained page (inline CSS and JavaScript, no network: its
//! Content-Security-Policy allows nothing to be fetched) that draws the environments as nested
//! boxes over the source, links every identifier to its binding, draws captures and the
//! environments closures keep alive, and shows the scope chain at the clicked identifier.
//!
//! The page's data is the JSON model (`json::model`, the documented format) plus the source text
//! and, for each reference, the innermost environment at it (where the chain walk starts), in a
//! `<script type="application/json">` element. Every `<`, `>` and `&` in it is written as a
//! `\u003c`-style escape, so no text in the file can close the script element.

use std::io::{self, Write};

use serde::Serialize;

use super::json;
use crate::engine::Analysis;

const PAGE: &str = include_str!("page.html");
const DATA: &str = "{{DATA}}";
const TITLE: &str = "{{TITLE}}";

#[derive(Serialize)]
struct PageData<'a> {
    model: json::Model<'a>,
    source: &'a str,
    /// For each reference (same order as `model.references`): the innermost environment at it.
    scopes: Vec<u32>,
}

pub(super) fn write(
    out: &mut impl Write,
    file: &str,
    source: &str,
    a: &Analysis,
) -> io::Result<()> {
    let data = PageData {
        model: json::model(file, a, &[]),
        source,
        scopes: a.references.iter().map(|r| r.environment.0).collect(),
    };
    let json = serde_json::to_string(&data).expect("the model serialises");
    let (head, tail) = PAGE.split_once(DATA).expect("the page has a data slot");
    let title = escape_html(file);
    out.write_all(head.replace(TITLE, &title).as_bytes())?;
    out.write_all(escape_script_json(&json).as_bytes())?;
    out.write_all(tail.replace(TITLE, &title).as_bytes())
}

/// JSON that is safe inside `<script>`: `<`, `>` and `&` only occur inside JSON strings, where
/// `\u003c` means the same character to `JSON.parse`; U+2028/U+2029 escaped for old parsers.
pub(super) fn escape_script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Input};

    fn page(source: &str, file: &str) -> String {
        let a = engine::analyze(&Input::new(source, file));
        let mut out = Vec::new();
        write(&mut out, file, source, &a).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn script_text_cannot_close_the_data_element() {
        let html = page(
            "var s = '</script><script>alert(1)</script>';\n",
            "x</title>.js",
        );
        let data_start = html.find(r#"id="scopelens-data">"#).unwrap();
        let data = &html[data_start..];
        let data = &data[..data.find("</script>").unwrap()];
        assert!(!data.contains('<'), "no `<` inside the data element");
        assert!(data.contains(r"\u003c/script\u003e"));
        assert!(html.contains("<title>x&lt;/title&gt;.js — scopelens</title>"));
        // The page's only `</script>` tags are its own two.
        assert_eq!(html.matches("</script>").count(), 2);
    }

    #[test]
    fn self_contained() {
        let html = page("let a = 1;\n", "a.js");
        for remote in ["http://", "https://", "src=", "<link"] {
            let hits: Vec<_> = html
                .match_indices(remote)
                .map(|(i, _)| &html[i..i + 40])
                .collect();
            // The SVG namespace URI is an identifier, never fetched.
            assert!(
                hits.iter()
                    .all(|h| h.starts_with("http://www.w3.org/2000/svg")),
                "no external resource: {hits:?}"
            );
        }
        assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    }
}
