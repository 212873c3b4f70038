//! `acko restart NAME [--warm] [--pods a,b] [--id ID]`: asks the operator for a `PodRestart`
//! (delete and recreate) or `WarmRestart` (restart asd in place) by writing one entry to
//! `spec.operations`. The operator runs it with the rolling-restart safety rules and reports
//! progress in `status.operationStatus` (`kubectl acko status NAME`).

use kube::api::{Patch, PatchParams};
use serde_json::{Value, json};

use crate::kube_access::{ClusterTarget, block_on, clusters, describe, status_code};

/// Arguments of `acko restart`.
#[derive(Debug, clap::Args)]
pub struct RestartArgs {
    #[command(flatten)]
    pub target: ClusterTarget,
    /// Restart asd inside the running pods (WarmRestart) instead of recreating the pods
    /// (PodRestart).
    #[arg(long)]
    pub warm: bool,
    /// Only these pods (comma-separated); default: every pod of the cluster.
    #[arg(long, value_delimiter = ',', value_name = "POD,...")]
    pub pods: Vec<String>,
    /// Operation id, 1-20 characters (default: generated from the time). A new id starts a
    /// new run.
    #[arg(long)]
    pub id: Option<String>,
}

/// A default operation id: `warm-`/`pod-` + the time in ms as hex (at most 20 characters).
pub fn generated_id(warm: bool) -> String {
    let ms = jiff::Timestamp::now().as_millisecond();
    format!(
        "{}-{:x}",
        if warm { "warm" } else { "pod" },
        ms & 0xffff_ffff_ffff
    )
}

/// The merge patch for the operation, or why it cannot be written. Pure.
pub fn operation_patch(
    cluster: &Value,
    existing_pods: &[String],
    warm: bool,
    pods: &[String],
    id: &str,
) -> Result<Value, String> {
    if id.is_empty() || id.chars().count() > 20 {
        return Err(format!(
            "--id {id:?}: an operation id must have 1 to 20 characters"
        ));
    }
    if let Some(last) = cluster["spec"]["operations"]
        .as_array()
        .and_then(|a| a.first())
        && last["id"] == id
    {
        return Err(format!(
            "operation id {id:?} was already used by the last operation; a new id starts a new run (omit --id to generate one)"
        ));
    }
    let op = &cluster["status"]["operationStatus"];
    if op["phase"] == "InProgress" {
        return Err(format!(
            "operation {} ({}) is still in progress; wait until status.operationStatus.phase is Completed \
             (kubectl acko status NAME) and retry",
            op["id"], op["kind"]
        ));
    }
    let unknown: Vec<&String> = pods.iter().filter(|p| !existing_pods.contains(p)).collect();
    if !unknown.is_empty() {
        return Err(format!(
            "not pods of this cluster: {}; its pods are: {}",
            unknown
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            if existing_pods.is_empty() {
                "none".into()
            } else {
                existing_pods.join(", ")
            }
        ));
    }
    let mut entry = json!({
        "kind": if warm { "WarmRestart" } else { "PodRestart" },
        "id": id,
    });
    if !pods.is_empty() {
        entry["podList"] = json!(pods);
    }
    Ok(json!({
        "metadata": {"resourceVersion": cluster["metadata"]["resourceVersion"]},
        "spec": {"operations": [entry]},
    }))
}

/// Runs `acko restart` and returns the exit code.
pub fn run(args: RestartArgs) -> i32 {
    block_on("restart", async move {
        let (client, ns) = match args.target.connect().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("acko restart: {e}");
                return 2;
            }
        };
        let name = &args.target.name;
        let what = args.target.what(&ns);
        let (cluster, pods) = match super::status::fetch(&client, &ns, name).await {
            Ok(x) => x,
            Err(e) => {
                eprintln!("acko restart: {e}");
                return 1;
            }
        };
        let existing: Vec<String> = pods
            .iter()
            .filter_map(|p| p["metadata"]["name"].as_str().map(str::to_owned))
            .collect();
        let id = args.id.clone().unwrap_or_else(|| generated_id(args.warm));
        let patch = match operation_patch(&cluster, &existing, args.warm, &args.pods, &id) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("acko restart: {what}: {e}");
                return 1;
            }
        };
        match clusters(&client, &ns)
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {
                say!(
                    "{} operation {id} requested on {what} ({}); follow it with: kubectl acko status {name} -n {ns}",
                    if args.warm {
                        "WarmRestart"
                    } else {
                        "PodRestart"
                    },
                    if args.pods.is_empty() {
                        "every pod".into()
                    } else {
                        args.pods.join(", ")
                    }
                );
                0
            }
            Err(e) if status_code(&e) == Some(409) => {
                eprintln!(
                    "acko restart: {what} changed while the operation was being written; run the command again"
                );
                1
            }
            Err(e) => {
                eprintln!("acko restart: {}", describe(&what, &e));
                1
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(status: Value) -> Value {
        json!({"metadata": {"resourceVersion": "7"}, "spec": {"operations": [{"kind": "WarmRestart", "id": "old"}]}, "status": status})
    }

    #[test]
    fn writes_one_operation_with_a_precondition() {
        let pods = vec!["a-0-0".to_owned(), "a-0-1".to_owned()];
        let p = operation_patch(&c(json!({})), &pods, true, &["a-0-1".into()], "x1").unwrap();
        assert_eq!(p["metadata"]["resourceVersion"], "7");
        assert_eq!(
            p["spec"]["operations"],
            json!([{"kind": "WarmRestart", "id": "x1", "podList": ["a-0-1"]}])
        );
        let all = operation_patch(&c(json!({})), &pods, false, &[], "x2").unwrap();
        assert_eq!(
            all["spec"]["operations"],
            json!([{"kind": "PodRestart", "id": "x2"}])
        );
    }

    #[test]
    fn refuses_what_the_operator_would_reject() {
        let pods = vec!["a-0-0".to_owned()];
        let busy = c(
            json!({"operationStatus": {"id": "old", "kind": "WarmRestart", "phase": "InProgress"}}),
        );
        assert!(
            operation_patch(&busy, &pods, true, &[], "n")
                .unwrap_err()
                .contains("still in progress")
        );
        assert!(
            operation_patch(&c(json!({})), &pods, true, &["zz".into()], "n")
                .unwrap_err()
                .contains("not pods of this cluster: zz")
        );
        assert!(
            operation_patch(&c(json!({})), &pods, true, &[], "old")
                .unwrap_err()
                .contains("already used")
        );
        assert!(
            operation_patch(&c(json!({})), &pods, true, &[], &"x".repeat(21))
                .unwrap_err()
                .contains("1 to 20")
        );
    }

    #[test]
    fn generated_ids_fit_the_crd_limit() {
        assert!(generated_id(true).len() <= 20);
        assert!(generated_id(false).starts_with("pod-"));
    }
}
