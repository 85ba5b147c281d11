//! Whole-server tests: spawn the built `scopelens` binary and speak LSP to it over stdio.

mod bindings;
#[path = "../common/lsp_client.rs"]
mod client;
mod client_defaults;
mod cross_module;
mod cross_references;
mod heap;
#[path = "../common/heap_fixture.rs"]
mod heap_fixture;
mod inline_values;
mod ordering;
mod panic_guard;
mod pitfalls;
mod workspace_index;

use client::{Encoding, Server, lsp_pos, pos, range_start};
use serde_json::{Value, json};

const NINJA: &str = include_str!("../fixtures/lsp/ninja.js");
const NINJA_URI: &str = "file:///project/ninja.js";

fn start() -> Server {
    Server::start(&["utf-16"], Value::Null).0
}

fn error_code(error: &Value) -> i64 {
    error["code"].as_i64().unwrap()
}

#[test]
fn initialize_negotiates_utf16_by_default() {
    let (server, result) = Server::start(&[], Value::Null);
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["inlayHintProvider"], true);
    assert_eq!(caps["workspaceSymbolProvider"], true);
    assert_eq!(result["serverInfo"]["name"], "scopelens");
    assert!(server.shutdown().success());
}

#[test]
fn initialize_negotiates_utf8_when_offered() {
    let (server, result) = Server::start(&["utf-32", "utf-8", "utf-16"], Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert!(server.shutdown().success());
}

/// The same document under both encodings: positions after an astral character differ by the
/// encoding, and both must land on the same identifier.
#[test]
fn astral_characters_under_both_encodings() {
    let text = "const face = \"😀\"; let action = face; action;\n";
    for (offered, encoding) in [("utf-16", Encoding::Utf16), ("utf-8", Encoding::Utf8)] {
        let (mut server, _) = Server::start(&[offered], Value::Null);
        let uri = "file:///astral.js";
        server.open(uri, "javascript", text);
        let use_pos = pos(text, "action", 1, encoding);
        let decl_pos = pos(text, "action", 0, encoding);
        let hover = server.hover(uri, use_pos);
        assert!(
            hover["contents"]["value"]
                .as_str()
                .unwrap()
                .contains("action"),
            "{hover}"
        );
        assert_eq!(range_start(&hover["range"]), use_pos, "{offered}: {hover}");
        let def = server.at("textDocument/definition", uri, use_pos).unwrap();
        assert_eq!(range_start(&def["range"]), decl_pos, "{offered}: {def}");
        // The end of the range counts the character too.
        let end = &def["range"]["end"];
        assert_eq!(end["character"].as_u64().unwrap() as u32, decl_pos.1 + 6);
        assert!(server.shutdown().success());
    }
}

#[test]
fn hover_describes_the_environment() {
    let mut server = start();
    server.open(NINJA_URI, "javascript", NINJA);
    let action_in_report = pos(NINJA, "action", 1, Encoding::Utf16);
    let text = server.hover_text(NINJA_URI, action_in_report);
    assert!(text.contains("function environment of `skulk`"), "{text}");
    assert!(
        text.contains("captured") || text.contains("Captured"),
        "{text}"
    );
    let ninja_in_report = pos(NINJA, "ninja", 1, Encoding::Utf16);
    let text = server.hover_text(NINJA_URI, ninja_in_report);
    assert!(text.contains("global environment"), "{text}");
    let intro = pos(NINJA, "intro", 1, Encoding::Utf16);
    let text = server.hover_text(NINJA_URI, intro);
    assert!(text.contains("report"), "{text}");
    let console = pos(NINJA, "console", 0, Encoding::Utf16);
    let text = server.hover_text(NINJA_URI, console);
    assert!(text.contains("global object"), "{text}");
    // The `function` keyword: what the closure keeps alive.
    let text = server.hover_text(NINJA_URI, (1, 0));
    assert!(text.contains("a closure"), "{text}");
    // Whitespace has no hover.
    assert_eq!(server.hover(NINJA_URI, (2, 0)), Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn definition_jumps_to_the_binding() {
    let mut server = start();
    server.open(NINJA_URI, "javascript", NINJA);
    let def = server
        .at(
            "textDocument/definition",
            NINJA_URI,
            pos(NINJA, "action", 1, Encoding::Utf16),
        )
        .unwrap();
    assert_eq!(def["uri"], NINJA_URI);
    assert_eq!(
        range_start(&def["range"]),
        pos(NINJA, "action", 0, Encoding::Utf16)
    );
    assert_eq!(def["range"]["end"], lsp_pos((2, 12)));
    // `console` is declared nowhere in the file.
    let def = server
        .at(
            "textDocument/definition",
            NINJA_URI,
            pos(NINJA, "console", 0, Encoding::Utf16),
        )
        .unwrap();
    assert_eq!(def, Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn inlay_hints_mark_captures() {
    let mut server = start();
    server.open(NINJA_URI, "javascript", NINJA);
    let hints = inlay_hints(&mut server, NINJA_URI, (0, 0), (100, 0));
    let labels: Vec<String> = hints.iter().map(label).collect();
    assert!(labels.iter().any(|l| l.contains("action")), "{labels:?}");
    // A part naming `action` links to its declaration.
    let action_decl = pos(NINJA, "action", 0, Encoding::Utf16);
    let linked = hints
        .iter()
        .flat_map(|h| h["label"].as_array().unwrap().iter())
        .any(|part| {
            part["value"].as_str().unwrap().contains("action")
                && part["location"]["range"]["start"] == lsp_pos(action_decl)
        });
    assert!(linked, "{hints:?}");
    // Range-restricted: nothing from lines 0..=1 (no closure starts or captured use there).
    let none = inlay_hints(&mut server, NINJA_URI, (0, 0), (0, 10));
    assert!(none.is_empty(), "{none:?}");
    assert!(server.shutdown().success());
}

/// A server whose client resolves tooltips and label locations lazily, as VS Code does.
fn start_resolving() -> (Server, Value) {
    let mut server = Server::spawn();
    let result = server
        .request(
            "initialize",
            json!({
                "processId": null,
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "textDocument": { "inlayHint": { "resolveSupport": {
                        "properties": ["tooltip", "textEdits", "label.tooltip", "label.location", "label.command"]
                    } } }
                },
            }),
        )
        .expect("initialize succeeds");
    server.notify("initialized", json!({}));
    (server, result)
}

fn resolve(server: &mut Server, hint: &Value) -> Value {
    server
        .request("inlayHint/resolve", hint.clone())
        .expect("inlayHint/resolve succeeds")
}

/// Without `data` and `tooltip`: what must match between a lazy answer and a full one.
fn without_data(hint: &Value) -> Value {
    let mut hint = hint.clone();
    let object = hint.as_object_mut().unwrap();
    object.remove("data");
    hint
}

#[test]
fn lazy_clients_resolve_tooltips_and_links_to_the_full_hints() {
    let (mut full, _) = Server::start(&["utf-16"], Value::Null);
    full.open(NINJA_URI, "javascript", NINJA);
    let expected = inlay_hints(&mut full, NINJA_URI, (0, 0), (100, 0));
    assert!(full.shutdown().success());
    assert!(
        expected
            .iter()
            .all(|h| h["tooltip"]["kind"] == "markdown" && h["tooltip"]["value"].is_string()),
        "{expected:?}"
    );

    let (mut server, init) = start_resolving();
    assert_eq!(
        init["capabilities"]["inlayHintProvider"]["resolveProvider"], true,
        "{init}"
    );
    server.open(NINJA_URI, "javascript", NINJA);
    let lazy = inlay_hints(&mut server, NINJA_URI, (0, 0), (100, 0));
    assert_eq!(lazy.len(), expected.len(), "{lazy:?}");
    for (hint, expected) in lazy.iter().zip(&expected) {
        assert!(hint.get("tooltip").is_none(), "{hint}");
        let parts = hint["label"].as_array().unwrap();
        assert!(parts.iter().all(|p| p.get("location").is_none()), "{hint}");
        assert_eq!(label(hint), label(expected));
        let resolved = resolve(&mut server, hint);
        assert_eq!(resolved["data"], hint["data"], "data is kept");
        assert_eq!(without_data(&resolved), *expected);
    }
    assert!(server.shutdown().success());
}

#[test]
fn resolving_a_stale_or_foreign_hint_returns_it_unchanged() {
    let (mut server, _) = start_resolving();
    server.open(NINJA_URI, "javascript", NINJA);
    let hints = inlay_hints(&mut server, NINJA_URI, (0, 0), (100, 0));
    let hint = hints.first().expect("a hint").clone();

    // Foreign or broken data, and none at all.
    for data in [json!("x"), json!([99, 1, 0, 0]), json!([0, 1, 5, 0])] {
        let mut foreign = hint.clone();
        foreign["data"] = data;
        assert_eq!(resolve(&mut server, &foreign), foreign);
    }
    let mut bare = hint.clone();
    bare.as_object_mut().unwrap().remove("data");
    assert_eq!(resolve(&mut server, &bare), bare);

    // Edited since: the hint may no longer be where it was.
    server.change(
        NINJA_URI,
        2,
        json!([{ "range": { "start": lsp_pos((0, 0)), "end": lsp_pos((0, 0)) }, "text": "\n" }]),
    );
    assert_eq!(resolve(&mut server, &hint), hint);

    // Closed.
    let fresh = inlay_hints(&mut server, NINJA_URI, (0, 0), (100, 0));
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": NINJA_URI } }),
    );
    assert_eq!(resolve(&mut server, &fresh[0]), fresh[0]);
    assert!(server.shutdown().success());
}

/// Whole-file answers are written around tower-lsp-server (spliced in by the writer): with
/// thousands of hints, for both kinds of client, every hint arrives once and in order.
#[test]
fn whole_file_hints_of_a_large_file_arrive_whole() {
    let closures = 3000;
    let text: String = (0..closures)
        .map(|i| format!("function f{i}(a{i}) {{ let b = a{i}; return () => a{i} + b; }}\n"))
        .collect();
    let uri = "file:///many.js";
    for (mut server, lazy) in [(start_resolving().0, true), (start(), false)] {
        // Use hints are off by default; this test wants both kinds.
        server.notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"scopelens": {"inlayHints": {"capturedUses": true}}}}),
        );
        server.open(uri, "javascript", &text);
        let hints = inlay_hints(&mut server, uri, (0, 0), (closures + 1, 0));
        // Per line: `captures: aN, b` before the arrow, `↑fN` after each of its two uses.
        assert_eq!(hints.len(), 3 * closures as usize, "lazy: {lazy}");
        let lines: Vec<u64> = hints
            .iter()
            .map(|h| h["position"]["line"].as_u64().unwrap())
            .collect();
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "in order");
        assert_eq!(label(&hints[0]), "captures: a0, b");
        assert_eq!(label(&hints[3 * 2999 + 2]), "↑f2999");
        assert_eq!(hints[0]["tooltip"]["value"].is_string(), !lazy);
        // The server goes on answering after the large answer.
        assert!(server.hover_text(uri, (0, 9)).contains("f0"));
        assert!(server.shutdown().success());
    }
}

