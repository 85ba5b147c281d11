//! Hostile inputs through the whole server: deep nesting, long lines, odd characters and line
//! breaks, under UTF-16 and UTF-8. Answers may degrade; the server never dies or hangs.

use serde_json::{Value, json};

use crate::client::{Encoding, Server, position_of};
use crate::model;

fn start(encoding: Encoding) -> Server {
    let offered = match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::Utf16 => "utf-16",
    };
    Server::start(&[offered], Value::Null).0
}

/// Opens `text`, asks hover/definition/scopeChain/inlay hints at a few offsets, and returns the
/// hover answers; every request must be answered.
fn probe(
    server: &mut Server,
    uri: &str,
    text: &str,
    offsets: &[usize],
    encoding: Encoding,
) -> Vec<Value> {
    server.open(uri, "javascript", text);
    let mut hovers = Vec::new();
    for &offset in offsets {
        let (line, character) = position_of(text, offset, encoding);
        let params = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        let hover = server
            .request("textDocument/hover", params.clone())
            .expect("hover answers");
        server
            .request("textDocument/definition", params.clone())
            .expect("definition answers");
        server
            .request("scopelens/scopeChain", params)
            .expect("scope chain answers");
        hovers.push(hover);
    }
    server
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 3, "character": 0 } } }),
        )
        .expect("inlay hints answer");
    assert!(server.running(), "{}", server.stderr());
    hovers
}

const N: usize = 100_000;

/// 100,000 levels of nesting in every form the parser recurses on: refused by the depth guard
/// with a note, or analysed; never a stack overflow (an abort that would kill the server).
#[test]
fn deep_nesting_never_crashes() {
    let cases: Vec<(&str, String)> = vec![
        (
            "parens",
            format!("let x = 1; {}x{}", "(".repeat(N), ")".repeat(N)),
        ),
        (
            "brackets",
            format!("let x = 1; {}x{}", "[".repeat(N), "]".repeat(N)),
        ),
        (
            "blocks",
            format!("let x = 1; {}x;{}", "{".repeat(N), "}".repeat(N)),
        ),
        (
            "functions",
            format!(
                "let x = 1; {}x;{}",
                "function f() {".repeat(N),
                "}".repeat(N)
            ),
        ),
        ("arrows", format!("let x = 1; {}x", "() => ".repeat(N))),
        ("unary", format!("let x = 1; {}x", "!".repeat(N))),
        ("typeof", format!("let x = 1; {}x", "typeof ".repeat(N))),
        ("ternaries", format!("let x = 1; {}x", "x ? x : ".repeat(N))),
        ("if", format!("let x = 1; {}x;", "if (x) ".repeat(N))),
        (
            "else if",
            format!("let x = 1; if (x) {{}}{} x;", " else if (x) {}".repeat(N)),
        ),
        ("binary", format!("let x = 1; x{}", " + x".repeat(N))),
        ("assignments", format!("let x = 1; {}x", "x = ".repeat(N))),
        ("members", format!("let x = 1; x{}", ".y".repeat(N))),
        ("calls", format!("let x = 1; x{}", "()".repeat(N))),
        ("labels", format!("let x = 1; {}x;", "a: ".repeat(N))),
        (
            "templates",
            format!("let x = 1; {}x{}", "`${".repeat(N), "}`".repeat(N)),
        ),
    ];
    let mut server = start(Encoding::Utf16);
    for (name, text) in &cases {
        let uri = format!("file:///hostile/{}.js", name.replace(' ', "-"));
        let hovers = probe(
            &mut server,
            &uri,
            text,
            &[4, text.len() - 1],
            Encoding::Utf16,
        );
        // The declaration of `x` is answered, or a note says why nothing is.
        let first = hovers[0]["contents"]["value"].as_str().unwrap_or_default();
        assert!(
            first.contains("`x`") || first.contains("could not analyse"),
            "{name}: {}",
            hovers[0]
        );
        server.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }
    assert!(server.shutdown().success());
}

