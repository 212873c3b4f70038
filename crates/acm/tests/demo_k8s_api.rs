//! `--demo` on Kubernetes: the in-process kube-sim and acko operator, driven only through the
//! manager's API: the example cluster reaches Completed, scales, and its auto-connect profile
//! browses the fake nodes' data.
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
    let config = acm::demo_k8s::configure(Config::for_tests());
    let state = common::state_with(config).await;
    let app = acm::app(state.clone());
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(acm::http::k8s::autoconnect::run(state.clone(), stop_rx));
    let demo = acm::demo_k8s::start(&state).await.expect("demo starts");

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
    drop(demo);
}
