//! Inlay hints, rendered inline as `⟨label⟩` where the editor would draw them.

use expect_test::{Expect, expect};

use super::{Fixture, fixture};
use crate::engine::Span;
use crate::ide::{
    InlayHint, InlayHintId, InlayHintKind, InlayHintsConfig, inlay_hints, resolve_inlay_hint,
};

fn render(f: &Fixture, hints: &[InlayHint]) -> String {
    let mut out = f.text.clone();
    // Insert from the end so earlier offsets stay valid; equal offsets keep their order.
    for h in hints.iter().rev() {
        let label: String = h.label.iter().map(|p| &*p.text).collect();
        let pad_l = if h.padding_left { " " } else { "" };
        let pad_r = if h.padding_right { " " } else { "" };
        out.insert_str(h.offset as usize, &format!("{pad_l}⟨{label}⟩{pad_r}"));
    }
    out
}

fn check_with(src: &str, config: InlayHintsConfig, expected: Expect) {
    let f = fixture(src);
    let whole = Span::new(0, f.text.len() as u32);
    let hints = inlay_hints(&f.analysis, whole, &config);
    assert!(
        hints.windows(2).all(|w| w[0].offset <= w[1].offset),
        "hints are sorted"
    );
    expected.assert_eq(&render(&f, &hints));
}

fn check(src: &str, expected: Expect) {
    // Every hint kind on: what each shows (the defaults are calmer: `calm_defaults`).
    let all = InlayHintsConfig {
        closure_captures: true,
        captured_uses: true,
        all_captures: true,
    };
    check_with(src, all, expected);
}

