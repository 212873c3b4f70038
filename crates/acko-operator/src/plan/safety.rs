//! Cluster safety from the pods' Aerospike facts, via `asinfo::cluster::safe_to_proceed`
//! (cluster size from `statistics` `cluster_size`, never the non-existent `cluster-size`).

use asinfo::cluster::{self, NodeObservation, Safety};

use crate::observed::{Observed, PodFacts};

/// The node observation of a pod; a pod that was not probed counts as unreachable.
pub fn observation(pod: &PodFacts) -> NodeObservation {
    match &pod.node {
        Some(n) => n.observation.clone(),
        None => NodeObservation {
            addr: pod.name.clone(),
            state: Err(if pod.running {
                "not probed".to_owned()
            } else {
                "pod is not running".to_owned()
            }),
        },
    }
}

/// Verdict over the given pods, expecting a cluster of `expected` nodes.
pub fn verdict<'a>(pods: impl Iterator<Item = &'a PodFacts>, expected: usize) -> Safety {
    let observations: Vec<NodeObservation> = pods.map(observation).collect();
    cluster::safe_to_proceed(&observations, expected)
}

/// Is the whole cluster settled: every pod the StatefulSets want exists, is Ready, not
/// terminating, and every node agrees on a stable cluster of that size with no migrations.
pub fn settled(observed: &Observed) -> Result<(), String> {
    let expected = observed.total_replicas() as usize;
    if observed.pods.len() != expected {
        return Err(format!(
            "waiting for the cluster size to converge: {} pods exist, StatefulSets want {expected}",
            observed.pods.len()
        ));
    }
    if let Some(p) = observed.pods.values().find(|p| p.terminating) {
        return Err(format!("waiting for pod {} to terminate", p.name));
    }
    if let Some(p) = observed.pods.values().find(|p| !p.ready) {
        return Err(format!("waiting for pod {} to become Ready", p.name));
    }
    let safety = verdict(observed.pods.values(), expected);
    if safety.safe {
        Ok(())
    } else {
        Err(describe(&safety))
    }
}

/// Migrations remaining over reachable nodes.
pub fn migrations_remaining(observed: &Observed) -> u64 {
    let observations: Vec<NodeObservation> = observed.pods.values().map(observation).collect();
    cluster::cluster_view(&observations).migrations_remaining
}

/// A short human description of why a verdict is unsafe.
pub fn describe(safety: &Safety) -> String {
    use asinfo::cluster::UnsafeReason;
    let parts: Vec<String> = safety
        .reasons
        .iter()
        .take(3)
        .map(|r| match r {
            UnsafeReason::Unreachable { addr, error } => format!("{addr} unreachable ({error})"),
            UnsafeReason::TooFewReachable {
                reachable,
                expected,
            } => format!("only {reachable} of {expected} nodes reachable"),
            UnsafeReason::ClusterKeyMismatch { .. } => {
                "nodes disagree on the cluster key".to_owned()
            }
            UnsafeReason::WrongClusterSize {
                node,
                size,
                expected,
            } => format!(
                "node {node} sees cluster_size {} (expected {expected})",
                size.map_or("?".to_owned(), |s| s.to_string())
            ),
            UnsafeReason::IntegrityFault { node } => {
                format!("node {node} reports an integrity fault")
            }
            UnsafeReason::MigrateNotAllowed { node } => {
                format!("node {node} does not allow migrations yet")
            }
            UnsafeReason::PartitionsRemaining { node, partitions } => {
                format!("node {node} has {partitions} partitions left to migrate")
            }
            UnsafeReason::MissingStatistic { node, field } => {
                format!("node {node} does not report {field}")
            }
            UnsafeReason::NotStable { node, detail } => format!("node {node}: {detail}"),
        })
        .collect();
    let more = safety.reasons.len().saturating_sub(3);
    if more > 0 {
        format!("cluster not stable: {} (+{more} more)", parts.join("; "))
    } else {
        format!("cluster not stable: {}", parts.join("; "))
    }
}
