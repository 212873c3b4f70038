//! `spec.podSpec`: how Aerospike pods are built and scheduled.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Container, LocalObjectReference, PodSecurityContext, ResourceRequirements,
    SecurityContext, Toleration, TopologySpreadConstraint,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metadata::AerospikeObjectMeta;

/// Name of the Aerospike server container (reserved: sidecars cannot use it).
pub const AEROSPIKE_CONTAINER_NAME: &str = "aerospike-server";
/// Name of the operator's init container, `acko-init` (reserved; see docs/pod-contract.md).
pub const ACKO_INIT_CONTAINER_NAME: &str = "acko-init";
/// An older name of the operator's init container; still reserved so that a pod never has a
/// user container that looks like the operator's.
pub const AEROSPIKE_INIT_CONTAINER_NAME: &str = "aerospike-init";
/// Name of the exporter sidecar added by `monitoring` (reserved).
pub const EXPORTER_CONTAINER_NAME: &str = "aerospike-prometheus-exporter";
/// Container names user sidecars and init containers cannot use: the ones the operator's pods
/// already have (server, `acko-init`, exporter) plus [`AEROSPIKE_INIT_CONTAINER_NAME`].
pub const RESERVED_CONTAINER_NAMES: &[&str] = &[
    AEROSPIKE_CONTAINER_NAME,
    ACKO_INIT_CONTAINER_NAME,
    EXPORTER_CONTAINER_NAME,
    AEROSPIKE_INIT_CONTAINER_NAME,
];

/// Pod-level settings of the Aerospike pods.
///
/// Defaults: `terminationGracePeriodSeconds` 60; `podManagementPolicy` `Parallel`; with
/// `hostNetwork: true`, `multiPodPerHost` defaults to false and `dnsPolicy` to
/// `ClusterFirstWithHostNet`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikePodSpec {
    /// Resources and security context of the Aerospike server container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike_container: Option<AerospikeContainerSpec>,
    /// Extra containers running beside Aerospike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecars: Option<Vec<Container>>,
    /// Extra init containers, run after the operator's own init container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<Container>>,
    /// Secrets used to pull images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_secrets: Option<Vec<LocalObjectReference>>,
    /// Node selector of all pods (racks may override).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
    /// Tolerations of all pods (racks may override).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Affinity of all pods (racks may override; rack placement is added to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Pod-level security context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    /// Service account of the pods. Default: the namespace's `default` account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// DNS policy: `ClusterFirst`, `ClusterFirstWithHostNet`, `Default` or `None`.
    /// Default: `ClusterFirstWithHostNet` with `hostNetwork`, else Kubernetes' `ClusterFirst`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<String>,
    /// Run pods in the node's network namespace (needed for `hostInternal`/`hostExternal`
    /// access types to be reachable on the service port). Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_network: Option<bool>,
    /// Allow more than one Aerospike pod per node. `false` adds a required pod anti-affinity on
    /// `kubernetes.io/hostname`. Default: false with `hostNetwork`, else unset (allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_pod_per_host: Option<bool>,
    /// Grace period for asd to shut down. Default: 60.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub termination_grace_period_seconds: Option<i64>,
    /// Topology spread constraints of the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,
    /// StatefulSet pod management policy. Default: `Parallel`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_management_policy: Option<PodManagementPolicy>,
    /// Extra labels and annotations of the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AerospikeObjectMeta>,
    /// Add the `acko.io/aerospike-ready` readiness gate
    /// ([`crate::contract::READINESS_GATE_CONDITION`]): the pod is Ready only once the operator
    /// has seen the node join the cluster with migrations done, not merely once the service
    /// port accepts connections. The PodDisruptionBudgets and the seeds Service count only
    /// Ready pods, so they rely on it. Default: true (set false only when no acko operator
    /// manages the pods, e.g. `acko render` applied by hand: nothing would set the condition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_gate_enabled: Option<bool>,
}

/// Settings of the Aerospike server container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeContainerSpec {
    /// CPU/memory requests and limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Container security context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
}

/// StatefulSet pod management policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PodManagementPolicy {
    /// Pods start one after the other.
    OrderedReady,
    /// Pods start together (default).
    #[default]
    Parallel,
}
