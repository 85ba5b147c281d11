//! `scopelens heap` on snapshots Node writes at test time (`v8.writeHeapSnapshot()` in
//! `fixtures/app/main.mjs`, which loads programs of known shapes): every closure's file, line,
//! function and Context variables, `kept_for_siblings`, and retained sizes against memlab's
//! (`@memlab/heap-analysis`, installed here by `tests/run`); then bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

#[path = "../common/heap_fixture.rs"]
mod heap_fixture;
mod shared_context;
use heap_fixture::{scratch, snapshot};

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("heap")
}

fn binary() -> String {
    std::env::var("SCOPELENS_TEST_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_scopelens-under-test").to_owned())
}

fn heap(args: &[&str]) -> Output {
    Command::new(binary())
        .arg("heap")
        .args(args)
        .output()
        .expect("run scopelens heap")
}

fn report() -> &'static Value {
    static REPORT: OnceLock<Value> = OnceLock::new();
    REPORT.get_or_init(|| {
        let root = here().join("fixtures/app");
        let out = heap(&[
            snapshot().to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    })
}

/// Each function as `file:line:column name ×instances`, then each Context on its chain as
/// `  kind owner: var var*` (`*`: kept only for a sibling), sorted by place.
fn render(report: &Value) -> String {
    let mut lines: Vec<(String, u64, u64, String)> = Vec::new();
    for f in report["closures"].as_array().unwrap() {
        let mut s = format!(
            "{}:{}:{} {} ×{}{}\n",
            f["file"].as_str().unwrap(),
            f["line"],
            f["column"],
            f["name"].as_str().unwrap(),
            f["instances"],
            if f["aligned"] == true {
                ""
            } else {
                " (unaligned)"
            }
        );
        for c in f["contexts"].as_array().unwrap() {
            let env = &c["environment"];
            let vars: Vec<String> = c["variables"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    let star = if v["kept_for_siblings"] == true {
                        "*"
                    } else {
                        ""
                    };
                    format!("{}{star}", v["name"].as_str().unwrap())
                })
                .collect();
            s.push_str(&format!(
                "  {} {}: {}\n",
                env["kind"].as_str().unwrap_or("?"),
                env["owner"].as_str().unwrap_or("?"),
                vars.join(" ")
            ));
        }
        lines.push((
            f["file"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap(),
            f["column"].as_u64().unwrap(),
            s,
        ));
    }
    lines.sort();
    lines.into_iter().map(|l| l.3).collect()
}

#[test]
fn every_closure_maps_to_its_function_and_names_every_context_slot() {
    let expected = "\
cache.mjs:1:1 <module> ×1
  module module: cache hits
cache.mjs:4:8 memo ×1
  module module: cache hits
cache.mjs:13:22 stats ×1
  module module: cache hits
classes.js:2:1 Widget (<instance_members_initializer>) ×1
  class Widget: 
classes.js:4:14 Widget.constructor ×1
  class Widget: 
classes.js:8:13 onClick ×2
  function Widget.onClick: this
  class Widget: 
classes.js:9:13 onHover ×2
  function Widget.onHover: this
  class Widget: 
emitter.js:6:21 onMessage ×2
  function subscribe: user history
  function CommonJS module: bus*
loops.js:8:14 <arrow passed to out.push at 8:14> ×4
  block <loop body at 6:31>: label
  block <for loop at 6:3>: i
  function setup: shared
loops.js:14:16 nested ×1
  block <block at 12:5>: deeper
  block <block at 10:3>: inner
  function setup: shared*
main.mjs:1:1 <module> ×1
  module module: 
siblings.js:9:18 escape ×3
  function make: big* small
suspended.js:6:1 waitFor ×1
  function CommonJS module: release* gate
suspended.js:8:20 describe ×2
  function waitFor: payload
  function CommonJS module: release* gate*
suspended.js:12:1 counter ×1
  function CommonJS module: release* gate*
suspended.js:15:16 peek ×1
  function counter: n log
  function CommonJS module: release* gate*
";
    assert_eq!(render(report()), expected);
}

#[test]
fn the_sibling_leak_is_where_the_bytes_are() {
    // `escape` keeps `make`'s Context, and with it the 400 KB array only `useBig` uses.
    let f = &report()["closures"][0];
    assert_eq!(f["name"], "escape");
    let big = &f["contexts"][0]["variables"][0];
    assert_eq!(big["name"], "big");
    assert_eq!(big["captured_by"], serde_json::json!(["useBig"]));
    assert!(big["retained_bytes"].as_u64().unwrap() > 3 * 400_000);
    assert!(f["retained_bytes"].as_u64().unwrap() >= big["retained_bytes"].as_u64().unwrap());
}

#[test]
fn retained_sizes_equal_memlabs() {
    let modules = here().join("node_modules/@memlab/heap-analysis");
    assert!(
        modules.is_dir(),
        "\n*** tests/heap needs `npm ci --ignore-scripts` in tests/heap (tests/run does it) ***\n"
    );
    let r = report();
    let mut ids: Vec<u64> = Vec::new();
    for f in r["closures"].as_array().unwrap() {
        ids.extend(
            f["node_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap()),
        );
        for c in f["contexts"].as_array().unwrap() {
            ids.extend(
                c["node_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap()),
            );
        }
    }
    ids.sort_unstable();
    ids.dedup();
    let out = Command::new("node")
        .arg(here().join("memlab-retained.mjs"))
        .arg(snapshot())
        .args(ids.iter().map(|i| i.to_string()))
        .output()
        .expect("run memlab");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let memlab: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let sum = |list: &Value| -> u64 {
        list.as_array()
            .unwrap()
            .iter()
            .map(|id| {
                memlab[id.to_string()]
                    .as_u64()
                    .expect("memlab knows the node")
            })
            .sum()
    };
    let close = |ours: u64, theirs: u64, what: &str| {
        let diff = ours.abs_diff(theirs) as f64;
        assert!(
            diff <= theirs as f64 * 0.01,
            "{what}: scopelens {ours} bytes, memlab {theirs}"
        );
    };
    let mut compared = 0;
    for f in r["closures"].as_array().unwrap() {
        let name = f["name"].as_str().unwrap();
        if f["instances"].as_u64().unwrap() as usize == f["node_ids"].as_array().unwrap().len() {
            close(
                f["retained_bytes"].as_u64().unwrap(),
                sum(&f["node_ids"]),
                name,
            );
            compared += 1;
        }
        for c in f["contexts"].as_array().unwrap() {
            if c["count"].as_u64().unwrap() as usize == c["node_ids"].as_array().unwrap().len() {
                close(
                    c["retained_bytes"].as_u64().unwrap(),
                    sum(&c["node_ids"]),
                    name,
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 30, "only {compared} sizes compared");
}

#[test]
fn a_snapshot_of_another_program_lists_its_scripts_and_matches_nothing() {
    let empty = scratch().join("elsewhere");
    std::fs::create_dir_all(&empty).unwrap();
    let out = heap(&[
        snapshot().to_str().unwrap(),
        "--root",
        empty.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["closures"], serde_json::json!([]));
    let scripts: Vec<&str> = r["unmatched_scripts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        scripts
            .iter()
            .any(|s| s.ends_with("/fixtures/app/siblings.js")),
        "{scripts:?}"
    );
    assert!(
        scripts
            .iter()
            .any(|s| s.starts_with("file://") && s.ends_with("/cache.mjs")),
        "{scripts:?}"
    );
    let text = heap(&[
        snapshot().to_str().unwrap(),
        "--root",
        empty.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&text.stdout)
            .contains("no closure of the snapshot belongs to a file under the root")
    );
}

fn refused(bytes: &[u8], name: &str) -> String {
    let path = scratch().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = heap(&[path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let whole = std::fs::read(snapshot()).unwrap();
    let err = refused(&whole[..whole.len() / 2], "truncated.heapsnapshot");
    assert!(err.contains("truncated"), "{err}");
    let err = refused(&whole[..whole.len() - 3], "cut-at-the-end.heapsnapshot");
    assert!(err.contains("truncated"), "{err}");
    let err = refused(b"function f() {}\n", "program.js");
    assert!(err.contains("not a V8 heap snapshot"), "{err}");
    let err = refused(b"{\"name\": \"a package.json\"}", "package.json");
    assert!(err.contains("not a V8 heap snapshot"), "{err}");
    let err = refused(b"", "empty.heapsnapshot");
    assert!(err.contains("empty"), "{err}");
    // An edge pointing past the last node.
    let text = String::from_utf8(whole.clone()).unwrap();
    let edges = text.find("\"edges\":[").unwrap() + "\"edges\":[".len();
    let comma = edges + text[edges..].find(',').unwrap();
    let second = comma + 1 + text[comma + 1..].find(',').unwrap();
    let third_end = second
        + 1
        + text[second + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap();
    let corrupt = format!("{}7000000000{}", &text[..second + 1], &text[third_end..]);
    let err = refused(corrupt.as_bytes(), "corrupt.heapsnapshot");
    assert!(err.contains("corrupt heap snapshot"), "{err}");
    // A header announcing far more than any machine holds: refused before allocating.
    let header = &text[..text.find("\"nodes\":").unwrap()];
    let huge = header
        .replacen("\"node_count\":", "\"node_count\":4000000000000", 1)
        .replacen("\"edge_count\":", "\"edge_count\":9000000000000", 1);
    let err = refused(format!("{huge}\"nodes\":[").as_bytes(), "huge.heapsnapshot");
    assert!(err.contains("too big"), "{err}");
}

#[test]
fn the_html_page_is_self_contained_and_carries_the_report() {
    let root = here().join("fixtures/app");
    let out = heap(&[
        snapshot().to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--format",
        "html",
    ]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(!page.contains("src=\"http") && !page.contains("href=\"http"));
    // The report and the source lines of the biggest closure are in the page's data.
    assert!(page.contains("\"name\":\"escape\""));
    assert!(page.contains("const escape = () =\\u003e small;"));
}
