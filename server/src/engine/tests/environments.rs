use expect_test::expect;

use super::{analyze_as, dump};

#[test]
fn ninja_report() {
    let a = analyze_as(
        r#"var ninja = "Muneyoshi";
function skulk() {
  var action = "Skulking";
  function report() {
    var intro = "Aaaaa";
    console.log(intro, action, ninja);
  }
  report();
}
skulk();
"#,
        "ninja.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var ninja
          · function skulk
          function skulk
            · var action captured by report
            · function report
            function report (captures action)
              · var intro
        console 6:5 → unresolved, hops 2
        intro 6:17 → function report, hops 0
        action 6:24 → function skulk, hops 1, captured
        ninja 6:32 → global globalThis, hops 2
        report 8:3 → function skulk, hops 0
        skulk 10:1 → global globalThis, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn closure_outlives_its_function() {
    let a = analyze_as(
        r#"var outerValue = "samurai";
var later;
function outerFunction() {
  var innerValue = "ninja";
  function innerFunction() { console.log(outerValue, innerValue); }
  later = innerFunction;
}
outerFunction();
later();
"#,
        "closure.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var outerValue
          · var later mutated
          · function outerFunction
          function outerFunction
            · var innerValue captured by innerFunction
            · function innerFunction
            function innerFunction (captures innerValue)
        console 5:30 → unresolved, hops 2
        outerValue 5:42 → global globalThis, hops 2
        innerValue 5:54 → function outerFunction, hops 1, captured
        later 6:3 → global globalThis, hops 1, write
        innerFunction 6:11 → function outerFunction, hops 0
        outerFunction 8:1 → global globalThis, hops 0
        later 9:1 → global globalThis, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn loops_let_per_iteration_var_shared() {
    let a = analyze_as(
        r#"for (let i = 0; i < 3; i++) setTimeout(() => console.log(i));
for (var j = 0; j < 3; j++) setTimeout(() => console.log(j));
for (const k of [1]) { const f = () => k; }
for (var key in {}) {}
"#,
        "loops.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var j mutated shared-across-iterations
          · var key shared-across-iterations
          block <for loop at 1:1> (per-iteration)
            · let i captured by <arrow passed to setTimeout at 1:40>
            function <arrow passed to setTimeout at 1:40> (captures i)
          function <arrow passed to setTimeout at 2:40>
          block <for-of loop at 3:1> (per-iteration)
            · const k captured by f
            block <loop body at 3:22>
              · const f
              function f (captures k)
        i 1:17 → block <for loop at 1:1>, hops 0
        i 1:24 → block <for loop at 1:1>, hops 0, read-write
        setTimeout 1:29 → unresolved, hops 1
        console 1:46 → unresolved, hops 2
        i 1:58 → block <for loop at 1:1>, hops 1, captured
        j 2:17 → global globalThis, hops 0
        j 2:24 → global globalThis, hops 0, read-write
        setTimeout 2:29 → unresolved, hops 0
        console 2:46 → unresolved, hops 1
        j 2:58 → global globalThis, hops 1
        k 3:40 → block <for-of loop at 3:1>, hops 2, captured
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn script_and_global_split() {
    let a = analyze_as(
        "var v = 1; let l = 2; const c = 3; class K {} function f() { return v + l + c; }\n",
        "script.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var v
          · function f
          script script
            · let l
            · const c
            · class K
            class K (strict)
              · class name K
            function f
        v 1:69 → global globalThis, hops 2
        l 1:73 → script script, hops 1
        c 1:77 → script script, hops 1
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn module_top_level() {
    let a = analyze_as(
        "import def, { named as local } from 'x';\nexport const c = () => local;\nexport function f() { return def; }\nexport { c as renamed };\n",
        "mod.mjs",
    );
    expect![[r#"
        kind: module
        global globalThis
          module module (strict)
            · import def captured by f
            · import local captured by c
            · const c
            · function f
            function c (strict; captures local)
            function f (strict; captures def)
        local 2:24 → module module, hops 1, captured
        def 3:30 → module module, hops 1, captured
        c 4:10 → module module, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn commonjs_wrapper() {
    let a = analyze_as(
        "const fs = require('fs');\nvar x = 1;\nmodule.exports = function read() { return fs.readFileSync(__filename, x); };\n",
        "lib.cjs",
    );
    expect![[r#"
        kind: commonjs
        global globalThis
          function CommonJS module
            · module wrapper parameter exports
            · module wrapper parameter require
            · module wrapper parameter module
            · module wrapper parameter __filename captured by read
            · module wrapper parameter __dirname
            · const fs captured by read
            · var x captured by read
            function-name read
              · function name read
              function read (captures fs, __filename, x)
        require 1:12 → function CommonJS module, hops 0
        module 3:1 → function CommonJS module, hops 0
        fs 3:43 → function CommonJS module, hops 2, captured
        __filename 3:59 → function CommonJS module, hops 2, captured
        x 3:71 → function CommonJS module, hops 2, captured
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn commonjs_detected_in_js() {
    let a = analyze_as(
        "const path = require('path');\nexports.join = path.join;\n",
        "index.js",
    );
    expect![[r#"
        kind: commonjs
        global globalThis
          function CommonJS module
            · module wrapper parameter exports
            · module wrapper parameter require
            · module wrapper parameter module
            · module wrapper parameter __filename
            · module wrapper parameter __dirname
            · const path
        require 1:14 → function CommonJS module, hops 0
        exports 2:1 → function CommonJS module, hops 0
        path 2:16 → function CommonJS module, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn blocks_switch_catch() {
    let a = analyze_as(
        r#"function f(x) {
  { let inBlock = 1; { inBlock; } }
  { x; }
  switch (x) { case 1: let s = 2; break; default: s; }
  try { throw 1; } catch (e) { let inner = e; }
  try {} catch ({ message }) { message; }
  try {} catch { x; }
}
"#,
        "blocks.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function f
          function f
            · parameter x
            block <block at 2:3>
              · let inBlock
            block <switch at 4:3>
              · let s
            catch <catch at 5:20>
              · catch parameter e
              block <block at 5:30>
                · let inner
            catch <catch at 6:10>
              · catch parameter message
        inBlock 2:24 → block <block at 2:3>, hops 0
        x 3:5 → function f, hops 0
        x 4:11 → function f, hops 0
        s 4:51 → block <switch at 4:3>, hops 0
        e 5:44 → catch <catch at 5:20>, hops 1
        message 6:32 → catch <catch at 6:10>, hops 0
        x 7:18 → function f, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn classes() {
    let a = analyze_as(
        r#"class Counter extends Base {
  #count = 0;
  static instances = Counter.make();
  static { this.ready = helper(Counter); }
  increment() { this.#count++; return #count in this; }
  get value() { return this.#count; }
}
const Anon = class { m() { return Anon; } };
const Named = class Inner { m() { return Inner; } };
"#,
        "classes.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          script script
            · class Counter
            · const Anon
            · const Named
            class Counter (strict)
              · class name Counter captured by Counter.instances, <class Counter static block>
              · private name #count
              function Counter.#count (strict)
              function Counter.instances (strict; captures Counter)
              function <class Counter static block> (strict; captures Counter)
              function Counter.increment (strict)
              function Counter.get value (strict)
            function Anon.m (strict)
            class Inner (strict)
              · class name Inner captured by Inner.m
              function Inner.m (strict; captures Inner)
        Base 1:23 → unresolved, hops 2
        Counter 3:22 → class Counter, hops 1, captured
        helper 4:25 → unresolved, hops 3
        Counter 4:32 → class Counter, hops 1, captured
        #count 5:22 → class Counter, hops 1
        #count 5:39 → class Counter, hops 1
        #count 6:29 → class Counter, hops 1
        Anon 8:35 → script script, hops 1
        Inner 9:42 → class Inner, hops 1, captured
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn arguments_and_arrows() {
    let a = analyze_as(
        r#"function f() { return () => arguments[0]; }
function g(arguments) { return arguments; }
const h = () => arguments;
"#,
        "args.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function f
          · function g
          script script
            · const h
            function f
              · arguments arguments captured by <arrow at 1:23>
              function <arrow at 1:23> (captures arguments)
            function g
              · parameter arguments
            function h
        arguments 1:29 → function f, hops 1, captured
        arguments 2:32 → function g, hops 0
        arguments 3:17 → unresolved, hops 2
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn generators_async_getters() {
    let a = analyze_as(
        r#"let total = 0;
function* gen(n) { for (let i = 0; i < n; i++) yield () => i + total; }
async function load(url) { const r = await fetch(url); return async () => r; }
const o = { get x() { return total; }, set x(v) { total = v; }, m() { return gen; } };
"#,
        "gen.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function gen
          · function load
          script script
            · let total mutated
            · const o
            function gen
              · parameter n
              block <for loop at 2:20> (per-iteration)
                · let i captured by <arrow at 2:54>
                function <arrow at 2:54> (captures i)
            function load
              · parameter url
              · const r captured by <arrow at 3:63>
              function <arrow at 3:63> (captures r)
            function get x
            function set x
              · parameter v
            function m
        i 2:36 → block <for loop at 2:20>, hops 0
        n 2:40 → function gen, hops 1
        i 2:43 → block <for loop at 2:20>, hops 0, read-write
        i 2:60 → block <for loop at 2:20>, hops 1, captured
        total 2:64 → script script, hops 3
        fetch 3:44 → unresolved, hops 2
        url 3:50 → function load, hops 0
        r 3:75 → function load, hops 1, captured
        total 4:30 → script script, hops 1
        total 4:51 → script script, hops 1, write
        v 4:59 → function set x, hops 0
        gen 4:78 → global globalThis, hops 2
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn assignments_mark_mutation() {
    let a = analyze_as(
        r#"function counter() {
  let count = 0, step = 1, [a, b] = [1, 2], obj = {};
  return () => { count += step; [a, b] = [b, a]; ({ x: obj.x } = {}); };
}
undeclared = 5;
"#,
        "mutation.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function counter
          · implicit global undeclared mutated
          function counter
            · let count captured by <arrow at 3:10> mutated
            · let step captured by <arrow at 3:10>
            · let a captured by <arrow at 3:10> mutated
            · let b captured by <arrow at 3:10> mutated
            · let obj captured by <arrow at 3:10>
            function <arrow at 3:10> (captures count, step, a, b, obj)
        count 3:18 → function counter, hops 1, read-write, captured
        step 3:27 → function counter, hops 1, captured
        a 3:34 → function counter, hops 1, write, captured
        b 3:37 → function counter, hops 1, write, captured
        b 3:43 → function counter, hops 1, captured
        a 3:46 → function counter, hops 1, captured
        obj 3:56 → function counter, hops 1, captured
        undeclared 5:1 → global globalThis, hops 0, write
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn labels_are_not_bindings() {
    let a = analyze_as(
        "outer: for (;;) { inner: while (true) { break outer; } }\n",
        "labels.js",
    );
    expect![[r#"
        kind: script
        global globalThis
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn typescript_types_are_not_references() {
    let a = analyze_as(
        r#"import type { T } from './t';
import { value, type U } from './v';
interface Shape { size: T }
type Alias = U | Shape;
enum Color { Red, Green }
namespace NS { export const inside = value; }
function area(s: Shape, c: Color = Color.Red): number { return (s as any).size satisfies number; }
let x: typeof value = value!;
"#,
        "types.ts",
    );
    expect![[r#"
        kind: module
        global globalThis
          module module (strict)
            · import value captured by namespace NS
            · enum Color captured by area
            · namespace NS
            · function area
            · let x
            function namespace NS (strict; captures value)
              · const inside
            function area (strict; captures Color)
              · parameter s
              · parameter c
              function-body area (strict)
        value 6:38 → module module, hops 1, captured
        Color 7:36 → module module, hops 1, captured
        s 7:65 → function area, hops 1
        value 8:23 → module module, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn jsx_components_are_references() {
    let a = analyze_as(
        "import Button from './b';\nexport function App({ label }) { return <div><Button label={label} /><ui.Box /></div>; }\n",
        "app.tsx",
    );
    expect![[r#"
        kind: module
        global globalThis
          module module (strict)
            · import Button captured by App
            · function App
            function App (strict; captures Button)
              · parameter label
        Button 2:47 → module module, hops 1, captured
        label 2:61 → function App, hops 0
        ui 2:71 → unresolved, hops 2
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn typeof_operands_are_marked() {
    let a = analyze_as("typeof nope;\ntypeof (maybe);\nnope2;\n", "typeof.js");
    let flags: Vec<(&str, bool)> = a
        .references
        .iter()
        .map(|r| (a.name(r.name), r.typeof_operand))
        .collect();
    assert_eq!(flags, [("nope", true), ("maybe", true), ("nope2", false)]);
}

#[test]
fn env_at_end_of_file_is_the_top_level() {
    let text = "var a = 1;\nlet b = 2;\n";
    let a = analyze_as(text, "eof.js");
    let env = a.env_at(text.len() as u32);
    assert_eq!(a.env(env).kind.as_str(), "script");
    let m = analyze_as("export const x = 1;\n", "eof.mjs");
    assert_eq!(m.env(m.env_at(20)).kind.as_str(), "module");
}

/// Anonymous functions and classes get the names V8 gives them (NamedEvaluation): class fields,
/// accessors (`get g`), literal and well-known-symbol computed keys, parameter and destructuring
/// defaults, logical assignments. Checked against node: `a.field.name` is `field`, the getter's
/// is `get g`, `o[Symbol.iterator].name` is `[Symbol.iterator]`, and so on.
#[test]
fn anonymous_functions_are_named_as_v8_names_them() {
    let a = analyze_as(
        "class A { field = () => 1; #priv = function () {}; }\n\
         const o = { get g() { return 1; }, set g(v) {}, ['lit']: () => 2, [Symbol.iterator]: function* () {}, [`t`]: () => 3, [k]: () => 4 };\n\
         function f(cb = () => {}) { return cb; }\n\
         const { d = () => {} } = {};\n\
         let x; x ||= () => {}; let y = null; y ??= function () {}; let n = 0; n += (() => 1)();\n\
         let z; ({ z = () => {} } = {});\n\
         let w; [w = () => {}] = [];\n",
        "names.js",
    );
    let names: Vec<String> = a
        .env_ids()
        .filter(|&id| a.env(id).is_closure())
        .map(|id| crate::ide::owner(&a, id).to_string())
        .collect();
    expect![[r#"
        A.field
        field
        A.#priv
        #priv
        get g
        set g
        lit
        [Symbol.iterator]
        t
        [k]
        f
        cb
        d
        x
        y
        <immediately invoked arrow at 5:77>
        z
        w"#]]
    .assert_eq(&names.join("\n"));
}

#[test]
fn functions_the_spec_leaves_unnamed_get_v8s_inferred_names() {
    let a = analyze_as(
        "config.format = function () {};\n\
         h['x-id'] = function () {};\n\
         Widget.prototype.destroy = Widget.prototype.destroy || function () {};\n\
         var f = cond ? null : function () {};\n\
         o.x ||= () => {};\n\
         var q = { k: c ? null : function () {} };\n\
         function Widget() { this.init = function () {}; }\n\
         [1].forEach(function () {});\n\
         var m = [1].map(function () {}).length;\n\
         h[k] = function () {};\n",
        "names.js",
    );
    let names: Vec<String> = a
        .env_ids()
        .filter(|&id| a.env(id).is_closure())
        .map(|id| crate::ide::owner(&a, id).to_string())
        .collect();
    expect![[r#"
        config.format
        h.x-id
        Widget.destroy
        f
        o.x
        q.k
        Widget
        Widget.init
        <function passed to forEach at 8:13>
        <function passed to map at 9:17>
        h.<computed>"#]]
    .assert_eq(&names.join("\n"));
}
