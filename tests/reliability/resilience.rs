//! Edit resilience: each line of real files is deleted and typed again one character at a time,
//! so the text is broken most of the time. At every keystroke, hovers at identifiers outside the
//! line being typed must equal the hovers on the finished file.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::client::{Encoding, Server, position_of};
use crate::model::{FALLBACK_NOTE, Rng};

pub const FILES: [(&str, &str); 6] = [
    ("ninja.js", include_str!("../../examples/ninja.js")),
    ("closure.js", include_str!("../../examples/closure.js")),
    ("loops.js", include_str!("../../examples/loops.js")),
    ("counter.cjs", include_str!("../../examples/counter.cjs")),
    ("greeter.mjs", include_str!("../../examples/greeter.mjs")),
    // A few hundred lines of real library code (lodash 4.17.21, MIT): its header and the first
    // helper functions, closed so the finished file parses.
    ("lodash-head.js", include_str!("fixtures/lodash-head.js")),
];

#[derive(Default, Debug, Clone, Copy)]
pub struct Tally {
    pub keystrokes: u64,
    pub hovers: u64,
    /// Exactly the finished file's answer.
    pub identical: u64,
    /// The same answer but for a note (served from the last version that parsed, or a nearby
    /// line left out).
    pub identical_but_notes: u64,
    /// Not compared: the finished answer depends on the line being typed.
    pub dependent: u64,
}

impl Tally {
    pub fn percent(&self) -> f64 {
        100.0 * self.identical as f64 / self.hovers.max(1) as f64
    }
    pub fn percent_but_notes(&self) -> f64 {
        100.0 * (self.identical + self.identical_but_notes) as f64 / self.hovers.max(1) as f64
    }
}

/// Hover Markdown without the notes that say an answer may be incomplete.
fn without_notes(markdown: &str) -> String {
    let markdown = markdown.replace(FALLBACK_NOTE, "");
    markdown
        .split("\n\n")
        .filter(|p| !(p.starts_with("_line") && p.contains("did not parse")))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Whether an answer on the finished file mentions line `n` (1-based): a declaration there, a
/// closure starting there. Such answers legitimately change while that line is retyped (a use
/// of `ninja` is undeclared until `var ninja` is typed again), so they are not compared.
fn mentions_line(markdown: &str, n: usize) -> bool {
    let ends_number = |rest: &str| !rest.starts_with(|c: char| c.is_ascii_digit());
    [format!("line {n}"), format!("at {n}:")]
        .iter()
        .any(|needle| {
            markdown
                .match_indices(needle.as_str())
                .any(|(i, m)| ends_number(&markdown[i + m.len()..]) || m.ends_with(':'))
        })
}

fn identifier_starts(text: &str) -> Vec<usize> {
    let is_id = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = Vec::new();
    let mut prev = ' ';
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        if text[i..].starts_with("/*") || text[i..].starts_with("//") {
            in_comment = true;
        }
        if c == '\n' {
            in_comment = in_comment
                && !text[..i].ends_with("*/")
                && text[..i].rfind("/*") > text[..i].rfind("*/");
        }
        if !in_comment && is_id(c) && !is_id(prev) && !c.is_ascii_digit() {
            // A private name's identifier (and its hover range) starts at the `#`.
            out.push(if prev == '#' { i - 1 } else { i });
        }
        prev = c;
    }
    out
}

fn hover_at(server: &mut Server, uri: &str, text: &str, offset: usize) -> i64 {
    let (line, character) = position_of(text, offset, Encoding::Utf16);
    server.send_request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
    )
}

fn markdown(answer: &Value) -> String {
    answer["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Retypes every `stride`-th non-empty line of `text`; `budget` bounds the time.
pub fn replay(
    server: &mut Server,
    name: &str,
    text: &str,
    stride: usize,
    budget: Duration,
) -> Tally {
    let uri = format!("file:///resilience/{name}");
    let started = Instant::now();
    let mut rng = Rng::new(text.len() as u64);
    server.open(&uri, "javascript", text);
    let idents = identifier_starts(text);
    // The finished file's answers.
    let ids: Vec<i64> = idents
        .iter()
        .map(|&o| hover_at(server, &uri, text, o))
        .collect();
    let finished: Vec<Value> = ids
        .into_iter()
        .map(|id| server.response(id).expect("hover"))
        .collect();
    let mut tally = Tally::default();
    let mut version = 1;
    let mut line_start = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let start = line_start;
        line_start += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if n % stride != 0 || content.trim().is_empty() || started.elapsed() > budget {
            continue;
        }
        let (l, _) = position_of(text, start, Encoding::Utf16);
        let end_col = content.encode_utf16().count() as u32;
        version += 1;
        server.change(&uri, version, json!([{ "range": { "start": { "line": l, "character": 0 }, "end": { "line": l, "character": end_col } }, "text": "" }]));
        let outside: Vec<usize> = (0..idents.len())
            .filter(|&i| idents[i] < start || idents[i] >= start + content.len())
            .collect();
        let mut typed_utf16 = 0u32;
        for c in content.chars() {
            version += 1;
            server.change(&uri, version, json!([{ "range": { "start": { "line": l, "character": typed_utf16 }, "end": { "line": l, "character": typed_utf16 } }, "text": c.to_string() }]));
            typed_utf16 += c.len_utf16() as u32;
            tally.keystrokes += 1;
            let typed = typed_len(content, typed_utf16);
            let current: String = format!(
                "{}{}{}",
                &text[..start],
                &content[..typed],
                &text[start + content.len()..]
            );
            let shift = content.len() - typed;
            let picks: Vec<usize> = (0..4)
                .filter(|_| !outside.is_empty())
                .map(|_| outside[rng.below(outside.len())])
                .collect();
            let ids: Vec<(usize, i64)> = picks
                .iter()
                .map(|&i| {
                    let o = if idents[i] < start {
                        idents[i]
                    } else {
                        idents[i] - shift
                    };
                    (i, hover_at(server, &uri, &current, o))
                })
                .collect();
            for (i, id) in ids {
                let answer = server.response(id).expect("hover answers while typing");
                let expected = &finished[i];
                if mentions_line(&markdown(expected), l as usize + 1) {
                    tally.dependent += 1;
                    continue;
                }
                tally.hovers += 1;
                // Same Markdown, and the same range once shifted back (or none, inside an edit).
                let same_range = answer["range"].is_null() || {
                    let o = if idents[i] < start {
                        idents[i]
                    } else {
                        idents[i] - shift
                    };
                    let (line, character) = position_of(&current, o, Encoding::Utf16);
                    answer["range"]["start"] == json!({ "line": line, "character": character })
                };
                if markdown(&answer) == markdown(expected) && same_range {
                    tally.identical += 1;
                } else if without_notes(&markdown(&answer)) == without_notes(&markdown(expected))
                    && same_range
                {
                    tally.identical_but_notes += 1;
                } else if std::env::var_os("SCOPELENS_RESILIENCE_DIFFS").is_some() {
                    eprintln!(
                        "{name}:{} typing {:?}: at {:?}\n got {}\nwant {}",
                        l + 1,
                        &content[..typed],
                        &text[idents[i]..idents[i] + 8.min(text.len() - idents[i])],
                        markdown(&answer),
                        markdown(expected)
                    );
                }
            }
        }
    }
    tally
}

/// Byte length of the first `utf16` code units of `s`.
fn typed_len(s: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    s.len()
}
