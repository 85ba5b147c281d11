//! `scopelens explain` as a user runs it: the built binary on the examples, with snapshots of
//! the JSON (`snapshots/*.json`) and of the text. `UPDATE_EXPECT=1 cargo test --test cli`
//! rewrites the snapshots; read every change before committing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use expect_test::{expect, expect_file};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ is in the workspace")
        .to_path_buf()
}

/// Runs `scopelens explain ARGS…` from the workspace root (so file names print as given).
fn explain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scopelens"))
        .current_dir(workspace())
        .arg("explain")
        .args(args)
        .output()
        .expect("run scopelens")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("UTF-8 output")
}

/// The JSON of an example: exit 0, valid JSON with the documented keys, equal to its snapshot.
fn check_json(example: &str, snapshot: expect_test::ExpectFile) {
    let out = explain(&[&format!("examples/{example}"), "--format", "json"]);
    assert!(out.status.success(), "exit 0; stderr: {}", stderr(&out));
    let json = stdout(&out);
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    for key in [
        "file",
        "kind",
        "environments",
        "bindings",
        "references",
        "syntax_errors",
        "degradation",
    ] {
        assert!(value.get(key).is_some(), "JSON has `{key}`");
    }
    snapshot.assert_eq(&json);
}

#[test]
fn json_ninja() {
    check_json("ninja.js", expect_file!["snapshots/ninja.json"]);
}

#[test]
fn json_closure() {
    check_json("closure.js", expect_file!["snapshots/closure.json"]);
}

#[test]
fn json_loops() {
    check_json("loops.js", expect_file!["snapshots/loops.json"]);
}

#[test]
fn json_typescript() {
    check_json("shapes.ts", expect_file!["snapshots/shapes.json"]);
}

#[test]
fn json_commonjs() {
    check_json("counter.cjs", expect_file!["snapshots/counter.json"]);
}

#[test]
fn json_module() {
    check_json("greeter.mjs", expect_file!["snapshots/greeter.json"]);
}

#[test]
fn text_ninja() {
    let out = explain(&["examples/ninja.js"]);
    assert!(out.status.success(), "exit 0; stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "", "no syntax errors");
    expect![[r#"
        examples/ninja.js: classic script (top-level `var`s and functions are global object properties)

        Environments (indented by nesting), each binding with its uses
        (a use is line:column; ↑N: found N environments out; =: assigned; ?: dynamic, see below)
          [global] globalThis 1:1-11:1
            ninja var at 1:5 · used at 6:32↑2
            skulk function at 2:10 · used at 10:1
            [function] skulk 2:1-9:2
              action var at 3:7 · captured by report · used at 6:24↑1
              report function at 4:12 · used at 8:3
              [function] report 4:3-7:4 · captures action · keeps alive per call: action
                intro var at 5:9 · used at 6:17

        Not declared in this file
          console · a known host global on the global object · at 6:5
    "#]].assert_eq(&stdout(&out));
}

#[test]
fn source_kind_override() {
    let out = explain(&[
        "examples/ninja.js",
        "--format=json",
        "--source-kind",
        "module",
    ]);
    assert!(out.status.success());
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["kind"], "module");
}

#[test]
fn missing_file_exits_1_with_a_message() {
    let out = explain(&["examples/does-not-exist.js"]);
    assert_eq!(out.status.code(), Some(1));
    expect![[r#"
        scopelens explain: cannot read `examples/does-not-exist.js`: No such file or directory (os error 2)
    "#]].assert_eq(&stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn bad_arguments_exit_2() {
    let out = explain(&["examples/ninja.js", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown format `yaml`"),
        "{}",
        stderr(&out)
    );
}

/// A file with a syntax error in one function: the errors are reported and the rest is still
/// analysed.
#[test]
fn syntax_errors_are_reported_with_the_recovered_model() {
    let dir = std::env::temp_dir().join(format!("scopelens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.js");
    std::fs::write(&file, "function ok() {\n  let fine = 1;\n  return fine;\n}\nfunction broken() {\n  let = = ;\n}\n")
        .unwrap();
    let file = file.to_str().unwrap();

    let json_out = explain(&[file, "--format", "json"]);
    assert!(json_out.status.success(), "a recovered model is a success");
    let value: serde_json::Value = serde_json::from_str(&stdout(&json_out)).expect("valid JSON");
    assert!(
        !value["syntax_errors"].as_array().unwrap().is_empty(),
        "syntax errors are in the JSON"
    );
    let refs = value["references"].as_array().unwrap();
    assert!(
        refs.iter()
            .any(|r| r["name"] == "fine" && !r["binding"].is_null()),
        "the function that parses is still analysed: {refs:?}"
    );

    let text_out = explain(&[file]);
    assert!(text_out.status.success());
    assert!(
        stderr(&text_out).contains("syntax error"),
        "{}",
        stderr(&text_out)
    );
    assert!(stdout(&text_out).contains("fine"), "{}", stdout(&text_out));
    std::fs::remove_dir_all(&dir).ok();
}

/// Columns count UTF-16 code units (an astral character is 2), lines count CRLF once, and a
/// byte order mark is not a column.
#[test]
fn positions_are_one_based_utf16_columns() {
    let dir = std::env::temp_dir().join(format!("scopelens-cli-utf16-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wide.js");
    std::fs::write(&file, "\u{feff}var s = \"😀é\"; var t = s;\r\nt;\r\n").unwrap();
    let out = explain(&[file.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success());
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let refs: Vec<String> = value["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}:{}",
                r["name"], r["start"]["line"], r["start"]["column"]
            )
        })
        .collect();
    // `s` after `var t = ` starts at UTF-16 column 24 (`😀` is two code units, `é` one).
    assert_eq!(refs, ["\"s\" 1:24", "\"t\" 2:1"]);
    std::fs::remove_dir_all(&dir).ok();
}
