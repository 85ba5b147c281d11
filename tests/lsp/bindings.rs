//! References, document highlights, rename and semantic tokens over the protocol: positions in
//! the negotiated encoding, refusals as error responses, token deltas that a client can apply.

use serde_json::{Value, json};

use crate::client::{Encoding, Server, lsp_pos, pos, range_start};
use crate::{edit, error_code, start};

/// LSP's `RequestFailed`.
const REQUEST_FAILED: i64 = -32803;

const COUNTER: &str = "\
function outer() {
  let count = 0;
  function inc() { count += 1; return count; }
  return inc;
}
console.log(outer()(), arguments);
";

fn position_params(uri: &str, at: (u32, u32)) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": lsp_pos(at) })
}

fn references(
    server: &mut Server,
    uri: &str,
    at: (u32, u32),
    declaration: bool,
) -> Vec<(u32, u32)> {
    let mut params = position_params(uri, at);
    params["context"] = json!({ "includeDeclaration": declaration });
    let result = server
        .request("textDocument/references", params)
        .expect("references succeed");
    result
        .as_array()
        .expect("a list of locations")
        .iter()
        .map(|l| {
            assert_eq!(l["uri"], uri);
            range_start(&l["range"])
        })
        .collect()
}

#[test]
fn references_with_and_without_the_declaration() {
    let uri = "file:///counter.js";
    let mut server = start();
    server.open(uri, "javascript", COUNTER);
    let at = |nth| pos(COUNTER, "count", nth, Encoding::Utf16);
    let all = vec![at(0), at(1), at(2)];
    // From the declaration and from a use: the same binding.
    assert_eq!(references(&mut server, uri, at(0), true), all);
    assert_eq!(references(&mut server, uri, at(2), true), all);
    assert_eq!(
        references(&mut server, uri, at(1), false),
        vec![at(1), at(2)]
    );
    // A host global: its uses in the file.
    let console = pos(COUNTER, "console", 0, Encoding::Utf16);
    assert_eq!(references(&mut server, uri, console, true), vec![console]);
    assert!(server.shutdown().success());
}

#[test]
fn highlights_are_reads_and_writes() {
    let uri = "file:///counter.js";
    let mut server = start();
    server.open(uri, "javascript", COUNTER);
    let at = |nth| pos(COUNTER, "count", nth, Encoding::Utf16);
    let result = server
        .at("textDocument/documentHighlight", uri, at(2))
        .expect("highlights succeed");
    let got: Vec<((u32, u32), i64)> = result
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (range_start(&h["range"]), h["kind"].as_i64().unwrap()))
        .collect();
    // READ = 2, WRITE = 3: the declaration writes, `count += 1` reads and writes (a Write).
    assert_eq!(got, vec![(at(0), 3), (at(1), 3), (at(2), 2)]);
    assert!(server.shutdown().success());
}

#[test]
fn prepare_rename_gives_the_range_or_says_why_not() {
    let uri = "file:///counter.js";
    let mut server = start();
    server.open(uri, "javascript", COUNTER);
    let count = pos(COUNTER, "count", 1, Encoding::Utf16);
    let range = server
        .at("textDocument/prepareRename", uri, count)
        .expect("count can be renamed");
    assert_eq!(range_start(&range), count, "{range}");
    assert_eq!(range["end"]["character"], count.1 + 5);
    for (needle, says) in [("console", "host global"), ("arguments", "not declared")] {
        let at = pos(COUNTER, needle, 0, Encoding::Utf16);
        let error = server
            .at("textDocument/prepareRename", uri, at)
            .expect_err(needle);
        assert_eq!(error_code(&error), REQUEST_FAILED, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(says), "{needle}: {message}");
        // Not scopelens's to rename: another provider (TypeScript's) may.
        assert_eq!(error["data"]["kind"], "notRenameable", "{error}");
    }
    // `arguments` inside a function: the implicit arguments object.
    let text = "function f() { return arguments[0]; }\n";
    server.open("file:///args.js", "javascript", text);
    let error = server
        .at(
            "textDocument/prepareRename",
            "file:///args.js",
            pos(text, "arguments", 0, Encoding::Utf16),
        )
        .expect_err("arguments");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("implicit arguments object"),
        "{error}"
    );
    assert!(server.shutdown().success());
}

