//! `namespaces` and `namespace/<ns>` (statistics followed by configuration, one `k=v;` list).

use std::collections::BTreeMap;

use serde::Serialize;

use super::kv::{Fields, semicolon_pairs};
use crate::reply::{ReplyError, allow_empty, require};

/// Parses `namespaces`: `test;bar` (empty when the node has none).
pub fn parse_namespaces(raw: &str) -> Result<Vec<String>, ReplyError> {
    Ok(allow_empty(raw)?
        .split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

/// One node's view of a namespace, important fields typed, every other key in `other`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamespaceInfo {
    /// Cluster size as seen by the namespace.
    pub ns_cluster_size: Option<u64>,
    /// Configured replication factor (`replication-factor`).
    pub replication_factor: Option<u64>,
    /// Replication factor in effect (capped by the cluster size).
    pub effective_replication_factor: Option<u64>,
    /// Objects on this node (master + prole): summing across nodes double-counts.
    pub objects: Option<u64>,
    /// Objects for which this node is master: sum across nodes for the record count.
    pub master_objects: Option<u64>,
    /// Replica (prole) objects on this node.
    pub prole_objects: Option<u64>,
    /// Objects in partitions this node neither masters nor replicates.
    pub non_replica_objects: Option<u64>,
    /// Tombstones on this node.
    pub tombstones: Option<u64>,
    /// Master tombstones.
    pub master_tombstones: Option<u64>,
    /// Prole tombstones.
    pub prole_tombstones: Option<u64>,
    /// Data bytes in use (CE 8 unified storage; counts replicas too).
    pub data_used_bytes: Option<u64>,
    /// Data capacity in bytes.
    pub data_total_bytes: Option<u64>,
    /// Data used percent.
    pub data_used_pct: Option<u64>,
    /// Data available percent.
    pub data_avail_pct: Option<u64>,
    /// Writes are stopped.
    pub stop_writes: Option<bool>,
    /// Writes stopped because of clock skew.
    pub clock_skew_stop_writes: Option<bool>,
    /// High-water mark breached (evictions).
    pub hwm_breached: Option<bool>,
    /// Partitions that are dead (data loss possible).
    pub dead_partitions: Option<u64>,
    /// Partitions unavailable.
    pub unavailable_partitions: Option<u64>,
    /// Outgoing partitions still to migrate.
    pub migrate_tx_partitions_remaining: Option<u64>,
    /// Incoming partitions still to migrate.
    pub migrate_rx_partitions_remaining: Option<u64>,
    /// Successful client reads.
    pub client_read_success: Option<u64>,
    /// Failed client reads.
    pub client_read_error: Option<u64>,
    /// Successful client writes.
    pub client_write_success: Option<u64>,
    /// Failed client writes.
    pub client_write_error: Option<u64>,
    /// Storage engine (`memory`, `device`, `pmem`).
    pub storage_engine: Option<String>,
    /// Default TTL in seconds.
    pub default_ttl: Option<u64>,
    /// Every other key (statistics and configuration), unparsed.
    pub other: BTreeMap<String, String>,
}

/// Parses `namespace/<ns>`. An unknown namespace gives [`ReplyError::UnknownType`].
pub fn parse_namespace(raw: &str) -> Result<NamespaceInfo, ReplyError> {
    let mut f = Fields::new("namespace", semicolon_pairs(require(raw)?));
    Ok(NamespaceInfo {
        ns_cluster_size: f.u64("ns_cluster_size")?,
        replication_factor: f.u64("replication-factor")?,
        effective_replication_factor: f.u64("effective_replication_factor")?,
        objects: f.u64("objects")?,
        master_objects: f.u64("master_objects")?,
        prole_objects: f.u64("prole_objects")?,
        non_replica_objects: f.u64("non_replica_objects")?,
        tombstones: f.u64("tombstones")?,
        master_tombstones: f.u64("master_tombstones")?,
        prole_tombstones: f.u64("prole_tombstones")?,
        data_used_bytes: f.u64("data_used_bytes")?,
        data_total_bytes: f.u64("data_total_bytes")?,
        data_used_pct: f.u64("data_used_pct")?,
        data_avail_pct: f.u64("data_avail_pct")?,
        stop_writes: f.bool("stop_writes")?,
        clock_skew_stop_writes: f.bool("clock_skew_stop_writes")?,
        hwm_breached: f.bool("hwm_breached")?,
        dead_partitions: f.u64("dead_partitions")?,
        unavailable_partitions: f.u64("unavailable_partitions")?,
        migrate_tx_partitions_remaining: f.u64("migrate_tx_partitions_remaining")?,
        migrate_rx_partitions_remaining: f.u64("migrate_rx_partitions_remaining")?,
        client_read_success: f.u64("client_read_success")?,
        client_read_error: f.u64("client_read_error")?,
        client_write_success: f.u64("client_write_success")?,
        client_write_error: f.u64("client_write_error")?,
        storage_engine: f.string("storage-engine"),
        default_ttl: f.u64("default-ttl")?,
        other: f.rest(),
    })
}
