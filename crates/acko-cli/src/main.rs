//! `acko`: the command-line companion of the Aerospike CE Kubernetes operator.
//!
//! Each subcommand lives in its own module under `cmd/` and returns the process exit code.

use clap::{Parser, Subcommand};

mod cmd;

/// Validate, render and inspect Aerospike CE clusters managed by the acko operator.
#[derive(Debug, Parser)]
#[command(name = "acko", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the CustomResourceDefinitions (AerospikeCluster, AerospikeClusterTemplate) as YAML.
    Crd(cmd::crd::CrdArgs),
    /// Validate AerospikeCluster / AerospikeClusterTemplate YAML documents.
    Validate(cmd::validate::ValidateArgs),
    /// Render every Kubernetes object the operator would create for a cluster.
    Render(cmd::render::RenderArgs),
    /// Print the operator's install manifests (`--dry-run`; `--with-manager`, `--namespace`).
    Install(cmd::install::InstallArgs),
    /// Run info commands against one or more Aerospike nodes.
    Info(cmd::info::InfoArgs),
}

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Crd(args) => cmd::crd::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Render(args) => cmd::render::run(args),
        Command::Info(args) => cmd::info::run(args),
        Command::Install(args) => cmd::install::run(args),
    };
    std::process::exit(code);
}
