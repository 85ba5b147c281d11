//! One input, one pass, for instruction counts under callgrind: oxc's own parse + semantic (the
//! engine benchmark's baseline) or scopelens's whole analysis.
//!
//! `cargo build --release --example profile_engine`, then
//! `valgrind --tool=callgrind target/release/examples/profile_engine oxc|scopelens FILE`;
//! compare the two totals (the file read is in both).

#[path = "../benches/common/oxc_baseline.rs"]
mod oxc_baseline;

use oxc_span::SourceType;
use scopelens::engine::{self, Input};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(which), Some(path)) = (args.next(), args.next()) else {
        eprintln!("usage: profile_engine oxc|scopelens FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("read input");
    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
    let count = std::thread::Builder::new()
        .stack_size(engine::ANALYSIS_STACK_SIZE)
        .spawn(move || match which.as_str() {
            "oxc" => oxc_baseline::oxc_parse_and_semantic(
                &text,
                SourceType::from_path(&name).unwrap_or_default(),
            ),
            "scopelens" => engine::analyze(&Input::new(&text, &name)).references.len(),
            other => panic!("unknown mode {other}"),
        })
        .expect("spawn")
        .join()
        .expect("join");
    println!("{count}");
}
