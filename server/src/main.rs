fn main() -> std::process::ExitCode {
    scopelens::cli::main(std::env::args().skip(1).collect())
}
