//! Pure cluster-level helpers over per-node replies: cluster view, migrations remaining,
//! "safe to proceed" and namespace totals. No IO: feed them what [`crate::probe`] (or any
//! other source) observed on each node.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::parse::{
    ClusterStable, NamespaceInfo, NodeStatistics, parse_cluster_stable, parse_node,
    parse_statistics,
};
use crate::reply::ReplyError;

/// What one node answered.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeState {
    /// Node id (`node`).
    pub node_id: String,
    /// `statistics`.
    pub statistics: NodeStatistics,
    /// `cluster-stable:size=N;ignore-migrations=false` (an error reply is kept as is).
    pub cluster_stable: Result<ClusterStable, ReplyError>,
}

impl NodeState {
    /// Builds the state from the raw values of `node`, `statistics` and `cluster-stable:...`.
    pub fn from_replies(
        node: &str,
        statistics: &str,
        cluster_stable: &str,
    ) -> Result<Self, ReplyError> {
        Ok(NodeState {
            node_id: parse_node(node)?,
            statistics: parse_statistics(statistics)?,
            cluster_stable: parse_cluster_stable(cluster_stable),
        })
    }
}

/// One expected node: its address and what it answered, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeObservation {
    /// Address the node was reached at (`host:port`).
    pub addr: String,
    /// The node's state, or the reason it is unreachable / unreadable.
    pub state: Result<NodeState, String>,
}

/// The cluster as seen through every reachable node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterView {
    /// Reachable node addresses.
    pub reachable: Vec<String>,
    /// Unreachable addresses with the reason.
    pub unreachable: BTreeMap<String, String>,
    /// Cluster key → node ids reporting it (one entry when all agree).
    pub cluster_keys: BTreeMap<String, Vec<String>>,
    /// Cluster size → node ids reporting it.
    pub cluster_sizes: BTreeMap<u64, Vec<String>>,
    /// True when at least one node is reachable and every reachable node reports
    /// `cluster_integrity=true`.
    pub integrity: bool,
    /// Sum of `migrate_partitions_remaining` over reachable nodes.
    pub migrations_remaining: u64,
    /// Node ids whose key or size differs from the majority.
    pub disagreeing_nodes: Vec<String>,
}

impl ClusterView {
    /// The cluster key when every reachable node reports the same one.
    pub fn agreed_key(&self) -> Option<&str> {
        match self.cluster_keys.len() {
            1 => self.cluster_keys.keys().next().map(String::as_str),
            _ => None,
        }
    }

    /// The cluster size when every reachable node reports the same one.
    pub fn agreed_size(&self) -> Option<u64> {
        match self.cluster_sizes.len() {
            1 => self.cluster_sizes.keys().next().copied(),
            _ => None,
        }
    }
}

fn majority<K: Clone + Ord>(groups: &BTreeMap<K, Vec<String>>) -> Option<K> {
    groups
        .iter()
        .max_by_key(|(_, nodes)| nodes.len())
        .map(|(k, _)| k.clone())
}

/// Builds the cluster view.
pub fn cluster_view(observations: &[NodeObservation]) -> ClusterView {
    let mut view = ClusterView {
        reachable: Vec::new(),
        unreachable: BTreeMap::new(),
        cluster_keys: BTreeMap::new(),
        cluster_sizes: BTreeMap::new(),
        integrity: true,
        migrations_remaining: 0,
        disagreeing_nodes: Vec::new(),
    };
    for obs in observations {
        match &obs.state {
            Err(reason) => {
                view.unreachable.insert(obs.addr.clone(), reason.clone());
            }
            Ok(state) => {
                view.reachable.push(obs.addr.clone());
                let s = &state.statistics;
                let key = s
                    .cluster_key
                    .clone()
                    .unwrap_or_else(|| "unknown".to_owned());
                view.cluster_keys
                    .entry(key)
                    .or_default()
                    .push(state.node_id.clone());
                view.cluster_sizes
                    .entry(s.cluster_size.unwrap_or(0))
                    .or_default()
                    .push(state.node_id.clone());
                view.integrity &= s.cluster_integrity == Some(true);
                view.migrations_remaining = view
                    .migrations_remaining
                    .saturating_add(s.migrate_partitions_remaining.unwrap_or(0));
            }
        }
    }
    let key = majority(&view.cluster_keys);
    let size = majority(&view.cluster_sizes);
    let mut odd: Vec<String> = Vec::new();
    for (k, nodes) in &view.cluster_keys {
        if Some(k) != key.as_ref() {
            odd.extend(nodes.iter().cloned());
        }
    }
    for (s, nodes) in &view.cluster_sizes {
        if Some(s) != size.as_ref() {
            odd.extend(nodes.iter().cloned());
        }
    }
    odd.sort();
    odd.dedup();
    // No reachable node proves nothing.
    view.integrity &= !view.reachable.is_empty();
    view.disagreeing_nodes = odd;
    view
}

