//! `acko render` (not implemented yet).

/// Arguments of `acko render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {}

/// Runs `acko render` and returns the exit code.
pub fn run(_args: RenderArgs) -> i32 {
    eprintln!("acko render: not implemented yet");
    2
}
