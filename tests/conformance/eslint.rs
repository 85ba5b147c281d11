//! scopelens against eslint-scope on real code. `eslint/references.mjs` prints, for every
//! reference eslint-scope finds, its start and the start of its resolved declaration; the same
//! file is analysed by scopelens; each difference must fall into a category explained in
//! docs/fidelity.md ("eslint-scope"). The 9 MB typescript.js runs only when
//! `SCOPELENS_CONFORMANCE_TYPESCRIPT=1` is set.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use scopelens::engine::{
    Analysis, BindingId, DeclarationKind, EnvKind, IdentifierAt, Input, analyze_in_thread,
};
use scopelens::ide::owner;

use crate::{repo_root, require_node};

/// eslint-scope's answer for one reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Eslint {
    Unresolved,
    /// An implicit variable without a declaration (`arguments`).
    Implicit,
    /// The start (byte offset) of the declaring identifier.
    Declared(u32),
}

/// Explained categories of difference (each one is a section of docs/fidelity.md).
const IMPLICIT_GLOBAL: &str = "implicit global: eslint-scope declares no variable for a sloppy assignment to an undeclared name";
const EVAL: &str =
    "direct eval: eslint-scope leaves references to variables of scopes around it unresolved";
const OPTIONAL_EVAL: &str = "`eval?.(…)`: eslint-scope takes an optional call of `eval` for a direct eval (the spec and V8: an indirect one)";
const COMMONJS: &str = "CommonJS: eslint-scope declares no module wrapper parameters";
const ANNEX_B: &str = "Annex B.3.3: eslint-scope has no var copy of a sloppy block function";
const PARAM_BODY_VAR: &str =
    "parameter expressions: eslint-scope merges a body var with the parameter of the same name";
const ARGUMENTS_IN_PARAMS: &str =
    "`arguments` in a parameter default: eslint-scope leaves it unresolved";
const CATCH_VAR_INIT: &str =
    "Annex B.3.4: `var e = …` in `catch (e)` also writes the catch parameter";

fn ensure_inputs() {
    let root = repo_root();
    let eslint = root.join("tests/conformance/eslint");
    if !eslint.join("node_modules/eslint-scope").is_dir() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&eslint)
            .status()
            .expect("run `npm ci` in tests/conformance/eslint (npm is needed)");
        assert!(
            status.success(),
            "`npm ci` failed in tests/conformance/eslint"
        );
    }
    let corpus = root.join("tests/corpus");
    let wanted = [
        "lodash.js",
        "three.module.js",
        "react-dom-client.development.js",
        "typescript.js",
    ];
    if wanted.iter().any(|f| !corpus.join(f).is_file()) {
        let status = Command::new("bash")
            .arg(root.join("scripts/fetch-corpus.sh"))
            .status()
            .expect("run scripts/fetch-corpus.sh");
        assert!(
            status.success(),
            "scripts/fetch-corpus.sh failed: the eslint-scope comparison needs tests/corpus/"
        );
    }
}

/// UTF-16 index → byte offset, for the whole text (eslint-scope counts in UTF-16 units).
fn utf16_to_byte(text: &str) -> Vec<u32> {
    let mut map = Vec::with_capacity(text.len() + 1);
    for (byte, c) in text.char_indices() {
        for _ in 0..c.len_utf16() {
            map.push(byte as u32);
        }
    }
    map.push(text.len() as u32);
    map
}

fn eslint_answers(kind: &str, path: &Path, text: &str) -> Vec<(u32, Eslint)> {
    let script = repo_root().join("tests/conformance/eslint/references.mjs");
    let out = Command::new("node")
        .arg("--stack-size=8000")
        .arg(&script)
        .arg(kind)
        .arg(path)
        .output()
        .expect("spawn node");
    assert!(
        out.status.success(),
        "references.mjs failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let map = utf16_to_byte(text);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (r, d) = line.split_once(' ').expect("`ref def` line");
            let r: usize = r.parse().unwrap();
            let d: i64 = d.parse().unwrap();
            let answer = match d {
                -1 => Eslint::Unresolved,
                -2 => Eslint::Implicit,
                d => Eslint::Declared(map[d as usize]),
            };
            (map[r], answer)
        })
        .collect()
}

#[derive(Default)]
struct FileReport {
    references: usize,
    agree: usize,
    explained: BTreeMap<&'static str, usize>,
    unexplained: Vec<String>,
}

