//! `AerospikeClusterTemplate` (cluster-scoped, short name `asct`): reusable defaults that a
//! cluster pulls in with `spec.templateRef` and adjusts with `spec.overrides`.
//!
//! Precedence when resolving a cluster (implemented by `acko_render::merge_template`):
//! `spec` fields set on the cluster > `spec.overrides` > template > operator defaults.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    NodeAffinity, ResourceRequirements, Toleration, TopologySpreadConstraint,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::monitoring::AerospikeMonitoringSpec;
use crate::network::AerospikeNetworkPolicy;
use crate::pod_spec::PodManagementPolicy;
use crate::storage::VolumeMode;

/// Spec of an `AerospikeClusterTemplate`; also the type of a cluster's `spec.overrides`.
// kube-derive takes repeated `printcolumn(...)` keys, which this lint misreads as duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "acko.io",
    version = "v1alpha1",
    kind = "AerospikeClusterTemplate",
    shortname = "asct",
    derive = "PartialEq",
    derive = "Default",
    status = "AerospikeClusterTemplateStatus",
    doc = "Reusable defaults for Aerospike CE clusters (referenced by spec.templateRef).",
    printcolumn(name = "Image", type_ = "string", json_path = ".spec.image"),
    printcolumn(name = "Size", type_ = "integer", json_path = ".spec.size"),
    printcolumn(
        name = "AntiAffinity",
        type_ = "string",
        json_path = ".spec.scheduling.podAntiAffinityLevel"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "StorageClass",
        type_ = "string",
        json_path = ".spec.storage.storageClassName",
        priority = 1
    ),
    printcolumn(
        name = "Description",
        type_ = "string",
        json_path = ".spec.description",
        priority = 1
    )
)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeClusterTemplateSpec {
    /// Human description (at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 500))]
    pub description: Option<String>,
    /// Server image (CE 8 or later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Cluster size (1-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 8))]
    pub size: Option<i32>,
    /// Aerospike configuration defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike_config: Option<TemplateAerospikeConfig>,
    /// Scheduling defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<TemplateScheduling>,
    /// Storage defaults: a single PVC volume `data` mounted at `/opt/aerospike/data`, used only
    /// when the cluster declares no volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<TemplateStorage>,
    /// Resources of the Aerospike container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// Rack defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack_config: Option<TemplateRackConfig>,
    /// Monitoring defaults (used whole when the cluster sets no `monitoring`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<AerospikeMonitoringSpec>,
    /// Network access defaults (used whole when the cluster sets no `aerospikeNetworkPolicy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike_network_policy: Option<AerospikeNetworkPolicy>,
}

/// Aerospike configuration defaults of a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateAerospikeConfig {
    /// Keys merged under every namespace of the cluster (the cluster's own keys win).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object")]
    pub namespace_defaults: Option<serde_json::Map<String, serde_json::Value>>,
    /// Keys deep-merged into the `service` stanza (for example `feature-key-file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object")]
    pub service: Option<serde_json::Map<String, serde_json::Value>>,
    /// Network defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<TemplateNetworkConfig>,
}

/// Network defaults of a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateNetworkConfig {
    /// Heartbeat defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<TemplateHeartbeatConfig>,
}

/// Heartbeat defaults of a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateHeartbeatConfig {
    /// Heartbeat mode; only `mesh` works on Kubernetes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Heartbeat port; must be 3002.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
    /// Interval between heartbeats in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub interval: Option<i64>,
    /// Missed heartbeats before a node is considered gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub timeout: Option<i64>,
}

/// Scheduling defaults of a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateScheduling {
    /// Pod anti-affinity between Aerospike pods on `kubernetes.io/hostname`. Default: `preferred`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity_level: Option<PodAntiAffinityLevel>,
    /// Node affinity used when the cluster sets none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    /// Tolerations used when the cluster sets none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Topology spread constraints used when the cluster sets none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_spread_constraints: Option<Vec<TopologySpreadConstraint>>,
    /// Pod management policy used when the cluster sets none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_management_policy: Option<PodManagementPolicy>,
}

/// Pod anti-affinity level of a template.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum PodAntiAffinityLevel {
    /// No anti-affinity.
    None,
    /// Prefer one pod per node (default).
    #[default]
    Preferred,
    /// Require one pod per node.
    Required,
}

/// Storage defaults of a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateStorage {
    /// StorageClass of the `data` volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    /// Volume mode. Default: `Filesystem`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<VolumeMode>,
    /// Access modes. Default: `[ReadWriteOnce]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_modes: Option<Vec<String>>,
    /// Requested size (`resources.requests.storage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<TemplateStorageResources>,
    /// The StorageClass must be node-local (`WaitForFirstConsumer`); warned about when no
    /// `storageClassName` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "localPVRequired")]
    pub local_pv_required: Option<bool>,
    /// StorageClasses that provision node-local volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_storage_classes: Option<Vec<String>>,
    /// Delete local PVCs when their pod restarts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_local_storage_on_restart: Option<bool>,
}

/// Requested storage of the template's `data` volume.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateStorageResources {
    /// Requests, for example `storage: 50Gi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<BTreeMap<String, Quantity>>,
}

/// Rack defaults of a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRackConfig {
    /// Most racks whose pods may share one node (0 = no limit). Informational: recorded for
    /// tools such as the manager, not enforced by the operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub max_racks_per_node: Option<i32>,
}

/// Status of a template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeClusterTemplateStatus {
    /// Clusters (`namespace/name`) that reference this template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_by: Option<Vec<String>>,
}
