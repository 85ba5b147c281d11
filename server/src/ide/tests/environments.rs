//! Every environment kind of the spec, and the places where oxc's scopes differ from it: the
//! scope chain at a cursor shows which environments exist and what each one binds; a hover or
//! go-to shows where a name resolves.

use expect_test::{Expect, expect};

use super::fixture;
use super::scope_chain::render_chain;
use crate::ide::hover;

fn check_chain(src: &str, expected: Expect) {
    expected.assert_eq(&render_chain(src));
}

/// The hover's first line: what the name under the cursor resolves to.
fn check_resolves(src: &str, expected: Expect) {
    let f = fixture(src);
    let actual = hover(&f.analysis, f.cursor()).map_or("no hover".to_string(), |h| {
        h.markdown.lines().next().unwrap_or_default().to_string()
    });
    expected.assert_eq(&format!("{actual}\n"));
}

#[test]
fn module_top_level() {
    check_chain(
        "//- main.mjs\nimport { readFile } from 'node:fs';\nexport let a = 1;\n$0function f() {}\n",
        expect![[r#"
            function `f` 3:1-3:16
            module `module` 1:1-4:1
              readFile: import 1:10
              a: let 2:12
              f: function 3:10 dropped-by-v8
            global `globalThis` 1:1-4:1
        "#]],
    );
}

#[test]
fn module_detected_from_import_in_js() {
    check_resolves(
        "import { x } from './x.js';\nexport default $0x;",
        expect![[r#"
            `x` — `import` binding in the **module environment**
        "#]],
    );
}

#[test]
fn commonjs_top_level_is_the_wrapper_function() {
    check_chain(
        "//- main.cjs\nconst fs = require('fs');\n$0module.exports = {};\n",
        expect![[r#"
            function `CommonJS module` 1:1-3:1
              exports: module wrapper parameter implicit
              require: module wrapper parameter implicit
              module: module wrapper parameter implicit
              __filename: module wrapper parameter implicit
              __dirname: module wrapper parameter implicit
              fs: const 1:7
            global `globalThis` 1:1-3:1
        "#]],
    );
}

#[test]
fn commonjs_detected_from_require_in_js() {
    check_resolves(
        "const path = require('path');\nmodule.exports = $0path;",
        expect![[r#"
            `path` — `const` binding in the **CommonJS module environment**
        "#]],
    );
}

#[test]
fn parameter_expressions_get_a_separate_function_body_environment() {
    check_chain(
        "function f(a = () => b) {\n  var b = 1;\n  $0\n}",
        expect![[r#"
            function-body `f` 1:25-4:2
              b: var 2:7
            function `f` 1:1-4:2
              a: parameter 1:12
            global `globalThis` 1:1-4:2
              f: function 1:10
        "#]],
    );
}

#[test]
fn a_default_does_not_see_the_body_var() {
    check_resolves(
        "var b = 'outer';\nfunction f(a = () => $0b) {\n  var b = 1;\n}",
        expect![[r#"
            `b` — `var` binding in the **global environment**
        "#]],
    );
}

#[test]
fn block() {
    check_chain(
        "function f() {\n  {\n    let x = 1;\n    const y = 2;\n    $0\n  }\n}",
        expect![[r#"
            block `<block at 2:3>` 2:3-6:4
              x: let 3:9
              y: const 4:11
            function `f` 1:1-7:2
            global `globalThis` 1:1-7:2
              f: function 1:10
        "#]],
    );
}

#[test]
fn for_let_head_is_a_per_iteration_block() {
    check_chain(
        "for (let i = 0; i < 3; i++) {\n  $0\n}",
        expect![[r#"
            block `<for loop at 1:1>` 1:1-3:2
              i: let 1:10
            global `globalThis` 1:1-3:2
        "#]],
    );
}

#[test]
fn for_var_lives_in_the_function() {
    check_chain(
        "function f() {\n  for (var j = 0; j < 3; j++) {\n    $0\n  }\n}",
        expect![[r#"
            function `f` 1:1-5:2
              j: var 2:12 mutated
            global `globalThis` 1:1-5:2
              f: function 1:10
        "#]],
    );
}

#[test]
fn switch_case_block() {
    check_chain(
        "function f(k) {\n  switch (k) {\n    case 1:\n      let y = 2;\n      $0\n  }\n}",
        expect![[r#"
            block `<switch at 2:3>` 2:3-6:4
              y: let 4:11
            function `f` 1:1-7:2
              k: parameter 1:12
            global `globalThis` 1:1-7:2
              f: function 1:10
        "#]],
    );
}

#[test]
fn catch_parameter_has_its_own_environment() {
    check_chain(
        "try {\n} catch (err) {\n  let inner = 1;\n  $0\n}",
        expect![[r#"
            block `<block at 2:15>` 2:15-5:2
              inner: let 3:7
            catch `<catch at 2:3>` 2:3-5:2
              err: catch parameter 2:10
            global `globalThis` 1:1-5:2
        "#]],
    );
}

#[test]
fn catch_parameter_resolves_to_the_catch_environment() {
    check_resolves(
        "try {\n} catch (err) {\n  console.log($0err);\n}",
        expect![[r#"
            `err` — `catch parameter` binding in the **catch environment of `<catch at 2:3>`**
        "#]],
    );
}

#[test]
fn class_name_is_bound_inside_the_class() {
    check_chain(
        "class Foo {\n  #x = 1;\n  m() {\n    $0\n  }\n}",
        expect![[r#"
            function `Foo.m` 3:4-5:4
            class `Foo` 1:1-6:2
              Foo: class name 1:7 shadows class@1:7 dropped-by-v8
              #x: private name 2:3 unlisted-by-v8
            script `script` 1:1-6:2
              Foo: class 1:7
            global `globalThis` 1:1-6:2
        "#]],
    );
}

#[test]
fn class_name_inside_body_resolves_to_the_class_environment() {
    check_resolves(
        "class Foo {\n  m() { return $0Foo; }\n}",
        expect![[r#"
        `Foo` — `class name` binding in the **class environment of `Foo`**
    "#]],
    );
}

#[test]
fn private_name() {
    check_resolves(
        "class C {\n  #x = 1;\n  m() { return this.$0#x; }\n}",
        expect![[r#"
            `#x` — `private name` binding in the **class environment of `C`**
        "#]],
    );
}

#[test]
fn static_block() {
    check_chain(
        "class C {\n  static {\n    let s = 1;\n    $0\n  }\n}",
        expect![[r#"
            function `<class C static block>` 2:3-5:4
              s: let 3:9
            class `C` 1:1-6:2
              C: class name 1:7 shadows class@1:7 dropped-by-v8
            script `script` 1:1-6:2
              C: class 1:7
            global `globalThis` 1:1-6:2
        "#]],
    );
}

#[test]
fn named_function_expression_binds_its_own_name() {
    check_chain(
        "const g = function fact(n) {\n  $0\n};",
        expect![[r#"
            function `fact` 1:11-3:2
              n: parameter 1:25
            function-name `fact` 1:11-3:2
              fact: function name 1:20 unlisted-by-v8
            script `script` 1:1-3:3
              g: const 1:7
            global `globalThis` 1:1-3:3
        "#]],
    );
}

#[test]
fn named_function_expression_name_resolves_to_function_name_environment() {
    check_resolves(
        "const g = function fact(n) {\n  return n && $0fact(n - 1);\n};",
        expect![[r#"
            `fact` — `function name` binding in the **function-name environment of `fact`**
        "#]],
    );
}

#[test]
fn with_is_dynamic() {
    check_chain(
        "var obj = {};\nvar x = 1;\nwith (obj) {\n  $0\n}",
        expect![[r#"
            with `<with at 3:1>` 3:12-5:2 (dynamic)
            global `globalThis` 1:1-5:2
              obj: var 1:5
              x: var 2:5
        "#]],
    );
}

#[test]
fn direct_eval_makes_resolution_dynamic() {
    check_chain(
        "var x = 1;\nfunction f(code) {\n  eval(code);\n  return $0x;\n}",
        expect![[r#"
            function `f` 2:1-5:2 (dynamic)
              code: parameter 2:12 captured
              arguments: arguments implicit captured
            global `globalThis` 1:1-5:2
              x: var 1:5
              f: function 2:10
        "#]],
    );
}

#[test]
fn annex_b_function_in_block() {
    check_resolves(
        "{\n  function g() {}\n}\n$0g();",
        expect![[r#"
        `g` — `function (Annex B var)` binding in the **global environment**
    "#]],
    );
}

#[test]
fn script_let_is_in_the_script_environment() {
    check_resolves(
        "let s = 1;\nfunction f() { return $0s; }",
        expect![[r#"
        `s` — `let` binding in the **script environment**
    "#]],
    );
}

#[test]
fn typescript_types_are_not_references() {
    let f = fixture(
        "//- test.ts\ninterface P { x: number }\nfunction f(p: $0P): number { return p.x; }",
    );
    assert_eq!(
        hover(&f.analysis, f.cursor()),
        None,
        "a type annotation is not a value reference"
    );
}

#[test]
fn typescript_values_resolve() {
    check_resolves(
        "//- test.ts\ninterface P { x: number }\nfunction f(p: P): number {\n  const n: number = p.x;\n  return $0n;\n}",
        expect![[r#"
            `n` — `const` binding in the **function environment of `f`**
        "#]],
    );
}

#[test]
fn tsx_component_reference() {
    check_resolves(
        "//- app.tsx\nfunction Foo(): null { return null; }\nexport const el = <$0Foo />;",
        expect![[r#"
            `Foo` — `function` binding in the **module environment**
        "#]],
    );
}

#[test]
fn jsx_in_js_component_reference() {
    check_resolves(
        "//- app.jsx\nfunction Foo() { return null; }\nconst el = <$0Foo />;",
        expect![[r#"
            `Foo` — `function` binding in the **global environment**
        "#]],
    );
}

#[test]
fn switch_discriminant_is_outside_the_case_block() {
    // `switch (y)` is evaluated before the case block's environment exists: it reads the
    // parameter, not the `let y` of the case block.
    check_resolves(
        "function f(y) {\n  switch ($0y) {\n    case 1:\n      let y = 2;\n  }\n}",
        expect![[r#"
            `y` — `parameter` binding in the **function environment of `f`**
        "#]],
    );
}

#[test]
fn for_let_head_sees_its_own_binding() {
    check_resolves(
        "for (let i = 0; $0i < 3; i++) {}",
        expect![[r#"
        `i` — `let` binding in the **block environment of `<for loop at 1:1>`**
    "#]],
    );
}

#[test]
fn class_heritage_is_evaluated_in_the_class_environment() {
    // `class B extends B {}` throws: the heritage already sees the class's own (uninitialised)
    // inner binding.
    check_resolves(
        "class A {}\nclass B extends $0B {}",
        expect![[r#"
        `B` — `class name` binding in the **class environment of `B`**
    "#]],
    );
}

#[test]
fn class_declaration_name_outside_is_the_outer_binding() {
    check_resolves(
        "class Foo {}\nnew $0Foo();",
        expect![[r#"
        `Foo` — `class` binding in the **script environment**
    "#]],
    );
}

#[test]
fn catch_body_var_goes_to_the_function() {
    check_chain(
        "function f() {\n  try {} catch (e) {\n    var v = 1;\n  }\n  $0\n}",
        expect![[r#"
            function `f` 1:1-6:2
              v: var 3:9
            global `globalThis` 1:1-6:2
              f: function 1:10
        "#]],
    );
}

#[test]
fn arrow_has_no_own_arguments() {
    check_resolves(
        "function f() {\n  return () => $0arguments;\n}",
        expect![[r#"
            `arguments` — `arguments` binding in the **function environment of `f`**
        "#]],
    );
}

#[test]
fn typescript_enum_is_a_value_binding() {
    check_resolves(
        "//- t.ts\nenum Color {\n  Red,\n}\nconsole.log($0Color.Red);",
        expect![[r#"
            `Color` — `enum` binding in the **script environment**
        "#]],
    );
}

#[test]
fn typescript_type_only_import_and_generic_are_not_references() {
    let f = fixture("//- t.ts\ntype Id<T> = T;\nfunction f<T>(x: Id<$0T>): T {\n  return x;\n}");
    assert_eq!(
        hover(&f.analysis, f.cursor()),
        None,
        "a type parameter use is not a value reference"
    );
}

#[test]
fn jsx_intrinsic_element_is_not_a_reference() {
    let f = fixture("//- app.jsx\nconst div = 1;\nconst el = <$0div />;");
    assert_eq!(
        hover(&f.analysis, f.cursor()),
        None,
        "`<div>` is a tag name, not the `div` binding"
    );
}

#[test]
fn jsx_member_element_references_its_object() {
    check_resolves(
        "//- app.jsx\nconst UI = {};\nconst el = <$0UI.Button />;",
        expect![[r#"
            `UI` — `const` binding in the **script environment**
        "#]],
    );
}
