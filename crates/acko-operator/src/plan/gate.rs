//! The `acko.io/aerospike-ready` readiness gate: set only once the pod's node has joined the
//! cluster (its `cluster_size` equals the expected size and `cluster-stable` confirms the key it
//! reports) and has no partitions left to migrate. Once set it stays set while the node answers;
//! an unreachable node loses it.

use acko_api::ClusterPhase;
use asinfo::parse::ClusterStable;

use super::{Plan, Step};
use crate::desired::Desired;
use crate::observed::{Observed, PodFacts};

/// Why a pod's node has not joined yet (`None` when it has).
pub fn not_joined(pod: &PodFacts, expected: usize) -> Option<String> {
    let Some(node) = &pod.node else {
        return Some("node not probed".to_owned());
    };
    let state = match &node.observation.state {
        Ok(s) => s,
        Err(e) => return Some(format!("node unreachable: {e}")),
    };
    let stats = &state.statistics;
    if stats.cluster_size != Some(expected as u64) {
        return Some(format!(
            "cluster_size {} (expected {expected})",
            stats
                .cluster_size
                .map_or("unknown".to_owned(), |s| s.to_string())
        ));
    }
    match &state.cluster_stable {
        Ok(ClusterStable::Stable { cluster_key })
            if stats.cluster_key.as_deref() == Some(cluster_key.as_str()) => {}
        Ok(ClusterStable::Stable { .. }) => return Some("cluster key changed".to_owned()),
        Ok(other) => return Some(format!("cluster-stable says {other:?}")),
        Err(e) => return Some(format!("cluster-stable: {e}")),
    }
    match stats.migrate_partitions_remaining {
        Some(0) => None,
        Some(n) => Some(format!("{n} partitions left to migrate")),
        None => Some("migrate_partitions_remaining missing".to_owned()),
    }
}

/// The value the gate condition should have, given its current value.
pub fn wanted(pod: &PodFacts, expected: usize) -> bool {
    let reachable = pod
        .node
        .as_ref()
        .is_some_and(|n| n.observation.state.is_ok());
    if pod.gate_condition == Some(true) {
        reachable
    } else {
        not_joined(pod, expected).is_none()
    }
}

pub(super) fn readiness(observed: &Observed, desired: &Desired) -> Option<Plan> {
    if !desired.knobs.readiness_gate {
        return None;
    }
    let expected = observed.total_replicas() as usize;
    let changes: Vec<(String, bool)> = observed
        .pods
        .values()
        .filter(|p| p.has_readiness_gate && !p.terminating && p.running)
        .filter_map(|p| {
            let want = wanted(p, expected);
            (p.gate_condition.unwrap_or(false) != want || p.gate_condition.is_none())
                .then(|| (p.name.clone(), want))
        })
        // Only write "false" when it was explicitly true before or never written and the
        // pod runs; an absent condition already blocks readiness, so skip absent → false.
        .filter(|(name, want)| *want || observed.pods[name].gate_condition == Some(true))
        .collect();
    if changes.is_empty() {
        return None;
    }
    let text: Vec<String> = changes.iter().map(|(p, v)| format!("{p}={v}")).collect();
    Some(Plan::new(
        Step::SetReadiness { pods: changes },
        ClusterPhase::InProgress,
        format!(
            "readiness gate acko.io/aerospike-ready: {}",
            text.join(", ")
        ),
    ))
}
