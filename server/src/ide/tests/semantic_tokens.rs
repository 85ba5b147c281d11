//! Semantic tokens: one line per token, with its type and modifiers.

use expect_test::{Expect, expect};

use super::fixture;
use crate::engine::Span;
use crate::ide::{SemanticToken, semantic_tokens, semantic_tokens_in};

fn render(f: &super::Fixture, tokens: &[SemanticToken]) -> String {
    let mut out = String::new();
    for t in tokens {
        let modifiers: Vec<&str> = t.modifiers.names().collect();
        out.push_str(&format!(
            "{} `{}` {} [{}]\n",
            f.pos(t.span.start),
            f.slice(t.span),
            t.token_type.as_str(),
            modifiers.join(" ")
        ));
    }
    out
}

fn check(src: &str, expected: Expect) {
    let f = fixture(src);
    let tokens = semantic_tokens(&f.analysis);
    // The range answer over the whole text is the same.
    let whole = Span::new(0, f.text.len() as u32);
    assert_eq!(tokens, semantic_tokens_in(&f.analysis, whole));
    expected.assert_eq(&render(&f, &tokens));
}

#[test]
fn kinds_depths_and_captures() {
    check(
        "const limit = 3;\nfunction counter(step) {\n  let n = 0;\n  return () => { n += step; return n < limit; };\n}\nclass Box { #v = 1; get() { return this.#v; } }\nconsole.log(counter(1)(), new Box());",
        expect![[r#"
            1:7 `limit` variable [declaration readonly global depth0]
            2:10 `counter` function [declaration global depth0]
            2:18 `step` parameter [declaration depth1]
            3:7 `n` variable [declaration mutated depth1]
            4:18 `n` variable [captured mutated depth1]
            4:23 `step` parameter [captured depth1]
            4:36 `n` variable [captured mutated depth1]
            4:40 `limit` variable [readonly global depth0]
            6:7 `Box` class [declaration global depth0]
            6:13 `#v` property [declaration depth0]
            6:41 `#v` property [depth0]
            7:1 `console` variable [defaultLibrary global depth0]
            7:13 `counter` function [global depth0]
            7:31 `Box` class [global depth0]
        "#]],
    );
}

#[test]
fn modules_commonjs_and_dynamic() {
    check(
        "//- m.cjs\nconst fs = require('fs');\nfunction f(o) { with (o) { return fs; } }\nmodule.exports = { f };",
        expect![[r#"
            1:7 `fs` variable [declaration readonly depth0]
            1:12 `require` parameter [defaultLibrary depth0]
            2:10 `f` function [declaration depth0]
            2:12 `o` parameter [declaration depth1]
            2:23 `o` parameter [depth1]
            2:35 `fs` variable [readonly captured dynamic depth0]
            3:1 `module` parameter [defaultLibrary depth0]
            3:20 `f` function [depth0]
        "#]],
    );
}

#[test]
fn a_range_gives_the_tokens_that_start_in_it() {
    let f = fixture("let a = 1;\nlet b = a;\nlet c = b;");
    let range = Span::new(11, 21);
    expect![[r#"
        2:5 `b` variable [declaration global depth0]
        2:9 `a` variable [global depth0]
    "#]]
    .assert_eq(&render(&f, &semantic_tokens_in(&f.analysis, range)));
}

#[test]
fn depth_caps_at_five() {
    check(
        "function a() { function b() { function c() { function d() { function e() { function g() { let deep = 1; return deep; } } } } } }",
        expect![[r#"
            1:10 `a` function [declaration global depth0]
            1:25 `b` function [declaration depth1]
            1:40 `c` function [declaration depth2]
            1:55 `d` function [declaration depth3]
            1:70 `e` function [declaration depth4]
            1:85 `g` function [declaration depth5]
            1:95 `deep` variable [declaration depth5]
            1:112 `deep` variable [depth5]
        "#]],
    );
}
