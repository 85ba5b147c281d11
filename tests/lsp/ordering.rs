//! Every request is answered on the revision it arrived at: edits before it are part of its
//! answer, edits after it are not, however the server schedules its work.

use serde_json::{Value, json};

use crate::client::lsp_pos;
use crate::{edit, error_code, start};

const CONTENT_MODIFIED: i64 = -32801;
const REQUEST_CANCELLED: i64 = -32800;

/// A large file of `n` functions, each with its own parameter and local: `function fK(aK) { var
/// vK = aK + 1; return vK; }` on line K.
fn many_functions(n: usize) -> String {
    (0..n)
        .map(|k| format!("function f{k}(a{k}) {{ var v{k} = a{k} + {k}; return [v{k}, a{k}]; }}\n"))
        .collect()
}

/// The column of the `return`ed `vK` on line K.
fn returned_v_column(k: usize) -> u32 {
    format!("function f{k}(a{k}) {{ var v{k} = a{k} + {k}; return [").len() as u32
}

/// The issue's case: a line inserted at the top, at once a hover, then another line inserted,
/// round after round, mostly without waiting for answers (every third round waits for its
/// hover before the next edit). Each hover must describe the identifier at its position in its
/// own revision (the lines inserted before it, not after), or be `ContentModified`.
#[test]
fn hovers_between_edits_describe_their_own_revision() {
    let uri = "file:///large.js";
    let functions = 20_000; // ~1.3 MB
    let mut server = start();
    server.open(uri, "javascript", &many_functions(functions));
    let mut version = 1;
    let mut inserted = 0u32;
    let mut asked = Vec::new();
    let mut early = std::collections::HashMap::new();
    for round in 0..60usize {
        let k = (round * 331) % functions;
        version += 1;
        server.change(
            uri,
            version,
            json!([edit((0, 0), (0, 0), "// one more line\n")]),
        );
        inserted += 1;
        let line = inserted + k as u32;
        let id = server.send_request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri },
                    "position": lsp_pos((line, returned_v_column(k))) }),
        );
        asked.push((k, line, id));
        if round % 3 == 0 {
            early.insert(id, server.response(id));
        }
        version += 1;
        server.change(
            uri,
            version,
            json!([edit((0, 0), (0, 0), "// and another\n")]),
        );
        inserted += 1;
    }
    let mut answered = 0;
    for (k, line, id) in asked {
        let answer = early.remove(&id).unwrap_or_else(|| server.response(id));
        match answer {
            Ok(hover) => {
                let text = hover["contents"]["value"].as_str().unwrap_or_default();
                assert!(
                    text.starts_with(&format!("`v{k}`"))
                        && text.contains(&format!("function environment of `f{k}`")),
                    "hover on v{k} (line {line}) describes something else: {text}"
                );
                assert_eq!(hover["range"]["start"]["line"], line, "{hover}");
                answered += 1;
            }
            Err(error) => assert_eq!(error_code(&error), CONTENT_MODIFIED, "v{k}: {error}"),
        }
    }
    // Then, with no edit behind it, a hover is answered.
    let k = 7;
    let hover = server.hover(uri, (inserted + k, returned_v_column(k as usize)));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.starts_with("`v7`"), "{text}");
    eprintln!("{answered} of 60 hovers answered between edits, the others ContentModified");
    assert!(answered >= 20, "the hovers waited for are answered");
    assert!(server.shutdown().success());
}

/// Answered at once or after waiting, a request on an unchanged document gets the same answer.
#[test]
fn requests_sent_one_at_a_time_are_always_answered() {
    let uri = "file:///large.js";
    let mut server = start();
    server.open(uri, "javascript", &many_functions(2_000));
    for (version, k) in (2..).zip([5usize, 900, 1999, 0]) {
        server.change(uri, version, json!([edit((0, 0), (0, 0), "\n")]));
        let line = version as u32 - 1 + k as u32;
        let hover = server.hover(uri, (line, returned_v_column(k)));
        let text = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(text.starts_with(&format!("`v{k}`")), "{text}");
    }
    assert!(server.shutdown().success());
}

/// `$/cancelRequest` for a request still waiting for its analysis answers `RequestCancelled`,
/// and the server goes on.
#[test]
fn a_cancelled_request_is_answered_request_cancelled() {
    let uri = "file:///cancel.js";
    let mut server = start();
    server.open(uri, "javascript", &many_functions(40_000));
    let id = server.send_request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": lsp_pos((3, returned_v_column(3))) }),
    );
    server.notify("$/cancelRequest", json!({ "id": id }));
    match server.response(id) {
        Err(error) => assert_eq!(error_code(&error), REQUEST_CANCELLED, "{error}"),
        // The analysis won the race: then the answer must be right.
        Ok(hover) => assert!(
            hover["contents"]["value"]
                .as_str()
                .unwrap()
                .starts_with("`v3`")
        ),
    }
    let hover = server.hover(uri, (3, returned_v_column(3)));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("`v3`")
    );
    assert!(server.shutdown().success());
}

/// A malformed frame in the middle of a session gets an error response; the messages before and
/// after it are applied and answered in order.
#[test]
fn a_malformed_frame_mid_session_is_answered_and_the_session_goes_on() {
    let uri = "file:///frames.js";
    let mut server = start();
    server.open(uri, "javascript", "let a = 1;\n");
    server.change(uri, 2, json!([edit((1, 0), (1, 0), "a;\n")]));
    server.send_body(b"{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":");
    server.send_raw(b"Content-Length: nope\r\n\r\n");
    server.change(uri, 3, json!([edit((2, 0), (2, 0), "let b = a;\n")]));
    let hover = server.hover(uri, (2, 8));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.starts_with("`a`"), "{text}");
    let error: Value = server.null_id_error();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert!(server.shutdown().success());
}

/// A client that sends `initialize` and closes stdin still gets the answer: the server writes
/// everything queued before it exits (this lost the answer about one time in ten).
#[test]
fn answers_queued_at_end_of_input_are_written_before_exit() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let binary = crate::client::binary();
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    for _ in 0..20 {
        let mut child = Command::new(&binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn scopelens");
        let mut stdin = child.stdin.take().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{init}", init.len()).unwrap();
        drop(stdin);
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        child.wait().unwrap();
        assert!(
            out.contains("\"hoverProvider\""),
            "no answer to initialize: {out:?}"
        );
    }
}
