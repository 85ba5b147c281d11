//! The workspace index over LSP, on a generated workspace of three packages: `core` declares
//! `Vector` and re-exports it (by name and through `export *`), `lib` imports it by a relative
//! path and re-exports it again, `app` imports it by package name (a `node_modules` symlink, as
//! npm/pnpm workspaces make). References and rename through the re-exports across packages, a
//! file added, changed and deleted on disk and announced, a partial answer flagged, the index
//! progress reported, and `workspace/symbol`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::client::{Encoding, Server, pos};

struct Workspace {
    root: PathBuf,
}

const FILES: &[(&str, &str)] = &[
    (
        "packages/core/package.json",
        r#"{ "name": "@ws/core", "type": "module", "exports": "./index.js" }"#,
    ),
    (
        "packages/core/src/vector.js",
        "export class Vector {\n  constructor(x) { this.x = x; }\n}\nexport const ORIGIN = new Vector(0);\n",
    ),
    ("packages/core/src/all.js", "export * from './vector.js';\n"),
    (
        "packages/core/index.js",
        "export { Vector } from './src/vector.js';\nexport * as shapes from './src/all.js';\n",
    ),
    (
        "packages/lib/package.json",
        r#"{ "name": "@ws/lib", "type": "module" }"#,
    ),
    (
        "packages/lib/geometry.js",
        "import { Vector } from '../core/src/all.js';\nexport function unit() { return new Vector(1); }\nexport { Vector as Vec };\n",
    ),
    (
        "packages/app/package.json",
        r#"{ "name": "@ws/app", "type": "module" }"#,
    ),
    (
        "packages/app/main.js",
        "import { Vector } from '@ws/core';\nimport { Vec } from '../lib/geometry.js';\nconsole.log(new Vector(2).x, new Vec(3).x);\n",
    ),
    (
        "packages/app/unrelated.js",
        "class Vector {}\nexport const v = new Vector();\n",
    ),
];

impl Workspace {
    fn new(name: &str) -> Self {
        let root =
            std::env::temp_dir().join(format!("scopelens-index-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (rel, text) in FILES {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(root.join("node_modules/@ws")).unwrap();
        std::os::unix::fs::symlink(
            root.join("packages/core"),
            root.join("node_modules/@ws/core"),
        )
        .unwrap();
        let root = root.canonicalize().unwrap();
        Self { root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.path(rel).display())
    }

    fn rel(&self, uri: &str) -> String {
        let path = Path::new(uri.strip_prefix("file://").unwrap());
        path.strip_prefix(&self.root).unwrap().display().to_string()
    }

    fn start(&self) -> Server {
        let mut server = Server::spawn();
        let root = format!("file://{}", self.root.display());
        server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root,
                    "workspaceFolders": [{ "uri": root, "name": "ws" }],
                    "capabilities": {
                        "general": { "positionEncodings": ["utf-16"] },
                        "window": { "workDoneProgress": true },
                    },
                }),
            )
            .expect("initialize succeeds");
        server.notify("initialized", json!({}));
        server
    }

    fn open(&self, server: &mut Server, rel: &str) -> String {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        server.open(&self.uri(rel), "javascript", &text);
        text
    }

    /// `file:line:col` of each location, sorted.
    fn places(&self, locations: &Value) -> Vec<String> {
        let mut out: Vec<String> = locations
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|l| {
                format!(
                    "{}:{}:{}",
                    self.rel(l["uri"].as_str().unwrap()),
                    l["range"]["start"]["line"].as_u64().unwrap() + 1,
                    l["range"]["start"]["character"].as_u64().unwrap() + 1
                )
            })
            .collect();
        out.sort();
        out
    }

    fn announce(&self, server: &mut Server, rel: &str, kind: u8) {
        server.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": self.uri(rel), "type": kind }] }),
        );
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn references(server: &mut Server, uri: &str, at: (u32, u32)) -> Value {
    server
        .request(
            "textDocument/references",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": at.0, "character": at.1 },
                "context": { "includeDeclaration": true },
            }),
        )
        .unwrap()
}

