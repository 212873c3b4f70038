//! Services: the headless Service, per-pod Services and the seeds-finder LoadBalancer.
//!
//! Per-pod Services follow the networking guide: a `ClusterIP` Service exposes only the service
//! port; `NodePort` and `LoadBalancer` Services expose all Aerospike ports (service, fabric,
//! heartbeat). Clients only ever use the service port (the `alternate-access-address` each node
//! advertises); fabric and heartbeat carry unauthenticated intra-cluster traffic (CE has no
//! security). To keep them private, enable `spec.networkPolicyConfig`: its policy admits fabric
//! and heartbeat only from this cluster's pods, and restrict LoadBalancers with annotations (e.g.
//! internal schemes) where the cloud supports it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::labels::{self, LABEL_POD_SERVICE, LABEL_STS_POD_NAME};
use crate::names;

/// Label key telling which operator Service an object is (`headless`, `pod`, `seeds-lb`,
/// `metrics`); the ServiceMonitor selects the metrics Service with it.
pub const LABEL_SERVICE_ROLE: &str = "acko.io/service-role";

/// The Aerospike ports of a cluster (from the effective aerospike.conf).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AerospikePorts {
    /// `network.service.port` (clients).
    pub service: u16,
    /// `network.fabric.port` (intra-cluster data).
    pub fabric: u16,
    /// `network.heartbeat.port` (intra-cluster membership).
    pub heartbeat: u16,
}

impl Default for AerospikePorts {
    fn default() -> Self {
        AerospikePorts {
            service: 3000,
            fabric: 3001,
            heartbeat: 3002,
        }
    }
}

/// User-supplied labels and annotations for an operator object.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserMeta<'a> {
    /// Extra labels (operator labels win on conflicts).
    pub labels: Option<&'a BTreeMap<String, String>>,
    /// Extra annotations.
    pub annotations: Option<&'a BTreeMap<String, String>>,
}

/// A TCP service port whose target is the same-named container port.
pub fn tcp_port(name: &str, port: u16) -> ServicePort {
    ServicePort {
        name: Some(name.to_owned()),
        port: i32::from(port),
        target_port: Some(IntOrString::String(name.to_owned())),
        protocol: Some("TCP".to_owned()),
        ..ServicePort::default()
    }
}

fn meta_for(
    name: String,
    namespace: &str,
    cluster: &str,
    role: &str,
    extra_labels: BTreeMap<String, String>,
    user: UserMeta<'_>,
) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
    let mut operator = labels::cluster_labels(cluster);
    operator.insert(LABEL_SERVICE_ROLE.to_owned(), role.to_owned());
    operator.extend(extra_labels);
    labels::object_meta(
        name,
        namespace,
        cluster,
        labels::merge_user_labels(operator, user.labels),
        user.annotations.cloned().unwrap_or_default(),
    )
}

