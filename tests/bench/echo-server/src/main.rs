//! A stub language server for calibration: reads each message on the main thread and writes the
//! answer at once, unbuffered. No analysis, no threads, no framework: what is left of a round
//! trip is the pipes, the scheduler and the bench client.

use std::io::{BufRead, BufReader, Write};

use serde_json::{Value, json};

fn main() {
    let mut input = BufReader::new(std::io::stdin().lock());
    // fd 1 itself: std's line-buffered stdout would write each frame in two pieces.
    // SAFETY: fd 1 is open for the life of the process and never closed here (`ManuallyDrop`).
    let stdout = std::mem::ManuallyDrop::new(unsafe {
        <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(1)
    });
    let mut output = &*stdout;
    while let Some(body) = read_message(&mut input) {
        let Ok(message) = serde_json::from_slice::<Value>(&body) else {
            continue;
        };
        let (Some(id), Some(method)) = (message.get("id"), message["method"].as_str()) else {
            if message["method"] == "exit" {
                return;
            }
            continue;
        };
        let result = match method {
            "initialize" => json!({ "capabilities": {
                "hoverProvider": true, "definitionProvider": true, "inlayHintProvider": true,
                "textDocumentSync": 2 } }),
            "textDocument/hover" => json!({ "contents": { "kind": "markdown", "value": "echo" } }),
            "textDocument/inlayHint" => json!([]),
            _ => Value::Null,
        };
        let body = json!({ "jsonrpc": "2.0", "id": id, "result": result }).to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        if output.write_all(frame.as_bytes()).is_err() {
            return;
        }
    }
}

/// The next message's body; `None` at the end of input.
fn read_message(input: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            if length.is_some() {
                break;
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    Some(body)
}