/// scopelens's answer at `offset`, in eslint-scope's terms.
fn ours(a: &Analysis, offset: u32) -> Option<(Option<BindingId>, bool)> {
    match a.identifier_at(offset)? {
        IdentifierAt::Reference(r) if r.span.start == offset => Some((r.binding, r.dynamic)),
        // eslint-scope counts an initialised declaration (`var x = 1`) as a write reference.
        IdentifierAt::Declaration(d) if d.span.start == offset => Some((Some(d.binding), false)),
        _ => None,
    }
}

fn binding_declared_at(a: &Analysis, binding: BindingId, at: u32) -> bool {
    // A class's or named function expression's inner name binding shares its declaring
    // identifier with the outer binding; `declarations` lists that identifier once.
    a.binding(binding).span.start == at && a.binding(binding).span.end > at
        || a.declarations
            .iter()
            .any(|d| d.binding == binding && d.span.start == at)
}

fn compare(path: &Path) -> FileReport {
    let file = &*path.file_name().unwrap().to_string_lossy();
    let text = std::fs::read_to_string(path).unwrap();
    let a = analyze_in_thread(&Input::new(&text, file));
    assert!(
        a.degradation.unanalysed.is_none() && a.degradation.blanked.is_empty(),
        "{file}: scopelens could not analyse the whole file"
    );
    let answers = eslint_answers(a.source_kind.as_str(), path, &text);
    let mut report = FileReport::default();
    for (offset, theirs) in answers {
        report.references += 1;
        let name_end = text[offset as usize..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .map_or(text.len(), |n| offset as usize + n);
        let name = &text[offset as usize..name_end];
        let Some((binding, _dynamic)) = ours(&a, offset) else {
            report.unexplained.push(format!(
                "{}: `{name}`: scopelens has no identifier here",
                a.line_index.human(offset).0
            ));
            continue;
        };
        let agree = match (theirs, binding) {
            (Eslint::Unresolved, None) => true,
            (Eslint::Declared(at), Some(b)) => binding_declared_at(&a, b, at),
            (Eslint::Implicit, Some(b)) => matches!(
                a.binding(b).declaration,
                DeclarationKind::Arguments | DeclarationKind::CommonJsParameter
            ),
            _ => false,
        };
        if agree {
            report.agree += 1;
            continue;
        }
        let category = categorize(&a, &text, offset, theirs, binding);
        match category {
            Some(c) => *report.explained.entry(c).or_default() += 1,
            None => {
                let (line, col) = a.line_index.human(offset);
                let ours = match binding {
                    Some(b) => {
                        let e = a.binding(b).environment;
                        format!(
                            "{} in {} `{}`",
                            a.binding(b).declaration,
                            a.env(e).kind,
                            owner(&a, e)
                        )
                    }
                    None => "unresolved".into(),
                };
                report.unexplained.push(format!(
                    "{line}:{col} `{name}`: eslint-scope {theirs:?}, scopelens {ours}"
                ));
            }
        }
    }
    report
}

/// Which explained category a difference falls into, if any.
fn categorize(
    a: &Analysis,
    text: &str,
    offset: u32,
    theirs: Eslint,
    binding: Option<BindingId>,
) -> Option<&'static str> {
    let b = a.binding(binding?);
    let env = b.environment;
    let name = a.name(b.name);
    match theirs {
        Eslint::Unresolved => {
            if b.declaration == DeclarationKind::ImplicitGlobal {
                return Some(IMPLICIT_GLOBAL);
            }
            if b.declaration == DeclarationKind::CommonJsParameter {
                return Some(COMMONJS);
            }
            if b.declaration == DeclarationKind::AnnexBFunction {
                return Some(ANNEX_B);
            }
            // eslint-scope marks every scope from a direct eval's outward as dynamic and
            // resolves nothing declared in them, strict or not.
            let around_eval = a
                .env_ids()
                .filter(|&e| a.env(e).kind == EnvKind::Eval)
                // eslint-scope has one scope for a function's parameters and body: an eval in
                // the parameters taints the body's vars too.
                .any(|e| {
                    a.chain(e).any(|outer| {
                        outer == env
                            || a.env(env).kind == EnvKind::FunctionBody
                                && a.env(env).parent == Some(outer)
                    })
                });
            if around_eval {
                return Some(EVAL);
            }
            let span = a.env(env).span;
            if text
                .get(span.start as usize..span.end as usize)
                .is_some_and(|code| code.contains("eval?.("))
            {
                return Some(OPTIONAL_EVAL);
            }
            if b.declaration == DeclarationKind::Arguments {
                let body_start = a
                    .env_ids()
                    .find(|&e| {
                        a.env(e).parent == Some(env) && a.env(e).kind == EnvKind::FunctionBody
                    })
                    .map(|e| a.env(e).span.start);
                if body_start.is_some_and(|start| offset < start) {
                    return Some(ARGUMENTS_IN_PARAMS);
                }
            }
            None
        }
        Eslint::Declared(at) => {
            let (theirs_binding, _) = ours(a, at)?;
            let t = a.binding(theirs_binding?);
            if a.name(t.name) != name {
                return None;
            }
            if t.declaration == DeclarationKind::Parameter
                && b.declaration == DeclarationKind::Var
                && a.env(env).kind == EnvKind::FunctionBody
                && a.env(env).parent == Some(t.environment)
            {
                return Some(PARAM_BODY_VAR);
            }
            let is_declaration = a.declarations.iter().any(|d| d.span.start == offset);
            if t.declaration == DeclarationKind::CatchParameter
                && b.declaration == DeclarationKind::Var
                && is_declaration
            {
                return Some(CATCH_VAR_INIT);
            }
            None
        }
        Eslint::Implicit => None,
    }
}

