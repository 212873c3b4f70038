//! One module per subcommand. Each exposes `XxxArgs` (clap) and `run(args) -> i32` (exit code).

pub mod annotate;
pub mod collectinfo;
pub mod crd;
pub mod info;
pub mod install;
pub mod pause;
pub mod render;
pub mod restart;
pub mod status;
pub mod uninstall;
pub mod validate;
