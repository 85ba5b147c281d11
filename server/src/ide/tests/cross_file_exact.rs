//! Exactness of cross-file answers (renames that keep importers working, the export side,
//! CommonJS, runtime notes), on several files in one fixture: `//- name` starts each file, `$0` marks
//! the cursor. The files are written to a fresh folder that is the workspace; renames print each
//! changed file as it reads after the edits (or why the rename is refused), references print
//! `file:line:col` per place.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use expect_test::{Expect, expect};

use crate::ide;
use crate::ide::cross_file::{self, Project};
use crate::workspace::{NoOpenFiles, Workspace, normalize};

struct Files {
    root: PathBuf,
    cursor: (PathBuf, u32),
    workspace: Workspace,
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn files(fixture: &str) -> Files {
    static N: AtomicUsize = AtomicUsize::new(0);
    let root = std::env::temp_dir().join(format!(
        "scopelens-cross-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let root = normalize(&root.canonicalize().unwrap());
    let mut cursor = None;
    for part in fixture.split("//- ").filter(|p| !p.trim().is_empty()) {
        let (name, body) = part.split_once('\n').expect("a file name line");
        let path = root.join(name.trim());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if let Some(at) = body.find("$0") {
            cursor = Some((path.clone(), at as u32));
        }
        std::fs::write(&path, body.replacen("$0", "", 1)).unwrap();
    }
    Files {
        workspace: Workspace::new(vec![root.clone()]),
        root,
        cursor: cursor.expect("a $0 cursor"),
    }
}

impl Files {
    fn project(&self) -> Project<'_> {
        Project {
            workspace: &self.workspace,
            open: &NoOpenFiles,
        }
    }

    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// What the language server's rename does at the cursor: an import binding renames in its
/// file with an alias; an export (or a name asked of one) across files; anything else in
/// its file.
fn rename(fixture: &str, new: &str) -> String {
    let f = files(fixture);
    let (path, offset) = &f.cursor;
    let analysis = f.workspace.module(path, &NoOpenFiles).unwrap();
    let result = match cross_file::rename(&f.project(), path, &analysis, *offset, new) {
        Some(result) => result,
        None => ide::rename(&analysis, *offset, new).map(|e| vec![(path.clone(), analysis, e)]),
    };
    match result {
        Err(err) => format!("refused ({:?}): {}", err.kind, err.message),
        Ok(files) => {
            let mut out = String::new();
            for (path, _, edits) in files {
                let mut text = std::fs::read_to_string(&path).unwrap();
                for e in edits.iter().rev() {
                    text.replace_range(e.span.start as usize..e.span.end as usize, &e.new_text);
                }
                out.push_str(&format!("//- {}\n{text}", f.rel(&path)));
            }
            out
        }
    }
}

fn check_rename(fixture: &str, new: &str, expect: Expect) {
    expect.assert_eq(&rename(fixture, new));
}

/// The references of what is at the cursor across files, as the language server collects them.
fn references(fixture: &str) -> String {
    let f = files(fixture);
    let (path, offset) = &f.cursor;
    let analysis = f.workspace.module(path, &NoOpenFiles).unwrap();
    let Some(target) = cross_file::cross_target(&f.project(), path, &analysis, *offset) else {
        return "no cross-file target".into();
    };
    let mut places = Vec::new();
    let mut add = |p: &Path, a: &crate::engine::Analysis, spans: Vec<crate::engine::Span>| {
        for s in spans {
            let (line, col) = a.line_index.human(s.start);
            places.push(format!("{}:{line}:{col}", f.rel(p)));
        }
    };
    add(
        &target.path,
        &target.analysis,
        cross_file::declaring_references(&target, true),
    );
    for (p, a, uses) in &cross_file::importers(&f.project(), &target).files {
        add(p, a, cross_file::file_references(a, uses, true));
    }
    places.sort();
    places.dedup();
    places.join("\n")
}

/// Hover's cross-file line and go to definition, at the cursor.
fn link(fixture: &str) -> String {
    let f = files(fixture);
    let (path, offset) = &f.cursor;
    let analysis = f.workspace.module(path, &NoOpenFiles).unwrap();
    let display = |p: &Path| f.rel(p);
    let (span, link) = match f
        .workspace
        .export_site(path, &analysis, *offset, &NoOpenFiles)
    {
        Some((span, link, _)) => (span, link),
        None => {
            let binding = analysis.identifier_at(*offset).unwrap().binding().unwrap();
            let link = f
                .workspace
                .import_target(path, &analysis, binding, &NoOpenFiles);
            (analysis.identifier_at(*offset).unwrap().span(), link)
        }
    };
    let hover = ide::export_side_link(&analysis, span, &link, &display).unwrap_or_else(|| {
        let name =
            analysis.binding_name(analysis.identifier_at(*offset).unwrap().binding().unwrap());
        ide::import_link(name, &link, &display)
    });
    let definition = match &link {
        Ok(t) => {
            let (line, col) = t.analysis.line_index.human(t.span().start);
            format!("{}:{line}:{col}", f.rel(&t.path))
        }
        Err(_) => "none".into(),
    };
    format!("{hover}\ndefinition: {definition}")
}

// ---- Renames keep every importer working.

#[test]
fn renaming_a_default_export_keeps_the_alias_that_reexports_it() {
    // lodash-es: `export { default as dropWhile } from './dropWhile.js'`.
    check_rename(
        r#"
//- dropWhile.mjs
function $0dropWhile(array) { return array.slice(1); }
export default dropWhile;
//- lodash.mjs
export { default as dropWhile } from './dropWhile.mjs';
//- main.mjs
import { dropWhile } from './lodash.mjs';
import dw from './dropWhile.mjs';
console.log(dropWhile([1, 2]), dw([3]));
"#,
        "dropFirst",
        expect![[r#"
            //- dropWhile.mjs
            function dropFirst(array) { return array.slice(1); }
            export default dropFirst;
        "#]],
    );
}

#[test]
fn renaming_a_binding_exported_under_another_name_keeps_that_name() {
    check_rename(
        r#"
//- lib.mjs
const $0a = 1;
export { a as b };
//- main.mjs
import { b } from './lib.mjs';
import * as lib from './lib.mjs';
console.log(b, lib.b);
"#,
        "c",
        expect![[r#"
            //- lib.mjs
            const c = 1;
            export { c as b };
        "#]],
    );
}

#[test]
fn renaming_a_binding_under_another_commonjs_key_keeps_the_key() {
    // `module.exports = { dump: debug }`: importers' `debug.dump(…)` keep `dump`.
    check_rename(
        r#"
//- debug.cjs
function $0debug(x) { return String(x); }
module.exports = { dump: debug };
//- main.cjs
const debug = require('./debug.cjs');
console.log(debug.dump(1));
"#,
        "show",
        expect![[r#"
            //- debug.cjs
            function show(x) { return String(x); }
            module.exports = { dump: show };
        "#]],
    );
}

#[test]
fn renaming_an_export_renames_every_importer_and_reexport_by_name() {
    check_rename(
        r#"
//- lib.mjs
export function $0greet(name) { return 'hi ' + name; }
//- mid.mjs
export { greet } from './lib.mjs';
export { greet as salute } from './lib.mjs';
//- all.mjs
export * from './mid.mjs';
//- user.mjs
import { greet, salute } from './all.mjs';
import { greet as hello } from './lib.mjs';
import * as lib from './lib.mjs';
const { greet: g } = await import('./other.mjs').catch(() => ({ greet: null }));
console.log(greet('a'), salute('b'), hello('c'), lib.greet('d'), g);
"#,
        "welcome",
        expect![[r#"
            //- lib.mjs
            export function welcome(name) { return 'hi ' + name; }
            //- mid.mjs
            export { welcome } from './lib.mjs';
            export { welcome as salute } from './lib.mjs';
            //- user.mjs
            import { welcome, salute } from './all.mjs';
            import { welcome as hello } from './lib.mjs';
            import * as lib from './lib.mjs';
            const { greet: g } = await import('./other.mjs').catch(() => ({ greet: null }));
            console.log(welcome('a'), salute('b'), hello('c'), lib.welcome('d'), g);
        "#]],
    );
}

#[test]
fn a_dynamic_import_keeps_the_export_name() {
    // `export { twice }`: the binding is renamed, the name stays.
    check_rename(
        r#"
//- math.mjs
const $0twice = (x) => x * 2;
export { twice };
//- main.mjs
import('./math.mjs').then((ns) => console.log(ns.twice(2)));
"#,
        "double",
        expect![[r#"
            //- math.mjs
            const double = (x) => x * 2;
            export { double as twice };
        "#]],
    );
    // `export const answer`: the name is the declaration's own, so the rename is refused.
    check_rename(
        r#"
//- answer.mjs
export const $0answer = 42;
//- main.mjs
const url = './answer.mjs';
import(url).then((ns) => console.log(ns.answer));
"#,
        "reply",
        expect![
            "refused (Exported): `answer` is exported by its declaration, and its export name must stay: a dynamic `import()` at line 2 of `main.mjs` may read any module's export names, and scopelens cannot follow where."
        ],
    );
}

#[test]
fn an_escaping_namespace_keeps_the_export_name() {
    check_rename(
        r#"
//- lib.mjs
export function $0f() { return 1; }
//- main.mjs
import * as lib from './lib.mjs';
console.log(Object.keys(lib), lib.f());
"#,
        "g",
        expect![
            "refused (Exported): `f` is exported by its declaration, and its export name must stay: the module object `lib`, used other than by reading its properties by name at line 2 of `main.mjs` may read `lib.mjs`'s export names, and scopelens cannot follow where."
        ],
    );
    check_rename(
        r#"
//- lib.cjs
function $0f() { return 1; }
module.exports = { f };
//- main.cjs
const lib = require('./lib.cjs');
for (const key in lib) console.log(key);
"#,
        "g",
        expect![[r#"
            //- lib.cjs
            function g() { return 1; }
            module.exports = { f: g };
        "#]],
    );
}

#[test]
fn renaming_at_an_import_adds_an_alias_in_that_file_only() {
    check_rename(
        r#"
//- diff.mjs
export function diff(a, b) { return a - b; }
//- tree.mjs
import { diff } from './diff.mjs';
console.log($0diff(3, 1));
//- other.mjs
import { diff } from './diff.mjs';
console.log(diff(5, 1));
"#,
        "diffTree",
        expect![[r#"
            //- tree.mjs
            import { diff as diffTree } from './diff.mjs';
            console.log(diffTree(3, 1));
        "#]],
    );
    check_rename(
        r#"
//- diff.cjs
exports.diff = (a, b) => a - b;
//- tree.cjs
const { $0diff } = require('./diff.cjs');
console.log(diff(3, 1));
"#,
        "diffTree",
        expect![[r#"
            //- tree.cjs
            const { diff: diffTree } = require('./diff.cjs');
            console.log(diffTree(3, 1));
        "#]],
    );
}

#[test]
fn renaming_at_a_member_renames_the_declaration_everywhere() {
    check_rename(
        r#"
//- lib.mjs
export function greet() { return 'hi'; }
//- main.mjs
import * as lib from './lib.mjs';
import { greet } from './lib.mjs';
console.log(lib.$0greet(), greet());
"#,
        "welcome",
        expect![[r#"
            //- lib.mjs
            export function welcome() { return 'hi'; }
            //- main.mjs
            import * as lib from './lib.mjs';
            import { welcome } from './lib.mjs';
            console.log(lib.welcome(), welcome());
        "#]],
    );
}

#[test]
fn renaming_a_reexport_name_renames_its_importers_only() {
    check_rename(
        r#"
//- component.mjs
export class BaseComponent {}
//- index.mjs
export { BaseComponent as $0Component } from './component.mjs';
//- app.mjs
import { Component } from './index.mjs';
import { BaseComponent } from './component.mjs';
console.log(Component === BaseComponent);
"#,
        "Widget",
        expect![[r#"
            //- app.mjs
            import { Widget } from './index.mjs';
            import { BaseComponent } from './component.mjs';
            console.log(Widget === BaseComponent);
            //- index.mjs
            export { BaseComponent as Widget } from './component.mjs';
        "#]],
    );
}

#[test]
fn renaming_a_commonjs_export_property_renames_its_readers() {
    // express lib/utils.js: `exports.isAbsolute = function (path) {…}`.
    check_rename(
        r#"
//- utils.js
exports.$0isAbsolute = function (path) { return path[0] === '/'; };
exports.check = (p) => exports.isAbsolute(p);
//- app.js
var utils = require('./utils');
var { isAbsolute } = require('./utils');
console.log(utils.isAbsolute('/a'), isAbsolute('b'), utils.check('/c'));
"#,
        "isRooted",
        expect![[r#"
            //- app.js
            var utils = require('./utils');
            var { isRooted } = require('./utils');
            console.log(utils.isRooted('/a'), isRooted('b'), utils.check('/c'));
            //- utils.js
            exports.isRooted = function (path) { return path[0] === '/'; };
            exports.check = (p) => exports.isRooted(p);
        "#]],
    );
}

// ---- CommonJS from the export side.

#[test]
fn references_of_a_commonjs_export_property_find_the_importers() {
    expect![[r#"
        app.js:2:7
        app.js:3:19
        app.js:3:37
        utils.js:1:9
        utils.js:2:32"#]]
    .assert_eq(&references(
        r#"
//- utils.js
exports.$0isAbsolute = function (path) { return path[0] === '/'; };
exports.check = (p) => exports.isAbsolute(p);
//- app.js
var utils = require('./utils');
var { isAbsolute } = require('./utils');
console.log(utils.isAbsolute('/a'), isAbsolute('b'));
"#,
    ));
}

#[test]
fn references_of_a_binding_assigned_to_module_exports_find_the_requires() {
    expect![[r#"
        app.js:1:5
        app.js:2:13
        router.js:1:10
        router.js:2:18"#]]
    .assert_eq(&references(
        r#"
//- router.js
function $0Router(options) { return { options }; }
module.exports = Router;
//- app.js
var R = require('./router');
console.log(R({}));
"#,
    ));
}

#[test]
fn hover_and_definition_from_the_export_side() {
    expect![[r#"
        `isAbsolute` — CommonJS export of this module (a property of `module.exports`) → a function in **`utils.js`**, line 1
        definition: utils.js:1:9"#]]
    .assert_eq(&link(
        r#"
//- utils.js
exports.$0isAbsolute = function (path) { return path[0] === '/'; };
"#,
    ));
    expect![[r#"
        `Component` — re-exported by this module from `./component.mjs` → `class` binding `BaseComponent` in the **module environment of `component.mjs`**, line 1
        - exported as `BaseComponent`
        definition: component.mjs:1:14"#]]
    .assert_eq(&link(
        r#"
//- component.mjs
export class BaseComponent {}
//- index.mjs
export { BaseComponent as Compo$0nent } from './component.mjs';
"#,
    ));
    expect![[r#"
        `BaseComponent` — the name this module re-exports from `./component.mjs` as `Component` → `class` binding in the **module environment of `component.mjs`**, line 1
        definition: component.mjs:1:14"#]]
    .assert_eq(&link(
        r#"
//- component.mjs
export class BaseComponent {}
//- index.mjs
export { Base$0Component as Component } from './component.mjs';
"#,
    ));
}

#[test]
fn definition_of_a_required_module_lands_on_what_module_exports_holds() {
    expect![[r#"
        `Router` — the whole module `router/index.js`
        definition: router/index.js:2:13"#]]
    .assert_eq(&link(
        r#"
//- router/index.js
/*! licence */
var proto = module.exports = function (options) { return options; };
//- app.js
var $0Router = require('./router');
"#,
    ));
}

// ---- Resolution follows the importing file's mode.

#[test]
fn an_extensionless_import_in_an_es_module_is_linked_and_marked() {
    expect![[r#"
        `position` — imported binding → `function` binding in the **module environment of `accessors/Position.js`**, line 1
        - ⚠ Node would not load `./accessors/Position` from this ES module: its loader adds no file extension (write `./accessors/Position.js`); linked as TypeScript and bundlers resolve it
        definition: accessors/Position.js:1:17"#]].assert_eq(&link(
        r#"
//- package.json
{ "type": "module" }
//- accessors/Position.js
export function position() { return 1; }
//- main.js
import { $0position } from './accessors/Position';
"#,
    ));
    // CommonJS and TypeScript resolve it as written.
    expect![[r#"
        `position` — imported binding → `function` binding in the **module environment of `accessors/Position.ts`**, line 1
        definition: accessors/Position.ts:1:17"#]].assert_eq(&link(
        r#"
//- accessors/Position.ts
export function position() { return 1; }
//- main.ts
import { $0position } from './accessors/Position';
"#,
    ));
    expect![[r#"
        `position` — imported binding → a function in **`accessors/index.js`**, line 1
        definition: accessors/index.js:1:9"#]]
    .assert_eq(&link(
        r#"
//- accessors/index.js
exports.position = () => 1;
//- main.js
const { $0position } = require('./accessors');
"#,
    ));
}

// ---- `export * as ns`: followed where its readers are, kept where they are not.

#[test]
fn a_namespace_reexport_read_by_name_is_renamed_through() {
    check_rename(
        r#"
//- lib.mjs
export function $0greet(name) { return 'hi ' + name; }
//- index.mjs
export * as words from './lib.mjs';
//- user.mjs
import { words } from './index.mjs';
console.log(words.greet('a'));
"#,
        "welcome",
        expect![[r#"
            //- lib.mjs
            export function welcome(name) { return 'hi ' + name; }
            //- user.mjs
            import { words } from './index.mjs';
            console.log(words.welcome('a'));
        "#]],
    );
}

#[test]
fn a_namespace_reexport_read_where_it_cannot_be_followed_keeps_the_name() {
    check_rename(
        r#"
//- lib.mjs
const $0greet = (name) => 'hi ' + name;
export { greet };
//- index.mjs
export * as words from './lib.mjs';
//- user.mjs
import * as all from './index.mjs';
const pick = (ns) => ns.greet;
console.log(all.words.greet('a'), pick(all.words)('b'));
"#,
        "welcome",
        expect![[r#"
            //- lib.mjs
            const welcome = (name) => 'hi ' + name;
            export { welcome as greet };
        "#]],
    );
}

#[test]
fn a_dynamic_import_of_a_module_exposing_a_namespace_keeps_the_name() {
    check_rename(
        r#"
//- lib.mjs
export function $0greet(name) { return 'hi ' + name; }
//- index.mjs
export * as words from './lib.mjs';
//- user.mjs
const { words } = await import('./index.mjs');
console.log(words.greet('a'));
"#,
        "welcome",
        expect![
            "refused (Exported): `greet` is exported by its declaration, and its export name must stay: a dynamic `import()` at line 1 of `user.mjs` may read `index.mjs`'s export names, and scopelens cannot follow where."
        ],
    );
}
