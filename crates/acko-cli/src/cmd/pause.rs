//! `acko pause NAME` / `acko resume NAME`: set or clear `spec.paused`. While paused the
//! operator changes nothing but the status (phase `Paused`); Aerospike keeps running.

use kube::api::{Patch, PatchParams};
use serde_json::json;

use crate::kube_access::{ClusterTarget, block_on, clusters, describe};

/// Arguments of `acko pause` and `acko resume`.
#[derive(Debug, clap::Args)]
pub struct PauseArgs {
    #[command(flatten)]
    pub target: ClusterTarget,
}

/// Runs `acko pause` (`pause = true`) or `acko resume` and returns the exit code.
pub fn run(args: PauseArgs, pause: bool) -> i32 {
    let verb = if pause { "pause" } else { "resume" };
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
        let paused = current.data["spec"]["paused"].as_bool().unwrap_or(false);
        if paused == pause {
            say!(
                "{what} is already {}",
                if pause { "paused" } else { "not paused" }
            );
            return 0;
        }
        // `null` removes the field: a resumed cluster looks like one never paused.
        let patch = json!({"spec": {"paused": if pause { json!(true) } else { json!(null) }}});
        match api
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {
                if pause {
                    say!(
                        "{what} paused: the operator changes nothing until `kubectl acko resume {name} -n {ns}`"
                    );
                } else {
                    say!("{what} resumed: the operator reconciles it again");
                }
                0
            }
            Err(e) => {
                eprintln!("acko {verb}: {}", describe(&what, &e));
                1
            }
        }
    })
}
