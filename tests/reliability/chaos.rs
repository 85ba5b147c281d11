//! Protocol chaos: seeded random interleavings of document sync, requests and broken messages.
//! After every step the server's answers (hover and definition at identifiers and at random
//! positions) must equal those of a fresh analysis of the reference text; every request gets an
//! answer; errors are JSON-RPC errors with the right code; the server never exits on its own.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::client::{Encoding, Server};
use crate::model::{self, Analysed, Rng, offset_of};

const SNIPPETS: [&str; 4] = [
    include_str!("../../examples/ninja.js"),
    include_str!("../../examples/closure.js"),
    include_str!("../../examples/loops.js"),
    "let a = 1;\nfunction f(b) {\n  return () => a + b;\n}\nf(a);\n",
];

/// Pieces random insertions are made of: code, broken code, and awkward characters.
const PIECES: [&str; 40] = [
    "let ",
    "const ",
    "var ",
    "x",
    "y1",
    "a",
    "b",
    "f",
    " = ",
    "1",
    ";",
    "\n",
    "\r\n",
    "\r",
    "function g(",
    ") {",
    "}",
    "{",
    "(",
    ")",
    "[",
    "]",
    "=> ",
    "return ",
    "class C {",
    "`${",
    "\"",
    "'",
    "/*",
    "*/",
    "//",
    "😀",
    "é",
    "e\u{301}",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
    "if (x) ",
    "for (let i of y) ",
    " ",
];

pub const CONTENT_MODIFIED: i64 = -32801;
pub const REQUEST_CANCELLED: i64 = -32800;
pub const INVALID_PARAMS: i64 = -32602;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const PARSE_ERROR: i64 = -32700;

struct Doc {
    uri: String,
    file_name: String,
    text: String,
    version: i32,
    /// What the server may hold: which texts it analysed depends on timing (bursts of edits,
    /// the analysis started by didOpen), so the reference keeps every possibility; answers must
    /// match one of them, and the candidates that do not match are dropped.
    states: Vec<State>,
}

#[derive(Clone)]
struct State {
    /// The last analysis that parsed.
    base: Option<Analysed>,
    /// The view published for the current revision, once known (an unchanged text is not
    /// analysed again, so later answers come from the same view).
    served: Option<Arc<model::View>>,
    /// The base text `served` was computed against (two served views that agree with every
    /// answer so far may still differ elsewhere: both are kept).
    served_from: Option<String>,
}

impl State {
    fn view(&self, doc: &Doc) -> Arc<model::View> {
        self.served
            .clone()
            .unwrap_or_else(|| Arc::new(model::view(&doc.text, &doc.file_name, self.base.as_ref())))
    }
}

/// Statistics of one run.
#[derive(Default, Debug)]
pub struct Stats {
    pub steps: u64,
    pub messages: u64,
    pub compared: u64,
    pub content_modified: u64,
}

fn random_text(rng: &mut Rng, max_pieces: usize) -> String {
    let n = rng.below(max_pieces + 1);
    (0..n).map(|_| *rng.pick(&PIECES)).collect()
}

/// A random position: mostly inside the text, sometimes past a line's end or the last line.
fn random_position(rng: &mut Rng, text: &str) -> (u32, u32) {
    let lines = text.split(['\n', '\r']).count() as u32;
    let line = if rng.chance(10) {
        lines + rng.below(3) as u32
    } else {
        rng.below(lines as usize) as u32
    };
    let col = if rng.chance(5) {
        u32::MAX - rng.below(2) as u32
    } else {
        rng.below(40) as u32
    };
    (line, col)
}

fn lsp_position((line, character): (u32, u32)) -> Value {
    json!({ "line": line, "character": character })
}

fn random_change(rng: &mut Rng, text: &str) -> Value {
    if rng.chance(3) {
        return json!({ "text": random_text(rng, 30) }); // full replacement
    }
    let (mut a, mut b) = (random_position(rng, text), random_position(rng, text));
    if rng.chance(70) {
        // Mostly small, nearby edits (typing): same line, short range.
        b = (a.0, a.1.saturating_add(rng.below(3) as u32));
        if rng.chance(10) {
            std::mem::swap(&mut a, &mut b); // reversed
        }
    }
    let new_text = if rng.chance(2) {
        "\n".repeat(2_000) + &"z".repeat(10_000) // a huge edit
    } else {
        random_text(rng, 4)
    };
    json!({
        "range": { "start": lsp_position(a), "end": lsp_position(b) },
        "text": new_text,
    })
}

