//! The command line: `scopelens [--stdio]` (the language server), `scopelens explain`, `scopelens heap`.
pub mod explain;
pub mod heap;
mod heap_html;
mod heap_json;
mod html;
mod json;
mod text;

use std::process::ExitCode;

const HELP: &str = "\
scopelens — JavaScript's lexical environments, made visible

Usage:
  scopelens [--stdio]                         run the language server on stdin/stdout
  scopelens explain FILE [--format text|json|html] [--source-kind auto|script|module|commonjs]
                                              print the environments, bindings, captures and
                                              references of FILE (html: one self-contained page)
  scopelens heap SNAPSHOT [--root DIR] [--format text|json|html]
                                              what each closure of a V8 heap snapshot keeps
                                              alive, shown at its source under DIR
  scopelens --default-settings                print the server's default settings (JSON, in
                                              the shape editors send them)
  scopelens --version | --help

Logs go to stderr; set RUST_LOG (e.g. RUST_LOG=scopelens=debug) to change the level.
";

/// The binary's entry point; `args` without the program name.
pub fn main(args: Vec<String>) -> ExitCode {
    match args.first().map(String::as_str) {
        None | Some("--stdio") => crate::lsp::run_stdio(),
        Some("explain") => explain::run(&args[1..]),
        Some("heap") => heap::run(&args[1..]),
        Some("--version" | "-V") => {
            println!("scopelens {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--default-settings") => {
            let settings = crate::lsp::Config::default_settings();
            println!("{settings:#}");
            ExitCode::SUCCESS
        }
        Some("--help" | "-h" | "help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("scopelens: unknown argument `{other}`\n\n{HELP}");
            ExitCode::from(2)
        }
    }
}
