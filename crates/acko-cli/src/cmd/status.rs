//! `acko status NAME` (`kubectl acko status NAME`): phase, conditions, a per-pod table with
//! hashes and readiness, migrations, the current operation, the template and the reconcile
//! circuit breaker, in one screen (`-o json` for scripts).
//!
//! The cluster is read as plain JSON, so status fields newer than this CLI do not break it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use serde::Serialize;
use serde_json::Value;

use crate::kube_access::{ClusterTarget, block_on, describe};

/// Readiness gate the operator sets on every Aerospike pod.
pub const READINESS_GATE: &str = "acko.io/aerospike-ready";

/// Output of `acko status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// A human summary with tables.
    Text,
    /// The same facts as one JSON object.
    Json,
}

/// Arguments of `acko status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub target: ClusterTarget,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "text")]
    pub output: StatusFormat,
}

/// Everything `status` shows.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub name: String,
    pub namespace: String,
    pub phase: Option<String>,
    pub phase_reason: Option<String>,
    pub health: Option<String>,
    pub paused: bool,
    pub generation: Option<i64>,
    pub observed_generation: Option<i64>,
    pub aerospike_cluster_size: Option<i64>,
    pub conditions: Vec<ConditionRow>,
    pub pods: Vec<PodRow>,
    pub migrations: Migrations,
    pub operation: Option<Operation>,
    pub breaker: Breaker,
    pub template: Option<Template>,
}

/// One condition.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConditionRow {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
}

/// One pod: from the Pod object and `status.pods`.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PodRow {
    pub name: String,
    pub phase: Option<String>,
    pub ready: bool,
    pub gate: Option<bool>,
    pub rack: Option<i64>,
    pub node_id: Option<String>,
    pub pod_ip: Option<String>,
    pub node_name: Option<String>,
    pub config_hash: Option<String>,
    pub pod_spec_hash: Option<String>,
    pub restarts: i64,
    pub migrating_partitions: Option<i64>,
    pub dynamic_config_status: Option<String>,
}

/// Data migrations.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Migrations {
    pub in_progress: bool,
    pub remaining_partitions: Option<i64>,
}

/// The on-demand operation in status.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    pub id: String,
    pub kind: String,
    pub phase: String,
    pub completed_pods: Vec<String>,
    pub failed_pods: Vec<String>,
    pub in_flight_pods: Vec<String>,
    pub message: Option<String>,
    pub start_time: Option<String>,
    pub finish_time: Option<String>,
}

/// The reconcile circuit breaker.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Breaker {
    pub failed_reconcile_count: i64,
    /// Failures that open the breaker, as the operator counting them reported it.
    pub threshold: Option<i64>,
    pub last_reconcile_error: Option<String>,
    pub last_failure_time: Option<String>,
    pub backoff_until: Option<String>,
}

/// The template the cluster follows.
#[derive(Debug, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub name: String,
    pub synced: Option<bool>,
    pub resource_version: Option<String>,
    pub last_sync_time: Option<String>,
}

fn s(v: &Value) -> Option<String> {
    match v {
        Value::String(x) => Some(x.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(s).collect())
        .unwrap_or_default()
}

fn pod_condition(pod: &Value, type_: &str) -> Option<bool> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == type_)
        .map(|c| c["status"] == "True")
}

