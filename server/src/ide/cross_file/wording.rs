//! Imports across files, worded: where an import binding (or `ns.x`, `lib.a`) is bound in the
//! other module, and the modules the link passed through. The link itself is the workspace's
//! ([`crate::workspace`]); this only words it.

use std::path::Path;

use crate::engine::{
    Analysis, DeclarationKind, EnvKind, ExportTarget, FunctionFlavor, IdentifierAt, SourceKind,
    Span,
};
use crate::ide::describe::{describe_env, line};
use crate::workspace::{Target, TargetKind, Unlinked};

/// "`total` — imported binding → `function` binding in the **module environment of
/// `src/cart.mjs`**, line 4", with the chain of re-exports it went through.
pub fn import_link(
    name: &str,
    link: &Result<Target, Unlinked>,
    display: &dyn Fn(&Path) -> String,
) -> String {
    let target = match link {
        Ok(target) => target,
        Err(why) => return format!("`{name}` — imported binding: {}", unlinked(why, display)),
    };
    let file = display(&target.path);
    let a = &target.analysis;
    let mut out = match target.kind {
        TargetKind::Binding(binding) => {
            let b = a.binding(binding);
            let env = a.env(b.environment);
            let place = if env.function == Some(FunctionFlavor::CommonJsWrapper) {
                "CommonJS module wrapper".to_string()
            } else if env.kind == EnvKind::Module {
                "module environment".to_string()
            } else {
                describe_env(a, b.environment)
            };
            let other = a.name(b.name);
            let renamed = if other == name {
                String::new()
            } else {
                format!(" `{other}`")
            };
            format!(
                "`{name}` — imported binding → `{}` binding{renamed} in the **{place} of `{file}`**, line {}",
                b.declaration,
                line(a, b.span.start)
            )
        }
        TargetKind::Value(span) => format!(
            "`{name}` — imported binding → {} in **`{file}`**, line {}",
            value_kind(a, span),
            line(a, span.start)
        ),
        TargetKind::Module => format!("`{name}` — the whole module `{file}`"),
    };
    if target.export_name != name && target.kind != TargetKind::Module {
        out.push_str(&format!("\n- exported as `{}`", target.export_name));
    }
    if !target.chain.is_empty() {
        let hops: Vec<String> = target
            .chain
            .iter()
            .map(|(path, name)| format!("`{name}` of `{}`", display(path)))
            .chain(std::iter::once(format!("`{file}`")))
            .collect();
        out.push_str(&format!("\n- re-exported: {}", hops.join(" → ")));
    }
    if let Some(note) = &target.runtime_note {
        out.push_str(&format!("\n- ⚠ {note}"));
    }
    out
}

/// What an exported value with no binding of its own is, as a developer reads it: "the
/// function `set`" (`exports.set = function set() {}`), "a function" (`exports.a = () => …`),
/// "a class", or "a value" (`export default 1 + 2`).
fn value_kind(a: &Analysis, span: Span) -> String {
    if let Some(IdentifierAt::Declaration(d)) = a.identifier_at(span.start) {
        let b = a.binding(d.binding);
        match b.declaration {
            DeclarationKind::FunctionName => return format!("the function `{}`", a.name(b.name)),
            DeclarationKind::ClassName => return format!("the class `{}`", a.name(b.name)),
            _ => {}
        }
    }
    // `exports.get = function () {}`: the span is the property; the value is the next
    // environment on the line, if nothing is referenced in between (`wrap(function () {})` is
    // not a function).
    let next = a
        .env_by_start
        .partition_point(|&e| a.env(e).span.start < span.end);
    let Some(&env) = a.env_by_start.get(next) else {
        return "a value".to_string();
    };
    let e = a.env(env);
    let between = Span::new(span.end, e.span.start);
    let adjacent = e.span.start == span.start
        || (line(a, e.span.start) == line(a, span.end) && a.references_in(between).is_empty());
    match e.kind {
        _ if !adjacent => "a value".to_string(),
        EnvKind::Class => "a class".to_string(),
        _ if e.is_closure() => "a function".to_string(),
        _ => "a value".to_string(),
    }
}

