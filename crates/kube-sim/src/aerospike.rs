//! Pods of an AerospikeCluster run aerospike-fake nodes (phase 3; placeholder).

use std::sync::Arc;

use serde_json::Value;

use crate::SimState;

/// Fake Aerospike clusters by AerospikeCluster.
#[derive(Debug, Default)]
pub struct Clusters {}

impl Clusters {
    /// Stop every fake node.
    pub fn stop_all(&self) {}
}

/// A pod started; returns whether its readiness probe passes.
pub async fn pod_started(_state: &Arc<SimState>, _pod: &Value) -> bool {
    true
}

/// A pod is gone.
pub async fn pod_gone(_state: &Arc<SimState>, _uid: &str) {}