/// Builds the summary from the cluster object and its pods (both as JSON). Pure.
pub fn summarize(cluster: &Value, pods: &[Value]) -> Summary {
    let st = &cluster["status"];
    let conditions = st["conditions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| ConditionRow {
                    type_: s(&c["type"]).unwrap_or_default(),
                    status: s(&c["status"]).unwrap_or_default(),
                    reason: s(&c["reason"]).unwrap_or_default(),
                    message: s(&c["message"]).unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut rows: BTreeMap<String, PodRow> = BTreeMap::new();
    for p in pods {
        let name = s(&p["metadata"]["name"]).unwrap_or_default();
        let restarts = p["status"]["containerStatuses"]
            .as_array()
            .map(|a| a.iter().filter_map(|c| c["restartCount"].as_i64()).sum())
            .unwrap_or(0);
        rows.insert(
            name.clone(),
            PodRow {
                name,
                phase: s(&p["status"]["phase"]),
                ready: pod_condition(p, "Ready").unwrap_or(false),
                gate: pod_condition(p, READINESS_GATE),
                pod_ip: s(&p["status"]["podIP"]),
                node_name: s(&p["spec"]["nodeName"]),
                restarts,
                ..PodRow::default()
            },
        );
    }
    if let Some(map) = st["pods"].as_object() {
        for (name, ps) in map {
            let row = rows.entry(name.clone()).or_insert_with(|| PodRow {
                name: name.clone(),
                phase: Some("Missing".into()),
                ..PodRow::default()
            });
            row.rack = ps["rack"].as_i64();
            row.node_id = s(&ps["nodeID"]);
            row.pod_ip = row.pod_ip.take().or_else(|| s(&ps["podIP"]));
            row.config_hash = s(&ps["configHash"]);
            row.pod_spec_hash = s(&ps["podSpecHash"]);
            row.migrating_partitions = ps["migratingPartitions"].as_i64();
            row.dynamic_config_status = s(&ps["dynamicConfigStatus"]);
            if row.gate.is_none() {
                row.gate = ps["readinessGateSatisfied"].as_bool();
            }
        }
    }
    let op = &st["operationStatus"];
    let operation = op.is_object().then(|| Operation {
        id: s(&op["id"]).unwrap_or_default(),
        kind: s(&op["kind"]).unwrap_or_default(),
        phase: s(&op["phase"]).unwrap_or_default(),
        completed_pods: strings(&op["completedPods"]),
        failed_pods: strings(&op["failedPods"]),
        in_flight_pods: strings(&op["inFlightPods"]),
        message: s(&op["message"]),
        start_time: s(&op["startTime"]),
        finish_time: s(&op["finishTime"]),
    });
    let template = cluster["spec"]["templateRef"]["name"]
        .as_str()
        .map(|name| Template {
            name: name.to_owned(),
            synced: st["templateSnapshot"]["synced"].as_bool(),
            resource_version: s(&st["templateSnapshot"]["resourceVersion"]),
            last_sync_time: s(&st["templateSnapshot"]["lastSyncTime"]),
        });
    Summary {
        name: s(&cluster["metadata"]["name"]).unwrap_or_default(),
        namespace: s(&cluster["metadata"]["namespace"]).unwrap_or_default(),
        phase: s(&st["phase"]),
        phase_reason: s(&st["phaseReason"]),
        health: s(&st["health"]),
        paused: cluster["spec"]["paused"].as_bool().unwrap_or(false),
        generation: cluster["metadata"]["generation"].as_i64(),
        observed_generation: st["observedGeneration"].as_i64(),
        aerospike_cluster_size: st["aerospikeClusterSize"].as_i64(),
        conditions,
        pods: rows.into_values().collect(),
        migrations: Migrations {
            in_progress: st["migrationStatus"]["inProgress"]
                .as_bool()
                .unwrap_or(false),
            remaining_partitions: st["migrationStatus"]["remainingPartitions"].as_i64(),
        },
        operation,
        breaker: Breaker {
            failed_reconcile_count: st["failedReconcileCount"].as_i64().unwrap_or(0),
            threshold: st["circuitBreakerThreshold"].as_i64(),
            last_reconcile_error: s(&st["lastReconcileError"]),
            last_failure_time: s(&st["lastFailureTime"]),
            backoff_until: s(&st["backoffUntil"]),
        },
        template,
    }
}

/// Left-aligned columns separated by two spaces.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(c);
            } else {
                out.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(header.iter().map(|h| (*h).to_owned()).collect());
    for r in rows {
        out.push_str(&line(r.clone()));
    }
    out
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}

fn short(hash: &Option<String>) -> String {
    hash.as_ref()
        .map_or_else(|| "-".into(), |h| h.chars().take(12).collect())
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn operation_line(o: &Operation) -> String {
    let list = |v: &Vec<String>| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(", ")
        }
    };
    let mut t = format!(
        "{} {} {} (done: {}; failed: {})",
        o.id,
        o.kind,
        o.phase,
        list(&o.completed_pods),
        list(&o.failed_pods)
    );
    if !o.in_flight_pods.is_empty() {
        t += &format!("; restarting now: {}", list(&o.in_flight_pods));
    }
    if let Some(m) = &o.message {
        t += &format!("; {m}");
    }
    match (&o.finish_time, &o.start_time) {
        (Some(f), _) => t += &format!("; finished {f}"),
        (None, Some(st)) => t += &format!("; started {st}"),
        _ => {}
    }
    t
}

