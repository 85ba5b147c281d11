//! The workspace index built as the language server builds it (the same walker, the same pool,
//! the engine's summary pass with the full analysis where it declines), beside
//! `examples/parse_all.rs` (oxc_parser alone) in scripts/bench-workspace.sh and
//! docs/performance.md. Prints the file count and the wall time; with `--declined`, then
//! (untimed) the files the summary pass leaves to the full analysis, with why.
//!
//!   cargo run --release --example index_build -- DIR [--declined]

use std::path::PathBuf;
use std::time::Instant;

use scopelens::engine::{self, Input, Scratch};
use scopelens::workspace::Workspace;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: index_build DIR [--declined]"));
    let declined = args.next().as_deref() == Some("--declined");
    let started = Instant::now();
    let workspace = Workspace::new(vec![dir]);
    workspace.build_index();
    let elapsed = started.elapsed();
    let (files, skipped) = workspace.index().counts();
    println!(
        "{{\"files\": {files}, \"skipped\": {skipped}, \"index_ms\": {:.1}}}",
        elapsed.as_secs_f64() * 1000.0
    );
    if declined {
        list_declined(&workspace);
    }
}

fn list_declined(workspace: &Workspace) {
    let mut paths: Vec<_> = workspace
        .index()
        .files()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    paths.sort();
    std::thread::Builder::new()
        .stack_size(engine::ANALYSIS_STACK_SIZE)
        .spawn(move || {
            let mut scratch = Scratch::default();
            let (mut count, mut bytes, mut total) = (0, 0, 0);
            // Files and bytes per source kind (modules take the pass's statement-level path).
            let mut kinds: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
            for path in &paths {
                let Ok(text) = std::fs::read_to_string(path) else {
                    continue;
                };
                total += text.len();
                let name = path.to_string_lossy();
                match engine::summarize(&Input::new(&text, &name), &mut scratch) {
                    Ok(summary) => {
                        let kind = kinds.entry(summary.source_kind.as_str()).or_default();
                        kind.0 += 1;
                        kind.1 += text.len();
                    }
                    Err(why) => {
                        count += 1;
                        bytes += text.len();
                        println!(
                            "declined {} ({} bytes): {}",
                            path.display(),
                            text.len(),
                            why.0
                        );
                    }
                }
            }
            println!(
                "{count} of {} files declined ({bytes} of {total} bytes)",
                paths.len()
            );
            for (kind, (files, bytes)) in kinds {
                println!("summarised {kind}: {files} files, {bytes} bytes");
            }
        })
        .expect("spawn")
        .join()
        .expect("no panic");
}
