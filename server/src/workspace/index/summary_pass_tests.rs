//! The engine's summary pass (`engine::summarize`) against the full analysis: for every file
//! below, the index's [`Summary`] made from the pass must be exactly the one made from the full
//! analysis, or the pass must have declined. This is what makes the index's fast path
//! trustworthy. The repository's fixtures, examples and `tests/corpus` files always;
//! `SCOPELENS_BIG_CORPUS=1` adds every file of `tests/corpus/packages` (run it in release:
//! `cargo test --release -p scopelens --lib summary_pass -- --nocapture`).

use std::path::{Path, PathBuf};

use super::Summary;
use crate::engine::{self, FileSummary, Input, Scratch};
use crate::workspace::files::is_source_file;

/// Small programs aimed at the pass's rules: where declarations land, and where it must decline.
const SNIPPETS: &[(&str, &str)] = &[
    (
        "shadowed-require.js",
        "function load(require) { return require('./a.js'); }\nconst b = require('./b.js');\nmodule.exports = { b };\n",
    ),
    (
        "inner-binding.js",
        "function f() { var lib = require('./l.js'); return lib.x + lib.y; }\nexports.f = f;\n",
    ),
    (
        "bundle-prelude.js",
        "(function (modules) { function require(id) { var module = { exports: {} }; modules[id](module, module.exports, require); return module.exports; } require(0); })([function (module, exports, require) { exports.a = 1; var m = require(1); }]);\n",
    ),
    ("with.js", "var o = require('./o.js');\nwith (o) { x; }\n"),
    (
        "eval.js",
        "var lib = require('./lib.js');\neval('var lib = 1');\nlib.a;\n",
    ),
    (
        "eval-of-code.js",
        "var lib = require('./lib.js');\nfunction f(code) { eval(code); return lib.a; }\n",
    ),
    (
        "strict-block-function.mjs",
        "import * as m from './m.js';\n{ function m() {} }\nm.x;\n",
    ),
    (
        "annex-b.js",
        "var m = require('./m.js');\n{ function m() {} }\nm.x;\nexports.m = m;\n",
    ),
    (
        "namespaces.mjs",
        "import * as ns from './ns.js';\nimport def, { a as b, c } from './other.js';\nfunction f(ns) { return ns.shadowed; }\nns.read; b.member;\n{ let ns = 1; ns.inner; }\nclass ns2 { m() { return ns.inMethod; } }\nexport { b, c as d, def as default };\nexport * from './star.js';\nexport * as all from './all.js';\nexport { x as y } from './re.js';\nexport const e = 1, { f: [g] } = {};\nexport function h() {}\nexport class K {}\nlet later;\nvar v; var v;\nimport('./lazy.js'); import(url);\n",
    ),
    (
        "module-scopes.mjs",
        "import * as a from './a.js';\nimport b from './b.js';\nconst f = (a) => a.x;\nconst g = function b() { return b.y; };\ntry {} catch ({ a }) { a.z; }\nfor (let b of []) b.w;\nswitch (1) { case 0: class a {} default: a.v; }\nfunction h(x = a.p) { var a; return a.q + b.r; }\nfunction k() { if (1) { var b; } return b.s; }\nclass C { static { var a; a.t; } m = a.u; }\nexport { a, b };\n",
    ),
    (
        "module-require.mjs",
        "export default function () { const m = require('./m.cjs'); return m.x; }\n",
    ),
    (
        "class-names.mjs",
        "export default class A { static make() { return new A(); } }\nconst B = class C { m() { return C; } };\nexport { B };\n",
    ),
    (
        "script.js",
        "var a = 1; let b = 2; function c() {} class D {}\nif (a) { function e() {} }\nfor (var i = 0; i < 1; i++) { var j; }\n",
    ),
    (
        "cjs.cjs",
        "const { a, b: c } = require('./m.cjs');\nconst d = require('./n.cjs').d;\nrequire('./side.cjs');\nmodule.exports = function named() {};\nmodule.exports.x = c;\nexports.y = d;\nconsole.log(module.exports, require('./p/' + name));\nfunction g(exports) { exports.z = 1; }\n",
    ),
    (
        "params.js",
        "function f(a = require('./x.js'), { b } = a) { var a; var q = require('./y.js'); return q.z; }\nmodule.exports = f;\n",
    ),
    (
        "catch-switch.js",
        "try { x(); } catch (require) { require('./no.js'); }\nswitch (k) { case 1: let module = 1; module.exports = 2; }\nmodule.exports = require('./yes.js');\n",
    ),
    (
        "types.ts",
        "import type { T } from './t';\nimport { type U, V } from './v';\nimport W = require('./w');\nenum E { A = 1 }\nnamespace N { export const n = V.x; }\nexport = W;\ndeclare const dc: number;\nexport function over(a: string): void;\nexport function over(a: any) {}\n",
    ),
    (
        "crlf-unicode.mjs",
        "// é\r\nexport const café = 1;\r\nexport let 𝒳 = 2;\rexport var z = 'λ';\n",
    ),
    (
        "syntax-error.mjs",
        "import { a } from './a.js';\nexport const b = ;\nexport function c() {}\n",
    ),
];

