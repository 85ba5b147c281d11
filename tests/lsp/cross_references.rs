//! References and rename across files, on temporary copies of tests/fixtures/xrefs (a small
//! program that prints its results under node: ESM named, default and namespace imports, a
//! re-export, CommonJS `require` with destructuring and members) and tests/fixtures/workspace.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::client::{Encoding, Server, pos};
use crate::copy_dir;

struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(source: &str, name: &str) -> Self {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures")
            .join(source);
        let root =
            std::env::temp_dir().join(format!("scopelens-xrefs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&source, &root);
        let root = root.canonicalize().unwrap();
        Self { root }
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.root.join(rel).display())
    }

    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
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
                    "workspaceFolders": [{ "uri": root, "name": "fixture" }],
                    "capabilities": { "general": { "positionEncodings": ["utf-16"] } },
                }),
            )
            .expect("initialize succeeds");
        server.notify("initialized", json!({}));
        server
    }

    fn open(&self, server: &mut Server, rel: &str) -> String {
        let text = self.text(rel);
        server.open(&self.uri(rel), "javascript", &text);
        text
    }

    /// `(file, line, character)` of each location, relative to the root.
    fn places(&self, locations: &Value) -> BTreeSet<(String, u32, u32)> {
        let prefix = format!("file://{}/", self.root.display());
        locations
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|l| {
                let uri = l["uri"].as_str().unwrap();
                (
                    uri.strip_prefix(&prefix).unwrap_or(uri).to_owned(),
                    l["range"]["start"]["line"].as_u64().unwrap() as u32,
                    l["range"]["start"]["character"].as_u64().unwrap() as u32,
                )
            })
            .collect()
    }

    /// Where the `nth` `needle` is in `rel`.
    fn at(&self, rel: &str, needle: &str, nth: usize) -> (String, u32, u32) {
        let (line, character) = pos(&self.text(rel), needle, nth, Encoding::Utf16);
        (rel.to_owned(), line, character)
    }

    /// Applies a WorkspaceEdit's `changes` to the files (ASCII fixtures: characters are bytes).
    fn apply(&self, edit: &Value) {
        let prefix = format!("file://{}/", self.root.display());
        for (uri, edits) in edit["changes"].as_object().expect("changes") {
            let rel = uri.strip_prefix(&prefix).unwrap();
            let text = self.text(rel);
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            let offset = |p: &Value| {
                starts[p["line"].as_u64().unwrap() as usize]
                    + p["character"].as_u64().unwrap() as usize
            };
            let mut edits: Vec<(usize, usize, String)> = edits
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        offset(&e["range"]["start"]),
                        offset(&e["range"]["end"]),
                        e["newText"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            edits.sort_by_key(|e| std::cmp::Reverse(e.0));
            let mut text = text;
            for (start, end, new) in edits {
                text.replace_range(start..end, &new);
            }
            std::fs::write(self.root.join(rel), text).unwrap();
        }
    }

    fn run_node(&self) -> Option<String> {
        let out = Command::new("node")
            .arg("main.mjs")
            .current_dir(&self.root)
            .output()
            .ok()?;
        assert!(
            out.status.success(),
            "node failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).unwrap())
    }
}

impl Drop for Fixture {
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

fn rename(server: &mut Server, uri: &str, at: (u32, u32), new_name: &str) -> Result<Value, Value> {
    server.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": uri },
            "position": { "line": at.0, "character": at.1 },
            "newName": new_name,
        }),
    )
}

