//! Node identity replies: `build`, `edition`, `release`, `node`, `cluster-name`,
//! `service-clear-std`/`-alt`, `services`, `partition-generation`, `peers-generation`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::kv::{Fields, required_u64, semicolon_pairs};
use crate::reply::{ReplyError, allow_empty, require};

/// `build`: the server version, e.g. `8.1.2.0`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Build {
    /// The version text as sent.
    pub version: String,
    /// Numeric components (`[8, 1, 2, 0]`).
    pub parts: Vec<u32>,
}

impl Build {
    /// Major version (first component).
    pub fn major(&self) -> u32 {
        self.parts.first().copied().unwrap_or(0)
    }
}

/// Parses `build` (and the `version=` of `release`).
pub fn parse_build(raw: &str) -> Result<Build, ReplyError> {
    let version = require(raw)?;
    let parts = version
        .split('.')
        .map(|p| p.parse::<u32>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            ReplyError::malformed("build", format!("{version:?} is not a dotted version"))
        })?;
    Ok(Build {
        version: version.to_owned(),
        parts,
    })
}

/// Server edition, from `edition` or `release`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edition {
    /// Text as sent, e.g. `Aerospike Community Edition`.
    pub name: String,
    /// True for Community Edition.
    pub community: bool,
}

/// Parses `edition`.
pub fn parse_edition(raw: &str) -> Result<Edition, ReplyError> {
    let name = require(raw)?;
    Ok(Edition {
        name: name.to_owned(),
        community: name.contains("Community"),
    })
}

/// `release`: `edition=...;version=...;os=...;arch=...;sha=...`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Release {
    /// Edition text.
    pub edition: Option<String>,
    /// True when the edition is Community Edition.
    pub community: bool,
    /// Version (e.g. `8.1.2.0`).
    pub version: Option<String>,
    /// Build OS.
    pub os: Option<String>,
    /// CPU architecture.
    pub arch: Option<String>,
    /// Source commit.
    pub sha: Option<String>,
    /// Unknown keys.
    pub other: BTreeMap<String, String>,
}

/// Parses `release`.
pub fn parse_release(raw: &str) -> Result<Release, ReplyError> {
    let mut f = Fields::new("release", semicolon_pairs(require(raw)?));
    let edition = f.string("edition");
    let version = f.string("version");
    if version.is_none() {
        return Err(ReplyError::malformed("release", "no version= field"));
    }
    Ok(Release {
        community: edition.as_deref().is_some_and(|e| e.contains("Community")),
        edition,
        version,
        os: f.string("os"),
        arch: f.string("arch"),
        sha: f.string("sha"),
        other: f.rest(),
    })
}

/// Parses an upper-case hex id (`node`, `cluster_key`, `cluster-stable`).
pub fn parse_hex_id(what: &'static str, raw: &str) -> Result<String, ReplyError> {
    let id = require(raw)?;
    if id.len() > 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ReplyError::malformed(
            what,
            format!("{id:?} is not a hex id"),
        ));
    }
    Ok(id.to_ascii_uppercase())
}

/// Parses `node`: the node id, upper-case hex without padding (e.g. `BB901000000FC02`).
pub fn parse_node(raw: &str) -> Result<String, ReplyError> {
    parse_hex_id("node", raw)
}

/// Parses `cluster-name` (CE answers `null` when none is configured).
pub fn parse_cluster_name(raw: &str) -> Result<Option<String>, ReplyError> {
    let name = require(raw)?;
    Ok((name != "null").then(|| name.to_owned()))
}

/// Parses `service-clear-std`, `service-clear-alt` and `services*`: a list of `host:port`
/// separated by `;` or `,`. Empty is valid (no alternate address, or no peers).
pub fn parse_endpoints(raw: &str) -> Result<Vec<String>, ReplyError> {
    let v = allow_empty(raw)?;
    Ok(v.split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Parses a generation counter (`partition-generation`, `peers-generation`,
/// `rebalance-generation`). `partition-generation` may be `-1` while the node is not ready.
pub fn parse_generation(raw: &str) -> Result<i64, ReplyError> {
    let v = require(raw)?;
    v.parse()
        .map_err(|_| ReplyError::malformed("generation", format!("{v:?} is not a number")))
}

/// Parses a reply that is a single unsigned number.
pub fn parse_u64(raw: &str) -> Result<u64, ReplyError> {
    required_u64("number", require(raw)?)
}
