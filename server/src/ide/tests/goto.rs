//! Go to binding and stepping outward along the chain.

use expect_test::{Expect, expect};

use super::{Fixture, fixture};
use crate::ide::{NavigationTarget, goto_binding, outer_binding};

fn render(f: &Fixture, target: Option<NavigationTarget>) -> String {
    match target {
        None => "no target\n".to_string(),
        Some(t) => {
            let b = f.analysis.binding(t.binding);
            format!(
                "`{}` at {} ({} in the {})\n",
                f.slice(t.span),
                f.pos(t.span.start),
                b.declaration,
                crate::ide::describe::describe_env(&f.analysis, b.environment)
            )
        }
    }
}

fn check_goto(src: &str, expected: Expect) {
    let f = fixture(src);
    expected.assert_eq(&render(&f, goto_binding(&f.analysis, f.cursor())));
}

/// Steps outward from the cursor until nothing is shadowed, one line per step.
fn check_outward(src: &str, expected: Expect) {
    let f = fixture(src);
    let mut out = String::new();
    let mut at = f.cursor();
    while let Some(t) = outer_binding(&f.analysis, at) {
        out.push_str(&render(&f, Some(t)));
        assert!(out.len() < 10_000, "outward walk must end");
        at = t.span.start;
    }
    if out.is_empty() {
        out.push_str("no outer binding\n");
    }
    expected.assert_eq(&out);
}

#[test]
fn reference_to_its_binding() {
    check_goto(
        "function skulk() {\n  var action = 1;\n  function report() { return $0action; }\n}",
        expect![[r#"
            `action` at 2:7 (var in the function environment of `skulk`)
        "#]],
    );
}

#[test]
fn declaration_to_itself() {
    check_goto(
        "let $0x = 1;",
        expect![[r#"
        `x` at 1:5 (let in the script environment)
    "#]],
    );
}

#[test]
fn unresolved_has_no_target() {
    check_goto(
        "$0console.log(1);",
        expect![[r#"
        no target
    "#]],
    );
}

#[test]
fn implicit_arguments_goes_to_its_function() {
    check_goto(
        "function f() {\n  return $0arguments.length;\n}",
        expect![[r#"
            `` at 1:1 (arguments in the function environment of `f`)
        "#]],
    );
}

#[test]
fn commonjs_require_goes_to_the_wrapper() {
    check_goto(
        "//- main.cjs\nconst fs = $0require('fs');",
        expect![[r#"
            `` at 1:1 (module wrapper parameter in the CommonJS module environment)
        "#]],
    );
}

#[test]
fn jsx_element_name_is_a_reference() {
    check_goto(
        "//- app.tsx\nfunction Foo() { return null; }\nconst el = <$0Foo />;",
        expect![[r#"
            `Foo` at 1:10 (function in the global environment)
        "#]],
    );
}

#[test]
fn outward_walks_every_shadowed_binding() {
    check_outward(
        "let x = 1;\nfunction f(x) {\n  {\n    let x = 3;\n    return $0x;\n  }\n}",
        expect![[r#"
            `x` at 2:12 (parameter in the function environment of `f`)
            `x` at 1:5 (let in the script environment)
        "#]],
    );
}

#[test]
fn outward_from_a_class_name_inside_its_body() {
    check_outward(
        "class Foo {\n  m() { return $0Foo; }\n}",
        expect![[r#"
        `Foo` at 1:7 (class in the script environment)
    "#]],
    );
}

#[test]
fn outward_from_an_unshadowed_binding() {
    check_outward(
        "let $0x = 1;",
        expect![[r#"
        no outer binding
    "#]],
    );
}
