//! Where oxc's scope model differs from the ECMAScript spec, scopelens follows the spec. One test
//! per difference (see ARCHITECTURE.md, "Spec corrections").

use expect_test::expect;

use super::{analyze_as, analyze_kind, dump};
use crate::engine::{EnvKind, SourceKind, SourceKindChoice};

/// FunctionDeclarationInstantiation step 28: with parameter expressions, body `var`s live in a
/// separate environment the parameters cannot see. oxc puts both in one scope.
#[test]
fn parameter_defaults_do_not_see_body_vars() {
    let a = analyze_as(
        "var b = 'outer';\nfunction f(a = () => b, c = a) { var b = 'inner'; var a; return b; }\n",
        "params.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var b
          · function f
          function f
            · parameter a
            · parameter c
            function a
            function-body f
              · var b
              · var a
        b 2:22 → global globalThis, hops 2
        a 2:29 → function f, hops 0
        b 2:65 → function-body f, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

/// The catch parameter has its own environment outside the body block's (oxc merges them).
#[test]
fn catch_parameter_outside_body_block() {
    let a = analyze_as(
        "try {} catch (err) { let local = err; var hoisted = err; }\n",
        "catch.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var hoisted
          catch <catch at 1:8>
            · catch parameter err
            block <block at 1:20>
              · let local
        err 1:34 → catch <catch at 1:8>, hops 1
        err 1:53 → catch <catch at 1:8>, hops 1
    "#]]
    .assert_eq(&dump(&a));
}

/// ClassDefinitionEvaluation binds a class declaration's name inside the class too (an
/// immutable inner binding); oxc binds it only outside.
#[test]
fn class_name_bound_inside_class() {
    let a = analyze_as(
        "class Point { static origin() { return new Point(); } }\nPoint = null;\n",
        "point.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          script script
            · class Point mutated
            class Point (strict)
              · class name Point captured by Point.origin
              function Point.origin (strict; captures Point)
        Point 1:44 → class Point, hops 1, captured
        Point 2:1 → script script, hops 0, write
    "#]]
    .assert_eq(&dump(&a));
}

/// A named function expression binds its own name in a `function-name` environment between
/// the function and its surroundings.
#[test]
fn named_function_expression_has_its_own_name_environment() {
    let a = analyze_as(
        "var fact = function f(n) { return n <= 1 ? 1 : n * f(n - 1); };\nvar f = 'outer';\n",
        "fact.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var fact
          · var f
          function-name f
            · function name f captured by f
            function f (captures f)
              · parameter n
        n 1:35 → function f, hops 0
        n 1:48 → function f, hops 0
        f 1:52 → function-name f, hops 1, captured
        n 1:54 → function f, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

/// Annex B.3.3: in sloppy code a function declared in a block also gets a `var` binding in the
/// enclosing function; strict code and modules do not.
#[test]
fn annex_b_function_in_block_sloppy_script() {
    let a = analyze_as(
        "function outer() {\n  { function inBlock() {} inBlock; }\n  return inBlock;\n}\n",
        "annexb.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function outer
          function outer
            · function (Annex B var) inBlock
            block <block at 2:3>
              · function inBlock
              function inBlock
        inBlock 2:27 → block <block at 2:3>, hops 0
        inBlock 3:10 → function outer, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn annex_b_does_not_apply_in_strict_code_or_modules() {
    let strict = analyze_as(
        "'use strict';\nfunction outer() {\n  { function inBlock() {} }\n  return inBlock;\n}\n",
        "strict.js",
    );
    expect![[r#"
        kind: script
        global globalThis (strict)
          · function outer
          function outer (strict)
            block <block at 3:3> (strict)
              · function inBlock
              function inBlock (strict)
        inBlock 4:10 → unresolved, hops 1
    "#]]
    .assert_eq(&dump(&strict));
    let module = analyze_kind(
        "{ function inBlock() {} }\ninBlock;\n",
        SourceKindChoice::Module,
    );
    expect![[r#"
        kind: module
        global globalThis
          module module (strict)
            block <block at 1:1> (strict)
              · function inBlock
              function inBlock (strict)
        inBlock 2:1 → unresolved, hops 1
    "#]]
    .assert_eq(&dump(&module));
}

#[test]
fn annex_b_skipped_when_a_let_would_conflict() {
    let a = analyze_as(
        "function outer() {\n  let inBlock = 1;\n  { function inBlock() {} }\n  return inBlock;\n}\n",
        "conflict.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function outer
          function outer
            · let inBlock
            block <block at 3:3>
              · function inBlock
              function inBlock
        inBlock 4:10 → function outer, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

/// References inside `with` are dynamic: the object's properties come first at run time. oxc
/// resolves them statically.
#[test]
fn with_makes_resolution_dynamic() {
    let a = analyze_as(
        "function f(obj) {\n  var x = 1;\n  with (obj) { x; y; (() => x)(); }\n  x;\n}\n",
        "with.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function f
          function f
            · parameter obj
            · var x captured by <with at 3:3>, <immediately invoked arrow at 3:23>
            with <with at 3:3> (captures x)
              function <immediately invoked arrow at 3:23> (captures x)
        obj 3:9 → function f, hops 0
        x 3:16 → function f, hops 1, dynamic
        y 3:19 → unresolved, hops 2, dynamic
        x 3:29 → function f, hops 2, captured, dynamic
        x 4:3 → function f, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

/// A sloppy direct eval may declare a `var` that shadows outer bindings, and the code it runs
/// sees every binding around it; an indirect eval does neither.
#[test]
fn direct_eval_makes_resolution_dynamic_and_captures() {
    let a = analyze_as(
        "var g = 1;\nfunction f(code) {\n  var local = 2;\n  eval(code);\n  return () => g + local;\n}\nfunction h(code) { var quiet = 1; (0, eval)(code); return g; }\n",
        "eval.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var g
          · function f
          · function h
          function f (sloppy-eval)
            · parameter code captured by <eval at 4:3>
            · var local captured by <arrow at 5:10>, <eval at 4:3>
            · arguments arguments captured by <eval at 4:3>
            function <arrow at 5:10> (captures local)
            eval <eval at 4:3> (captures code, local, arguments)
          function h
            · parameter code
            · var quiet
        eval 4:3 → unresolved, hops 1, dynamic
        code 4:8 → function f, hops 0
        g 5:16 → global globalThis, hops 2, dynamic
        local 5:20 → function f, hops 1, captured
        eval 7:39 → unresolved, hops 1
        code 7:45 → function h, hops 0
        g 7:59 → global globalThis, hops 1
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn strict_direct_eval_captures_but_is_not_dynamic() {
    let a = analyze_as(
        "'use strict';\nvar g = 1;\nfunction f(code) { var local = 2; eval(code); return g; }\n",
        "strict-eval.js",
    );
    expect![[r#"
        kind: script
        global globalThis (strict)
          · var g
          · function f
          function f (strict)
            · parameter code captured by <eval at 3:35>
            · var local captured by <eval at 3:35>
            · arguments arguments captured by <eval at 3:35>
            eval <eval at 3:35> (strict; captures code, local, arguments)
        eval 3:35 → unresolved, hops 1
        code 3:40 → function f, hops 0
        g 3:54 → global globalThis, hops 1
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn shadowed_eval_is_not_direct() {
    let a = analyze_as(
        "function f(eval) { var x = 1; eval('x'); return x; }\n",
        "shadow-eval.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · function f
          function f
            · parameter eval
            · var x
        eval 1:31 → function f, hops 0
        x 1:49 → function f, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

/// A use before a `let` resolves to that binding (it throws in the TDZ at run time), not to an
/// outer binding of the same name.
#[test]
fn tdz_resolves_to_the_inner_binding() {
    let a = analyze_as(
        "let x = 1;\n{ x; let x = 2; }\nfor (let y of y) {}\n",
        "tdz.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          script script
            · let x
            block <block at 2:1>
              · let x
            block <for-of loop at 3:1> (per-iteration)
              · let y
        x 2:3 → block <block at 2:1>, hops 0
        y 3:15 → block <for-of loop at 3:1>, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn shadowing_at_every_level() {
    let a = analyze_as(
        "var s = 'global';\nlet t = 'script';\nfunction f(s) {\n  var t = 'function';\n  { let s = 'block'; try {} catch (s) { s; t; } s; }\n  return s;\n}\n",
        "shadow.js",
    );
    expect![[r#"
        kind: script
        global globalThis
          · var s
          · function f
          script script
            · let t
            function f
              · parameter s
              · var t
              block <block at 5:3>
                · let s
                catch <catch at 5:29>
                  · catch parameter s
        s 5:41 → catch <catch at 5:29>, hops 0
        t 5:44 → function f, hops 2
        s 5:49 → block <block at 5:3>, hops 0
        s 6:10 → function f, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn a_parenthesized_eval_is_direct_and_an_optional_or_comma_one_is_not() {
    for (code, direct) in [
        ("(eval)('0')", true),
        ("((eval))('0')", true),
        ("(0, eval)('0')", false),
        ("eval?.('0')", false),
    ] {
        let text = format!("function f(p) {{ var kept = 1; {code}; return () => p; }}\n");
        let a = analyze_as(&text, "t.js");
        let has_eval = a.env_ids().any(|e| a.env(e).kind == EnvKind::Eval);
        assert_eq!(has_eval, direct, "{code}");
        let arrow = a
            .env_ids()
            .find(|&e| a.env(e).function == Some(crate::engine::FunctionFlavor::Arrow))
            .unwrap();
        let kept: Vec<&str> = a
            .retains(arrow)
            .iter()
            .map(|r| a.name(a.binding(r.binding).name))
            .collect();
        let expected: &[&str] = if direct {
            &["p", "kept", "arguments"]
        } else {
            &["p"]
        };
        assert_eq!(kept, expected, "{code}");
    }
}

#[test]
fn a_named_function_expressions_own_name_is_kept_only_for_inner_closures_using_it() {
    let a = analyze_as(
        "const walk = function walk(n) { var big = [n]; keep(() => big); return walk(n - 1); };\n\
         const walk2 = function walk2(n) { return () => walk2; };\n",
        "t.js",
    );
    let kept = |start: &str| -> Vec<String> {
        let arrow = a
            .env_ids()
            .filter(|&e| a.env(e).function == Some(crate::engine::FunctionFlavor::Arrow))
            .find(|&e| {
                let (line, _) = a.line_index.human(a.env(e).span.start);
                line.to_string() == start
            })
            .unwrap();
        a.retains(arrow)
            .iter()
            .map(|r| a.name(a.binding(r.binding).name).to_string())
            .collect()
    };
    assert_eq!(kept("1"), ["big"]);
    assert_eq!(kept("2"), ["walk2"]);
}

#[test]
fn a_bundle_naming_exports_only_as_its_own_locals_is_a_script() {
    let bundle = "(() => { var m = { 1: (module, exports) => { module.exports = 1; } };\n\
                  function req(id) { var module = { exports: {} }; m[id](module, module.exports); return module.exports; }\n\
                  console.log(req(1)); })();\n";
    assert_eq!(
        crate::engine::analyze_in_thread(&crate::engine::Input::new(bundle, "b.js")).source_kind,
        SourceKind::Script
    );
    let node = "const fs = require('fs');\nmodule.exports = fs;\n";
    assert_eq!(
        crate::engine::analyze_in_thread(&crate::engine::Input::new(node, "n.js")).source_kind,
        SourceKind::CommonJs
    );
}
