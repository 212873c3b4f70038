//! `acko install`: applies the operator's manifests (`deploy/base`, plus
//! `deploy/overlays/manager` with `--with-manager`) by server-side apply, CRDs first; with
//! `--dry-run` prints them instead (the same objects as `kubectl kustomize`, tested).

use std::time::Duration;

use crate::deploy::apply::{ApplyOptions, FIELD_MANAGER, install};
use crate::deploy::manifests::{DEFAULT_NAMESPACE, objects};
use crate::kube_access::{KubeArgs, block_on, connect, is_namespace_name};

/// Arguments of `acko install`.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Print the manifests (multi-document YAML) instead of applying them.
    #[arg(long)]
    pub dry_run: bool,
    /// Also install aerospike-cluster-manager with Kubernetes management.
    #[arg(long)]
    pub with_manager: bool,
    /// Namespace of the operator (and manager).
    #[arg(long, short = 'n', default_value = DEFAULT_NAMESPACE)]
    pub namespace: String,
    /// Take over fields that another field manager (kubectl, Helm) set to other values.
    #[arg(long)]
    pub force_conflicts: bool,
    /// Seconds to wait for the CRDs to be Established.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
    #[command(flatten)]
    pub kube: KubeArgs,
}

/// Runs `acko install` and returns the exit code.
pub fn run(args: InstallArgs) -> i32 {
    if !is_namespace_name(&args.namespace) {
        eprintln!(
            "acko install: --namespace {:?} is not a valid namespace name: use 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit",
            args.namespace
        );
        return 2;
    }
    let docs = match objects(args.with_manager, &args.namespace) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("acko install: {e}");
            return 2;
        }
    };
    if args.dry_run {
        for d in docs {
            match serde_saphyr::to_string(&d) {
                Ok(y) => say_raw!("---\n{y}"),
                Err(e) => {
                    eprintln!("acko install: {e}");
                    return 2;
                }
            }
        }
        return 0;
    }
    let options = ApplyOptions {
        force_conflicts: args.force_conflicts,
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    block_on("install", async move {
        let kube = match connect(&args.kube).await {
            Ok(k) => k,
            Err(e) => {
                eprintln!("acko install: {e}");
                return 1;
            }
        };
        match install(&kube.client, &docs, &options).await {
            Ok(_) => {
                say!(
                    "installed with field manager {FIELD_MANAGER}; follow the rollout with: kubectl -n {} rollout status deploy/acko-operator",
                    args.namespace
                );
                0
            }
            Err(e) => {
                eprintln!("acko install: {e}");
                1
            }
        }
    })
}
