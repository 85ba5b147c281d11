//! Module records (§16.2.1.6 import and export entries; CommonJS `require` and
//! `module.exports`): each fixture prints its requests, import bindings, exports, `export *`
//! and module members.

use std::fmt::Write;

use expect_test::{Expect, expect};

use super::analyze_as;
use crate::engine::{Analysis, ExportTarget, Span};

fn dump(a: &Analysis) -> String {
    let m = &a.module;
    let at = |span: Span| {
        let (line, col) = a.line_index.human(span.start);
        format!("{line}:{col}")
    };
    let mut out = String::new();
    writeln!(out, "kind: {}", a.source_kind.as_str()).unwrap();
    for r in &m.requests {
        writeln!(
            out,
            "request {:?} {:?} at {}",
            r.specifier,
            r.kind,
            at(r.span)
        )
        .unwrap();
    }
    for i in &m.imports {
        let b = a.binding(i.binding);
        writeln!(
            out,
            "import {} ({}) ← {:?} {}",
            a.name(b.name),
            b.declaration,
            m.request(i.request).specifier,
            i.imported.as_str()
        )
        .unwrap();
    }
    for e in &m.exports {
        let target = match &e.target {
            ExportTarget::Local(b) => format!(
                "{} {} at {}",
                a.binding(*b).declaration,
                a.binding_name(*b),
                at(a.binding(*b).span)
            ),
            ExportTarget::Value(span) => format!("value at {}", at(*span)),
            ExportTarget::ReExport { request, name } => {
                format!("{} of {:?}", name.as_str(), m.request(*request).specifier)
            }
        };
        writeln!(out, "export {} at {} → {target}", e.name, at(e.span)).unwrap();
    }
    for r in &m.star_exports {
        writeln!(out, "export * from {:?}", m.request(*r).specifier).unwrap();
    }
    for member in &m.members {
        let via = member
            .via
            .map(|b| a.binding_name(b).to_owned())
            .unwrap_or_else(|| "require(…)".into());
        writeln!(
            out,
            "member {via}.{} at {} of {:?}",
            member.name,
            at(member.span),
            m.request(member.request).specifier
        )
        .unwrap();
    }
    for load in m.dynamic_imports.iter().chain(&m.dynamic_requires) {
        let what = match load.request {
            Some(r) => format!("{:?}", m.request(r).specifier),
            None => "a computed specifier".into(),
        };
        writeln!(out, "dynamic load of {what} at {}", at(load.span)).unwrap();
    }
    for &r in &m.whole_requires {
        writeln!(out, "whole require of {:?}", m.request(r).specifier).unwrap();
    }
    for member in &m.self_members {
        writeln!(out, "own exports.{} at {}", member.name, at(member.span)).unwrap();
    }
    if let Some(span) = m.exports_escape {
        writeln!(out, "exports used whole at {}", at(span)).unwrap();
    }
    out
}

fn check(text: &str, file: &str, expect: Expect) {
    expect.assert_eq(&dump(&analyze_as(text, file)));
}

