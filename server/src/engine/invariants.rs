//! Model invariants, checked by the engine's tests and by the fuzz target.

use super::model::{Analysis, EnvKind, Span};

/// Panics unless `a` (the analysis of a text of `len` bytes) is well formed: every id and span
/// points inside the model and the text; each resolved reference's binding lives exactly `hops`
/// environments out along its chain; `captured` and `captured_by`/`captures` agree; lists are
/// sorted for binary search. For tests and fuzzing; nothing calls it on the server's hot path.
pub fn check_invariants(a: &Analysis, len: u32) {
    let envs = a.environments.len();
    let in_text = |s: Span| s.start <= s.end && s.end <= len;
    assert!(envs >= 1, "a global environment");
    assert_eq!(a.env(a.global()).kind, EnvKind::Global);
    for (i, env) in a.environments.iter().enumerate() {
        assert!(in_text(env.span), "env span {:?} in text", env.span);
        if let Some(parent) = env.parent {
            assert!((parent.0 as usize) < i, "parents precede children");
            assert!(
                a.env(parent).span.contains_span(env.span),
                "{:?} inside its parent",
                env.owner
            );
        } else {
            assert_eq!(i, 0, "only the global environment has no parent");
        }
        for &b in &env.bindings {
            assert_eq!(
                a.binding(b).environment.0 as usize,
                i,
                "binding listed in its env"
            );
        }
        for &b in &env.captures {
            assert!((b.0 as usize) < a.bindings.len());
            assert!(
                a.binding(b).captured_by.iter().any(|&c| c.0 as usize == i),
                "captures and captured_by agree"
            );
        }
    }
    for (i, b) in a.bindings.iter().enumerate() {
        assert!((b.environment.0 as usize) < envs);
        assert!(in_text(b.span));
        assert!(
            a.env(b.environment)
                .bindings
                .iter()
                .any(|&x| x.0 as usize == i),
            "binding {} listed in its environment",
            a.name(b.name)
        );
        for &c in &b.captured_by {
            assert!((c.0 as usize) < envs);
            let closure = a.env(c);
            assert!(
                closure.is_closure() || matches!(closure.kind, EnvKind::Eval | EnvKind::With),
                "captured by a closure, or kept alive by an eval or with environment"
            );
            assert!(closure.captures.iter().any(|&x| x.0 as usize == i));
        }
    }
    for d in &a.declarations {
        assert!(in_text(d.span));
        assert!((d.binding.0 as usize) < a.bindings.len());
    }
    for r in &a.references {
        assert!(in_text(r.span));
        assert!((r.environment.0 as usize) < envs);
        let chain: Vec<_> = a.chain(r.environment).collect();
        assert!(chain.len() <= envs, "chains end");
        match r.binding {
            Some(b) => {
                let env = a.binding(b).environment;
                assert_eq!(
                    chain.get(r.hops as usize),
                    Some(&env),
                    "hops of {}",
                    a.name(r.name)
                );
                let crossed_closure = chain[..r.hops as usize]
                    .iter()
                    .any(|&e| a.env(e).is_closure());
                let global = matches!(a.env(env).kind, EnvKind::Global | EnvKind::Script);
                let private = a.name(r.name).starts_with('#');
                assert_eq!(
                    r.captured,
                    crossed_closure && !global && !private,
                    "captured {}",
                    a.name(r.name)
                );
                if r.captured {
                    assert!(!a.binding(b).captured_by.is_empty());
                }
            }
            None => assert_eq!(
                r.hops as usize + 1,
                chain.len(),
                "unresolved {} walks to global",
                a.name(r.name)
            ),
        }
    }
    assert!(
        a.references
            .windows(2)
            .all(|w| w[0].span.start <= w[1].span.start)
    );
    assert!(
        a.declarations
            .windows(2)
            .all(|w| w[0].span.start <= w[1].span.start)
    );
    for s in &a.degradation.blanked {
        assert!(s.start <= s.end && s.start <= len);
    }
}
