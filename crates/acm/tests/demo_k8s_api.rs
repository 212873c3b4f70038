//! `--demo` on Kubernetes: the in-process kube-sim and acko operator, driven only through the
//! manager's API: the example cluster reaches Completed, scales, and its auto-connect profile
//! browses the fake nodes' data; an API fault injected from outside (through the kubeconfig the
//! demo writes) opens the operator's circuit breaker, and a reset closes it.
#![cfg(feature = "k8s-demo")]

mod common;

use std::time::Duration;

use acm::Config;
use acm::demo_k8s::{CLUSTER, NAMESPACE};
use common::{Resp, get, post};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(180);

/// Poll `f` (bounded by `WAIT`) until it returns `Some`; panics with `what` and the last value.
async fn eventually<T>(what: &str, mut f: impl AsyncFnMut() -> (Option<T>, String)) -> T {
    let mut poll = tokio::time::interval(Duration::from_millis(100));
    let mut last = String::new();
    let got = tokio::time::timeout(WAIT, async {
        loop {
            poll.tick().await;
            let (v, seen) = f().await;
            last = seen;
            if let Some(v) = v {
                return v;
            }
        }
    })
    .await;
    match got {
        Ok(v) => v,
        Err(_) => panic!("timed out waiting for {what}; last seen: {last}"),
    }
}

fn cluster_uri() -> String {
    format!("/api/v1/k8s/clusters/{NAMESPACE}/{CLUSTER}")
}

async fn detail(app: &axum::Router) -> Resp {
    get(app, &cluster_uri()).await
}

