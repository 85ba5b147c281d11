//! Renames that run: every fixture program in `tests/rename/fixtures/` prints its results under
//! Node. For every binding scopelens lets the user rename (`prepare_rename` accepts it), the test
//! renames it to a fresh name and to every other name in the file; each rename scopelens accepts
//! must leave the program's output unchanged. Fresh-name renames must be accepted for at least
//! 95% of the renameable bindings (the figure is printed). Along the way: references and
//! highlights cover exactly the spans a fresh rename edits, and the semantic tokens carrying
//! `captured` are exactly the references the model marks captured.
//!
//! Needs Node.js on PATH (fails loudly without it, like the conformance tests).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use scopelens::engine::{Analysis, Input, Span, analyze_in_thread};
use scopelens::ide::{
    TextEdit, TokenModifiers, highlights, prepare_rename, references, rename, semantic_tokens,
};

/// Node processes at once per fixture (the machines here have two cores).
const PARALLEL: usize = 3;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repo root")
        .to_path_buf()
}

fn require_node() {
    match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => panic!(
            "\n\n*** RENAME TESTS CANNOT RUN: `node` is not on PATH or fails ***\n\
             These tests run the fixture programs with Node.js (20+); install it rather than \
             skipping them.\n\n"
        ),
    }
}

fn fixtures() -> Vec<PathBuf> {
    let dir = repo_root().join("tests/rename/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/rename/fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 5, "expected the fixture programs in {dir:?}");
    files
}

/// The kind of file scopelens takes the fixture for, as `run-variants.mjs` names it.
fn kind_of(name: &str) -> &'static str {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("mjs") => "module",
        Some("cjs") => "commonjs",
        _ => "script",
    }
}

/// Runs each text as the fixture `name` would run, all in one Node process (a fresh context
/// each); returns each one's output.
fn run_all(dir: &Path, name: &str, texts: &[&str], n: usize) -> Vec<String> {
    let list = dir.join(format!("variants-{n}.json"));
    std::fs::write(&list, serde_json::to_string(texts).expect("json")).expect("write variants");
    let out = Command::new("node")
        .arg("--experimental-vm-modules")
        .arg(repo_root().join("tests/rename/run-variants.mjs"))
        .arg(kind_of(name))
        .arg(&list)
        .output()
        .expect("run node");
    let _ = std::fs::remove_file(&list);
    assert!(
        out.status.success(),
        "run-variants.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs: Vec<String> = serde_json::from_slice(&out.stdout).expect("outputs as JSON");
    assert_eq!(outputs.len(), texts.len());
    outputs
}

/// The fixture run the ordinary way (`node FILE`; a `.js` file as a classic script through
/// `vm.runInThisContext`), to check that `run-variants.mjs` runs programs faithfully.
fn run_plain(path: &Path) -> String {
    let mut cmd = Command::new("node");
    if kind_of(&path.to_string_lossy()) == "script" {
        cmd.arg("-e").arg(
            "require('vm').runInThisContext(require('fs').readFileSync(process.argv[1], 'utf8'))",
        );
    }
    let out = cmd.arg(path).output().expect("run node");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{path:?} must run cleanly under node: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        out.replace_range(e.span.start as usize..e.span.end as usize, &e.new_text);
    }
    out
}

#[derive(Default)]
struct Figures {
    renameable: usize,
    not_renameable: BTreeMap<String, usize>,
    fresh_accepted: usize,
    fresh_refused: Vec<String>,
    other_tried: usize,
    other_accepted: usize,
    runs: usize,
}

/// A rename to check by running it.
struct Variant {
    what: String,
    text: String,
}

/// Every renameable family, named by one of its declarations' offsets.
fn renameable_families(analysis: &Analysis, figures: &mut Figures) -> Vec<(u32, Vec<Span>)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for d in &analysis.declarations {
        let spans = references(analysis, d.span.start, true);
        if !seen.insert(spans.iter().map(|s| s.start).collect::<Vec<_>>()) {
            continue;
        }
        match prepare_rename(analysis, d.span.start) {
            Ok(_) => out.push((d.span.start, spans)),
            Err(e) => {
                *figures
                    .not_renameable
                    .entry(format!("{:?}", e.kind))
                    .or_default() += 1
            }
        }
    }
    out
}

fn check_captured_tokens(name: &str, analysis: &Analysis) {
    let captured_tokens: Vec<Span> = semantic_tokens(analysis)
        .into_iter()
        .filter(|t| t.modifiers.contains(TokenModifiers::CAPTURED))
        .map(|t| t.span)
        .collect();
    let captured_refs: Vec<Span> = analysis
        .references
        .iter()
        .filter(|r| r.captured)
        .map(|r| r.span)
        .collect();
    assert_eq!(
        captured_tokens, captured_refs,
        "{name}: `captured` tokens differ from the model's captured references"
    );
}

