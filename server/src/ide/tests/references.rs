//! References and highlights: every occurrence of the binding family under the cursor.

use expect_test::{Expect, expect};

use super::fixture;
use crate::ide::{HighlightKind, highlights, references};

/// One line per highlight: position, text, kind.
fn check_highlights(src: &str, expected: Expect) {
    let f = fixture(src);
    let mut out = String::new();
    for h in highlights(&f.analysis, f.cursor()) {
        let kind = match h.kind {
            HighlightKind::Read => "read",
            HighlightKind::Write => "write",
            HighlightKind::ReadWrite => "read-write",
        };
        out.push_str(&format!(
            "{} `{}` {kind}\n",
            f.pos(h.span.start),
            f.slice(h.span)
        ));
    }
    if out.is_empty() {
        out.push_str("nothing\n");
    }
    expected.assert_eq(&out);
}

fn check_references(src: &str, include_declaration: bool, expected: Expect) {
    let f = fixture(src);
    let out: Vec<String> = references(&f.analysis, f.cursor(), include_declaration)
        .into_iter()
        .map(|s| format!("{} `{}`", f.pos(s.start), f.slice(s)))
        .collect();
    expected.assert_eq(&(out.join("\n") + "\n"));
}

#[test]
fn reads_writes_and_read_writes() {
    check_highlights(
        "let $0n = 0;\nn = 1;\nn++;\nn += 2;\nconsole.log(n);\n{ let n = 9; n; }",
        expect![[r#"
            1:5 `n` write
            2:1 `n` write
            3:1 `n` read-write
            4:1 `n` read-write
            5:13 `n` read
        "#]],
    );
}

#[test]
fn include_declaration_or_not() {
    let src = "function f(a) {\n  return () => $0a + a;\n}";
    check_references(
        src,
        true,
        expect![[r#"
            1:12 `a`
            2:16 `a`
            2:20 `a`
        "#]],
    );
    check_references(
        src,
        false,
        expect![[r#"
            2:16 `a`
            2:20 `a`
        "#]],
    );
}

#[test]
fn class_declaration_is_one_family_inside_and_out() {
    check_highlights(
        "class Foo {\n  static make() { return new $0Foo(); }\n}\nconst f = Foo.make();",
        expect![[r#"
            1:7 `Foo` write
            2:30 `Foo` read
            4:11 `Foo` read
        "#]],
    );
}

#[test]
fn annex_b_function_both_bindings() {
    // The use outside the block resolves to the Annex B `var` binding, the one inside to the
    // block's: both are the same function, so references give the whole family.
    check_highlights(
        "function outer() {\n  {\n    function g() { return 1; }\n    g();\n  }\n  return $0g();\n}",
        expect![[r#"
            3:14 `g` write
            4:5 `g` read
            6:10 `g` read
        "#]],
    );
}

#[test]
fn private_names_through_the_class_environment() {
    check_highlights(
        "class C {\n  #count = 0;\n  get #x() { return 1; }\n  set #x(v) {}\n  inc() { this.$0#count++; return #count in this; }\n}",
        expect![[r#"
            2:3 `#count` write
            5:16 `#count` read
            5:33 `#count` read
        "#]],
    );
}

#[test]
fn private_accessor_pair_is_one_binding() {
    check_highlights(
        "class C {\n  get $0#x() { return 1; }\n  set #x(v) {}\n  m() { return this.#x; }\n}",
        expect![[r#"
            2:7 `#x` write
            3:7 `#x` write
            4:21 `#x` read
        "#]],
    );
}

#[test]
fn imports_catch_and_parameters() {
    check_highlights(
        "//- m.mjs\nimport { a, b as c } from 'x';\nexport { a };\ntry { c(a); } catch ($0e) { e = a; }",
        expect![[r#"
            3:22 `e` write
            3:27 `e` write
        "#]],
    );
    check_highlights(
        "//- m.mjs\nimport { $0a, b as c } from 'x';\nexport { a };\ntry { c(a); } catch (e) { e = a; }",
        expect![[r#"
            1:10 `a` write
            2:10 `a` read
            3:9 `a` read
            3:31 `a` read
        "#]],
    );
}

#[test]
fn undeclared_names_across_the_file() {
    check_highlights(
        "$0console.log(1);\nfunction f(console) { return console; }\nconsole.error(2);",
        expect![[r#"
            1:1 `console` read
            3:1 `console` read
        "#]],
    );
}

#[test]
fn shorthand_and_destructuring() {
    check_highlights(
        "const { $0a, b = a } = obj;\nconst o = { a };\n({ a = 1 } = o);",
        expect![[r#"
            1:9 `a` write
            1:16 `a` read
            2:13 `a` read
            3:4 `a` write
        "#]],
    );
}

#[test]
fn nothing_at_whitespace() {
    check_highlights(
        "let x = 1;\n$0\nx;",
        expect![[r#"
            nothing
        "#]],
    );
}
