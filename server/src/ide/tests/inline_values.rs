//! Inline values at a pause (`$0` is where the debugger stopped; the whole file is visible):
//! under `at L:C` (each `$0`), `L:C name` for each lookup, `L:C name: note` where V8 dropped a binding.

use expect_test::{Expect, expect};

use super::fixture;
use crate::engine::Span;
use crate::ide::{InlineValue, inline_values};

/// Every `$0` is a pause of its own: the values at each, under `at L:C`.
fn check(src: &str, expected: Expect) {
    let mut stops = Vec::new();
    let mut text = String::new();
    for (i, piece) in src.split("$0").enumerate() {
        if i > 0 {
            stops.push(text.len() as u32);
        }
        text.push_str(piece);
    }
    let f = fixture(&text);
    let all = Span::new(0, f.text.len() as u32);
    let mut out = String::new();
    for stop in stops {
        out.push_str(&format!("at {}\n", f.pos(stop)));
        for value in inline_values(&f.analysis, stop, all) {
            match value {
                InlineValue::Lookup { span, name } => {
                    assert_eq!(f.slice(span), name, "a lookup names what is written there");
                    out.push_str(&format!("  {} {name}\n", f.pos(span.start)));
                }
                InlineValue::Note { span, text } => {
                    out.push_str(&format!(
                        "  {} {}: {text}\n",
                        f.pos(span.start),
                        f.slice(span)
                    ));
                }
            }
        }
    }
    expected.assert_eq(&out);
}

#[test]
fn shadowing_inner_let_hides_outer_x() {
    check(
        r#"function outer() {
  let x = 1;
  let y = x;
  console.log(x);
  {
    let x = 2;
    x += 1;
    $0debugger;
  }
  return () => {
    let y = 3;
    $0debugger;
  };
}
"#,
        expect![[r#"
            at 8:5
              3:7 y
              6:9 x
              7:5 x
            at 12:5
              2:7 x: not kept by V8: no closure captures it
              11:9 y
        "#]],
    );
}

#[test]
fn closure_sees_captured_and_not_dropped() {
    check(
        r#"function outer(a, unusedParam) {
  const kept = a + 1;
  const dropped = a * 2;
  console.log(dropped);
  return function inner(b) {
    const local = b + kept;
    $0debugger;
  };
}
"#,
        expect![[r#"
            at 7:5
              1:16 a: not kept by V8: no closure captures it
              1:19 unusedParam: not kept by V8: no closure captures it
              2:9 kept
              3:9 dropped: not kept by V8: no closure captures it
              5:25 b
              6:11 local
              6:19 b
              6:23 kept
        "#]],
    );
}

#[test]
fn loop_let() {
    check(
        r#"function run(items) {
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    $0debugger;
    total += item;
  }
  for (let j = 0; j < 1; j++) {}
  return total;
}
function later(items) {
  let count = 0;
  for (let i = 0; i < items.length; i++) {
    setTimeout(() => { $0debugger; count += i; });
  }
}
"#,
        expect![[r#"
            at 5:5
              1:14 items
              2:7 total
              3:12 i
              3:19 i
              3:23 items
              3:37 i
              4:11 item
              4:18 items
              4:24 i
            at 14:24
              11:16 items: not kept by V8: no closure captures it
              12:7 count
              13:12 i
              13:19 i
              13:37 i
              14:34 count
              14:43 i
        "#]],
    );
}

#[test]
fn catch_parameter() {
    check(
        r#"function load() {
  const path = "x";
  try {
    JSON.parse(path);
  } catch (err) {
    const message = err.message;
    $0debugger;
  }
}
function other() {
  const unused = 1;
  try {} catch (err) { return () => { $0debugger; err; }; }
}
"#,
        expect![[r#"
            at 7:5
              2:9 path
              4:16 path
              5:12 err
              6:11 message
              6:21 err
            at 12:39
              11:9 unused: not kept by V8: no closure captures it
              12:17 err
              12:49 err
        "#]],
    );
}

#[test]
fn class_method() {
    check(
        r#"const scale = 2;
class Point {
  constructor(x) { this.x = x; }
  scaled(by) {
    const x = this.x * by * scale;
    $0debugger;
    return x;
  }
}
new Point(1).scaled(3);
function make(unit, unused) {
  return class {
    get size() { $0debugger; return unit; }
  };
}
"#,
        expect![[r#"
            at 6:5
              1:7 scale
              4:10 by
              5:11 x
              5:24 by
              5:29 scale
            at 13:18
              1:7 scale
              2:7 Point
              5:29 scale
              10:5 Point
              11:15 unit
              11:21 unused: not kept by V8: no closure captures it
              13:35 unit
        "#]],
    );
}

#[test]
fn temporal_dead_zone() {
    check(
        r#"function f() {
  const before = 1;
  $0debugger; let after = before;
  const later = 2;
  return () => later + after;
}
function g() {
  const use = () => { $0debugger; return value; };
  const value = 1;
  const dropped = 2;
  return use;
}
"#,
        expect![[r#"
            at 3:3
              2:9 before
              3:25 before
            at 8:23
              8:9 use: not kept by V8: no closure captures it
              8:40 value
              10:9 dropped: not kept by V8: no closure captures it
        "#]],
    );
}

#[test]
fn parameters_with_defaults() {
    check(
        r#"function f(a, b = a + 1, { c } = {}) {
  var a2 = a;
  const sum = a + b + c;
  $0debugger;
  return (d = b) => { $0debugger; return d; };
}
"#,
        expect![[r#"
            at 4:3
              1:12 a
              1:15 b
              1:19 a
              1:28 c
              2:7 a2
              2:12 a
              3:9 sum
              3:15 a
              3:19 b
              3:23 c
            at 5:23
              1:12 a: not kept by V8: no closure captures it
              1:15 b
              1:28 c: not kept by V8: no closure captures it
              2:7 a2: not kept by V8: no closure captures it
              3:9 sum: not kept by V8: no closure captures it
              3:19 b
              5:11 d
              5:15 b
              5:40 d
        "#]],
    );
}

#[test]
fn arguments_object() {
    check(
        r#"function f(first) {
  const n = arguments.length;
  const g = () => arguments[0];
  $0debugger;
}
function h(x, y) {
  return () => { $0debugger; return arguments[0]; };
}
"#,
        expect![[r#"
            at 4:3
              1:12 first
              2:9 n
              2:13 arguments
              3:9 g
              3:19 arguments
            at 7:18
              6:12 x
              6:15 y
              7:35 arguments
        "#]],
    );
}

#[test]
fn other_functions_names_are_not_looked_up() {
    check(
        r#"function a() { let value = 1; return value; }
function b() {
  let value = 2;
  $0debugger;
}
var global1 = 1;
global1;
"#,
        expect![[r#"
            at 4:3
              3:7 value
        "#]],
    );
}

#[test]
fn only_up_to_the_stopped_line_and_inside_visible_range() {
    let f = fixture(
        "function f() {\n  let a = 1;\n  let b = 2;\n  $0debugger; a; b;\n  let c = a;\n  c;\n}\n",
    );
    let line3 = f.text.find("  let b").unwrap() as u32;
    let names: Vec<String> = inline_values(
        &f.analysis,
        f.cursor(),
        Span::new(line3, f.text.len() as u32),
    )
    .into_iter()
    .map(|v| match v {
        InlineValue::Lookup { name, .. } => name.to_string(),
        InlineValue::Note { text, .. } => text,
    })
    .collect();
    assert_eq!(names, ["b", "a", "b"]);
}