/// The wording of an export-side name at `span` (`b` or `a` of `export { a as b } from`,
/// `exports.a = …`, a `module.exports = { a: … }` key, an `exports.a` read): what it exports,
/// worded as [`import_link`] words an import. `None` when `span` is none of those.
pub fn export_side_link(
    analysis: &Analysis,
    span: Span,
    link: &Result<Target, Unlinked>,
    display: &dyn Fn(&Path) -> String,
) -> Option<String> {
    let module = &analysis.module;
    let commonjs = analysis.source_kind == SourceKind::CommonJs;
    let (name, what) = if let Some(entry) = module.export_at(span.start) {
        match &entry.target {
            ExportTarget::ReExport { request, name } if entry.local_span == Some(span) => (
                name.as_str().to_owned(),
                format!(
                    "the name this module re-exports from `{}` as `{}`",
                    module.request(*request).specifier,
                    entry.name
                ),
            ),
            ExportTarget::ReExport { request, .. } => (
                entry.name.clone(),
                format!(
                    "re-exported by this module from `{}`",
                    module.request(*request).specifier
                ),
            ),
            _ if commonjs => (
                entry.name.clone(),
                "CommonJS export of this module (a property of `module.exports`)".to_owned(),
            ),
            _ => (entry.name.clone(), "export of this module".to_owned()),
        }
    } else {
        let member = module.self_member_at(span.start)?;
        (
            member.name.clone(),
            "this module's own export, read through `exports`".to_owned(),
        )
    };
    let linked = import_link(&name, link, display);
    let prefix = format!("`{name}` — imported binding");
    Some(match linked.strip_prefix(&prefix) {
        Some(rest) => format!("`{name}` — {what}{rest}"),
        None => linked,
    })
}

/// Why a link stops, with paths as users read them.
pub fn unlinked(why: &Unlinked, display: &dyn Fn(&Path) -> String) -> String {
    match why {
        Unlinked::Builtin(name) => format!("`{name}` is a Node.js builtin module"),
        Unlinked::Unresolved { specifier, why } => {
            format!("`{specifier}` could not be resolved ({why})")
        }
        Unlinked::Unreadable { path, why } => format!("`{}`: {why}", display(path)),
        Unlinked::NoSuchExport { path, name } => {
            format!("`{}` exports no `{name}`", display(path))
        }
        Unlinked::Cycle { path, name } => format!(
            "the exports of `{name}` go round in a cycle through `{}`",
            display(path)
        ),
        Unlinked::NotAnImport => "not an import".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use crate::engine::{ExportTarget, Input, analyze_in_thread};
    use crate::workspace::{Target, TargetKind};

    /// The hover headline of an import of `export` from a CommonJS `lib.js` with `text`.
    fn imported(text: &str, export: &str) -> String {
        let analysis = Arc::new(analyze_in_thread(&Input::new(text, "lib.js")));
        let entry = analysis.module.export_named(export).expect("the export");
        let kind = match entry.target {
            ExportTarget::Value(span) => TargetKind::Value(span),
            ExportTarget::Local(b) => TargetKind::Binding(b),
            _ => panic!("a local export"),
        };
        let target = Target {
            path: PathBuf::from("lib.js"),
            analysis: analysis.clone(),
            kind,
            export_name: export.to_string(),
            chain: Vec::new(),
            runtime_note: None,
        };
        super::import_link(export, &Ok(target), &|p: &Path| p.display().to_string())
    }

    #[test]
    fn exported_values_are_named_by_what_they_are() {
        let lib = "var app = exports = module.exports = {};\n\
                   app.x = 1;\n\
                   exports.set = function set(a) {};\n\
                   exports.get = function (a) {};\n\
                   exports.arrow = (a) => a;\n\
                   exports.Klass = class Klass {};\n\
                   exports.sum = 1 + 2;\n";
        let got: Vec<String> = ["set", "get", "arrow", "Klass", "sum"]
            .iter()
            .map(|e| imported(lib, e))
            .collect();
        expect_test::expect![[r#"
            [
                "`set` — imported binding → the function `set` in **`lib.js`**, line 3",
                "`get` — imported binding → a function in **`lib.js`**, line 4",
                "`arrow` — imported binding → a function in **`lib.js`**, line 5",
                "`Klass` — imported binding → the class `Klass` in **`lib.js`**, line 6",
                "`sum` — imported binding → a value in **`lib.js`**, line 7",
            ]
        "#]]
        .assert_debug_eq(&got);
    }
}
