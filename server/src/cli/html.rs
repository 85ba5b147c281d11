//! `explain --format html`: one self-contained page (inline CSS and JavaScript, no network: its
//! Content-Security-Policy allows nothing to be fetched) that draws the environments as nested
//! boxes over the source, links every identifier to its binding, draws captures and the
//! environments closures keep alive, and shows the scope chain at the clicked identifier.
//!
//! The page's data is the model in a compact form made for the page (flat arrays of numbers,
//! names interned, positions as UTF-16 offsets into the source, each reference's start as the
//! distance from the previous one), so the page stays a small multiple of the file; the page
//! renders only the lines near the view. It sits in a `<script type="application/json">`
//! element; every `<`, `>` and `&` in it is written as a `\u003c`-style escape, so no text in the
//! file can close the script element. The documented, stable model is `--format json`.
//!
//! The data (`PageData`): `envs` has 5 numbers per environment (kind index into `kinds`,
//! parent + 1 (0: none), start, end, flags: 1 a closure, 2 module-level), `owners` its owner;
//! `anchors` 3 numbers per closure (environment, start, length: its name, or its `function`
//! keyword or `=>`, where capture arrows start); `bindings` 5 per binding (name index, index into
//! `decls`, environment, start, flags: 1 mutated); `captures` per captured binding: binding,
//! count, then the capturing closures; `refs` 6 per reference (start minus the previous start,
//! name index, binding + 1 (0: none), hops, innermost environment at it, flags: 1 captured,
//! 2 dynamic, 4 written, 8 `typeof` operand).

use std::io::{self, Write};

use serde::Serialize;

use crate::engine::{Analysis, Span};
use crate::ide::describe::{declaration_span, owner};

const PAGE: &str = include_str!("page.html");
const DATA: &str = "{{DATA}}";
const TITLE: &str = "{{TITLE}}";

#[derive(Serialize)]
struct PageData<'a> {
    file: &'a str,
    kind: &'static str,
    source: &'a str,
    names: Vec<&'a str>,
    kinds: &'static [&'static str],
    decls: Vec<&'static str>,
    envs: Vec<u32>,
    owners: Vec<String>,
    anchors: Vec<u32>,
    bindings: Vec<u32>,
    captures: Vec<u32>,
    refs: Vec<u32>,
    /// For dynamic references: reference index, count, then the candidate environments.
    candidates: Vec<u32>,
    errors: Vec<(&'a str, u32, u32)>,
    blanked: Vec<(u32, u32)>,
    unanalysed: Option<&'a str>,
}

const KINDS: &[&str] = &[
    "global",
    "script",
    "module",
    "function",
    "function-body",
    "function-name",
    "block",
    "catch",
    "class",
    "with",
    "eval",
];

/// Byte offsets → UTF-16 offsets (what JavaScript strings index by).
struct Utf16 {
    /// Empty when the text is ASCII: offsets are the same.
    at: Vec<u32>,
}

impl Utf16 {
    fn new(source: &str) -> Self {
        if source.is_ascii() {
            return Utf16 { at: Vec::new() };
        }
        let mut at = vec![0u32; source.len() + 1];
        let mut units = 0u32;
        for (i, c) in source.char_indices() {
            for k in 0..c.len_utf8() {
                at[i + k] = units;
            }
            units += c.len_utf16() as u32;
        }
        at[source.len()] = units;
        Utf16 { at }
    }
    fn of(&self, byte: u32) -> u32 {
        if self.at.is_empty() {
            byte
        } else {
            self.at[(byte as usize).min(self.at.len() - 1)]
        }
    }
}

pub(super) fn write(
    out: &mut impl Write,
    file: &str,
    source: &str,
    a: &Analysis,
) -> io::Result<()> {
    let data = page_data(file, source, a);
    let json = serde_json::to_string(&data).expect("the model serialises");
    drop(data);
    let (head, tail) = PAGE.split_once(DATA).expect("the page has a data slot");
    let title = escape_html(file);
    out.write_all(head.replace(TITLE, &title).as_bytes())?;
    out.write_all(escape_script_json(&json).as_bytes())?;
    out.write_all(tail.replace(TITLE, &title).as_bytes())
}

