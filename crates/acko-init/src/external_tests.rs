use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use k8s_openapi::api::core::v1::Node;
use serde_json::json;

use super::*;

pub(crate) fn service(value: serde_json::Value) -> Service {
    serde_json::from_value(value).unwrap()
}

fn lb(ingress: serde_json::Value) -> Service {
    service(json!({
        "metadata": {"name": "demo-0-0-pod", "namespace": "aerospike"},
        "spec": {"type": "LoadBalancer", "ports": [
            {"name": "service", "port": 3000, "targetPort": 3000, "nodePort": 30100},
            {"name": "fabric", "port": 3001, "targetPort": 3001, "nodePort": 30101}
        ]},
        "status": {"loadBalancer": {"ingress": ingress}}
    }))
}

fn node_port(np: Option<i32>) -> Service {
    let mut port = json!({"name": "service", "port": 3000, "targetPort": 3000});
    if let Some(np) = np {
        port["nodePort"] = json!(np);
    }
    service(json!({
        "metadata": {"name": "demo-0-0-pod"},
        "spec": {"type": "NodePort", "ports": [port]}
    }))
}

#[test]
fn endpoint_table() {
    let cases: Vec<(Service, ServiceType, Lookup)> = vec![
        (
            lb(json!([{"ip": "203.0.113.10"}])),
            ServiceType::LoadBalancer,
            Lookup::Ready(ExternalEndpoint::LoadBalancer {
                hosts: vec!["203.0.113.10".into()],
                port: 3000,
            }),
        ),
        (
            lb(json!([{"hostname": "a1b2.elb.amazonaws.com"}])),
            ServiceType::LoadBalancer,
            Lookup::Ready(ExternalEndpoint::LoadBalancer {
                hosts: vec!["a1b2.elb.amazonaws.com".into()],
                port: 3000,
            }),
        ),
        (
            lb(json!([{"ip": "203.0.113.10", "hostname": "x.example"}, {"hostname": "y.example"}])),
            ServiceType::LoadBalancer,
            Lookup::Ready(ExternalEndpoint::LoadBalancer {
                hosts: vec!["203.0.113.10".into(), "y.example".into()],
                port: 3000,
            }),
        ),
        (
            lb(json!([])),
            ServiceType::LoadBalancer,
            Lookup::Pending("status.loadBalancer.ingress is empty".into()),
        ),
        (
            node_port(Some(31234)),
            ServiceType::NodePort,
            Lookup::Ready(ExternalEndpoint::NodePort { node_port: 31234 }),
        ),
        (
            node_port(None),
            ServiceType::NodePort,
            Lookup::Pending("port 3000 has no nodePort yet".into()),
        ),
        (
            node_port(Some(31234)),
            ServiceType::LoadBalancer,
            Lookup::Pending("spec.type is NodePort, not LoadBalancer".into()),
        ),
    ];
    for (svc, wanted, want) in cases {
        assert_eq!(endpoint_from_service(&svc, wanted, 3000).unwrap(), want);
    }
}

#[test]
fn port_is_chosen_by_target_port_then_port() {
    let svc = service(json!({
        "metadata": {"name": "s"},
        "spec": {"type": "NodePort", "ports": [
            {"port": 3001, "targetPort": 3001, "nodePort": 30001},
            {"port": 4000, "targetPort": 3000, "nodePort": 30000}
        ]}
    }));
    assert_eq!(
        endpoint_from_service(&svc, ServiceType::NodePort, 3000).unwrap(),
        Lookup::Ready(ExternalEndpoint::NodePort { node_port: 30000 })
    );
    let err = endpoint_from_service(&svc, ServiceType::NodePort, 3100)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "Service s spec.ports: expected a port targeting the Aerospike service port 3100"
        ),
        "{err}"
    );
}

#[test]
fn a_named_service_target_port_is_followed() {
    // What acko-render writes for per-pod Services: targetPort is the container port name,
    // and here the Service port differs from the container port.
    let svc = service(json!({
        "metadata": {"name": "s"},
        "spec": {"type": "NodePort", "ports": [
            {"name": "fabric", "port": 3001, "targetPort": "fabric", "nodePort": 30001},
            {"name": "service", "port": 4000, "targetPort": "service", "nodePort": 30000},
            {"name": "heartbeat", "port": 3002, "targetPort": "heartbeat", "nodePort": 30002}
        ]}
    }));
    assert_eq!(
        endpoint_from_service(&svc, ServiceType::NodePort, 3000).unwrap(),
        Lookup::Ready(ExternalEndpoint::NodePort { node_port: 30000 })
    );
}

type Reply = Box<dyn Fn(u32) -> Result<Service, InitError> + Send + Sync>;

