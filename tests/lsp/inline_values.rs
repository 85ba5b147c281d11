//! `textDocument/inlineValue` and the debugger's view of the scope chain, over the wire.

use serde_json::{Value, json};

use crate::client::{Encoding, Server, pos};

const TEXT: &str = "function outer(unused) {
  let x = 1;
  let kept = 2;
  {
    let x = 3;
    return () => {
      debugger;
      return x + kept;
    };
  }
}
";
const URI: &str = "file:///project/paused.js";

fn inline_values(server: &mut Server, stop: (u32, u32)) -> Value {
    server
        .request(
            "textDocument/inlineValue",
            json!({
                "textDocument": { "uri": URI },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } },
                "context": {
                    "frameId": 1,
                    "stoppedLocation": {
                        "start": { "line": stop.0, "character": stop.1 },
                        "end": { "line": stop.0, "character": stop.1 },
                    },
                },
            }),
        )
        .unwrap()
}

#[test]
fn lookups_name_the_bindings_of_the_paused_frame_and_dropped_ones_get_a_note() {
    let (mut server, init) = Server::start(&["utf-16"], Value::Null);
    assert_eq!(init["capabilities"]["inlineValueProvider"], true);
    server.open(URI, "javascript", TEXT);
    let values = inline_values(&mut server, pos(TEXT, "debugger", 0, Encoding::Utf16));
    let shown: Vec<(u64, String)> = values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let line = v["range"]["start"]["line"].as_u64().unwrap();
            match v.get("variableName") {
                Some(name) => {
                    assert_eq!(v["caseSensitiveLookup"], true);
                    (line, name.as_str().unwrap().to_string())
                }
                None => (line, v["text"].as_str().unwrap().to_string()),
            }
        })
        .collect();
    let note = "not kept by V8: no closure captures it".to_string();
    // The outer `x` (line 1) is shadowed at the pause: only the inner one is looked up.
    assert_eq!(
        shown,
        [
            (0, note.clone()),
            (2, "kept".to_string()),
            (4, "x".to_string()),
        ],
        "{values}"
    );

    // The scope chain at the pause says which outer bindings V8 kept.
    let chain = server
        .at(
            "scopelens/scopeChain",
            URI,
            pos(TEXT, "debugger", 0, Encoding::Utf16),
        )
        .unwrap();
    let outer = chain["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["owner"] == "outer")
        .unwrap();
    let binding = |name: &str| {
        outer["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(binding("kept")["keptByV8"], true, "{chain}");
    assert_eq!(binding("unused")["keptByV8"], false, "{chain}");
    assert_eq!(
        binding("unused")["notKeptReason"],
        "no closure captures it",
        "{chain}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn the_setting_turns_inline_values_off() {
    let (mut server, _) =
        Server::start(&["utf-16"], json!({ "inlineValues": { "enabled": false } }));
    server.open(URI, "javascript", TEXT);
    let values = inline_values(&mut server, pos(TEXT, "debugger", 0, Encoding::Utf16));
    assert_eq!(values, Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn a_stop_past_the_end_is_invalid_params() {
    let (mut server, _) = Server::start(&["utf-16"], Value::Null);
    server.open(URI, "javascript", TEXT);
    let error = server
        .request(
            "textDocument/inlineValue",
            json!({
                "textDocument": { "uri": URI },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 3, "character": 0 } },
                "context": { "frameId": 1, "stoppedLocation": {
                    "start": { "line": 500, "character": 0 }, "end": { "line": 500, "character": 0 } } },
            }),
        )
        .unwrap_err();
    assert_eq!(error["code"], -32602, "{error}");
    assert!(server.shutdown().success());
}
