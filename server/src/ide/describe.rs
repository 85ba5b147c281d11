//! Small phrases shared by the features, so hover, hints and the scope chain say things the
//! same way.

use std::fmt;

use crate::engine::{Analysis, BindingId, EnvId, EnvKind, FunctionFlavor, Owner, Span};
use crate::text::LineIndex;

/// How an environment is named in a walked chain: functions by their owner (`skulk`), the
/// top-level records by their kind (`global`), others by owner plus kind when the owner alone
/// does not say it (`Foo (class)`).
pub(crate) fn chain_label(analysis: &Analysis, env: EnvId) -> String {
    let e = analysis.env(env);
    match e.kind {
        EnvKind::Global | EnvKind::Script | EnvKind::Module => e.kind.as_str().to_string(),
        // A developer reads a CommonJS file's top level as its module scope, not as a function.
        _ if is_commonjs_top_level(analysis, env) => "module".to_string(),
        EnvKind::Function => format!("`{}`", owner(analysis, env)),
        // Unnamed code (`<for loop at 7:1>`) already says what it is.
        _ if matches!(e.owner, Owner::Anonymous { .. } | Owner::Callback { .. }) => {
            format!("`{}`", owner(analysis, env))
        }
        kind => format!("`{}` ({kind})", owner(analysis, env)),
    }
}

/// `"1 environment"`, `"2 environments"`.
pub(crate) fn environments(n: u32) -> String {
    if n == 1 {
        "1 environment".to_string()
    } else {
        format!("{n} environments")
    }
}

/// One-based line of an offset.
pub(crate) fn line(analysis: &Analysis, offset: u32) -> u32 {
    analysis.line_index.line(offset) + 1
}

/// Implicit bindings (`arguments`, CommonJS wrapper parameters) have no identifier of their own.
pub(crate) fn is_implicit(span: Span) -> bool {
    span.start == span.end
}

/// Where to navigate for a binding: its identifier, or for implicit bindings the start of the
/// environment that creates them.
pub(crate) fn declaration_span(analysis: &Analysis, binding: BindingId) -> Span {
    let b = analysis.binding(binding);
    if is_implicit(b.span) {
        let start = analysis.env(b.environment).span.start;
        Span::new(start, start)
    } else {
        b.span
    }
}

/// `` `report` `` or `` `report`, `later` ``: the owners of some closures.
pub(crate) fn owners(analysis: &Analysis, envs: &[EnvId]) -> String {
    let names: Vec<String> = envs
        .iter()
        .map(|&e| format!("`{}`", owner(analysis, e)))
        .collect();
    names.join(", ")
}

/// Whether `env` is the top level of a CommonJS module (the body of Node's wrapper function).
pub(crate) fn is_commonjs_top_level(analysis: &Analysis, env: EnvId) -> bool {
    analysis.env(env).function == Some(FunctionFlavor::CommonJsWrapper)
}

/// "function environment of `skulk`", "global environment", "block environment of `<for loop at 7:1>`",
/// "CommonJS module environment".
pub(crate) fn describe_env(analysis: &Analysis, env: EnvId) -> String {
    let e = analysis.env(env);
    match e.kind {
        EnvKind::Global | EnvKind::Script | EnvKind::Module => format!("{} environment", e.kind),
        _ if is_commonjs_top_level(analysis, env) => "CommonJS module environment".to_string(),
        kind => format!("{kind} environment of `{}`", owner(analysis, env)),
    }
}

/// The owner of an environment as people read it: `skulk`, `Foo.bar`, `<arrow at 12:5>`,
/// `<function passed to forEach at 3:9>`, `<if block at 7:12>`, `CommonJS module`.
pub fn owner(analysis: &Analysis, env: EnvId) -> OwnerLabel<'_> {
    OwnerLabel {
        owner: &analysis.env(env).owner,
        lines: &analysis.line_index,
        position: true,
    }
}

/// [`owner`] for tight spots (inlay hints): unnamed code without its position, `<for loop>`.
pub(crate) fn short_owner(analysis: &Analysis, env: EnvId) -> OwnerLabel<'_> {
    OwnerLabel {
        position: false,
        ..owner(analysis, env)
    }
}

/// An [`Owner`] written out; unnamed code is placed by line and column (`<arrow at 12:5>`).
pub struct OwnerLabel<'a> {
    owner: &'a Owner,
    lines: &'a LineIndex,
    /// Whether unnamed code says where it starts; the class of a member always does.
    position: bool,
}

impl OwnerLabel<'_> {
    fn class<'c>(&'c self, class: &'c Owner) -> OwnerLabel<'c> {
        OwnerLabel {
            owner: class,
            lines: self.lines,
            position: true,
        }
    }
}

impl fmt::Display for OwnerLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.owner {
            Owner::Global => f.write_str("globalThis"),
            Owner::Script => f.write_str("script"),
            Owner::Module => f.write_str("module"),
            Owner::CommonJsWrapper => f.write_str("CommonJS module"),
            Owner::Named(name) => f.write_str(name),
            Owner::Member { class, key } => write!(f, "{}.{key}", self.class(class)),
            Owner::StaticBlock { class } => write!(f, "<class {} static block>", self.class(class)),
            Owner::Namespace(name) => write!(f, "namespace {name}"),
            Owner::Anonymous { what, start } if self.position => {
                let (line, col) = self.lines.human(*start);
                write!(f, "<{} at {line}:{col}>", what.as_str())
            }
            Owner::Anonymous { what, .. } => write!(f, "<{}>", what.as_str()),
            Owner::Callback { what, to, start } => {
                match to {
                    Some(callee) => write!(f, "<{} passed to {callee}", what.as_str())?,
                    None => write!(f, "<immediately invoked {}", what.as_str())?,
                }
                if self.position {
                    let (line, col) = self.lines.human(*start);
                    write!(f, " at {line}:{col}")?;
                }
                f.write_str(">")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Input, analyze_in_thread};

    #[test]
    fn short_owners_drop_the_position_of_unnamed_code_only() {
        let text = "for (let i of []) {}\nclass Foo { static {} }\n";
        let a = analyze_in_thread(&Input::new(text, "t.js"));
        let labels: Vec<(String, String)> = a
            .env_ids()
            .map(|e| {
                (
                    super::owner(&a, e).to_string(),
                    super::short_owner(&a, e).to_string(),
                )
            })
            .collect();
        assert!(labels.contains(&("<for-of loop at 1:1>".into(), "<for-of loop>".into())));
        assert!(labels.contains(&("Foo".into(), "Foo".into())));
        assert!(labels.contains(&(
            "<class Foo static block>".into(),
            "<class Foo static block>".into()
        )));
    }
}