fn run(files: &[PathBuf]) {
    require_node();
    ensure_inputs();
    let mut failures = String::new();
    let mut table = String::new();
    let mut total = FileReport::default();
    // A few node processes at a time (two cores here).
    let next = AtomicUsize::new(0);
    let reports: Mutex<Vec<(usize, FileReport)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..files.len().min(3) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(path) = files.get(i) else { break };
                    let report = compare(path);
                    reports.lock().unwrap().push((i, report));
                }
            });
        }
    });
    let mut reports = reports.into_inner().unwrap();
    reports.sort_by_key(|(i, _)| *i);
    for (i, r) in reports {
        let file = files[i].file_name().unwrap().to_string_lossy();
        total.references += r.references;
        total.agree += r.agree;
        for (k, v) in &r.explained {
            *total.explained.entry(k).or_default() += v;
        }
        let differences = r.references - r.agree;
        let explained: usize = r.explained.values().sum();
        writeln!(
            table,
            "{file}: {} references, {} agree ({:.3}%), {differences} differ, {explained} explained {:?}",
            r.references,
            r.agree,
            100.0 * r.agree as f64 / r.references.max(1) as f64,
            r.explained
        )
        .unwrap();
        if !r.unexplained.is_empty() {
            writeln!(
                failures,
                "\n=== {file}: {} unexplained difference(s) ===",
                r.unexplained.len()
            )
            .unwrap();
            for d in r.unexplained.iter().take(40) {
                writeln!(failures, "{d}").unwrap();
            }
        }
    }
    if files.len() > 1 {
        writeln!(
            table,
            "total: {} references, {} agree ({:.3}%), explained {:?}",
            total.references,
            total.agree,
            100.0 * total.agree as f64 / total.references.max(1) as f64,
            total.explained
        )
        .unwrap();
    }
    println!("{table}");
    assert!(
        failures.is_empty(),
        "differences with eslint-scope that docs/fidelity.md does not explain:{failures}\n\n{table}"
    );
}

fn corpus(file: &str) -> PathBuf {
    repo_root().join("tests/corpus").join(file)
}

#[test]
fn eslint_scope_agrees_on_the_corpus() {
    run(&[
        corpus("lodash.js"),
        corpus("three.module.js"),
        corpus("react-dom-client.development.js"),
    ]);
}

/// The V8 fixtures exercise the corners (script globals, `with`, eval) real code rarely has.
#[test]
fn eslint_scope_agrees_on_the_v8_fixtures() {
    run(&crate::v8::fixture_files());
}

/// The 9 MB typescript.js: `SCOPELENS_CONFORMANCE_TYPESCRIPT=1 cargo test --release --test
/// conformance typescript`.
#[test]
fn eslint_scope_agrees_on_typescript() {
    if std::env::var_os("SCOPELENS_CONFORMANCE_TYPESCRIPT").is_none() {
        println!("typescript.js skipped: set SCOPELENS_CONFORMANCE_TYPESCRIPT=1 to run it");
        return;
    }
    run(&[corpus("typescript.js")]);
}
