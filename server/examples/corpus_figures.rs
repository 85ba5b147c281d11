//! Figures on real files for docs/performance.md and docs/fidelity.md: inlay hints per 100 lines
//! with the default settings (by kind), and the pitfall diagnostics found (by code, each listed
//! with `--list`).
//!
//! `cargo run --release --example corpus_figures -- [--list] [--captured-uses] FILE...`
//! (scripts/hint-density.sh fetches the inputs and runs it). `--captured-uses` counts with the
//! `↑owner` use hints switched on as well.

use scopelens::engine::{self, Input, Span};
use scopelens::ide::{self, InlayHintKind, InlayHintsConfig, PitfallCode, PitfallsConfig};

fn main() {
    let mut list = false;
    let mut config = InlayHintsConfig::default();
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--list" {
            list = true;
        } else if arg == "--captured-uses" {
            config.captured_uses = true;
        } else {
            files.push(arg);
        }
    }
    if files.is_empty() {
        eprintln!("usage: corpus_figures [--list] [--captured-uses] FILE...");
        std::process::exit(2);
    }
    println!(
        "| file | lines | hints | per 100 lines | closure | use | loop-var-capture | tdz | implicit-global |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read input");
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        let row = std::thread::Builder::new()
            .stack_size(engine::ANALYSIS_STACK_SIZE)
            .spawn(move || {
                let a = engine::analyze(&Input::new(&text, &name));
                let lines = text.lines().count().max(1);
                let whole = Span::new(0, text.len() as u32);
                let hints = ide::inlay_hints(&a, whole, &config);
                let closures = hints
                    .iter()
                    .filter(|h| h.id.kind == InlayHintKind::ClosureCaptures)
                    .count();
                let found = ide::pitfalls(&a, &PitfallsConfig::default());
                let count = |c: PitfallCode| found.iter().filter(|p| p.code == c).count();
                let mut listing = String::new();
                if list {
                    for p in &found {
                        let (line, col) = a.line_index.human(p.span.start);
                        listing.push_str(&format!(
                            "  {name}:{line}:{col}: {}: {}\n",
                            p.code.as_str(),
                            p.message
                        ));
                    }
                }
                let row = format!(
                    "| {name} | {lines} | {} | {:.1} | {closures} | {} | {} | {} | {} |",
                    hints.len(),
                    hints.len() as f64 * 100.0 / lines as f64,
                    hints.len() - closures,
                    count(PitfallCode::LoopVarCapture),
                    count(PitfallCode::Tdz),
                    count(PitfallCode::ImplicitGlobal),
                );
                (row, listing)
            })
            .expect("spawn")
            .join()
            .expect("analysis thread");
        println!("{}", row.0);
        eprint!("{}", row.1);
    }
}
