//! `acko-operator`: the controller of `AerospikeCluster` resources.
//!
//! * [`desired`]: spec → validated, rendered objects plus planner knobs (pure).
//! * [`observed`]: what the shell saw (objects, pods, per-pod Aerospike facts) as plain data.
//! * [`plan`]: `plan(observed, desired) -> Plan`, the next safe step with its reason (pure).
//! * [`rbac`]: the grants the operator needs, the source of its ClusterRole and Role.
//! * [`status`]: the status subresource computed from observed + plan (pure).
//! * [`shell`]: the thin IO shell on kube-runtime (observe, execute, controller, metrics,
//!   health, leader election).

pub mod desired;
pub mod observed;
pub mod plan;
pub mod rbac;
pub mod shell;
pub mod status;
pub mod webhook;

/// Installs the rustls `ring` crypto provider (idempotent). Call first in `main` and in tests
/// that build a `kube::Client`.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