fn pods_running(d: &Value) -> Vec<String> {
    d["pods"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter(|p| p["phase"] == "Running" && p["ready"] == true)
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn demo_cluster_completes_scales_and_its_profile_browses_data() {
    common::init();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("demo.kubeconfig");
    let mut config = acm::demo_k8s::configure(Config::for_tests());
    config.demo_k8s_kubeconfig = Some(kubeconfig.clone());
    let state = common::state_with(config).await;
    let app = acm::app(state.clone());
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(acm::http::k8s::autoconnect::run(state.clone(), stop_rx));
    let demo = acm::demo_k8s::start(&state).await.expect("demo starts");

    let templates = get(&app, "/api/v1/k8s/templates").await.json();
    assert!(
        templates["items"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["name"] == acm::demo_k8s::TEMPLATE)),
        "{templates}"
    );
    // The demo template passes the manager's validation (created through the API as a copy).
    let copy = post(
        &app,
        "/api/v1/k8s/templates",
        json!({"name": "standard-copy", "spec": acm::demo_k8s::example_template()["spec"]}),
    )
    .await;
    assert_eq!(copy.status, 201, "{}", copy.text());
    let settings = get(&app, "/api/v1/settings").await.json();
    assert_eq!(settings["k8sManagementEnabled"], true, "{settings}");

    // The example is listed and reaches Completed with 3 ready pods, one per zone's rack.
    let list = get(&app, "/api/v1/k8s/clusters").await.json();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == CLUSTER && c["namespace"] == NAMESPACE),
        "{list}"
    );
    let d = eventually("phase Completed with 3 ready pods", async || {
        let d = detail(&app).await.json();
        let ok = d["status"]["phase"] == "Completed" && pods_running(&d).len() == 3;
        (ok.then(|| d.clone()), d.to_string())
    })
    .await;
    let racks: std::collections::BTreeSet<i64> = d["pods"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["rack"].as_i64())
        .collect();
    assert_eq!(racks.len(), 3, "one pod per rack: {d}");
    let pods_before = pods_running(&d);

    // The auto-connect profile gets the pod IPs and browses the sample data.
    let id = demo.profile_id.expect("auto-connect created a profile");
    assert_eq!(d["profileIds"], json!([id]), "{d}");
    let profile = eventually("the profile's seeds are the pod IPs", async || {
        let p = get(&app, &format!("/api/v1/profiles/{id}")).await.json();
        let hosts: Vec<String> = p["hosts"]
            .as_array()
            .map(|h| {
                h.iter()
                    .filter_map(|h| h.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let ok = hosts.len() == 3 && hosts.iter().all(|h| h.starts_with("127.10."));
        (ok.then(|| p.clone()), p.to_string())
    })
    .await;
    assert_eq!(profile["labels"]["k8s.connect"], "pod-ip", "{profile}");
    let ns = eventually("namespace test with the users set", async || {
        let r = get(&app, &format!("/api/v1/clusters/{id}/namespaces/test")).await;
        let j = if r.status == 200 {
            r.json()
        } else {
            Value::Null
        };
        let ok = j["sets"].as_array().is_some_and(|s| {
            s.iter()
                .any(|s| s["name"] == "users" && s["objects"].as_u64().unwrap_or(0) > 0)
        });
        (ok.then(|| j.clone()), r.text())
    })
    .await;
    assert!(ns["sets"].as_array().unwrap().len() >= 2, "{ns}");
    let nodes = get(&app, &format!("/api/v1/clusters/{id}/nodes")).await;
    assert_eq!(nodes.status, 200, "{}", nodes.text());
    let page = get(
        &app,
        &format!("/api/v1/clusters/{id}/namespaces/test/sets/users/records?pageSize=5"),
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(page.json()["records"].as_array().unwrap().len(), 5);

    // Scale to 4 through the API: the operator creates the pod and the cluster completes again.
    let r = post(
        &app,
        &format!("{}/scale", cluster_uri()),
        json!({"size": 4}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let d = eventually("a 4th ready pod and phase Completed", async || {
        let d = detail(&app).await.json();
        let ok = d["status"]["phase"] == "Completed"
            && d["status"]["size"] == 4
            && pods_running(&d).len() == 4;
        (ok.then(|| d.clone()), d.to_string())
    })
    .await;
    let new_pod = d["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| !pods_before.iter().any(|b| p["name"] == b.as_str()))
        .unwrap_or_else(|| panic!("no new pod after scaling: {d}"))
        .clone();
    // The profile follows: the new pod's address joins its seeds.
    let new_seed = format!("{}:3000", new_pod["podIP"].as_str().unwrap());
    eventually("the new pod in the profile's seeds", async || {
        let p = get(&app, &format!("/api/v1/profiles/{id}")).await.json();
        let ok = p["hosts"]
            .as_array()
            .is_some_and(|h| h.len() == 4 && h.iter().any(|h| h == new_seed.as_str()));
        (ok.then_some(()), p.to_string())
    })
    .await;

    // The API server refuses StatefulSet patches in the namespace (injected through the
    // simulator's fault route, found through the kubeconfig the demo wrote): scaling to 5 fails
    // DEMO_BREAKER_THRESHOLD times in a row and the breaker opens with that threshold.
    let text = std::fs::read_to_string(&kubeconfig).expect("the demo wrote its kubeconfig");
    let server = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("server: "))
        .unwrap_or_else(|| panic!("no server in {text}"))
        .to_string();
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{server}/sim/v1/faults"))
        .json(&json!({"verb": "patch", "resource": "statefulsets", "namespace": NAMESPACE, "code": 500}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    let r = post(
        &app,
        &format!("{}/scale", cluster_uri()),
        json!({"size": 5}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let health = format!("{}/reconciliation-status", cluster_uri());
    let open = eventually("the breaker open after the failed patches", async || {
        let r = get(&app, &health).await.json();
        (r["state"].eq("open").then(|| r.clone()), r.to_string())
    })
    .await;
    assert_eq!(
        open["threshold"],
        acm::demo_k8s::DEMO_BREAKER_THRESHOLD,
        "{open}"
    );
    assert!(
        open["failedReconcileCount"].as_i64().unwrap() >= 3,
        "{open}"
    );
    assert!(
        open["lastReconcileError"]
            .as_str()
            .is_some_and(|e| e.contains("injected fault")),
        "{open}"
    );
    assert!(open["nextRetryAt"].is_string(), "{open}");

    // The fault is gone and the reset is requested: the operator reconciles at once (the
    // backoff is 30 s, far longer than this wait needs), scales to 5 and the breaker closes.
    let r = http
        .delete(format!("{server}/sim/v1/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = post(&app, &format!("{health}/reset"), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    eventually("the breaker closed and 5 ready pods", async || {
        let r = get(&app, &health).await.json();
        let d = detail(&app).await.json();
        let ok = r["state"] == "closed"
            && r["resetRequested"] == false
            && d["status"]["phase"] == "Completed"
            && pods_running(&d).len() == 5;
        (ok.then_some(()), format!("{r} {}", d["status"]))
    })
    .await;
    // The reset (not the end of the backoff) let it through: the operator reported it.
    let events = get(
        &app,
        &format!("{}/events?category=CircuitBreaker", cluster_uri()),
    )
    .await
    .json();
    assert!(
        events["items"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["reason"] == "CircuitBreakerReset")),
        "{events}"
    );
    drop(demo);
}
