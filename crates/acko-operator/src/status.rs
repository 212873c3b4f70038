//! The status subresource, computed purely from the observation, the desired state and the
//! plan. Nothing in it changes when nothing changed (no "last reconcile time"), so a no-op
//! reconcile writes no status either.

use std::collections::BTreeMap;

use acko_api::{
    AerospikeClusterStatus, AerospikePodStatus, ClusterPhase, MigrationStatus, RestartReason,
};
use asinfo::cluster;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use crate::desired::{Desired, DesiredError};
use crate::observed::{Observed, OptionalKind};
use crate::plan::{Plan, Step, objects, roll, safety};

/// Condition types the operator maintains.
pub mod conditions {
    /// At least one node serves and no more than replication-factor − 1 pods are down.
    pub const AVAILABLE: &str = "Available";
    /// Every pod Ready with the desired config and the cluster stable (phase Completed).
    pub const READY: &str = "Ready";
    /// Every pod runs its rack's config hash and pod-spec hash.
    pub const CONFIG_APPLIED: &str = "ConfigApplied";
    /// No partitions left to migrate on any reachable node.
    pub const MIGRATIONS_COMPLETE: &str = "MigrationsComplete";
    /// The last reconcile succeeded (spec valid, every write accepted).
    pub const RECONCILE_SUCCESS: &str = "ReconcileSuccess";
    /// CRDs of requested optional kinds (ServiceMonitor, PrometheusRule, CiliumNetworkPolicy)
    /// are installed.
    pub const OPTIONAL_RESOURCES: &str = "OptionalResourcesAvailable";
    /// Every node reports the Community Edition.
    pub const EDITION_SUPPORTED: &str = "EditionSupported";
}

/// Time from unix seconds.
pub fn time(unix: i64) -> Time {
    Time(jiff::Timestamp::from_second(unix).unwrap_or(jiff::Timestamp::UNIX_EPOCH))
}

fn condition(
    previous: Option<&AerospikeClusterStatus>,
    type_: &str,
    ok: bool,
    reason: &str,
    message: String,
    generation: Option<i64>,
    now: i64,
) -> Condition {
    let status = if ok { "True" } else { "False" };
    let prev = previous
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == type_));
    let last_transition_time = match prev {
        Some(p) if p.status == status => p.last_transition_time.clone(),
        _ => time(now),
    };
    Condition {
        type_: type_.to_owned(),
        status: status.to_owned(),
        reason: reason.to_owned(),
        message,
        observed_generation: generation,
        last_transition_time,
    }
}

/// A reconcile error to record (from the shell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconcileError {
    /// What failed, truncated to 256 bytes.
    pub message: String,
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn pod_statuses(
    observed: &Observed,
    plan: &Plan,
    previous: Option<&AerospikeClusterStatus>,
) -> BTreeMap<String, AerospikePodStatus> {
    let prev_pods = previous.and_then(|s| s.pods.as_ref());
    let restarted: BTreeMap<&str, RestartReason> = match &plan.step {
        Step::Restart { pods } => pods.iter().map(|p| (p.pod.as_str(), p.reason)).collect(),
        _ => BTreeMap::new(),
    };
    observed
        .pods
        .values()
        .map(|p| {
            let prev = prev_pods.and_then(|m| m.get(&p.name));
            let state = p
                .node
                .as_ref()
                .and_then(|n| n.observation.state.as_ref().ok());
            let unstable_since = if p.ready {
                None
            } else {
                prev.and_then(|s| s.unstable_since.clone())
                    .or_else(|| Some(time(observed.now)))
            };
            let (last_restart_reason, last_restart_time) = match restarted.get(p.name.as_str()) {
                Some(r) => (Some(*r), Some(time(observed.now))),
                None => (
                    prev.and_then(|s| s.last_restart_reason),
                    prev.and_then(|s| s.last_restart_time.clone()),
                ),
            };
            let status = AerospikePodStatus {
                pod_ip: p.pod_ip.clone(),
                host_ip: p.host_ip.clone(),
                rack: Some(p.rack),
                is_running_and_ready: Some(p.running && p.ready),
                config_hash: p.config_hash.clone(),
                pod_spec_hash: p.pod_spec_hash.clone(),
                node_id: state.map(|s| s.node_id.clone()),
                access_endpoints: p
                    .node
                    .as_ref()
                    .map(|n| n.access_endpoints.clone())
                    .filter(|e| !e.is_empty()),
                readiness_gate_satisfied: p
                    .has_readiness_gate
                    .then_some(p.gate_condition == Some(true)),
                last_restart_reason,
                last_restart_time,
                unstable_since,
                migrating_partitions: state
                    .and_then(|s| s.statistics.migrate_partitions_remaining)
                    .map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                aerospike_cluster_size: state
                    .and_then(|s| s.statistics.cluster_size)
                    .map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                ..prev.cloned().unwrap_or_default()
            };
            (p.name.clone(), status)
        })
        .collect()
}

