//! Syntax errors degrade answers locally: the rest of the file keeps exact answers.

use expect_test::expect;

use super::{analyze_as, dump};
use crate::engine::{Input, Span, analyze_in_thread};

#[test]
fn a_broken_line_is_blanked_and_the_rest_analysed() {
    let a = analyze_as(
        "function a() { var x = 1; return () => x; }\nfunction b() { if ( }\nfunction c() { var y = 2; return y; }\n",
        "broken.js",
    );
    assert!(!a.syntax_errors.is_empty());
    assert_eq!(a.degradation.blanked.len(), 1);
    expect![[r#"
        kind: script
        global globalThis
          · function a
          · function c
          function a
            · var x captured by <arrow at 1:34>
            function <arrow at 1:34> (captures x)
          function c
            · var y
        x 1:40 → function a, hops 1, captured
        y 3:34 → function c, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn an_unclosed_brace_is_found_and_blanked() {
    let a = analyze_as(
        "function a() { var x = 1; return x; }\nfunction b() {\n  var z = 1;\nfunction c() { var y = 2; return y; }\n",
        "unclosed.js",
    );
    assert!(a.degradation.unanalysed.is_none(), "{:?}", a.degradation);
    expect![[r#"
        kind: script
        global globalThis
          · function a
          · var z
          · function c
          function a
            · var x
          function c
            · var y
        x 1:34 → function a, hops 0
        y 4:34 → function c, hops 0
    "#]]
    .assert_eq(&dump(&a));
}

#[test]
fn the_edited_region_is_blanked_first() {
    let text = "function a() { var x = 1; return x; }\nfunction b() { let q = ; }\n";
    let start = text.find("let q").unwrap() as u32;
    let mut input = Input::new(text, "edit.js");
    input.edited = Some(Span::new(start, start + 9));
    let a = analyze_in_thread(&input);
    assert_eq!(a.degradation.blanked.len(), 1);
    let x = a
        .references
        .iter()
        .find(|r| a.name(r.name) == "x")
        .expect("x is still referenced");
    assert!(x.binding.is_some());
}

#[test]
fn deep_nesting_is_refused_not_crashed() {
    let text = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let a = analyze_as(&text, "deep.js");
    assert!(
        a.degradation
            .unanalysed
            .as_deref()
            .unwrap_or("")
            .contains("nested")
    );
    let prefix = format!("{}x", "!".repeat(200_000));
    let b = analyze_as(&prefix, "bangs.js");
    assert!(b.degradation.unanalysed.is_some());
}

#[test]
fn nesting_below_the_limit_is_analysed() {
    let text = format!("var v;{}v{}", "(".repeat(5_000), ")".repeat(5_000));
    let a = analyze_as(&text, "nested.js");
    assert!(a.degradation.unanalysed.is_none());
    assert_eq!(a.references.len(), 1);
    assert!(a.references[0].binding.is_some());
}

#[test]
fn an_error_at_the_end_blanks_the_last_line_with_code() {
    // After the unterminated string is blanked, `const` meets the end of the input.
    let a = analyze_as("let a = 1;\nf(a);const \n'", "eof-error.js");
    assert!(a.degradation.unanalysed.is_none(), "{:?}", a.degradation);
    assert_eq!(a.degradation.blanked.len(), 2);
    assert_eq!(a.declarations.len(), 1, "`a` is still declared");
}

#[test]
fn with_an_earlier_analysis_only_the_edited_lines_are_blanked() {
    // The header of `b` is being retyped: blanking it leaves a stray `}`. Blanking that too would
    // make `z` a global, so the result is unanalysed and the caller keeps its earlier analysis.
    let text = "function a() { return 1; }\nfunc\n  var z = 1;\n}\n";
    let start = text.find("func\n").unwrap() as u32;
    let mut input = Input::new(text, "retype.js");
    input.edited = Some(Span::new(start, start + 4));
    let a = analyze_in_thread(&input);
    assert!(a.degradation.unanalysed.is_some());
    let progressive = analyze_as(text, "retype.js");
    assert!(progressive.degradation.unanalysed.is_none());
}

#[test]
fn an_error_that_was_already_there_is_blanked_again_with_the_edit() {
    // Line 3 was broken before the user started typing on line 1: the earlier analysis blanked
    // it. Typing on line 1 must not leave the file unanalysed because of line 3.
    let text =
        "function a() { var x = 1; return x; }\nfunction b() { return 2; }\nlet broken = ;\n";
    let edit = text.find("return 2").unwrap() as u32;
    let line3 = text.find("let broken").unwrap() as u32;
    let earlier = [Span::new(line3, line3 + 14)];
    let mut input = Input::new(text, "persisting.js");
    input.edited = Some(Span::new(edit, edit + 1));
    input.previously_blanked = &earlier;
    let a = analyze_in_thread(&input);
    assert!(a.degradation.unanalysed.is_none(), "{:?}", a.degradation);
    assert!(
        a.references
            .iter()
            .any(|r| a.name(r.name) == "x" && r.binding.is_some())
    );
    // Without the earlier regions the edited lines alone are not enough.
    input.previously_blanked = &[];
    assert!(analyze_in_thread(&input).degradation.unanalysed.is_some());
}