/// The human report. Pure.
pub fn render_text(x: &Summary) -> String {
    let mut out = format!("AerospikeCluster {}/{}\n", x.namespace, x.name);
    let phase = match (&x.phase, &x.phase_reason) {
        (Some(p), Some(r)) => format!("{p} ({r})"),
        (Some(p), None) => p.clone(),
        (None, _) => "- (the operator has not written a status yet: is it running?)".into(),
    };
    out += &format!("  phase:        {phase}\n");
    out += &format!(
        "  health:       {}   aerospike cluster size: {}\n",
        opt(&x.health),
        opt(&x.aerospike_cluster_size)
    );
    let stale = match (x.generation, x.observed_generation) {
        (Some(g), Some(o)) if g != o => " — spec changes not yet seen by the operator",
        (Some(_), None) => " — never reconciled",
        _ => "",
    };
    out += &format!(
        "  generation:   {} (observed {}){stale}\n",
        opt(&x.generation),
        opt(&x.observed_generation)
    );
    out += &format!(
        "  paused:       {}{}\n",
        yes_no(x.paused),
        if x.paused {
            " (resume with: kubectl acko resume NAME)"
        } else {
            ""
        }
    );
    out += &format!(
        "  migrations:   {}\n",
        if x.migrations.in_progress {
            format!(
                "in progress, {} partitions left",
                opt(&x.migrations.remaining_partitions)
            )
        } else {
            "none".into()
        }
    );
    out += &format!(
        "  operation:    {}\n",
        match &x.operation {
            None => "none".into(),
            Some(o) => operation_line(o),
        }
    );
    let b = &x.breaker;
    out += &format!(
        "  reconcile:    {}\n",
        if b.failed_reconcile_count == 0 && b.backoff_until.is_none() {
            "healthy (no consecutive failures)".to_owned()
        } else {
            let mut t = format!("{} consecutive failure(s)", b.failed_reconcile_count);
            if let Some(th) = b.threshold {
                t += &format!(" (the breaker opens at {th})");
            }
            if let Some(e) = &b.last_reconcile_error {
                t += &format!("; last error: {e}");
            }
            if let Some(u) = &b.backoff_until {
                t += &format!(
                    "; circuit breaker open, backing off until {u} (reset: kubectl acko reset-breaker NAME)"
                );
            }
            t
        }
    );
    out += &format!(
        "  template:     {}\n",
        match &x.template {
            None => "none".into(),
            Some(t) => format!(
                "{} ({}){}",
                t.name,
                match t.synced {
                    Some(true) => "synced",
                    Some(false) => "out of sync: kubectl acko resync-template NAME",
                    None => "not resolved yet",
                },
                t.last_sync_time
                    .as_ref()
                    .map(|x| format!(", last synced {x}"))
                    .unwrap_or_default()
            ),
        }
    );
    out += "\nCONDITIONS\n";
    if x.conditions.is_empty() {
        out += "none\n";
    } else {
        let rows: Vec<Vec<String>> = x
            .conditions
            .iter()
            .map(|c| {
                vec![
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone(),
                    c.message.clone(),
                ]
            })
            .collect();
        out += &table(&["TYPE", "STATUS", "REASON", "MESSAGE"], &rows);
    }
    out += "\nPODS\n";
    if x.pods.is_empty() {
        out += "none\n";
    } else {
        let rows: Vec<Vec<String>> = x
            .pods
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    opt(&p.phase),
                    yes_no(p.ready).into(),
                    p.gate.map_or("-", yes_no).into(),
                    opt(&p.rack),
                    opt(&p.node_id),
                    opt(&p.pod_ip),
                    opt(&p.node_name),
                    short(&p.config_hash),
                    short(&p.pod_spec_hash),
                    p.restarts.to_string(),
                    opt(&p.migrating_partitions),
                ]
            })
            .collect();
        out += &table(
            &[
                "NAME",
                "PHASE",
                "READY",
                "GATE",
                "RACK",
                "NODE-ID",
                "POD-IP",
                "K8S-NODE",
                "CONFIG-HASH",
                "SPEC-HASH",
                "RESTARTS",
                "MIGRATING",
            ],
            &rows,
        );
    }
    out
}

/// Reads the cluster and its pods.
pub async fn fetch(
    client: &kube::Client,
    namespace: &str,
    name: &str,
) -> Result<(Value, Vec<Value>), String> {
    let what = format!("AerospikeCluster {namespace}/{name}");
    let cluster = crate::kube_access::clusters(client, namespace)
        .get(name)
        .await
        .map_err(|e| match crate::kube_access::status_code(&e) {
            Some(404) => {
                format!("{what} not found (list them with: kubectl get aerospikeclusters -A)")
            }
            _ => describe(&what, &e),
        })?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let lp =
        ListParams::default().labels(&format!("{}={name}", acko_render::labels::LABEL_CLUSTER));
    let pods = pods
        .list(&lp)
        .await
        .map_err(|e| describe(&format!("pods of {what}"), &e))?
        .items
        .into_iter()
        .filter_map(|p| serde_json::to_value(p).ok())
        .collect();
    let cluster = serde_json::to_value(cluster).map_err(|e| format!("{what}: {e}"))?;
    Ok((cluster, pods))
}