fn error_code(error: &Value) -> i64 {
    error["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a JSON-RPC error: {error}"))
}

fn position_params(uri: &str, pos: (u32, u32)) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": lsp_position(pos) })
}

/// Offsets worth asking at: identifiers of the text (by a rough scan), plus random positions.
fn probes(rng: &mut Rng, text: &str, encoding: Encoding) -> Vec<(u32, u32)> {
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| {
            (c.is_ascii_alphabetic() || c == '_')
                && !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|p| p.is_ascii_alphanumeric() || p == '_')
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = Vec::new();
    for _ in 0..3 {
        if !starts.is_empty() {
            let offset = *rng.pick(&starts);
            out.push(crate::client::position_of(text, offset, encoding));
        }
    }
    out.push(random_position(rng, text));
    out
}

impl Doc {
    fn open(server: &mut Server, uri: &str, text: &str) -> Doc {
        let file_name = uri.rsplit(['/', ':']).next().unwrap().to_string();
        let file_name = if file_name.ends_with(".js") {
            file_name
        } else {
            format!("{file_name}.js")
        };
        server.open(uri, "javascript", text);
        let mut doc = Doc {
            uri: uri.into(),
            file_name,
            text: text.into(),
            version: 1,
            states: vec![State {
                base: None,
                served: None,
                served_from: None,
            }],
        };
        // The worker starts on the opened text at once: it may become the base before the next
        // edit arrives.
        doc.maybe_analysed();
        doc
    }

    fn change(&mut self, server: &mut Server, rng: &mut Rng, encoding: Encoding) {
        let changes: Vec<Value> = (0..1 + rng.below(3))
            .map(|_| {
                let change = random_change(rng, &self.text);
                model::apply_change(&mut self.text, &change, encoding);
                change
            })
            .collect();
        if self.text.len() > 64 << 10 {
            // Keep the document small enough for a debug build; a full replacement.
            self.text = SNIPPETS[0].into();
            let mut all = changes;
            all.push(json!({ "text": self.text }));
            self.send_change(server, rng, all);
            return;
        }
        self.send_change(server, rng, changes);
    }

    fn send_change(&mut self, server: &mut Server, rng: &mut Rng, changes: Vec<Value>) {
        // Every didChange is a new revision: analysed afresh against the base.
        for state in &mut self.states {
            state.served = None;
            state.served_from = None;
        }
        // Versions mostly increase; sometimes repeat or go back (the server applies the edits
        // anyway: they are relative to the text it has).
        self.version = match rng.below(10) {
            0 => self.version,
            1 => self.version - 3,
            _ => self.version + 1,
        };
        server.change(&self.uri, self.version, Value::Array(changes));
    }

    /// The current text might have been analysed (a burst or a pipelined request): it may be
    /// the server's base now.
    fn maybe_analysed(&mut self) {
        let mut added = Vec::new();
        for state in &self.states {
            if let Some(fresh) = state.view(self).fresh.clone() {
                added.push(State {
                    base: Some(fresh),
                    served: None,
                    served_from: None,
                });
            }
        }
        self.states.extend(added);
        self.dedup();
    }

    fn dedup(&mut self) {
        let mut seen: Vec<(Option<String>, bool, Option<String>)> = Vec::new();
        self.states.retain(|s| {
            let key = (
                s.base.as_ref().map(|b| b.text.to_string()),
                s.served.is_some(),
                s.served_from.clone(),
            );
            let new = !seen.contains(&key);
            seen.push(key);
            new
        });
        let len = self.states.len();
        if len > 64 {
            self.states.drain(..len - 64);
        }
    }

