use std::net::IpAddr;

use http::{Request, Response, StatusCode};
use kube::client::Body;
use serde_json::json;

use super::*;

/// A kube client whose API server answers exactly one request: asserts the path, then
/// replies `status` with `body`.
fn mock_api(expected_path: &'static str, status: StatusCode, body: serde_json::Value) -> KubeApi {
    let (svc, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    tokio::spawn(async move {
        let (req, send) = handle.next_request().await.expect("one request");
        assert_eq!(req.method(), http::Method::GET);
        assert_eq!(req.uri().path(), expected_path);
        let resp = Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap();
        send.send_response(resp);
    });
    KubeApi::new(kube::Client::new(svc, "default"))
}

fn status_body(code: u16, reason: &str, message: &str) -> serde_json::Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

#[tokio::test]
async fn node_read_and_addresses() {
    let api = mock_api(
        "/api/v1/nodes/worker-1",
        StatusCode::OK,
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"},
               "status": {"addresses": [
                   {"type": "InternalIP", "address": "172.18.0.3"},
                   {"type": "InternalIP", "address": "fd00::3"},
                   {"type": "ExternalIP", "address": "34.1.2.3"},
                   {"type": "Hostname", "address": "worker-1"}]}}),
    );
    let node = api.get_node("worker-1").await.unwrap();
    let a = node_addresses(&node);
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert_eq!(a.name, "worker-1");
    assert_eq!(a.internal, vec![ip("172.18.0.3"), ip("fd00::3")]);
    assert_eq!(a.external, vec![ip("34.1.2.3")]);
    assert_eq!(a.all.len(), 4);
}

#[tokio::test]
async fn node_forbidden_names_the_cluster_role() {
    let api = mock_api(
        "/api/v1/nodes/worker-1",
        StatusCode::FORBIDDEN,
        status_body(
            403,
            "Forbidden",
            "nodes \"worker-1\" is forbidden: User \"system:serviceaccount:aerospike:default\" cannot get resource \"nodes\"",
        ),
    );
    let err = api.get_node("worker-1").await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, InitError::Forbidden { .. }), "{text}");
    assert!(text.starts_with("forbidden to get Node worker-1"), "{text}");
    assert!(text.contains("node-reader"), "{text}");
    assert!(text.contains("cannot get resource"), "{text}");
}

#[tokio::test]
async fn node_not_found() {
    let api = mock_api(
        "/api/v1/nodes/ghost",
        StatusCode::NOT_FOUND,
        status_body(404, "NotFound", "nodes \"ghost\" not found"),
    );
    let err = api.get_node("ghost").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "Node ghost not found: the pod's NODE_NAME does not name an existing Node"
    );
}

#[tokio::test]
async fn service_read() {
    let api = mock_api(
        "/api/v1/namespaces/aerospike/services/demo-0-0-pod",
        StatusCode::OK,
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "demo-0-0-pod", "namespace": "aerospike"},
               "spec": {"type": "LoadBalancer", "ports": [{"port": 3000, "targetPort": 3000}]},
               "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}}),
    );
    let svc = api.get_service("aerospike", "demo-0-0-pod").await.unwrap();
    assert_eq!(svc.metadata.name.as_deref(), Some("demo-0-0-pod"));
}

#[tokio::test]
async fn service_forbidden_and_not_found() {
    let api = mock_api(
        "/api/v1/namespaces/aerospike/services/demo-0-0-pod",
        StatusCode::FORBIDDEN,
        status_body(403, "Forbidden", "services \"demo-0-0-pod\" is forbidden"),
    );
    let text = api
        .get_service("aerospike", "demo-0-0-pod")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("resourceNames [demo-0-0-pod]") && text.contains("pod-service-reader"),
        "{text}"
    );

    let api = mock_api(
        "/api/v1/namespaces/aerospike/services/demo-0-0-pod",
        StatusCode::NOT_FOUND,
        status_body(404, "NotFound", "services \"demo-0-0-pod\" not found"),
    );
    let err = api
        .get_service("aerospike", "demo-0-0-pod")
        .await
        .unwrap_err();
    assert!(matches!(err, InitError::NotFound { .. }));
    assert!(
        err.to_string()
            .starts_with("Service aerospike/demo-0-0-pod not found")
    );
}

/// A kube client whose API server answers the n-th request with `replies[n]`: `Some((status,
/// body))`, or `None` to never answer (a hung connection). Returns the client and a task
/// that yields how many requests arrived (it ends when the client is dropped).
fn scripted_api(
    replies: Vec<Option<(StatusCode, serde_json::Value)>>,
) -> (KubeApi, tokio::task::JoinHandle<usize>) {
    let (svc, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let server = tokio::spawn(async move {
        let mut hung = Vec::new();
        let mut count = 0;
        while let Some((req, send)) = handle.next_request().await {
            assert_eq!(req.uri().path(), "/api/v1/nodes/worker-1");
            let reply = replies.get(count).cloned().flatten();
            count += 1;
            match reply {
                Some((status, body)) => send.send_response(
                    Response::builder()
                        .status(status)
                        .header("content-type", "application/json")
                        .body(Body::from(serde_json::to_vec(&body).unwrap()))
                        .unwrap(),
                ),
                None => hung.push(send),
            }
        }
        count
    });
    (KubeApi::new(kube::Client::new(svc, "default")), server)
}

fn node_ok() -> Option<(StatusCode, serde_json::Value)> {
    Some((
        StatusCode::OK,
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"},
               "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.3"}]}}),
    ))
}

