//! `acko-init.json`: the per-rack settings the operator renders into the ConfigMap
//! (`InitSettings` in docs/pod-contract.md).
//!
//! acko-init keeps its own copy of the schema so that it never depends on `acko-render`.
//! Reading is lenient: unknown fields are ignored (a newer operator may add some), optional
//! fields get the contract's defaults, and a missing required field (`configHash`,
//! `network`) gives an error naming the field and the file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::InitError;

/// Default for [`InitSettings::external_address_timeout_seconds`] (the networking guide's 120 s).
pub const DEFAULT_EXTERNAL_ADDRESS_TIMEOUT_SECONDS: u64 = 120;

/// The whole `acko-init.json` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitSettings {
    /// SHA-256 hex of the effective rack config; what a warm restart waits for.
    pub config_hash: String,
    /// The rack's `aerospikeNetworkPolicy` plus the ports.
    pub network: NetworkSettings,
    /// `spec.podService`, absent when unset.
    #[serde(default)]
    pub pod_service: Option<PodServiceSettings>,
    /// How long `prepare` waits for a LoadBalancer ingress / NodePort.
    #[serde(default = "default_timeout")]
    pub external_address_timeout_seconds: u64,
    /// Volumes to initialise (once per PVC) or wipe (when dirty).
    #[serde(default)]
    pub volumes: Vec<VolumeSettings>,
    /// Names of volumes the operator wants wiped on this start.
    #[serde(default)]
    pub dirty_volumes: Vec<String>,
}

fn default_timeout() -> u64 {
    DEFAULT_EXTERNAL_ADDRESS_TIMEOUT_SECONDS
}

/// How an address is chosen for one purpose (access, alternate access, fabric).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AccessType {
    /// The pod IP (`POD_IP`).
    #[default]
    Pod,
    /// The Node's `InternalIP` addresses (falling back to `HOST_IP`).
    HostInternal,
    /// The Node's `ExternalIP` addresses (error when the node has none).
    HostExternal,
    /// The IPs of the pod's networks named in `custom*NetworkNames` (Multus `network-status`).
    #[serde(rename = "configuredIP")]
    ConfiguredIp,
}

impl AccessType {
    /// The spelling used in the CRD and in `acko-init.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessType::Pod => "pod",
            AccessType::HostInternal => "hostInternal",
            AccessType::HostExternal => "hostExternal",
            AccessType::ConfiguredIp => "configuredIP",
        }
    }

    /// True for the two types that need the Node object.
    pub fn needs_node(self) -> bool {
        matches!(self, AccessType::HostInternal | AccessType::HostExternal)
    }
}

/// `network` in `acko-init.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSettings {
    /// For `network.service.access-address`.
    #[serde(default)]
    pub access_type: AccessType,
    /// For `network.service.alternate-access-address` (unless a per-pod NodePort/LB decides).
    #[serde(default)]
    pub alternate_access_type: AccessType,
    /// For `network.fabric.address`.
    #[serde(default)]
    pub fabric_type: AccessType,
    /// Network names for `accessType: configuredIP`.
    #[serde(default)]
    pub custom_access_network_names: Vec<String>,
    /// Network names for `alternateAccessType: configuredIP`.
    #[serde(default)]
    pub custom_alternate_access_network_names: Vec<String>,
    /// Network names for `fabricType: configuredIP`.
    #[serde(default)]
    pub custom_fabric_network_names: Vec<String>,
    /// Aerospike service port (`network.service.port`).
    #[serde(default = "default_service_port")]
    pub service_port: u16,
    /// Aerospike fabric port.
    #[serde(default = "default_fabric_port")]
    pub fabric_port: u16,
    /// Aerospike heartbeat port.
    #[serde(default = "default_heartbeat_port")]
    pub heartbeat_port: u16,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            access_type: AccessType::Pod,
            alternate_access_type: AccessType::Pod,
            fabric_type: AccessType::Pod,
            custom_access_network_names: Vec::new(),
            custom_alternate_access_network_names: Vec::new(),
            custom_fabric_network_names: Vec::new(),
            service_port: default_service_port(),
            fabric_port: default_fabric_port(),
            heartbeat_port: default_heartbeat_port(),
        }
    }
}

fn default_service_port() -> u16 {
    3000
}
fn default_fabric_port() -> u16 {
    3001
}
fn default_heartbeat_port() -> u16 {
    3002
}

/// The type of the per-pod `<pod>-pod` Service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ServiceType {
    /// In-cluster only: nothing to discover.
    #[default]
    ClusterIP,
    /// Reachable on every node's IP at the service's `nodePort`.
    NodePort,
    /// A cloud load balancer per pod.
    LoadBalancer,
}

impl ServiceType {
    /// Parses the `EXTERNAL_SERVICE_TYPE` spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<ServiceType> {
        match text.trim() {
            "ClusterIP" => Some(ServiceType::ClusterIP),
            "NodePort" => Some(ServiceType::NodePort),
            "LoadBalancer" => Some(ServiceType::LoadBalancer),
            _ => None,
        }
    }

    /// True for the types whose external address acko-init must discover.
    pub fn is_external(self) -> bool {
        matches!(self, ServiceType::NodePort | ServiceType::LoadBalancer)
    }
}

/// `podService` in `acko-init.json`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodServiceSettings {
    /// The Service type; `ClusterIP` when omitted.
    #[serde(default)]
    pub service_type: ServiceType,
}