/// Applies a `WorkspaceEdit`'s edits of `uri` to an ASCII text.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let edits = edit["changes"][uri]
        .as_array()
        .expect("edits for the document");
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + col
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

fn rename(server: &mut Server, uri: &str, at: (u32, u32), new_name: &str) -> Result<Value, Value> {
    let mut params = position_params(uri, at);
    params["newName"] = json!(new_name);
    server.request("textDocument/rename", params)
}

#[test]
fn rename_expands_shorthands_and_refuses_conflicts() {
    let uri = "file:///shorthand.js";
    let text = "\
const a = 1;
const o = { a };
const { a: x } = o;
function f() { let y = 2; return a + y + x; }
";
    let mut server = start();
    server.open(uri, "javascript", text);
    let a = pos(text, "a", 1, Encoding::Utf16); // `const a`
    let edit = rename(&mut server, uri, a, "b").expect("a rename to a fresh name");
    assert_eq!(
        apply(text, &edit, uri),
        "\
const b = 1;
const o = { a: b };
const { a: x } = o;
function f() { let y = 2; return b + y + x; }
"
    );
    // `y` inside `f` would capture the use of `a` there: refused, with the reason.
    let error = rename(&mut server, uri, a, "y").expect_err("a conflicting rename");
    assert_eq!(error_code(&error), REQUEST_FAILED, "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("would find"), "{message}");
    // Unsafe: no provider should rename it.
    assert_eq!(error["data"]["kind"], "conflict", "{error}");
    // Not an identifier.
    let error = rename(&mut server, uri, a, "1up").expect_err("an invalid name");
    assert_eq!(error_code(&error), REQUEST_FAILED, "{error}");
    assert_eq!(error["data"]["kind"], "invalidName", "{error}");
    assert!(server.shutdown().success());
}

#[test]
fn typescript_classes_and_imports_are_not_renamed() {
    let uri = "file:///types.ts";
    let text = "import { Thing } from './thing';\nclass Box { v: Thing; }\nconst b: Box = new Box();\nlet n = 1; n;\n";
    let mut server = start();
    server.open(uri, "typescript", text);
    for needle in ["Box", "Thing"] {
        let error = server
            .at(
                "textDocument/prepareRename",
                uri,
                pos(text, needle, 0, Encoding::Utf16),
            )
            .expect_err(needle);
        let message = error["message"].as_str().unwrap();
        assert!(message.contains("as a type"), "{needle}: {message}");
    }
    let n = pos(text, "let n", 0, Encoding::Utf16);
    let n = (n.0, n.1 + 4);
    assert!(rename(&mut server, uri, n, "m").is_ok());
    assert!(server.shutdown().success());
}

/// Absolute tokens from LSP's relative encoding: (line, column, length, type, modifiers).
fn decode(data: &Value) -> Vec<[u32; 5]> {
    let ints: Vec<u32> = data
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(ints.len() % 5, 0);
    let (mut line, mut col) = (0, 0);
    ints.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                col = 0;
            }
            line += t[0];
            col += t[1];
            [line, col, t[2], t[3], t[4]]
        })
        .collect()
}

fn legend_index(legend: &Value, kind: &str, name: &str) -> u32 {
    legend[kind]
        .as_array()
        .unwrap()
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("{name} in the legend")) as u32
}

const ASTRAL: &str = "\
function g() { const face = \"😀\"; let action = face;
  return () => \"😀😀\" + action; }
";

