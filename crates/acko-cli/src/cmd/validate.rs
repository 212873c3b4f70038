//! `acko validate` (not implemented yet).

/// Arguments of `acko validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {}

/// Runs `acko validate` and returns the exit code.
pub fn run(_args: ValidateArgs) -> i32 {
    eprintln!("acko validate: not implemented yet");
    2
}