/// Runs `acko status` and returns the exit code.
pub fn run(args: StatusArgs) -> i32 {
    block_on("status", async move {
        let (client, ns) = match args.target.connect().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("acko status: {e}");
                return 2;
            }
        };
        match fetch(&client, &ns, &args.target.name).await {
            Ok((cluster, pods)) => {
                let summary = summarize(&cluster, &pods);
                match args.output {
                    StatusFormat::Text => say_raw!("{}", render_text(&summary)),
                    StatusFormat::Json => match serde_json::to_string_pretty(&summary) {
                        Ok(j) => say!("{j}"),
                        Err(e) => {
                            eprintln!("acko status: {e}");
                            return 1;
                        }
                    },
                }
                0
            }
            Err(e) => {
                eprintln!("acko status: {e}");
                1
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster() -> Value {
        json!({
            "metadata": {"name": "demo", "namespace": "db", "generation": 3},
            "spec": {"size": 2, "templateRef": {"name": "base"}},
            "status": {
                "phase": "RollingRestart", "phaseReason": "restarting demo-0-1",
                "health": "1/2", "observedGeneration": 3, "aerospikeClusterSize": 2,
                "conditions": [{"type": "Ready", "status": "False", "reason": "PodsNotReady", "message": "1 of 2 pods ready"}],
                "pods": {
                    "demo-0-0": {"rack": 0, "nodeID": "BB9", "configHash": "0123456789abcdef", "podSpecHash": "fedcba9876543210", "migratingPartitions": 0},
                    "demo-0-1": {"rack": 0, "configHash": "aaaa"}
                },
                "operationStatus": {"id": "op1", "kind": "WarmRestart", "phase": "InProgress", "completedPods": ["demo-0-0"], "inFlightPods": ["demo-0-1"], "startTime": "2026-12-07T09:00:00Z"},
                "migrationStatus": {"inProgress": true, "remainingPartitions": 12},
                "failedReconcileCount": 3, "circuitBreakerThreshold": 3, "lastReconcileError": "boom", "backoffUntil": "2026-12-07T10:00:00Z",
                "templateSnapshot": {"name": "base", "synced": false}
            }
        })
    }

    fn pod(name: &str, ready: bool) -> Value {
        json!({
            "metadata": {"name": name},
            "spec": {"nodeName": "n1"},
            "status": {"phase": "Running", "podIP": "10.0.0.1",
                "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}},
                               {"type": READINESS_GATE, "status": if ready {"True"} else {"False"}}],
                "containerStatuses": [{"restartCount": 2}, {"restartCount": 1}]}
        })
    }

    #[test]
    fn summary_joins_pods_and_status() {
        let x = summarize(&cluster(), &[pod("demo-0-0", true)]);
        assert_eq!(
            x.pods.len(),
            2,
            "a pod in status without a Pod object is listed"
        );
        assert_eq!(x.pods[0].restarts, 3);
        assert_eq!(x.pods[0].gate, Some(true));
        assert_eq!(x.pods[0].node_id.as_deref(), Some("BB9"));
        assert_eq!(x.pods[1].phase.as_deref(), Some("Missing"));
        assert_eq!(x.breaker.failed_reconcile_count, 3);
        assert_eq!(x.breaker.threshold, Some(3));
        assert_eq!(
            x.operation.as_ref().unwrap().completed_pods,
            vec!["demo-0-0"]
        );
        assert_eq!(x.template.as_ref().unwrap().synced, Some(false));
        assert!(x.migrations.in_progress);
    }

    #[test]
    fn text_report_names_every_part() {
        let t = render_text(&summarize(&cluster(), &[pod("demo-0-0", true)]));
        for needle in [
            "AerospikeCluster db/demo",
            "RollingRestart (restarting demo-0-1)",
            "in progress, 12 partitions left",
            "op1 WarmRestart InProgress (done: demo-0-0; failed: -); restarting now: demo-0-1; started 2026-12-07T09:00:00Z",
            "3 consecutive failure(s) (the breaker opens at 3); last error: boom; circuit breaker open",
            "base (out of sync",
            "PodsNotReady",
            "0123456789ab ",
            "demo-0-1  Missing",
        ] {
            assert!(t.contains(needle), "{needle:?} missing from:\n{t}");
        }
    }

    #[test]
    fn a_cluster_without_status_says_the_operator_has_not_seen_it() {
        let c = json!({"metadata": {"name": "x", "namespace": "d", "generation": 1}, "spec": {}});
        let t = render_text(&summarize(&c, &[]));
        assert!(t.contains("has not written a status yet"), "{t}");
        assert!(t.contains("never reconciled"), "{t}");
    }
}
