//! `acko uninstall`: removes the operator (and the manager) installed by `acko install`,
//! refusing to delete custom resources silently (see `deploy::uninstall`).

use std::time::Duration;

use crate::deploy::manifests::{DEFAULT_NAMESPACE, objects};
use crate::deploy::uninstall::{UninstallOptions, uninstall};
use crate::kube_access::{KubeArgs, block_on, connect, is_namespace_name};

/// Arguments of `acko uninstall`.
#[derive(Debug, clap::Args)]
pub struct UninstallArgs {
    /// Namespace the operator was installed in.
    #[arg(long, short = 'n', default_value = DEFAULT_NAMESPACE)]
    pub namespace: String,
    /// Delete every AerospikeCluster and AerospikeClusterTemplate first (their pods go; claims
    /// stay unless `cascadeDelete`), wait until they are gone, then uninstall.
    #[arg(long, conflicts_with = "keep_crds")]
    pub delete_clusters: bool,
    /// Remove only the operator (and manager): the CRDs and every custom resource stay, the
    /// Aerospike pods keep running without management.
    #[arg(long)]
    pub keep_crds: bool,
    /// Seconds to wait for deleted custom resources to disappear.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    #[command(flatten)]
    pub kube: KubeArgs,
}

/// Runs `acko uninstall` and returns the exit code.
pub fn run(args: UninstallArgs) -> i32 {
    if !is_namespace_name(&args.namespace) {
        eprintln!(
            "acko uninstall: --namespace {:?} is not a valid namespace name",
            args.namespace
        );
        return 2;
    }
    let docs = match objects(true, &args.namespace) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("acko uninstall: {e}");
            return 2;
        }
    };
    let options = UninstallOptions {
        keep_crds: args.keep_crds,
        delete_clusters: args.delete_clusters,
        timeout: Duration::from_secs(args.timeout.max(1)),
    };
    block_on("uninstall", async move {
        let kube = match connect(&args.kube).await {
            Ok(k) => k,
            Err(e) => {
                eprintln!("acko uninstall: {e}");
                return 1;
            }
        };
        match uninstall(&kube.client, &docs, &options).await {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("acko uninstall: {e}");
                1
            }
        }
    })
}
