//! Rolling restart when a pod's config hash or pod-spec hash differs from its rack's.
//!
//! * Batches of `min(rollingUpdateBatchSize, maxUnavailable, replication-factor − 1)` (at least
//!   one), from one rack at a time (never two racks disrupted at once), each batch only when
//!   the previous one is Ready and the cluster is settled (zero migrations, size agreed).
//! * Not-ready outdated pods go first, without waiting for a settled cluster, when no more than
//!   `maxIgnorablePods` pods are not ready and no partitions are migrating (they cannot lose more
//!   availability). Otherwise a not-ready pod stops the roll, and the reason says which.
//! * Config-only changes of running, Ready pods use a warm restart (pod contract:
//!   `restart-request`), confirmed by `applied-config-hash`; an error or timeout falls back to
//!   deleting the pod. Pod-spec changes delete the pod.

use std::collections::BTreeSet;

use acko_api::{ClusterPhase, RestartReason};

use super::{Plan, PodRestart, RestartKind, Step, WARM_RESTART_TIMEOUT_SECS, safety};
use crate::desired::Desired;
use crate::observed::{Observed, PodFacts};

/// A pod that runs something other than its rack's desired config or pod spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Outdated<'a> {
    /// The pod.
    pub pod: &'a PodFacts,
    /// How it would be restarted.
    pub kind: RestartKind,
    /// Why.
    pub reason: RestartReason,
}

/// Pods to restart (pods about to be scaled away and pods with a warm restart in flight are
/// left out).
pub fn outdated<'a>(observed: &'a Observed, desired: &Desired) -> Vec<Outdated<'a>> {
    let mut out = Vec::new();
    for pod in observed.pods.values().filter(|p| !p.terminating) {
        let Some(rack) = desired.rack(pod.rack) else {
            continue;
        };
        if pod.ordinal >= rack.size || pod.warm.requested_hash.is_some() {
            continue;
        }
        if pod.pod_spec_hash.as_deref() != Some(rack.pod_spec_hash.as_str()) {
            out.push(Outdated {
                pod,
                kind: RestartKind::Cold,
                reason: RestartReason::PodSpecChanged,
            });
        } else if pod.config_hash.as_deref() != Some(rack.config_hash.as_str()) {
            let kind = if pod.running && pod.ready {
                RestartKind::Warm {
                    hash: rack.config_hash.clone(),
                }
            } else {
                RestartKind::Cold
            };
            out.push(Outdated {
                pod,
                kind,
                reason: RestartReason::ConfigChanged,
            });
        }
    }
    out
}

/// Batch size of a rolling restart.
pub fn batch_size(desired: &Desired) -> usize {
    let k = &desired.knobs;
    let copies_cap = k.replication_factor.saturating_sub(1).max(1);
    k.rolling_batch
        .min(k.max_unavailable)
        .min(copies_cap)
        .max(1) as usize
}

/// Follow-up of warm restarts in flight: confirm, fall back to a delete, or wait.
pub(super) fn warm_follow_up(observed: &Observed, _desired: &Desired) -> Option<Plan> {
    let pod = observed
        .pods
        .values()
        .find(|p| p.warm.requested_hash.is_some() && !p.terminating)?;
    let hash = pod.warm.requested_hash.clone().unwrap_or_default();
    if pod.warm.applied_hash.as_deref() == Some(hash.as_str()) {
        return Some(Plan::new(
            Step::ConfirmWarmRestart {
                pod: pod.name.clone(),
                hash,
            },
            ClusterPhase::RollingRestart,
            format!(
                "warm restart of {} confirmed by applied-config-hash",
                pod.name
            ),
        ));
    }
    let elapsed = pod.warm.requested_at.map(|t| observed.now - t);
    let failure = match (&pod.warm.last_error, elapsed) {
        (Some(e), _) => Some(format!("the supervisor reported: {e}")),
        (None, Some(s)) if s > WARM_RESTART_TIMEOUT_SECS => {
            Some(format!("applied-config-hash not confirmed after {s} s"))
        }
        _ => None,
    };
    let Some(failure) = failure else {
        return Some(Plan::new(
            Step::Wait,
            ClusterPhase::RollingRestart,
            format!("warm restart of {} in progress", pod.name),
        ));
    };
    if safety::migrations_remaining(observed) > 0 {
        return Some(Plan::new(
            Step::Wait,
            ClusterPhase::WaitingForMigration,
            format!(
                "warm restart of {} failed ({failure}); deleting it waits for migrations",
                pod.name
            ),
        ));
    }
    Some(Plan::new(
        Step::Restart {
            pods: vec![PodRestart {
                pod: pod.name.clone(),
                kind: RestartKind::Cold,
                reason: RestartReason::ConfigChanged,
            }],
        },
        ClusterPhase::RollingRestart,
        format!(
            "warm restart of {} failed ({failure}): deleting the pod instead",
            pod.name
        ),
    ))
}

