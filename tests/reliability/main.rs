//! Reliability: the server never crashes, never hangs, never answers for the wrong text.
//!
//! - [`chaos`]: seeded random protocol interleavings checked against a reference model.
//! - [`hostile`]: deep nesting, huge files and lines, odd characters and line breaks.
//! - [`resilience`]: typing real files one character at a time; hovers elsewhere stay right.
//! - [`soak`]: thousands of edits with hovers; memory and latency stay flat.
//!
//! Heavier variants (a 50 MB file, the full 10,000-edit soak on a big file) run with
//! `SCOPELENS_HEAVY=1`. Figures are printed with `--nocapture` and recorded in
//! docs/reliability.md.

mod chaos;
#[path = "../common/lsp_client.rs"]
mod client;
mod hostile;
mod model;
mod resilience;
mod soak;

use std::time::Duration;

use client::Encoding;

pub fn heavy() -> bool {
    std::env::var_os("SCOPELENS_HEAVY").is_some()
}

#[test]
fn chaos_utf16() {
    for seed in [1, 2] {
        let stats = chaos::run(seed, Encoding::Utf16, 250, Duration::from_secs(40));
        eprintln!("chaos utf-16 seed {seed}: {stats:?}");
        assert!(
            stats.steps >= 50,
            "too few steps in the time budget: {stats:?}"
        );
    }
}

#[test]
fn chaos_utf8() {
    for seed in [3, 4] {
        let stats = chaos::run(seed, Encoding::Utf8, 250, Duration::from_secs(40));
        eprintln!("chaos utf-8 seed {seed}: {stats:?}");
        assert!(
            stats.steps >= 50,
            "too few steps in the time budget: {stats:?}"
        );
    }
}

#[test]
fn edit_resilience() {
    let mut server = client::Server::start(&["utf-16"], serde_json::Value::Null).0;
    let mut total = resilience::Tally::default();
    for (name, text) in resilience::FILES {
        // Debug builds are slow: every line of the examples, every 4th of the library code,
        // unless SCOPELENS_HEAVY=1.
        let stride = if name.starts_with("lodash") && !heavy() {
            4
        } else {
            1
        };
        let t = resilience::replay(&mut server, name, text, stride, Duration::from_secs(60));
        eprintln!(
            "resilience {name}: {} keystrokes, {} hovers, {:.2}% identical, {:.2}% identical but for notes",
            t.keystrokes,
            t.hovers,
            t.percent(),
            t.percent_but_notes()
        );
        total.keystrokes += t.keystrokes;
        total.hovers += t.hovers;
        total.identical += t.identical;
        total.identical_but_notes += t.identical_but_notes;
        total.dependent += t.dependent;
    }
    eprintln!(
        "resilience total: {} keystrokes, {} hovers compared ({} skipped: they depend on the typed line), {:.2}% identical, {:.2}% identical but for notes",
        total.keystrokes,
        total.hovers,
        total.dependent,
        total.percent(),
        total.percent_but_notes()
    );
    assert!(total.hovers > 1_000, "{total:?}");
    // The target is 99%; measured 97.4% (docs/reliability.md explains the gap: a
    // retyped function header legitimately moves its body's bindings). This floor guards
    // against regressions.
    assert!(total.percent_but_notes() >= 99.0, "{total:?}");
    assert!(server.shutdown().success());
}

#[test]
fn soak() {
    let text = include_str!("../../examples/ninja.js");
    let soak = soak::run("ninja.js", text, 10_000);
    for (edits, rss, latency) in &soak.samples {
        eprintln!("soak: {edits} edits, RSS {rss} KiB, edit+hover round trip {latency:?}");
    }
    let (_, first_rss, first_latency) = soak.samples[0];
    let (_, last_rss, last_latency) = *soak.samples.last().unwrap();
    let max_rss = soak.samples.iter().map(|s| s.1).max().unwrap();
    // Flat: no growth beyond allocator noise after the first window.
    assert!(
        max_rss <= first_rss + 16 * 1024,
        "RSS grew: {first_rss} → {max_rss} KiB"
    );
    assert!(
        last_latency <= first_latency * 3 + Duration::from_millis(5),
        "latency grew: {first_latency:?} → {last_latency:?}"
    );
    eprintln!(
        "soak: RSS {first_rss} → {last_rss} KiB over {} edits",
        soak.edits
    );
}

/// Non-`file:` URIs work: `untitled:` documents are analysed by their language id.
#[test]
fn untitled_uris_work() {
    let (mut server, _) = client::Server::start(&["utf-16"], serde_json::Value::Null);
    for (uri, language) in [
        ("untitled:Untitled-1", "javascript"),
        ("untitled:Untitled-2", "typescript"),
        ("vscode-notebook-cell:/nb.ipynb#W0", "javascript"),
    ] {
        let text = "let answer: number = 42;\nanswer;\n";
        let text = if language == "typescript" {
            text.to_string()
        } else {
            text.replace(": number", "")
        };
        server.open(uri, language, &text);
        let hover = server.hover_text(uri, (1, 1));
        assert!(
            hover.contains("`answer`") && hover.contains("let"),
            "{uri}: {hover}"
        );
    }
    assert!(server.shutdown().success());
}

/// Requests before `initialize` and after `shutdown` get JSON-RPC errors; the server keeps
/// reading until `exit`, then exits 0.
#[test]
fn lifecycle_errors() {
    let mut server = client::Server::spawn();
    let params = serde_json::json!({ "textDocument": { "uri": "file:///a.js" }, "position": { "line": 0, "character": 0 } });
    let error = server
        .request("textDocument/hover", params.clone())
        .expect_err("not initialized");
    assert_eq!(error["code"], -32002, "{error}");
    server.send_body(b"{ not json");
    assert_eq!(server.null_id_error()["error"]["code"], -32700);
    let (mut server, _) = {
        drop(server);
        client::Server::start(&[], serde_json::Value::Null)
    };
    server.open("file:///a.js", "javascript", "let a;");
    server
        .request("shutdown", serde_json::Value::Null)
        .expect("shutdown");
    let error = server
        .request("textDocument/hover", params)
        .expect_err("after shutdown");
    assert_eq!(error["code"], -32600, "{error}");
    server.send_body(b"[]");
    assert_eq!(server.null_id_error()["error"]["code"], -32600);
    assert!(server.running(), "no exit before `exit`");
    assert!(server.exit().success());
}
