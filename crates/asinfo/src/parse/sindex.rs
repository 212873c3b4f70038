//! `sindex-list[:namespace=NS[;b64=true]]` and `sindex/<ns>/<index>` statistics.

use std::collections::BTreeMap;

use serde::Serialize;

use super::kv::{Fields, semicolon_pairs};
use super::records::split_records;
use crate::reply::{ReplyError, allow_empty, require};

/// State of a secondary index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SindexState {
    /// `RW`: built, readable.
    ReadWrite,
    /// `WO`: still building (write-only; see `load_pct`).
    WriteOnly,
    /// `ERROR`.
    Error,
    /// Any other value.
    Other(String),
}

impl SindexState {
    fn from_str(s: &str) -> Self {
        match s {
            "RW" => SindexState::ReadWrite,
            "WO" => SindexState::WriteOnly,
            "ERROR" => SindexState::Error,
            other => SindexState::Other(other.to_owned()),
        }
    }
}

/// One secondary index definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SindexDef {
    /// Namespace.
    pub ns: String,
    /// Index name.
    pub name: String,
    /// Set (None = whole namespace).
    pub set: Option<String>,
    /// Bin (None for expression indexes).
    pub bin: Option<String>,
    /// Key type: `numeric`, `string`, `geo2dsphere`, `blob`.
    pub key_type: Option<String>,
    /// Collection type: `default`, `list`, `mapkeys`, `mapvalues`.
    pub index_type: Option<String>,
    /// CDT context (text, or base64 with `b64=true`), None when `null`.
    pub context: Option<String>,
    /// Expression (text, or base64 with `b64=true`), None when `null`.
    pub exp: Option<String>,
    /// State.
    pub state: SindexState,
    /// Other fields.
    pub other: BTreeMap<String, String>,
}

/// Parses `sindex-list`. Empty means no indexes.
pub fn parse_sindex_list(raw: &str) -> Result<Vec<SindexDef>, ReplyError> {
    split_records(allow_empty(raw)?)
        .into_iter()
        .map(|map| {
            let mut f = Fields::new("sindex-list", map);
            let ns = f.string("ns").or_else(|| f.string("namespace"));
            let name = f.string("indexname");
            let (Some(ns), Some(name)) = (ns, name) else {
                return Err(ReplyError::malformed(
                    "sindex-list",
                    "record without ns or indexname",
                ));
            };
            Ok(SindexDef {
                ns,
                name,
                set: f.string("set"),
                bin: f.string("bin"),
                key_type: f.string("type"),
                index_type: f.string("indextype"),
                context: f.string("context"),
                exp: f.string("exp"),
                state: SindexState::from_str(&f.string("state").unwrap_or_default()),
                other: f.rest(),
            })
        })
        .collect()
}

/// Statistics of one index (`sindex/<ns>/<index>`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SindexStats {
    /// Index entries.
    pub entries: Option<u64>,
    /// Memory used.
    pub used_bytes: Option<u64>,
    /// Entries per bin value.
    pub entries_per_bval: Option<u64>,
    /// Entries per record.
    pub entries_per_rec: Option<u64>,
    /// Build progress percent (100 = built).
    pub load_pct: Option<u64>,
    /// Build time in ms.
    pub load_time: Option<u64>,
    /// Records garbage collected.
    pub stat_gc_recs: Option<u64>,
    /// Other keys.
    pub other: BTreeMap<String, String>,
}

/// Parses `sindex/<ns>/<index>` (`ERROR:201:no index` for a missing index).
pub fn parse_sindex_stats(raw: &str) -> Result<SindexStats, ReplyError> {
    let mut f = Fields::new("sindex", semicolon_pairs(require(raw)?));
    Ok(SindexStats {
        entries: f.u64("entries")?,
        used_bytes: f.u64("used_bytes")?,
        entries_per_bval: f.u64("entries_per_bval")?,
        entries_per_rec: f.u64("entries_per_rec")?,
        load_pct: f.u64("load_pct")?,
        load_time: f.u64("load_time")?,
        stat_gc_recs: f.u64("stat_gc_recs")?,
        other: f.rest(),
    })
}
