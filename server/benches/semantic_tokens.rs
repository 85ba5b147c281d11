//! Semantic tokens over the whole file (and a screenful) on the pinned corpus
//! (`scripts/fetch-corpus.sh`): the target is ≤ 250 ms for the 9 MB typescript.js.
//! Run: `cargo bench --bench semantic_tokens`.

use std::path::PathBuf;

use criterion::Criterion;
use scopelens::engine::{self, Input, Span};
use scopelens::ide::{semantic_tokens, semantic_tokens_in};
use scopelens::text::Encoding;

const INPUTS: &[&str] = &["typescript.js", "lodash.js"];

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("semantic_tokens");
    group.sample_size(10);
    for name in INPUTS {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/corpus")
            .join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipping {name}: run scripts/fetch-corpus.sh first");
            continue;
        };
        let analysis = engine::analyze(&Input::new(&text, name));
        let tokens = semantic_tokens(&analysis).len();
        eprintln!("{name}: {tokens} tokens");
        group.bench_function(format!("full/{name}"), |b| {
            b.iter(|| semantic_tokens(&analysis).len())
        });
        // What the LSP layer adds: LSP's relative encoding (five u32 per token), UTF-16 columns.
        group.bench_function(format!("full+lsp encoding/{name}"), |b| {
            b.iter(|| {
                let tokens = semantic_tokens(&analysis);
                let mut cursor = analysis.line_index.cursor();
                let mut data = Vec::with_capacity(tokens.len() * 5);
                let (mut line, mut col) = (0, 0);
                for t in &tokens {
                    let start = cursor.line_col(t.span.start, Encoding::Utf16);
                    let end = cursor.line_col(t.span.end, Encoding::Utf16);
                    let delta_col = if start.line == line {
                        start.col - col
                    } else {
                        start.col
                    };
                    data.extend([
                        start.line - line,
                        delta_col,
                        end.col - start.col,
                        t.token_type.index(),
                        t.modifiers.0,
                    ]);
                    (line, col) = (start.line, start.col);
                }
                data.len()
            })
        });
        // About one screen in the middle of the file.
        let mid = text.len() as u32 / 2;
        let screen = Span::new(mid, mid + 4000);
        group.bench_function(format!("range/{name}"), |b| {
            b.iter(|| semantic_tokens_in(&analysis, screen).len())
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