fn inlay_hints(server: &mut Server, uri: &str, start: (u32, u32), end: (u32, u32)) -> Vec<Value> {
    let result = server
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri }, "range": { "start": lsp_pos(start), "end": lsp_pos(end) } }),
        )
        .expect("inlayHint succeeds");
    result.as_array().cloned().unwrap_or_default()
}

fn label(hint: &Value) -> String {
    match &hint["label"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts.iter().map(|p| p["value"].as_str().unwrap()).collect(),
        other => panic!("bad label {other}"),
    }
}

#[test]
fn scope_chain_lists_environments_innermost_first() {
    let mut server = start();
    server.open(NINJA_URI, "javascript", NINJA);
    let chain = server
        .at(
            "scopelens/scopeChain",
            NINJA_URI,
            pos(NINJA, "intro", 1, Encoding::Utf16),
        )
        .unwrap();
    let envs = chain["environments"].as_array().unwrap();
    let owners: Vec<(&str, &str)> = envs
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["owner"].as_str().unwrap()))
        .collect();
    assert_eq!(
        owners.first().copied(),
        Some(("function", "report")),
        "{chain}"
    );
    assert!(owners.contains(&("function", "skulk")), "{chain}");
    assert_eq!(envs.last().unwrap()["kind"], "global", "{chain}");
    let skulk = envs.iter().find(|e| e["owner"] == "skulk").unwrap();
    let action = skulk["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "action")
        .unwrap();
    assert_eq!(action["declaration"], "var");
    assert_eq!(action["captured"], true);
    assert_eq!(action["mutated"], false);
    assert_eq!(
        range_start(&action["range"]),
        pos(NINJA, "action", 0, Encoding::Utf16)
    );
    assert_eq!(
        range_start(&envs[0]["range"]).0,
        3,
        "report's environment starts on line 4"
    );
    assert!(server.shutdown().success());
}