/// Why an operation must wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UnsafeReason {
    /// An expected node could not be read.
    Unreachable {
        /// Address.
        addr: String,
        /// Error.
        error: String,
    },
    /// Fewer than 2 nodes reachable while more are expected.
    TooFewReachable {
        /// Nodes reachable.
        reachable: usize,
        /// Nodes expected.
        expected: usize,
    },
    /// Nodes report different cluster keys (split or changing cluster).
    ClusterKeyMismatch {
        /// Key → node ids.
        keys: BTreeMap<String, Vec<String>>,
    },
    /// A node sees a cluster of the wrong size.
    WrongClusterSize {
        /// Node id.
        node: String,
        /// Size it reports (None when missing).
        size: Option<u64>,
        /// Size expected.
        expected: usize,
    },
    /// A node reports an integrity fault.
    IntegrityFault {
        /// Node id.
        node: String,
    },
    /// A node does not allow migrations (cluster still settling).
    MigrateNotAllowed {
        /// Node id.
        node: String,
    },
    /// Partitions are still migrating.
    PartitionsRemaining {
        /// Node id.
        node: String,
        /// `migrate_partitions_remaining`.
        partitions: u64,
    },
    /// A statistic the verdict needs is absent from the node's `statistics`.
    MissingStatistic {
        /// Node id.
        node: String,
        /// The missing key.
        field: String,
    },
    /// `cluster-stable` on a node does not confirm a stable cluster of the expected size
    /// with the agreed key.
    NotStable {
        /// Node id.
        node: String,
        /// What it said.
        detail: String,
    },
}

fn missing(node: &str, field: &str) -> UnsafeReason {
    UnsafeReason::MissingStatistic {
        node: node.to_owned(),
        field: field.to_owned(),
    }
}

/// The "safe to proceed" verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Safety {
    /// True when no reason blocks.
    pub safe: bool,
    /// Every blocking reason found.
    pub reasons: Vec<UnsafeReason>,
    /// The view the verdict was computed from.
    pub view: ClusterView,
}

/// Decides whether a disruptive step (restart, scale, config change) may proceed.
///
/// Safe only when every observation is reachable, all report the same cluster key and
/// cluster size `expected_size`, integrity true, `migrate_allowed=true`, 0 partitions
/// remaining, and `cluster-stable` (size N, ignore-migrations=false) returns that same key
/// on every node. With fewer than 2 nodes reachable while more are expected, it is unsafe.
/// An empty observation list is unsafe.
pub fn safe_to_proceed(observations: &[NodeObservation], expected_size: usize) -> Safety {
    let view = cluster_view(observations);
    let mut reasons = Vec::new();
    for (addr, error) in &view.unreachable {
        reasons.push(UnsafeReason::Unreachable {
            addr: addr.clone(),
            error: error.clone(),
        });
    }
    let expected_nodes = expected_size.max(observations.len());
    if view.reachable.is_empty() || (expected_nodes >= 2 && view.reachable.len() < 2) {
        reasons.push(UnsafeReason::TooFewReachable {
            reachable: view.reachable.len(),
            expected: expected_nodes,
        });
    }
    if view.cluster_keys.len() > 1 {
        reasons.push(UnsafeReason::ClusterKeyMismatch {
            keys: view.cluster_keys.clone(),
        });
    }
    let agreed = view.agreed_key().map(str::to_owned);
    for state in observations.iter().filter_map(|o| o.state.as_ref().ok()) {
        let s = &state.statistics;
        let node = state.node_id.clone();
        if s.cluster_size != Some(expected_size as u64) {
            reasons.push(UnsafeReason::WrongClusterSize {
                node: node.clone(),
                size: s.cluster_size,
                expected: expected_size,
            });
        }
        match s.cluster_integrity {
            Some(true) => {}
            Some(false) => reasons.push(UnsafeReason::IntegrityFault { node: node.clone() }),
            None => reasons.push(missing(&node, "cluster_integrity")),
        }
        match s.migrate_allowed {
            Some(true) => {}
            Some(false) => reasons.push(UnsafeReason::MigrateNotAllowed { node: node.clone() }),
            None => reasons.push(missing(&node, "migrate_allowed")),
        }
        match s.migrate_partitions_remaining {
            Some(0) => {}
            Some(partitions) => reasons.push(UnsafeReason::PartitionsRemaining {
                node: node.clone(),
                partitions,
            }),
            None => reasons.push(missing(&node, "migrate_partitions_remaining")),
        }
        let detail = match &state.cluster_stable {
            Ok(ClusterStable::Stable { cluster_key })
                if agreed.as_deref() == Some(cluster_key.as_str())
                    && s.cluster_key.as_deref() == Some(cluster_key.as_str()) =>
            {
                None
            }
            Ok(ClusterStable::Stable { cluster_key }) => Some(format!(
                "stable with key {cluster_key}, which other replies do not confirm"
            )),
            Ok(ClusterStable::WrongSize) => Some(format!("cluster is not of size {expected_size}")),
            Ok(ClusterStable::Unstable) => {
                Some("unstable cluster (migrations or membership change)".to_owned())
            }
            Err(e) => Some(e.to_string()),
        };
        if let Some(detail) = detail {
            reasons.push(UnsafeReason::NotStable { node, detail });
        }
    }
    Safety {
        safe: reasons.is_empty(),
        reasons,
        view,
    }
}

