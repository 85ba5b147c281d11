//! Soak: thousands of edits with a hover after each, in one session. Memory (RSS from
//! /proc/PID/status) and hover latency must stay flat.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::client::{Encoding, Server, position_of};

pub struct Soak {
    pub edits: usize,
    /// (edits so far, RSS in KiB, mean edit+hover round trip over the last window)
    pub samples: Vec<(usize, u64, Duration)>,
}

/// `edits` edits to `text`: typing and deleting a word inside a function body, alternately, so
/// the text is broken half of the time, with a hover on a stable identifier after each edit.
pub fn run(name: &str, text: &str, edits: usize) -> Soak {
    let (mut server, _) = Server::start(&["utf-16"], serde_json::Value::Null);
    let uri = format!("file:///soak/{name}");
    server.open(&uri, "javascript", text);
    let target = text
        .rfind("ninja")
        .or_else(|| text.rfind("function"))
        .unwrap();
    let target_pos = position_of(text, target, Encoding::Utf16);
    // Edits go at the start of the line after the target's, so the target never moves.
    let edit_line = target_pos.0 + 1;
    let window = (edits / 10).max(1);
    let mut samples = Vec::new();
    let mut window_started = Instant::now();
    for i in 0..edits {
        let inserting = i % 2 == 0;
        let word = "let x = (";
        let range = if inserting {
            json!({ "start": { "line": edit_line, "character": 0 }, "end": { "line": edit_line, "character": 0 } })
        } else {
            json!({ "start": { "line": edit_line, "character": 0 }, "end": { "line": edit_line, "character": word.len() } })
        };
        server.change(
            &uri,
            i as i32 + 2,
            json!([{ "range": range, "text": if inserting { word } else { "" } }]),
        );
        let hover = server.hover(&uri, target_pos);
        assert!(
            hover["contents"]["value"]
                .as_str()
                .is_some_and(|v| !v.is_empty()),
            "edit {i}: {hover}"
        );
        if (i + 1) % window == 0 {
            let rss = server.rss_kib().expect("RSS from /proc");
            samples.push((i + 1, rss, window_started.elapsed() / window as u32));
            window_started = Instant::now();
        }
    }
    assert!(server.shutdown().success());
    Soak { edits, samples }
}