#[test]
fn outer_binding_steps_outward() {
    let text = "let x = 1;\nfunction f() {\n  let x = 2;\n  { let x = 3; x; }\n}\n";
    let uri = "file:///shadow.js";
    let mut server = start();
    server.open(uri, "javascript", text);
    let inner_use = pos(text, "x", 3, Encoding::Utf16);
    let middle = server.at("scopelens/outerBinding", uri, inner_use).unwrap();
    assert_eq!(
        range_start(&middle["range"]),
        pos(text, "x", 1, Encoding::Utf16),
        "{middle}"
    );
    let outer = server
        .at("scopelens/outerBinding", uri, range_start(&middle["range"]))
        .unwrap();
    assert_eq!(
        range_start(&outer["range"]),
        pos(text, "x", 0, Encoding::Utf16),
        "{outer}"
    );
    let none = server
        .at(
            "scopelens/outerBinding",
            uri,
            pos(text, "x", 0, Encoding::Utf16),
        )
        .unwrap();
    assert_eq!(none, Value::Null);
    // The scope chain reports the shadowing too.
    let chain = server.at("scopelens/scopeChain", uri, inner_use).unwrap();
    let block_x = &chain["environments"][0]["bindings"][0];
    assert_eq!(block_x["name"], "x");
    assert_eq!(
        range_start(&block_x["shadows"]["range"]),
        pos(text, "x", 1, Encoding::Utf16),
        "{chain}"
    );
    assert!(server.shutdown().success());
}