const CREATED: u8 = 1;
const CHANGED: u8 = 2;
const DELETED: u8 = 3;

#[test]
fn references_and_rename_through_reexports_across_packages() {
    let ws = Workspace::new("refs");
    let mut server = ws.start();
    let text = ws.open(&mut server, "packages/core/src/vector.js");
    let uri = ws.uri("packages/core/src/vector.js");
    let at = pos(&text, "Vector", 0, Encoding::Utf16);
    let expected = [
        "packages/app/main.js:1:10",
        "packages/app/main.js:2:10",
        "packages/app/main.js:3:17",
        "packages/app/main.js:3:34",
        "packages/core/index.js:1:10",
        "packages/core/src/vector.js:1:14",
        "packages/core/src/vector.js:4:27",
        "packages/lib/geometry.js:1:10",
        "packages/lib/geometry.js:2:37",
        "packages/lib/geometry.js:3:10",
        "packages/lib/geometry.js:3:20",
    ];
    assert_eq!(ws.places(&references(&mut server, &uri, at)), expected);
    // The same answer from an importer in another package.
    let main = ws.open(&mut server, "packages/app/main.js");
    let from_app = references(
        &mut server,
        &ws.uri("packages/app/main.js"),
        pos(&main, "Vector", 1, Encoding::Utf16),
    );
    assert_eq!(ws.places(&from_app), expected);

    let edit = server
        .request(
            "textDocument/rename",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": at.0, "character": at.1 },
                "newName": "Vector3",
            }),
        )
        .unwrap();
    let mut files: Vec<(String, usize)> = edit["changes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(uri, edits)| (ws.rel(uri), edits.as_array().unwrap().len()))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            ("packages/app/main.js".to_string(), 2),
            ("packages/core/index.js".to_string(), 1),
            ("packages/core/src/vector.js".to_string(), 2),
            ("packages/lib/geometry.js".to_string(), 3),
        ]
    );
    assert!(server.shutdown().success());
}

#[test]
fn files_added_changed_and_deleted_on_disk_are_followed() {
    let ws = Workspace::new("changes");
    let mut server = ws.start();
    let text = ws.open(&mut server, "packages/core/src/vector.js");
    let uri = ws.uri("packages/core/src/vector.js");
    let at = pos(&text, "Vector", 0, Encoding::Utf16);
    let count = |server: &mut Server, file: &str| {
        ws.places(&references(server, &uri, at))
            .iter()
            .filter(|p| p.starts_with(file))
            .count()
    };
    assert_eq!(count(&mut server, "packages/app/extra.js"), 0);
    std::fs::write(
        ws.path("packages/app/extra.js"),
        "import { Vector } from '@ws/core';\nnew Vector(4);\n",
    )
    .unwrap();
    ws.announce(&mut server, "packages/app/extra.js", CREATED);
    assert_eq!(count(&mut server, "packages/app/extra.js"), 2);
    std::fs::write(
        ws.path("packages/app/extra.js"),
        "import { Vector } from '@ws/core';\nnew Vector(4);\nnew Vector(5);\n",
    )
    .unwrap();
    ws.announce(&mut server, "packages/app/extra.js", CHANGED);
    assert_eq!(count(&mut server, "packages/app/extra.js"), 3);
    std::fs::remove_file(ws.path("packages/app/extra.js")).unwrap();
    ws.announce(&mut server, "packages/app/extra.js", DELETED);
    assert_eq!(count(&mut server, "packages/app/extra.js"), 0);
    // The index said when it was ready.
    let done =
        server.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    assert!(
        done["params"]["value"]["message"]
            .as_str()
            .unwrap()
            .ends_with("files indexed"),
        "{done}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn a_file_left_out_of_the_index_makes_the_answer_partial_and_says_so() {
    let ws = Workspace::new("partial");
    // More than the 4 MiB scopelens reads, and it imports `Vector`.
    let mut big = String::from("import { Vector } from '@ws/core';\nnew Vector(9);\n");
    while big.len() <= 4 << 20 {
        big.push_str("// padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(ws.path("packages/app/bundle.js"), big).unwrap();
    let mut server = ws.start();
    let text = ws.open(&mut server, "packages/core/src/vector.js");
    let uri = ws.uri("packages/core/src/vector.js");
    let at = pos(&text, "Vector", 0, Encoding::Utf16);
    let places = ws.places(&references(&mut server, &uri, at));
    assert!(
        places.contains(&"packages/app/main.js:1:10".to_string()),
        "{places:?}"
    );
    let warning = server.wait_for(|m| m["method"] == "window/showMessage");
    let message = warning["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("may be incomplete") && message.contains("packages/app/bundle.js"),
        "{message}"
    );
    let refused = server
        .request(
            "textDocument/rename",
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": at.0, "character": at.1 },
                "newName": "Vector3",
            }),
        )
        .unwrap_err();
    let why = refused["message"].as_str().unwrap();
    assert!(
        why.contains("bundle.js") && why.contains("does not rename"),
        "{why}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn workspace_symbol_finds_top_level_bindings_with_their_environment() {
    let ws = Workspace::new("symbols");
    let mut server = ws.start();
    let found = server
        .request("workspace/symbol", json!({ "query": "vectr" }))
        .unwrap();
    let found: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} kind={} {} — {}",
                s["name"].as_str().unwrap(),
                s["kind"],
                ws.rel(s["location"]["uri"].as_str().unwrap()),
                s["containerName"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "Vector kind=5 packages/core/src/vector.js — module environment of packages/core/src/vector.js",
            "Vector kind=5 packages/app/unrelated.js — module environment of packages/app/unrelated.js",
        ]
    );
    assert!(server.shutdown().success());
}

