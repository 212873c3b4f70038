//! `acko`: the command-line companion of the Aerospike CE Kubernetes operator.
//!
//! Each subcommand lives in its own module under `cmd/` and returns the process exit code.
//! Installed (or symlinked) as `kubectl-acko`, the same binary is a kubectl plugin:
//! `kubectl acko status NAME` runs `acko status NAME`.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// `println!` that stops quietly on a closed stdout (`acko ... | head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` with the same rule.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod cmd;
mod deploy;
mod kube_access;

/// Validate, render, install and operate Aerospike CE clusters managed by the acko operator.
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
    /// Install (or upgrade) the operator, and optionally the manager, by server-side apply;
    /// `--dry-run` prints the manifests.
    Install(cmd::install::InstallArgs),
    /// Remove the operator (and the manager); refuses while custom resources exist unless told
    /// what to do with them.
    Uninstall(cmd::uninstall::UninstallArgs),
    /// Phase, conditions, pods (hashes, readiness), migrations, operation and breaker of a cluster.
    Status(cmd::status::StatusArgs),
    /// Restart the pods of a cluster (PodRestart, or WarmRestart with --warm), all or some.
    Restart(cmd::restart::RestartArgs),
    /// Stop reconciling a cluster (spec.paused = true).
    Pause(cmd::pause::PauseArgs),
    /// Reconcile a paused cluster again.
    Resume(cmd::pause::PauseArgs),
    /// Re-resolve a cluster against the current version of its template.
    ResyncTemplate(cmd::annotate::AnnotateArgs),
    /// Close the reconcile circuit breaker of a cluster and reconcile at once.
    ResetBreaker(cmd::annotate::AnnotateArgs),
    /// Gather the cluster, events, objects, logs and node info replies into a .tar.gz.
    Collectinfo(cmd::collectinfo::CollectInfoArgs),
    /// Run info commands against one or more Aerospike nodes.
    Info(cmd::info::InfoArgs),
}

/// Whether the binary runs as the kubectl plugin (its file name starts with `kubectl-acko`).
fn plugin_mode() -> bool {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .is_some_and(|n| n.starts_with("kubectl-acko"))
}

fn main() {
    let mut command = Cli::command();
    if plugin_mode() {
        command = command.name("kubectl-acko").bin_name("kubectl acko");
    }
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let code = match cli.command {
        Command::Crd(args) => cmd::crd::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Render(args) => cmd::render::run(args),
        Command::Info(args) => cmd::info::run(args),
        Command::Install(args) => cmd::install::run(args),
        Command::Uninstall(args) => cmd::uninstall::run(args),
        Command::Status(args) => cmd::status::run(args),
        Command::Restart(args) => cmd::restart::run(args),
        Command::Pause(args) => cmd::pause::run(args, true),
        Command::Resume(args) => cmd::pause::run(args, false),
        Command::ResyncTemplate(args) => cmd::annotate::run(args, cmd::annotate::RESYNC_TEMPLATE),
        Command::ResetBreaker(args) => {
            cmd::annotate::run(args, cmd::annotate::RESET_CIRCUIT_BREAKER)
        }
        Command::Collectinfo(args) => cmd::collectinfo::run(args),
    };
    std::process::exit(code);
}
