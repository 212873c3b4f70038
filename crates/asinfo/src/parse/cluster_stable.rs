//! `cluster-stable[:size=N;ignore-migrations=BOOL;namespace=NS]`.
//!
//! Stable replies carry the cluster key. `ERROR:7:cluster not specified size` and
//! `ERROR:7:unstable cluster` are **not** stable (the original operator treated them as
//! stable); they are typed here so callers cannot miss them.

use serde::Serialize;

use super::identity::parse_hex_id;
use crate::reply::{Classified, ReplyError, classify};

/// Outcome of `cluster-stable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ClusterStable {
    /// The cluster is stable (and has the requested size, if one was given).
    Stable {
        /// Cluster key (hex).
        cluster_key: String,
    },
    /// The cluster is not of the requested size (`ERROR:7:cluster not specified size`).
    WrongSize,
    /// Migrations are running or the cluster is changing (`ERROR:7:unstable cluster`).
    Unstable,
}

impl ClusterStable {
    /// The cluster key if stable.
    pub fn cluster_key(&self) -> Option<&str> {
        match self {
            ClusterStable::Stable { cluster_key } => Some(cluster_key),
            _ => None,
        }
    }
}

/// Builds the command: `cluster-stable:size=N;ignore-migrations=false` (or bare when `size` is None).
pub fn cluster_stable_command(size: Option<usize>, ignore_migrations: bool) -> String {
    match size {
        Some(n) => format!("cluster-stable:size={n};ignore-migrations={ignore_migrations}"),
        None if ignore_migrations => "cluster-stable:ignore-migrations=true".to_owned(),
        None => "cluster-stable".to_owned(),
    }
}

/// Parses a `cluster-stable` reply.
pub fn parse_cluster_stable(raw: &str) -> Result<ClusterStable, ReplyError> {
    match classify(raw) {
        Classified::Error(ReplyError::Error {
            code: Some(7),
            message,
        }) => {
            if message.contains("not specified size") {
                Ok(ClusterStable::WrongSize)
            } else if message.contains("unstable") {
                Ok(ClusterStable::Unstable)
            } else {
                Err(ReplyError::Error {
                    code: Some(7),
                    message,
                })
            }
        }
        Classified::Error(e) => Err(e),
        Classified::Empty => Err(ReplyError::Empty),
        Classified::Value(v) => Ok(ClusterStable::Stable {
            cluster_key: parse_hex_id("cluster-stable", v)?,
        }),
    }
}