fn restart_plan(batch: Vec<&Outdated<'_>>, rack: i32, note: &str) -> Plan {
    let names: Vec<&str> = batch.iter().map(|o| o.pod.name.as_str()).collect();
    let pods = batch
        .iter()
        .map(|o| PodRestart {
            pod: o.pod.name.clone(),
            kind: o.kind.clone(),
            reason: o.reason,
        })
        .collect();
    Plan::new(
        Step::Restart { pods },
        ClusterPhase::RollingRestart,
        format!(
            "rolling restart of rack {rack}: restarting {}{note}",
            names.join(", ")
        ),
    )
}

pub(super) fn rolling_restart(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let outdated = outdated(observed, desired);
    if outdated.is_empty() {
        return None;
    }
    let wait = |phase, reason: String| Some(Plan::new(Step::Wait, phase, reason));
    if let Some(p) = observed.pods.values().find(|p| p.terminating) {
        return wait(
            ClusterPhase::RollingRestart,
            format!("rolling restart waits for pod {} to terminate", p.name),
        );
    }
    let unready: Vec<&PodFacts> = observed.pods.values().filter(|p| !p.ready).collect();
    let disrupted: BTreeSet<i32> = unready.iter().map(|p| p.rack).collect();
    if disrupted.len() > 1 {
        return wait(
            ClusterPhase::RollingRestart,
            format!(
                "rolling restart paused: racks {disrupted:?} have pods that are not Ready; \
                 only one rack is disrupted at a time"
            ),
        );
    }
    let rack = match disrupted.first() {
        Some(r) => *r,
        None => outdated.iter().map(|o| o.pod.rack).min()?,
    };
    let mut in_rack: Vec<&Outdated<'_>> = outdated.iter().filter(|o| o.pod.rack == rack).collect();
    in_rack.sort_by_key(|o| std::cmp::Reverse(o.pod.ordinal));
    if !unready.is_empty() {
        let names: Vec<&str> = unready.iter().map(|p| p.name.as_str()).collect();
        let ignorable: Vec<&Outdated<'_>> =
            in_rack.iter().copied().filter(|o| !o.pod.ready).collect();
        let max_ignorable = desired.knobs.max_ignorable as usize;
        if ignorable.is_empty() || unready.len() > max_ignorable {
            return wait(
                ClusterPhase::RollingRestart,
                format!(
                    "rolling restart paused: pod {} is not Ready (a not-ready pod is restarted \
                     ahead of a stable cluster only within maxIgnorablePods={max_ignorable})",
                    names.join(", ")
                ),
            );
        }
        if safety::migrations_remaining(observed) > 0 {
            return wait(
                ClusterPhase::WaitingForMigration,
                "rolling restart waits for migrations to finish".to_owned(),
            );
        }
        let batch: Vec<&Outdated<'_>> = ignorable.into_iter().take(max_ignorable).collect();
        return Some(restart_plan(batch, rack, " (not Ready, restarted first)"));
    }
    if let Err(why) = safety::settled(observed) {
        let phase = if safety::migrations_remaining(observed) > 0 {
            ClusterPhase::WaitingForMigration
        } else {
            ClusterPhase::RollingRestart
        };
        return wait(phase, format!("rolling restart waits: {why}"));
    }
    let batch: Vec<&Outdated<'_>> = in_rack.into_iter().take(batch_size(desired)).collect();
    Some(restart_plan(batch, rack, ""))
}
