//! Hover sections and code lenses while a heap snapshot is loaded. The report is built here the
//! way `heap::join` builds it (the snapshot side is tested in `tests/heap` and `tests/lsp`): one
//! function with live closures, its Context's variables, one kept only for a sibling.

use expect_test::{Expect, expect};

use super::fixture;
use crate::engine::{Analysis, EnvId};
use crate::heap::{ContextReport, FunctionReport, VariableReport};
use crate::ide::{RankedFunction, heap_hover, heap_lenses, owner};

const LEAK: &str = r#"let theThing = null;
function replaceThing() {
  const originalThing = theThing;
  const unused = function () {
    if (originalThing) console.log('hi');
  };
  theThing = {
    longStr: new Array(100000).join('*'),
    someMethod() {
      console.log('someMethod');
    },
  };
}
"#;

fn closure(a: &Analysis, name: &str) -> EnvId {
    a.env_ids()
        .find(|&e| a.env(e).is_closure() && owner(a, e).to_string() == name)
        .unwrap_or_else(|| panic!("no closure {name}"))
}

/// `someMethod`: 20 instances keeping `originalThing` only for `unused`; `replaceThing`: one.
fn report(a: &Analysis) -> Vec<RankedFunction> {
    let function = |rank, name: &str, instances, retained_bytes, variables| {
        let env = closure(a, name);
        let offset = a.env(env).span.start;
        let (line, column) = a.line_index.human(offset);
        RankedFunction {
            rank,
            function: FunctionReport {
                name: name.to_string(),
                file: "leak.js".into(),
                path: "/w/leak.js".into(),
                env: Some(env),
                offset,
                line,
                column,
                instances,
                retained_bytes,
                node_ids: Vec::new(),
                contexts: vec![ContextReport {
                    environment: None,
                    count: instances,
                    retained_bytes,
                    shared_by: 2,
                    node_ids: Vec::new(),
                    variables,
                    omitted_variables: 0,
                    omitted_bytes: 0,
                    described_with: None,
                }],
                aligned: true,
            },
        }
    };
    let var = |name: &str, retained_bytes, kept_for_siblings| VariableReport {
        name: name.into(),
        binding: None,
        retained_bytes,
        captured_by: vec!["unused".into()],
        captured_by_omitted: 0,
        kept_for_siblings,
    };
    let mut list = vec![
        function(1, "replaceThing", 1, 900, vec![var("theThing", 800, false)]),
        function(
            0,
            "someMethod",
            20,
            158_500,
            vec![var("originalThing", 156_600, true), var("this", 16, false)],
        ),
    ];
    list.sort_by_key(|r| r.function.offset);
    list
}

fn check(src: &str, expected: Expect) {
    let f = fixture(src);
    let functions = report(&f.analysis);
    let actual = match heap_hover(&f.analysis, f.cursor(), &functions) {
        Some(h) => format!("on `{}`\n{}\n", f.slice(h.range), h.markdown),
        None => "none\n".into(),
    };
    expected.assert_eq(&actual);
}

/// `LEAK` with the cursor where `|` is in `marker` (its first occurrence).
fn at(marker: &str) -> String {
    LEAK.replacen(&marker.replace('|', ""), &marker.replace('|', "$0"), 1)
}

#[test]
fn hover_on_a_method_key_shows_instances_bytes_and_the_sibling_mark() {
    check(
        &at("so|meMethod()"),
        expect![[r#"
            on `someMethod`
            **Heap snapshot:** 20 live instances retain **158.5 KB**
            - `originalThing` 156.6 KB — **kept only for a sibling closure** (`unused` captures it; this one never uses it)
        "#]],
    );
}

#[test]
fn hover_on_a_function_name_and_its_keyword() {
    let expected = expect![[r#"
        on `replaceThing`
        **Heap snapshot:** 1 live instance retains **900 B**
        - `theThing` 800 B
    "#]];
    check(&at("function repl|aceThing"), expected);
    check(
        &at("fun|ction replaceThing"),
        expect![[r#"
            on `function`
            **Heap snapshot:** 1 live instance retains **900 B**
            - `theThing` 800 B
        "#]],
    );
}

#[test]
fn no_section_for_functions_without_live_closures_or_off_functions() {
    // `unused` has no live instance in the report; `theThing` is not a function.
    check(&at("= func|tion ()"), expect!["none\n"]);
    check(&at("let the|Thing"), expect!["none\n"]);
}

#[test]
fn lenses_on_the_biggest_functions_still_in_place() {
    let f = fixture(LEAK);
    let functions = report(&f.analysis);
    let lenses: Vec<String> = heap_lenses(&f.analysis, &functions)
        .iter()
        .map(|l| format!("{} {}", f.pos(l.offset), l.title))
        .collect();
    expect![[r#"
        [
            "2:1 900 B retained by 1 instance · kept alive: theThing (800 B)",
            "9:15 158.5 KB retained by 20 instances · kept alive: originalThing (156.6 KB) · only for a sibling: originalThing",
        ]
    "#]]
    .assert_debug_eq(&lenses);

    // The file edited since the snapshot: a function that moved gets no lens.
    let edited = fixture(&format!("// a new first line\n{LEAK}"));
    assert!(heap_lenses(&edited.analysis, &functions).is_empty());
}