#[test]
fn semantic_tokens_full_and_range_count_utf16_columns() {
    let uri = "file:///astral.js";
    let (mut server, init) = Server::start(&["utf-16"], Value::Null);
    let provider = &init["capabilities"]["semanticTokensProvider"];
    assert_eq!(provider["full"]["delta"], true, "{provider}");
    assert_eq!(provider["range"], true);
    let legend = &provider["legend"];
    let captured = 1 << legend_index(legend, "tokenModifiers", "captured");
    let declaration = 1 << legend_index(legend, "tokenModifiers", "declaration");
    let variable = legend_index(legend, "tokenTypes", "variable");
    server.open(uri, "javascript", ASTRAL);
    let full = server
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .expect("tokens");
    assert!(full["resultId"].is_string(), "{full}");
    let tokens = decode(&full["data"]);
    let at = |needle, nth| pos(ASTRAL, needle, nth, Encoding::Utf16);
    let find = |(line, col): (u32, u32)| {
        *tokens
            .iter()
            .find(|t| t[0] == line && t[1] == col)
            .unwrap_or_else(|| panic!("a token at {line}:{col} in {tokens:?}"))
    };
    // After the astral character: `action` is at UTF-16 column 38 (the emoji counts 2).
    assert_eq!(at("action", 0), (0, 38));
    let action = find(at("action", 0));
    assert_eq!(action[2], 6);
    assert_eq!(action[3], variable);
    assert_ne!(action[4] & declaration, 0);
    // The use inside the arrow, after two astral characters, is captured.
    let captured_use = find(at("action", 1));
    assert_ne!(captured_use[4] & captured, 0, "{captured_use:?}");
    assert_eq!(find(at("face", 1))[4] & captured, 0);
    // Range: the second line only.
    let range = server
        .request(
            "textDocument/semanticTokens/range",
            json!({ "textDocument": { "uri": uri },
                    "range": { "start": lsp_pos((1, 0)), "end": lsp_pos((2, 0)) } }),
        )
        .expect("range tokens");
    let in_range = decode(&range["data"]);
    let expected: Vec<_> = tokens.iter().filter(|t| t[0] == 1).copied().collect();
    assert_eq!(in_range, expected);
    assert!(server.shutdown().success());
}

/// Applies a semantic tokens delta to the old integer array, as a client does.
fn apply_delta(old: &[u64], delta: &Value) -> Vec<u64> {
    let mut out = old.to_vec();
    let mut edits: Vec<&Value> = delta["edits"].as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64().unwrap()));
    for e in edits {
        let start = e["start"].as_u64().unwrap() as usize;
        let count = e["deleteCount"].as_u64().unwrap() as usize;
        let data: Vec<u64> = e["data"]
            .as_array()
            .map(|d| d.iter().map(|v| v.as_u64().unwrap()).collect())
            .unwrap_or_default();
        out.splice(start..start + count, data);
    }
    out
}

fn ints(data: &Value) -> Vec<u64> {
    data.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

#[test]
fn semantic_tokens_delta_after_an_edit() {
    let uri = "file:///delta.js";
    let mut server = start();
    server.open(uri, "javascript", ASTRAL);
    let full = server
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .expect("tokens");
    let old = ints(&full["data"]);
    let first_id = full["resultId"].as_str().unwrap().to_string();
    // Unchanged: an empty delta.
    let same = server
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri }, "previousResultId": first_id }),
        )
        .expect("delta");
    assert_eq!(same["edits"], json!([]), "{same}");
    let same_id = same["resultId"].as_str().unwrap().to_string();
    // One character typed before `action` on line 0: `let xaction` renames the declaration
    // only, so its use on line 1 becomes a global.
    let at = pos(ASTRAL, "action", 0, Encoding::Utf16);
    server.change(uri, 2, json!([edit(at, at, "x")]));
    let delta = server
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri }, "previousResultId": same_id }),
        )
        .expect("delta");
    assert!(
        delta["edits"].as_array().is_some_and(|e| !e.is_empty()),
        "{delta}"
    );
    let patched = apply_delta(&old, &delta);
    let fresh = server
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .expect("tokens");
    assert_eq!(patched, ints(&fresh["data"]));
    assert_ne!(patched, old);
    // An unknown (or superseded) result id: the whole tokens instead.
    let whole = server
        .request(
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": { "uri": uri }, "previousResultId": first_id }),
        )
        .expect("tokens");
    assert_eq!(ints(&whole["data"]), ints(&fresh["data"]));
    assert!(server.shutdown().success());
}
