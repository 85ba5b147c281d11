//! Cross-module links over LSP, on a copy of tests/fixtures/workspace in a temporary folder:
//! go to definition and hover on imports (ESM, CommonJS, TypeScript path aliases, a package's
//! exports map, re-export chains, `export *`, a cycle), `ns.x` and `lib.a` members, document
//! links, the scope chain's import targets, open text winning over disk, and a file changed on
//! disk announced with `workspace/didChangeWatchedFiles`.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::client::{Encoding, Server, pos, range_start};
use crate::copy_dir;

/// A fresh copy of the fixture workspace (tests change files in it).
struct Fixture {
    root: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/workspace");
        let root = std::env::temp_dir().join(format!("scopelens-ws-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        copy_dir(&source, &root);
        let root = root.canonicalize().unwrap();
        Self { root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.path(rel).display())
    }

    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// A server with this folder as its workspace, the client allowing a file watcher.
    fn start(&self) -> Server {
        let mut server = Server::spawn();
        server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": format!("file://{}", self.root.display()),
                    "workspaceFolders": [{ "uri": format!("file://{}", self.root.display()), "name": "fixture" }],
                    "capabilities": {
                        "general": { "positionEncodings": ["utf-16"] },
                        "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } }
                    },
                }),
            )
            .expect("initialize succeeds");
        server.notify("initialized", json!({}));
        server
    }

    fn open(&self, server: &mut Server, rel: &str) -> String {
        let text = self.text(rel);
        let language = if rel.ends_with(".ts") {
            "typescript"
        } else {
            "javascript"
        };
        server.open(&self.uri(rel), language, &text);
        text
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Go to definition at the `nth` `needle` of `text`: (file relative to the root, position).
fn definition(
    server: &mut Server,
    fixture: &Fixture,
    rel: &str,
    text: &str,
    needle: &str,
    nth: usize,
) -> (String, (u32, u32)) {
    let at = pos(text, needle, nth, Encoding::Utf16);
    let def = server
        .at("textDocument/definition", &fixture.uri(rel), at)
        .unwrap();
    assert!(def.is_object(), "{needle}: {def}");
    let uri = def["uri"].as_str().unwrap();
    let root = format!("file://{}/", fixture.root.display());
    (
        uri.strip_prefix(&root).unwrap_or(uri).to_owned(),
        range_start(&def["range"]),
    )
}

/// Where `needle` (its `nth` occurrence) is in the fixture file `rel`.
fn at(fixture: &Fixture, rel: &str, needle: &str, nth: usize) -> (String, (u32, u32)) {
    (
        rel.to_owned(),
        pos(&fixture.text(rel), needle, nth, Encoding::Utf16),
    )
}

#[test]
fn definition_follows_every_esm_form() {
    let fixture = Fixture::new("esm");
    let mut server = fixture.start();
    let main = "src/main.mjs";
    let text = fixture.open(&mut server, main);
    let mut def = |needle, nth| definition(&mut server, &fixture, main, &text, needle, nth);
    // Named import, used in a closure: the exporting declaration.
    assert_eq!(
        def("total", 1),
        at(&fixture, "src/cart.mjs", "total(items", 0)
    );
    // Default import of a class.
    assert_eq!(def("Cart", 1), at(&fixture, "src/cart.mjs", "Cart {}", 0));
    // `ns.x` on a namespace import.
    assert_eq!(
        def("slugify", 0),
        at(&fixture, "src/util/index.mjs", "slugify(text", 0)
    );
    // `export { assist as helper } from`: the declaring module's binding.
    assert_eq!(
        def("helper", 1),
        at(&fixture, "src/helpers.mjs", "assist()", 0)
    );
    // `export *` twice over.
    assert_eq!(
        def("deep", 1),
        at(&fixture, "src/deep/two.mjs", "deep =", 0)
    );
    // `export * as ns` then `ns.helper`.
    assert_eq!(
        def("helper", 2),
        at(&fixture, "src/helpers.mjs", "assist()", 0)
    );
    // A package's exports map, `import` condition.
    assert_eq!(
        def("format", 1),
        at(&fixture, "node_modules/pkg/esm.mjs", "format(value", 0)
    );
    // Through a cycle of `export *`.
    assert_eq!(def("ping", 1), at(&fixture, "src/cycle-a.mjs", "ping()", 0));
    // Unresolvable, builtin, or not exported (the cycle): stays on the local import.
    assert_eq!(def("readFile", 1), at(&fixture, main, "readFile", 0));
    assert_eq!(def("nothing", 1), at(&fixture, main, "nothing", 0));
    assert_eq!(def("nowhere", 1), at(&fixture, main, "nowhere", 0));
    assert!(server.shutdown().success());
}

#[test]
fn definition_follows_commonjs_and_typescript() {
    let fixture = Fixture::new("cjs");
    let mut server = fixture.start();
    let file = "src/server.cjs";
    let text = fixture.open(&mut server, file);
    let mut def = |needle, nth| definition(&mut server, &fixture, file, &text, needle, nth);
    // `lib.add` of `const lib = require(…)`, `module.exports = { add, sub }`.
    assert_eq!(def("add", 1), at(&fixture, "src/lib.cjs", "add(a", 0));
    // `const { add } = require(…)`.
    assert_eq!(def("add", 2), at(&fixture, "src/lib.cjs", "add(a", 0));
    // `require('./lib.cjs').sub`.
    assert_eq!(def("sub", 0), at(&fixture, "src/lib.cjs", "sub(a", 0));
    // The package's `require` condition: the CommonJS build.
    assert_eq!(
        def("format", 0),
        at(&fixture, "node_modules/pkg/cjs.cjs", "format(value", 0)
    );
    // `lib` itself: what the module assigns to `module.exports`.
    assert_eq!(
        def("lib.add", 0),
        at(&fixture, "src/lib.cjs", "module.exports", 0)
    );

    let app = "src/app.ts";
    let text = fixture.open(&mut server, app);
    let mut def = |needle, nth| definition(&mut server, &fixture, app, &text, needle, nth);
    // tsconfig `paths` and `./quiet.js` meaning `./quiet.ts`.
    assert_eq!(
        def("shout", 1),
        at(&fixture, "src/lib/strings.ts", "shout(text", 0)
    );
    assert_eq!(
        def("whisper", 1),
        at(&fixture, "src/quiet.ts", "whisper(text", 0)
    );
    assert!(server.shutdown().success());
}

#[test]
fn hover_names_the_binding_in_the_other_module() {
    let fixture = Fixture::new("hover");
    let mut server = fixture.start();
    let main = "src/main.mjs";
    let text = fixture.open(&mut server, main);
    let uri = fixture.uri(main);
    let total = server.hover_text(&uri, pos(&text, "total", 1, Encoding::Utf16));
    assert!(
        total.contains("`total` — imported binding → `function` binding in the **module environment of `src/cart.mjs`**, line 4"),
        "{total}"
    );
    // Used by a closure: through the module environment, not a closure context.
    assert!(total.contains("used by closure"), "{total}");
    assert!(total.contains("live value"), "{total}");
    let helper = server.hover_text(&uri, pos(&text, "helper", 1, Encoding::Utf16));
    assert!(helper.contains("`function` binding `assist`"), "{helper}");
    assert!(
        helper.contains("re-exported: `helper` of `src/reexport.mjs`"),
        "{helper}"
    );
    let read_file = server.hover_text(&uri, pos(&text, "readFile", 1, Encoding::Utf16));
    assert!(
        read_file.contains("`fs` is a Node.js builtin module"),
        "{read_file}"
    );
    let nothing = server.hover_text(&uri, pos(&text, "nothing", 1, Encoding::Utf16));
    assert!(nothing.contains("could not be resolved"), "{nothing}");
    let slugify = server.hover_text(&uri, pos(&text, "slugify", 0, Encoding::Utf16));
    assert!(slugify.contains("`src/util/index.mjs`"), "{slugify}");
    assert!(server.shutdown().success());
}

#[test]
fn scope_chain_and_document_links_show_import_targets() {
    let fixture = Fixture::new("chain");
    let mut server = fixture.start();
    let main = "src/main.mjs";
    let text = fixture.open(&mut server, main);
    let uri = fixture.uri(main);
    let chain = server
        .at(
            "scopelens/scopeChain",
            &uri,
            pos(&text, "total", 1, Encoding::Utf16),
        )
        .unwrap();
    let module = chain["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "module")
        .unwrap();
    let binding = |name: &str| {
        module["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap()
            .clone()
    };
    let total = binding("total");
    assert_eq!(total["import"]["module"], "src/cart.mjs", "{total}");
    assert_eq!(total["import"]["exported"], "total");
    assert_eq!(
        total["import"]["location"]["uri"],
        fixture.uri("src/cart.mjs")
    );
    assert!(binding("readFile")["import"]["unlinked"].is_string());

    let links = server
        .request(
            "textDocument/documentLink",
            json!({ "textDocument": { "uri": uri } }),
        )
        .unwrap();
    let links = links.as_array().unwrap();
    let targets: Vec<&str> = links
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert!(
        targets.contains(&fixture.uri("src/cart.mjs").as_str()),
        "{targets:?}"
    );
    assert!(
        targets.contains(&fixture.uri("node_modules/pkg/esm.mjs").as_str()),
        "{targets:?}"
    );
    // `node:fs` and `./missing.mjs` have no link.
    assert_eq!(links.len(), 7, "{targets:?}");
    let cart = links
        .iter()
        .find(|l| l["target"] == fixture.uri("src/cart.mjs"))
        .unwrap();
    assert_eq!(
        range_start(&cart["range"]),
        pos(&text, "./cart.mjs", 0, Encoding::Utf16)
    );
    assert!(server.shutdown().success());
}

#[test]
fn open_text_wins_over_disk_and_watched_changes_are_seen() {
    let fixture = Fixture::new("watch");
    let mut server = fixture.start();
    // The watcher was registered dynamically.
    let registration = server.wait_for(|m| m["method"] == "client/registerCapability");
    assert_eq!(
        registration["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    server.send(json!({ "jsonrpc": "2.0", "id": registration["id"], "result": null }));
    let main = "src/main.mjs";
    let text = fixture.open(&mut server, main);
    let def = |server: &mut Server| definition(server, &fixture, main, &text, "total", 1);
    assert_eq!(
        def(&mut server),
        at(&fixture, "src/cart.mjs", "total(items", 0)
    );

    // The cart opened with unsaved edits: its text answers, not the file's.
    let cart = "src/cart.mjs";
    let edited = "// edited\n\n\n\n\nexport const total = () => 0;\n";
    server.open(&fixture.uri(cart), "javascript", edited);
    assert_eq!(def(&mut server), (cart.to_owned(), (5, 13)));
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": fixture.uri(cart) } }),
    );
    assert_eq!(def(&mut server), at(&fixture, cart, "total(items", 0));

    // Changed on disk, then announced.
    std::fs::write(
        fixture.path(cart),
        "\n\nexport function total() {}\nexport default class Cart {}\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": fixture.uri(cart), "type": 2 }] }),
    );
    assert_eq!(def(&mut server), (cart.to_owned(), (2, 16)));

    // Deleted: the link stops at the import, and says why.
    std::fs::remove_file(fixture.path(cart)).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": fixture.uri(cart), "type": 3 }] }),
    );
    assert_eq!(def(&mut server), at(&fixture, main, "total", 0));
    let hover = server.hover_text(&fixture.uri(main), pos(&text, "total", 1, Encoding::Utf16));
    assert!(hover.contains("could not be resolved"), "{hover}");
    assert!(server.shutdown().success());
}

