//! The `acko-init` binary: a thin CLI over the `acko_init` library.
//!
//! ```text
//! acko-init prepare [--dry-run] [pod facts...]            # the init container
//! acko-init supervise [pod facts...] -- /usr/bin/asd ...   # PID 1 of the aerospike container
//! ```
//! Every pod fact comes from the downward-API environment (docs/pod-contract.md) or the
//! matching flag; `--node-file` / `--service-file` replace the Kubernetes API for offline runs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use acko_init::InitError;
use acko_init::facts::{PodFacts, RawFacts};
use acko_init::prepare::{self, AnyApi, FileApi, LazyKube, Paths};
use acko_init::supervise::{self, ChildSpec, ConfReconfigure, Events, SupervisorOptions};
use clap::{Args, Parser, Subcommand};
use tokio::sync::mpsc;

#[derive(Parser)]
#[command(
    name = "acko-init",
    version,
    about = "In-pod helper of the acko Aerospike operator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Resolve addresses, write the final aerospike.conf, initialise volumes (init container).
    Prepare {
        #[command(flatten)]
        common: Common,
        /// Print what would be written (decisions + final aerospike.conf); write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where to copy this binary for the supervisor.
        #[arg(long, default_value = "/acko/bin")]
        bin_dir: PathBuf,
        /// Do not copy this binary.
        #[arg(long)]
        no_copy_binary: bool,
    },
    /// Run asd as a supervised child: signals, zombies, warm restarts (PID 1).
    Supervise {
        #[command(flatten)]
        common: Common,
        /// Seconds a warm restart waits for asd to stop before SIGKILL.
        #[arg(long, default_value_t = 120)]
        stop_timeout_seconds: u64,
        /// Seconds a warm restart waits for the ConfigMap to carry the requested hash.
        #[arg(long, default_value_t = 300)]
        restart_wait_seconds: u64,
        /// Milliseconds between checks of the restart trigger file.
        #[arg(long, default_value_t = 1000)]
        trigger_poll_ms: u64,
        /// The command to supervise, after `--`.
        #[arg(last = true, required = true, num_args = 1..)]
        command: Vec<OsString>,
    },
}

#[derive(Args)]
struct Common {
    /// The mounted ConfigMap (keys aerospike.conf and acko-init.json).
    #[arg(long, env = "ACKO_CONFIG_DIR", default_value = "/etc/acko/config")]
    config_dir: PathBuf,
    /// The final aerospike.conf.
    #[arg(long, default_value = "/etc/aerospike/aerospike.conf")]
    conf_out: PathBuf,
    /// Supervisor state directory (applied-config-hash, restart-request).
    #[arg(long, default_value = "/acko/run")]
    run_dir: PathBuf,
    /// Downward-API annotations file (network-status for configuredIP).
    #[arg(long, default_value = "/etc/acko/podinfo/annotations")]
    annotations_file: PathBuf,
    /// Pod name.
    #[arg(long, env = "POD_NAME")]
    pod_name: Option<String>,
    /// Pod namespace.
    #[arg(long, env = "POD_NAMESPACE")]
    pod_namespace: Option<String>,
    /// Pod IP.
    #[arg(long, env = "POD_IP")]
    pod_ip: Option<String>,
    /// Node name.
    #[arg(long, env = "NODE_NAME")]
    node_name: Option<String>,
    /// Node IP as seen by the kubelet (status.hostIP).
    #[arg(long, env = "HOST_IP")]
    host_ip: Option<String>,
    /// NodePort or LoadBalancer when the pod has a per-pod external Service.
    #[arg(long, env = "EXTERNAL_SERVICE_TYPE")]
    external_service_type: Option<String>,
    /// Read the Node from this JSON file instead of the API (offline).
    #[arg(long)]
    node_file: Option<PathBuf>,
    /// Read the per-pod Service from this JSON file instead of the API (offline).
    #[arg(long)]
    service_file: Option<PathBuf>,
    /// Override externalAddressTimeoutSeconds.
    #[arg(long)]
    external_timeout_seconds: Option<u64>,
    /// Seconds between polls of the per-pod Service.
    #[arg(long, default_value_t = 2)]
    poll_interval_seconds: u64,
}

