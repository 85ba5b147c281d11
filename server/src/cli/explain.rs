use std::process::ExitCode;

pub fn run(_args: &[String]) -> ExitCode {
    eprintln!("scopelens explain: not built yet");
    ExitCode::FAILURE
}
