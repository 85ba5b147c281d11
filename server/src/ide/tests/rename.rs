//! Rename: the edited text, or the reason it is refused.

use expect_test::{Expect, expect};

use super::fixture;
use crate::ide::{TextEdit, prepare_rename, rename};

pub(crate) fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_string();
    for e in edits.iter().rev() {
        out.replace_range(e.span.start as usize..e.span.end as usize, &e.new_text);
    }
    out
}

fn check(src: &str, new_name: &str, expected: Expect) {
    let f = fixture(src);
    let out = match rename(&f.analysis, f.cursor(), new_name) {
        Ok(edits) => apply(&f.text, &edits),
        Err(e) => format!("refused ({:?}): {e}", e.kind),
    };
    expected.assert_eq(&(out + "\n"));
}

fn check_prepare(src: &str, expected: Expect) {
    let f = fixture(src);
    let out = match prepare_rename(&f.analysis, f.cursor()) {
        Ok(span) => format!("ok: `{}` at {}", f.slice(span), f.pos(span.start)),
        Err(e) => format!("refused ({:?}): {e}", e.kind),
    };
    expected.assert_eq(&(out + "\n"));
}

#[test]
fn plain_rename_in_every_place() {
    check(
        "function f(a) {\n  let s = $0a;\n  a += 1;\n  return () => a;\n}",
        "count",
        expect![[r#"
            function f(count) {
              let s = count;
              count += 1;
              return () => count;
            }
        "#]],
    );
}

#[test]
fn shorthand_properties_and_patterns_keep_their_keys() {
    check(
        "const { $0a, c = a } = obj;\nconst { a: x } = obj;\nconst o = { a, b: a };\nlet y;\n({ y = 1 } = o);",
        "renamed",
        expect![[r#"
            const { a: renamed, c = renamed } = obj;
            const { a: x } = obj;
            const o = { a: renamed, b: renamed };
            let y;
            ({ y = 1 } = o);
        "#]],
    );
    check(
        "function f({ $0a = 1 }) { return { a }; }\nlet y;\n({ y = 1 } = {});",
        "b",
        expect![[r#"
            function f({ a: b = 1 }) { return { a: b }; }
            let y;
            ({ y = 1 } = {});
        "#]],
    );
    check(
        "let $0y;\n({ y = 1 } = {});\n({ y } = {});",
        "z",
        expect![[r#"
            let z;
            ({ y: z = 1 } = {});
            ({ y: z } = {});
        "#]],
    );
}

#[test]
fn import_and_export_specifiers_keep_public_names() {
    check(
        "//- m.mjs\nimport { $0a, b as c } from 'x';\nexport { a };\nexport { a as d };\na();",
        "local",
        expect![[r#"
            import { a as local, b as c } from 'x';
            export { local as a };
            export { local as d };
            local();
        "#]],
    );
    check(
        "//- m.mjs\nimport def, * as $0ns from 'x';\nns.f(def);",
        "space",
        expect![[r#"
            import def, * as space from 'x';
            space.f(def);
        "#]],
    );
}

#[test]
fn exported_declarations_are_refused() {
    check(
        "//- m.mjs\nexport const $0a = 1;\na;",
        "b",
        expect![[r#"
            refused (Exported): `a` is exported by its declaration at line 1, so renaming it here would change the module's export name.
        "#]],
    );
    check(
        "//- m.mjs\nexport function f() { return $0f; }",
        "g",
        expect![[r#"
            refused (Exported): `f` is exported by its declaration at line 1, so renaming it here would change the module's export name.
        "#]],
    );
    // The default export's name is `default`: its local name can change.
    check(
        "//- m.mjs\nexport default function $0f() { return f; }",
        "g",
        expect![[r#"
            export default function g() { return g; }
        "#]],
    );
}

#[test]
fn class_and_annex_b_families_rename_together() {
    check(
        "class $0Foo {\n  static make() { return new Foo(); }\n}\nFoo.make();",
        "Bar",
        expect![[r#"
            class Bar {
              static make() { return new Bar(); }
            }
            Bar.make();
        "#]],
    );
    check(
        "function outer() {\n  {\n    function g() { return 1; }\n  }\n  return $0g();\n}",
        "h",
        expect![[r#"
            function outer() {
              {
                function h() { return 1; }
              }
              return h();
            }
        "#]],
    );
}

#[test]
fn private_names_with_or_without_hash() {
    check(
        "class C {\n  #n = 1;\n  m() { return this.$0#n + (#n in this ? 1 : 0); }\n}",
        "count",
        expect![[r#"
            class C {
              #count = 1;
              m() { return this.#count + (#count in this ? 1 : 0); }
            }
        "#]],
    );
    check(
        "class C {\n  #n = 1;\n  #m = 2;\n  m() { return this.$0#n; }\n}",
        "#m",
        expect![[r#"
            refused (Conflict): `#m` is already declared in the same environment (the `private name` at line 3 in the class environment of `C`).
        "#]],
    );
}

#[test]
fn shadowed_at_a_use() {
    check(
        "let $0x = 1;\nfunction f() {\n  let y = 2;\n  return x + y;\n}",
        "y",
        expect![[r#"
            refused (Conflict): After the rename, the use of `x` at line 4 would find the `let` at line 3 in the function environment of `f` instead.
        "#]],
    );
}

#[test]
fn capturing_a_use_of_the_new_name() {
    check(
        "let y = 1;\nfunction f() {\n  let $0x = 2;\n  return x + y;\n}",
        "y",
        expect![[r#"
            refused (Conflict): The use of `y` at line 4 finds the `let` at line 1 in the script environment, but after the rename it would find the renamed `x`.
        "#]],
    );
    check(
        "function f() {\n  let $0x = 2;\n  console.log(x);\n}",
        "console",
        expect![[r#"
            refused (Conflict): The use of `console` at line 3 finds the global `console`, but after the rename it would find the renamed `x`.
        "#]],
    );
}

#[test]
fn redeclaration_in_the_same_environment() {
    check(
        "function f(a, $0b) { return a + b; }",
        "a",
        expect![[r#"
            refused (Conflict): `a` is already declared in the same environment (the `parameter` at line 1 in the function environment of `f`).
        "#]],
    );
}

#[test]
fn var_hoisted_through_a_block_that_would_declare_it() {
    // `{ let v; var v; }` is an early error.
    check(
        "function f() {\n  {\n    let $0x = 1;\n    var v = x;\n  }\n  return v;\n}",
        "v",
        expect![[r#"
            refused (Conflict): The declaration of `v` at line 4 belongs to the function environment of `f` and would clash with the renamed `x` in the block environment of `<block at 2:3>` it is hoisted through.
        "#]],
    );
    check(
        "function f() {\n  {\n    let v = 1;\n    var $0x = v;\n  }\n  return x;\n}",
        "v",
        expect![[r#"
            refused (Conflict): After the rename, the declaration of `x` at line 4 would find the `let` at line 3 in the block environment of `<block at 2:3>` instead.
        "#]],
    );
}

#[test]
fn new_names_that_are_not_allowed() {
    check(
        "let $0x = 1;",
        "2x",
        expect![[r#"
            refused (InvalidName): `2x` is not a valid identifier.
        "#]],
    );
    check(
        "let $0x = 1;",
        "class",
        expect![[r#"
            refused (InvalidName): `class` is a reserved word.
        "#]],
    );
    check(
        "'use strict';\nfunction f() { var $0x = 1; return x; }",
        "static",
        expect![[r#"
            refused (InvalidName): `static` cannot name a binding in strict mode code.
        "#]],
    );
    check(
        "function f() { var $0x = 1; return x; }",
        "static",
        expect![[r#"
            function f() { var static = 1; return static; }
        "#]],
    );
    check(
        "//- m.mjs\nfunction f() { var $0x = 1; return x; }\nf();",
        "eval",
        expect![[r#"
            refused (InvalidName): `eval` cannot name a binding in strict mode code.
        "#]],
    );
    check(
        "function f() { var $0x = 1; return x; }",
        "await",
        expect![[r#"
            refused (InvalidName): `await` is reserved in modules, strict code, async functions or generators, so scopelens refuses it everywhere.
        "#]],
    );
    check(
        "var $0x = 1;",
        "Map",
        expect![[r#"
            refused (InvalidName): `Map` is a host global, and a top-level binding of that name would replace it for every script.
        "#]],
    );
}

#[test]
fn dynamic_resolution_is_refused() {
    check_prepare(
        "function f(o) {\n  var $0x = 1;\n  with (o) { return x; }\n}",
        expect![[r#"
            refused (Dynamic): The use of `x` at line 3 is resolved at run time (the `with` statement at line 3), so renaming could change what it finds.
        "#]],
    );
    check_prepare(
        "function f(s) {\n  var $0x = 1;\n  return eval(s);\n}",
        expect![[r#"
            refused (Dynamic): `x` is visible to the direct `eval` at line 3, where code may use it by name.
        "#]],
    );
}

#[test]
fn prepare_refuses_what_is_not_a_binding() {
    check_prepare(
        "$0console.log(1);",
        expect![[r#"
            refused (NotRenameable): `console` is a host global, not declared in this file, so it cannot be renamed here.
        "#]],
    );
    check_prepare(
        "function f() { return $0arguments[0]; }",
        expect![[r#"
            refused (NotRenameable): `arguments` is the implicit arguments object of `f` and cannot be renamed.
        "#]],
    );
    check_prepare(
        "//- m.cjs\nconst fs = $0require('fs');",
        expect![[r#"
            refused (NotRenameable): `require` is a parameter of Node's CommonJS module wrapper and cannot be renamed.
        "#]],
    );
    check_prepare(
        "function f() { $0leak = 1; }",
        expect![[r#"
            refused (NotRenameable): `leak` is an implicit global, created by the assignment at line 1; declare it to rename it.
        "#]],
    );
    check_prepare(
        "let x = 1; $0 ",
        expect![[r#"
            refused (NotRenameable): There is no identifier here to rename.
        "#]],
    );
    check_prepare(
        "let x = 1;\nx$0;",
        expect![[r#"
            ok: `x` at 2:1
        "#]],
    );
}

#[test]
fn jsx_tags_stay_components() {
    check(
        "//- app.jsx\nfunction $0Item() { return null; }\nconst el = <Item></Item>;",
        "item",
        expect![[r#"
            refused (InvalidName): `Item` is used as a JSX tag at line 2, where the lowercase `item` would name an intrinsic element.
        "#]],
    );
    check(
        "//- app.jsx\nfunction $0Item() { return null; }\nconst el = <Item></Item>;",
        "Entry",
        expect![[r#"
            function Entry() { return null; }
            const el = <Entry></Entry>;
        "#]],
    );
}

#[test]
fn a_named_function_expression_may_share_its_parameter_name() {
    check(
        "const f = function $0g(n) { return n; };",
        "n",
        expect![[r#"
            const f = function n(n) { return n; };
        "#]],
    );
}