const TWO_FUNCTIONS: &str = "\
function first(a) {
  var alpha = a;
  return alpha;
}
function second(b) {
  var beta = b;
  return beta;
}
";

fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({ "range": { "start": lsp_pos(start), "end": lsp_pos(end) }, "text": text })
}

/// Typing a syntax error in one function keeps hovers right in the other, and fixing it
/// restores everything.
#[test]
fn broken_edit_keeps_other_functions_right() {
    let uri = "file:///two.js";
    let mut server = start();
    server.open(uri, "javascript", TWO_FUNCTIONS);
    let beta = pos(TWO_FUNCTIONS, "beta", 1, Encoding::Utf16);
    let second_env = "function environment of `second`";
    assert!(server.hover_text(uri, beta).contains(second_env));

    // Delete the `)` of `first(a)`.
    let paren = pos(TWO_FUNCTIONS, ")", 0, Encoding::Utf16);
    server.change(uri, 2, json!([edit(paren, (paren.0, paren.1 + 1), "")]));
    let text = server.hover_text(uri, beta);
    assert!(text.contains(second_env), "after deleting `)`: {text}");
    let def = server.at("textDocument/definition", uri, beta).unwrap();
    assert_eq!(
        range_start(&def["range"]),
        pos(TWO_FUNCTIONS, "beta", 0, Encoding::Utf16)
    );

    // Type `if (` on a new line inside `first`: everything below shifts down one line.
    server.change(uri, 3, json!([edit((1, 0), (1, 0), "  if (\n")]));
    let shifted = (beta.0 + 1, beta.1);
    let text = server.hover_text(uri, shifted);
    assert!(text.contains(second_env), "after typing `if (`: {text}");
    let def = server.at("textDocument/definition", uri, shifted).unwrap();
    assert_eq!(range_start(&def["range"]).0, 6, "{def}");

    // Fix both: restore the `)`, remove the `if (` line.
    server.change(
        uri,
        4,
        json!([edit((1, 0), (2, 0), ""), edit(paren, paren, ")")]),
    );
    let text = server.hover_text(uri, beta);
    assert!(text.contains(second_env), "after the fix: {text}");
    let alpha = pos(TWO_FUNCTIONS, "alpha", 1, Encoding::Utf16);
    let text = server.hover_text(uri, alpha);
    assert!(text.contains("function environment of `first`"), "{text}");
    assert!(
        !text.contains("last version"),
        "answers come from the current text again: {text}"
    );
    assert!(server.shutdown().success());
}

