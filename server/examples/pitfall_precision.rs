//! The pitfall precision run (scripts/pitfall-precision.sh, docs/fidelity.md): every pitfall
//! diagnostic in every `.js`/`.mjs`/`.cjs` file under each package folder given (minified files
//! left out: no one reads them), listed with its line so each can be judged, then the counts per
//! package.
//!
//! `cargo run --release --example pitfall_precision -- DIR...`

use std::path::{Path, PathBuf};

use scopelens::engine::{self, Analysis, EnvKind, Input};
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

/// What the old `loop-var-capture` rule (before issue 25) reported: any closure in a loop body
/// using a changing `var` of the loop's head, whether or not it outlives its iteration. Counted
/// to show what the two questions now leave out; each is listed with `old` to be judged.
fn old_rule(a: &Analysis) -> Vec<u32> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for l in &a.facts.var_loops {
        for r in a.references_in(l.body) {
            let Some(binding) = r.binding else { continue };
            let b = a.binding(binding);
            if !l.head.contains_span(b.span)
                || !b.shared_across_iterations
                || !(l.in_of || b.mutated)
            {
                continue;
            }
            let closure = a
                .chain(r.environment)
                .take_while(|&e| l.body.contains_span(a.env(e).span))
                .filter(|&e| a.env(e).kind == EnvKind::Function)
                .last();
            if let Some(closure) = closure
                && !seen.contains(&(closure, binding))
            {
                seen.push((closure, binding));
                out.push(r.span.start);
            }
        }
    }
    out
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
        let mut old_total = 0usize;
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
                        let found = ide::pitfalls(&a, &PitfallsConfig::default())
                            .into_iter()
                            .map(|p| (a.line_index.human(p.span.start), p))
                            .collect::<Vec<_>>();
                        let old = old_rule(&a)
                            .into_iter()
                            .map(|at| a.line_index.human(at))
                            .collect::<Vec<_>>();
                        (found, old)
                    })
                    .expect("spawn")
                    .join()
                    .expect("analysis")
            });
            let (found, old) = found;
            for (line, col) in old {
                old_total += 1;
                let source: String = text
                    .lines()
                    .nth(line as usize - 1)
                    .unwrap_or("")
                    .trim()
                    .chars()
                    .take(140)
                    .collect();
                println!("{shown}:{line}:{col} old | {source}");
            }
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
        table.push((package.to_string(), list.len(), lines, counts, old_total));
    }
    println!();
    print!("| package | files | lines |");
    for c in PitfallCode::ALL {
        print!(" {} |", c.as_str());
    }
    println!(" old loop-var-capture |");
    println!(
        "|---|---:|---:|{}",
        "---:|".repeat(PitfallCode::ALL.len() + 1)
    );
    for (package, files, lines, counts, old) in table {
        print!("| {package} | {files} | {lines} |");
        for n in counts {
            print!(" {n} |");
        }
        println!(" {old} |");
    }
}
