//! One module per subcommand. Each exposes `XxxArgs` (clap) and `run(args) -> i32` (exit code).

pub mod crd;
pub mod info;
pub mod install;
pub mod render;
pub mod validate;