fn page_data<'a>(file: &'a str, source: &'a str, a: &'a Analysis) -> PageData<'a> {
    let u = Utf16::new(source);
    let kind_index = |k: &str| KINDS.iter().position(|&x| x == k).unwrap_or(0) as u32;
    let mut decls: Vec<&'static str> = Vec::new();
    let mut decl_index = |d: &'static str| match decls.iter().position(|&x| x == d) {
        Some(i) => i as u32,
        None => {
            decls.push(d);
            decls.len() as u32 - 1
        }
    };
    let mut envs = Vec::with_capacity(a.environments.len() * 5);
    let mut owners = Vec::with_capacity(a.environments.len());
    let mut anchors = Vec::new();
    let mut heads = vec![None; a.environments.len()];
    for &(span, env) in &a.facts.closure_heads {
        heads[env.0 as usize] = Some(span);
    }
    for id in a.env_ids() {
        let e = a.env(id);
        let flags = e.is_closure() as u32 | (a.is_module_level(id) as u32) << 1;
        envs.extend([
            kind_index(e.kind.as_str()),
            e.parent.map_or(0, |p| p.0 + 1),
            u.of(e.span.start),
            u.of(e.span.end),
            flags,
        ]);
        owners.push(owner(a, id).to_string());
        if e.is_closure() {
            let at = anchor(source, a, id, heads[id.0 as usize]);
            anchors.extend([id.0, u.of(at.start), u.of(at.end) - u.of(at.start)]);
        }
    }
    let mut bindings = Vec::with_capacity(a.bindings.len() * 5);
    let mut captures = Vec::new();
    for (i, b) in a.bindings.iter().enumerate() {
        let id = crate::engine::BindingId(i as u32);
        bindings.extend([
            b.name.0,
            decl_index(b.declaration.as_str()),
            b.environment.0,
            u.of(declaration_span(a, id).start),
            b.mutated as u32,
        ]);
        if !b.captured_by.is_empty() {
            captures.extend([i as u32, b.captured_by.len() as u32]);
            captures.extend(b.captured_by.iter().map(|e| e.0));
        }
    }
    let mut refs = Vec::with_capacity(a.references.len() * 6);
    let mut candidates = Vec::new();
    let mut previous = 0;
    for (i, r) in a.references.iter().enumerate() {
        let start = u.of(r.span.start);
        let flags = r.captured as u32
            | (r.dynamic as u32) << 1
            | (r.flags.write as u32) << 2
            | (r.typeof_operand as u32) << 3;
        refs.extend([
            start.wrapping_sub(previous),
            r.name.0,
            r.binding.map_or(0, |b| b.0 + 1),
            r.hops,
            r.environment.0,
            flags,
        ]);
        previous = start;
        if r.dynamic {
            let c = a.candidates(r);
            candidates.extend([i as u32, c.len() as u32]);
            candidates.extend(c.iter().map(|e| e.0));
        }
    }
    PageData {
        file,
        kind: a.source_kind.as_str(),
        source,
        names: (0..a.names.len() as u32)
            .map(|n| a.name(crate::engine::NameId(n)))
            .collect(),
        kinds: KINDS,
        decls,
        envs,
        owners,
        anchors,
        bindings,
        captures,
        refs,
        candidates,
        errors: a
            .syntax_errors
            .iter()
            .map(|e| (e.message.as_str(), u.of(e.span.start), u.of(e.span.end)))
            .collect(),
        blanked: a
            .degradation
            .blanked
            .iter()
            .map(|s| (u.of(s.start), u.of(s.end)))
            .collect(),
        unanalysed: a.degradation.unanalysed.as_deref(),
    }
}

