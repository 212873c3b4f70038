//! `AerospikeCluster.status`: what the operator observed and did.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::operations::OperationKind;
use crate::template::AerospikeClusterTemplateSpec;

/// Observed state of an `AerospikeCluster`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeClusterStatus {
    /// Coarse state of the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<ClusterPhase>,
    /// Why the cluster is in this phase, for humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_reason: Option<String>,
    /// Standard conditions (Available, Ready, ConfigApplied, MigrationComplete,
    /// ReconciliationPaused, ReconcileHealthy, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<Condition>>,
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Ready pods (scale subresource `status.replicas`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i32>,
    /// Label selector of the pods, as a string (scale subresource, for HPAs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    /// `ready/desired`, for example `3/3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// Cluster size reported by Aerospike itself (`cluster_size` of `statistics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike_cluster_size: Option<i32>,
    /// Per-pod status, by pod name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<BTreeMap<String, AerospikePodStatus>>,
    /// Progress of the current on-demand operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_status: Option<OperationStatus>,
    /// Data migration state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_status: Option<MigrationStatus>,
    /// The template the cluster was last resolved against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_snapshot: Option<TemplateSnapshot>,
    /// Copy of the spec at the last `Completed` reconcile (drift detection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object")]
    pub applied_spec: Option<serde_json::Map<String, serde_json::Value>>,
    /// Last applied Aerospike configuration (base of dynamic config diffs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object")]
    pub aerospike_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// External `host:port` of every pod (per-pod LoadBalancer/NodePort services).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<String>>,
    /// External `host:port` of the seeds LoadBalancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds_endpoint: Option<String>,
    /// Consecutive failed reconciles (drives the backoff; reset on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_reconcile_count: Option<i32>,
    /// Message of the last failed reconcile (truncated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reconcile_error: Option<String>,
    /// When the last reconcile failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure_time: Option<Time>,
    /// While the circuit breaker is open (phase `BackoffActive`): no reconcile before this time
    /// unless the `acko.io/reset-circuit-breaker` annotation is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_until: Option<Time>,
    /// Consecutive failed reconciles that open the circuit breaker, as configured on the operator
    /// that counted them (`--breaker-threshold`); written with the failures, cleared on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit_breaker_threshold: Option<i32>,
    /// Time of the last reconcile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reconcile_time: Option<Time>,
    /// Version of the operator that wrote this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_version: Option<String>,
    /// Pods waiting for a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_restart_pods: Option<Vec<String>>,
}

/// Coarse state of a cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ClusterPhase {
    /// Changes are being applied.
    #[default]
    InProgress,
    /// Desired state reached.
    Completed,
    /// The last reconcile failed.
    Error,
    /// Pods are being added.
    ScalingUp,
    /// Pods are being removed.
    ScalingDown,
    /// Waiting for data migrations before the next step.
    WaitingForMigration,
    /// Pods are being restarted batch by batch.
    RollingRestart,
    /// Users and roles are being synchronised (never on CE).
    #[serde(rename = "ACLSync")]
    AclSync,
    /// `spec.paused` is true.
    Paused,
    /// The cluster is being deleted.
    Deleting,
    /// A dynamic configuration rollback failed; a human must look.
    ConfigDegraded,
    /// Too many consecutive failures: reconciles are backing off.
    BackoffActive,
}

