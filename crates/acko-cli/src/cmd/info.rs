//! `acko info` (not implemented yet).

/// Arguments of `acko info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {}

/// Runs `acko info` and returns the exit code.
pub fn run(_args: InfoArgs) -> i32 {
    eprintln!("acko info: not implemented yet");
    2
}
