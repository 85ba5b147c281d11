//! `scopelens heap SNAPSHOT [--root DIR] [--format text|json|html]`: what each closure of a V8
//! heap snapshot keeps alive, joined to the source under DIR (default: the current directory).
//!
//! Exit codes: 0 when a report was printed (even one where nothing matched the root: it says
//! so), 1 when the snapshot cannot be read, 2 for bad arguments.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::heap::{self, Heap, Progress, Report};
use crate::ide::{self, human_bytes as bytes};

const USAGE: &str = "usage: scopelens heap SNAPSHOT [--root DIR] [--format text|json|html]";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Html,
}

pub fn run(args: &[String]) -> ExitCode {
    let mut snapshot = None;
    let mut root = None;
    let mut format = Format::Text;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| iter.next().cloned());
        match flag {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--root" => match value() {
                Some(v) => root = Some(PathBuf::from(v)),
                None => return bad("--root needs a value"),
            },
            "--format" => {
                format = match value().as_deref() {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    Some("html") => Format::Html,
                    Some(other) => {
                        return bad(&format!(
                            "unknown format `{other}` (expected text, json or html)"
                        ));
                    }
                    None => return bad("--format needs a value"),
                }
            }
            _ if flag.starts_with('-') => return bad(&format!("unknown option `{arg}`")),
            _ if snapshot.is_some() => {
                return bad(&format!("more than one snapshot given (`{arg}`)"));
            }
            _ => snapshot = Some(PathBuf::from(arg)),
        }
    }
    let Some(snapshot) = snapshot else {
        return bad("no SNAPSHOT given");
    };
    let root = root.unwrap_or_else(|| PathBuf::from("."));
    let progress = io::stderr().is_terminal().then(|| {
        let total = std::fs::metadata(&snapshot)
            .map(|m| m.len())
            .unwrap_or(0)
            .max(1);
        Progress {
            callback: Box::new(move |done| {
                eprint!("\rscopelens heap: reading {}%", done * 100 / total);
            }),
            every: 64 << 20,
            next: 0,
        }
    });
    let heap = match Heap::load(&snapshot, progress) {
        Ok(heap) => heap,
        Err(e) => {
            eprintln!("\rscopelens heap: {}: {e}", snapshot.display());
            return ExitCode::FAILURE;
        }
    };
    if io::stderr().is_terminal() {
        eprint!("\r");
    }
    let report = heap::join(&heap, &root, &mut heap::read_source, &|a, e| {
        ide::owner(a, e).to_string()
    });
    drop(heap);
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match format {
        Format::Json => super::heap_json::write(&mut out, &report),
        Format::Text => write_text(&mut out, &report),
        Format::Html => super::heap_html::write(&mut out, &snapshot, &report),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scopelens heap: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bad(message: &str) -> ExitCode {
    eprintln!("scopelens heap: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn write_text(out: &mut impl Write, r: &Report) -> io::Result<()> {
    writeln!(
        out,
        "heap: {} in {} objects; {} source functions with live closures",
        bytes(r.total_bytes),
        r.nodes,
        r.closures.len()
    )?;
    for f in &r.closures {
        writeln!(
            out,
            "\n{} — {}:{}:{}  {} instance{}, retains {}",
            f.name,
            f.file,
            f.line,
            f.column,
            f.instances,
            if f.instances == 1 { "" } else { "s" },
            bytes(f.retained_bytes)
        )?;
        for c in &f.contexts {
            let env = c.environment.as_ref().map_or_else(
                || "a Context the source has no environment for".to_string(),
                |e| {
                    format!(
                        "{} environment of {} ({}:{})",
                        e.kind, e.owner, e.line, e.column
                    )
                },
            );
            writeln!(
                out,
                "  Context: {env}; retains {}, shared by up to {} closure{}",
                bytes(c.retained_bytes),
                c.shared_by,
                if c.shared_by == 1 { "" } else { "s" }
            )?;
            for v in &c.variables {
                let mut line = format!("    {} {}", v.name, bytes(v.retained_bytes));
                if !v.captured_by.is_empty() {
                    line.push_str(&format!("  captured by {}", v.captured_by.join(", ")));
                    if v.captured_by_omitted > 0 {
                        line.push_str(&format!(" and {} more", v.captured_by_omitted));
                    }
                }
                if v.kept_for_siblings {
                    line.push_str("  ← kept only for a sibling closure");
                }
                writeln!(out, "{line}")?;
            }
            if c.omitted_variables > 0 {
                let more = format!(
                    "    … {} more variable{} ({})",
                    c.omitted_variables,
                    if c.omitted_variables == 1 { "" } else { "s" },
                    bytes(c.omitted_bytes)
                );
                match &c.described_with {
                    Some(by) => {
                        writeln!(out, "{more}: listed with {by}, which shares this Context")?
                    }
                    None => writeln!(
                        out,
                        "{more} not listed: at most {} a Context",
                        heap::MAX_VARIABLES
                    )?,
                }
            }
        }
    }
    if !r.unmatched_scripts.is_empty() {
        writeln!(out, "\nscripts not under the root:")?;
        for s in &r.unmatched_scripts {
            writeln!(
                out,
                "  {} ({} closures, {})",
                s.name,
                s.closures,
                bytes(s.retained_bytes)
            )?;
        }
    }
    if r.closures.is_empty() {
        writeln!(
            out,
            "\nno closure of the snapshot belongs to a file under the root: was it taken from another program, or is --root wrong?"
        )?;
    }
    for n in &r.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
}
