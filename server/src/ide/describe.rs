//! Small phrases shared by the features, so hover, hints and the scope chain say things the
//! same way.

use crate::engine::{Analysis, BindingId, EnvId, EnvKind, Span};

/// How an environment is named in a walked chain: functions by their owner (`skulk`), the
/// top-level records by their kind (`global`), others by owner plus kind when the owner alone
/// does not say it (`Foo (class)`).
pub(crate) fn chain_label(analysis: &Analysis, env: EnvId) -> String {
    let e = analysis.env(env);
    match e.kind {
        EnvKind::Global | EnvKind::Script | EnvKind::Module => e.kind.as_str().to_string(),
        EnvKind::Function => format!("`{}`", e.owner),
        // Synthetic owners (`<for loop at 7:1>`) already say what they are.
        _ if e.owner.starts_with('<') => format!("`{}`", e.owner),
        kind => format!("`{}` ({kind})", e.owner),
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
        .map(|&e| format!("`{}`", analysis.env(e).owner))
        .collect();
    names.join(", ")
}

/// A short owner for tight spots (inlay hints): `<for loop at 7:1>` → `<for loop>`.
pub(crate) fn short_owner(owner: &str) -> std::borrow::Cow<'_, str> {
    if owner.starts_with('<')
        && owner.ends_with('>')
        && let Some(at) = owner.rfind(" at ")
    {
        let tail = &owner[at + 4..owner.len() - 1];
        if tail
            .split(':')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return format!("{}>", &owner[..at]).into();
        }
    }
    owner.into()
}

#[cfg(test)]
mod tests {
    use super::short_owner;

    #[test]
    fn short_owner_drops_positions_only() {
        assert_eq!(short_owner("<for loop at 7:1>"), "<for loop>");
        assert_eq!(short_owner("skulk"), "skulk");
        assert_eq!(
            short_owner("<class Foo static block>"),
            "<class Foo static block>"
        );
    }
}