/// A file opened with a syntax error in one place keeps fresh answers while the user edits
/// elsewhere: the old error is blanked again with each edit, so the edited function is answered
/// from the current text, not from the version the file was opened with.
#[test]
fn edits_elsewhere_in_a_file_with_a_standing_error_get_fresh_answers() {
    let uri = "file:///standing.js";
    let text = "function first(a) {\n  return a;\n}\nlet broken = ;\n";
    let mut server = start();
    server.open(uri, "javascript", text);
    let a = pos(text, "a;", 0, Encoding::Utf16);
    assert!(
        server
            .hover_text(uri, a)
            .contains("function environment of `first`")
    );
    // Rename the use to a new local declared on a new line inside `first`.
    server.change(uri, 2, json!([edit((1, 0), (1, 0), "  var b = a;\n")]));
    let b_use = (2, 9);
    server.change(uri, 3, json!([edit(b_use, (2, 10), "b")]));
    let hover = server.hover_text(uri, b_use);
    assert!(
        hover.contains("`b` — `var` binding in the **function environment of `first`**"),
        "{hover}"
    );
    assert!(
        !hover.contains("last version"),
        "answered from the current text: {hover}"
    );
    assert!(server.shutdown().success());
}

/// When the current text cannot be analysed at all (here: nested deeper than the engine
/// parses), answers come from the last analysis that parsed, through the edit's offset map.
#[test]
fn unanalysable_text_is_answered_from_the_last_good_analysis() {
    let uri = "file:///two.js";
    let mut server = start();
    server.open(uri, "javascript", TWO_FUNCTIONS);
    let beta = pos(TWO_FUNCTIONS, "beta", 1, Encoding::Utf16);
    let alpha = pos(TWO_FUNCTIONS, "alpha", 1, Encoding::Utf16);
    assert!(server.hover_text(uri, beta).contains("`second`"));

    // Insert 20,000 `(` (and a line break) at the start of `alpha`'s line: the text is now
    // unanalysable, lines below shift by one, and `alpha`'s use is on the edited line's tail.
    let deep = format!("{}\n", "(".repeat(20_000));
    server.change(uri, 2, json!([edit((alpha.0, 0), (alpha.0, 0), &deep)]));
    let shifted_beta = (beta.0 + 1, beta.1);
    let text = server.hover_text(uri, shifted_beta);
    assert!(text.contains("function environment of `second`"), "{text}");
    assert!(
        text.contains("last version"),
        "says where the answer comes from: {text}"
    );
    let def = server
        .at("textDocument/definition", uri, shifted_beta)
        .unwrap();
    assert_eq!(range_start(&def["range"]), (6, 6), "{def}");
    // Text before the edit maps unchanged; inside the inserted text there is no answer.
    let a = pos(TWO_FUNCTIONS, "a;", 0, Encoding::Utf16);
    let def = server.at("textDocument/definition", uri, a).unwrap();
    assert_eq!(range_start(&def["range"]), (0, 15), "{def}");
    assert_eq!(server.hover(uri, (alpha.0, 100)), Value::Null);
    // The scope chain inside the edit still lists the environments around it.
    let chain = server
        .at("scopelens/scopeChain", uri, (alpha.0, 100))
        .unwrap();
    assert_eq!(chain["environments"][0]["owner"], "first", "{chain}");
    let hints = inlay_hints(&mut server, uri, (0, 0), (100, 0));
    assert!(
        hints.iter().all(|h| h["position"]["line"] != alpha.0),
        "{hints:?}"
    );

    // Undo: exact answers again.
    server.change(uri, 3, json!([edit((alpha.0, 0), (alpha.0 + 1, 0), "")]));
    let text = server.hover_text(uri, alpha);
    assert!(text.contains("function environment of `first`"), "{text}");
    assert!(!text.contains("last version"), "{text}");
    assert!(server.shutdown().success());
}

/// A burst of edits sent without waiting: the answer reflects all of them.
#[test]
fn burst_of_edits_is_applied_in_order() {
    let uri = "file:///burst.js";
    let mut server = start();
    server.open(
        uri,
        "javascript",
        "function f() {\n  let v = 1;\n  return v;\n}\n",
    );
    let name = "abcdefghijklmnopqrstuvwxyz";
    for (i, c) in name.chars().enumerate() {
        // Rename `v` letter by letter: `va`, `vab`, … in the declaration only.
        server.change(
            uri,
            2 + i as i32,
            json!([edit((1, 7 + i as u32), (1, 7 + i as u32), &c.to_string())]),
        );
    }
    let decl = server.hover_text(uri, (1, 8));
    assert!(decl.contains(&format!("v{name}")), "{decl}");
    // The old use `v` no longer resolves in the file.
    let def = server.at("textDocument/definition", uri, (2, 9)).unwrap();
    assert_eq!(def, Value::Null);
    assert!(server.shutdown().success());
}

