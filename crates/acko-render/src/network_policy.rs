//! `spec.networkPolicyConfig`: a Kubernetes NetworkPolicy or a CiliumNetworkPolicy.
//!
//! Ingress rules (egress is not restricted):
//! - fabric and heartbeat ports: only from this cluster's Aerospike pods;
//! - service port: from anywhere (clients);
//! - metrics port (when monitoring is on): from anywhere (Prometheus).
//!
//! Nothing is rendered when the policy is disabled; the operator deletes what exists. Pods with
//! `hostNetwork: true` are not subject to pod network policies on most CNIs.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Value, json};

use crate::labels;
use crate::names;
use crate::services::AerospikePorts;

fn tcp(port: u16) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(i32::from(port))),
        protocol: Some("TCP".to_owned()),
        end_port: None,
    }
}

fn open_ports(ports: AerospikePorts, metrics_port: Option<u16>) -> Vec<u16> {
    let mut open = vec![ports.service];
    open.extend(metrics_port);
    open
}

/// The Kubernetes NetworkPolicy `<cluster>-netpol`. `metrics_port` is `Some` when monitoring is
/// enabled.
pub fn kubernetes(
    cluster: &str,
    namespace: &str,
    ports: AerospikePorts,
    metrics_port: Option<u16>,
) -> NetworkPolicy {
    let selector = LabelSelector {
        match_labels: Some(labels::cluster_selector(cluster)),
        match_expressions: None,
    };
    let intra = NetworkPolicyIngressRule {
        from: Some(vec![NetworkPolicyPeer {
            pod_selector: Some(selector.clone()),
            ..NetworkPolicyPeer::default()
        }]),
        ports: Some(vec![tcp(ports.fabric), tcp(ports.heartbeat)]),
    };
    let open = NetworkPolicyIngressRule {
        from: None,
        ports: Some(
            open_ports(ports, metrics_port)
                .into_iter()
                .map(tcp)
                .collect(),
        ),
    };
    NetworkPolicy {
        metadata: labels::object_meta(
            names::network_policy(cluster),
            namespace,
            cluster,
            labels::cluster_labels(cluster),
            BTreeMap::new(),
        ),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(selector),
            policy_types: Some(vec!["Ingress".to_owned()]),
            ingress: Some(vec![intra, open]),
            egress: None,
        }),
    }
}

fn cilium_ports(ports: &[u16]) -> Value {
    json!([{
        "ports": ports
            .iter()
            .map(|p| json!({"port": p.to_string(), "protocol": "TCP"}))
            .collect::<Vec<_>>()
    }])
}

/// The CiliumNetworkPolicy `<cluster>-netpol` (`cilium.io/v2`), as an untyped object with the
/// same rules as [`kubernetes`]. Open ports use `fromEntities: [all]` explicitly.
pub fn cilium(
    cluster: &str,
    namespace: &str,
    ports: AerospikePorts,
    metrics_port: Option<u16>,
) -> Value {
    let meta = labels::object_meta(
        names::network_policy(cluster),
        namespace,
        cluster,
        labels::cluster_labels(cluster),
        BTreeMap::new(),
    );
    let selector = json!({ "matchLabels": labels::cluster_selector(cluster) });
    json!({
        "apiVersion": "cilium.io/v2",
        "kind": "CiliumNetworkPolicy",
        "metadata": meta,
        "spec": {
            "endpointSelector": selector,
            "ingress": [
                {
                    "fromEndpoints": [selector],
                    "toPorts": cilium_ports(&[ports.fabric, ports.heartbeat]),
                },
                {
                    "fromEntities": ["all"],
                    "toPorts": cilium_ports(&open_ports(ports, metrics_port)),
                },
            ],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fabric_and_heartbeat_only_from_cluster_pods() {
        let np = kubernetes("c", "db", AerospikePorts::default(), Some(9145));
        let spec = np.spec.unwrap();
        let rules = spec.ingress.unwrap();
        let peer = &rules[0].from.as_ref().unwrap()[0];
        assert_eq!(
            peer.pod_selector.as_ref().unwrap().match_labels,
            Some(labels::cluster_selector("c"))
        );
        let intra: Vec<_> = rules[0]
            .ports
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| p.port.clone())
            .collect();
        assert_eq!(
            intra,
            vec![Some(IntOrString::Int(3001)), Some(IntOrString::Int(3002))]
        );
        assert!(rules[1].from.is_none());
        let open: Vec<_> = rules[1]
            .ports
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| p.port.clone())
            .collect();
        assert_eq!(
            open,
            vec![Some(IntOrString::Int(3000)), Some(IntOrString::Int(9145))]
        );
    }

    #[test]
    fn cilium_policy_has_the_same_rules() {
        let v = cilium("c", "db", AerospikePorts::default(), None);
        assert_eq!(v["kind"], "CiliumNetworkPolicy");
        assert_eq!(
            v["spec"]["ingress"][0]["toPorts"][0]["ports"][1]["port"],
            "3002"
        );
        assert_eq!(v["spec"]["ingress"][1]["fromEntities"][0], "all");
        let open = v["spec"]["ingress"][1]["toPorts"][0]["ports"]
            .as_array()
            .unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(
            v["metadata"]["ownerReferences"][0]["kind"],
            "AerospikeCluster"
        );
    }
}