/// Status of one pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikePodStatus {
    /// Pod IP.
    #[serde(rename = "podIP", default, skip_serializing_if = "Option::is_none")]
    pub pod_ip: Option<String>,
    /// Node IP.
    #[serde(rename = "hostIP", default, skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    /// Image the pod runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Service port the pod listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_port: Option<i32>,
    /// Port clients use to reach the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_port: Option<i32>,
    /// Rack id of the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack: Option<i32>,
    /// Volumes already initialised (never initialised again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initialized_volumes: Option<Vec<String>>,
    /// Volumes to wipe before next use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dirty_volumes: Option<Vec<String>>,
    /// Pod is running and ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_running_and_ready: Option<bool>,
    /// Hash of the rendered configuration the pod runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_hash: Option<String>,
    /// Hash of the pod template the pod runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_spec_hash: Option<String>,
    /// Result of the last dynamic configuration update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_config_status: Option<DynamicConfigStatus>,
    /// Dynamic configuration changes of the last update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_config_changes: Option<Vec<DynamicConfigChange>>,
    /// Aerospike node id.
    #[serde(rename = "nodeID", default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// Cluster name reported by the node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    /// Addresses the node advertises (info `service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_endpoints: Option<Vec<String>>,
    /// The `acko.io/aerospike-ready` readiness gate is satisfied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_gate_satisfied: Option<bool>,
    /// Why the pod was last restarted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_restart_reason: Option<RestartReason>,
    /// When the pod was last restarted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_restart_time: Option<Time>,
    /// Since when the pod has been unstable (not ready).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unstable_since: Option<Time>,
    /// Partitions this node still has to migrate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrating_partitions: Option<i64>,
    /// Cluster size as seen by this node (`statistics` `cluster_size`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike_cluster_size: Option<i64>,
}

/// Result of a dynamic configuration update.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum DynamicConfigStatus {
    /// All changes applied.
    Applied,
    /// A change failed (rolled back).
    Failed,
    /// Changes are being applied.
    Pending,
}

/// One dynamic configuration change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DynamicConfigChange {
    /// Config path, for example `namespace.test.default-ttl`.
    pub path: String,
    /// Value before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_value: Option<String>,
    /// Value after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
    /// Outcome: `Applied`, `Failed`, `RolledBack` or `RollbackFailed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The server's message when the change was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why a pod was restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RestartReason {
    /// The rendered configuration changed.
    ConfigChanged,
    /// The image changed.
    ImageChanged,
    /// The pod template changed.
    PodSpecChanged,
    /// A `PodRestart` operation.
    ManualRestart,
    /// A `WarmRestart` operation or a warm config reload.
    WarmRestart,
}

/// Progress of an on-demand operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationStatus {
    /// Operation id (from the spec).
    pub id: String,
    /// Operation kind.
    pub kind: OperationKind,
    /// Phase of the operation.
    pub phase: OperationPhase,
    /// Pods done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_pods: Option<Vec<String>>,
    /// Pods that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_pods: Option<Vec<String>>,
    /// Pods restarted by the operation and not yet confirmed (Ready again, warm restart
    /// confirmed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_flight_pods: Option<Vec<String>>,
    /// Why the operation is waiting or failed, for humans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the operation started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    /// When it completed or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_time: Option<Time>,
}

/// Phase of an on-demand operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum OperationPhase {
    /// Accepted, waiting for a settled cluster to start.
    Pending,
    /// Running: `spec.operations` is frozen.
    #[default]
    InProgress,
    /// Every pod was restarted.
    Completed,
    /// The operation cannot run (unknown pods) or some pods failed to restart.
    Failed,
}

/// Data migration state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MigrationStatus {
    /// Any node still migrates partitions.
    #[serde(default)]
    pub in_progress: bool,
    /// Partitions left to migrate, summed over nodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_partitions: Option<i64>,
    /// When this was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_checked: Option<Time>,
}

/// The template a cluster was resolved against.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSnapshot {
    /// Template name.
    pub name: String,
    /// Template `resourceVersion` at snapshot time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// When the snapshot was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_timestamp: Option<Time>,
    /// When the cluster last took the template's current version (creation or resync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync_time: Option<Time>,
    /// False once the template changed after the snapshot (resync with the
    /// `acko.io/resync-template` annotation, any value; the operator removes it once handled).
    #[serde(default)]
    pub synced: bool,
    /// The template spec that was used (kept free-form in the CRD schema to keep it small).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::schema::free_form_object")]
    pub spec: Option<AerospikeClusterTemplateSpec>,
}
