//! `spec.rackConfig`: racks (failure domains) and batch sizes.
//!
//! Aerospike CE has no `rack-id`, so racks here control *pod placement* (one StatefulSet per rack,
//! pinned to a zone/region/node) and per-rack overrides, not replica placement.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Affinity, Toleration};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::storage::AerospikeStorageSpec;

/// Rack layout of the cluster. Pods are spread evenly: each rack gets `size / racks` pods and the
/// first `size % racks` racks get one more.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RackConfig {
    /// The racks; ids must be unique and > 0 (0 is the implicit rack of clusters without racks).
    #[serde(default)]
    #[schemars(length(max = 8))]
    pub racks: Vec<Rack>,
    /// Aerospike namespaces that are rack-aware (informational on CE, at most 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2))]
    pub namespaces: Option<Vec<String>>,
    /// Pods removed at once per rack when scaling down: an integer or a percentage (`"25%"`) of
    /// the rack size. Default: 1 (one node at a time, waiting for migrations in between).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down_batch_size: Option<IntOrString>,
    /// Pods in Pending/Failed state that a rolling restart may skip: an integer or a percentage.
    /// Default: 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ignorable_pods: Option<IntOrString>,
    /// Pods restarted at once per rack: an integer or a percentage. Takes precedence over
    /// `spec.rollingUpdateBatchSize`. Default: `spec.rollingUpdateBatchSize`, else 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update_batch_size: Option<IntOrString>,
}

/// One rack.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rack {
    /// Rack id, unique and >= 1. Used in object names (`<cluster>-<id>`).
    #[schemars(range(min = 1, max = 1000000))]
    pub id: i32,
    /// Pin the rack's pods to this zone (`topology.kubernetes.io/zone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Pin the rack's pods to this region (`topology.kubernetes.io/region`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Pin the rack's pods to this node (`kubernetes.io/hostname`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// Pin the rack's pods to nodes labelled `acko.io/rack=<rackLabel>`. Unique across racks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack_label: Option<String>,
    /// Free-form revision marker; changing it has no effect other than being recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// Aerospike configuration deep-merged over `spec.aerospikeConfig` for this rack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object")]
    pub aerospike_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Storage of this rack; replaces `spec.storage` entirely when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<AerospikeStorageSpec>,
    /// Scheduling overrides of this rack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_spec: Option<RackPodSpec>,
    /// PodDisruptionBudget of this rack: an integer or a percentage. Default: a quorum is kept
    /// (`minAvailable = rackSize / 2 + 1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
}

/// Scheduling fields a rack may override. Each one replaces the cluster-level value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RackPodSpec {
    /// Affinity of the rack's pods (merged with the rack placement affinity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// Tolerations of the rack's pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerations: Option<Vec<Toleration>>,
    /// Node selector of the rack's pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_selector: Option<BTreeMap<String, String>>,
}