    /// Hover and definition at a few positions; every answer must match one candidate's view.
    fn verify(
        &mut self,
        server: &mut Server,
        rng: &mut Rng,
        encoding: Encoding,
        stats: &mut Stats,
    ) {
        let views: Vec<Arc<model::View>> = self.states.iter().map(|s| s.view(self)).collect();
        let mut consistent = vec![true; views.len()];
        for pos in probes(rng, &self.text, encoding) {
            let offset = offset_of(&self.text, pos.0, pos.1, encoding);
            for method in ["textDocument/hover", "textDocument/definition"] {
                let answer = server.request(method, position_params(&self.uri, pos));
                stats.compared += 1;
                let Some(offset) = offset else {
                    let error = answer.expect_err("a position past the end is an error");
                    assert_eq!(error_code(&error), INVALID_PARAMS, "{error}");
                    continue;
                };
                let answer = answer.unwrap_or_else(|e| {
                    panic!("{method} at {pos:?} failed: {e}\ntext: {:?}", self.text)
                });
                let mut any = false;
                for (view, ok) in views.iter().zip(&mut consistent) {
                    let expected = match method {
                        "textDocument/hover" => view.hover(&self.text, offset, encoding),
                        _ => view.definition(&self.uri, &self.text, offset, encoding),
                    };
                    *ok &= expected == answer;
                    any |= expected == answer;
                }
                if !any {
                    for (state, view) in self.states.iter().zip(&views) {
                        eprintln!(
                            "candidate base {:?}: {}",
                            state.base.as_ref().map(|b| &b.text),
                            match method {
                                "textDocument/hover" => view.hover(&self.text, offset, encoding),
                                _ => view.definition(&self.uri, &self.text, offset, encoding),
                            }
                        );
                    }
                    panic!(
                        "{method} at {pos:?} (offset {offset}) answered {answer}\ntext: {:?}",
                        self.text
                    );
                }
            }
        }
        // The answers pin the base down: the current text is analysed now.
        let mut states = Vec::new();
        for ((state, view), ok) in self.states.iter().zip(views).zip(consistent) {
            if ok {
                let served_from = match &state.served {
                    Some(_) => state.served_from.clone(),
                    None => state.base.as_ref().map(|b| b.text.to_string()),
                };
                states.push(State {
                    base: view.fresh.clone().or_else(|| state.base.clone()),
                    served: Some(view),
                    served_from,
                });
            }
        }
        self.states = states;
        self.dedup();
        // inlay hints and scope chain: shapes only (their content is covered by the lsp tests).
        let end = lsp_position((u32::MAX, 0));
        let hints = server
            .request(
                "textDocument/inlayHint",
                json!({ "textDocument": { "uri": self.uri }, "range": { "start": lsp_position((0, 0)), "end": end } }),
            )
            .expect("inlay hints over a generous range");
        assert!(hints.is_array(), "{hints}");
        let pos = random_position(rng, &self.text);
        match server.request("scopelens/scopeChain", position_params(&self.uri, pos)) {
            Ok(chain) => {
                let envs = chain["environments"].as_array().expect("environments");
                assert!(envs.is_empty() || envs.last().unwrap()["kind"] == "global");
            }
            Err(e) => assert_eq!(error_code(&e), INVALID_PARAMS, "{e}"),
        }
        stats.compared += 2;
    }
}