/// Computes the status. `error` is a failure of the previous step's execution, if any.
pub fn compute(
    observed: &Observed,
    desired: Result<&Desired, &DesiredError>,
    plan: &Plan,
    error: Option<&ReconcileError>,
) -> AerospikeClusterStatus {
    let previous = observed.status.as_ref();
    let now = observed.now;
    let generation = observed.generation;
    let ready = observed
        .pods
        .values()
        .filter(|p| p.ready && !p.terminating)
        .count();
    let observations: Vec<_> = observed.pods.values().map(safety::observation).collect();
    let view = cluster::cluster_view(&observations);
    let mut status = AerospikeClusterStatus {
        phase: Some(plan.phase),
        phase_reason: Some(plan.reason.clone()),
        observed_generation: generation,
        size: Some(i32::try_from(ready).unwrap_or(i32::MAX)),
        aerospike_cluster_size: view
            .agreed_size()
            .map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
        pods: Some(pod_statuses(observed, plan, previous)),
        migration_status: Some(MigrationStatus {
            in_progress: view.migrations_remaining > 0,
            remaining_partitions: Some(
                i64::try_from(view.migrations_remaining).unwrap_or(i64::MAX),
            ),
            last_checked: None,
        }),
        operator_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        applied_spec: previous.and_then(|s| s.applied_spec.clone()),
        selector: previous.and_then(|s| s.selector.clone()),
        seeds_endpoint: observed.seeds_endpoint.clone(),
        failed_reconcile_count: error.map(|_| {
            previous
                .and_then(|s| s.failed_reconcile_count)
                .unwrap_or(0)
                .saturating_add(1)
        }),
        last_reconcile_error: error.map(|e| truncate(&e.message, 256)),
        ..AerospikeClusterStatus::default()
    };
    let mut conds = Vec::new();
    let cond = |t: &str, ok: bool, reason: &str, msg: String| {
        condition(previous, t, ok, reason, msg, generation, now)
    };
    match desired {
        Err(e) => {
            status.health = previous.and_then(|s| s.health.clone());
            conds.push(cond(conditions::READY, false, "InvalidSpec", e.message()));
            conds.push(cond(
                conditions::RECONCILE_SUCCESS,
                false,
                "InvalidSpec",
                e.message(),
            ));
        }
        Ok(d) => {
            let size = d.knobs.size as usize;
            status.health = Some(format!("{ready}/{size}"));
            status.selector = Some(d.selector.clone());
            let outdated: Vec<String> = roll::outdated(observed, d)
                .iter()
                .map(|o| o.pod.name.clone())
                .collect();
            status.pending_restart_pods = (!outdated.is_empty()).then(|| outdated.clone());
            let completed = plan.phase == ClusterPhase::Completed;
            if completed {
                status.applied_spec = Some(d.spec_json.clone());
            }
            let down =
                observed.total_replicas() as usize - ready.min(observed.total_replicas() as usize);
            let rf = d.knobs.replication_factor as usize;
            conds.push(cond(
                conditions::AVAILABLE,
                ready > 0 && down < rf.max(1),
                if ready > 0 {
                    "NodesServing"
                } else {
                    "NoNodeReady"
                },
                format!("{ready} of {size} pods ready; replication factor {rf}"),
            ));
            conds.push(cond(
                conditions::READY,
                completed,
                if completed {
                    "Completed"
                } else {
                    phase_name(plan.phase)
                },
                plan.reason.clone(),
            ));
            conds.push(cond(
                conditions::CONFIG_APPLIED,
                outdated.is_empty(),
                if outdated.is_empty() {
                    "AllPodsCurrent"
                } else {
                    "PodsPendingRestart"
                },
                if outdated.is_empty() {
                    "every pod runs its rack's configuration and pod spec".to_owned()
                } else {
                    format!("pods to restart: {}", outdated.join(", "))
                },
            ));
            let missing = objects::missing_kinds(observed, d);
            if !missing.is_empty() || previous_has(previous, conditions::OPTIONAL_RESOURCES) {
                let names: Vec<&str> = missing.iter().map(|k| OptionalKind::gvk(*k).1).collect();
                conds.push(cond(
                    conditions::OPTIONAL_RESOURCES,
                    missing.is_empty(),
                    if missing.is_empty() { "Installed" } else { "CRDMissing" },
                    if missing.is_empty() {
                        "all requested optional resources are installed".to_owned()
                    } else {
                        format!(
                            "not created because their CRD is not installed: {} (install the CRD or disable the feature)",
                            names.join(", ")
                        )
                    },
                ));
            }
        }
    }
    let migrations = view.migrations_remaining;
    conds.push(cond(
        conditions::MIGRATIONS_COMPLETE,
        migrations == 0 && !view.reachable.is_empty(),
        if view.reachable.is_empty() {
            "NoNodeReachable"
        } else if migrations == 0 {
            "NoMigrations"
        } else {
            "Migrating"
        },
        format!("{migrations} partitions left to migrate"),
    ));
    let enterprise: Vec<&str> = observed
        .pods
        .values()
        .filter(|p| {
            p.node
                .as_ref()
                .and_then(|n| n.edition.as_deref())
                .is_some_and(|e| !e.contains("Community"))
        })
        .map(|p| p.name.as_str())
        .collect();
    if !enterprise.is_empty() || previous_has(previous, conditions::EDITION_SUPPORTED) {
        conds.push(cond(
            conditions::EDITION_SUPPORTED,
            enterprise.is_empty(),
            if enterprise.is_empty() { "CommunityEdition" } else { "NotCommunityEdition" },
            if enterprise.is_empty() {
                "every node runs Aerospike Community Edition".to_owned()
            } else {
                format!(
                    "pods {} do not run Aerospike Community Edition; acko manages CE only: use a CE image",
                    enterprise.join(", ")
                )
            },
        ));
    }
    if desired.is_ok() {
        conds.push(cond(
            conditions::RECONCILE_SUCCESS,
            error.is_none(),
            if error.is_none() {
                "Succeeded"
            } else {
                "Failed"
            },
            error.map_or_else(
                || "last reconcile succeeded".to_owned(),
                |e| truncate(&e.message, 256),
            ),
        ));
    }
    conds.sort_by(|a, b| a.type_.cmp(&b.type_));
    status.conditions = Some(conds);
    status
}

fn previous_has(previous: Option<&AerospikeClusterStatus>, type_: &str) -> bool {
    previous
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == type_))
}

/// The phase as the CRD spells it (condition reasons must be CamelCase).
pub fn phase_name(phase: ClusterPhase) -> &'static str {
    match phase {
        ClusterPhase::InProgress => "InProgress",
        ClusterPhase::Completed => "Completed",
        ClusterPhase::Error => "Error",
        ClusterPhase::ScalingUp => "ScalingUp",
        ClusterPhase::ScalingDown => "ScalingDown",
        ClusterPhase::WaitingForMigration => "WaitingForMigration",
        ClusterPhase::RollingRestart => "RollingRestart",
        ClusterPhase::AclSync => "ACLSync",
        ClusterPhase::Paused => "Paused",
        ClusterPhase::Deleting => "Deleting",
        ClusterPhase::ConfigDegraded => "ConfigDegraded",
        ClusterPhase::BackoffActive => "BackoffActive",
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