/// Namespace totals across nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamespaceTotals {
    /// Nodes summed.
    pub nodes: usize,
    /// Unique records: sum of `master_objects`.
    pub objects: u64,
    /// All copies: sum of `objects` (master + replicas), for capacity.
    pub objects_all_copies: u64,
    /// Sum of `prole_objects`.
    pub prole_objects: u64,
    /// Unique tombstones: sum of `master_tombstones`.
    pub tombstones: u64,
    /// Data bytes used, all copies.
    pub data_used_bytes: u64,
    /// Data capacity, all nodes.
    pub data_total_bytes: u64,
    /// Configured replication factor (the largest seen).
    pub replication_factor: Option<u64>,
    /// True when any node stops writes.
    pub stop_writes: bool,
    /// Outgoing + incoming partitions still to migrate, all nodes.
    pub migrate_partitions_remaining: u64,
    /// Client read successes, all nodes.
    pub client_read_success: u64,
    /// Client read errors, all nodes.
    pub client_read_error: u64,
    /// Client write successes, all nodes.
    pub client_write_success: u64,
    /// Client write errors, all nodes.
    pub client_write_error: u64,
}

/// Sums one namespace across nodes without double-counting replicas.
pub fn namespace_totals<'a>(
    per_node: impl IntoIterator<Item = &'a NamespaceInfo>,
) -> NamespaceTotals {
    let mut t = NamespaceTotals {
        nodes: 0,
        objects: 0,
        objects_all_copies: 0,
        prole_objects: 0,
        tombstones: 0,
        data_used_bytes: 0,
        data_total_bytes: 0,
        replication_factor: None,
        stop_writes: false,
        migrate_partitions_remaining: 0,
        client_read_success: 0,
        client_read_error: 0,
        client_write_success: 0,
        client_write_error: 0,
    };
    let add = |acc: &mut u64, v: Option<u64>| *acc = acc.saturating_add(v.unwrap_or(0));
    for ns in per_node {
        t.nodes += 1;
        add(&mut t.objects, ns.master_objects);
        add(&mut t.objects_all_copies, ns.objects);
        add(&mut t.prole_objects, ns.prole_objects);
        add(&mut t.tombstones, ns.master_tombstones);
        add(&mut t.data_used_bytes, ns.data_used_bytes);
        add(&mut t.data_total_bytes, ns.data_total_bytes);
        add(
            &mut t.migrate_partitions_remaining,
            ns.migrate_tx_partitions_remaining,
        );
        add(
            &mut t.migrate_partitions_remaining,
            ns.migrate_rx_partitions_remaining,
        );
        add(&mut t.client_read_success, ns.client_read_success);
        add(&mut t.client_read_error, ns.client_read_error);
        add(&mut t.client_write_success, ns.client_write_success);
        add(&mut t.client_write_error, ns.client_write_error);
        t.stop_writes |= ns.stop_writes == Some(true);
        t.replication_factor = t.replication_factor.max(ns.replication_factor);
    }
    t
}

/// One set's totals across nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetTotals {
    /// Namespace.
    pub ns: String,
    /// Set name.
    pub set: String,
    /// Sum of `objects` over nodes: every copy (sets have no master/prole split).
    pub objects_all_copies: u64,
    /// `objects_all_copies / replication_factor`: the record count once migrations are
    /// done (an estimate while partitions move).
    pub objects_estimated: u64,
    /// Data bytes, all copies.
    pub data_used_bytes: u64,
    /// Tombstones, all copies.
    pub tombstones: u64,
}

