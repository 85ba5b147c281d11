//! A heap snapshot in the editor (issue 23): `scopelens/heapSnapshot` loads one Node writes at
//! test time from `tests/heap/fixtures/app` (the sibling-closure leak in `siblings.js`: three
//! `escape` arrows each keep a 50,000-element `big` alive that only `useBig` uses), then hover
//! and code lenses show what the closures retain, until it is cleared; bad input is an error
//! sentence.

use std::path::Path;

use serde_json::{Value, json};

use crate::client::{Encoding, Server, pos};
use crate::heap_fixture::{app, scratch, snapshot};

/// A server whose workspace is `root`, with a client that shows progress and refreshes lenses.
fn start(root: &Path) -> Server {
    let mut server = Server::spawn();
    let root = format!("file://{}", root.display());
    server
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{ "uri": root, "name": "app" }],
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "window": { "workDoneProgress": true },
                    "workspace": { "codeLens": { "refreshSupport": true } },
                },
            }),
        )
        .expect("initialize succeeds");
    server.notify("initialized", json!({}));
    server
}

fn load(server: &mut Server, path: &str) -> Result<Value, Value> {
    server.request("scopelens/heapSnapshot", json!({ "path": path }))
}

fn lenses(server: &mut Server, uri: &str) -> Vec<String> {
    let result = server
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    result
        .as_array()
        .map(|l| {
            l.iter()
                .map(|lens| {
                    format!(
                        "{}: {}",
                        lens["range"]["start"]["line"],
                        lens["command"]["title"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_loaded_snapshot_shows_what_closures_retain_until_cleared() {
    let snapshot = snapshot().to_str().unwrap().to_string();
    let mut server = start(&app());
    let file = app().join("siblings.js");
    let uri = format!("file://{}", file.display());
    let text = std::fs::read_to_string(&file).unwrap();
    server.open(&uri, "javascript", &text);
    let arrow = pos(&text, "=>", 0, Encoding::Utf16);
    assert!(
        !server.hover_text(&uri, arrow).contains("Heap snapshot"),
        "nothing loaded yet"
    );
    assert!(lenses(&mut server, &uri).is_empty());

    let answer = load(&mut server, &snapshot).expect("loads");
    assert_eq!(answer["loaded"], true, "{answer}");
    assert!(answer["functions"].as_u64().unwrap() >= 5, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .starts_with("app.heapsnapshot: "),
        "{answer}"
    );
    // Progress was reported: the client was asked for a token, then begin … end.
    assert!(
        server
            .server_requests
            .iter()
            .any(|r| r["method"] == "window/workDoneProgress/create"),
        "{:?}",
        server.server_requests
    );
    // The load's own progress (the workspace index reports under its own token). The end may
    // come after the answer: notifications and responses are separate streams.
    let loading =
        |n: &Value| n["method"] == "$/progress" && n["params"]["token"] != "scopelens-index";
    let ended = |n: &Value| loading(n) && n["params"]["value"]["kind"] == "end";
    if !server.notifications.iter().any(ended) {
        let end = server.wait_for(ended);
        server.notifications.push(end);
    }
    let kinds: Vec<&str> = server
        .notifications
        .iter()
        .filter(|n| loading(n))
        .filter_map(|n| n["params"]["value"]["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"begin"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"end"), "{kinds:?}");

    // On the arrow's `=>`: its three instances, what they retain, and `big` marked as kept
    // only because `useBig` captures it.
    let hover = server.hover_text(&uri, arrow);
    assert!(
        hover.contains("**Heap snapshot:** 3 live instances retain **"),
        "{hover}"
    );
    let big = hover
        .lines()
        .find(|l| l.starts_with("- `big` "))
        .unwrap_or_else(|| panic!("{hover}"));
    assert!(
        big.contains(" MB — **kept only for a sibling closure** (`useBig` captures it"),
        "{hover}"
    );
    assert!(hover.contains("- `small` "), "{hover}");
    // The static hover is still there, above.
    assert!(hover.contains("a closure (arrow function)"), "{hover}");

    // A lens above `escape`'s line (0-based line 8), saying the same in one line.
    let lenses_now = lenses(&mut server, &uri);
    let escape_line = pos(&text, "const escape", 0, Encoding::Utf16).0;
    let lens = lenses_now
        .iter()
        .find(|l| l.starts_with(&format!("{escape_line}: ")))
        .unwrap_or_else(|| panic!("{lenses_now:?}"));
    assert!(
        lens.contains(" retained by 3 instances · kept alive: big ("),
        "{lens}"
    );
    assert!(lens.ends_with("· only for a sibling: big"), "{lens}");
    // Lenses were refreshed after the load.
    assert!(
        server
            .server_requests
            .iter()
            .any(|r| r["method"] == "workspace/codeLens/refresh")
    );

    let cleared = server
        .request("scopelens/clearHeapSnapshot", Value::Null)
        .unwrap();
    assert_eq!(cleared["loaded"], false);
    assert!(!server.hover_text(&uri, arrow).contains("Heap snapshot"));
    assert!(lenses(&mut server, &uri).is_empty());

    // `{path: null}` clears too.
    load(&mut server, &snapshot).unwrap();
    assert!(!lenses(&mut server, &uri).is_empty());
    let cleared = server
        .request("scopelens/heapSnapshot", json!({ "path": null }))
        .unwrap();
    assert_eq!(cleared["loaded"], false);
    assert!(lenses(&mut server, &uri).is_empty());
    assert!(server.shutdown().success());
}

#[test]
fn bad_snapshots_are_error_sentences() {
    let mut server = start(&app());
    let missing = scratch().join("missing.heapsnapshot");
    let error = load(&mut server, missing.to_str().unwrap()).unwrap_err();
    assert_eq!(error["code"], -32803, "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("{}: cannot open", missing.display())),
        "{message}"
    );

    let not_a_snapshot = app().join("siblings.js");
    let error = load(&mut server, not_a_snapshot.to_str().unwrap()).unwrap_err();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not a V8 heap snapshot"),
        "{error}"
    );

    let truncated = scratch().join("truncated.heapsnapshot");
    let whole = std::fs::read(snapshot()).unwrap();
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let error = load(&mut server, truncated.to_str().unwrap()).unwrap_err();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("corrupt heap snapshot"),
        "{error}"
    );

    let error = load(&mut server, "app.heapsnapshot").unwrap_err();
    assert_eq!(
        error["message"],
        "`app.heapsnapshot` is not an absolute path: give the heap snapshot's full path"
    );
    assert!(server.running());
    assert!(server.shutdown().success());
}

#[test]
fn a_snapshot_of_another_program_says_nothing_matched() {
    let elsewhere = scratch().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let mut server = start(&elsewhere);
    let answer = load(&mut server, snapshot().to_str().unwrap()).unwrap();
    assert_eq!(answer["loaded"], false, "{answer}");
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with("no closure of app.heapsnapshot belongs to a file of this workspace ("),
        "{message}"
    );
    assert!(
        message.ends_with("was it taken from another program?"),
        "{message}"
    );
    assert!(server.shutdown().success());
}
