//! One input analysed again and again on one thread, printing each analysis's time and page
//! faults: with a kept `engine::Scratch` (as the server's worker does), optionally prepared
//! first, or with a fresh arena each time; or, for the floor beside it, oxc's own parse +
//! semantic (`oxc`, the engine benchmark's baseline, in its allocator's default settings).
//!
//! `cargo build --release --example repeat_analysis`, then
//! `target/release/examples/repeat_analysis FILE [scratch|prepared|fresh|oxc] [RUNS]`.
//! The server pins glibc's mmap threshold (`lsp/memory.rs`); so does this (but for `oxc`), so
//! large blocks are fresh mappings here as there.

#[path = "../benches/common/oxc_baseline.rs"]
mod oxc_baseline;

use std::time::Instant;

use oxc_span::SourceType;

use scopelens::engine::{self, Input, Scratch};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: repeat_analysis FILE [scratch|prepared|fresh|oxc] [RUNS]");
        std::process::exit(2);
    };
    let mode = args.next().unwrap_or_else(|| "scratch".into());
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if mode != "oxc" {
        // SAFETY: as in `lsp/memory.rs`, before any other thread allocates.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
        }
    }
    let text = std::fs::read_to_string(&path).expect("read input");
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    std::thread::Builder::new()
        .stack_size(engine::ANALYSIS_STACK_SIZE)
        .spawn(move || {
            let mut scratch = Scratch::default();
            if mode == "prepared" {
                let (started, faults) = (Instant::now(), minor_faults());
                scratch.prepare(text.len());
                println!(
                    "prepare: {:.1} ms, {} page faults",
                    started.elapsed().as_secs_f64() * 1e3,
                    minor_faults() - faults
                );
            }
            for run in 0..runs {
                if mode == "oxc" {
                    let (started, faults) = (Instant::now(), minor_faults());
                    let source_type = SourceType::from_path(&name).unwrap_or_default();
                    let symbols = oxc_baseline::oxc_parse_and_semantic(&text, source_type);
                    println!(
                        "run {run}: {:.1} ms, {} page faults, {symbols} symbols",
                        started.elapsed().as_secs_f64() * 1e3,
                        minor_faults() - faults,
                    );
                    continue;
                }
                if mode == "fresh" {
                    scratch = Scratch::default();
                }
                let (started, faults) = (Instant::now(), minor_faults());
                let analysis = engine::analyze_with(&Input::new(&text, &name), &mut scratch);
                println!(
                    "run {run}: {:.1} ms, {} page faults, {} references",
                    started.elapsed().as_secs_f64() * 1e3,
                    minor_faults() - faults,
                    analysis.references.len()
                );
            }
        })
        .expect("spawn")
        .join()
        .expect("join");
}

/// Minor page faults of the calling thread so far.
fn minor_faults() -> i64 {
    #[cfg(target_os = "linux")]
    // SAFETY: `getrusage` writes into the zeroed struct we own.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut usage);
        usage.ru_minflt
    }
    #[cfg(not(target_os = "linux"))]
    0
}