/// Edits and requests sent back to back without waiting for answers: every request sees the
/// edits sent before it (else its line would not exist yet), or is told the content changed.
#[test]
fn requests_interleaved_with_edits_see_every_earlier_edit() {
    let uri = "file:///interleaved.js";
    let mut server = start();
    server.open(uri, "javascript", "let x0 = 0;\n");
    let mut ids = Vec::new();
    for n in 1..=30u32 {
        let line = format!("let x{n} = x{};\n", n - 1);
        server.change(uri, n as i32 + 1, json!([edit((n, 0), (n, 0), &line)]));
        let id = server.send_request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": lsp_pos((n, 5)) }),
        );
        ids.push((n, id));
    }
    for (n, id) in ids {
        match server.response(id) {
            Ok(hover) => {
                let text = hover["contents"]["value"].as_str().unwrap_or_default();
                assert!(text.contains(&format!("x{n}")), "hover {n}: {hover}");
            }
            // Superseded by a later edit before its analysis was done.
            Err(error) => {
                assert_eq!(error_code(&error), -32801, "hover {n}: {error}");
                assert!(n < 30, "nothing supersedes the last hover");
            }
        }
    }
    assert!(server.shutdown().success());
}

#[test]
fn crlf_document() {
    let text = NINJA.replace('\n', "\r\n");
    let uri = "file:///crlf.js";
    let mut server = start();
    server.open(uri, "javascript", &text);
    let use_pos = pos(&text, "action", 1, Encoding::Utf16);
    assert_eq!(use_pos, pos(NINJA, "action", 1, Encoding::Utf16));
    let hover = server.hover(uri, use_pos);
    assert_eq!(range_start(&hover["range"]), use_pos);
    let def = server.at("textDocument/definition", uri, use_pos).unwrap();
    assert_eq!(
        range_start(&def["range"]),
        pos(&text, "action", 0, Encoding::Utf16)
    );
    // An edit across a line break joins two lines.
    server.change(uri, 2, json!([edit((0, 24), (1, 0), " ")]));
    let def = server
        .at("textDocument/definition", uri, (use_pos.0 - 1, use_pos.1))
        .unwrap();
    assert_eq!(range_start(&def["range"]), (1, 6), "{def}");
    assert!(server.shutdown().success());
}

#[test]
fn bom_counts_as_one_utf16_unit() {
    let text = "\u{feff}let x = 1; x;\n";
    let uri = "file:///bom.js";
    let mut server = start();
    server.open(uri, "javascript", text);
    let use_pos = pos(text, "x", 1, Encoding::Utf16);
    assert_eq!(use_pos, (0, 12));
    let def = server.at("textDocument/definition", uri, use_pos).unwrap();
    assert_eq!(range_start(&def["range"]), (0, 5), "{def}");
    assert!(server.shutdown().success());
}

#[test]
fn unknown_document_is_an_error() {
    let mut server = start();
    let error = server
        .at("textDocument/hover", "file:///nowhere.js", (0, 0))
        .unwrap_err();
    assert_eq!(error_code(&error), -32602, "{error}");
    let error = server
        .at("scopelens/scopeChain", "file:///nowhere.js", (0, 0))
        .unwrap_err();
    assert_eq!(error_code(&error), -32602, "{error}");
    assert!(server.shutdown().success());
}