/// The benchmark of docs/performance.md (`scripts/bench-workspace.sh`): a generated workspace
/// of `SCOPELENS_BENCH_FILES` (default 1,200) modules, each a few hundred lines, and a main
/// module importing from all of them. Times the first cross-file definition (nothing of the
/// workspace read before it), then a definition into every module (each file read and
/// analysed once), and the server's resident memory before and after: the cache of analyses
/// is bounded (workspace::files), so memory stays flat however many files were visited.
#[test]
#[ignore = "benchmark; run with scripts/bench-workspace.sh"]
fn workspace_bench() {
    let files: usize = std::env::var("SCOPELENS_BENCH_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1200);
    let root = std::env::temp_dir().join(format!("scopelens-bench-ws-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src/mods")).unwrap();
    std::fs::write(root.join("package.json"), "{}").unwrap();
    let body: String = (0..60)
        .map(|i| {
            format!(
                "function helper{i}(a, b) {{\n  const sum = a + b;\n  return () => sum * {i};\n}}\n"
            )
        })
        .collect();
    let mut main = String::new();
    for k in 0..files {
        std::fs::write(
            root.join(format!("src/mods/m{k}.mjs")),
            format!("{body}export function run{k}(x) {{\n  return helper1(x, {k});\n}}\n"),
        )
        .unwrap();
        main.push_str(&format!("import {{ run{k} }} from \"./mods/m{k}.mjs\";\n"));
    }
    for k in 0..files {
        main.push_str(&format!("run{k}({k});\n"));
    }
    let root = root.canonicalize().unwrap();
    let fixture = Fixture { root };
    let mut server = fixture.start();
    let uri = fixture.uri("src/main.mjs");
    std::fs::write(fixture.path("src/main.mjs"), &main).unwrap();
    server.open(&uri, "javascript", &main);
    // The open file analysed (no other file is read for a local hover).
    server.hover_text(&uri, (files as u32, 0));
    let rss_before = server.rss_kib();
    let line = files as u32; // the call `run0(0)`
    let started = std::time::Instant::now();
    let def = server
        .at("textDocument/definition", &uri, (line, 1))
        .unwrap();
    let first = started.elapsed();
    assert!(def["uri"].as_str().unwrap().ends_with("m0.mjs"), "{def}");
    let started = std::time::Instant::now();
    for k in 0..files as u32 {
        let def = server
            .at("textDocument/definition", &uri, (line + k, 1))
            .unwrap();
        assert!(def["uri"].as_str().unwrap().ends_with(&format!("m{k}.mjs")));
    }
    let all = started.elapsed();
    let rss_after = server.rss_kib();
    // Again: the most recent files are cached, the oldest were evicted and are read again.
    let started = std::time::Instant::now();
    for k in 0..files as u32 {
        server
            .at("textDocument/definition", &uri, (line + k, 1))
            .unwrap();
    }
    let again = started.elapsed();
    let rss_end = server.rss_kib();
    let size: u64 = std::fs::metadata(fixture.path("src/mods/m0.mjs"))
        .unwrap()
        .len();
    eprintln!(
        "workspace of {files} modules ({size} bytes each):\n  \
         first cross-file definition: {first:?}\n  \
         definitions into all {files} modules (each read once): {all:?} ({:?} each)\n  \
         again (LRU: evicted files read again): {again:?}\n  \
         RSS: after open {rss_before:?} KiB, after visiting all {rss_after:?} KiB, after again {rss_end:?} KiB",
        all / files as u32
    );
    assert!(server.shutdown().success());
}