#[derive(Default)]
struct Tally {
    files: usize,
    bytes: usize,
    declined: Vec<(String, usize, &'static str)>,
    differ: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, text: &str, scratch: &mut Scratch) {
        self.files += 1;
        self.bytes += text.len();
        let input = Input::new(text, name);
        let full = Summary::from_file(&FileSummary::of(&engine::analyze(&input)), |_| None);
        match engine::summarize(&input, scratch) {
            Ok(light) => {
                let light = Summary::from_file(&light, |_| None);
                if light != full {
                    self.differ
                        .push(format!("{name}:\n  pass: {light:?}\n  full: {full:?}"));
                }
            }
            Err(why) => self.declined.push((name.to_owned(), text.len(), why.0)),
        }
    }
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            sources(&path, out);
        } else if is_source_file(&path) {
            out.push(path);
        }
    }
}

fn run(files: Vec<PathBuf>, snippets: bool) -> Tally {
    let mut tally = Tally::default();
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(engine::ANALYSIS_STACK_SIZE)
            .spawn_scoped(scope, || {
                let mut scratch = Scratch::default();
                if snippets {
                    for (name, text) in SNIPPETS {
                        tally.check(name, text, &mut scratch);
                    }
                }
                for path in &files {
                    let Ok(text) = std::fs::read_to_string(path) else {
                        continue;
                    };
                    tally.check(&path.to_string_lossy(), &text, &mut scratch);
                }
            })
            .expect("spawn")
            .join()
            .expect("no panic");
    });
    tally
}

fn report(what: &str, tally: &Tally) {
    let declined_bytes: usize = tally.declined.iter().map(|d| d.1).sum();
    eprintln!(
        "{what}: {} files ({} bytes), {} declined ({} bytes), {} differ",
        tally.files,
        tally.bytes,
        tally.declined.len(),
        declined_bytes,
        tally.differ.len()
    );
    for (name, len, why) in tally.declined.iter().take(40) {
        eprintln!("  declined {name} ({len} bytes): {why}");
    }
    for d in tally.differ.iter().take(5) {
        eprintln!("{d}");
    }
}

#[test]
fn the_summary_pass_agrees_with_the_full_analysis_or_declines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "tests/fixtures",
        "examples",
        "tests/conformance",
        "tests/rename",
    ] {
        sources(&root.join(dir), &mut files);
    }
    let corpus = root.join("tests/corpus");
    if let Ok(entries) = std::fs::read_dir(&corpus) {
        let mut top: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_source_file(p))
            .collect();
        top.sort();
        files.extend(top);
    }
    files.sort();
    let tally = run(files, true);
    report("fixtures and corpus", &tally);
    assert!(
        tally.differ.is_empty(),
        "{} files differ",
        tally.differ.len()
    );
    // The pass declines what it must, and no more than that.
    let declined: Vec<&str> = tally
        .declined
        .iter()
        .filter(|d| !d.0.contains('/'))
        .map(|d| d.0.as_str())
        .collect();
    assert_eq!(declined, ["eval.js", "annex-b.js"], "snippets declined");
}

#[test]
fn the_summary_pass_agrees_on_the_big_corpus() {
    if std::env::var_os("SCOPELENS_BIG_CORPUS").is_none() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/packages");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    let tally = run(files, false);
    report("tests/corpus/packages", &tally);
    assert!(
        tally.differ.is_empty(),
        "{} files differ",
        tally.differ.len()
    );
}