/// The headless Service `<cluster>-headless`: DNS discovery of every pod (ready or not, so mesh
/// seeds resolve while pods start).
pub fn headless(
    cluster: &str,
    namespace: &str,
    ports: AerospikePorts,
    user: UserMeta<'_>,
) -> Service {
    Service {
        metadata: meta_for(
            names::headless_service(cluster),
            namespace,
            cluster,
            "headless",
            BTreeMap::new(),
            user,
        ),
        spec: Some(ServiceSpec {
            cluster_ip: Some("None".to_owned()),
            publish_not_ready_addresses: Some(true),
            selector: Some(labels::cluster_selector(cluster)),
            ports: Some(vec![
                tcp_port("service", ports.service),
                tcp_port("fabric", ports.fabric),
                tcp_port("heartbeat", ports.heartbeat),
            ]),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// The per-pod Service `<pod>-pod` selecting exactly one pod by its StatefulSet pod-name label.
/// `service_type` is `ClusterIP` (service port only), `NodePort` or `LoadBalancer` (service,
/// fabric and heartbeat ports, as the networking guide specifies; see the module docs).
pub fn pod_service(
    cluster: &str,
    namespace: &str,
    pod_name: &str,
    service_type: &str,
    ports: AerospikePorts,
    user: UserMeta<'_>,
) -> Service {
    let exposed = if service_type == "ClusterIP" {
        vec![tcp_port("service", ports.service)]
    } else {
        vec![
            tcp_port("service", ports.service),
            tcp_port("fabric", ports.fabric),
            tcp_port("heartbeat", ports.heartbeat),
        ]
    };
    let extra = BTreeMap::from([(LABEL_POD_SERVICE.to_owned(), pod_name.to_owned())]);
    Service {
        metadata: meta_for(
            names::pod_service(pod_name),
            namespace,
            cluster,
            "pod",
            extra,
            user,
        ),
        spec: Some(ServiceSpec {
            type_: Some(service_type.to_owned()),
            selector: Some(BTreeMap::from([(
                LABEL_STS_POD_NAME.to_owned(),
                pod_name.to_owned(),
            )])),
            ports: Some(exposed),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// Parameters of the seeds-finder LoadBalancer (`spec.seedsFinderServices.loadBalancer`).
#[derive(Debug, Clone, Default)]
pub struct SeedsLoadBalancer<'a> {
    /// External port (default 3000).
    pub port: Option<u16>,
    /// Container port traffic goes to (default 3000).
    pub target_port: Option<u16>,
    /// `Cluster` or `Local`.
    pub external_traffic_policy: Option<&'a str>,
    /// CIDRs allowed to reach the load balancer.
    pub load_balancer_source_ranges: Option<&'a [String]>,
    /// User labels and annotations.
    pub user: UserMeta<'a>,
}

/// The seeds-finder LoadBalancer Service `<cluster>-seeds-lb`: one stable entry point for
/// clients outside Kubernetes, balancing over every ready Aerospike pod.
pub fn seeds_lb(cluster: &str, namespace: &str, lb: &SeedsLoadBalancer<'_>) -> Service {
    let port = lb.port.unwrap_or(3000);
    let target = lb.target_port.unwrap_or(3000);
    Service {
        metadata: meta_for(
            names::seeds_lb_service(cluster),
            namespace,
            cluster,
            "seeds-lb",
            BTreeMap::new(),
            lb.user,
        ),
        spec: Some(ServiceSpec {
            type_: Some("LoadBalancer".to_owned()),
            selector: Some(labels::cluster_selector(cluster)),
            ports: Some(vec![ServicePort {
                name: Some("service".to_owned()),
                port: i32::from(port),
                target_port: Some(IntOrString::Int(i32::from(target))),
                protocol: Some("TCP".to_owned()),
                ..ServicePort::default()
            }]),
            external_traffic_policy: lb.external_traffic_policy.map(str::to_owned),
            load_balancer_source_ranges: lb
                .load_balancer_source_ranges
                .filter(|r| !r.is_empty())
                .map(<[String]>::to_vec),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// The metrics Service `<cluster>-metrics` in front of every pod's exporter sidecar.
pub fn metrics(cluster: &str, namespace: &str, metrics_port: u16) -> Service {
    Service {
        metadata: meta_for(
            names::metrics_service(cluster),
            namespace,
            cluster,
            "metrics",
            BTreeMap::new(),
            UserMeta::default(),
        ),
        spec: Some(ServiceSpec {
            selector: Some(labels::cluster_selector(cluster)),
            ports: Some(vec![tcp_port("metrics", metrics_port)]),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headless_service_publishes_not_ready_addresses_and_keeps_operator_labels() {
        let user_labels = BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), "x".to_owned()),
            ("team".to_owned(), "platform".to_owned()),
        ]);
        let svc = headless(
            "c",
            "db",
            AerospikePorts::default(),
            UserMeta {
                labels: Some(&user_labels),
                annotations: None,
            },
        );
        let spec = svc.spec.unwrap();
        assert_eq!(spec.cluster_ip.as_deref(), Some("None"));
        assert_eq!(spec.publish_not_ready_addresses, Some(true));
        let labels = svc.metadata.labels.unwrap();
        assert_eq!(labels["app.kubernetes.io/name"], "aerospike-cluster");
        assert_eq!(labels["team"], "platform");
        let ports: Vec<i32> = spec.ports.unwrap().iter().map(|p| p.port).collect();
        assert_eq!(ports, vec![3000, 3001, 3002]);
    }

    #[test]
    fn pod_service_ports_follow_the_networking_guide() {
        for (ty, expected) in [
            ("ClusterIP", vec![3000]),
            ("NodePort", vec![3000, 3001, 3002]),
            ("LoadBalancer", vec![3000, 3001, 3002]),
        ] {
            let svc = pod_service(
                "c",
                "db",
                "c-1-0",
                ty,
                AerospikePorts::default(),
                UserMeta::default(),
            );
            assert_eq!(svc.metadata.name.as_deref(), Some("c-1-0-pod"));
            let spec = svc.spec.unwrap();
            assert_eq!(spec.type_.as_deref(), Some(ty));
            assert_eq!(spec.selector.unwrap()[LABEL_STS_POD_NAME], "c-1-0");
            let ports: Vec<i32> = spec.ports.unwrap().iter().map(|p| p.port).collect();
            assert_eq!(ports, expected, "{ty}");
        }
    }
}