/// Builds the variants of one fixture, checking references/highlights against fresh renames.
fn variants(name: &str, text: &str, figures: &mut Figures) -> Vec<Variant> {
    let analysis = analyze_in_thread(&Input::new(text, name));
    assert!(
        analysis.syntax_errors.is_empty() && analysis.degradation.unanalysed.is_none(),
        "{name}: the fixture must parse"
    );
    check_captured_tokens(name, &analysis);
    let families = renameable_families(&analysis, figures);
    let names: BTreeSet<&str> = analysis.names.iter().collect();
    let mut out = Vec::new();
    for (at, spans) in families {
        figures.renameable += 1;
        let old = &text[spans[0].start as usize..spans[0].end as usize];
        let fresh = (0..)
            .map(|i| format!("renamed{i}"))
            .find(|n| !text.contains(n.as_str()))
            .expect("a fresh name");
        match rename(&analysis, at, &fresh) {
            Ok(edits) => {
                figures.fresh_accepted += 1;
                let edited: Vec<Span> = edits.iter().map(|e| e.span).collect();
                assert_eq!(
                    edited, spans,
                    "{name}: references of `{old}` differ from what its rename edits"
                );
                let lit: Vec<Span> = highlights(&analysis, at).iter().map(|h| h.span).collect();
                assert_eq!(
                    lit, spans,
                    "{name}: highlights of `{old}` differ from what its rename edits"
                );
                out.push(Variant {
                    what: format!("`{old}` (at byte {at}) → `{fresh}`"),
                    text: apply(text, &edits),
                });
            }
            Err(e) => figures
                .fresh_refused
                .push(format!("{name}: `{old}` → `{fresh}`: {e}")),
        }
        let private = old.starts_with('#');
        for &other in &names {
            if other == old || other.starts_with('#') != private {
                continue;
            }
            figures.other_tried += 1;
            if let Ok(edits) = rename(&analysis, at, other) {
                figures.other_accepted += 1;
                out.push(Variant {
                    what: format!("`{old}` (at byte {at}) → `{other}`"),
                    text: apply(text, &edits),
                });
            }
        }
    }
    out
}

#[test]
fn accepted_renames_keep_program_output() {
    require_node();
    let tmp = std::env::temp_dir().join(format!("scopelens-rename-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let mut figures = Figures::default();
    let mut failures = Vec::new();
    let started = std::time::Instant::now();
    for path in fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).expect("read fixture");
        let expected = run_all(&tmp, &name, &[&text], 0).remove(0);
        assert_eq!(
            expected,
            run_plain(&path),
            "{name}: run-variants.mjs must print what node prints"
        );
        let mut variants = variants(&name, &text, &mut figures);
        // The same edited text needs one run.
        let mut by_text: HashMap<String, Vec<String>> = HashMap::new();
        for v in variants.drain(..) {
            by_text.entry(v.text).or_default().push(v.what);
        }
        let jobs: Vec<(String, Vec<String>)> = by_text.into_iter().collect();
        figures.runs += jobs.len();
        let chunk = jobs.len().div_ceil(PARALLEL).max(1);
        let found = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for (worker, jobs) in jobs.chunks(chunk).enumerate() {
                let (found, tmp, name, expected) = (&found, &tmp, &name, &expected);
                s.spawn(move || {
                    let texts: Vec<&str> = jobs.iter().map(|(t, _)| t.as_str()).collect();
                    let outputs = run_all(tmp, name, &texts, worker + 1);
                    for ((_, whats), got) in jobs.iter().zip(outputs) {
                        if &got != expected {
                            found.lock().unwrap().push(format!(
                                "{name}: {} changed the output:\n--- expected\n{expected}--- got\n{got}",
                                whats.join(", "),
                            ));
                        }
                    }
                });
            }
        });
        failures.extend(found.into_inner().unwrap());
    }
    let _ = std::fs::remove_dir_all(&tmp);
    let rate = figures.fresh_accepted as f64 / figures.renameable as f64;
    println!(
        "rename: {} renameable bindings; fresh names accepted for {} ({:.1}%); \
         other names: {} of {} accepted; {} node runs in {:.1} s; not renameable: {:?}",
        figures.renameable,
        figures.fresh_accepted,
        rate * 100.0,
        figures.other_accepted,
        figures.other_tried,
        figures.runs,
        started.elapsed().as_secs_f64(),
        figures.not_renameable,
    );
    for refused in &figures.fresh_refused {
        println!("  fresh rename refused: {refused}");
    }
    assert!(
        failures.is_empty(),
        "{} accepted renames changed the program's output:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        rate >= 0.95,
        "fresh-name renames accepted for only {:.1}% of renameable bindings",
        rate * 100.0
    );
}
