//! Hovers: the issue's examples, unresolved names, dynamic resolution, loops, shadowing.

use expect_test::{Expect, expect};

use super::fixture;
use crate::ide::hover;

fn check(src: &str, expected: Expect) {
    let f = fixture(src);
    let actual = match hover(&f.analysis, f.cursor()) {
        Some(h) => {
            assert!(
                h.range.touches(f.cursor()),
                "hover range must cover the cursor"
            );
            format!("hover on `{}`\n\n{}\n", f.slice(h.range), h.markdown)
        }
        None => "no hover\n".to_string(),
    };
    expected.assert_eq(&actual);
}

const NINJA: &str = r#"var ninja = "Muneyoshi";
function skulk() {
  var action = "Skulking";
  function report() {
    var intro = "Aaaaa";
    console.log(intro, action, ninja);
  }
  report();
}
skulk();
"#;

fn ninja_at(needle: &str, nth: usize) -> String {
    let at = NINJA
        .match_indices(needle)
        .nth(nth)
        .expect("needle in NINJA")
        .0;
    format!("{}$0{}", &NINJA[..at], &NINJA[at..])
}

#[test]
fn ninja_action_inside_report() {
    check(
        &ninja_at("action, ninja", 0),
        expect![[r#"
            hover on `action`

            `action` — `var` binding in the **function environment of `skulk`**

            - found **1 environment out**: `report` → `skulk`
            - declared at line 3
            - **captured** by closure `report`, which keeps this environment alive
        "#]],
    );
}

#[test]
fn ninja_global_var_two_out() {
    check(
        &ninja_at("ninja);", 0),
        expect![[r#"
        hover on `ninja`

        `ninja` — `var` binding in the **global environment**

        - found **2 environments out**: `report` → `skulk` → global
        - declared at line 1
        - a top-level `var` or function of a classic script is a **property of the global object**
    "#]],
    );
}

#[test]
fn ninja_intro_is_local() {
    check(
        &ninja_at("intro,", 0),
        expect![[r#"
        hover on `intro`

        `intro` — `var` binding in the **function environment of `report`**

        - **local** to `report`
        - declared at line 5
    "#]],
    );
}

#[test]
fn ninja_console_is_a_known_host_global() {
    check(
        &ninja_at("console", 0),
        expect![[r#"
        hover on `console`

        `console` — not declared in any environment of this file

        - looked up on the **global object** (a known host global)
    "#]],
    );
}

#[test]
fn ninja_declaration_of_action() {
    check(
        &ninja_at("action =", 0),
        expect![[r#"
            hover on `action`

            `action` — `var` binding in the **function environment of `skulk`**

            - **captured** by closure `report`, which keeps this environment alive
        "#]],
    );
}

#[test]
fn closure_keeps_outer_function_environment_alive() {
    check(
        r#"var outerValue = "samurai";
var later;
function outerFunction() {
  var innerValue = "ninja";
  function innerFunction() { console.log(outerValue, $0innerValue); }
  later = innerFunction;
}
outerFunction();
later();
"#,
        expect![[r#"
            hover on `innerValue`

            `innerValue` — `var` binding in the **function environment of `outerFunction`**

            - found **1 environment out**: `innerFunction` → `outerFunction`
            - declared at line 4
            - **captured** by closure `innerFunction`, which keeps this environment alive
        "#]],
    );
}

#[test]
fn unknown_name_read_throws() {
    check(
        "function f() { return $0nope; }",
        expect![[r#"
        hover on `nope`

        `nope` — not declared in any environment of this file

        - would throw a **ReferenceError** when read
        - creates an implicit global when assigned in sloppy code
    "#]],
    );
}

#[test]
fn unknown_name_assigned_in_sloppy_code() {
    check(
        "function f() { $0nope = 1; }",
        expect![[r#"
            hover on `nope`

            `nope` — `implicit global` binding in the **global environment**

            - found **1 environment out**: `f` → global
            - created by the assignment at line 1
            - an implicit global: a property of the global object that exists only once a sloppy-mode assignment has run; reading it earlier throws a ReferenceError
        "#]],
    );
}

#[test]
fn unknown_name_assigned_in_strict_code() {
    check(
        "'use strict';\nfunction f() { $0nope = 1; }",
        expect![[r#"
        hover on `nope`

        `nope` — not declared in any environment of this file

        - assigning it throws a **ReferenceError** (strict mode code)
    "#]],
    );
}

#[test]
fn for_let_has_a_binding_per_iteration() {
    check(
        "for (let i = 0; i < 3; i++) setTimeout(() => console.log($0i));",
        expect![[r#"
            hover on `i`

            `i` — `let` binding in the **block environment of `<for loop at 1:1>`**

            - found **1 environment out**: `<arrow passed to setTimeout at 1:40>` → `<for loop at 1:1>`
            - declared at line 1
            - **captured** by closure `<arrow passed to setTimeout at 1:40>`, which keeps this environment alive
            - each loop iteration has **its own copy** of `i`: closures from different iterations see different values
        "#]],
    );
}

#[test]
fn for_var_is_one_binding_shared_by_the_closures() {
    check(
        "function f() {\n  for (var j = 0; j < 3; j++) setTimeout(() => console.log($0j));\n}",
        expect![[r#"
            hover on `j`

            `j` — `var` binding in the **function environment of `f`**

            - found **1 environment out**: `<arrow passed to setTimeout at 2:42>` → `f`
            - declared at line 2
            - **captured** by closure `<arrow passed to setTimeout at 2:42>`, which keeps this environment alive
            - **mutable capture**: assigned after its declaration, so closures see the change
            - **one binding shared** by every iteration: closures created in the loop all see the last value of `j`
        "#]],
    );
}

#[test]
fn mutable_capture() {
    check(
        "function counter() {\n  let count = 0;\n  return () => $0count++;\n}",
        expect![[r#"
            hover on `count`

            `count` — `let` binding in the **function environment of `counter`**

            - found **1 environment out**: `<arrow at 3:10>` → `counter`
            - declared at line 2
            - **captured** by closure `<arrow at 3:10>`, which keeps this environment alive
            - **mutable capture**: assigned after its declaration, so closures see the change
        "#]],
    );
}

#[test]
fn declaration_that_shadows() {
    check(
        "let x = 1;\nfunction f() {\n  let $0x = 2;\n  return x;\n}",
        expect![[r#"
            hover on `x`

            `x` — `let` binding in the **function environment of `f`**

            - **shadows** `x` (`let` in the **script environment**, line 1)
        "#]],
    );
}

#[test]
fn not_on_an_identifier() {
    check(
        "let x = 1;$0\n",
        expect![[r#"
        no hover
    "#]],
    );
}

#[test]
fn hover_near_a_syntax_error_mentions_it() {
    check(
        "function a() {\n  let ok = 1;\n  return $0ok;\n}\nfunction b() {\n  let = = ;\n}\n",
        expect![[r#"
            hover on `ok`

            `ok` — `let` binding in the **function environment of `a`**

            - **local** to `a`
            - declared at line 2

            _line 6 did not parse and was left out: answers nearby may be incomplete._
        "#]],
    );
}

#[test]
fn reference_inside_with_is_dynamic() {
    check(
        "var obj = {};\nvar x = 1;\nwith (obj) {\n  console.log($0x);\n}",
        expect![[r#"
            hover on `x`

            `x` — `var` binding in the **global environment**

            - found **1 environment out**: `<with at 3:1>` → global
            - resolution is **dynamic**: inside the `with` at line 3, the object's properties are searched first
            - **candidates** at run time, innermost first: the `with` object (line 3) → the global environment
            - declared at line 2
            - a top-level `var` or function of a classic script is a **property of the global object**
        "#]],
    );
}

#[test]
fn reference_around_direct_eval_is_dynamic() {
    check(
        "var x = 1;\nfunction f(code) {\n  eval(code);\n  return $0x;\n}",
        expect![[r#"
            hover on `x`

            `x` — `var` binding in the **global environment**

            - found **1 environment out**: `f` → global
            - resolution is **dynamic**: a sloppy direct `eval` in `f` may add a shadowing `var`
            - **candidates** at run time, innermost first: the function environment of `f` → the global environment
            - declared at line 1
            - a top-level `var` or function of a classic script is a **property of the global object**
        "#]],
    );
}

#[test]
fn strict_direct_eval_cannot_add_vars() {
    check(
        "'use strict';\nvar x = 1;\nfunction f(code) {\n  eval(code);\n  return $0x;\n}",
        expect![[r#"
            hover on `x`

            `x` — `var` binding in the **global environment**

            - found **1 environment out**: `f` → global
            - declared at line 2
            - a top-level `var` or function of a classic script is a **property of the global object**
        "#]],
    );
}

#[test]
fn commonjs_wrapper_parameter() {
    check(
        "//- main.cjs\nconst fs = $0require('fs');",
        expect![[r#"
            hover on `require`

            `require` — `module wrapper parameter` binding in the **CommonJS module environment**

            - **local**: declared at the top level, where it is used
            - a parameter of Node's CommonJS module wrapper `(exports, require, module, __filename, __dirname)`
        "#]],
    );
}

#[test]
fn class_name_inside_its_body() {
    check(
        "class Foo {\n  m() { return $0Foo; }\n}",
        expect![[r#"
        hover on `Foo`

        `Foo` — `class name` binding in the **class environment of `Foo`**

        - found **1 environment out**: `Foo.m` → `Foo` (class)
        - declared at line 1
        - the class's own name inside its body: a `const`-like binding separate from any outer one
        - **captured** by closure `Foo.m`, which keeps this environment alive
    "#]],
    );
}

#[test]
fn parameter_default_does_not_see_body_var() {
    check(
        "function f(a = () => b) {\n  var $0b = 1;\n}",
        expect![[r#"
            hover on `b`

            `b` — `var` binding in the **function-body environment of `f`**

            - the function has parameter expressions (defaults, destructuring), so its `var`s live in a separate environment the parameters cannot see
        "#]],
    );
}

#[test]
fn annex_b_function() {
    check(
        "{\n  function g() {}\n}\n$0g();",
        expect![[r#"
            hover on `g`

            `g` — `function (Annex B var)` binding in the **global environment**

            - **local**: declared at the top level, where it is used
            - declared at line 2
            - Annex B: a function declared in a block of sloppy code also gets this `var`-like binding, a **property of the global object**
        "#]],
    );
}

#[test]
fn module_code_is_strict_so_assigning_an_undeclared_name_throws() {
    check(
        "//- m.mjs\n$0nope = 1;",
        expect![[r#"
        hover on `nope`

        `nope` — not declared in any environment of this file

        - assigning it throws a **ReferenceError** (strict mode code)
    "#]],
    );
}

#[test]
fn for_of_const_is_a_fresh_binding_per_iteration() {
    check(
        "for (const x of [1, 2]) setTimeout(() => $0x);",
        expect![[r#"
            hover on `x`

            `x` — `const` binding in the **block environment of `<for-of loop at 1:1>`**

            - found **1 environment out**: `<arrow passed to setTimeout at 1:36>` → `<for-of loop at 1:1>`
            - declared at line 1
            - **captured** by closure `<arrow passed to setTimeout at 1:36>`, which keeps this environment alive
            - each loop iteration has **its own copy** of `x`: closures from different iterations see different values
        "#]],
    );
}

#[test]
fn a_long_chain_is_shortened_in_the_middle() {
    check(
        "let far = 1;\nfunction a() { function b() { function c() { function d() { function e() {\n  { let x; { let y; return $0far; } }\n} } } } }",
        expect![[r#"
            hover on `far`

            `far` — `let` binding in the **script environment**

            - found **7 environments out**: `<block at 3:12>` → `<block at 3:3>` → `e` → … → `b` → `a` → script
            - declared at line 1
            - top-level `let`/`const`/`class` of a classic script: shared by all scripts, but not a property of the global object
        "#]],
    );
}

#[test]
fn function_declaration_lists_what_it_captures() {
    check(
        "function skulk() {\n  var action = 1;\n  let n = 0;\n  function $0report() { n++; return action; }\n}",
        expect![[r#"
            hover on `report`

            `report` — `function` binding in the **function environment of `skulk`**

            - a closure: **captures** `mut n`, `action`
            - **keeps alive** `action`, `n`: state made per call, shared by every closure created in that call
        "#]],
    );
}

#[test]
fn typeof_of_an_undeclared_name_does_not_throw() {
    check(
        "if (typeof $0process !== 'undefined') {}\ntypeof nope;",
        expect![[r#"
            hover on `process`

            `process` — not declared in any environment of this file

            - looked up on the **global object** (a known host global)
        "#]],
    );
}

#[test]
fn typeof_of_an_unknown_name_does_not_throw() {
    check(
        "typeof $0nope;",
        expect![[r#"
        hover on `nope`

        `nope` — not declared in any environment of this file

        - `typeof` of an undeclared name is `"undefined"`: no ReferenceError here
        - creates an implicit global when assigned in sloppy code
    "#]],
    );
}

#[test]
fn a_binding_looked_up_through_with_is_kept_alive_by_name() {
    check(
        "function f(o) {\n  var $0inner = 1;\n  with (o) { inner; }\n}\n",
        expect![[r#"
            hover on `inner`

            `inner` — `var` binding in the **function environment of `f`**

            - kept alive by `<with at 3:3>`: looked up by name at run time
        "#]],
    );
}

/// The Meteor leak: `logIt` never uses `original`, but shares `replaceThing`'s context with
/// `unused`, which does; so it keeps `original` alive.
#[test]
fn retention_meteor_leak_on_function_keyword() {
    check(
        r#"var theThing = null;
function replaceThing() {
  var original = theThing;
  var big = new Array(1e6).join("*");
  function unused() { if (original) return 1; }
  theThing = { logIt: $0function () { console.log(big); } };
}
"#,
        expect![[r#"
            hover on `function`

            `logIt` — a closure (function)

            - **captures** `big`
            - **keeps alive** `original`, `big`: state made per call, shared by every closure created in that call
            - of these it **never uses** `original` (used by `unused`): a call's context is kept whole, for every closure created in it
        "#]],
    );
}

#[test]
fn retention_on_arrow_and_function_name() {
    check(
        r#"function outer(a, b) {
  let kept = a;
  const f = () $0=> kept;
  return f;
}
"#,
        expect![[r#"
            hover on `=>`

            `f` — a closure (arrow function)

            - **captures** `kept`
            - **keeps alive** `kept`: state made per call, shared by every closure created in that call
        "#]],
    );
    check(
        r#"function outer() {
  try { throw 1; } catch (e) {
    function $0later() { return 1; }
    return later;
  }
}
"#,
        expect![[r#"
            hover on `later`

            `later` — `function` binding in the **block environment of `<block at 2:30>`**

            - **keeps alive** `e`: state made per call, shared by every closure created in that call
            - of these it **never uses** `e`: a call's context is kept whole, for every closure created in it
            - **shadows** `later` (`function (Annex B var)` in the **function environment of `outer`**, line 3)
        "#]],
    );
    check(
        r#"function outer(a, b) {
  var n = arguments.length;
  return function $0g() { return n; };
}
"#,
        expect![[r#"
            hover on `g`

            `g` — `function name` binding in the **function-name environment of `g`**

            - a named function expression's own name: visible only inside it, and assigning to it has no effect
            - a closure: **captures** `n`
            - **keeps alive** `a`, `b`, `n`: state made per call, shared by every closure created in that call
            - of these it **never uses** `a`, `b`: a call's context is kept whole, for every closure created in it
        "#]],
    );
}

/// express's router: module-level `require`s used by a method assigned as a named function
/// expression. The walk names the module, not the function-name environment or the wrapper;
/// the module-level binding is not said to be kept alive by the closure; and the closure keeps
/// no per-call state alive.
const ROUTER: &str = r#"//- router.js
var Route = require('./route');
var Layer = require('./layer');
var mixin = require('utils-merge');
var proto = module.exports = function (options) {};
proto.route = function route(path) {
  var route = new Route(path);
  return route;
};
function make(n) {
  var unused = n * 2;
  var used = n;
  proto.other = function () { return unused; };
  return function () { return used + Layer; };
}
"#;

fn router_at(needle: &str, nth: usize) -> String {
    let at = ROUTER.match_indices(needle).nth(nth).expect("needle").0;
    format!("{}$0{}", &ROUTER[..at], &ROUTER[at..])
}

#[test]
fn commonjs_module_level_binding_used_by_a_named_function_expression() {
    check(
        &router_at("Route(path)", 0),
        expect![[r#"
            hover on `Route`

            `Route` — `var` binding in the **CommonJS module environment**

            - found **1 environment out**: `route` → module
            - declared at line 1
            - **used by closure** `route`: a module-level binding lives as long as the module, closures or not
        "#]],
    );
    check(
        &router_at("Route =", 0),
        expect![[r#"
            hover on `Route`

            `Route` — `var` binding in the **CommonJS module environment**

            - **used by closure** `route`: a module-level binding lives as long as the module, closures or not
        "#]],
    );
}

#[test]
fn commonjs_closure_keeps_per_call_state_not_module_bindings() {
    check(
        &router_at("function route", 0),
        expect![[r#"
            hover on `function`

            `route` — a closure (function)

            - **captures** `Route`
            - keeps no per-call state alive: what it captures lives as long as the module
        "#]],
    );
    check(
        &router_at("function () { return used", 0),
        expect![[r#"
            hover on `function`

            `<function at 13:10>` — a closure (function)

            - **captures** `used`, `Layer`
            - **keeps alive** `unused`, `used`: state made per call, shared by every closure created in that call
            - of these it **never uses** `unused` (used by `proto.other`): a call's context is kept whole, for every closure created in it
        "#]],
    );
}
