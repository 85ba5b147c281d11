//! The pitfall precision run (scripts/pitfall-precision.sh, docs/fidelity.md): every pitfall
//! diagnostic in every `.js`/`.mjs`/`.cjs` file under each package folder given (minified files
//! left out: no one reads them), listed with its line so each can be judged, then the counts per
//! package.
//!
//! `cargo run --release --example pitfall_precision -- DIR...`

use std::path::{Path, PathBuf};

use scopelens::engine::{self, Input};
use scopelens::ide::{self, PitfallCode, PitfallsConfig};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            files(&path, out);
        } else if [".js", ".mjs", ".cjs"].iter().any(|e| name.ends_with(e))
            && !name.ends_with(".min.js")
        {
            out.push(path);
        }
    }
}

fn main() {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: pitfall_precision DIR...");
        std::process::exit(2);
    }
    let mut table = Vec::new();
    for dir in &dirs {
        let package = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let mut list = Vec::new();
        files(dir, &mut list);
        let mut counts = [0usize; PitfallCode::ALL.len()];
        let mut lines = 0usize;
        for path in &list {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            lines += text.lines().count();
            let shown = format!(
                "{package}/{}",
                path.strip_prefix(dir).unwrap_or(path).display()
            );
            let name = shown.clone();
            let found = std::thread::scope(|s| {
                std::thread::Builder::new()
                    .stack_size(engine::ANALYSIS_STACK_SIZE)
                    .spawn_scoped(s, || {
                        let a = engine::analyze(&Input::new(&text, &name));
                        ide::pitfalls(&a, &PitfallsConfig::default())
                            .into_iter()
                            .map(|p| (a.line_index.human(p.span.start), p))
                            .collect::<Vec<_>>()
                    })
                    .expect("spawn")
                    .join()
                    .expect("analysis")
            });
            for ((line, col), p) in found {
                counts[p.code as usize] += 1;
                let source: String = text
                    .lines()
                    .nth(line as usize - 1)
                    .unwrap_or("")
                    .trim()
                    .chars()
                    .take(140)
                    .collect();
                println!("{shown}:{line}:{col} {} | {source}", p.code.as_str());
                println!("    {}", p.message);
            }
        }
        table.push((package.to_string(), list.len(), lines, counts));
    }
    println!();
    print!("| package | files | lines |");
    for c in PitfallCode::ALL {
        print!(" {} |", c.as_str());
    }
    println!();
    println!("|---|---:|---:|{}", "---:|".repeat(PitfallCode::ALL.len()));
    for (package, files, lines, counts) in table {
        print!("| {package} | {files} | {lines} |");
        for n in counts {
            print!(" {n} |");
        }
        println!();
    }
}
