//! Read-only views computed from a cluster's status and pods: health (pods, rack
//! distribution, migrations, conditions), configuration drift (spec vs `appliedSpec`, per-pod
//! hash groups) and reconciliation health (circuit breaker), plus the breaker reset.

use std::collections::BTreeMap;
use std::time::Duration;

use acko_api::validation::ValidatedCluster;
use acko_api::{AerospikeCluster, AerospikeClusterTemplate};
use axum::Json;
use axum::extract::State;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::Api;
use kube::api::{Patch, PatchParams};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::{ClusterPath, fetch, pods, what};
use super::conn::Kube;
use super::model::{PodInfo, phase_name};
use super::validate::{merge_diff, patch_paths};
use crate::error::{ApiPath, ApiResult};
use crate::state::AppState;

/// Annotation that asks the operator to close the circuit breaker (value: request time).
pub use acko_api::contract::operator::ANNOTATION_RESET_CIRCUIT_BREAKER as RESET_CIRCUIT_BREAKER;
/// Consecutive failed reconciles that open the circuit breaker (the operator's default).
pub use acko_api::contract::operator::BREAKER_THRESHOLD;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(cluster_health))
        .routes(routes!(config_drift))
        .routes(routes!(reconciliation_status))
        .routes(routes!(reset_circuit_breaker))
}

/// A Kubernetes condition.
#[derive(Debug, Serialize, ToSchema, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConditionView {
    /// Type, e.g. `Available`.
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    /// Reason.
    pub reason: String,
    /// Message.
    pub message: String,
    /// Last transition (RFC 3339).
    pub last_transition_time: String,
}

fn conditions(c: &AerospikeCluster) -> Vec<ConditionView> {
    c.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .map(|cs| cs.iter().map(view).collect())
        .unwrap_or_default()
}

fn view(c: &Condition) -> ConditionView {
    ConditionView {
        type_: c.type_.clone(),
        status: c.status.clone(),
        reason: c.reason.clone(),
        message: c.message.clone(),
        last_transition_time: c.last_transition_time.0.to_string(),
    }
}

/// Pods of one rack.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RackHealth {
    /// Rack id (0 = no rack configuration).
    pub rack: i32,
    /// Zone of the rack (spec), if any.
    pub zone: Option<String>,
    /// Pods in the rack.
    pub pods: Vec<String>,
    /// Ready pods in the rack.
    pub ready: usize,
}

/// Migration state.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MigrationView {
    /// Any node still migrates.
    pub in_progress: bool,
    /// Partitions left, summed over nodes.
    pub remaining_partitions: Option<i64>,
    /// When measured (RFC 3339).
    pub last_checked: Option<String>,
}

/// Health summary of a cluster.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterHealth {
    /// Phase.
    pub phase: Option<String>,
    /// Desired pods.
    pub desired: Option<i32>,
    /// Pods that exist.
    pub pods: usize,
    /// Ready pods.
    pub ready: usize,
    /// Every desired pod is ready and nothing migrates.
    pub healthy: bool,
    /// Cluster size Aerospike reports.
    pub aerospike_cluster_size: Option<i32>,
    /// Pods per rack.
    pub racks: Vec<RackHealth>,
    /// Migrations.
    pub migration: Option<MigrationView>,
    /// Conditions.
    pub conditions: Vec<ConditionView>,
    /// The pods.
    pub pod_list: Vec<PodInfo>,
}

/// Rack distribution of pods (pure).
pub fn racks(c: &AerospikeCluster, pods: &[PodInfo]) -> Vec<RackHealth> {
    let zones: BTreeMap<i32, Option<String>> = c
        .spec
        .rack_config
        .iter()
        .flat_map(|rc| rc.racks.iter())
        .map(|r| (r.id, r.zone.clone()))
        .collect();
    let mut by: BTreeMap<i32, RackHealth> = zones
        .iter()
        .map(|(id, zone)| {
            (
                *id,
                RackHealth {
                    rack: *id,
                    zone: zone.clone(),
                    pods: Vec::new(),
                    ready: 0,
                },
            )
        })
        .collect();
    for p in pods {
        let id = p.rack.unwrap_or(0);
        let e = by.entry(id).or_insert_with(|| RackHealth {
            rack: id,
            zone: None,
            pods: Vec::new(),
            ready: 0,
        });
        e.pods.push(p.name.clone());
        e.ready += usize::from(p.ready);
    }
    by.into_values().collect()
}

/// Health: pods, rack distribution, migrations, conditions.
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/health", tag = "k8s", params(ClusterPath),
    responses((status = 200, body = ClusterHealth), (status = 404, description = "No such cluster")))]