/// Where a closure's capture arrows start: its name (`function report`, a method's key), else
/// its `function` keyword or `=>`, else its first character.
fn anchor(source: &str, a: &Analysis, closure: crate::engine::EnvId, head: Option<Span>) -> Span {
    let start = a.env(closure).span.start as usize;
    let text = &source.as_bytes()[start..source.len().min(start + 256)];
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < text.len() && text[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    for keyword in [&b"async"[..], b"function"] {
        if text[i..].starts_with(keyword)
            && text.get(i + keyword.len()).is_none_or(|&c| !is_ident(c))
        {
            i += keyword.len();
            skip_space(&mut i);
        }
    }
    if text.get(i) == Some(&b'*') {
        i += 1;
        skip_space(&mut i);
    }
    let name_end = i + text[i..].iter().take_while(|&&c| is_ident(c)).count();
    if name_end > i && !text[i].is_ascii_digit() {
        let name = &text[i..name_end];
        // An arrow's parameter (`x => …`) is not its name.
        let arrow = head.is_some_and(|h| source.as_bytes().get(h.start as usize) == Some(&b'='));
        if !arrow && name != b"async" {
            return Span::new((start + i) as u32, (start + name_end) as u32);
        }
    }
    if let Some(head) = head {
        return head;
    }
    // A method starts at its parameters: its name is the key just before them.
    let before = source[..start].trim_end();
    let key = before.len() - before.bytes().rev().take_while(|&c| is_ident(c)).count();
    if key < before.len() {
        return Span::new(key as u32, before.len() as u32);
    }
    Span::new(start as u32, start as u32 + 1)
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

    fn data(source: &str, file: &str) -> serde_json::Value {
        let html = page(source, file);
        let start = html.find(r#"id="scopelens-data">"#).unwrap() + r#"id="scopelens-data">"#.len();
        let end = start + html[start..].find("</script>").unwrap();
        serde_json::from_str(&html[start..end]).unwrap()
    }

    /// Where capture arrows start: the closure's name, else its `function` keyword or `=>`.
    #[test]
    fn arrows_start_at_the_closure_name() {
        let source = "function outer(x) {\n  const h = function handler() { return x; };\n  const a = async (y) => x + y;\n  const m = { go() { return x; } };\n  return [h, a, m, function () { return x; }];\n}\n";
        let d = data(source, "a.js");
        let anchors: Vec<&str> = d["anchors"]
            .as_array()
            .unwrap()
            .chunks(3)
            .map(|c| {
                let start = c[1].as_u64().unwrap() as usize;
                &source[start..start + c[2].as_u64().unwrap() as usize]
            })
            .collect();
        assert_eq!(anchors, ["outer", "handler", "=>", "go", "function"]);
    }

    /// Offsets in the page's data count UTF-16 units, as JavaScript strings do.
    #[test]
    fn offsets_are_utf16() {
        let source = "let é = '😀'; let z = é;\n";
        let d = data(source, "u.js");
        let bindings = d["bindings"].as_array().unwrap();
        // After `é` and `😀`, UTF-16 offsets and byte offsets differ.
        let starts: Vec<u64> = bindings.chunks(5).map(|b| b[3].as_u64().unwrap()).collect();
        let utf16: Vec<u64> = ["é", "z"]
            .iter()
            .map(|n| {
                let byte = source.find(&format!("let {n}")).unwrap() + 4;
                source[..byte].encode_utf16().count() as u64
            })
            .collect();
        assert_eq!(starts, utf16);
    }

    /// The data grows linearly: a closure's kept-alive state is not repeated per closure.
    #[test]
    fn data_grows_linearly() {
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
        let (small, large) = (bundle(300), bundle(600));
        let ratio = page(&large, "b.js").len() as f64 / page(&small, "b.js").len() as f64;
        assert!(
            ratio < 2.2,
            "doubling the input multiplied the page by {ratio}"
        );
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