#[test]
fn invalid_position_is_an_error_not_a_crash() {
    let mut server = start();
    server.open(NINJA_URI, "javascript", NINJA);
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "scopelens/scopeChain",
        "scopelens/outerBinding",
    ] {
        let error = server.at(method, NINJA_URI, (1_000_000, 0)).unwrap_err();
        assert_eq!(error_code(&error), -32602, "{method}: {error}");
    }
    // A column past the end of a line clamps to its end.
    server
        .at("textDocument/hover", NINJA_URI, (0, 1_000_000))
        .unwrap();
    // An edit with a range past the end is clamped, not fatal.
    server.change(NINJA_URI, 2, json!([edit((500, 0), (600, 3), "\nninja;")]));
    let edited = format!("{NINJA}\nninja;");
    let def = server
        .at(
            "textDocument/definition",
            NINJA_URI,
            pos(&edited, "ninja;", 0, Encoding::Utf16),
        )
        .unwrap();
    assert_eq!(range_start(&def["range"]), (0, 4), "{def}");
    // Inlay hints with a range past the end are clamped too.
    inlay_hints(&mut server, NINJA_URI, (0, 0), (9999, 0));
    assert!(server.shutdown().success());
}

#[test]
fn requests_before_initialize_are_rejected() {
    let mut server = Server::spawn();
    let id = server.send_request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": NINJA_URI }, "position": lsp_pos((0, 0)) }),
    );
    let error = server.response(id).unwrap_err();
    assert_eq!(error_code(&error), -32002, "{error}");
    let status = server.exit();
    assert_eq!(status.code(), Some(1), "exit without shutdown");
}

/// Requests sent with the `didOpen` wait for the analysis (on the executor); the same requests
/// sent later are answered at once on the reader thread. Both must say the same.
#[test]
fn answers_given_at_once_equal_answers_that_waited() {
    let mut server = start();
    let action = pos(NINJA, "action", 1, Encoding::Utf16);
    let beyond = (9999, 0);
    let requests = [
        ("textDocument/hover", json!({ "position": lsp_pos(action) })),
        (
            "textDocument/definition",
            json!({ "position": lsp_pos(action) }),
        ),
        (
            "scopelens/outerBinding",
            json!({ "position": lsp_pos(action) }),
        ),
        ("textDocument/hover", json!({ "position": lsp_pos(beyond) })),
        (
            "textDocument/inlayHint",
            json!({ "range": { "start": lsp_pos((0, 0)), "end": lsp_pos((40, 0)) } }),
        ),
    ];
    let send_all = |server: &mut Server| -> Vec<i64> {
        requests
            .iter()
            .map(|(method, params)| {
                let mut params = params.clone();
                params["textDocument"] = json!({ "uri": NINJA_URI });
                server.send_request(method, params)
            })
            .collect()
    };
    server.open(NINJA_URI, "javascript", NINJA);
    let waited: Vec<_> = send_all(&mut server);
    let waited: Vec<_> = waited.into_iter().map(|id| server.response(id)).collect();
    let at_once: Vec<_> = send_all(&mut server);
    let at_once: Vec<_> = at_once.into_iter().map(|id| server.response(id)).collect();
    assert_eq!(waited, at_once);
    assert!(waited[0].as_ref().unwrap()["contents"]["value"].is_string());
    assert_eq!(error_code(waited[3].as_ref().unwrap_err()), -32602);
    assert!(!waited[4].as_ref().unwrap().as_array().unwrap().is_empty());
    assert!(server.shutdown().success());
}

#[test]
fn requests_after_shutdown_are_refused_even_on_an_analysed_document() {
    let mut server = start();
    server.open(NINJA_URI, "javascript", NINJA);
    let action = pos(NINJA, "action", 1, Encoding::Utf16);
    assert!(server.hover(NINJA_URI, action).is_object());
    server
        .request("shutdown", Value::Null)
        .expect("shutdown succeeds");
    let error = server
        .at("textDocument/hover", NINJA_URI, action)
        .unwrap_err();
    assert_eq!(error_code(&error), -32600, "{error}");
    assert_eq!(server.exit().code(), Some(0));
}

/// A client that does not wait for `initialize`'s answer before opening a document (as the
/// protocol asks it to) still has the document opened, in order.
#[test]
fn messages_sent_before_initialize_is_answered_are_applied_after_it() {
    let mut server = Server::spawn();
    let initialize = server.send_request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {} }),
    );
    server.notify("initialized", json!({}));
    server.open(NINJA_URI, "javascript", NINJA);
    let action = pos(NINJA, "action", 1, Encoding::Utf16);
    let hover = server.send_request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": NINJA_URI }, "position": lsp_pos(action) }),
    );
    assert!(server.response(initialize).is_ok());
    let hover = server.response(hover).expect("the document is open");
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("function environment of `skulk`"), "{text}");
    assert!(server.shutdown().success());
}

