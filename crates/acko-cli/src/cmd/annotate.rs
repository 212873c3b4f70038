//! `acko resync-template NAME` and `acko reset-breaker NAME`: the two annotations the operator
//! acts on. Each write uses a new value (the time), so repeating the command asks again.

use kube::api::{Patch, PatchParams};
use serde_json::json;

use crate::kube_access::{ClusterTarget, block_on, clusters, describe};

/// Annotation asking the operator to re-resolve the cluster against its template.
pub const RESYNC_TEMPLATE: &str = "acko.io/resync-template";
/// Annotation asking the operator to clear the failure count and reconcile at once.
pub const RESET_CIRCUIT_BREAKER: &str = "acko.io/reset-circuit-breaker";

/// Arguments of both commands.
#[derive(Debug, clap::Args)]
pub struct AnnotateArgs {
    #[command(flatten)]
    pub target: ClusterTarget,
}

/// Sets `annotation` to the current time on the cluster; `resync-template` first checks that
/// the cluster has a template.
pub fn run(args: AnnotateArgs, annotation: &'static str) -> i32 {
    let verb = if annotation == RESYNC_TEMPLATE {
        "resync-template"
    } else {
        "reset-breaker"
    };
    block_on(verb, async move {
        let (client, ns) = match args.target.connect().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("acko {verb}: {e}");
                return 2;
            }
        };
        let name = &args.target.name;
        let what = args.target.what(&ns);
        let api = clusters(&client, &ns);
        let current = match api.get(name).await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("acko {verb}: {}", describe(&what, &e));
                return 1;
            }
        };
        if annotation == RESYNC_TEMPLATE && current.data["spec"]["templateRef"]["name"].is_null() {
            eprintln!(
                "acko {verb}: {what} references no template (spec.templateRef), so there is nothing to resync"
            );
            return 1;
        }
        let value = jiff::Timestamp::now().to_string();
        let patch = json!({"metadata": {"annotations": {annotation: value}}});
        match api
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {
                say!("{what} annotated {annotation}={value}");
                0
            }
            Err(e) => {
                eprintln!("acko {verb}: {}", describe(&what, &e));
                1
            }
        }
    })
}
