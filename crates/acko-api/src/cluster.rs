//! `AerospikeCluster` (namespaced, short name `asc`): one Aerospike CE cluster.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access_control::AerospikeAccessControlSpec;
use crate::monitoring::AerospikeMonitoringSpec;
use crate::network::{
    AerospikeNetworkPolicy, BandwidthConfig, HeadlessServiceSpec, NetworkPolicyConfig,
    PodServiceSpec, SeedsFinderServices,
};
use crate::operations::OperationSpec;
use crate::pod_spec::AerospikePodSpec;
use crate::rack::RackConfig;
use crate::status::AerospikeClusterStatus;
use crate::storage::AerospikeStorageSpec;
use crate::template::AerospikeClusterTemplateSpec;

/// The free-form Aerospike configuration (`aerospike.conf` as a YAML tree).
pub type AerospikeConfig = serde_json::Map<String, serde_json::Value>;

/// Desired state of an Aerospike CE cluster.
///
/// Defaults applied by [`crate::defaults::apply_defaults`] (each also documented on its field):
/// `aerospikeConfig.service.cluster-name` = the resource name, `service.proto-fd-max` 15000,
/// `network.service.port` 3000, `network.fabric.port` 3001, `network.heartbeat.port` 3002,
/// `network.heartbeat.mode` `mesh`, a namespace `test` when none is configured; access types `pod`; seeds LoadBalancer port/targetPort 3000;
/// podService `ClusterIP`; networkPolicyConfig type `kubernetes`; exporter image and port 9145;
/// `rollingUpdateBatchSize` 1; `maxUnavailable` 1.
///
/// CEL rules in the CRD (enforced by the apiserver, also for `kubectl scale`): `size` is 1-8,
/// `size` and `image` are required unless `templateRef` is set, `overrides` needs `templateRef`,
/// and `templateRef` cannot be added, removed or changed.
// kube-derive takes repeated `printcolumn(...)` keys, which this lint misreads as duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "acko.io",
    version = "v1alpha1",
    kind = "AerospikeCluster",
    namespaced,
    shortname = "asc",
    derive = "PartialEq",
    derive = "Default",
    status = "AerospikeClusterStatus",
    doc = "An Aerospike Community Edition cluster managed by the acko operator.",
    scale(
        spec_replicas_path = ".spec.size",
        status_replicas_path = ".status.size",
        label_selector_path = ".status.selector"
    ),
    printcolumn(name = "Size", type_ = "integer", json_path = ".spec.size"),
    printcolumn(name = "Ready", type_ = "string", json_path = ".status.health"),
    printcolumn(name = "Phase", type_ = "string", json_path = ".status.phase"),
    printcolumn(name = "Seed", type_ = "string", json_path = ".status.seedsEndpoint"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "Image",
        type_ = "string",
        json_path = ".spec.image",
        priority = 1
    ),
    printcolumn(
        name = "Endpoints",
        type_ = "string",
        json_path = ".status.endpoints",
        priority = 1
    ),
    printcolumn(
        name = "ObservedGen",
        type_ = "integer",
        json_path = ".status.observedGeneration",
        priority = 1
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.phaseReason",
        priority = 1
    )
)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"rule": "!has(self.size) || self.size <= 8", "message": "size must be at most 8 (Aerospike CE cluster limit)"},
    {"rule": "!has(self.size) || self.size >= 1", "message": "size must be at least 1"},
    {"rule": "has(self.size) || has(self.templateRef)", "message": "size is required unless templateRef is set"},
    {"rule": "has(self.image) || has(self.templateRef)", "message": "image is required unless templateRef is set"},
    {"rule": "!has(self.overrides) || has(self.templateRef)", "message": "overrides requires templateRef"},
    {"rule": "!has(self.aerospikeNetworkPolicy) || !has(self.aerospikeNetworkPolicy.fabricType) || !(self.aerospikeNetworkPolicy.fabricType in ['hostInternal', 'hostExternal']) || (has(self.podSpec) && has(self.podSpec.hostNetwork) && self.podSpec.hostNetwork)",
     "message": "fabricType hostInternal/hostExternal requires podSpec.hostNetwork: true (the fabric can only bind a node IP with host networking); use fabricType pod or set hostNetwork",
     "fieldPath": ".aerospikeNetworkPolicy.fabricType"},
    {"rule": "has(self.templateRef) == has(oldSelf.templateRef) && (!has(self.templateRef) || self.templateRef.name == oldSelf.templateRef.name)", "message": "templateRef is immutable: it cannot be added, removed or changed"}
]))]
pub struct AerospikeClusterSpec {
    /// Number of Aerospike nodes, 1-8 (the CE limit). Required unless `templateRef` provides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 8))]
    pub size: Option<i32>,
    /// Server image, Community Edition 8 or later (for example `aerospike:ce-8.1.1.1`).
    /// Required unless `templateRef` provides it. Enterprise images are rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The Aerospike configuration as a YAML tree (`service`, `network`, `namespaces` list,
    /// `logging` list, ...), rendered into `aerospike.conf`. Defaults: see the type docs; without
    /// a `namespaces` key one in-memory namespace `test` (1 GiB, replication-factor 2
    /// whatever the size, so scaling never restarts running pods)
    /// is added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object")]
    pub aerospike_config: Option<AerospikeConfig>,
    /// Volumes of the pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<AerospikeStorageSpec>,
    /// Racks (placement failure domains) and batch sizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack_config: Option<RackConfig>,
    /// Which addresses the nodes advertise. Default: `pod` for all three.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike_network_policy: Option<AerospikeNetworkPolicy>,
    /// Generated NetworkPolicy. Default type: `kubernetes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_policy_config: Option<NetworkPolicyConfig>,
    /// CNI bandwidth limits (bits per second).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth_config: Option<BandwidthConfig>,
    /// Seed discovery services (a LoadBalancer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds_finder_services: Option<SeedsFinderServices>,
    /// Metadata of the headless service `<cluster>-headless` (always created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headless_service: Option<HeadlessServiceSpec>,
    /// Per-pod services `<pod>-pod`. Default type: `ClusterIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_service: Option<PodServiceSpec>,
    /// Pod settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_spec: Option<AerospikePodSpec>,
    /// Exporter, ServiceMonitor and PrometheusRule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring: Option<AerospikeMonitoringSpec>,
    /// Users and roles. **Not supported by Aerospike CE**: accepted by the schema for
    /// compatibility, rejected by validation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike_access_control: Option<AerospikeAccessControlSpec>,
    /// One-shot restarts (at most one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 1))]
    pub operations: Option<Vec<OperationSpec>>,
    /// Stop reconciling (phase `Paused`). Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
    /// Apply dynamic configuration changes with `set-config` instead of restarting.
    /// Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dynamic_config_update: Option<bool>,
    /// Pods restarted at once during a rolling restart (>= 1). Default: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub rolling_update_batch_size: Option<i32>,
    /// PodDisruptionBudget `maxUnavailable`: an integer or a percentage. Default: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// Do not create a PodDisruptionBudget. Default: false.
    #[serde(
        rename = "disablePDB",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub disable_pdb: Option<bool>,
    /// Nodes (by `kubernetes.io/hostname`) that must not run Aerospike pods.
    #[serde(
        rename = "k8sNodeBlockList",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub k8s_node_block_list: Option<Vec<String>>,
    /// Switches for optional validations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_policy: Option<ValidationPolicy>,
    /// Cluster-scoped `AerospikeClusterTemplate` to take defaults from. Immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_ref: Option<TemplateRef>,
    /// Adjustments of the referenced template (requires `templateRef`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<AerospikeClusterTemplateSpec>,
}

/// Switches for optional validations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidationPolicy {
    /// Do not warn when the Aerospike work directory is not on a volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_work_dir_validate: Option<bool>,
}

/// Reference to an `AerospikeClusterTemplate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRef {
    /// Template name.
    #[schemars(length(min = 1))]
    pub name: String,
}