impl Common {
    fn facts(&self) -> Result<PodFacts, InitError> {
        let annotations_file = match std::fs::read_to_string(&self.annotations_file) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(InitError::io("reading", &self.annotations_file, e)),
        };
        PodFacts::from_raw(&RawFacts {
            pod_name: self.pod_name.clone(),
            pod_namespace: self.pod_namespace.clone(),
            pod_ip: self.pod_ip.clone(),
            node_name: self.node_name.clone(),
            host_ip: self.host_ip.clone(),
            external_service_type: self.external_service_type.clone(),
            annotations_file,
        })
    }

    fn api(&self) -> AnyApi {
        if self.node_file.is_some() || self.service_file.is_some() {
            AnyApi::Files(FileApi {
                node: self.node_file.clone(),
                service: self.service_file.clone(),
            })
        } else {
            AnyApi::Kube(LazyKube::default())
        }
    }

    fn paths(&self, bin_dir: Option<PathBuf>) -> Paths {
        Paths {
            config_dir: self.config_dir.clone(),
            conf_out: self.conf_out.clone(),
            run_dir: self.run_dir.clone(),
            bin_dir,
            annotations_file: Some(self.annotations_file.clone()),
        }
    }

    fn options(&self, dry_run: bool, skip_volumes: bool) -> prepare::Options {
        prepare::Options {
            dry_run,
            skip_volumes,
            external_timeout: self.external_timeout_seconds.map(Duration::from_secs),
            poll_interval: Duration::from_secs(self.poll_interval_seconds.max(1)),
        }
    }
}

fn main() -> ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&anyhow::anyhow!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => fail(&e),
    }
}

/// Prints the one-line error and leaves it as the container's termination message.
fn fail(e: &anyhow::Error) -> ExitCode {
    let line = format!("acko-init: {e:#}");
    eprintln!("{line}");
    let termination_log = Path::new("/dev/termination-log");
    if termination_log.exists() {
        let _ = std::fs::write(termination_log, format!("{line}\n"));
    }
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Prepare {
            common,
            dry_run,
            bin_dir,
            no_copy_binary,
        } => {
            let facts = common.facts()?;
            let bin = (!no_copy_binary).then_some(bin_dir);
            let prepared = prepare::run(
                &common.paths(bin),
                &facts,
                &common.api(),
                &common.options(dry_run, false),
            )
            .await?;
            if dry_run {
                print!("{}", prepare::dry_run_report(&prepared));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Supervise {
            common,
            stop_timeout_seconds,
            restart_wait_seconds,
            trigger_poll_ms,
            command,
        } => {
            let facts = common.facts()?;
            let Some((program, args)) = command.split_first() else {
                anyhow::bail!(
                    "supervise: give the command after `--`, e.g. -- /usr/bin/asd --foreground"
                );
            };
            if std::process::id() != 1
                && let Err(e) = nix::sys::prctl::set_child_subreaper(true)
            {
                tracing::warn!(error = %e, "cannot become a child subreaper; orphans go to PID 1");
            }
            let paths = common.paths(None);
            if let Ok(hash) = std::fs::read_to_string(paths.applied_hash_file()) {
                tracing::info!(config_hash = %hash.trim(), "starting with the applied config hash");
            }
            let (tx, mut rx) = mpsc::channel(16);
            supervise::forward_signals(tx.clone())?;
            tokio::spawn(supervise::watch_trigger_file(
                paths.run_dir.join("restart-request"),
                Duration::from_millis(trigger_poll_ms.max(10)),
                tx,
            ));
            let opts = SupervisorOptions {
                stop_timeout: Duration::from_secs(stop_timeout_seconds),
                reap_all: true,
                run_dir: paths.run_dir.clone(),
            };
            let mut reconf = ConfReconfigure {
                api: common.api(),
                options: common.options(false, true),
                paths,
                facts,
                wait_timeout: Duration::from_secs(restart_wait_seconds),
                wait_interval: Duration::from_secs(1),
            };
            let spec = ChildSpec {
                program: program.clone(),
                args: args.to_vec(),
            };
            let outcome =
                supervise::supervise(&spec, &opts, &mut rx, &mut reconf, &Events::default())
                    .await?;
            tracing::info!(?outcome, "supervisor exiting");
            Ok(ExitCode::from(
                u8::try_from(outcome.exit_code().clamp(0, 255)).unwrap_or(1),
            ))
        }
    }
}
