//! `scopelens explain FILE [--format text|json|html] [--source-kind auto|script|module|commonjs]`.
//!
//! Exit codes: 0 when a model was printed (even one recovered from syntax errors, which are
//! reported), 1 when the file cannot be read, 2 for bad arguments.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use super::{html, json, text};
use crate::engine::{self, Input, SourceKindChoice};

const USAGE: &str = "usage: scopelens explain FILE [--format text|json|html] [--source-kind auto|script|module|commonjs]";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Html,
}

#[derive(Debug)]
struct Args {
    file: String,
    format: Format,
    source_kind: SourceKindChoice,
}

pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("scopelens explain: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let source = match read_source(&args.file) {
        Ok(source) => source,
        Err(message) => {
            eprintln!("scopelens explain: {message}");
            return ExitCode::FAILURE;
        }
    };
    let input = Input {
        source_kind: args.source_kind,
        ..Input::new(&source, &args.file)
    };
    let analysis = engine::analyze_in_thread(&input);
    let stdout = io::stdout().lock();
    let mut out = BufWriter::new(stdout);
    let written = match args.format {
        Format::Json => json::write(&mut out, &args.file, &analysis),
        Format::Html => text::write_errors(&mut io::stderr().lock(), &args.file, &analysis)
            .and_then(|()| html::write(&mut out, &args.file, &source, &analysis)),
        Format::Text => text::write_errors(&mut io::stderr().lock(), &args.file, &analysis)
            .and_then(|()| text::write(&mut out, &args.file, &analysis)),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // `scopelens explain big.js | head` is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scopelens explain: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `Ok(None)` when help was asked for.
fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let mut file = None;
    let mut format = Format::Text;
    let mut source_kind = SourceKindChoice::Auto;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--format" => {
                format = match value("--format")?.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "html" => Format::Html,
                    other => {
                        return Err(format!(
                            "unknown format `{other}` (expected text, json or html)"
                        ));
                    }
                }
            }
            "--source-kind" => {
                let v = value("--source-kind")?;
                source_kind = SourceKindChoice::parse(&v).ok_or_else(|| {
                    format!("unknown source kind `{v}` (expected auto, script, module or commonjs)")
                })?;
            }
            _ if flag.starts_with('-') && flag != "-" => {
                return Err(format!("unknown option `{arg}`"));
            }
            _ if file.is_some() => return Err(format!("more than one file given (`{arg}`)")),
            _ => file = Some(arg.clone()),
        }
    }
    let file = file.ok_or("no FILE given")?;
    Ok(Some(Args {
        file,
        format,
        source_kind,
    }))
}

/// The file's text, without a byte order mark (editors do not count it as a column).
fn read_source(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{path}`: {e}"))?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "`{path}` is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn arguments() {
        let a = parse(&["x.js", "--format=json", "--source-kind", "module"])
            .unwrap()
            .unwrap();
        assert_eq!(
            (a.file.as_str(), a.format, a.source_kind),
            ("x.js", Format::Json, SourceKindChoice::Module)
        );
        assert_eq!(
            parse(&["--format", "yaml", "x.js"]).unwrap_err(),
            "unknown format `yaml` (expected text, json or html)"
        );
        assert_eq!(parse(&["--format"]).unwrap_err(), "--format needs a value");
        assert_eq!(parse(&[]).unwrap_err(), "no FILE given");
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["a.js", "b.js"]).is_err());
    }
}
