//! `statistics`: node-wide statistics (`k=v;k=v`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::kv::{Fields, semicolon_pairs};
use crate::reply::{ReplyError, require};

/// Node statistics with the important fields typed; every other key is kept in `other`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeStatistics {
    /// Nodes in the cluster as seen by this node.
    pub cluster_size: Option<u64>,
    /// Cluster key (hex); changes on every cluster change.
    pub cluster_key: Option<String>,
    /// Cluster generation.
    pub cluster_generation: Option<u64>,
    /// Principal node id.
    pub cluster_principal: Option<String>,
    /// False while the cluster has integrity faults (split brain, ...).
    pub cluster_integrity: Option<bool>,
    /// False when this node is not part of a cluster.
    pub cluster_is_member: Option<bool>,
    /// Node ids seen with duplicate ids (None when `null`).
    pub cluster_duplicate_nodes: Option<String>,
    /// Clock skew in ms.
    pub cluster_clock_skew_ms: Option<u64>,
    /// Seconds since start.
    pub uptime: Option<u64>,
    /// Objects on this node (master + replicas).
    pub objects: Option<u64>,
    /// Tombstones on this node.
    pub tombstones: Option<u64>,
    /// Open client connections.
    pub client_connections: Option<u64>,
    /// Heartbeat connections (mesh).
    pub heartbeat_connections: Option<u64>,
    /// Fabric connections.
    pub fabric_connections: Option<u64>,
    /// Whether migrations are allowed.
    pub migrate_allowed: Option<bool>,
    /// Partitions still to migrate (node-wide).
    pub migrate_partitions_remaining: Option<u64>,
    /// Free system memory percent.
    pub system_free_mem_pct: Option<u64>,
    /// Seconds since the last rebalance.
    pub time_since_rebalance: Option<u64>,
    /// True when best-practice checks failed at start.
    pub failed_best_practices: Option<bool>,
    /// Info transactions completed.
    pub info_complete: Option<u64>,
    /// Every other key, unparsed.
    pub other: BTreeMap<String, String>,
}

/// Parses `statistics`.
pub fn parse_statistics(raw: &str) -> Result<NodeStatistics, ReplyError> {
    let mut f = Fields::new("statistics", semicolon_pairs(require(raw)?));
    Ok(NodeStatistics {
        cluster_size: f.u64("cluster_size")?,
        cluster_key: f.string("cluster_key"),
        cluster_generation: f.u64("cluster_generation")?,
        cluster_principal: f.string("cluster_principal"),
        cluster_integrity: f.bool("cluster_integrity")?,
        cluster_is_member: f.bool("cluster_is_member")?,
        cluster_duplicate_nodes: f.string("cluster_duplicate_nodes"),
        cluster_clock_skew_ms: f.u64("cluster_clock_skew_ms")?,
        uptime: f.u64("uptime")?,
        objects: f.u64("objects")?,
        tombstones: f.u64("tombstones")?,
        client_connections: f.u64("client_connections")?,
        heartbeat_connections: f.u64("heartbeat_connections")?,
        fabric_connections: f.u64("fabric_connections")?,
        migrate_allowed: f.bool("migrate_allowed")?,
        migrate_partitions_remaining: f.u64("migrate_partitions_remaining")?,
        system_free_mem_pct: f.u64("system_free_mem_pct")?,
        time_since_rebalance: f.u64("time_since_rebalance")?,
        failed_best_practices: f.bool("failed_best_practices")?,
        info_complete: f.u64("info_complete")?,
        other: f.rest(),
    })
}
