//! Shared cluster state: the store, the nodes and their partition ownership, indexes, UDFs,
//! counters and the scripted scenario. Guarded by one mutex that is never held across `.await`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Instant;

use crate::scenario::Scenario;
use crate::sindex::SIndex;
use crate::store::{PARTITIONS, Store};

/// A registered UDF module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdfModule {
    /// File name, e.g. `example.lua`.
    pub filename: String,
    /// Source text.
    pub content: Vec<u8>,
    /// Hex SHA-1-like content hash (stable, not cryptographic).
    pub hash: String,
}

/// A finished scan/query job, for `query-show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryJob {
    /// Transaction id sent by the client.
    pub trid: u64,
    /// Namespace.
    pub ns: String,
    /// Set ("" for all).
    pub set: String,
    /// Secondary index used, if any.
    pub sindex: Option<String>,
    /// Records returned.
    pub recs_succeeded: u64,
    /// Partitions requested.
    pub n_pids: usize,
    /// Client address.
    pub from: String,
}

/// One fake node.
#[derive(Debug, Clone)]
pub struct NodeState {
    /// Node id (printed as upper-case hex).
    pub id: u64,
    /// Listening address.
    pub addr: SocketAddr,
    /// Whether the node is part of the cluster (listening).
    pub up: bool,
    /// Partition generation reported by `partition-generation`.
    pub partition_generation: u64,
    /// Peers generation reported by `peers-generation`.
    pub peers_generation: u64,
    /// Start time (for `uptime`).
    pub started: Instant,
    /// Node-level counters (`statistics`).
    pub stats: BTreeMap<String, u64>,
    /// Per-namespace counters (`namespace/<ns>`), keyed by namespace then stat name.
    pub ns_stats: BTreeMap<String, BTreeMap<String, u64>>,
    /// Finished query jobs, newest last.
    pub jobs: Vec<QueryJob>,
    /// Nodes seen in the cluster that have left (`alumni-clear-std`).
    pub alumni: Vec<usize>,
}

impl NodeState {
    /// Node id as the server prints it.
    pub fn name(&self) -> String {
        format!("{:X}", self.id)
    }
    /// Increments a node-level counter.
    pub fn bump(&mut self, stat: &str) {
        *self.stats.entry(stat.to_string()).or_default() += 1;
    }
    /// Increments a namespace counter.
    pub fn bump_ns(&mut self, ns: &str, stat: &str) {
        *self
            .ns_stats
            .entry(ns.to_string())
            .or_default()
            .entry(stat.to_string())
            .or_default() += 1;
    }
    /// Reads a namespace counter.
    pub fn ns_stat(&self, ns: &str, stat: &str) -> u64 {
        self.ns_stats
            .get(ns)
            .and_then(|m| m.get(stat))
            .copied()
            .unwrap_or(0)
    }
}

/// The whole fake cluster.
#[derive(Debug)]
pub struct ClusterState {
    /// Records.
    pub store: Store,
    /// Nodes in creation order.
    pub nodes: Vec<NodeState>,
    /// `cluster-name`.
    pub cluster_name: String,
    /// Cluster key (changes with membership).
    pub cluster_key: u64,
    /// Number of membership changes.
    pub cluster_generation: u64,
    /// Configured replication factor (effective = min(rf, live nodes)).
    pub replication_factor: usize,
    /// Secondary indexes, keyed by (namespace, index name).
    pub sindexes: BTreeMap<(String, String), SIndex>,
    /// Indexes still being built (state `WO`): their current `load_pct` (< 100).
    pub sindex_builds: BTreeMap<(String, String), u32>,
    /// Per-node service-time histograms (`latencies`), in node order.
    pub latency: Vec<crate::latency::NodeLatency>,
    /// UDF modules by file name.
    pub udfs: BTreeMap<String, UdfModule>,
    /// Service context configuration.
    pub service_config: BTreeMap<String, String>,
    /// Scripted behaviour.
    pub scenario: Scenario,
    /// Per node, per partition: whether the node's storage holds a copy (see `durability`).
    pub holds: Vec<Vec<bool>>,
}

