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
        for (span, note) in &p.related {
            out.push_str(&format!("  related {}: {note}\n", f.pos(span.start)));
        }
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
if (typeof _ == "function") { _ = wrap(_); }
if (!registry) registry = {};
exports.ok = function () {};
(function () { "use strict"; let w; w = 1; })();
"#,
    );
}

#[test]
fn loop_var_capture_in_every_loop_form_when_the_closure_escapes() {
    check_lines(
        r#"var list = [], i, el;
for (var a = 0; a < 3; a++) { setTimeout(function () { log(a); }); } // expect: loop-var-capture
for (var b in obj) { el.addEventListener("click", () => log(b)); } // expect: loop-var-capture
for (var c of items) { p.then(() => log(c)); } // expect: loop-var-capture
for (i = 0; i < 3; i++) {
  var d = items[i];
  list.push(() => d); // expect: loop-var-capture
}
while (i--) {
  var e = items[i];
  el["on" + e] = function () { return e; }; // expect: loop-var-capture
}
do {
  var g = next();
  emitter.on("x", () => g); // expect: loop-var-capture
} while (g);
for (var h of items) {
  function later() { return h; } // expect: loop-var-capture
  queueMicrotask(later);
}
for (var o in mod) {
  Object.defineProperty(exports, o, { get: function () { return mod[o]; } }); // expect: loop-var-capture
}
for (var q = 0; q < 3; q++) {
  items.forEach(function (x) { setTimeout(() => log(x, q)); }); // expect: loop-var-capture
}
"#,
    );
}

#[test]
fn loop_var_capture_quiet_when_the_closure_runs_within_its_iteration() {
    check_lines(
        r#"var out = [], done = false, i;
for (var a = 0; a < 3; a++) { out.push(items.map(function (x) { return x + a; })); }
for (var b in obj) { keys.forEach(function (k, j) { log(b, k, j); }); }
for (var c of items) { (function () { log(c); })(); }
for (var d of items) { (() => log(d)).call(this); }
for (var e of items) { const show = () => log(e); show(); }
for (var f of items) { function each() { log(f); } each(); }
for (var g of items) { out.sort((x, y) => x[g] - y[g]); }
for (var h of items) { new Promise((resolve) => resolve(h)); }
for (var k of items) { helper(() => k); }
for (var m = 0; m < 3; m++) { return () => m; }
for (let n = 0; n < 3; n++) { setTimeout(() => n); }
for (const p of items) { setTimeout(() => p); }
for (i = 0; i < 3; i++) { let q = i; setTimeout(() => q); }
for (var r = 0, len = items.length; r < len; r++) { setTimeout(() => len); }
while (i--) { var s; setTimeout(() => s); }
for (i = 0; i < 3; i++) { setTimeout(function () { var t = 1; return t; }); }
for (var u = 0; u < 3; u++) {
  context.addInitializer = function () { if (done) throw new Error(); };
}
done = true;
"#,
    );
}