/// One seeded run: `max_steps` steps or `budget` of time, whichever comes first.
pub fn run(seed: u64, encoding: Encoding, max_steps: u64, budget: Duration) -> Stats {
    let mut rng = Rng::new(seed);
    let offered = match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16 => "utf-16",
    };
    let (mut server, _) = Server::start(&[offered], Value::Null);
    let uris = [
        "file:///chaos/a.js",
        "untitled:Untitled-1",
        "file:///chaos/b%20c.js",
    ];
    let mut docs: Vec<Option<Doc>> = uris.iter().map(|_| None).collect();
    let mut stats = Stats::default();
    let started = Instant::now();
    while stats.steps < max_steps && started.elapsed() < budget {
        stats.steps += 1;
        let which = rng.below(docs.len());
        let uri = uris[which];
        let Some(doc) = docs[which].as_mut() else {
            // Requests for a document that is not open are invalid params.
            let error = server
                .request("textDocument/hover", position_params(uri, (0, 0)))
                .expect_err("not open");
            assert_eq!(error_code(&error), INVALID_PARAMS);
            server.change(uri, 5, json!([{ "text": "ignored" }])); // ignored, not a crash
            docs[which] = Some(Doc::open(
                &mut server,
                uri,
                SNIPPETS[rng.below(SNIPPETS.len())],
            ));
            continue;
        };
        match rng.below(20) {
            0..=7 => doc.change(&mut server, &mut rng, encoding),
            8..=9 => {
                // A burst: intermediate texts may or may not be analysed.
                for _ in 0..2 + rng.below(3) {
                    doc.change(&mut server, &mut rng, encoding);
                    doc.maybe_analysed();
                }
            }
            10 => {
                // A request pipelined before an edit: answered for the text it arrived at,
                // or ContentModified.
                let offset = doc.text.len() / 2;
                let offset = (0..=offset)
                    .rev()
                    .find(|&o| doc.text.is_char_boundary(o))
                    .unwrap();
                let pos = crate::client::position_of(&doc.text, offset, encoding);
                let views: Vec<_> = doc.states.iter().map(|s| s.view(doc)).collect();
                let expected: Vec<Value> = views
                    .iter()
                    .map(|v| v.hover(&doc.text, offset, encoding))
                    .collect();
                let before = doc.text.clone();
                let id = server.send_request("textDocument/hover", position_params(uri, pos));
                doc.maybe_analysed();
                doc.change(&mut server, &mut rng, encoding);
                match server.response(id) {
                    Ok(answer) => assert!(
                        expected.contains(&answer),
                        "pipelined hover answered {answer}, expected {}\ntext: {before:?}",
                        expected[0]
                    ),
                    Err(e) => {
                        assert_eq!(error_code(&e), CONTENT_MODIFIED, "{e}");
                        stats.content_modified += 1;
                    }
                }
            }
            11 => {
                // Cancelled: either answered or RequestCancelled, never silence.
                let id = server.send_request("textDocument/hover", position_params(uri, (0, 0)));
                server.notify("$/cancelRequest", json!({ "id": id }));
                server.notify("$/cancelRequest", json!({ "id": 999_999 }));
                if let Err(e) = server.response(id) {
                    assert_eq!(error_code(&e), REQUEST_CANCELLED, "{e}");
                }
            }
            12 => {
                let error = server
                    .request("scopelens/noSuchMethod", json!({}))
                    .expect_err("unknown method");
                assert_eq!(error_code(&error), METHOD_NOT_FOUND);
                server.notify("scopelens/noSuchNotification", json!({ "x": 1 }));
            }
            13 => {
                let bad = [
                    json!({ "textDocument": { "uri": uri }, "position": "here" }),
                    json!({ "textDocument": 7 }),
                    json!([1, 2, 3]),
                    json!({ "textDocument": { "uri": uri }, "position": { "line": -1, "character": 0 } }),
                ];
                let error = server
                    .request("textDocument/hover", rng.pick(&bad).clone())
                    .expect_err("wrong-typed params");
                assert_eq!(error_code(&error), INVALID_PARAMS, "{error}");
                // Wrong-typed notifications are dropped.
                server.notify("textDocument/didChange", json!({ "textDocument": 3 }));
            }
            14 => {
                let bodies: [&[u8]; 4] = [
                    b"{\"jsonrpc\":\"2.0\",\"id\":",
                    b"\xff\xfe not utf-8",
                    b"",
                    b"[]",
                ];
                let body = *rng.pick(&bodies);
                server.send_body(body);
                let error = server.null_id_error();
                let code = error_code(&error["error"]);
                assert!(code == PARSE_ERROR || code == -32600, "{error}");
                if rng.chance(30) {
                    server.send_raw(b"garbage without headers\r\n\r\n");
                }
            }
            15 => {
                let error = server
                    .request(
                        "textDocument/hover",
                        position_params("file:///chaos/never-opened.js", (0, 0)),
                    )
                    .expect_err("unknown uri");
                assert_eq!(error_code(&error), INVALID_PARAMS);
            }
            16 => {
                server.notify(
                    "textDocument/didClose",
                    json!({ "textDocument": { "uri": uri } }),
                );
                docs[which] = None;
                if rng.chance(50) {
                    server.notify(
                        "textDocument/didClose",
                        json!({ "textDocument": { "uri": uri } }),
                    );
                }
                continue;
            }
            17 => {
                // didOpen of an open document replaces it.
                let text = random_text(&mut rng, 20);
                *doc = Doc::open(&mut server, uri, &text);
            }
            _ => {}
        }
        let doc = docs[which].as_mut().unwrap();
        doc.verify(&mut server, &mut rng, encoding, &mut stats);
        assert!(
            server.running(),
            "the server exited on its own\n{}",
            server.stderr()
        );
    }
    stats.messages = server.sent;
    assert!(server.shutdown().success());
    stats
}
