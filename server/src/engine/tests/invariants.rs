//! Model invariants, checked on every fixture of this module and on the real-world corpus when
//! `scripts/fetch-corpus.sh` has fetched it.

use super::analyze_as;
use crate::engine::Analysis;

pub(crate) fn check(a: &Analysis) {
    crate::engine::check_invariants(a, a.line_index.len());
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