/// A single 10 MB line (minified code) and, with SCOPELENS_HEAVY=1, a 50 MB file: answered.
#[test]
fn huge_line_and_file() {
    let mut server = start(Encoding::Utf16);
    let unit = "var a=function(b){return b+1},c=a(2);";
    let size = if crate::heavy() { 10 << 20 } else { 2 << 20 };
    let line = unit.repeat(size / unit.len());
    let offset = line.rfind("a(2)").unwrap();
    let hovers = probe(
        &mut server,
        "file:///hostile/line.js",
        &line,
        &[offset],
        Encoding::Utf16,
    );
    assert!(
        hovers[0]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`a`"),
        "{}",
        hovers[0]
    );
    if crate::heavy() {
        let file = format!("{unit}\n").repeat((50 << 20) / (unit.len() + 1));
        let offset = file.rfind("a(2)").unwrap();
        let hovers = probe(
            &mut server,
            "file:///hostile/big.js",
            &file,
            &[offset],
            Encoding::Utf16,
        );
        assert!(
            hovers[0]["contents"]["value"]
                .as_str()
                .unwrap()
                .contains("`a`"),
            "{}",
            hovers[0]
        );
        eprintln!("50 MB file: server RSS {:?} KiB", server.rss_kib());
    }
    assert!(server.shutdown().success());
}

/// NUL bytes, lone surrogates (sent as `\uD800` escapes), BOM, CRLF and lone CR, astral
/// characters and combining marks: answers land on the right identifier in both encodings.
#[test]
fn odd_characters_under_both_encodings() {
    let text = "\u{feff}let 𝒳 = 1;\r\nlet e\u{301}t\u{e9} = 𝒳;\rlet s = \"\u{0}\u{1F600}\";\u{2028}e\u{301}t\u{e9}(𝒳);\n// \u{0}\r\n";
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let mut server = start(encoding);
        let uri = "untitled:Untitled-3";
        let target = text.rfind("𝒳").unwrap();
        let hovers = probe(&mut server, uri, text, &[target, 0, text.len()], encoding);
        let value = hovers[0]["contents"]["value"].as_str().unwrap();
        assert!(value.contains("`𝒳`"), "{encoding:?}: {value}");
        let expected = model::position(text, target, encoding);
        assert_eq!(hovers[0]["range"]["start"], expected, "{encoding:?}");

        // A lone surrogate cannot be UTF-8: the JSON escape `\uD800` is refused as a parse
        // error (id null) or turned into U+FFFD; either way the server answers and lives on.
        let body = r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///s.js","languageId":"javascript","version":1,"text":"let a = '\uD800'; a; \uDC00b"}}}"#;
        server.send_body(body.as_bytes());
        let answer = server.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///s.js" }, "position": { "line": 0, "character": 4 } }),
        );
        match answer {
            Ok(hover) => assert!(
                hover.is_null() || hover["contents"]["value"].as_str().unwrap().contains("`a`")
            ),
            Err(error) => assert_eq!(error["code"], -32602, "{error}"),
        }
        assert!(server.running());
        assert!(server.shutdown().success());
    }
}

/// The same characters, and every escape JSON has, in a document of more than 1 MiB, whose
/// text the reader decodes itself rather than through serde_json (`lsp/large_strings.rs`):
/// answers land on the right identifier after all of them.
#[test]
fn odd_characters_in_a_document_over_a_mebibyte() {
    let odd = "\u{feff}let 𝒳 = 1;\r\nlet e\u{301}t\u{e9} = 𝒳;\rlet s = \"\u{0}\u{1F600}\";\u{2028}e\u{301}t\u{e9}(𝒳);\n";
    let padding = "// \"quoted\" \\ back\tslash \u{1}\u{8}\u{c} / é€😀\r\n".repeat((1 << 20) / 40);
    let text = format!("{odd}{padding}𝒳;\n");
    for encoding in [Encoding::Utf16, Encoding::Utf8] {
        let mut server = start(encoding);
        let target = text.rfind("𝒳").unwrap();
        let hovers = probe(
            &mut server,
            "file:///hostile/large.js",
            &text,
            &[target],
            encoding,
        );
        let value = hovers[0]["contents"]["value"].as_str().unwrap();
        assert!(value.contains("`𝒳`"), "{encoding:?}: {value}");
        let expected = model::position(&text, target, encoding);
        assert_eq!(hovers[0]["range"]["start"], expected, "{encoding:?}");
        assert!(server.shutdown().success());
    }
}