#[test]
fn esm_imports() {
    check(
        r#"import def, { total, rate as r, default as d2 } from "./cart.mjs";
import * as ns from "./lib.mjs";
import type { T } from "./types";
import "./side-effect.mjs";
ns.helper(total, r, def, d2);
function f(ns) { return ns.shadowed; }
"#,
        "main.ts",
        expect![[r#"
            kind: module
            request "./cart.mjs" Import at 1:54
            request "./lib.mjs" Import at 2:21
            request "./types" Import at 3:24
            request "./side-effect.mjs" Import at 4:8
            import def (import) ← "./cart.mjs" default
            import total (import) ← "./cart.mjs" total
            import r (import) ← "./cart.mjs" rate
            import d2 (import) ← "./cart.mjs" default
            import ns (import) ← "./lib.mjs" *
            member ns.helper at 5:4 of "./lib.mjs"
        "#]],
    );
}

#[test]
fn esm_exports() {
    check(
        r#"export function total() {}
export const rate = 1, { a, b: [c] } = {};
export class Cart {}
let local = 1;
export { local, local as alias };
export { x as y, default as z } from "./other.mjs";
export * from "./all.mjs";
export * as space from "./space.mjs";
export default function () {}
"#,
        "lib.mjs",
        expect![[r#"
            kind: module
            request "./other.mjs" Import at 6:38
            request "./all.mjs" Import at 7:15
            request "./space.mjs" Import at 8:24
            export total at 1:17 → function total at 1:17
            export rate at 2:14 → const rate at 2:14
            export a at 2:26 → const a at 2:26
            export c at 2:33 → const c at 2:33
            export Cart at 3:14 → class Cart at 3:14
            export local at 5:10 → let local at 4:5
            export alias at 5:26 → let local at 4:5
            export y at 6:15 → x of "./other.mjs"
            export z at 6:29 → default of "./other.mjs"
            export space at 8:13 → * of "./space.mjs"
            export default at 9:8 → value at 9:16
            export * from "./all.mjs"
        "#]],
    );
}

#[test]
fn export_default_forms() {
    check(
        "export default class Named {}\n",
        "a.mjs",
        expect![[r#"
            kind: module
            export default at 1:8 → class Named at 1:22
        "#]],
    );
    check(
        "const value = 1;\nexport default value;\n",
        "b.mjs",
        expect![[r#"
            kind: module
            export default at 2:8 → const value at 1:7
        "#]],
    );
    check(
        "export default 1 + 2;\n",
        "c.mjs",
        expect![[r#"
            kind: module
            export default at 1:8 → value at 1:16
        "#]],
    );
}

#[test]
fn commonjs_requires() {
    check(
        r#"const lib = require("./lib");
const { a, b: renamed } = require("./destructured");
const only = require("./member").only;
require("./side-effect");
lib.call(a, renamed, only, require("./inline").deep);
function f() { const require = () => {}; return require("./not-node"); }
"#,
        "main.cjs",
        expect![[r#"
            kind: commonjs
            request "./lib" Require at 1:21
            request "./destructured" Require at 2:35
            request "./member" Require at 3:22
            request "./side-effect" Require at 4:9
            request "./inline" Require at 5:36
            import lib (const) ← "./lib" *
            import a (const) ← "./destructured" a
            import renamed (const) ← "./destructured" b
            import only (const) ← "./member" only
            member require(…).only at 3:34 of "./member"
            member lib.call at 5:5 of "./lib"
            member require(…).deep at 5:48 of "./inline"
        "#]],
    );
}

#[test]
fn commonjs_exports() {
    check(
        r#"function a() {}
const b = 2;
module.exports = { a, b: b, c: () => 3, d() {} };
module.exports.e = function named() {};
exports.f = a;
"#,
        "lib.cjs",
        expect![[r#"
            kind: commonjs
            export module.exports at 3:1 → value at 3:1
            export a at 3:20 → function a at 1:10
            export b at 3:23 → const b at 2:7
            export c at 3:29 → value at 3:29
            export d at 3:41 → value at 3:41
            export e at 4:16 → value at 4:29
            export f at 5:9 → function a at 1:10
            own exports.e at 4:16
            own exports.f at 5:9
        "#]],
    );
    check(
        "function total() {}\nmodule.exports = total;\n",
        "whole.cjs",
        expect![[r#"
            kind: commonjs
            export module.exports at 2:1 → function total at 1:10
        "#]],
    );
}

#[test]
fn dynamic_loads_own_exports_and_escapes() {
    check(
        r#"const lazy = import("./lazy.mjs");
const any = (url) => import(url);
const plugin = require("./plugins/" + process.argv[2]);
const pkg = require(process.env.PKG);
require("./polyfill");
const { a } = require("./a");
const b = require("./b").b;
module.exports = require("./whole");
exports.helper = () => exports.other();
exports.other = () => module.exports.helper;
console.log(Object.keys(exports));
"#,
        "lib.cjs",
        expect![[r#"
            kind: commonjs
            request "./lazy.mjs" Import at 1:21
            request "./polyfill" Require at 5:9
            request "./a" Require at 6:23
            request "./b" Require at 7:19
            request "./whole" Require at 8:26
            import a (const) ← "./a" a
            import b (const) ← "./b" b
            export module.exports at 8:1 → value at 8:1
            export helper at 9:9 → value at 9:9
            export other at 10:9 → value at 10:9
            member require(…).b at 7:26 of "./b"
            dynamic load of "./lazy.mjs" at 1:14
            dynamic load of a computed specifier at 2:22
            dynamic load of a computed specifier at 3:16
            whole require of "./whole"
            own exports.helper at 9:9
            own exports.other at 9:32
            own exports.other at 10:9
            own exports.helper at 10:38
            exports used whole at 11:25
        "#]],
    );
    check(
        "exports = module.exports = function app() {};\nexports.Router = 1;\n",
        "express.cjs",
        expect![[r#"
            kind: commonjs
            export module.exports at 1:11 → value at 1:37
            export Router at 2:9 → value at 2:9
            own exports.Router at 2:9
        "#]],
    );
}

/// The module record's walks visit only the statements and expressions that hold a mark (a
/// reference named `require`, `exports` or `module`, an `import(…)` call, a use of an import
/// binding): on every file of the corpus, and on the fixtures here, the record is the one walks
/// of every node give. typescript.js and the fetched packages (`tests/corpus/packages`, 4,900
/// files) take minutes in a debug build: `SCOPELENS_BIG_CORPUS=1` includes them.
#[test]
fn records_are_those_of_walks_over_every_node() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let big = std::env::var_os("SCOPELENS_BIG_CORPUS").is_some();
    let mut files = Vec::new();
    collect_sources(&dir, big, &mut files);
    let fixtures = [
        (
            "a.cjs",
            "const fs = require('fs'); fs.readFileSync; module.exports = { a: fs };",
        ),
        (
            "b.cjs",
            "exports.x = 1; function f(module) { module.exports = 2 } exports = {};",
        ),
        (
            "c.mjs",
            "import * as ns from './m.js'; export const y = () => ns.z + import('./n.js');",
        ),
        (
            "d.js",
            "var lib = require('./lib'); if (a) { lib.go(require('./x').y); }",
        ),
        (
            "e.ts",
            "declare module 'm' { export const v = import('./v'); }\n\
             declare global { var w: Promise<unknown>; const g = import('./g') }\n\
             import x = require('y'); @dec(require('./d')) export class A { p = import('./p') }",
        ),
    ];
    let mut checked = 0;
    for (name, text) in fixtures {
        check_record(name, text);
        checked += 1;
    }
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        check_record(&path.to_string_lossy(), &text);
        checked += 1;
    }
    assert!(checked >= fixtures.len());
}

fn check_record(name: &str, text: &str) {
    let input = crate::engine::Input::new(text, name);
    let (analysis, whole) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(crate::engine::ANALYSIS_STACK_SIZE)
            .spawn_scoped(scope, || {
                crate::engine::analyze_with_whole_walk_record(&input)
            })
            .unwrap()
            .join()
            .unwrap()
    });
    assert!(
        analysis.module == whole,
        "{name}: {:#?}\n≠ {whole:#?}",
        analysis.module
    );
}

/// The source files under `dir`; the 9 MB one and the packages only when `big`.
fn collect_sources(dir: &std::path::Path, big: bool, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if big && name != "node_modules" {
                collect_sources(&path, big, out);
            }
            continue;
        }
        let source = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]
            .iter()
            .any(|e| name.ends_with(e));
        if source && (big || name != "typescript.js") {
            out.push(path);
        }
    }
}
