//! Pitfall diagnostics over the wire: published with their codes, switched off by a setting,
//! and fixed by `textDocument/codeAction` quick fixes whose edits, applied, clear them.

use serde_json::{Value, json};

use crate::client::{Encoding, Server, lsp_pos, pos};

const TEXT: &str = "var fns = [];\nfor (var i = 0; i < 3; i++) {\n  fns.push(() => i);\n}\n";
const URI: &str = "file:///project/loop.js";

fn codes(diagnostics: &Value) -> Vec<String> {
    diagnostics["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// Applies single-line edits (enough for these fixes) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| {
        let s = &e["range"]["start"];
        std::cmp::Reverse((s["line"].as_u64(), s["character"].as_u64()))
    });
    for e in edits {
        let (s, end) = (&e["range"]["start"], &e["range"]["end"]);
        assert_eq!(s["line"], end["line"]);
        let line = &mut lines[s["line"].as_u64().unwrap() as usize];
        let (a, b) = (
            s["character"].as_u64().unwrap() as usize,
            end["character"].as_u64().unwrap() as usize,
        );
        line.replace_range(a..b, e["newText"].as_str().unwrap());
    }
    lines.join("\n") + "\n"
}

#[test]
fn loop_var_capture_is_published_and_fixed() {
    let (mut server, init) = Server::start(&["utf-16"], Value::Null);
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    server.open(URI, "javascript", TEXT);
    let published = server.diagnostics(URI);
    assert_eq!(codes(&published), ["loop-var-capture"], "{published}");
    let at = pos(TEXT, "i)", 0, Encoding::Utf16);
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": URI},
                "range": {"start": lsp_pos(at), "end": lsp_pos(at)},
                "context": {"diagnostics": published["diagnostics"]},
            }),
        )
        .unwrap();
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"][0]["code"], "loop-var-capture");
    // The same diagnostic as published: one sentence of plain text, details related.
    assert_eq!(action["diagnostics"][0], published["diagnostics"][0]);
    let diagnostic = &published["diagnostics"][0];
    let message = diagnostic["message"].as_str().unwrap();
    assert!(
        !message.contains('`') && message.ends_with('.'),
        "{message}"
    );
    assert_eq!(
        diagnostic["relatedInformation"][0]["location"]["range"]["start"],
        json!({"line": 1, "character": 9})
    );
    assert!(!action["title"].as_str().unwrap().contains('`'), "{action}");
    let edits = action["edit"]["changes"][URI].as_array().unwrap();
    let fixed = apply(TEXT, edits);
    assert!(fixed.contains("for (let i = 0;"), "{fixed}");
    server.change(URI, 2, json!([{ "text": fixed }]));
    let published = server.diagnostics(URI);
    assert!(codes(&published).is_empty(), "{published}");
    assert!(server.shutdown().success());
}

#[test]
fn a_setting_switches_a_code_off() {
    let options = json!({"diagnostics": {"loopVarCapture": false}});
    let (mut server, _) = Server::start(&["utf-16"], options);
    server.open(URI, "javascript", TEXT);
    let published = server.diagnostics(URI);
    assert!(codes(&published).is_empty(), "{published}");
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"scopelens": {"diagnostics": {"loopVarCapture": true}}}}),
    );
    let published = server.diagnostics(URI);
    assert_eq!(codes(&published), ["loop-var-capture"], "{published}");
    assert!(server.shutdown().success());
}
