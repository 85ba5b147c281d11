//! The server binary the whole-server tests run: the same entry point as `server/src/main.rs`,
//! built in this test crate so that `env!("CARGO_BIN_EXE_scopelens-under-test")` names it (Cargo
//! gives integration tests the paths of their own package's binaries only).
fn main() -> std::process::ExitCode {
    scopelens::cli::main(std::env::args().skip(1).collect())
}
