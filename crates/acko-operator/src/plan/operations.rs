//! On-demand operations (pure): `spec.operations[0]` (`WarmRestart` or `PodRestart`, all pods
//! or `podList`) runs with the rolling restart's batching and safety rules, one batch at a time,
//! only on a settled cluster, and reports `status.operationStatus` (phase Pending → InProgress →
//! Completed | Failed, completed/failed/in-flight pods, start and finish times). An unknown pod
//! name fails the operation at once (no loop); a finished operation stays in status until the
//! user removes it from the spec.

use std::collections::BTreeSet;

use acko_api::{
    ClusterPhase, OperationKind, OperationPhase, OperationSpec, OperationStatus, RestartReason,
};

use super::{Plan, PodRestart, RestartKind, Step, WARM_RESTART_TIMEOUT_SECS, roll, safety};
use crate::desired::Desired;
use crate::observed::Observed;
use crate::status::time;

/// The pods an operation targets: `podList`, or every pod the cluster should have.
pub fn targets(spec: &OperationSpec, desired: &Desired) -> Vec<String> {
    match &spec.pod_list {
        Some(list) if !list.is_empty() => {
            let mut l = list.clone();
            l.sort();
            l.dedup();
            l
        }
        _ => desired.racks.iter().flat_map(|r| r.pods.clone()).collect(),
    }
}

fn restart_reason(kind: OperationKind) -> RestartReason {
    match kind {
        OperationKind::WarmRestart => RestartReason::WarmRestart,
        OperationKind::PodRestart => RestartReason::ManualRestart,
    }
}

fn finished(phase: OperationPhase) -> bool {
    matches!(phase, OperationPhase::Completed | OperationPhase::Failed)
}

/// The operation's status from the spec, the previous status and what is observed now
/// (before this reconcile's step).
pub fn progress(observed: &Observed, desired: &Desired) -> Option<OperationStatus> {
    let spec = desired.day2.operation.as_ref()?;
    let prev = observed
        .status
        .as_ref()
        .and_then(|s| s.operation_status.as_ref())
        .filter(|s| s.id == spec.id && s.kind == spec.kind);
    let now = observed.now;
    let Some(prev) = prev else {
        let known: BTreeSet<String> = desired.racks.iter().flat_map(|r| r.pods.clone()).collect();
        let unknown: Vec<String> = targets(spec, desired)
            .into_iter()
            .filter(|p| !known.contains(p))
            .collect();
        if !unknown.is_empty() {
            return Some(OperationStatus {
                id: spec.id.clone(),
                kind: spec.kind,
                phase: OperationPhase::Failed,
                message: Some(format!(
                    "podList names pods that are not part of this cluster: {} (its pods: {}); \
                     fix podList or use a new operation id",
                    unknown.join(", "),
                    known.into_iter().collect::<Vec<_>>().join(", ")
                )),
                failed_pods: Some(unknown),
                start_time: Some(time(now)),
                finish_time: Some(time(now)),
                ..OperationStatus::default()
            });
        }
        return Some(OperationStatus {
            id: spec.id.clone(),
            kind: spec.kind,
            phase: OperationPhase::Pending,
            start_time: Some(time(now)),
            ..OperationStatus::default()
        });
    };
    if finished(prev.phase) {
        return Some(prev.clone());
    }
    let mut completed: Vec<String> = prev.completed_pods.clone().unwrap_or_default();
    let mut failed: Vec<String> = prev.failed_pods.clone().unwrap_or_default();
    let mut in_flight = Vec::new();
    for name in prev.in_flight_pods.iter().flatten() {
        let pod = observed.pods.get(name);
        let back = pod.is_some_and(|p| {
            p.ready && !p.terminating && p.running && p.warm.requested_hash.is_none()
        });
        let restarted_at = observed
            .status
            .as_ref()
            .and_then(|s| s.pods.as_ref())
            .and_then(|m| m.get(name))
            .and_then(|p| p.last_restart_time.as_ref())
            .map(|t| t.0.as_second());
        let timed_out = restarted_at.is_some_and(|t| now - t > WARM_RESTART_TIMEOUT_SECS);
        if back {
            completed.push(name.clone());
        } else if timed_out {
            failed.push(name.clone());
        } else {
            in_flight.push(name.clone());
        }
    }
    let done: BTreeSet<&String> = completed.iter().chain(failed.iter()).collect();
    let remaining = targets(spec, desired)
        .into_iter()
        .filter(|p| !done.contains(p))
        .count();
    let mut status = OperationStatus {
        completed_pods: (!completed.is_empty()).then_some(completed),
        failed_pods: (!failed.is_empty()).then(|| failed.clone()),
        in_flight_pods: (!in_flight.is_empty()).then_some(in_flight),
        ..prev.clone()
    };
    if remaining == 0 {
        status.phase = if failed.is_empty() {
            OperationPhase::Completed
        } else {
            OperationPhase::Failed
        };
        status.message = (!failed.is_empty()).then(|| {
            format!(
                "pods {} did not come back within {WARM_RESTART_TIMEOUT_SECS} s",
                failed.join(", ")
            )
        });
        status.finish_time = Some(time(now));
    }
    Some(status)
}

