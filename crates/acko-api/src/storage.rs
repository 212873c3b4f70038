//! `spec.storage`: volumes attached to Aerospike pods and how they are initialised, wiped and
//! deleted.

use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, EmptyDirVolumeSource, HostPathVolumeSource, SecretVolumeSource,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metadata::AerospikeObjectMeta;

/// Storage of the Aerospike pods.
///
/// Volumes backed by `persistentVolume` become StatefulSet volume claim templates: they cannot be
/// changed after creation (see `update::validate_update`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeStorageSpec {
    /// Volumes mounted into the Aerospike container (and optionally sidecars/init containers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<Vec<VolumeSpec>>,
    /// Threads used to initialise or wipe volumes in the init step. Default: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 128))]
    pub cleanup_threads: Option<i32>,
    /// Defaults for `Filesystem` persistent volumes that do not set their own methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filesystem_volume_policy: Option<AerospikeVolumePolicy>,
    /// Defaults for `Block` persistent volumes that do not set their own methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_volume_policy: Option<AerospikeVolumePolicy>,
    /// StorageClasses that provision node-local volumes (for example local-path or local-static).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_storage_classes: Option<Vec<String>>,
    /// Delete PVCs of `localStorageClasses` when their pod is restarted, so a pod rescheduled to
    /// another node gets a fresh volume. Requires `localStorageClasses`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_local_storage_on_restart: Option<bool>,
}

/// Default init/wipe/cascade behaviour for a class of volumes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeVolumePolicy {
    /// How a volume is initialised the first time a pod uses it. Default: `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_method: Option<VolumeInitMethod>,
    /// How a dirty volume is wiped before reuse. Default: `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wipe_method: Option<VolumeWipeMethod>,
    /// Delete the PVC when the pod (or cluster) is deleted. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cascade_delete: Option<bool>,
}

/// One volume of the Aerospike pods.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSpec {
    /// Volume name, unique within the storage spec (a DNS-1123 label).
    pub name: String,
    /// Where the data comes from: exactly one source must be set.
    #[serde(default)]
    pub source: VolumeSource,
    /// Mount into the Aerospike server container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aerospike: Option<AerospikeVolumeAttachment>,
    /// Mounts into sidecar containers (by container name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sidecars: Option<Vec<VolumeAttachment>>,
    /// Mounts into user init containers (by container name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<VolumeAttachment>>,
    /// How the volume is initialised the first time it is used (once, tracked in status).
    /// Default: the matching volume policy, else `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_method: Option<VolumeInitMethod>,
    /// How the volume is wiped when it is dirty. Default: the matching volume policy, else `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wipe_method: Option<VolumeWipeMethod>,
    /// Delete the PVC with its pod or cluster (persistent volumes only). Default: the matching
    /// volume policy, else false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cascade_delete: Option<bool>,
}

/// The source of a volume. Exactly one field must be set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSource {
    /// A PersistentVolumeClaim created per pod from a claim template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume: Option<PersistentVolumeSpec>,
    /// A pod-lifetime scratch volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<EmptyDirVolumeSource>,
    /// A Secret projected as files (for example a feature-key file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretVolumeSource>,
    /// A ConfigMap projected as files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<ConfigMapVolumeSource>,
    /// A directory of the node. Data is tied to the node; use with care.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<HostPathVolumeSource>,
}

impl VolumeSource {
    /// Names of the sources that are set, in field order.
    pub fn set_sources(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        if self.persistent_volume.is_some() {
            set.push("persistentVolume");
        }
        if self.empty_dir.is_some() {
            set.push("emptyDir");
        }
        if self.secret.is_some() {
            set.push("secret");
        }
        if self.config_map.is_some() {
            set.push("configMap");
        }
        if self.host_path.is_some() {
            set.push("hostPath");
        }
        set
    }
}

/// A PersistentVolumeClaim template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeSpec {
    /// StorageClass of the claim. Default: the cluster's default StorageClass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    /// `Filesystem` (mounted) or `Block` (raw device, for Aerospike `device` storage).
    /// Default: `Filesystem`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<VolumeMode>,
    /// Requested size (a Kubernetes quantity such as `50Gi`), must be > 0.
    pub size: Quantity,
    /// Access modes of the claim. Default: `[ReadWriteOnce]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_modes: Option<Vec<String>>,
    /// Label selector to bind pre-provisioned volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// Labels and annotations of the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AerospikeObjectMeta>,
}

/// Volume mode of a persistent volume.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum VolumeMode {
    /// A formatted filesystem, mounted at a path.
    #[default]
    Filesystem,
    /// A raw block device, exposed with `volumeDevices`.
    Block,
}

/// How a volume is initialised the first time a pod uses it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum VolumeInitMethod {
    /// Leave the volume as it is.
    #[default]
    None,
    /// Remove every file under the mount path (filesystem volumes).
    DeleteFiles,
    /// Zero the device with `dd` (block volumes).
    Dd,
    /// Discard all blocks with `blkdiscard` (block volumes on SSDs).
    Blkdiscard,
    /// Zero only the Aerospike header area of the device (block volumes).
    HeaderCleanup,
}

/// How a dirty volume is wiped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum VolumeWipeMethod {
    /// Leave the volume as it is.
    #[default]
    None,
    /// Remove every file under the mount path (filesystem volumes).
    DeleteFiles,
    /// Zero the device with `dd` (block volumes).
    Dd,
    /// Discard all blocks with `blkdiscard` (block volumes).
    Blkdiscard,
    /// Zero only the Aerospike header area (block volumes).
    HeaderCleanup,
    /// `blkdiscard`, then zero the header area (block volumes).
    BlkdiscardWithHeaderCleanup,
}

impl VolumeInitMethod {
    /// True for methods that only make sense on raw block devices.
    pub fn is_block_only(self) -> bool {
        matches!(self, Self::Dd | Self::Blkdiscard | Self::HeaderCleanup)
    }
}

impl VolumeWipeMethod {
    /// True for methods that only make sense on raw block devices.
    pub fn is_block_only(self) -> bool {
        matches!(
            self,
            Self::Dd | Self::Blkdiscard | Self::HeaderCleanup | Self::BlkdiscardWithHeaderCleanup
        )
    }
}

/// Where a volume is mounted in the Aerospike server container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AerospikeVolumeAttachment {
    /// Absolute mount path (or device path for `Block` volumes).
    pub path: String,
    /// Mount read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Mount only this sub-path of the volume (exclusive with `subPathExpr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// Like `subPath`, with `$(VAR)` expansion (exclusive with `subPath`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path_expr: Option<String>,
    /// Mount propagation (`None`, `HostToContainer`, `Bidirectional`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_propagation: Option<String>,
}

/// Where a volume is mounted in a sidecar or init container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VolumeAttachment {
    /// Name of the container (in `podSpec.sidecars` or `podSpec.initContainers`).
    pub container_name: String,
    /// Absolute mount path.
    pub path: String,
    /// Mount read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// Mount only this sub-path of the volume (exclusive with `subPathExpr`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// Like `subPath`, with `$(VAR)` expansion (exclusive with `subPath`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path_expr: Option<String>,
    /// Mount propagation (`None`, `HostToContainer`, `Bidirectional`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_propagation: Option<String>,
}
