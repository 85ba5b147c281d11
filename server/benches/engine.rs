//! Engine benchmark: scopelens's whole analysis beside oxc's own parse + semantic on the same
//! pinned real inputs, so the overhead is a ratio measured side by side.
//!
//! Inputs come from `scripts/fetch-corpus.sh` (tests/corpus/, pinned versions); missing inputs
//! are skipped with a note. Run: `cargo bench --bench engine`.

#[path = "common/oxc_baseline.rs"]
mod oxc_baseline;

use std::path::PathBuf;

use criterion::Criterion;
use oxc_baseline::oxc_parse_and_semantic;
use oxc_span::SourceType;
use scopelens::engine::{self, Input};

const INPUTS: &[&str] = &[
    "typescript.js",
    "react-dom-client.development.js",
    "three.module.js",
    "lodash.js",
    "lib.dom.d.ts",
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

fn benches(c: &mut Criterion) {
    // Both run on a thread with the analysis stack, as in the server.
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    for name in INPUTS {
        let path = corpus_dir().join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipping {name}: run scripts/fetch-corpus.sh first");
            continue;
        };
        let source_type = SourceType::from_path(name).unwrap_or_default();
        group.bench_function(format!("oxc parse+semantic/{name}"), |b| {
            b.iter(|| oxc_parse_and_semantic(&text, source_type))
        });
        group.bench_function(format!("scopelens analyze/{name}"), |b| {
            b.iter(|| engine::analyze(&Input::new(&text, name)).references.len())
        });
    }
    group.finish();
}

fn main() {
    std::thread::Builder::new()
        .stack_size(engine::ANALYSIS_STACK_SIZE)
        .spawn(|| {
            let mut c = Criterion::default().configure_from_args();
            benches(&mut c);
            c.final_summary();
        })
        .expect("spawn bench thread")
        .join()
        .expect("bench thread");
}