impl ClusterState {
    /// A fresh cluster state for nodes listening on `addrs` (all up, empty store).
    pub fn new(opts: &crate::FakeOptions, addrs: &[SocketAddr]) -> Self {
        let now = Instant::now();
        let n = addrs.len();
        let nodes = addrs
            .iter()
            .enumerate()
            .map(|(i, addr)| NodeState {
                id: 0xFA4E_0000_0000_0000 | (u64::from(addr.port()) << 8) | i as u64,
                addr: *addr,
                up: true,
                partition_generation: 0,
                peers_generation: 0,
                started: now,
                stats: BTreeMap::new(),
                ns_stats: BTreeMap::new(),
                jobs: Vec::new(),
                alumni: (0..n).filter(|j| *j != i).collect(),
            })
            .collect();
        let mut st = Self {
            store: Store::new(&opts.namespaces, opts.replication_factor),
            nodes,
            cluster_name: opts.cluster_name.clone(),
            cluster_key: cluster_key_for(0xFA4E, 1),
            cluster_generation: 1,
            replication_factor: opts.replication_factor,
            sindexes: BTreeMap::new(),
            sindex_builds: BTreeMap::new(),
            latency: vec![crate::latency::NodeLatency::default(); n],
            udfs: BTreeMap::new(),
            service_config: crate::info::admin::default_service_config(&opts.cluster_name),
            scenario: Scenario::default(),
            holds: Vec::new(),
        };
        st.update_holdings();
        st
    }

    /// `load_pct` of an index (100 once built).
    pub fn sindex_load_pct(&self, ns: &str, name: &str) -> u32 {
        self.sindex_builds
            .get(&(ns.to_string(), name.to_string()))
            .copied()
            .unwrap_or(100)
    }

    /// Advances every index build by the scripted step (called on each index status poll,
    /// after the reply is computed). Finished builds become `RW`.
    pub fn poll_sindex_builds(&mut self) {
        let step = self.scenario.sindex_build_step.unwrap_or(100).max(1);
        for pct in self.sindex_builds.values_mut() {
            *pct = pct.saturating_add(step).min(100);
        }
        self.sindex_builds.retain(|_, pct| *pct < 100);
    }

    /// Live node indexes in creation order.
    pub fn live(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|i| self.nodes[*i].up)
            .collect()
    }

    /// Effective replication factor.
    pub fn effective_rf(&self) -> usize {
        self.replication_factor.min(self.live().len()).max(1)
    }

    /// Owners of a partition: master first, then replicas. Empty when no node is up.
    pub fn owners(&self, pid: usize) -> Vec<usize> {
        let live = self.live();
        owners_for(&live, pid, self.effective_rf())
    }

    /// Whether `node` is the master of `pid`.
    pub fn is_master(&self, node: usize, pid: usize) -> bool {
        self.owners(pid).first() == Some(&node)
    }

    /// Per-partition master flags for `node` (computed once per call).
    pub fn master_map(&self, node: usize) -> Vec<bool> {
        let live = self.live();
        let rf = self.effective_rf();
        (0..PARTITIONS)
            .map(|p| owners_for(&live, p, rf).first() == Some(&node))
            .collect()
    }

    /// Per-partition replica index of `node` (None when it holds no copy).
    pub fn replica_map(&self, node: usize) -> Vec<Option<usize>> {
        let live = self.live();
        let rf = self.effective_rf();
        (0..PARTITIONS)
            .map(|p| owners_for(&live, p, rf).iter().position(|n| *n == node))
            .collect()
    }

    /// Marks a membership change: new cluster key, bumped generations on live nodes.
    pub fn membership_changed(&mut self) {
        self.cluster_generation += 1;
        self.cluster_key = cluster_key_for(self.cluster_key, self.cluster_generation);
        for n in self.nodes.iter_mut().filter(|n| n.up) {
            n.partition_generation += 1;
            n.peers_generation += 1;
        }
        self.update_holdings();
    }
}

/// Owners of `pid` among `live` nodes: contiguous master ranges, replicas on the next nodes.
pub fn owners_for(live: &[usize], pid: usize, rf: usize) -> Vec<usize> {
    if live.is_empty() {
        return Vec::new();
    }
    let n = live.len();
    let m = pid * n / PARTITIONS;
    (0..rf.min(n)).map(|r| live[(m + r) % n]).collect()
}

/// Deterministic, non-zero cluster key derived from the previous one.
pub fn cluster_key_for(prev: u64, generation: u64) -> u64 {
    let mut x = prev ^ generation.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    (x & 0xFFFF_FFFF_FFFF).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partition_has_one_master_among_live_nodes() {
        let live = vec![0, 1, 2];
        let mut counts = [0usize; 3];
        for p in 0..PARTITIONS {
            let o = owners_for(&live, p, 2);
            assert_eq!(o.len(), 2);
            assert_ne!(o[0], o[1]);
            counts[o[0]] += 1;
        }
        assert!(counts.iter().all(|c| *c > 1300));
    }

    #[test]
    fn no_live_nodes_means_no_owner() {
        assert!(owners_for(&[], 5, 2).is_empty());
    }

    #[test]
    fn cluster_key_changes() {
        assert_ne!(cluster_key_for(1, 1), cluster_key_for(1, 2));
    }
}
