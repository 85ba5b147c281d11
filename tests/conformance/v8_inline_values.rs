//! Inline values against V8. At every `debugger;` pause of the fixtures (the same Node runs as
//! `v8.rs`), the names scopelens asks the debugger to look up (`ide::inline_values`, the whole
//! file visible) must be exactly the names V8 lists in the paused frame's local, block, catch,
//! closure, script and module scopes that occur (declared, assigned or read) from the top of the
//! file to the end of the stopped line; and no name scopelens marks "not kept by V8" may be in
//! those scopes. A name V8 lists that occurs there but gets no lookup must be one of the
//! explained cases below, each counted (docs/fidelity.md).

use std::collections::BTreeSet;

use scopelens::engine::{Analysis, Span};
use scopelens::ide::{InlineValue, PausedFrame, inline_values};
use scopelens::text::{Encoding, LineCol};

use super::v8::{Pause, Stats, v8_binding_names};

/// The V8 scopes whose variables the debugger shows for the paused frame (not the global object).
const FRAME_SCOPES: [&str; 6] = ["local", "block", "catch", "closure", "script", "module"];

pub(super) fn check_pause(
    a: &Analysis,
    text: &str,
    pause: &Pause,
    diffs: &mut Vec<String>,
    stats: &mut Stats,
) {
    let Some(at) = a.line_index.offset(
        LineCol {
            line: pause.line,
            col: pause.column,
        },
        Encoding::Utf16,
    ) else {
        return;
    };
    let (line, col) = a.line_index.human(at);
    let here = format!("{line}:{col} inline values");
    if pause.scopes.is_empty() {
        // V8 shows no chain in class static blocks (v8.rs counts the exclusion).
        return;
    }
    let v8: BTreeSet<&str> = pause
        .scopes
        .iter()
        .filter(|s| FRAME_SCOPES.contains(&s.kind.as_str()))
        .flat_map(v8_binding_names)
        .collect();
    let line_end = a
        .line_index
        .offset(
            LineCol {
                line: pause.line + 1,
                col: 0,
            },
            Encoding::Utf8,
        )
        .unwrap_or(text.len() as u32);
    let region = Span::new(0, line_end);
    // Every identifier written in the region, whatever it means.
    let occurring: BTreeSet<&str> = a
        .references_in(region)
        .iter()
        .map(|r| a.name(r.name))
        .chain(
            a.declarations_in(region)
                .iter()
                .map(|d| a.binding_name(d.binding)),
        )
        .collect();
    let values = inline_values(a, at, Span::new(0, text.len() as u32));
    let mut lookups = BTreeSet::new();
    let mut notes = BTreeSet::new();
    for v in &values {
        match v {
            InlineValue::Lookup { name, .. } => {
                lookups.insert(*name);
            }
            InlineValue::Note { span, .. } => {
                notes.insert(&text[span.start as usize..span.end as usize]);
            }
        }
    }
    stats.inline_pauses += 1;
    stats.inline_lookups += lookups.len();
    stats.inline_notes += notes.len();
    for name in lookups.difference(&v8) {
        diffs.push(format!(
            "{here}: scopelens looks up `{name}`, which V8 does not have in the paused frame"
        ));
    }
    for name in notes.intersection(&v8) {
        diffs.push(format!(
            "{here}: scopelens says V8 dropped `{name}`, but V8 lists it"
        ));
    }
    let mut frame = PausedFrame::at(a, at);
    for &name in v8.intersection(&occurring) {
        if lookups.contains(name) {
            continue;
        }
        let visible = a.resolve(frame.here, name).map(|(b, _)| b);
        let why = match visible {
            Some(b) if frame.in_tdz(b) => {
                Some("inline values: a let/const before its initialization (V8 lists it, unset)")
            }
            Some(b) if frame.sees(b) && !occurs_as(a, region, b) => {
                Some("inline values: the name occurs only as other bindings")
            }
            // As in v8.rs: V8 lists `arguments` wherever a direct eval could reach it; scopelens
            // binds it only where it is referenced.
            None if name == "arguments" => {
                Some("inline values: `arguments` listed by V8 but never referenced")
            }
            _ if a
                .references_in(region)
                .iter()
                .any(|r| r.dynamic && a.name(r.name) == name) =>
            {
                Some("inline values: dynamic (with / sloppy eval): not looked up")
            }
            _ => None,
        };
        match why {
            Some(why) => stats.exclude(why),
            None => diffs.push(format!(
                "{here}: V8 has `{name}` and it occurs before the pause, but scopelens does not look it up"
            )),
        }
    }
}

/// Whether some identifier in `region` declares or uses `binding` itself.
fn occurs_as(a: &Analysis, region: Span, binding: scopelens::engine::BindingId) -> bool {
    a.references_in(region)
        .iter()
        .any(|r| r.binding == Some(binding))
        || a.declarations_in(region)
            .iter()
            .any(|d| d.binding == binding)
}

/// The checker sees disagreements: a lookup V8 does not have, a "not kept" name V8 lists, and a
/// name V8 has that scopelens does not look up.
#[test]
fn checker_reports_fabricated_disagreements() {
    let text =
        "function f() {\n  var x = 1, y = 2;\n  return () => { debugger; [x]; };\n}\nf()();\n";
    let a = scopelens::engine::analyze_in_thread(&scopelens::engine::Input::new(text, "t.js"));
    let pause = |closure: &[&str]| -> Pause {
        serde_json::from_value(serde_json::json!({
            "line": 2, "column": 17, "function": "", "functionLocation": {"line": 2, "column": 9},
            "scopes": [
                {"type": "local", "name": "", "start": {"line": 2, "column": 9}, "names": []},
                {"type": "closure", "name": "f", "start": {"line": 0, "column": 10}, "names": closure},
                {"type": "global", "name": null, "start": null, "names": ["f"]},
            ]
        }))
        .unwrap()
    };
    let run = |p: &Pause| {
        let mut diffs = Vec::new();
        check_pause(&a, text, p, &mut diffs, &mut Stats::default());
        diffs
    };
    assert_eq!(run(&pause(&["x"])), Vec::<String>::new());
    let d = run(&pause(&[]));
    assert!(d.iter().any(|d| d.contains("looks up `x`")), "{d:?}");
    let d = run(&pause(&["x", "y"]));
    assert!(d.iter().any(|d| d.contains("dropped `y`")), "{d:?}");
    // `f` in a closure scope, where scopelens says it is a global object property.
    let d = run(&pause(&["x", "f"]));
    assert!(d.iter().any(|d| d.contains("V8 has `f`")), "{d:?}");
}