/// Sums `sets` replies of several nodes per `(ns, set)`. `replication_factor` gives the
/// effective replication factor of each namespace (missing or 0 counts as 1).
pub fn set_totals<'a>(
    per_node: impl IntoIterator<Item = &'a crate::parse::SetInfo>,
    replication_factor: impl Fn(&str) -> Option<u64>,
) -> Vec<SetTotals> {
    let mut acc: BTreeMap<(String, String), SetTotals> = BTreeMap::new();
    for s in per_node {
        let (Some(ns), Some(set)) = (s.ns.clone(), s.set.clone()) else {
            continue;
        };
        let t = acc
            .entry((ns.clone(), set.clone()))
            .or_insert_with(|| SetTotals {
                ns,
                set,
                objects_all_copies: 0,
                objects_estimated: 0,
                data_used_bytes: 0,
                tombstones: 0,
            });
        t.objects_all_copies = t.objects_all_copies.saturating_add(s.objects.unwrap_or(0));
        t.data_used_bytes = t
            .data_used_bytes
            .saturating_add(s.data_used_bytes.unwrap_or(0));
        t.tombstones = t.tombstones.saturating_add(s.tombstones.unwrap_or(0));
    }
    acc.into_values()
        .map(|mut t| {
            let rf = replication_factor(&t.ns).filter(|r| *r > 0).unwrap_or(1);
            t.objects_estimated = t.objects_all_copies / rf;
            t
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_statistics;

    fn node(id: &str, stats: &str, stable: Result<ClusterStable, ReplyError>) -> NodeObservation {
        NodeObservation {
            addr: format!("{id}:3000"),
            state: Ok(NodeState {
                node_id: id.to_owned(),
                statistics: parse_statistics(stats).expect("stats"),
                cluster_stable: stable,
            }),
        }
    }

    const GOOD: &str = "cluster_size=2;cluster_key=K1;cluster_integrity=true;migrate_allowed=true;migrate_partitions_remaining=0";

    fn stable(key: &str) -> Result<ClusterStable, ReplyError> {
        Ok(ClusterStable::Stable {
            cluster_key: key.to_owned(),
        })
    }

    #[test]
    fn two_good_nodes_are_safe() {
        let s = safe_to_proceed(
            &[node("A", GOOD, stable("K1")), node("B", GOOD, stable("K1"))],
            2,
        );
        assert!(s.safe, "{:?}", s.reasons);
    }

    #[test]
    fn empty_input_is_unsafe_and_has_no_integrity() {
        let s = safe_to_proceed(&[], 3);
        assert!(!s.safe);
        assert!(!s.view.integrity);
        assert_eq!(
            s.reasons,
            vec![UnsafeReason::TooFewReachable {
                reachable: 0,
                expected: 3
            }]
        );
    }

    #[test]
    fn missing_and_false_flags_are_named() {
        let bare = "cluster_size=2;cluster_key=K1";
        let bad = "cluster_size=2;cluster_key=K1;cluster_integrity=false;migrate_allowed=false;migrate_partitions_remaining=5";
        let s = safe_to_proceed(
            &[node("A", bare, stable("K1")), node("B", bad, stable("K1"))],
            2,
        );
        for field in [
            "cluster_integrity",
            "migrate_allowed",
            "migrate_partitions_remaining",
        ] {
            assert!(
                s.reasons.contains(&missing("A", field)),
                "{field}: {:?}",
                s.reasons
            );
        }
        assert!(
            s.reasons
                .contains(&UnsafeReason::IntegrityFault { node: "B".into() })
        );
        assert!(
            s.reasons
                .contains(&UnsafeReason::MigrateNotAllowed { node: "B".into() })
        );
        assert!(s.reasons.contains(&UnsafeReason::PartitionsRemaining {
            node: "B".into(),
            partitions: 5
        }));
        assert!(!s.view.integrity);
        assert_eq!(s.view.migrations_remaining, 5);
    }

    #[test]
    fn cluster_stable_key_must_match_and_errors_block() {
        let other = "cluster_size=2;cluster_key=K2;cluster_integrity=true;migrate_allowed=true;migrate_partitions_remaining=0";
        let s = safe_to_proceed(
            &[
                node("A", GOOD, stable("K9")),
                node("B", other, Err(ReplyError::Empty)),
            ],
            2,
        );
        assert!(
            s.reasons
                .iter()
                .any(|r| matches!(r, UnsafeReason::ClusterKeyMismatch { .. }))
        );
        let not_stable: Vec<_> = s
            .reasons
            .iter()
            .filter(|r| matches!(r, UnsafeReason::NotStable { .. }))
            .collect();
        assert_eq!(not_stable.len(), 2, "{:?}", s.reasons);
        assert_eq!(s.view.agreed_key(), None);
    }
}
