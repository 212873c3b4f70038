//! `sets`, `sets/<ns>` and `sets/<ns>/<set>`: records `ns=..:set=..:objects=..;`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::kv::Fields;
use super::records::{split_fields, split_records};
use crate::reply::{ReplyError, allow_empty};

/// One set on one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetInfo {
    /// Namespace (absent in `sets/<ns>/<set>` replies).
    pub ns: Option<String>,
    /// Set name (absent in `sets/<ns>/<set>` replies).
    pub set: Option<String>,
    /// Objects on this node (master + replicas).
    pub objects: Option<u64>,
    /// Tombstones on this node.
    pub tombstones: Option<u64>,
    /// Data bytes on this node.
    pub data_used_bytes: Option<u64>,
    /// Last truncation, ms since 2010-01-01 UTC (0 = never).
    pub truncate_lut: Option<u64>,
    /// Secondary indexes on the set.
    pub sindexes: Option<u64>,
    /// Truncation in progress.
    pub truncating: Option<bool>,
    /// Index being populated.
    pub index_populating: Option<bool>,
    /// Set default TTL.
    pub default_ttl: Option<u64>,
    /// Stop writes at this object count (0 = off).
    pub stop_writes_count: Option<u64>,
    /// Stop writes at this size (0 = off).
    pub stop_writes_size: Option<u64>,
    /// Eviction disabled for the set.
    pub disable_eviction: Option<bool>,
    /// Set index enabled.
    pub enable_index: Option<bool>,
    /// Other fields.
    pub other: BTreeMap<String, String>,
}

fn set_from(map: BTreeMap<String, String>) -> Result<SetInfo, ReplyError> {
    let mut f = Fields::new("sets", map);
    Ok(SetInfo {
        ns: f.string("ns").or_else(|| f.string("namespace")),
        set: f.string("set").or_else(|| f.string("set_name")),
        objects: f.u64("objects")?,
        tombstones: f.u64("tombstones")?,
        data_used_bytes: f.u64("data_used_bytes")?,
        truncate_lut: f.u64("truncate_lut")?,
        sindexes: f.u64("sindexes")?,
        truncating: f.bool("truncating")?,
        index_populating: f.bool("index_populating")?,
        default_ttl: f.u64("default-ttl")?,
        stop_writes_count: f.u64("stop-writes-count")?,
        stop_writes_size: f.u64("stop-writes-size")?,
        disable_eviction: f.bool("disable-eviction")?,
        enable_index: f.bool("enable-index")?,
        other: f.rest(),
    })
}

/// Parses `sets` / `sets/<ns>`. Empty means no sets; `ns_type=unknown` is an error.
pub fn parse_sets(raw: &str) -> Result<Vec<SetInfo>, ReplyError> {
    split_records(allow_empty(raw)?)
        .into_iter()
        .map(set_from)
        .collect()
}

/// Parses `sets/<ns>/<set>` (one record without `ns`/`set`).
pub fn parse_set(raw: &str) -> Result<SetInfo, ReplyError> {
    let v = crate::reply::require(raw)?;
    let record = v.split(';').find(|r| !r.trim().is_empty()).unwrap_or("");
    set_from(split_fields(record))
}