#[test]
fn shutdown_then_exit_exits_zero() {
    let server = start();
    let status = server.shutdown();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn configuration_changes_source_kind_and_hints() {
    let options = json!({ "scopelens": { "inlayHints": { "closureCaptures": false, "capturedUses": false } } });
    let (mut server, _) = Server::start(&["utf-16"], options);
    server.open(NINJA_URI, "javascript", NINJA);
    assert!(inlay_hints(&mut server, NINJA_URI, (0, 0), (100, 0)).is_empty());
    let ninja_use = pos(NINJA, "ninja", 1, Encoding::Utf16);
    assert!(
        server
            .hover_text(NINJA_URI, ninja_use)
            .contains("global environment")
    );

    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "scopelens": { "sourceKind": "module" } } }),
    );
    let text = server.hover_text(NINJA_URI, ninja_use);
    assert!(text.contains("module environment"), "{text}");
    assert!(!inlay_hints(&mut server, NINJA_URI, (0, 0), (100, 0)).is_empty());
    // The server asks the client to refresh its hints (maybe already answered while waiting).
    if !server
        .server_requests
        .iter()
        .any(|m| m["method"] == "workspace/inlayHint/refresh")
    {
        server.wait_for(|m| m["method"] == "workspace/inlayHint/refresh");
    }
    assert!(server.shutdown().success());
}

#[test]
fn untitled_documents_use_the_language_id() {
    let text = "let n: number = 1;\nfunction f() { return n; }\n";
    let uri = "untitled:Untitled-1";
    let mut server = start();
    server.open(uri, "typescript", text);
    let def = server
        .at(
            "textDocument/definition",
            uri,
            pos(text, "n;", 0, Encoding::Utf16),
        )
        .unwrap();
    assert_eq!(range_start(&def["range"]), (0, 4), "{def}");
    assert!(server.shutdown().success());
}

#[test]
fn syntax_errors_are_published_as_warnings() {
    let uri = "file:///broken.js";
    let mut server = start();
    server.open(uri, "javascript", "let ok = 1;\n");
    let clean = server.diagnostics(uri);
    assert_eq!(clean["diagnostics"], json!([]));
    server.change(uri, 2, json!([edit((0, 11), (0, 11), " let = ;")]));
    let broken = server.diagnostics(uri);
    let first = &broken["diagnostics"][0];
    assert_eq!(first["severity"], 2, "{broken}");
    assert_eq!(first["source"], "scopelens");
    assert_eq!(broken["version"], 2);
    assert!(server.shutdown().success());
}

#[test]
fn deeply_nested_input_does_not_crash() {
    let uri = "file:///deep.js";
    let mut server = start();
    let text = format!(
        "let x = {}1{};\nx;\n",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    server.open(uri, "javascript", &text);
    let _ = server.hover(uri, (1, 0));
    assert!(server.shutdown().success());
}

/// Timing on a 9 MB file (`typescript.js` from the corpus): open, then keystrokes each followed
/// by a hover. Run with `cargo test --release --test lsp -- --ignored --nocapture large_file`.
#[test]
#[ignore = "slow; needs tests/corpus/typescript.js"]
fn large_file_timing() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/typescript.js");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipping: {path} is missing");
        return;
    };
    let uri = "file:///corpus/typescript.js";
    let mut server = start();
    let started = std::time::Instant::now();
    server.open(uri, "javascript", &text);
    let probe = pos(&text, "function ", 1000, Encoding::Utf16);
    let probe = (probe.0, probe.1 + 9);
    server.hover(uri, probe);
    eprintln!("open + first hover: {:?}", started.elapsed());
    let started = std::time::Instant::now();
    for i in 0..10 {
        server.change(uri, 2 + i, json!([edit((0, 0), (0, 0), " ")]));
        server.hover(uri, probe);
    }
    eprintln!(
        "keystroke + hover, mean of 10: {:?}",
        started.elapsed() / 10
    );
    let started = std::time::Instant::now();
    for i in 0..10 {
        server.change(uri, 20 + i, json!([edit((0, 0), (0, 0), " ")]));
    }
    server.hover(uri, probe);
    eprintln!("10 keystrokes then one hover: {:?}", started.elapsed());
    assert!(server.shutdown().success());
}

/// Copies a fixture tree (to a temporary folder the test may change).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
