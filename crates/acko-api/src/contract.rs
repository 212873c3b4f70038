//! The render ↔ init contract, defined once: what `acko-render` writes into a rack's
//! ConfigMap and what `acko-init` (in every pod of the rack) reads back. See
//! docs/pod-contract.md for the whole pod contract.
//!
//! ConfigMap `<cluster>-<rackId>-config` ([`crate::names::config_map`]):
//! * [`CONF_KEY`] — the rack's aerospike.conf without per-pod addresses;
//! * [`INIT_SETTINGS_KEY`] — JSON of [`InitSettings`];
//! * [`wipe_request_key`]`(pod)` — optional, one per pod: JSON of a [`WipeRequest`] written by
//!   the operator (never rendered) to wipe volumes of exactly that pod on its next start.
//!
//! Reading is lenient so that an older acko-init understands a newer operator: unknown fields
//! are ignored and optional fields get the defaults below. `configHash` and `network` are
//! required.
//!
//! To compute a pod's final aerospike.conf from a rendered ConfigMap (as kube-sim does), give
//! its two keys to `acko_init::prepare::ConfigSource::from_texts` and call
//! `acko_init::prepare::build` (or `acko_init::conf::apply` with a `Resolved` of your own).

use serde::{Deserialize, Serialize};

pub mod operator;

use crate::network::{NetworkAccessType, PodServiceType};
use crate::storage::{VolumeInitMethod, VolumeWipeMethod};

/// ConfigMap key of the rack's aerospike.conf template.
pub const CONF_KEY: &str = "aerospike.conf";
/// ConfigMap key of [`InitSettings`].
pub const INIT_SETTINGS_KEY: &str = "acko-init.json";
/// Default of [`InitSettings::external_address_timeout_seconds`] (the networking guide's 120 s).
pub const DEFAULT_EXTERNAL_ADDRESS_TIMEOUT_SECONDS: u64 = 120;
/// Pod condition type of the readiness gate rendered on every Aerospike pod (unless
/// `podSpec.readinessGateEnabled: false`). The operator sets it to `True` (pod
/// `status.conditions`, via the pods/status subresource) once the node has joined the
/// cluster and migrations are done, and to `False` before it disrupts the node. Until then the
/// pod is not Ready: the PodDisruptionBudgets and the seeds Service rely on this.
pub const READINESS_GATE_CONDITION: &str = "acko.io/aerospike-ready";
/// Prefix of the per-pod wipe request keys.
pub const WIPE_REQUEST_KEY_PREFIX: &str = "wipe-";

/// ConfigMap key of the wipe request for `pod`: `wipe-<pod>.json`. A pod name is a DNS-1123
/// subdomain, so the key is a valid ConfigMap key.
pub fn wipe_request_key(pod: &str) -> String {
    format!("{WIPE_REQUEST_KEY_PREFIX}{pod}.json")
}

/// `acko-init.json`: what acko-init needs besides the aerospike.conf template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitSettings {
    /// SHA-256 hex of the effective rack config: what the pods are annotated with
    /// (`acko.io/config-hash`) and what a warm restart waits for.
    pub config_hash: String,
    /// The rack's address policy and ports.
    pub network: NetworkSettings,
    /// Per-pod Service settings; absent when `spec.podService` is unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_service: Option<PodServiceSettings>,
    /// How long `prepare` waits for an external address (LoadBalancer ingress, NodePort,
    /// Multus network-status), across all API calls.
    #[serde(default = "default_timeout")]
    pub external_address_timeout_seconds: u64,
    /// Persistent volumes to initialise once per claim or wipe on a [`WipeRequest`].
    #[serde(default)]
    pub volumes: Vec<VolumeSettings>,
}

fn default_timeout() -> u64 {
    DEFAULT_EXTERNAL_ADDRESS_TIMEOUT_SECONDS
}

impl InitSettings {
    /// Parses `acko-init.json`. The error is serde's message (it names the field).
    pub fn from_json(text: &str) -> Result<InitSettings, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The per-pod Service type: `podService.serviceType`, else `fallback` (the
    /// `EXTERNAL_SERVICE_TYPE` env), else ClusterIP.
    pub fn service_type(&self, fallback: Option<PodServiceType>) -> PodServiceType {
        match &self.pod_service {
            Some(p) => p.service_type,
            None => fallback.unwrap_or_default(),
        }
    }
}

/// `network` of [`InitSettings`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkSettings {
    /// For `network.service.access-address`.
    #[serde(default)]
    pub access_type: NetworkAccessType,
    /// For `network.service.alternate-access-address` (unless a per-pod NodePort/LB decides).
    #[serde(default)]
    pub alternate_access_type: NetworkAccessType,
    /// For `network.fabric.address` (CE 8.1 has no fabric `access-address`: its
    /// `get-config` lists only `fabric.address`; the fabric publishes what it binds).
    #[serde(default)]
    pub fabric_type: NetworkAccessType,
    /// Network names for `accessType: configuredIP`.
    #[serde(default)]
    pub custom_access_network_names: Vec<String>,
    /// Network names for `alternateAccessType: configuredIP`.
    #[serde(default)]
    pub custom_alternate_access_network_names: Vec<String>,
    /// Network names for `fabricType: configuredIP`.
    #[serde(default)]
    pub custom_fabric_network_names: Vec<String>,
    /// Aerospike service port (`network.service.port`). Default 3000.
    #[serde(default = "default_service_port")]
    pub service_port: u16,
    /// Aerospike fabric port. Default 3001.
    #[serde(default = "default_fabric_port")]
    pub fabric_port: u16,
    /// Aerospike heartbeat port. Default 3002.
    #[serde(default = "default_heartbeat_port")]
    pub heartbeat_port: u16,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            access_type: NetworkAccessType::Pod,
            alternate_access_type: NetworkAccessType::Pod,
            fabric_type: NetworkAccessType::Pod,
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

/// `podService` of [`InitSettings`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodServiceSettings {
    /// The Service type; `ClusterIP` when omitted.
    #[serde(default)]
    pub service_type: PodServiceType,
}

