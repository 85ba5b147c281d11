//! Source kind on real bundles: small programs bundled by webpack, rollup and esbuild (from npm,
//! `bundles/package.json`) for a browser `<script>`, as ES modules and as CommonJS. A bundle's
//! prelude names `module`, `exports` and `require` as its own locals; only a *free* use of them
//! makes a file CommonJS. Each bundle also runs under Node as the kind expected (through
//! `v8-scopes.mjs`), so the expectation is the runtime's, not ours.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use scopelens::engine::{Input, SourceKind, analyze_in_thread};

use crate::{repo_root, require_node};

fn build_bundles() -> (PathBuf, BTreeMap<String, String>) {
    let dir = repo_root().join("tests/conformance/bundles");
    if !dir.join("node_modules/webpack").is_dir() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .expect("run `npm ci` in tests/conformance/bundles (npm is needed)");
        assert!(
            status.success(),
            "`npm ci` failed in tests/conformance/bundles"
        );
    }
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bundles");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let run = Command::new("node")
        .arg(dir.join("build.mjs"))
        .arg(&out)
        .output()
        .expect("run node build.mjs");
    assert!(
        run.status.success(),
        "bundling failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let built: BTreeMap<String, String> =
        serde_json::from_str(String::from_utf8_lossy(&run.stdout).trim()).unwrap();
    (out, built)
}

/// Runs `file` under Node as `mode` (script, module or commonjs); the error if it throws.
fn runs_as(file: &std::path::Path, mode: &str) -> Option<String> {
    let harness = repo_root().join("tests/conformance/v8-scopes.mjs");
    let out = Command::new("node")
        .arg("--no-warnings")
        .arg(harness)
        .arg(mode)
        .arg(file)
        .output()
        .expect("spawn node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|e| panic!("bad harness output for {}: {e}", file.display()));
    report["failure"].as_str().map(str::to_owned)
}

#[test]
fn bundles_are_read_as_the_kind_they_run_as() {
    require_node();
    let (out, built) = build_bundles();
    assert!(built.len() >= 8, "too few bundles: {built:?}");
    let mut wrong = Vec::new();
    let mut naming_exports_as_locals = 0;
    for (file, expected) in &built {
        let path = out.join(file);
        // `.js` for all, so that the extension decides nothing.
        let text = std::fs::read_to_string(&path).unwrap();
        // The kind is the runtime's: the bundle runs under Node as that kind.
        if let Some(failure) = runs_as(&path, expected) {
            panic!("{file} does not run as {expected}: {failure}");
        }
        let analysis = analyze_in_thread(&Input::new(&text, "bundle.js"));
        let expected_kind = match expected.as_str() {
            "script" => SourceKind::Script,
            "module" => SourceKind::Module,
            _ => SourceKind::CommonJs,
        };
        if expected_kind != SourceKind::CommonJs && text.contains("exports") {
            naming_exports_as_locals += 1;
        }
        if analysis.source_kind != expected_kind {
            wrong.push(format!(
                "{file}: runs as {expected}, scopelens says {}",
                analysis.source_kind.as_str()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The test means something only if bundles that are not CommonJS do name `exports`.
    assert!(
        naming_exports_as_locals >= 3,
        "only {naming_exports_as_locals} non-CommonJS bundles name `exports`"
    );
}