/// A client that writes all its requests before it reads any answer (a simple synchronous
/// client) gets every answer: the server keeps reading while its answers wait for the client,
/// rather than blocking on a full stdout while the client blocks on a full stdin.
/// Over a pipe (as most clients give) and over a socket (as Node and libuv give).
#[test]
fn a_client_that_writes_everything_before_reading_gets_every_answer() {
    writes_everything_before_reading(true);
    writes_everything_before_reading(false);
}

fn writes_everything_before_reading(socket: bool) {
    use std::io::{BufReader, Read, Write};
    use std::os::unix::net::UnixStream;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    const REQUESTS: i64 = 20_000;
    let mut command = Command::new(env!("CARGO_BIN_EXE_scopelens-under-test"));
    command.stdin(Stdio::piped()).stderr(Stdio::null());
    let ours = if socket {
        let (ours, theirs) = UnixStream::pair().unwrap();
        command.stdout(Stdio::from(std::os::fd::OwnedFd::from(theirs)));
        Some(ours)
    } else {
        command.stdout(Stdio::piped());
        None
    };
    let mut child = command.spawn().expect("spawn scopelens");
    let mut stdin = child.stdin.take().unwrap();
    let stdout: Box<dyn Read + Send> = match ours {
        Some(ours) => Box::new(ours),
        None => Box::new(child.stdout.take().unwrap()),
    };
    let mut stdout = BufReader::new(stdout);
    fn frame(message: Value) -> Vec<u8> {
        let body = message.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }
    fn hover(id: i64) -> Vec<u8> {
        frame(
            json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
            "textDocument": { "uri": "file:///a.js" }, "position": { "line": 1, "character": 16 } } }),
        )
    }
    fn answer(id: i64, stdout: &mut impl std::io::BufRead) -> Value {
        loop {
            let message = crate::client::read_message(stdout).expect("an answer");
            if message["id"] == id {
                return message;
            }
        }
    }
    stdin
        .write_all(&frame(
            json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": { "processId": null, "rootUri": null, "capabilities": {} } }),
        ))
        .unwrap();
    answer(0, &mut stdout);
    let text = "function outer(alpha) {\n  return () => alpha + alphabet;\n}\nlet alphabet = 1;\n";
    stdin
        .write_all(&frame(
            json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": "file:///a.js", "languageId": "javascript", "version": 1,
                "text": text } } }),
        ))
        .unwrap();
    stdin.write_all(&hover(1)).unwrap();
    let first = answer(1, &mut stdout);
    assert!(first["result"]["contents"]["value"].is_string(), "{first}");

    // Megabytes of requests, then megabytes of answers: more than either pipe holds.
    let (done, written) = mpsc::channel();
    let writer = std::thread::spawn(move || {
        for id in 2..2 + REQUESTS {
            stdin.write_all(&hover(id)).unwrap();
        }
        done.send(()).unwrap();
        stdin
    });
    if written.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = child.kill();
        panic!("the server stopped reading while its answers were not read");
    }
    let mut stdin = writer.join().unwrap();
    let mut answered = 0;
    while answered < REQUESTS {
        let message = crate::client::read_message(&mut stdout).expect("an answer");
        if message.get("id").is_some() {
            assert!(
                message["result"]["contents"]["value"].is_string(),
                "{message}"
            );
            answered += 1;
        }
    }
    stdin
        .write_all(&frame(
            json!({ "jsonrpc": "2.0", "id": -1, "method": "shutdown" }),
        ))
        .unwrap();
    answer(-1, &mut stdout);
    stdin
        .write_all(&frame(json!({ "jsonrpc": "2.0", "method": "exit" })))
        .unwrap();
    assert!(child.wait().unwrap().success());
}
