//! Simulated cluster controllers: StatefulSet, scheduler, kubelet, services.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::SimState;

/// Runtime state of the simulated kubelet (running fake nodes).
#[derive(Debug, Default)]
pub struct Runtime {}

impl Runtime {
    /// Stop everything (simulator shutdown).
    pub fn stop_all(&self) {}
}

/// A simulated Node object.
pub fn node_object(name: &str, zone: &str, index: usize) -> Value {
    json!({
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "topology.kubernetes.io/zone": zone, "topology.kubernetes.io/region": "sim",
        }},
        "spec": {},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kube-sim node is ready"}],
            "addresses": [
                {"type": "InternalIP", "address": format!("127.0.1.{}", index + 1)},
                {"type": "ExternalIP", "address": format!("127.0.2.{}", index + 1)},
                {"type": "Hostname", "address": name},
            ],
            "capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"},
            "allocatable": {"cpu": "16", "memory": "64Gi", "pods": "110"},
            "nodeInfo": {"kubeletVersion": "v1.33.0-kube-sim", "architecture": "amd64", "operatingSystem": "linux"},
        },
    })
}

/// Start every controller.
pub fn spawn_all(_state: Arc<SimState>) -> Vec<JoinHandle<()>> {
    Vec::new()
}