#[test]
fn references_follow_named_namespace_and_reexport_imports() {
    let f = Fixture::new("xrefs", "refs-esm");
    let mut server = f.start();
    let text = f.open(&mut server, "lib.mjs");
    let got = f.places(&references(
        &mut server,
        &f.uri("lib.mjs"),
        pos(&text, "greet", 0, Encoding::Utf16),
    ));
    let want: BTreeSet<_> = [
        f.at("lib.mjs", "greet", 0),
        f.at("mid.mjs", "greet", 0),
        f.at("user.mjs", "greet", 0),
        f.at("user.mjs", "greet", 1),
        f.at("user.mjs", "greet", 2),
        f.at("main.mjs", "greet", 0),
        f.at("main.mjs", "hello", 0),
        f.at("main.mjs", "hello", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
    // The same answer from an importer, two files down the chain.
    let user = f.open(&mut server, "user.mjs");
    let from_importer = f.places(&references(
        &mut server,
        &f.uri("user.mjs"),
        pos(&user, "greet", 1, Encoding::Utf16),
    ));
    assert_eq!(from_importer, want);
    // And from a namespace member.
    let from_member = f.places(&references(
        &mut server,
        &f.uri("user.mjs"),
        pos(&user, "greet", 2, Encoding::Utf16),
    ));
    assert_eq!(from_member, want);
}

#[test]
fn references_follow_commonjs_and_default_imports() {
    let f = Fixture::new("xrefs", "refs-cjs");
    let mut server = f.start();
    let text = f.open(&mut server, "calc.cjs");
    let got = f.places(&references(
        &mut server,
        &f.uri("calc.cjs"),
        pos(&text, "sum", 0, Encoding::Utf16),
    ));
    let want: BTreeSet<_> = [
        f.at("calc.cjs", "sum", 0),
        f.at("calc.cjs", "sum", 1),
        f.at("twice.cjs", "sum", 0),
        f.at("twice.cjs", "sum", 1),
        // `calc.sum`: a member of a required module.
        f.at("twice.cjs", "sum", 2),
        // `calc.sum` on a default import of the CommonJS module.
        f.at("main.mjs", "sum", 0),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, want);
}

#[test]
fn references_in_the_fixture_workspace_follow_commonjs_requires() {
    let f = Fixture::new("workspace", "refs-ws");
    let mut server = f.start();
    let text = f.open(&mut server, "src/lib.cjs");
    let got = f.places(&references(
        &mut server,
        &f.uri("src/lib.cjs"),
        pos(&text, "add", 0, Encoding::Utf16),
    ));
    for place in [
        f.at("src/server.cjs", "add", 0),
        f.at("src/server.cjs", "add", 1),
        f.at("src/server.cjs", "add", 2),
    ] {
        assert!(got.contains(&place), "{place:?} in {got:?}");
    }
}

#[test]
fn rename_across_files_keeps_the_program_output() {
    let f = Fixture::new("xrefs", "rename-run");
    let Some(before) = f.run_node() else {
        eprintln!("node not found: skipping");
        return;
    };
    let mut server = f.start();
    let lib = f.open(&mut server, "lib.mjs");
    let edit = rename(
        &mut server,
        &f.uri("lib.mjs"),
        pos(&lib, "greet", 0, Encoding::Utf16),
        "welcome",
    )
    .expect("the rename is accepted");
    let files: BTreeSet<_> = edit["changes"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(files.len(), 4, "{edit}");
    let calc = f.open(&mut server, "calc.cjs");
    let edit2 = rename(
        &mut server,
        &f.uri("calc.cjs"),
        pos(&calc, "sum", 0, Encoding::Utf16),
        "plus",
    )
    .expect("the CommonJS rename is accepted");
    f.apply(&edit);
    f.apply(&edit2);
    assert!(f.text("mid.mjs").contains("export { welcome } from"));
    assert!(f.text("user.mjs").contains("import { welcome } from"));
    assert!(f.text("user.mjs").contains("lib.welcome(\"b\")"));
    assert!(f.text("main.mjs").contains("import { welcome as hello }"));
    assert!(f.text("calc.cjs").contains("module.exports = { plus }"));
    assert!(f.text("twice.cjs").contains("const { plus } = require"));
    assert!(f.text("main.mjs").contains("calc.plus(1, 2)"));
    assert_eq!(f.run_node().unwrap(), before);
}

#[test]
fn rename_from_an_importer_and_refusals_across_files() {
    let f = Fixture::new("xrefs", "rename-refuse");
    let mut server = f.start();
    let user = f.open(&mut server, "user.mjs");
    // `run` is declared in user.mjs, which imports `greet` without `as`.
    let err = rename(
        &mut server,
        &f.uri("user.mjs"),
        pos(&user, "greet", 0, Encoding::Utf16),
        "run",
    )
    .unwrap_err();
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("`run`"), "{message}");
    // A name the module already exports.
    let lib = f.open(&mut server, "lib.mjs");
    let err = rename(
        &mut server,
        &f.uri("lib.mjs"),
        pos(&lib, "greet", 0, Encoding::Utf16),
        "count",
    )
    .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("count"), "{err}");
    // At an import, a rename is local to the file: an alias keeps the imported name, as
    // TypeScript does (the declaration is where a rename changes every importer).
    let edit = rename(
        &mut server,
        &f.uri("user.mjs"),
        pos(&user, "greet", 1, Encoding::Utf16),
        "salute",
    )
    .unwrap();
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 1, "{edit}");
    let texts: Vec<&str> = changes[&f.uri("user.mjs")]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["newText"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"greet as salute"), "{edit}");
    // An aliased import renames only its local name.
    let main = f.open(&mut server, "main.mjs");
    let edit = rename(
        &mut server,
        &f.uri("main.mjs"),
        pos(&main, "hello", 0, Encoding::Utf16),
        "hey",
    )
    .unwrap();
    assert_eq!(edit["changes"].as_object().unwrap().len(), 1, "{edit}");
}

#[test]
fn commonjs_exports_answer_from_the_export_side() {
    let f = Fixture::new("xrefs", "export-side");
    let mut server = f.start();
    let twice = f.open(&mut server, "twice.cjs");
    let at = pos(&twice, "twice", 0, Encoding::Utf16);
    // `exports.twice = (x) => …`: hover says what it is.
    let hover = server
        .request(
            "textDocument/hover",
            json!({
                "textDocument": { "uri": f.uri("twice.cjs") },
                "position": { "line": at.0, "character": at.1 },
            }),
        )
        .unwrap();
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("CommonJS export"), "{hover}");
    // References from there find the importer's `helper.twice`.
    let got = f.places(&references(&mut server, &f.uri("twice.cjs"), at));
    assert!(got.contains(&f.at("main.mjs", "twice", 1)), "{got:?}");
    assert!(got.contains(&f.at("twice.cjs", "twice", 0)), "{got:?}");
    // And a rename there renames the property everywhere and keeps the program's output.
    let before = f.run_node();
    let edit = rename(&mut server, &f.uri("twice.cjs"), at, "double").expect("accepted");
    f.apply(&edit);
    assert!(f.text("main.mjs").contains("helper.double(4)"), "{edit}");
    assert!(f.text("twice.cjs").contains("exports.double ="), "{edit}");
    if let Some(before) = before {
        assert_eq!(f.run_node().unwrap(), before);
    }
}