#[test]
fn documents_opened_while_the_index_is_built_are_answered_from_their_text() {
    let ws = Workspace::new("opened");
    // Enough files that the index is likely still at work when the documents open (it leaves
    // an open document to the document's own analysis); the answers are the same either way.
    const FILLERS: usize = 200;
    for i in 0..FILLERS {
        let mut text = String::new();
        for j in 0..100 {
            text.push_str(&format!(
                "export function f{j}(a, b) {{ return a + b * {i}; }}\n"
            ));
        }
        let path = ws.path(&format!("packages/aaa/filler{i:03}.js"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut server = ws.start();
    // `main.js` open with a text that is not on disk: one more use of `Vector`, on line 4.
    let main =
        std::fs::read_to_string(ws.path("packages/app/main.js")).unwrap() + "new Vector(5);\n";
    server.open(&ws.uri("packages/app/main.js"), "javascript", &main);
    // `unrelated.js` open with another text and closed at once: its disk text counts again.
    let unrelated = ws.uri("packages/app/unrelated.js");
    server.open(
        &unrelated,
        "javascript",
        "import { Vector } from '@ws/core';\nnew Vector(6);\n",
    );
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": unrelated } }),
    );
    let text = ws.open(&mut server, "packages/core/src/vector.js");
    let uri = ws.uri("packages/core/src/vector.js");
    let at = pos(&text, "Vector", 0, Encoding::Utf16);
    let places = ws.places(&references(&mut server, &uri, at));
    let in_app: Vec<&String> = places
        .iter()
        .filter(|p| p.starts_with("packages/app/"))
        .collect();
    assert_eq!(
        in_app,
        [
            "packages/app/main.js:1:10",
            "packages/app/main.js:2:10",
            "packages/app/main.js:3:17",
            "packages/app/main.js:3:34",
            "packages/app/main.js:4:5",
        ],
        "{places:?}"
    );
    // Every file counts as indexed, the open ones too.
    let done =
        server.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end");
    let sources = FILES.iter().filter(|(rel, _)| rel.ends_with(".js")).count();
    assert_eq!(
        done["params"]["value"]["message"],
        format!("{} files indexed", FILLERS + sources),
        "{done}"
    );
    assert!(server.shutdown().success());
}
