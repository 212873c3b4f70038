//! What the shell observed about one cluster: plain data, built by `shell::observe` (or by a
//! test), consumed by [`crate::plan::plan`] and [`crate::status::compute`].

use std::collections::{BTreeMap, BTreeSet};

use acko_api::AerospikeClusterStatus;
use asinfo::cluster::NodeObservation;
use serde_json::Value;

/// Identity of an existing object the operator manages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// `apiVersion`, e.g. `apps/v1`.
    pub api_version: String,
    /// `kind`, e.g. `StatefulSet`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`; `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
}

impl ObjectKey {
    /// The key of a JSON object (`apiVersion`, `kind`, `metadata.name/namespace`).
    pub fn of(value: &Value) -> Option<ObjectKey> {
        Some(ObjectKey {
            api_version: value.get("apiVersion")?.as_str()?.to_owned(),
            kind: value.get("kind")?.as_str()?.to_owned(),
            name: value.pointer("/metadata/name")?.as_str()?.to_owned(),
            namespace: value
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// An object that exists and carries the cluster's labels.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingObject {
    /// Identity.
    pub key: ObjectKey,
    /// Value of the `acko.io/desired-hash` annotation (what the operator last applied).
    pub desired_hash: Option<String>,
    /// The `acko.io/rack` label, when present.
    pub rack: Option<i32>,
    /// True when an owner reference points at this cluster (or, for cluster-scoped objects,
    /// the `acko.io/namespace` label names the cluster's namespace): the operator created it.
    pub owned: bool,
}

/// Optional kinds that need a CRD the Kubernetes cluster may not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OptionalKind {
    /// `cilium.io/v2` `CiliumNetworkPolicy`.
    CiliumNetworkPolicy,
    /// `monitoring.coreos.com/v1` `ServiceMonitor`.
    ServiceMonitor,
    /// `monitoring.coreos.com/v1` `PrometheusRule`.
    PrometheusRule,
}

impl OptionalKind {
    /// All optional kinds.
    pub const ALL: [OptionalKind; 3] = [
        OptionalKind::CiliumNetworkPolicy,
        OptionalKind::ServiceMonitor,
        OptionalKind::PrometheusRule,
    ];

    /// `(apiVersion, kind, plural)`.
    pub fn gvk(self) -> (&'static str, &'static str, &'static str) {
        match self {
            OptionalKind::CiliumNetworkPolicy => (
                "cilium.io/v2",
                "CiliumNetworkPolicy",
                "ciliumnetworkpolicies",
            ),
            OptionalKind::ServiceMonitor => (
                "monitoring.coreos.com/v1",
                "ServiceMonitor",
                "servicemonitors",
            ),
            OptionalKind::PrometheusRule => (
                "monitoring.coreos.com/v1",
                "PrometheusRule",
                "prometheusrules",
            ),
        }
    }

    /// The optional kind of an object's `kind`, if it is one.
    pub fn from_kind(kind: &str) -> Option<OptionalKind> {
        OptionalKind::ALL.into_iter().find(|k| k.gvk().1 == kind)
    }
}

/// A StatefulSet of one rack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RackSet {
    /// `spec.replicas`.
    pub replicas: u32,
}

/// Aerospike facts of one pod's node (from asinfo).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFacts {
    /// `node`, `statistics`, `cluster-stable` as one observation (or why it failed).
    pub observation: NodeObservation,
    /// `edition` (e.g. `Aerospike Community Edition`), when read.
    pub edition: Option<String>,
    /// Addresses the node advertises (`service-clear-std` / `service`).
    pub access_endpoints: Vec<String>,
    /// `build` (server version, e.g. `8.1.2.0`), when read.
    pub build: Option<String>,
}