#[test]
fn suppression_comments() {
    check_lines(
        r#"// scopelens-ignore-file tdz
for (var a = 0; a < 3; a++) {
  // scopelens-ignore-next-line loop-var-capture -- the timers read the final value on purpose
  setTimeout(() => log(a));
  setTimeout(() => log(a)); // expect: loop-var-capture
  // scopelens-ignore-next-line tdz
  setTimeout(() => log(a)); // expect: loop-var-capture
  /* scopelens-ignore-next-line */
  setTimeout(() => log(a));
}
use(x);
let x = 1;
function h() { total = 1; } // expect: implicit-global
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
            3:18 loop-var-capture: Every iteration shares one var i, so this function, kept by push, sees i as it is when called, not as it was in this iteration.
              related 2:10: i is declared with var: one binding in the global environment for every iteration (let would give each iteration its own)
              fix `Declare with let: one binding per iteration` (0 loop-var-capture left):
                var fns = [];
                for (let i = 0; i < 3; i++) {
                  fns.push(() => i);
                }
                function h() {
                  total = 1;
                  return total;
                }
            6:3 implicit-global: total is not declared, so this assignment creates a global variable (strict code would throw a ReferenceError).
              fix `Declare total with var (local to h)` (0 implicit-global left):
                var fns = [];
                for (var i = 0; i < 3; i++) {
                  fns.push(() => i);
                }
                function h() {
                  var total = 1;
                  return total;
                }
              fix `Assign globalThis.total: a global on purpose` (0 implicit-global left):
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

#[test]
fn loop_var_capture_fixes_where_let_changes_nothing_else() {
    check_fixes(
        r#"for (var k in handlers) {
  var handler = handlers[k];
  el.addEventListener(k, function (event) { handler(event, k); });
}
var last;
while (queue.length) {
  var job = queue.shift();
  last = job;
  job.done = () => report(job);
}
function f() {
  use(x);
  let x = 1;
}
"#,
        expect![[r#"
            3:45 loop-var-capture: Every iteration shares one var handler, so this function, run later by addEventListener, sees handler as it is when called, not as it was in this iteration.
              related 2:7: handler is declared with var: one binding in the global environment for every iteration (let would give each iteration its own)
              fix `Declare with let: one binding per iteration` (2 loop-var-capture left):
                for (var k in handlers) {
                  let handler = handlers[k];
                  el.addEventListener(k, function (event) { handler(event, k); });
                }
                var last;
                while (queue.length) {
                  var job = queue.shift();
                  last = job;
                  job.done = () => report(job);
                }
                function f() {
                  use(x);
                  let x = 1;
                }
            3:60 loop-var-capture: Every iteration shares one var k, so this function, run later by addEventListener, sees k as it is when called, not as it was in this iteration.
              related 1:10: k is declared with var: one binding in the global environment for every iteration (let would give each iteration its own)
              fix `Declare with let: one binding per iteration` (2 loop-var-capture left):
                for (let k in handlers) {
                  var handler = handlers[k];
                  el.addEventListener(k, function (event) { handler(event, k); });
                }
                var last;
                while (queue.length) {
                  var job = queue.shift();
                  last = job;
                  job.done = () => report(job);
                }
                function f() {
                  use(x);
                  let x = 1;
                }
            9:27 loop-var-capture: Every iteration shares one var job, so this function, stored in a property, sees job as it is when called, not as it was in this iteration.
              related 7:7: job is declared with var: one binding in the global environment for every iteration (let would give each iteration its own)
              fix `Declare with let: one binding per iteration` (2 loop-var-capture left):
                for (var k in handlers) {
                  var handler = handlers[k];
                  el.addEventListener(k, function (event) { handler(event, k); });
                }
                var last;
                while (queue.length) {
                  let job = queue.shift();
                  last = job;
                  job.done = () => report(job);
                }
                function f() {
                  use(x);
                  let x = 1;
                }
            12:7 tdz: x is used before its declaration (line 13) has run, so this throws a ReferenceError.
              related 13:7: x is a let binding of the function environment of f: it exists from the start of that environment but cannot be used until this declaration runs
        "#]],
    );
}

#[test]
fn implicit_global_at_a_script_top_level_is_on_purpose() {
    check_lines(
        r#"shared = function () {};
function f() { leaked = 1; } // expect: implicit-global
"#,
    );
    check_lines(
        r#"//- m.cjs
started = Date.now(); // expect: implicit-global
"#,
    );
}

#[test]
fn tdz_only_where_the_use_certainly_runs_first() {
    check_lines(
        r#"function f() {
  class A { x = B; m() { return B; } }
  class B {}
  const o = { get v() { return late; } };
  let late = 1;
  const g = function () { return c; };
  let c;
  use(typeof d); // expect: tdz
  let d;
  label: { use(e); } // expect: tdz
  let e;
}
"#,
    );
}
