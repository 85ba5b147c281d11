//! Model invariants, checked on every fixture of this module and on the real-world corpus when
//! `scripts/fetch-corpus.sh` has fetched it.

use super::analyze_as;
use crate::engine::{Analysis, EnvKind};

/// Every resolved reference's binding lives exactly `hops` environments out along the chain;
/// captures and `captured` agree; lists are sorted for binary search.
pub(crate) fn check(a: &Analysis) {
    for r in &a.references {
        let chain: Vec<_> = a.chain(r.environment).collect();
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
                for &by in &a.binding(b).captured_by {
                    let kind = a.env(by).kind;
                    assert!(
                        a.env(by).is_closure() || matches!(kind, EnvKind::Eval | EnvKind::With)
                    );
                    assert!(
                        a.env(by).captures.contains(&b),
                        "captures and captured_by agree"
                    );
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
    for (i, env) in a.environments.iter().enumerate() {
        if let Some(parent) = env.parent {
            assert!((parent.0 as usize) < i, "parents precede children");
            assert!(
                a.env(parent).span.contains_span(env.span),
                "{} inside its parent",
                env.owner
            );
        }
    }
}

#[test]
fn corpus_files_satisfy_the_invariants() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "typescript.js" && std::env::var_os("SCOPELENS_BIG_CORPUS").is_none() {
            continue; // 9 MB: slow in debug builds; SCOPELENS_BIG_CORPUS=1 includes it.
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let a = analyze_as(&text, &name);
        assert!(
            a.degradation.unanalysed.is_none(),
            "{name}: {:?}",
            a.degradation
        );
        assert!(
            a.syntax_errors.is_empty(),
            "{name}: {:?}",
            a.syntax_errors.first()
        );
        check(&a);
    }
}