/// The next step of the operation, if it has work and the cluster is settled.
pub(super) fn next(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let spec = desired.day2.operation.as_ref()?;
    let status = progress(observed, desired)?;
    if finished(status.phase) {
        return None;
    }
    let label = format!("operation {} ({:?})", spec.id, spec.kind);
    let wait = |phase, why: String| Some(Plan::new(Step::Wait, phase, format!("{label}: {why}")));
    if let Some(pods) = status.in_flight_pods.as_ref().filter(|p| !p.is_empty()) {
        return wait(
            ClusterPhase::RollingRestart,
            format!("waiting for {} to come back Ready", pods.join(", ")),
        );
    }
    let done: BTreeSet<&String> = status
        .completed_pods
        .iter()
        .flatten()
        .chain(status.failed_pods.iter().flatten())
        .collect();
    let mut todo: Vec<&crate::observed::PodFacts> = targets(spec, desired)
        .iter()
        .filter(|p| !done.contains(p))
        .filter_map(|p| observed.pods.get(p))
        .collect();
    if todo.is_empty() {
        return wait(
            ClusterPhase::RollingRestart,
            "waiting for the target pods to exist".to_owned(),
        );
    }
    if let Err(why) = safety::settled(observed) {
        let phase = if safety::migrations_remaining(observed) > 0 {
            ClusterPhase::WaitingForMigration
        } else {
            ClusterPhase::RollingRestart
        };
        return wait(phase, why);
    }
    let rack = todo.iter().map(|p| p.rack).min()?;
    todo.retain(|p| p.rack == rack);
    todo.sort_by_key(|p| std::cmp::Reverse(p.ordinal));
    let batch: Vec<PodRestart> = todo
        .into_iter()
        .take(roll::batch_size(desired))
        .map(|p| PodRestart {
            pod: p.name.clone(),
            kind: match (spec.kind, p.config_hash.as_ref()) {
                (OperationKind::WarmRestart, Some(hash)) => {
                    RestartKind::Warm { hash: hash.clone() }
                }
                _ => RestartKind::Cold,
            },
            reason: restart_reason(spec.kind),
        })
        .collect();
    let names: Vec<&str> = batch.iter().map(|p| p.pod.as_str()).collect();
    let reason = format!("{label}: restarting {} (rack {rack})", names.join(", "));
    Some(Plan::new(
        Step::Restart { pods: batch },
        ClusterPhase::RollingRestart,
        reason,
    ))
}

