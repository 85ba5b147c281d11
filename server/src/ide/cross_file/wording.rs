//! Imports across files, worded: where an import binding (or `ns.x`, `lib.a`) is bound in the
//! other module, and the modules the link passed through. The link itself is the workspace's
//! ([`crate::workspace`]); this only words it.

use std::path::Path;

use crate::engine::{Analysis, EnvKind, ExportTarget, FunctionFlavor, SourceKind, Span};
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
            "`{name}` — imported binding → a value with no binding of its own, exported as `{}` by `{file}`, line {}",
            target.export_name,
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