/// How a volume is initialised or wiped (the union of the CRD's init and wipe methods).
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
    /// The spelling used in the CRD and the JSON.
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

impl From<VolumeInitMethod> for VolumeMethod {
    fn from(m: VolumeInitMethod) -> Self {
        match m {
            VolumeInitMethod::None => VolumeMethod::None,
            VolumeInitMethod::DeleteFiles => VolumeMethod::DeleteFiles,
            VolumeInitMethod::Dd => VolumeMethod::Dd,
            VolumeInitMethod::Blkdiscard => VolumeMethod::Blkdiscard,
            VolumeInitMethod::HeaderCleanup => VolumeMethod::HeaderCleanup,
        }
    }
}

impl From<VolumeWipeMethod> for VolumeMethod {
    fn from(m: VolumeWipeMethod) -> Self {
        match m {
            VolumeWipeMethod::None => VolumeMethod::None,
            VolumeWipeMethod::DeleteFiles => VolumeMethod::DeleteFiles,
            VolumeWipeMethod::Dd => VolumeMethod::Dd,
            VolumeWipeMethod::Blkdiscard => VolumeMethod::Blkdiscard,
            VolumeWipeMethod::HeaderCleanup => VolumeMethod::HeaderCleanup,
            VolumeWipeMethod::BlkdiscardWithHeaderCleanup => {
                VolumeMethod::BlkdiscardWithHeaderCleanup
            }
        }
    }
}

/// One entry of `volumes` in [`InitSettings`]: a persistent volume with an aerospike path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeSettings {
    /// The volume name from `storage.volumes[].name` (also the claim template's name, so the
    /// claim of pod `p` is [`crate::names::claim`]`(name, p)`).
    pub name: String,
    /// Mount path (filesystem) or device path (block), the same in acko-init and asd.
    pub path: String,
    /// True for `volumeMode: Block` (a raw device at `path`).
    #[serde(default)]
    pub block: bool,
    /// Run once per claim.
    #[serde(default)]
    pub init_method: VolumeMethod,
    /// Run when a [`WipeRequest`] for this pod names the volume.
    #[serde(default)]
    pub wipe_method: VolumeMethod,
}

/// A request to wipe volumes of ONE pod on its next start, stored by the operator under
/// [`wipe_request_key`]`(pod)` in the rack ConfigMap (never in the shared `acko-init.json`:
/// every pod of the rack reads that one).
///
/// acko-init reads only the key of its own pod and refuses (fails `prepare`, touching
/// nothing) a request whose `pod` is not its own or whose `claim` is not the claim of that
/// volume for this pod. A filesystem volume records `requestId` in its marker, so a request
/// is carried out at most once even if the pod restarts before the operator removes it;
/// block devices have no room for a marker, so the operator must remove the key once the
/// pod is Ready again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WipeRequest {
    /// The pod the request is for (must equal the reading pod's name).
    pub pod: String,
    /// A unique id of this request (e.g. a timestamp or UUID), recorded on the volume.
    pub request_id: String,
    /// The volumes to wipe.
    pub volumes: Vec<WipeVolume>,
}

/// One volume of a [`WipeRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WipeVolume {
    /// The volume name (an entry of [`InitSettings::volumes`]).
    pub name: String,
    /// The PersistentVolumeClaim to wipe: must be [`crate::names::claim`]`(name, pod)`.
    pub claim: String,
}

impl WipeRequest {
    /// A request for `pod` to wipe `volumes` (their claims are derived from the names).
    pub fn new(pod: &str, request_id: &str, volumes: &[&str]) -> WipeRequest {
        WipeRequest {
            pod: pod.to_owned(),
            request_id: request_id.to_owned(),
            volumes: volumes
                .iter()
                .map(|v| WipeVolume {
                    name: (*v).to_owned(),
                    claim: crate::names::claim(v, pod),
                })
                .collect(),
        }
    }