/// How a volume is initialised or wiped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum VolumeMethod {
    /// Leave the volume as it is.
    #[default]
    None,
    /// Filesystem volumes: delete everything under the mount point.
    DeleteFiles,
    /// Block devices: write zeros over the whole device.
    Dd,
    /// Block devices: discard every block (TRIM).
    Blkdiscard,
    /// Block devices: zero Aerospike's 8 MiB device header region.
    HeaderCleanup,
    /// Block devices: discard, then zero the header region (wipe only).
    BlkdiscardWithHeaderCleanup,
}

impl VolumeMethod {
    /// The spelling used in the CRD.
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeMethod::None => "none",
            VolumeMethod::DeleteFiles => "deleteFiles",
            VolumeMethod::Dd => "dd",
            VolumeMethod::Blkdiscard => "blkdiscard",
            VolumeMethod::HeaderCleanup => "headerCleanup",
            VolumeMethod::BlkdiscardWithHeaderCleanup => "blkdiscardWithHeaderCleanup",
        }
    }
}

/// One entry of `volumes` in `acko-init.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSettings {
    /// The volume name from `storage.volumes[].name`.
    pub name: String,
    /// Mount path (filesystem) or device path (block) in the containers.
    pub path: String,
    /// True for `volumeMode: Block` (a raw device at `path`).
    #[serde(default)]
    pub block: bool,
    /// Run once per PVC.
    #[serde(default)]
    pub init_method: VolumeMethod,
    /// Run when the volume is listed in `dirtyVolumes`.
    #[serde(default)]
    pub wipe_method: VolumeMethod,
}

impl InitSettings {
    /// Parses `acko-init.json` text; `source` names the file in errors.
    pub fn from_json(text: &str, source: &str) -> Result<InitSettings, InitError> {
        serde_json::from_str(text).map_err(|e| InitError::Input {
            field: format!("{source} (acko-init.json)"),
            expected: "the InitSettings JSON rendered by the operator (see docs/pod-contract.md)"
                .to_string(),
            found: e.to_string(),
        })
    }

    /// Reads and parses `acko-init.json` from a file.
    pub fn load(path: &Path) -> Result<InitSettings, InitError> {
        let text = std::fs::read_to_string(path).map_err(|e| InitError::Input {
            field: path.display().to_string(),
            expected: "a readable acko-init.json (ConfigMap key `acko-init.json`)".to_string(),
            found: e.to_string(),
        })?;
        InitSettings::from_json(&text, &path.display().to_string())
    }

    /// The per-pod Service type: `podService.serviceType`, else `fallback` (the
    /// `EXTERNAL_SERVICE_TYPE` env), else ClusterIP.
    pub fn service_type(&self, fallback: Option<ServiceType>) -> ServiceType {
        match &self.pod_service {
            Some(p) => p.service_type,
            None => fallback.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_document_parses_and_unknown_fields_are_ignored() {
        let text = r#"{
          "configHash": "abc", "somethingNew": {"x": 1},
          "network": {"accessType": "hostExternal", "alternateAccessType": "configuredIP",
                      "fabricType": "hostInternal", "customAlternateAccessNetworkNames": ["ns/a"],
                      "servicePort": 4000, "future": true},
          "podService": {"serviceType": "LoadBalancer"},
          "externalAddressTimeoutSeconds": 30,
          "volumes": [{"name": "data", "path": "/dev/xvdb", "block": true,
                       "initMethod": "blkdiscard", "wipeMethod": "blkdiscardWithHeaderCleanup"}],
          "dirtyVolumes": ["data"]
        }"#;
        let s = InitSettings::from_json(text, "test").unwrap();
        assert_eq!(s.config_hash, "abc");
        assert_eq!(s.network.access_type, AccessType::HostExternal);
        assert_eq!(s.network.alternate_access_type, AccessType::ConfiguredIp);
        assert_eq!(s.network.fabric_type, AccessType::HostInternal);
        assert_eq!(s.network.service_port, 4000);
        assert_eq!(s.network.fabric_port, 3001);
        assert_eq!(s.service_type(None), ServiceType::LoadBalancer);
        assert_eq!(s.external_address_timeout_seconds, 30);
        assert_eq!(s.volumes[0].init_method, VolumeMethod::Blkdiscard);
        assert_eq!(
            s.volumes[0].wipe_method,
            VolumeMethod::BlkdiscardWithHeaderCleanup
        );
        assert_eq!(s.dirty_volumes, vec!["data".to_string()]);
    }

    #[test]
    fn minimal_document_gets_defaults() {
        let s = InitSettings::from_json(r#"{"configHash":"h","network":{}}"#, "t").unwrap();
        assert_eq!(s.network, NetworkSettings::default());
        assert_eq!(s.pod_service, None);
        assert_eq!(s.external_address_timeout_seconds, 120);
        assert_eq!(
            s.service_type(Some(ServiceType::NodePort)),
            ServiceType::NodePort
        );
        assert!(s.volumes.is_empty());
    }

    #[test]
    fn missing_required_field_is_named() {
        let err = InitSettings::from_json(r#"{"network":{}}"#, "/etc/acko/config/acko-init.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("configHash"), "{err}");
        assert!(err.contains("/etc/acko/config/acko-init.json"), "{err}");
    }

    #[test]
    fn bad_access_type_is_named() {
        let err = InitSettings::from_json(
            r#"{"configHash":"h","network":{"accessType":"public"}}"#,
            "f",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("public") && err.contains("configuredIP"),
            "{err}"
        );
    }
}
