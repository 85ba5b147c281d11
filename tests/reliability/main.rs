//! Reliability: the server never crashes, never hangs, never answers for the wrong text.
//!
//! - [`chaos`]: seeded random protocol interleavings checked against a reference model.
//! - [`hostile`]: deep nesting, huge files and lines, odd characters and line breaks.
//! - [`resilience`]: typing real files one character at a time; hovers elsewhere stay right.
//! - [`soak`]: thousands of edits with hovers; memory and latency stay flat.
//!
//! Heavier variants (a 50 MB file, the full 10,000-edit soak on a big file) run with
//! `SCOPELENS_HEAVY=1`. Figures are printed with `--nocapture` and recorded in
//! docs/reliability.md.

mod chaos;
mod client;
mod hostile;
mod model;
mod resilience;
mod soak;

use std::time::Duration;

use client::Encoding;

pub fn heavy() -> bool {
    std::env::var_os("SCOPELENS_HEAVY").is_some()
}

#[test]
fn chaos_utf16() {
    for seed in [1, 2] {
        let stats = chaos::run(seed, Encoding::Utf16, 250, Duration::from_secs(40));
        eprintln!("chaos utf-16 seed {seed}: {stats:?}");
        assert!(
            stats.steps >= 50,
            "too few steps in the time budget: {stats:?}"
        );
    }
}

#[test]
fn chaos_utf8() {
    for seed in [3, 4] {
        let stats = chaos::run(seed, Encoding::Utf8, 250, Duration::from_secs(40));
        eprintln!("chaos utf-8 seed {seed}: {stats:?}");
        assert!(
            stats.steps >= 50,
            "too few steps in the time budget: {stats:?}"
        );
    }
}