async fn cluster_health(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Json<ClusterHealth>> {
    let c = fetch(&kube, &p.namespace, &p.name).await?;
    let status = c.status.clone().unwrap_or_default();
    let pod_list: Vec<PodInfo> = pods(&kube, &p.namespace, &p.name)
        .await?
        .iter()
        .map(|x| PodInfo::of(x, c.status.as_ref()))
        .collect();
    let ready = pod_list.iter().filter(|x| x.ready).count();
    let migration = status.migration_status.as_ref().map(|m| MigrationView {
        in_progress: m.in_progress,
        remaining_partitions: m.remaining_partitions,
        last_checked: m.last_checked.as_ref().map(|t| t.0.to_string()),
    });
    let desired = c.spec.size;
    Ok(Json(ClusterHealth {
        phase: status.phase.map(phase_name),
        healthy: desired
            .is_some_and(|d| usize::try_from(d).is_ok_and(|d| d == ready && d == pod_list.len()))
            && !migration.as_ref().is_some_and(|m| m.in_progress),
        desired,
        pods: pod_list.len(),
        ready,
        aerospike_cluster_size: status.aerospike_cluster_size,
        racks: racks(&c, &pod_list),
        migration,
        conditions: conditions(&c),
        pod_list,
    }))
}

/// One spec field that differs from the applied spec.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DriftField {
    /// Dotted path, e.g. `spec.size`.
    pub path: String,
    /// Desired value, any JSON (null when removed).
    #[schema(schema_with = super::model::any_value)]
    pub desired: Value,
    /// Applied value (null when it was absent).
    #[schema(schema_with = super::model::any_value)]
    pub applied: Value,
}

/// Pods running the same configuration.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HashGroup {
    /// Rack id of the pods (hashes legitimately differ between racks: rack affinity, rack
    /// overrides; only two groups within one rack are drift).
    pub rack: Option<i32>,
    /// `acko.io/config-hash`.
    pub config_hash: Option<String>,
    /// `acko.io/pod-spec-hash`.
    pub pod_spec_hash: Option<String>,
    /// Pods in the group.
    pub pods: Vec<String>,
}

/// Configuration drift.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConfigDrift {
    /// The spec differs from the applied spec, or pods run different configurations.
    pub drifted: bool,
    /// The operator has recorded an applied spec yet.
    pub applied_spec_known: bool,
    /// Fields of the spec that differ from `status.appliedSpec`.
    pub fields: Vec<DriftField>,
    /// Pods grouped by (config hash, pod-spec hash); more than one group = partial rollout.
    pub hash_groups: Vec<HashGroup>,
    /// `metadata.generation` vs `status.observedGeneration`.
    pub generation: Option<i64>,
    /// Generation the status describes.
    pub observed_generation: Option<i64>,
}

fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    let mut cur = v;
    for part in path.split('.').skip(1) {
        cur = cur.get(part).unwrap_or(&Value::Null);
    }
    cur
}

/// The spec as the operator records it in `status.appliedSpec`: the referenced template merged
/// in and every default applied (acko-render + acko-api, the operator's own path), so that a
/// default the user never wrote is not reported as drift. A spec that does not resolve (missing
/// template, invalid) is compared as written.
pub fn effective_spec(c: &AerospikeCluster, templates: &[AerospikeClusterTemplate]) -> Value {
    acko_render::merge_template(c, templates)
        .ok()
        .and_then(|merged| ValidatedCluster::new(&merged).ok())
        .and_then(|v| serde_json::to_value(v.spec()).ok())
        .unwrap_or_else(|| serde_json::to_value(&c.spec).unwrap_or(Value::Null))
}

/// Drift of a cluster (pure): `templates` holds the template the cluster references, if any.
pub fn drift(
    c: &AerospikeCluster,
    templates: &[AerospikeClusterTemplate],
    pods: &[PodInfo],
) -> ConfigDrift {
    let status = c.status.clone().unwrap_or_default();
    let spec = effective_spec(c, templates);
    let applied = status.applied_spec.clone().map(Value::Object);
    let mut fields = Vec::new();
    if let Some(applied) = &applied
        && let Some(d) = merge_diff(applied, &spec)
    {
        let mut paths = Vec::new();
        patch_paths(&d, "spec", &mut paths);
        for path in paths {
            fields.push(DriftField {
                desired: at(&spec, &path).clone(),
                applied: at(applied, &path).clone(),
                path,
            });
        }
    }
    type GroupKey = (Option<i32>, Option<String>, Option<String>);
    let mut groups: BTreeMap<GroupKey, Vec<String>> = BTreeMap::new();
    for p in pods {
        groups
            .entry((p.rack, p.config_hash.clone(), p.pod_spec_hash.clone()))
            .or_default()
            .push(p.name.clone());
    }
    let hash_groups: Vec<HashGroup> = groups
        .into_iter()
        .map(|((rack, config_hash, pod_spec_hash), pods)| HashGroup {
            rack,
            config_hash,
            pod_spec_hash,
            pods,
        })
        .collect();
    // Two hash groups in one rack: pods of that rack run different configurations (a roll in
    // progress, or one that stopped). Different hashes across racks are expected.
    let racks_split = hash_groups.windows(2).any(|w| w[0].rack == w[1].rack);
    ConfigDrift {
        drifted: !fields.is_empty() || racks_split,
        applied_spec_known: applied.is_some(),
        fields,
        hash_groups,
        generation: c.metadata.generation,
        observed_generation: status.observed_generation,
    }
}