async fn requests_after(api: KubeApi, server: tokio::task::JoinHandle<usize>) -> usize {
    drop(api);
    server.await.unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_hung_response_times_out_and_is_retried() {
    let (api, server) = scripted_api(vec![None, node_ok()]);
    let start = tokio::time::Instant::now();
    let node = api.get_node("worker-1").await.unwrap();
    assert_eq!(node.metadata.name.as_deref(), Some("worker-1"));
    // One request timeout (10 s) plus the first backoff (0.5 s).
    assert_eq!(start.elapsed(), std::time::Duration::from_millis(10_500));
    assert_eq!(requests_after(api, server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_500_then_a_200_succeeds() {
    let (api, server) = scripted_api(vec![
        Some((
            StatusCode::INTERNAL_SERVER_ERROR,
            status_body(500, "InternalError", "etcd is sad"),
        )),
        node_ok(),
    ]);
    assert!(api.get_node("worker-1").await.is_ok());
    assert_eq!(requests_after(api, server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_then_a_200_succeeds() {
    let (api, server) = scripted_api(vec![
        Some((
            StatusCode::TOO_MANY_REQUESTS,
            status_body(429, "TooManyRequests", "slow down"),
        )),
        node_ok(),
    ]);
    assert!(api.get_node("worker-1").await.is_ok());
    assert_eq!(requests_after(api, server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn forbidden_fails_at_once_without_retry() {
    let (api, server) = scripted_api(vec![Some((
        StatusCode::FORBIDDEN,
        status_body(403, "Forbidden", "cannot get resource nodes"),
    ))]);
    let start = tokio::time::Instant::now();
    let err = api.get_node("worker-1").await.unwrap_err();
    assert!(matches!(err, InitError::Forbidden { .. }), "{err}");
    assert_eq!(start.elapsed(), std::time::Duration::ZERO);
    assert_eq!(requests_after(api, server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_within_the_budget_then_reported_with_code() {
    let error = Some((
        StatusCode::INTERNAL_SERVER_ERROR,
        status_body(500, "InternalError", "etcd is sad"),
    ));
    let (api, server) = scripted_api(vec![error; 100]);
    let api = api.with_policy(RetryPolicy {
        budget: std::time::Duration::from_secs(20),
        ..RetryPolicy::default()
    });
    let start = tokio::time::Instant::now();
    let text = api.get_node("worker-1").await.unwrap_err().to_string();
    assert!(
        text.contains("HTTP 500") && text.contains("etcd is sad") && text.contains("attempts"),
        "{text}"
    );
    assert!(start.elapsed() <= std::time::Duration::from_secs(20));
    // 0.5 + 1 + 2 + 4 + 8 = 15.5 s of backoff fit in 20 s: six attempts.
    assert_eq!(requests_after(api, server).await, 6);
}

/// Polling through the real kube client: 404 (Service not created yet), then no ingress,
/// then an ingress hostname; on tokio's paused clock.
#[tokio::test(start_paused = true)]
async fn polling_through_kube_until_the_load_balancer_is_ready() {
    use crate::external::{Poll, wait_for_endpoint};
    use crate::resolve::ExternalEndpoint;
    use crate::settings::ServiceType;
    use std::time::Duration;

    let (svc, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let service = |ingress: serde_json::Value| {
        json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "demo-0-0-pod", "namespace": "aerospike"},
               "spec": {"type": "LoadBalancer", "ports": [{"name": "service", "port": 3000, "targetPort": "service"}]},
               "status": {"loadBalancer": {"ingress": ingress}}})
    };
    let replies = vec![
        (
            StatusCode::NOT_FOUND,
            status_body(404, "NotFound", "services \"demo-0-0-pod\" not found"),
        ),
        (StatusCode::OK, service(json!([]))),
        (
            StatusCode::OK,
            service(json!([{"hostname": "a1b2.elb.example.com"}])),
        ),
    ];
    let server = tokio::spawn(async move {
        for (status, body) in replies {
            let (req, send) = handle.next_request().await.expect("request");
            assert_eq!(
                req.uri().path(),
                "/api/v1/namespaces/aerospike/services/demo-0-0-pod"
            );
            send.send_response(
                Response::builder()
                    .status(status)
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap(),
            );
        }
    });
    let api = KubeApi::new(kube::Client::new(svc, "default"));
    let start = tokio::time::Instant::now();
    let poll = Poll {
        timeout: Duration::from_secs(120),
        interval: Duration::from_secs(5),
    };
    let got = wait_for_endpoint(
        &api,
        "aerospike",
        "demo-0-0-pod",
        ServiceType::LoadBalancer,
        3000,
        poll,
    )
    .await
    .unwrap();
    server.await.unwrap();
    assert_eq!(
        got,
        ExternalEndpoint::LoadBalancer {
            hosts: vec!["a1b2.elb.example.com".into()],
            port: 3000
        }
    );
    assert_eq!(start.elapsed(), Duration::from_secs(10));
}