/// Warm-restart bookkeeping of one pod (pod annotations written by the operator, plus the
/// supervisor's files read through exec).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WarmRestart {
    /// The config hash the operator asked for (`acko.io/warm-restart-hash`).
    pub requested_hash: Option<String>,
    /// When it asked (`acko.io/warm-restart-time`, unix seconds).
    pub requested_at: Option<i64>,
    /// `/acko/run/applied-config-hash` (trimmed), when read.
    pub applied_hash: Option<String>,
    /// `/acko/run/last-restart-error`, when present.
    pub last_error: Option<String>,
}

/// One pod of the cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodFacts {
    /// Pod name `<cluster>-<rack>-<ordinal>`.
    pub name: String,
    /// Rack id (label `acko.io/rack`).
    pub rack: i32,
    /// StatefulSet ordinal.
    pub ordinal: u32,
    /// `acko.io/config-hash` annotation: the config the pod runs.
    pub config_hash: Option<String>,
    /// `acko.io/pod-spec-hash` annotation.
    pub pod_spec_hash: Option<String>,
    /// `status.phase == Running`.
    pub running: bool,
    /// Condition `Ready` is True.
    pub ready: bool,
    /// Condition `ContainersReady` is True (readiness of the containers, before gates).
    pub containers_ready: bool,
    /// `metadata.deletionTimestamp` is set.
    pub terminating: bool,
    /// The pod has the `acko.io/aerospike-ready` readiness gate in its spec.
    pub has_readiness_gate: bool,
    /// Current value of the `acko.io/aerospike-ready` condition.
    pub gate_condition: Option<bool>,
    /// `status.podIP`.
    pub pod_ip: Option<String>,
    /// `status.hostIP`.
    pub host_ip: Option<String>,
    /// Aerospike facts, when the node was probed.
    pub node: Option<NodeFacts>,
    /// Warm-restart state.
    pub warm: WarmRestart,
    /// `metadata.creationTimestamp`, unix seconds.
    pub created_at: Option<i64>,
    /// `spec.nodeName`: the Kubernetes node the pod runs on.
    pub node_name: Option<String>,
}

/// A PersistentVolumeClaim of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFacts {
    /// Claim name `<volume>-<pod>`.
    pub name: String,
    /// Rack id (label `acko.io/rack`).
    pub rack: Option<i32>,
    /// Pod name the claim belongs to (suffix after the volume name).
    pub pod: Option<String>,
}

/// Everything observed about one cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    /// Cluster name.
    pub name: String,
    /// Cluster namespace.
    pub namespace: String,
    /// Unix seconds at observation time (the planner has no clock).
    pub now: i64,
    /// `metadata.generation`.
    pub generation: Option<i64>,
    /// `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// `acko.io/finalizer` is present.
    pub has_finalizer: bool,
    /// Objects with the cluster's labels, by key.
    pub objects: BTreeMap<ObjectKey, ExistingObject>,
    /// StatefulSets by rack id.
    pub racks: BTreeMap<i32, RackSet>,
    /// Pods by name.
    pub pods: BTreeMap<String, PodFacts>,
    /// PVCs of the cluster.
    pub claims: Vec<ClaimFacts>,
    /// Optional kinds whose CRD is installed.
    pub available_kinds: BTreeSet<OptionalKind>,
    /// `host:port` clients can seed from: the seeds LoadBalancer's address when it has one,
    /// else the headless Service's DNS name.
    pub seeds_endpoint: Option<String>,
    /// The status as last written.
    pub status: Option<AerospikeClusterStatus>,
}

impl Observed {
    /// Pods of a rack in ordinal order.
    pub fn rack_pods(&self, rack: i32) -> Vec<&PodFacts> {
        let mut pods: Vec<&PodFacts> = self.pods.values().filter(|p| p.rack == rack).collect();
        pods.sort_by_key(|p| p.ordinal);
        pods
    }

    /// Sum of StatefulSet replicas.
    pub fn total_replicas(&self) -> u32 {
        self.racks.values().map(|r| r.replicas).sum()
    }
}
