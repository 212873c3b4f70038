//! `acko crd` (not implemented yet).

/// Arguments of `acko crd`.
#[derive(Debug, clap::Args)]
pub struct CrdArgs {}

/// Runs `acko crd` and returns the exit code.
pub fn run(_args: CrdArgs) -> i32 {
    eprintln!("acko crd: not implemented yet");
    2
}