/// A [`ClusterApi`] whose n-th Service read (from 1) answers `reply(n)`; records the
/// (paused-clock) time of every call.
struct Scripted {
    reply: Reply,
    calls: AtomicU32,
    times: Mutex<Vec<tokio::time::Instant>>,
}

impl Scripted {
    fn new(reply: impl Fn(u32) -> Result<Service, InitError> + Send + Sync + 'static) -> Self {
        Scripted {
            reply: Box::new(reply),
            calls: AtomicU32::new(0),
            times: Mutex::new(Vec::new()),
        }
    }
}

impl ClusterApi for Scripted {
    async fn get_node(&self, name: &str) -> Result<Node, InitError> {
        Err(InitError::NotFound {
            object: format!("Node {name}"),
            hint: "scripted".into(),
        })
    }

    async fn get_service(&self, _ns: &str, _name: &str) -> Result<Service, InitError> {
        self.times.lock().unwrap().push(tokio::time::Instant::now());
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        (self.reply)(n)
    }
}

const POLL: Poll = Poll {
    timeout: Duration::from_secs(120),
    interval: Duration::from_secs(5),
};

#[tokio::test(start_paused = true)]
async fn load_balancer_ip_arrives_after_a_few_polls() {
    let api = Scripted::new(|n| match n {
        1 => Err(InitError::NotFound {
            object: "Service aerospike/demo-0-0-pod".into(),
            hint: "not yet".into(),
        }),
        2 | 3 => Ok(lb(json!([]))),
        _ => Ok(lb(json!([{"ip": "203.0.113.10"}]))),
    });
    let start = tokio::time::Instant::now();
    let got = wait_for_endpoint(
        &api,
        "aerospike",
        "demo-0-0-pod",
        ServiceType::LoadBalancer,
        3000,
        POLL,
    )
    .await
    .unwrap();
    assert_eq!(
        got,
        ExternalEndpoint::LoadBalancer {
            hosts: vec!["203.0.113.10".into()],
            port: 3000
        }
    );
    assert_eq!(api.calls.load(Ordering::SeqCst), 4);
    assert_eq!(start.elapsed(), Duration::from_secs(15));
}

#[tokio::test(start_paused = true)]
async fn load_balancer_times_out_after_120_s() {
    let api = Scripted::new(|_| Ok(lb(json!([]))));
    let start = tokio::time::Instant::now();
    let err = wait_for_endpoint(
        &api,
        "aerospike",
        "demo-0-0-pod",
        ServiceType::LoadBalancer,
        3000,
        POLL,
    )
    .await
    .unwrap_err();
    assert_eq!(start.elapsed(), Duration::from_secs(120));
    // polls at 0, 5, ..., 120 s
    assert_eq!(api.calls.load(Ordering::SeqCst), 25);
    let last = *api.times.lock().unwrap().last().unwrap();
    assert_eq!(last - start, Duration::from_secs(120));
    assert_eq!(
        err.to_string(),
        "Service aerospike/demo-0-0-pod has no LoadBalancer ingress IP or hostname after 120 s; \
         last seen: status.loadBalancer.ingress is empty; check that a load-balancer controller \
         (cloud provider, MetalLB, ...) serves this cluster (the pod restarts and tries again)"
    );
}

#[tokio::test(start_paused = true)]
async fn timeout_is_configurable_and_not_overshot() {
    let api = Scripted::new(|_| Ok(node_port(None)));
    let poll = Poll {
        timeout: Duration::from_secs(7),
        interval: Duration::from_secs(5),
    };
    let start = tokio::time::Instant::now();
    let err = wait_for_endpoint(&api, "ns", "p-pod", ServiceType::NodePort, 3000, poll)
        .await
        .unwrap_err();
    assert_eq!(start.elapsed(), Duration::from_secs(7));
    assert!(
        err.to_string().contains("has no nodePort after 7 s"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn forbidden_fails_at_once() {
    let api = Scripted::new(|_| {
        Err(InitError::Forbidden {
            object: "Service ns/p-pod".into(),
            rule: "get services".into(),
            message: "denied".into(),
        })
    });
    let start = tokio::time::Instant::now();
    let err = wait_for_endpoint(&api, "ns", "p-pod", ServiceType::NodePort, 3000, POLL)
        .await
        .unwrap_err();
    assert!(matches!(err, InitError::Forbidden { .. }));
    assert_eq!(api.calls.load(Ordering::SeqCst), 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn node_port_found_immediately() {
    let api = Scripted::new(|_| Ok(node_port(Some(31000))));
    let got = wait_for_endpoint(&api, "ns", "p-pod", ServiceType::NodePort, 3000, POLL)
        .await
        .unwrap();
    assert_eq!(got, ExternalEndpoint::NodePort { node_port: 31000 });
}