#[test]
fn ninja() {
    check(
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
        expect![[r#"
            var ninja = "Muneyoshi";
            function skulk() {
              var action = "Skulking";
              ⟨captures: action⟩ function report() {
                var intro = "Aaaaa";
                console.log(intro, action⟨↑skulk⟩, ninja);
              }
              report();
            }
            skulk();
        "#]],
    );
}

#[test]
fn closure_outlives_its_outer_function() {
    check(
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
        expect![[r#"
            var outerValue = "samurai";
            var later;
            function outerFunction() {
              var innerValue = "ninja";
              ⟨captures: innerValue⟩ function innerFunction() { console.log(outerValue, innerValue⟨↑outerFunction⟩); }
              later = innerFunction;
            }
            outerFunction();
            later();
        "#]],
    );
}

#[test]
fn loops_top_level_and_in_a_function() {
    check(
        r#"for (let i = 0; i < 3; i++) setTimeout(() => console.log(i));
for (var j = 0; j < 3; j++) setTimeout(() => console.log(j));
function f() {
  for (var k = 0; k < 3; k++) setTimeout(() => console.log(k));
}
"#,
        expect![[r#"
            for (let i = 0; i < 3; i++) setTimeout(⟨captures: i⟩ () => console.log(i⟨↑<for loop>⟩));
            for (var j = 0; j < 3; j++) setTimeout(() => console.log(j));
            function f() {
              for (var k = 0; k < 3; k++) setTimeout(⟨captures: mut k⟩ () => console.log(k⟨↑f (mut)⟩));
            }
        "#]],
    );
}

#[test]
fn mutable_captures_are_marked() {
    check(
        "function counter(step) {\n  let count = 0;\n  return () => (count += step);\n}",
        expect![[r#"
            function counter(step) {
              let count = 0;
              return ⟨captures: mut count, step⟩ () => (count⟨↑counter (mut)⟩ += step⟨↑counter⟩);
            }"#]],
    );
}

#[test]
fn captures_only() {
    check_with(
        "function f(a) {\n  return () => a;\n}",
        InlayHintsConfig {
            closure_captures: true,
            captured_uses: false,
            all_captures: true,
        },
        expect![[r#"
            function f(a) {
              return ⟨captures: a⟩ () => a;
            }"#]],
    );
}

#[test]
fn uses_only() {
    check_with(
        "function f(a) {\n  return () => a;\n}",
        InlayHintsConfig {
            closure_captures: false,
            captured_uses: true,
            all_captures: true,
        },
        expect![[r#"
            function f(a) {
              return () => a⟨↑f⟩;
            }"#]],
    );
}

#[test]
fn only_hints_that_start_in_the_range() {
    let f = fixture("function f(a) {\n  return () => a;\n}\nfunction g(b) {\n  return () => b;\n}");
    let second = f.text.find("function g").unwrap() as u32;
    let range = Span::new(second, f.text.len() as u32);
    let hints = inlay_hints(&f.analysis, range, &InlayHintsConfig::default());
    expect![[r#"
        function f(a) {
          return () => a;
        }
        function g(b) {
          return ⟨captures: b⟩ () => b;
        }"#]]
    .assert_eq(&render(&f, &hints));
}

#[test]
fn label_parts_link_to_declarations() {
    let f = fixture("function outer() {\n  let a = 1, b = 2;\n  b++;\n  return () => a + b;\n}");
    let whole = Span::new(0, f.text.len() as u32);
    let mut out = String::new();
    for h in inlay_hints(&f.analysis, whole, &InlayHintsConfig::default()) {
        assert_eq!(h.tooltip, None, "tooltips are left to resolve");
        let h = resolve_inlay_hint(&f.analysis, h.id).expect("a hint of this analysis resolves");
        out.push_str(&format!("{:?} at {}\n", h.id.kind, f.pos(h.offset)));
        for p in &h.label {
            match p.target {
                Some(t) => out.push_str(&format!(
                    "  {:?} → `{}` at {}\n",
                    p.text,
                    f.slice(t),
                    f.pos(t.start)
                )),
                None => out.push_str(&format!("  {:?}\n", p.text)),
            }
        }
        out.push_str(&format!(
            "  tooltip: {}\n",
            h.tooltip
                .as_deref()
                .unwrap_or("-")
                .replace("\n\n", "\n")
                .replace('\n', "\n    ")
        ));
    }
    expect![[r#"
        ClosureCaptures at 4:10
          "captures: "
          "a" → `a` at 2:7
          ", "
          "mut b" → `b` at 2:14
          tooltip: `<arrow at 4:10>` captures these bindings of outer environments, which stay alive as long as the closure does:
            - `a`: `let` in the function environment of `outer`, line 2
            - `b`: `let` in the function environment of `outer`, line 2 — mutable: assigned after its declaration, closures see the change
    "#]].assert_eq(&out);
}

#[test]
fn methods_and_named_function_expressions() {
    check(
        "function make(base) {\n  const o = {\n    get() { return base; },\n  };\n  const f = function named() { return base + o.get(); };\n  return [o, f];\n}",
        expect![[r#"
            function make(base) {
              const o = {
                get⟨captures: base⟩ () { return base⟨↑make⟩; },
              };
              const f = ⟨captures: base, o⟩ function named() { return base⟨↑make⟩ + o⟨↑make⟩.get(); };
              return [o, f];
            }"#]],
    );
}

#[test]
fn resolving_gives_the_same_hint_with_its_tooltip() {
    let f = fixture(
        "function outer(p) {\n  let n = 0;\n  const f = () => { n++; return p + n; };\n  return function named() { return f() + named; };\n}",
    );
    let whole = Span::new(0, f.text.len() as u32);
    let all = InlayHintsConfig {
        closure_captures: true,
        captured_uses: true,
        all_captures: true,
    };
    let mut hints = inlay_hints(&f.analysis, whole, &all);
    assert!(hints.len() >= 4, "{hints:?}");
    hints.extend(inlay_hints(
        &f.analysis,
        whole,
        &InlayHintsConfig::default(),
    ));
    for hint in hints {
        let resolved = resolve_inlay_hint(&f.analysis, hint.id).expect("resolves");
        assert!(resolved.tooltip.is_some());
        assert_eq!(
            InlayHint {
                tooltip: None,
                ..resolved
            },
            hint
        );
    }
}

#[test]
fn an_id_that_names_no_hint_resolves_to_nothing() {
    let f = fixture("function f(a) {\n  return () => a;\n}");
    let nowhere = |kind, anchor| resolve_inlay_hint(&f.analysis, InlayHintId { kind, anchor });
    // The start of `function f` (a function, but it captures nothing), of `return`, past the end.
    assert_eq!(nowhere(InlayHintKind::ClosureCaptures, 0), None);
    assert_eq!(nowhere(InlayHintKind::CapturedUse, 18), None);
    assert_eq!(nowhere(InlayHintKind::ClosureCaptures, u32::MAX), None);
    assert_eq!(nowhere(InlayHintKind::CapturedUse, u32::MAX), None);
}

#[test]
fn calls_to_captured_functions_and_classes_are_not_marked_but_listed() {
    check(
        "import { helper } from './h.js';\nfunction main() {\n  class Point {}\n  function make() { return new Point(); }\n  let count = 0;\n  return () => { count++; return [make(), helper(), count]; };\n}",
        expect![[r#"
            import { helper } from './h.js';
            ⟨captures: helper⟩ function main() {
              class Point {}
              ⟨captures: Point⟩ function make() { return new Point(); }
              let count = 0;
              return ⟨captures: mut count, make, helper⟩ () => { count⟨↑main (mut)⟩++; return [make(), helper(), count⟨↑main (mut)⟩]; };
            }"#]],
    );
}

/// The defaults: closure hints list only what enclosing functions hold (not module-level
/// bindings, not functions or imports), fold after three names, and uses get no hint.
#[test]
fn calm_defaults() {
    check_with(
        r#"//- app.mjs
import { helper } from "./helper.js";
let counter = 0;
function make(a, b, c, d) {
  const label = "x";
  return () => helper(counter, a, b, c, d, label);
}
export const bump = () => counter++;
"#,
        InlayHintsConfig::default(),
        expect![[r#"
            import { helper } from "./helper.js";
            let counter = 0;
            function make(a, b, c, d) {
              const label = "x";
              return ⟨captures: a, b, c, +2 more⟩ () => helper(counter, a, b, c, d, label);
            }
            export const bump = () => counter++;
        "#]],
    );
}

#[test]
fn use_hints_follow_the_closure_hints_rule() {
    // `capturedUses` on, `allCaptures` off: a use gets `↑owner` only when the closure's own hint
    // would list the binding — state of an enclosing function, never module-level state.
    let uses = InlayHintsConfig {
        closure_captures: true,
        captured_uses: true,
        all_captures: false,
    };
    check_with(
        r#"//- lib.cjs
var path = require("path");
let hits = 0;
function serve(root) {
  return function handle(req) {
    hits++;
    return path.join(root, req.url);
  };
}
"#,
        uses,
        expect![[r#"
            var path = require("path");
            let hits = 0;
            function serve(root) {
              return ⟨captures: root⟩ function handle(req) {
                hits++;
                return path.join(root⟨↑serve⟩, req.url);
              };
            }
        "#]],
    );
    check_with(
        r#"//- app.mjs
let counter = 0;
function make(a) {
  return () => counter + a;
}
"#,
        uses,
        expect![[r#"
            let counter = 0;
            function make(a) {
              return ⟨captures: a⟩ () => counter + a⟨↑make⟩;
            }
        "#]],
    );
}
