//! Pitfall diagnostics: each fixture marks the expected code at the end of a line
//! (`// expect: tdz`); every other line must stay clean. Quick fixes are applied and the result
//! re-analysed.

use expect_test::{Expect, expect};

use super::fixture;
use crate::engine::{Input, analyze_in_thread};
use crate::ide::{PitfallsConfig, apply_fix, pitfalls};

/// Every line with `// expect: code` gets exactly that diagnostic; no other line gets any.
fn check_lines(src: &str) {
    let f = fixture(src);
    let found = pitfalls(&f.analysis, &PitfallsConfig::default());
    let mut got: Vec<(u32, &str)> = found
        .iter()
        .map(|p| {
            (
                f.analysis.line_index.line(p.span.start) + 1,
                p.code.as_str(),
            )
        })
        .collect();
    got.dedup();
    let want: Vec<(u32, &str)> = f
        .text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| Some((i as u32 + 1, l.split("// expect: ").nth(1)?.trim())))
        .collect();
    assert_eq!(got, want, "diagnostics (line, code)");
}

/// The diagnostics with their messages, then each fix applied.
fn check_fixes(src: &str, expected: Expect) {
    let f = fixture(src);
    let found = pitfalls(&f.analysis, &PitfallsConfig::default());
    let mut out = String::new();
    for p in &found {
        out.push_str(&format!(
            "{} {}: {}\n",
            f.pos(p.span.start),
            p.code.as_str(),
            p.message
        ));
        for fix in &p.fixes {
            let fixed = apply_fix(&f.text, fix);
            let again = analyze_in_thread(&Input::new(&fixed, "test.js"));
            let left = pitfalls(&again, &PitfallsConfig::default())
                .iter()
                .filter(|q| q.code == p.code)
                .count();
            out.push_str(&format!(
                "  fix `{}` ({} {} left):\n{}",
                fix.title,
                left,
                p.code.as_str(),
                fixed
                    .lines()
                    .map(|l| format!("    {l}\n"))
                    .collect::<String>()
            ));
        }
    }
    expected.assert_eq(&out);
}

#[test]
fn codes_and_clean_lines() {
    check_lines(
        r#"var fns = [];
for (var i = 0; i < 3; i++) {
  fns.push(function () { return i; }); // expect: loop-var-capture
}
for (var k in obj) { setTimeout(() => console.log(k)); } // expect: loop-var-capture
for (var j = 0, n = 3; j < n; j++) { setTimeout(() => n); }
for (let m = 0; m < 3; m++) { setTimeout(() => m); }
for (var s = 0; s < 3; s++) { use(s); }
function f(v) {
  use(x); // expect: tdz
  let x = 1;
  use(x);
  const y = y + 1; // expect: tdz
  const later = () => z;
  let z = 2;
  new B(); // expect: tdz
  class B {}
  typeof u; // expect: tdz
  let u;
  switch (v) {
    case 0: let c = 1; break;
    case 1: use(c); // expect: tdz
  }
  switch (v) {
    case 0: let d = 1;
    case 1: use(d);
  }
  let [p = 1, q = p] = [];
  let { r = t, t } = {}; // expect: tdz
  function inner() { return late; }
  let late = 3;
}
function g(a = b, b) {} // expect: tdz
function g2(a, b = a) {}
function h() { total = 1; total += 2; } // expect: implicit-global
exports.ok = function () {};
(function () { "use strict"; let w; w = 1; })();
"#,
    );
}

#[test]
fn fixes_apply_and_clear_the_diagnostic() {
    check_fixes(
        r#"var fns = [];
for (var i = 0; i < 3; i++) {
  fns.push(() => i);
}
function h() {
  total = 1;
  return total;
}
"#,
        expect![[r#"
            3:18 loop-var-capture: `i` is one `var` binding of the global environment, shared by every iteration: the closure `<arrow passed to fns.push at 3:12>` created in the loop body sees `i` as it is when the closure runs — after the loop, its last value — not as it was when the closure was made. `let` gives each iteration its own copy.
              fix `Declare with `let`: one binding per iteration` (0 loop-var-capture left):
                var fns = [];
                for (let i = 0; i < 3; i++) {
                  fns.push(() => i);
                }
                function h() {
                  total = 1;
                  return total;
                }
            6:3 implicit-global: `total` is not declared in any environment here: in sloppy code this assignment creates a property of the global object (an implicit global), shared with every script and never collected; strict code would throw a ReferenceError. Declare it, or assign `globalThis.total` if a global is meant.
              fix `Declare `total` with `var` (local to `h`)` (0 implicit-global left):
                var fns = [];
                for (var i = 0; i < 3; i++) {
                  fns.push(() => i);
                }
                function h() {
                  var total = 1;
                  return total;
                }
              fix `Assign `globalThis.total`: a global on purpose` (0 implicit-global left):
                var fns = [];
                for (var i = 0; i < 3; i++) {
                  fns.push(() => i);
                }
                function h() {
                  globalThis.total = 1;
                  return total;
                }
        "#]],
    );
}
