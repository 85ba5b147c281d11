//! A program shaped like TypeScript's compiler: one module scope whose variables are each
//! captured by a function of their own, so that every closure shares one big Context. Listing
//! each variable for each function made the report quadratic (a snapshot of a program that
//! loaded TypeScript: 22 GB, minutes); now the Context is described once, at most
//! `MAX_VARIABLES` variables a Context, with the rest counted, in text, JSON and HTML.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::heap;
use super::heap_fixture::scratch;

/// The most variables listed per Context (`heap::MAX_VARIABLES`).
const MAX_VARIABLES: usize = 32;

/// Writes the program with `n` functions and its snapshot; returns the root and the snapshot.
fn program(n: usize) -> (PathBuf, PathBuf) {
    let root = scratch().join(format!("shared-context-{n}"));
    std::fs::create_dir_all(&root).unwrap();
    let mut module = String::new();
    for i in 0..n {
        module.push_str(&format!("let s{i} = {{ id: {i} }};\n"));
    }
    for i in 0..n {
        module.push_str(&format!("function f{i}() {{ return s{i}; }}\n"));
    }
    let all: Vec<String> = (0..n).map(|i| format!("f{i}")).collect();
    module.push_str(&format!("module.exports = [{}];\n", all.join(", ")));
    std::fs::write(root.join("module.js"), module).unwrap();
    std::fs::write(
        root.join("main.js"),
        "globalThis.kept = require('./module.js');\n\
         require('v8').writeHeapSnapshot(process.argv[2]);\n",
    )
    .unwrap();
    let snapshot = root.join("shared.heapsnapshot");
    let out = Command::new("node")
        .arg(root.join("main.js"))
        .arg(&snapshot)
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (root, snapshot)
}

fn report(root: &Path, snapshot: &Path, format: &str) -> Vec<u8> {
    let out = heap(&[
        snapshot.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The module's Context on each function `f…` of the report.
fn module_contexts(r: &Value) -> Vec<(&str, &Value)> {
    r["closures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"].as_str().unwrap().starts_with('f'))
        .map(|f| {
            let c = f["contexts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["environment"]["owner"] == "CommonJS module")
                .unwrap_or_else(|| panic!("no module Context on {f}"));
            (f["name"].as_str().unwrap(), c)
        })
        .collect()
}

#[test]
fn a_big_shared_context_is_described_once_and_its_list_capped() {
    let n = 100;
    let (root, snapshot) = program(n);
    let r: Value = serde_json::from_slice(&report(&root, &snapshot, "json")).unwrap();
    let contexts = module_contexts(&r);
    assert_eq!(contexts.len(), n, "one report a function");
    // The first (biggest) function lists the Context: its own capture and the biggest others,
    // up to the cap, and counts the rest.
    let (first, full) = contexts[0];
    let vars = full["variables"].as_array().unwrap();
    assert_eq!(vars.len(), MAX_VARIABLES);
    assert_eq!(full["omitted_variables"], (n - MAX_VARIABLES) as u64);
    assert!(full["omitted_retained_bytes"].as_u64().unwrap() > 0);
    assert!(full.get("described_with").is_none());
    let own = format!("s{}", &first[1..]);
    assert!(
        vars.iter()
            .any(|v| v["name"] == own.as_str() && v["kept_for_siblings"] == false)
    );
    assert!(
        vars.iter()
            .filter(|v| v["name"] != own.as_str())
            .all(|v| v["kept_for_siblings"] == true)
    );
    // Every other function names it and lists only its own capture.
    let label = full_label(&r, first);
    for (name, c) in &contexts[1..] {
        assert_eq!(c["described_with"], label.as_str(), "{name}");
        let vars = c["variables"].as_array().unwrap();
        assert_eq!(vars.len(), 1, "{name}: {vars:?}");
        assert_eq!(vars[0]["name"], format!("s{}", &name[1..]).as_str());
        assert_eq!(vars[0]["captured_by"], serde_json::json!([name]));
        assert_eq!(c["omitted_variables"], (n - 1) as u64);
    }
    // Text and HTML say the lists are partial too.
    let text = String::from_utf8(report(&root, &snapshot, "text")).unwrap();
    assert!(
        text.contains(&format!("… {} more variables (", n - MAX_VARIABLES))
            && text.contains(&format!("not listed: at most {MAX_VARIABLES} a Context")),
        "{text}"
    );
    assert!(text.contains(&format!("listed with {label}, which shares this Context")));
    let html = String::from_utf8(report(&root, &snapshot, "html")).unwrap();
    assert!(html.contains("\"omitted_variables\":68") && html.contains("\"described_with\""));
    assert!(html.contains("more variable"));
}

/// How the other functions' reports name `function`: `name (file:line:column)`.
fn full_label(r: &Value, function: &str) -> String {
    let f = r["closures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == function)
        .unwrap();
    format!(
        "{} ({}:{}:{})",
        function,
        f["file"].as_str().unwrap(),
        f["line"],
        f["column"]
    )
}

#[test]
fn the_report_grows_linearly_with_the_closures_sharing_a_context() {
    let size = |n: usize| {
        let (root, snapshot) = program(n);
        let json = report(&root, &snapshot, "json");
        let r: Value = serde_json::from_slice(&json).unwrap();
        let listed: usize = module_contexts(&r)
            .iter()
            .map(|(_, c)| c["variables"].as_array().unwrap().len())
            .sum();
        let text = report(&root, &snapshot, "text").len();
        (json.len(), text, listed)
    };
    let (json_n, text_n, listed_n) = size(150);
    let (json_2n, text_2n, listed_2n) = size(300);
    // Each function lists its own capture, the first one the cap: n + 31 variables. Listing the
    // Context for each function would be n² (22,500 and 90,000).
    assert_eq!(listed_n, 150 + MAX_VARIABLES - 1);
    assert_eq!(listed_2n, 300 + MAX_VARIABLES - 1);
    // Twice the closures, about twice the output (four times if it were quadratic).
    for (small, big) in [(json_n, json_2n), (text_n, text_2n)] {
        let ratio = big as f64 / small as f64;
        assert!(
            (1.5..2.5).contains(&ratio),
            "{small} → {big} bytes: ×{ratio:.2}"
        );
    }
}
