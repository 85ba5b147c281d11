//! The floor the workspace index is measured against (scripts/bench-workspace.sh): every
//! source file under DIR (same walk as the index) parsed with oxc_parser alone, on all cores,
//! nothing kept. Prints the file count and the wall time.
//!
//!   cargo run --release --example parse_all -- DIR

use std::path::PathBuf;
use std::time::Instant;

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::SourceType;
use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parse_all DIR");
    let started = Instant::now();
    let mut builder = ignore::WalkBuilder::new(&dir);
    builder
        .hidden(true)
        .require_git(false)
        .filter_entry(|e| e.file_name() != "node_modules");
    let (send, found) = std::sync::mpsc::channel();
    builder.build_parallel().run(|| {
        let send = send.clone();
        Box::new(move |entry| {
            if let Ok(entry) = entry
                && entry.file_type().is_some_and(|t| t.is_file())
                && SourceType::from_path(entry.path()).is_ok()
            {
                let _ = send.send(entry.into_path());
            }
            ignore::WalkState::Continue
        })
    });
    drop(send);
    let files: Vec<PathBuf> = found.into_iter().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(512 << 20)
        .build()
        .unwrap();
    let nodes: usize = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let Ok(text) = std::fs::read_to_string(path) else {
                    return 0;
                };
                let allocator = Allocator::default();
                let source_type = SourceType::from_path(path).unwrap_or_default();
                let parsed = Parser::new(&allocator, &text, source_type).parse();
                parsed.program.body.len()
            })
            .sum()
    });
    println!(
        "{{\"files\": {}, \"parse_ms\": {:.1}, \"statements\": {nodes}}}",
        files.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
}