    /// Checks the request against the reading pod and its volumes: the pod name, every
    /// volume name and every claim must match. The error says what does not.
    pub fn check(&self, pod: &str, volumes: &[VolumeSettings]) -> Result<(), String> {
        if self.pod != pod {
            return Err(format!(
                "the wipe request names pod {:?} but this is pod {pod:?}; refusing to wipe anything",
                self.pod
            ));
        }
        if self.request_id.trim().is_empty() {
            return Err("the wipe request has an empty requestId".to_owned());
        }
        for v in &self.volumes {
            if !volumes.iter().any(|s| s.name == v.name) {
                return Err(format!(
                    "the wipe request names volume {:?}, which is not a persistent volume of this pod",
                    v.name
                ));
            }
            let expected = crate::names::claim(&v.name, pod);
            if v.claim != expected {
                return Err(format!(
                    "the wipe request names claim {:?} for volume {:?} but this pod's claim is {expected:?}; refusing to wipe anything",
                    v.claim, v.name
                ));
            }
        }
        Ok(())
    }

    /// True when the request names `volume`.
    pub fn names(&self, volume: &str) -> bool {
        self.volumes.iter().any(|v| v.name == volume)
    }
}

/// Lower-case hex SHA-256 of `bytes`: the one digest of the contract (config hashes, the
/// applied-config log line), shared by acko-render and acko-init.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl NetworkAccessType {
    /// True for the two types that need the Node object (and so the node-reader ClusterRole).
    pub fn needs_node(self) -> bool {
        matches!(
            self,
            NetworkAccessType::HostInternal | NetworkAccessType::HostExternal
        )
    }
}

impl PodServiceType {
    /// The Kubernetes spelling (`ClusterIP`, `NodePort`, `LoadBalancer`).
    pub fn as_str(self) -> &'static str {
        match self {
            PodServiceType::ClusterIP => "ClusterIP",
            PodServiceType::NodePort => "NodePort",
            PodServiceType::LoadBalancer => "LoadBalancer",
        }
    }

    /// Parses the Kubernetes spelling (e.g. `EXTERNAL_SERVICE_TYPE`); `None` for anything else.
    pub fn parse(text: &str) -> Option<PodServiceType> {
        match text.trim() {
            "ClusterIP" => Some(PodServiceType::ClusterIP),
            "NodePort" => Some(PodServiceType::NodePort),
            "LoadBalancer" => Some(PodServiceType::LoadBalancer),
            _ => None,
        }
    }

    /// True for the types whose external address acko-init discovers (and that need the
    /// Service reader Role).
    pub fn is_external(self) -> bool {
        matches!(
            self,
            PodServiceType::NodePort | PodServiceType::LoadBalancer
        )
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
                       "initMethod": "blkdiscard", "wipeMethod": "blkdiscardWithHeaderCleanup"}]
        }"#;
        let s = InitSettings::from_json(text).unwrap();
        assert_eq!(s.network.access_type, NetworkAccessType::HostExternal);
        assert_eq!(s.network.fabric_port, 3001);
        assert_eq!(s.service_type(None), PodServiceType::LoadBalancer);
        assert_eq!(
            s.volumes[0].wipe_method,
            VolumeMethod::BlkdiscardWithHeaderCleanup
        );
        // Round trip.
        let again = InitSettings::from_json(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn minimal_document_gets_defaults_and_required_fields_are_named() {
        let s = InitSettings::from_json(r#"{"configHash":"h","network":{}}"#).unwrap();
        assert_eq!(s.network, NetworkSettings::default());
        assert_eq!(s.external_address_timeout_seconds, 120);
        let err = InitSettings::from_json(r#"{"network":{}}"#).unwrap_err();
        assert!(err.to_string().contains("configHash"), "{err}");
    }

    #[test]
    fn sha256_of_known_inputs() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex(b"").len(), 64);
    }

    #[test]
    fn wipe_requests_are_checked_against_pod_and_claim() {
        let vols = vec![VolumeSettings {
            name: "data".into(),
            path: "/opt/aerospike/data".into(),
            block: false,
            init_method: VolumeMethod::None,
            wipe_method: VolumeMethod::DeleteFiles,
        }];
        let r = WipeRequest::new("a-1-0", "r1", &["data"]);
        assert_eq!(r.volumes[0].claim, "data-a-1-0");
        assert_eq!(wipe_request_key("a-1-0"), "wipe-a-1-0.json");
        assert!(r.check("a-1-0", &vols).is_ok());
        assert!(r.check("a-1-1", &vols).unwrap_err().contains("a-1-1"));
        let mut wrong_claim = r.clone();
        wrong_claim.volumes[0].claim = "data-a-1-1".into();
        assert!(
            wrong_claim
                .check("a-1-0", &vols)
                .unwrap_err()
                .contains("data-a-1-1")
        );
        let unknown = WipeRequest::new("a-1-0", "r1", &["logs"]);
        assert!(unknown.check("a-1-0", &vols).is_err());
        let empty_id = WipeRequest::new("a-1-0", " ", &["data"]);
        assert!(empty_id.check("a-1-0", &vols).is_err());
    }
}