/// Configuration drift: spec vs applied spec, and pods grouped by configuration hash.
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/config-drift", tag = "k8s", params(ClusterPath),
    responses((status = 200, body = ConfigDrift), (status = 404, description = "No such cluster")))]
async fn config_drift(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Json<ConfigDrift>> {
    let c = fetch(&kube, &p.namespace, &p.name).await?;
    let pod_list: Vec<PodInfo> = pods(&kube, &p.namespace, &p.name)
        .await?
        .iter()
        .map(|x| PodInfo::of(x, c.status.as_ref()))
        .collect();
    let mut templates = Vec::new();
    if let Some(t) = &c.spec.template_ref {
        let api: Api<AerospikeClusterTemplate> = Api::all(kube.client.clone());
        if let Some(found) = kube
            .call_opt(
                &format!("AerospikeClusterTemplate {}", t.name),
                api.get(&t.name),
            )
            .await?
        {
            templates.push(found);
        }
    }
    Ok(Json(drift(&c, &templates, &pod_list)))
}

/// Reconciliation health (circuit breaker).
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationStatus {
    /// `closed` (reconciling normally), `degraded` (failures below the threshold) or `open`
    /// (backing off).
    pub state: String,
    /// Consecutive failed reconciles.
    pub failed_reconcile_count: i32,
    /// Failures that open the breaker.
    pub threshold: i32,
    /// Message of the last failure.
    pub last_reconcile_error: Option<String>,
    /// Last reconcile (RFC 3339).
    pub last_reconcile_time: Option<String>,
    /// Current backoff between reconciles, in seconds (0 when closed).
    pub backoff_seconds: u64,
    /// When the operator retries next (RFC 3339), when backing off.
    pub next_retry_at: Option<String>,
    /// A reset was requested and not yet handled (the annotation is still there).
    pub reset_requested: bool,
    /// The `ReconcileHealthy` condition, if any.
    pub condition: Option<ConditionView>,
    /// Phase.
    pub phase: Option<String>,
}

/// Backoff after `failures` consecutive failed reconciles with the breaker opening at
/// `threshold` (the shared policy of `acko_api::contract::operator`): 0 below the threshold,
/// then 30 s doubling, capped at 10 min.
pub fn backoff(failures: i32, threshold: i32) -> Duration {
    acko_api::contract::operator::breaker_backoff(failures, threshold)
}

/// Reconciliation health of a cluster (pure). The threshold is the one the operator wrote with
/// the failures (`status.circuitBreakerThreshold`, its `--breaker-threshold`), else the default.
pub fn reconciliation(c: &AerospikeCluster) -> ReconciliationStatus {
    let status = c.status.clone().unwrap_or_default();
    let count = status.failed_reconcile_count.unwrap_or(0);
    let threshold = status
        .circuit_breaker_threshold
        .filter(|t| *t >= 1)
        .unwrap_or(BREAKER_THRESHOLD);
    let open = count >= threshold || status.phase == Some(acko_api::ClusterPhase::BackoffActive);
    let wait = backoff(count.max(if open { threshold } else { 0 }), threshold);
    let last = status
        .last_reconcile_time
        .as_ref()
        .or(status.last_failure_time.as_ref())
        .map(|t| t.0);
    // The operator writes `backoffUntil` when it opens the breaker; older operators did not.
    let next = status
        .backoff_until
        .as_ref()
        .map(|t| t.0)
        .filter(|_| open)
        .or_else(|| {
            (open && !wait.is_zero())
                .then(|| last.and_then(|l| l.checked_add(wait).ok()))
                .flatten()
        });
    ReconciliationStatus {
        state: if open {
            "open"
        } else if count > 0 {
            "degraded"
        } else {
            "closed"
        }
        .into(),
        failed_reconcile_count: count,
        threshold,
        last_reconcile_error: status.last_reconcile_error.clone(),
        last_reconcile_time: last.map(|t| t.to_string()),
        backoff_seconds: if open { wait.as_secs() } else { 0 },
        next_retry_at: next.map(|t| t.to_string()),
        reset_requested: c
            .metadata
            .annotations
            .as_ref()
            .is_some_and(|a| a.contains_key(RESET_CIRCUIT_BREAKER)),
        condition: status
            .conditions
            .as_ref()
            .and_then(|cs| cs.iter().find(|c| c.type_ == "ReconcileHealthy"))
            .map(view),
        phase: status.phase.map(phase_name),
    }
}

/// Reconciliation health: circuit-breaker state, failures vs threshold, backoff, last error.
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/reconciliation-status", tag = "k8s",
    params(ClusterPath),
    responses((status = 200, body = ReconciliationStatus), (status = 404, description = "No such cluster")))]
