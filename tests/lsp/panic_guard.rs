//! The one panic guard: a handler that panics answers its request with an internal error, the
//! server logs it and answers the next requests; a panic in the analysis worker's pitfall pass
//! leaves the other diagnostics and every answer. `SCOPELENS_TEST_PANIC` names what panics.

use serde_json::{Value, json};

use crate::client::{Encoding, Server, pos};

const URI: &str = "file:///project/guard.js";
const TEXT: &str =
    "let a = 1;\nfor (var i = 0; i < 3; i++) { setTimeout(() => a + i); }\nlet b = ;\n";

#[test]
fn a_panicking_handler_answers_an_internal_error_and_the_server_goes_on() {
    let env = [("SCOPELENS_TEST_PANIC", "textDocument/hover")];
    let (mut server, _) = Server::start_with_env(&["utf-16"], Value::Null, &env);
    server.open(URI, "javascript", TEXT);
    let at = pos(TEXT, "a + i", 0, Encoding::Utf16);
    for _ in 0..2 {
        let error = server.at("textDocument/hover", URI, at).unwrap_err();
        assert_eq!(error["code"], -32603, "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("textDocument/hover"),
            "{error}"
        );
        // Another method on the same document is answered as usual.
        let definition = server.at("textDocument/definition", URI, at).unwrap();
        assert_eq!(
            definition["range"]["start"],
            json!({"line": 0, "character": 4})
        );
    }
    assert!(
        server.stderr().contains("the handler panicked"),
        "{}",
        server.stderr()
    );
    assert!(server.shutdown().success());
}

#[test]
fn a_panicking_pitfall_pass_leaves_the_rest() {
    let env = [("SCOPELENS_TEST_PANIC", "pitfalls")];
    let (mut server, _) = Server::start_with_env(&["utf-16"], Value::Null, &env);
    server.open(URI, "javascript", TEXT);
    let published = server.diagnostics(URI);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    // The syntax error is still published; the pitfall is not.
    assert_eq!(diagnostics.len(), 1, "{published}");
    assert!(diagnostics[0]["code"].is_null(), "{published}");
    let hover = server.hover_text(URI, pos(TEXT, "a + i", 0, Encoding::Utf16));
    assert!(hover.contains('a'), "{hover}");
    assert!(server.stderr().contains("pitfalls"), "{}", server.stderr());
    assert!(server.shutdown().success());
}