/// The operation status to write after this reconcile: [`progress`], plus the pods the plan's
/// restart step just restarted for the operation (only when the step succeeded).
pub fn status_after(
    observed: &Observed,
    desired: &Desired,
    plan: &Plan,
    step_failed: bool,
) -> Option<OperationStatus> {
    let mut status = progress(observed, desired)?;
    if finished(status.phase) || step_failed {
        return Some(status);
    }
    if let Step::Restart { pods } = &plan.step {
        let ours: Vec<String> = pods
            .iter()
            .filter(|p| {
                matches!(
                    p.reason,
                    RestartReason::ManualRestart | RestartReason::WarmRestart
                )
            })
            .map(|p| p.pod.clone())
            .collect();
        if !ours.is_empty() {
            status.phase = OperationPhase::InProgress;
            status.message = None;
            let list = status.in_flight_pods.get_or_insert_with(Vec::new);
            list.extend(ours);
            list.sort();
            list.dedup();
        }
    }
    Some(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::{converged, node, want};
    use crate::plan::plan;
    use acko_api::AerospikeClusterStatus;

    fn with_op(kind: &str, pods: &str) -> Desired {
        let list = if pods.is_empty() {
            String::new()
        } else {
            format!(", podList: [{pods}]")
        };
        want(&format!(
            "  operations: [{{kind: {kind}, id: op1{list}}}]\n"
        ))
    }

    fn observed_with(d: &Desired, op: Option<OperationStatus>) -> Observed {
        let mut o = converged(d);
        o.status = Some(AerospikeClusterStatus {
            operation_status: op,
            ..Default::default()
        });
        o
    }

    #[test]
    fn a_new_operation_is_pending_then_restarts_one_batch() {
        let d = with_op("PodRestart", "");
        let o = observed_with(&d, None);
        let s = progress(&o, &d).unwrap();
        assert_eq!(s.phase, OperationPhase::Pending);
        assert_eq!(s.start_time, Some(time(o.now)));
        let p = plan(&o, Ok(&d));
        let Step::Restart { pods } = &p.step else {
            panic!("expected a restart, got {p:?}");
        };
        assert_eq!(pods.len(), 1, "batch of RF-1");
        assert_eq!(pods[0].kind, RestartKind::Cold);
        assert_eq!(pods[0].reason, RestartReason::ManualRestart);
        let after = status_after(&o, &d, &p, false).unwrap();
        assert_eq!(after.phase, OperationPhase::InProgress);
        assert_eq!(after.in_flight_pods, Some(vec![pods[0].pod.clone()]));
        // The step failed: nothing is recorded as in flight.
        let failed = status_after(&o, &d, &p, true).unwrap();
        assert_eq!(failed.in_flight_pods, None);
    }

    #[test]
    fn warm_restart_operations_use_the_pod_contract_with_the_current_hash() {
        let d = with_op("WarmRestart", "demo-0-1");
        let o = observed_with(&d, None);
        let p = plan(&o, Ok(&d));
        let Step::Restart { pods } = &p.step else {
            panic!("{p:?}")
        };
        let hash = o.pods["demo-0-1"].config_hash.clone().unwrap();
        assert_eq!(pods[0].pod, "demo-0-1");
        assert_eq!(pods[0].kind, RestartKind::Warm { hash });
        assert_eq!(pods[0].reason, RestartReason::WarmRestart);
    }

    #[test]
    fn unknown_pods_fail_at_once_without_a_step() {
        let d = with_op("PodRestart", "demo-0-1, nope-9");
        let o = observed_with(&d, None);
        let s = progress(&o, &d).unwrap();
        assert_eq!(s.phase, OperationPhase::Failed);
        assert_eq!(s.failed_pods, Some(vec!["nope-9".to_owned()]));
        assert!(s.message.unwrap().contains("nope-9"));
        assert_eq!(plan(&o, Ok(&d)).step, Step::Done, "no restart, no loop");
    }

    #[test]
    fn in_flight_pods_complete_when_ready_and_block_the_next_batch_until_then() {
        let d = with_op("PodRestart", "");
        let running = OperationStatus {
            id: "op1".into(),
            kind: OperationKind::PodRestart,
            phase: OperationPhase::InProgress,
            in_flight_pods: Some(vec!["demo-0-2".into()]),
            start_time: Some(time(1)),
            ..Default::default()
        };
        // demo-0-2 is down: wait.
        let mut o = observed_with(&d, Some(running.clone()));
        let total = o.pods.len() as u64;
        o.pods.get_mut("demo-0-2").unwrap().ready = false;
        let p = plan(&o, Ok(&d));
        assert_eq!(p.step, Step::Wait, "{p:?}");
        assert!(p.reason.contains("demo-0-2"), "{}", p.reason);
        // Back: completed, and the next pod is restarted.
        let o = observed_with(&d, Some(running.clone()));
        let s = progress(&o, &d).unwrap();
        assert_eq!(s.completed_pods, Some(vec!["demo-0-2".to_owned()]));
        let p = plan(&o, Ok(&d));
        let Step::Restart { pods } = &p.step else {
            panic!("{p:?}")
        };
        assert_eq!(pods[0].pod, "demo-0-1");
        // Migrating: the next batch waits.
        let mut o = observed_with(&d, Some(running));
        for pod in o.pods.values_mut() {
            pod.node = Some(node(&pod.name, total, "A1B2C3D4E5F6", 7));
        }
        let p = plan(&o, Ok(&d));
        assert_eq!(
            (p.step, p.phase),
            (Step::Wait, ClusterPhase::WaitingForMigration)
        );
    }

    #[test]
    fn the_last_pod_completes_the_operation_and_it_stays_until_removed() {
        let d = with_op("PodRestart", "demo-0-0");
        let running = OperationStatus {
            id: "op1".into(),
            kind: OperationKind::PodRestart,
            phase: OperationPhase::InProgress,
            in_flight_pods: Some(vec!["demo-0-0".into()]),
            ..Default::default()
        };
        let o = observed_with(&d, Some(running));
        let s = progress(&o, &d).unwrap();
        assert_eq!(s.phase, OperationPhase::Completed);
        assert_eq!(s.finish_time, Some(time(o.now)));
        let o2 = observed_with(&d, Some(s.clone()));
        assert_eq!(progress(&o2, &d), Some(s), "kept as is");
        assert_eq!(plan(&o2, Ok(&d)).step, Step::Done);
        // Removed from the spec: no status.
        let plain = want("");
        assert_eq!(progress(&observed_with(&plain, None), &plain), None);
    }

    #[test]
    fn a_pod_that_never_comes_back_fails_after_the_timeout() {
        let d = with_op("PodRestart", "demo-0-0");
        let running = OperationStatus {
            id: "op1".into(),
            kind: OperationKind::PodRestart,
            phase: OperationPhase::InProgress,
            in_flight_pods: Some(vec!["demo-0-0".into()]),
            ..Default::default()
        };
        let mut o = observed_with(&d, Some(running));
        o.pods.get_mut("demo-0-0").unwrap().ready = false;
        let mut pods = std::collections::BTreeMap::new();
        pods.insert(
            "demo-0-0".to_owned(),
            acko_api::AerospikePodStatus {
                last_restart_time: Some(time(o.now - WARM_RESTART_TIMEOUT_SECS - 1)),
                ..Default::default()
            },
        );
        o.status.as_mut().unwrap().pods = Some(pods);
        let s = progress(&o, &d).unwrap();
        assert_eq!(s.phase, OperationPhase::Failed);
        assert_eq!(s.failed_pods, Some(vec!["demo-0-0".to_owned()]));
    }
}
