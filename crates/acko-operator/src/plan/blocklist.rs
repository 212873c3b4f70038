//! `k8sNodeBlockList` (pure): pods running on a blocked Kubernetes node are moved off it
//! through the safe restart path — one rack at a time, within the rolling batch size, only on a
//! settled cluster (a pod that is not Ready may go first when nothing migrates, as in the
//! rolling restart) — by deleting them: the StatefulSet recreates them, and the rendered node
//! affinity (`kubernetes.io/hostname NotIn <block list>`) keeps them off the blocked nodes.
//! This runs before the rolling restart, so a block-list change moves the affected pods first.

use acko_api::{ClusterPhase, RestartReason};

use super::{Plan, PodRestart, RestartKind, Step, roll, safety};
use crate::desired::Desired;
use crate::observed::{Observed, PodFacts};

/// Pods on blocked nodes (not already terminating).
pub fn on_blocked_nodes<'a>(observed: &'a Observed, desired: &Desired) -> Vec<&'a PodFacts> {
    observed
        .pods
        .values()
        .filter(|p| !p.terminating)
        .filter(|p| {
            p.node_name
                .as_ref()
                .is_some_and(|n| desired.day2.block_list.contains(n))
        })
        .collect()
}

pub(super) fn evict(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let blocked = on_blocked_nodes(observed, desired);
    if blocked.is_empty() {
        return None;
    }
    let wait = |phase, why: String| {
        Some(Plan::new(
            Step::Wait,
            phase,
            format!("moving pods off blocked nodes waits: {why}"),
        ))
    };
    if let Some(p) = observed.pods.values().find(|p| p.terminating) {
        return wait(
            ClusterPhase::RollingRestart,
            format!("pod {} is terminating", p.name),
        );
    }
    let migrating = safety::migrations_remaining(observed) > 0;
    let unready: Vec<&PodFacts> = observed.pods.values().filter(|p| !p.ready).collect();
    let candidates: Vec<&PodFacts> = match unready.as_slice() {
        [] => match safety::settled(observed) {
            Ok(()) => blocked,
            Err(why) => {
                let phase = if migrating {
                    ClusterPhase::WaitingForMigration
                } else {
                    ClusterPhase::RollingRestart
                };
                return wait(phase, why);
            }
        },
        // One pod down and it is a blocked one: it cannot lose more availability.
        [one] if !migrating && blocked.iter().any(|b| b.name == one.name) => vec![*one],
        _ => {
            let names: Vec<&str> = unready.iter().map(|p| p.name.as_str()).collect();
            return wait(
                ClusterPhase::RollingRestart,
                format!("pods {} are not Ready", names.join(", ")),
            );
        }
    };
    let rack = candidates.iter().map(|p| p.rack).min()?;
    let mut in_rack: Vec<&PodFacts> = candidates.into_iter().filter(|p| p.rack == rack).collect();
    in_rack.sort_by_key(|p| std::cmp::Reverse(p.ordinal));
    let batch: Vec<PodRestart> = in_rack
        .into_iter()
        .take(roll::batch_size(desired))
        .map(|p| PodRestart {
            pod: p.name.clone(),
            kind: RestartKind::Cold,
            reason: RestartReason::PodSpecChanged,
        })
        .collect();
    let text: Vec<String> = batch
        .iter()
        .map(|r| {
            let node = observed
                .pods
                .get(&r.pod)
                .and_then(|p| p.node_name.clone())
                .unwrap_or_default();
            format!("{} (on {node})", r.pod)
        })
        .collect();
    Some(Plan::new(
        Step::Restart { pods: batch },
        ClusterPhase::RollingRestart,
        format!(
            "moving pods off blocked nodes (k8sNodeBlockList): restarting {}",
            text.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::{KEY, converged, node, want};
    use crate::plan::plan;

    /// Converged on the block list's desired state, pods placed on `node-<ordinal>`.
    fn placed(blocked: &str) -> (Observed, Desired) {
        let d = want(&format!("  k8sNodeBlockList: [{blocked}]\n"));
        let mut o = converged(&d);
        for p in o.pods.values_mut() {
            p.node_name = Some(format!("node-{}", p.ordinal));
        }
        (o, d)
    }

    #[test]
    fn a_pod_on_a_blocked_node_is_restarted_alone() {
        let (o, d) = placed("node-1");
        let p = plan(&o, Ok(&d));
        let Step::Restart { pods } = &p.step else {
            panic!("{p:?}")
        };
        assert_eq!(pods.len(), 1);
        assert_eq!(
            (pods[0].pod.as_str(), &pods[0].kind),
            ("demo-0-1", &RestartKind::Cold)
        );
        assert!(p.reason.contains("demo-0-1 (on node-1)"), "{}", p.reason);
    }

    #[test]
    fn nothing_blocked_nothing_to_do() {
        let (o, d) = placed("elsewhere");
        assert_eq!(plan(&o, Ok(&d)).step, Step::Done);
        let d = want("");
        assert!(on_blocked_nodes(&converged(&d), &d).is_empty());
    }

    #[test]
    fn waits_for_migrations_and_for_other_pods() {
        let (mut o, d) = placed("node-0, node-2");
        let total = o.pods.len() as u64;
        for p in o.pods.values_mut() {
            p.node = Some(node(&p.name, total, KEY, 5));
        }
        let p = plan(&o, Ok(&d));
        assert_eq!(
            (p.step, p.phase),
            (Step::Wait, ClusterPhase::WaitingForMigration)
        );

        // Another pod is down: wait (never two pods down at once with RF 2).
        let (mut o, d) = placed("node-0");
        o.pods.get_mut("demo-0-1").unwrap().ready = false;
        let p = plan(&o, Ok(&d));
        assert_eq!(p.step, Step::Wait, "{p:?}");
        assert!(p.reason.contains("demo-0-1"), "{}", p.reason);

        // The blocked pod itself is down and nothing migrates: move it now.
        let (mut o, d) = placed("node-0");
        o.pods.get_mut("demo-0-0").unwrap().ready = false;
        let Step::Restart { pods } = plan(&o, Ok(&d)).step else {
            panic!()
        };
        assert_eq!(pods[0].pod, "demo-0-0");
    }
}
