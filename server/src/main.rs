use std::process::ExitCode;

const HELP: &str = "\
scopelens — JavaScript's lexical environments, made visible

Usage:
  scopelens [--stdio]                         run the language server on stdin/stdout
  scopelens explain FILE [--format text|json] [--source-kind auto|script|module|commonjs]
                                              print the environments, bindings, captures and
                                              references of FILE
  scopelens --version | --help

Logs go to stderr; set RUST_LOG (e.g. RUST_LOG=scopelens=debug) to change the level.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("--stdio") => scopelens::lsp::run_stdio(),
        Some("explain") => scopelens::cli::explain::run(&args[1..]),
        Some("--version" | "-V") => {
            println!("scopelens {}", env!("CARGO_PKG_VERSION"));
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
