//! Networking: address advertisement, NetworkPolicy generation, bandwidth shaping, seed
//! LoadBalancer and service metadata.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::metadata::AerospikeObjectMeta;

/// `spec.aerospikeNetworkPolicy`: which address each node advertises.
///
/// Defaults: every type is `pod`. A `configuredIP` type requires the matching
/// `custom*NetworkNames` list (the address is read from the pod's
/// `k8s.v1.cni.cncf.io/network-status` annotation).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"rule": "!has(self.accessType) || self.accessType != 'configuredIP' || (has(self.customAccessNetworkNames) && size(self.customAccessNetworkNames) > 0)",
     "message": "accessType configuredIP requires customAccessNetworkNames"},
    {"rule": "!has(self.alternateAccessType) || self.alternateAccessType != 'configuredIP' || (has(self.customAlternateAccessNetworkNames) && size(self.customAlternateAccessNetworkNames) > 0)",
     "message": "alternateAccessType configuredIP requires customAlternateAccessNetworkNames"},
    {"rule": "!has(self.fabricType) || self.fabricType != 'configuredIP' || (has(self.customFabricNetworkNames) && size(self.customFabricNetworkNames) > 0)",
     "message": "fabricType configuredIP requires customFabricNetworkNames"}
]))]
pub struct AerospikeNetworkPolicy {
    /// How clients reach the service port (3000). Default: `pod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_type: Option<NetworkAccessType>,
    /// How clients on an alternate network reach the service port. Default: `pod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_access_type: Option<NetworkAccessType>,
    /// How nodes reach each other (fabric 3001 and heartbeat 3002). Default: `pod`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fabric_type: Option<NetworkAccessType>,
    /// Network names (Multus) whose address is used when `accessType` is `configuredIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_access_network_names: Option<Vec<String>>,
    /// Network names used when `alternateAccessType` is `configuredIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_alternate_access_network_names: Option<Vec<String>>,
    /// Network names used when `fabricType` is `configuredIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fabric_network_names: Option<Vec<String>>,
}

/// Which address a node advertises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum NetworkAccessType {
    /// The pod IP (default): for in-cluster clients.
    #[default]
    #[serde(rename = "pod")]
    Pod,
    /// The node's internal IP: for clients on the same private network.
    #[serde(rename = "hostInternal")]
    HostInternal,
    /// The node's external IP: for clients outside the VPC.
    #[serde(rename = "hostExternal")]
    HostExternal,
    /// An IP of a secondary network (Multus), chosen by `custom*NetworkNames`.
    #[serde(rename = "configuredIP")]
    ConfiguredIp,
}

impl NetworkAccessType {
    /// The spelling used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pod => "pod",
            Self::HostInternal => "hostInternal",
            Self::HostExternal => "hostExternal",
            Self::ConfiguredIp => "configuredIP",
        }
    }
}

/// `spec.networkPolicyConfig`: generate a NetworkPolicy that only opens what Aerospike needs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct NetworkPolicyConfig {
    /// Create the policy. `false` (or no `networkPolicyConfig`) deletes a previously created one.
    /// Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Kind of policy. Default: `kubernetes`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<NetworkPolicyType>,
}

/// Kind of generated network policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum NetworkPolicyType {
    /// A `networking.k8s.io/v1` NetworkPolicy (default).
    #[default]
    Kubernetes,
    /// A `cilium.io/v2` CiliumNetworkPolicy (skipped if Cilium's CRD is absent).
    Cilium,
}

/// `spec.bandwidthConfig`: CNI traffic shaping per pod, in **bits per second**.
///
/// Accepted forms: `1Gbps`, `500Mbps`, `100Kbps` (decimal SI + `bps`) or plain Kubernetes
/// quantities such as `100M` or `1G`. They become the `kubernetes.io/ingress-bandwidth` and
/// `kubernetes.io/egress-bandwidth` pod annotations in canonical quantity form (`1Gbps` → `1G`),
/// see [`crate::bandwidth`]. Both fields are optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BandwidthConfig {
    /// Ingress limit, for example `1Gbps`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<String>,
    /// Egress limit, for example `500Mbps`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<String>,
}

/// `spec.seedsFinderServices`: services that help clients find seed nodes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeedsFinderServices {
    /// A LoadBalancer service `<cluster>-seeds-lb` in front of all pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancerSpec>,
}

/// The seeds LoadBalancer service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("x-kubernetes-validations" = [
    {"rule": "!has(self.loadBalancerSourceRanges) || self.loadBalancerSourceRanges.all(r, isCIDR(r))",
     "message": "every loadBalancerSourceRanges entry must be a CIDR such as 10.0.0.0/8 (a single address needs /32)",
     "fieldPath": ".loadBalancerSourceRanges"}
]))]
pub struct LoadBalancerSpec {
    /// Annotations of the service (cloud provider settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Labels of the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// `Cluster` or `Local` (`Local` preserves the client source IP). Default: unset (Kubernetes
    /// uses `Cluster`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["Cluster", "Local"]))]
    pub external_traffic_policy: Option<String>,
    /// External port. Default: 3000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
    /// Container port traffic goes to. Default: 3000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub target_port: Option<i32>,
    /// Client CIDRs allowed to reach the load balancer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_source_ranges: Option<Vec<String>>,
}

/// `spec.headlessService`: metadata of the always-created headless service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HeadlessServiceSpec {
    /// Extra labels and annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AerospikeObjectMeta>,
}

/// `spec.podService`: one Service per pod (`<pod>-pod`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PodServiceSpec {
    /// Service type. Default: `ClusterIP`. With `LoadBalancer` or `NodePort` the pod advertises
    /// the external address as its alternate access address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_type: Option<PodServiceType>,
    /// Extra labels and annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AerospikeObjectMeta>,
}

/// Type of the per-pod services.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum PodServiceType {
    /// In-cluster only; exposes the service port (3000).
    #[default]
    ClusterIP,
    /// A node port per pod, used as the alternate access port.
    NodePort,
    /// A cloud load balancer per pod, used as the alternate access address.
    LoadBalancer,
}