async fn reconciliation_status(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Json<ReconciliationStatus>> {
    let c = fetch(&kube, &p.namespace, &p.name).await?;
    Ok(Json(reconciliation(&c)))
}

/// Set an annotation on a cluster (merge patch, the cluster must exist).
pub async fn annotate(
    kube: &Kube,
    namespace: &str,
    name: &str,
    key: &str,
    value: &str,
) -> ApiResult<AerospikeCluster> {
    fetch(kube, namespace, name).await?;
    let api: Api<AerospikeCluster> = Api::namespaced(kube.client.clone(), namespace);
    let body = json!({"metadata": {"annotations": {key: value}}});
    kube.call(
        &what(namespace, name),
        api.patch(name, &PatchParams::default(), &Patch::Merge(&body)),
    )
    .await
}

/// Reset the circuit breaker: sets the `acko.io/reset-circuit-breaker` annotation, which makes
/// the operator clear the failure count and reconcile at once.
#[utoipa::path(post, path = "/k8s/clusters/{namespace}/{name}/reconciliation-status/reset", tag = "k8s",
    params(ClusterPath),
    responses((status = 200, body = ReconciliationStatus), (status = 404, description = "No such cluster")))]
async fn reset_circuit_breaker(
    State(_state): State<AppState>,
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Json<ReconciliationStatus>> {
    let now = jiff::Timestamp::now().to_string();
    let c = annotate(&kube, &p.namespace, &p.name, RESET_CIRCUIT_BREAKER, &now).await?;
    Ok(Json(reconciliation(&c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(v: Value) -> AerospikeCluster {
        serde_json::from_value(v).unwrap()
    }

    fn pod(name: &str, rack: i32, ready: bool, hash: &str) -> PodInfo {
        PodInfo {
            name: name.into(),
            phase: Some("Running".into()),
            ready,
            pod_ip: None,
            host_ip: None,
            node_name: None,
            rack: Some(rack),
            image: None,
            restarts: 0,
            containers: vec![],
            config_hash: Some(hash.into()),
            pod_spec_hash: Some("p".into()),
            operator_status: None,
            started_at: None,
        }
    }

    #[test]
    fn drift_lists_changed_fields_and_hash_groups() {
        let c = cluster(json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": "a", "namespace": "d", "generation": 3},
            "spec": {"size": 4, "image": "aerospike:8.1"},
            "status": {"appliedSpec": {"size": 3, "image": "aerospike:8.1"}, "observedGeneration": 2}
        }));
        let pods = [
            pod("a-0-0", 0, true, "h1"),
            pod("a-0-1", 0, true, "h2"),
            pod("a-0-2", 0, true, "h1"),
        ];
        let d = drift(&c, &[], &pods);
        assert!(d.drifted);
        let size = d.fields.iter().find(|f| f.path == "spec.size");
        assert_eq!(
            size,
            Some(&DriftField {
                path: "spec.size".into(),
                desired: json!(4),
                applied: json!(3)
            })
        );
        assert_eq!(d.hash_groups.len(), 2);
        assert_eq!(d.hash_groups[0].pods, ["a-0-0", "a-0-2"]);
        assert_eq!((d.generation, d.observed_generation), (Some(3), Some(2)));
        // No drift when the applied spec is the spec with its defaults (as the operator
        // records it): defaults the user never wrote are not drift.
        let mut same = cluster(json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": "a", "namespace": "d"},
            "spec": {"size": 3, "image": "aerospike:ce-8.1.2.0"}
        }));
        let applied = effective_spec(&same, &[]);
        assert!(
            applied.get("aerospikeConfig").is_some() && applied.get("podSpec").is_some(),
            "defaults applied: {applied}"
        );
        same.status = serde_json::from_value(json!({"appliedSpec": applied})).unwrap();
        let d = drift(&same, &[], &[pod("a-0-0", 0, true, "h1")]);
        assert_eq!(d.fields, vec![]);
        assert!(!d.drifted);
        assert!(d.applied_spec_known);
        // A user change on top of the defaults is drift, and only that change.
        same.spec.image = Some("aerospike:ce-8.1.1.1".into());
        let d = drift(&same, &[], &[pod("a-0-0", 0, true, "h1")]);
        assert_eq!(
            d.fields.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["spec.image"]
        );
    }

    #[test]
    fn hashes_that_differ_only_between_racks_are_not_drift() {
        let mut c = cluster(json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": "a", "namespace": "d"},
            "spec": {"size": 3, "image": "aerospike:ce-8.1.2.0"}
        }));
        let applied = effective_spec(&c, &[]);
        c.status = serde_json::from_value(json!({"appliedSpec": applied})).unwrap();
        // One hash per rack, different across racks (rack affinity): in sync.
        let racks = [
            pod("a-0-0", 0, true, "h0"),
            pod("a-1-0", 1, true, "h1"),
            pod("a-2-0", 2, true, "h2"),
        ];
        let d = drift(&c, &[], &racks);
        assert_eq!(d.hash_groups.len(), 3);
        assert_eq!(d.hash_groups[1].rack, Some(1));
        assert_eq!(d.fields, vec![]);
        assert!(!d.drifted, "per-rack hashes are not drift");
        // Two hashes within rack 1: drift.
        let split = [
            racks[0].clone(),
            racks[1].clone(),
            pod("a-1-1", 1, true, "h9"),
        ];
        assert!(drift(&c, &[], &split).drifted);
    }

    #[test]
    fn breaker_states_and_backoff() {
        let mk = |count: i32, phase: &str| {
            cluster(json!({
                "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
                "metadata": {"name": "a", "namespace": "d", "annotations": {RESET_CIRCUIT_BREAKER: "x"}},
                "spec": {"size": 3},
                "status": {"failedReconcileCount": count, "phase": phase,
                           "lastReconcileTime": "2026-01-01T00:00:00Z", "lastReconcileError": "boom"}
            }))
        };
        let r = reconciliation(&mk(0, "Completed"));
        assert_eq!((r.state.as_str(), r.backoff_seconds), ("closed", 0));
        let r = reconciliation(&mk(4, "Error"));
        assert_eq!(r.state, "degraded");
        assert_eq!(r.next_retry_at, None);
        let r = reconciliation(&mk(10, "BackoffActive"));
        assert_eq!((r.state.as_str(), r.backoff_seconds), ("open", 30));
        assert_eq!(r.next_retry_at.as_deref(), Some("2026-01-01T00:00:30Z"));
        assert!(r.reset_requested);
        assert_eq!(r.last_reconcile_error.as_deref(), Some("boom"));
        assert_eq!(
            r.threshold, BREAKER_THRESHOLD,
            "no threshold in status: the default"
        );
        assert_eq!(backoff(11, 10), Duration::from_secs(60));
        assert_eq!(backoff(40, 10), Duration::from_secs(600));
    }

    #[test]
    fn the_operators_own_threshold_from_status_decides_open() {
        let c = cluster(json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": "a", "namespace": "d"},
            "spec": {"size": 3},
            "status": {"failedReconcileCount": 4, "circuitBreakerThreshold": 3, "phase": "Error",
                       "lastReconcileTime": "2026-01-01T00:00:00Z"}
        }));
        let r = reconciliation(&c);
        assert_eq!((r.state.as_str(), r.threshold), ("open", 3));
        assert_eq!(r.backoff_seconds, 60, "one failure past 3: doubled once");
    }

    #[test]
    fn rack_distribution_includes_empty_racks() {
        let c = cluster(json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": "a", "namespace": "d"},
            "spec": {"size": 2, "rackConfig": {"racks": [{"id": 1, "zone": "a"}, {"id": 2, "zone": "b"}, {"id": 3, "zone": "c"}]}}
        }));
        let r = racks(
            &c,
            &[pod("a-1-0", 1, true, "h"), pod("a-2-0", 2, false, "h")],
        );
        assert_eq!(r.len(), 3);
        assert_eq!(
            (r[0].rack, r[0].ready, r[0].zone.as_deref()),
            (1, 1, Some("a"))
        );
        assert_eq!((r[1].ready, r[1].pods.len()), (0, 1));
        assert!(r[2].pods.is_empty());
    }
}
