//! The Kubernetes management API (`/api/v1/k8s/...`) against kube-sim: the unchanged
//! `kube::Client` over real HTTP, so every route runs the same code as against a cluster.

mod common;

use std::time::Duration;

use acm::{AppState, Config};
use axum::Router;
use common::{Resp, call, delete, get, post};
use http::Method;
use k8s_openapi::api::core::v1::{Event, ObjectReference, Pod, Secret};
use kube::Api;
use kube::api::PostParams;
use kube_sim::{ApiFault, Sim, SimHandle};
use serde_json::{Value, json};

const IMAGE: &str = "aerospike:ce-8.1.1.1";

struct K8s {
    app: Router,
    state: AppState,
    sim: SimHandle,
    client: kube::Client,
}

async fn k8s_with(timeout: Duration) -> K8s {
    common::init();
    let mut config = Config::for_tests();
    config.k8s_management_enabled = true;
    config.k8s_timeout = timeout;
    let state = common::state_with(config).await;
    let (client, sim) = Sim::start().await.expect("kube-sim starts");
    state.k8s.set_client(client.clone());
    K8s {
        app: acm::app(state.clone()),
        state,
        sim,
        client,
    }
}

async fn k8s() -> K8s {
    k8s_with(Duration::from_secs(5)).await
}

async fn patch(app: &Router, uri: &str, body: Value) -> Resp {
    call(app, Method::PATCH, uri, Some(body)).await
}

fn cluster_body(name: &str, size: i32) -> Value {
    json!({"name": name, "namespace": "default", "spec": {"size": size, "image": IMAGE}})
}

impl K8s {
    async fn create(&self, name: &str, size: i32) -> Value {
        let r = post(&self.app, "/api/v1/k8s/clusters", cluster_body(name, size)).await;
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()
    }

    /// A pod of a cluster, as the StatefulSet controller would create it.
    async fn pod(&self, cluster: &str, name: &str, rack: i32) {
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": name, "labels": {"acko.io/cluster": cluster, "acko.io/rack": rack.to_string()},
                "annotations": {"acko.io/config-hash": "h1"}},
            "spec": {"containers": [{"name": "aerospike-server", "image": IMAGE}]}
        }))
        .unwrap();
        let api: Api<Pod> = Api::namespaced(self.client.clone(), "default");
        api.create(&PostParams::default(), &pod).await.unwrap();
    }

    fn cluster_json(&self, name: &str) -> Option<Value> {
        self.sim
            .get_json("acko.io/v1alpha1", "AerospikeCluster", "default", name)
    }

    fn set_status(&self, name: &str, status: Value) {
        self.sim
            .mutate(
                "acko.io/v1alpha1",
                "AerospikeCluster",
                "default",
                name,
                "status",
                |v| {
                    v["status"] = status;
                },
            )
            .unwrap();
    }

    async fn event(&self, object: &str, reason: &str, n: u32) {
        let ev = Event {
            metadata: kube::api::ObjectMeta {
                name: Some(format!("{object}.{n}")),
                namespace: Some("default".into()),
                ..Default::default()
            },
            involved_object: ObjectReference {
                kind: Some("AerospikeCluster".into()),
                name: Some(object.into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            reason: Some(reason.into()),
            message: Some(format!("{reason} happened")),
            type_: Some("Normal".into()),
            count: Some(1),
            last_timestamp: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                jiff::Timestamp::from_second(1_800_000_000 + i64::from(n)).unwrap(),
            )),
            ..Default::default()
        };
        let api: Api<Event> = Api::namespaced(self.client.clone(), "default");
        api.create(&PostParams::default(), &ev).await.unwrap();
    }
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

/// Every k8s route: (method, path under /api/v1).
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/k8s/clusters"),
    ("POST", "/k8s/clusters"),
    ("GET", "/k8s/clusters/{namespace}/{name}"),
    ("PATCH", "/k8s/clusters/{namespace}/{name}"),
    ("DELETE", "/k8s/clusters/{namespace}/{name}"),
    ("POST", "/k8s/clusters/{namespace}/{name}/scale"),
    ("GET", "/k8s/clusters/{namespace}/{name}/events"),
    ("POST", "/k8s/clusters/{namespace}/{name}/operations"),
    ("GET", "/k8s/clusters/{namespace}/{name}/health"),
    ("GET", "/k8s/clusters/{namespace}/{name}/config-drift"),
    (
        "GET",
        "/k8s/clusters/{namespace}/{name}/reconciliation-status",
    ),
    (
        "POST",
        "/k8s/clusters/{namespace}/{name}/reconciliation-status/reset",
    ),
    ("GET", "/k8s/clusters/{namespace}/{name}/pods/{pod}/logs"),
    ("GET", "/k8s/clusters/{namespace}/{name}/yaml"),
    ("GET", "/k8s/clusters/{namespace}/{name}/hpa"),
    ("POST", "/k8s/clusters/{namespace}/{name}/hpa"),
    ("DELETE", "/k8s/clusters/{namespace}/{name}/hpa"),
    ("POST", "/k8s/clusters/{namespace}/{name}/resync-template"),
    ("GET", "/k8s/clusters/{namespace}/{name}/stream"),
    ("GET", "/k8s/clusters/stream"),
    ("GET", "/k8s/templates"),
    ("POST", "/k8s/templates"),
    ("GET", "/k8s/templates/{name}"),
    ("DELETE", "/k8s/templates/{name}"),
    ("GET", "/k8s/namespaces"),
    ("GET", "/k8s/storageclasses"),
    ("GET", "/k8s/secrets"),
    ("GET", "/k8s/nodes"),
];

fn concrete(path: &str) -> String {
    format!(
        "/api/v1{}",
        path.replace("{namespace}", "default")
            .replace("{name}", "demo")
            .replace("{pod}", "demo-0-0")
    )
}

fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).unwrap()
}

#[tokio::test]
async fn off_every_k8s_route_is_404_and_settings_say_so() {
    let (app, _state) = common::app().await;
    for (m, path) in ROUTES {
        let body = (*m != "GET" && *m != "DELETE").then(|| json!({}));
        let r = call(&app, method(m), &concrete(path), body).await;
        let p = r.problem(404, "k8s_disabled");
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("K8S_MANAGEMENT_ENABLED"),
            "{m} {path}"
        );
    }
    let s = get(&app, "/api/v1/settings").await.json();
    assert_eq!(s["k8sManagementEnabled"], false);
    let on = k8s().await;
    let s = get(&on.app, "/api/v1/settings").await.json();
    assert_eq!(s["k8sManagementEnabled"], true);
}

#[test]
fn the_flag_and_env_turn_it_on() {
    use clap::Parser;
    assert!(!Config::parse_from(["acm"]).k8s_management_enabled);
    assert!(Config::parse_from(["acm", "--k8s-management-enabled"]).k8s_management_enabled);
    assert_eq!(
        Config::parse_from(["acm", "--k8s-timeout", "2s"]).k8s_timeout,
        Duration::from_secs(2)
    );
}

#[tokio::test]
async fn openapi_documents_every_k8s_route() {
    let doc = serde_json::to_value(acm::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in paths {
        if let Some(rest) = path.strip_prefix("/api/v1")
            && rest.starts_with("/k8s/")
        {
            for (m, op) in item.as_object().unwrap() {
                documented.push((m.to_uppercase(), rest.to_string()));
                assert_eq!(op["tags"][0], "k8s", "{m} {path}");
                assert!(
                    op["description"].is_string() || op["summary"].is_string(),
                    "{m} {path} has no description"
                );
            }
        }
    }
    documented.sort();
    // Operation ids are unique across the whole API (the UI's type generator needs it).
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate operationId");
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);
    // The request model of create is the CRD spec itself.
    let spec = &doc["components"]["schemas"]["AerospikeClusterSpec"];
    assert!(spec["properties"]["size"].is_object(), "{spec}");
    assert!(spec["properties"]["rackConfig"].is_object());
    assert!(spec["properties"]["aerospikeAccessControl"].is_object());
    assert!(
        doc["components"]["schemas"]["AerospikeClusterTemplateSpec"]["properties"]["scheduling"]
            .is_object()
    );
    assert_eq!(
        doc["components"]["schemas"]["CreateCluster"]["properties"]["spec"]["$ref"],
        "#/components/schemas/AerospikeClusterSpec"
    );
}

/// The seed's "K8s API Endpoints" table, row by row (`/api/k8s` is served as `/api/v1/k8s`).
const SEED_TABLE: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/api/k8s/clusters",
        "List all AerospikeCluster resources",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}",
        "Get cluster detail (spec, status, pods, conditions)",
    ),
    ("POST", "/api/k8s/clusters", "Create a new AerospikeCluster"),
    (
        "PATCH",
        "/api/k8s/clusters/{namespace}/{name}",
        "Update cluster",
    ),
    (
        "DELETE",
        "/api/k8s/clusters/{namespace}/{name}",
        "Delete a cluster",
    ),
    (
        "POST",
        "/api/k8s/clusters/{namespace}/{name}/scale",
        "Scale cluster to a specific size",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}/events",
        "Get Kubernetes events (supports ?category= filter)",
    ),
    (
        "POST",
        "/api/k8s/clusters/{namespace}/{name}/operations",
        "Trigger operations (WarmRestart, PodRestart)",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}/health",
        "Get cluster health summary",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}/config-drift",
        "Detect configuration drift",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}/reconciliation-status",
        "Get reconciliation health",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}/pods/{pod}/logs",
        "Get container logs for a pod",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}/yaml",
        "Export cluster CR as clean YAML",
    ),
    (
        "GET",
        "/api/k8s/clusters/{namespace}/{name}/hpa",
        "Get HPA config and status for a cluster",
    ),
    (
        "POST",
        "/api/k8s/clusters/{namespace}/{name}/hpa",
        "Create or update HPA",
    ),
    (
        "DELETE",
        "/api/k8s/clusters/{namespace}/{name}/hpa",
        "Delete HPA for a cluster",
    ),
    (
        "POST",
        "/api/k8s/clusters/{namespace}/{name}/resync-template",
        "Trigger template resync via annotation",
    ),
    (
        "GET",
        "/api/k8s/templates",
        "List all AerospikeClusterTemplate resources (cluster-scoped)",
    ),
    (
        "POST",
        "/api/k8s/templates",
        "Create a new AerospikeClusterTemplate",
    ),
    (
        "GET",
        "/api/k8s/templates/{name}",
        "Get template detail (spec, status, usedBy)",
    ),
    (
        "DELETE",
        "/api/k8s/templates/{name}",
        "Delete a template (fails if referenced by clusters)",
    ),
    (
        "GET",
        "/api/k8s/namespaces",
        "List available Kubernetes namespaces",
    ),
    (
        "GET",
        "/api/k8s/storageclasses",
        "List available Kubernetes storage classes",
    ),
    (
        "GET",
        "/api/k8s/secrets",
        "List K8s Secrets (for ACL picker)",
    ),
    (
        "GET",
        "/api/k8s/nodes",
        "List K8s nodes with zone/region info (for rack config)",
    ),
];

#[tokio::test]
async fn seed_endpoint_table_row_by_row() {
    let k = k8s().await;
    // Fixtures the rows act on.
    let r = post(
        &k.app,
        "/api/v1/k8s/templates",
        json!({"name": "base", "spec": {"image": IMAGE, "size": 2}}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    k.create("demo", 3).await;
    k.create("doomed", 1).await;
    k.pod("demo", "demo-0-0", 0).await;
    k.sim.state.logs.lock().insert(
        ("default".into(), "demo-0-0".into()),
        "line 1\nline 2\n".into(),
    );
    let r = post(
        &k.app,
        "/api/v1/k8s/templates",
        json!({"name": "unused", "spec": {"size": 1}}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/hpa",
        json!({"maxReplicas": 4, "cpuUtilization": 60}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let doc = serde_json::to_value(acm::openapi()).unwrap();
    assert_eq!(SEED_TABLE.len(), 25);
    for (m, seed_path, what) in SEED_TABLE {
        let path = seed_path.strip_prefix("/api").unwrap();
        let v1 = format!("/api/v1{path}");
        assert!(
            doc["paths"][&v1][m.to_lowercase()].is_object(),
            "seed row {m} {seed_path} ({what}) is not documented"
        );
        let (target, body) = match (*m, path) {
            ("POST", "/k8s/clusters") => (
                "/api/v1/k8s/clusters".to_string(),
                Some(
                    json!({"name": "from-template", "namespace": "default", "spec": {"templateRef": {"name": "base"}}}),
                ),
            ),
            ("PATCH", _) => (concrete(path), Some(json!({"spec": {"paused": true}}))),
            ("DELETE", "/k8s/clusters/{namespace}/{name}") => {
                (concrete(path).replace("demo", "doomed"), None)
            }
            ("POST", p) if p.ends_with("/scale") => (concrete(path), Some(json!({"size": 4}))),
            ("POST", p) if p.ends_with("/operations") => {
                (concrete(path), Some(json!({"kind": "WarmRestart"})))
            }
            ("POST", p) if p.ends_with("/hpa") => (
                concrete(path),
                Some(json!({"maxReplicas": 6, "cpuUtilization": 70})),
            ),
            ("POST", p) if p.ends_with("/resync-template") => {
                (concrete(path).replace("demo", "from-template"), None)
            }
            ("POST", "/k8s/templates") => (
                concrete(path),
                Some(json!({"name": "second", "spec": {"size": 3}})),
            ),
            ("GET", "/k8s/templates/{name}") => (concrete(path).replace("demo", "base"), None),
            ("DELETE", "/k8s/templates/{name}") => (concrete(path).replace("demo", "unused"), None),
            _ => (concrete(path), None),
        };
        let body = body.or_else(|| (*m == "POST").then(|| json!({})));
        let r = call(&k.app, method(m), &target, body).await;
        assert!(
            r.status.is_success(),
            "seed row {m} {seed_path} ({what}) → {} {}",
            r.status,
            r.text()
        );
    }
    // What the rows did really happened.
    assert!(k.cluster_json("doomed").is_none());
    let demo = k.cluster_json("demo").unwrap();
    assert_eq!(demo["spec"]["size"], 4);
    assert_eq!(demo["spec"]["paused"], true);
    assert_eq!(demo["spec"]["operations"][0]["kind"], "WarmRestart");
    let ft = k.cluster_json("from-template").unwrap();
    assert_eq!(
        ft["metadata"]["annotations"]["acko.io/resync-template"],
        "true"
    );
    assert!(
        k.sim
            .get_json("acko.io/v1alpha1", "AerospikeClusterTemplate", "", "unused")
            .is_none()
    );
    assert!(
        k.sim
            .get_json(
                "autoscaling/v2",
                "HorizontalPodAutoscaler",
                "default",
                "demo-hpa"
            )
            .is_none()
    );
}

#[tokio::test]
async fn create_validates_first_and_lists_every_field() {
    let k = k8s().await;
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters",
        json!({"name": "bad", "namespace": "default", "spec": {
            "size": 9, "image": IMAGE,
            "aerospikeNetworkPolicy": {"acessType": "pod"},
            "podSpec": {"hostNetwork": "yes"}
        }}),
    )
    .await;
    let p = r.problem(422, "validation_failed");
    let f = fields(&p);
    assert!(
        f.iter().any(|x| x.starts_with("spec.podSpec.hostNetwork")),
        "{f:?}"
    );
    // Unknown fields (typos) are errors, not silently pruned.
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters",
        json!({"name": "bad", "namespace": "default", "spec": {
            "size": 3, "image": IMAGE, "aerospikeNetworkPolicy": {"acessType": "pod"}}}),
    )
    .await;
    let f = fields(&r.problem(422, "validation_failed"));
    assert!(
        f.iter()
            .any(|x| x.starts_with("spec.aerospikeNetworkPolicy.acessType")),
        "{f:?}"
    );
    assert!(
        k.cluster_json("bad").is_none(),
        "nothing reaches Kubernetes"
    );
    // Typed but invalid: rule errors, every one.
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters",
        json!({"name": "Bad_Name", "namespace": "default", "spec": {"size": 9}}),
    )
    .await;
    let p = r.problem(422, "validation_failed");
    let f = fields(&p);
    assert!(f.contains(&"name".to_string()), "{f:?}");
    assert!(f.iter().any(|x| x == "spec.size"), "{f:?}");
    assert!(f.iter().any(|x| x == "spec.image"), "{f:?}");
    // A missing template is a field error too.
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters",
        json!({"name": "t", "namespace": "default", "spec": {"templateRef": {"name": "nope"}}}),
    )
    .await;
    assert!(
        fields(&r.problem(422, "validation_failed")).contains(&"spec.templateRef.name".to_string())
    );
    // Unknown request fields and a missing namespace.
    post(
        &k.app,
        "/api/v1/k8s/clusters",
        json!({"name": "x", "namespace": "default", "spec": {}, "extra": 1}),
    )
    .await
    .problem(400, "invalid_body");
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters",
        json!({"name": "x", "namespace": "nowhere", "spec": {"size": 1, "image": IMAGE}}),
    )
    .await;
    assert_eq!(fields(&r.problem(422, "validation_failed")), ["namespace"]);
    // Same name twice.
    k.create("twice", 1).await;
    post(&k.app, "/api/v1/k8s/clusters", cluster_body("twice", 1))
        .await
        .problem(409, "cluster_exists");
}

#[tokio::test]
async fn lifecycle_with_auto_connect_diff_patch_and_conflicts() {
    let k = k8s().await;
    let created = k.create("demo", 3).await;
    let ac = &created["autoConnect"];
    assert_eq!(ac["host"], "demo-headless.default.svc.cluster.local:3000");
    let pid = ac["profileId"].as_i64().unwrap();
    let prof = get(&k.app, &format!("/api/v1/profiles/{pid}")).await.json();
    assert_eq!(
        prof["hosts"][0],
        "demo-headless.default.svc.cluster.local:3000"
    );
    assert_eq!(prof["clusterName"], "demo");
    // Without autoConnect no profile.
    let r = post(&k.app, "/api/v1/k8s/clusters", json!({"name": "quiet", "namespace": "default", "autoConnect": false, "spec": {"size": 1, "image": IMAGE}})).await;
    assert_eq!(r.status, 201);
    assert!(r.json()["autoConnect"].is_null());

    let list = get(&k.app, "/api/v1/k8s/clusters").await.json();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["demo", "quiet"]);
    let d = get(&k.app, "/api/v1/k8s/clusters/default/demo")
        .await
        .json();
    assert_eq!(d["profileIds"], json!([pid]));
    assert_eq!(d["spec"]["size"], 3);
    let rv = d["resourceVersion"].as_str().unwrap().to_string();

    // Diff-based: only what changed is written.
    let r = patch(
        &k.app,
        "/api/v1/k8s/clusters/default/demo",
        json!({"resourceVersion": rv, "spec": {"size": 4, "image": IMAGE}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["changed"], json!(["spec.size"]));
    assert_eq!(k.cluster_json("demo").unwrap()["spec"]["size"], 4);
    // Nothing changes: nothing written.
    let before = k.cluster_json("demo").unwrap()["metadata"]["resourceVersion"].clone();
    let r = patch(
        &k.app,
        "/api/v1/k8s/clusters/default/demo",
        json!({"spec": {"size": 4}}),
    )
    .await;
    assert_eq!(r.json()["changed"], json!([]));
    assert_eq!(
        k.cluster_json("demo").unwrap()["metadata"]["resourceVersion"],
        before
    );
    // A stale resourceVersion is a 409 with a retry hint.
    let p = patch(
        &k.app,
        "/api/v1/k8s/clusters/default/demo",
        json!({"resourceVersion": rv, "spec": {"size": 5}}),
    )
    .await
    .problem(409, "k8s_conflict");
    assert!(p["detail"].as_str().unwrap().contains("retry"));
    assert_eq!(k.cluster_json("demo").unwrap()["spec"]["size"], 4);
    // A conflict raised by Kubernetes itself (someone wrote between our read and write).
    k.sim
        .fault(ApiFault::error(Some("patch"), Some("aerospikeclusters"), 409).times(1));
    patch(
        &k.app,
        "/api/v1/k8s/clusters/default/demo",
        json!({"spec": {"size": 5}}),
    )
    .await
    .problem(409, "k8s_conflict");
    // Invalid results are 422 with paths; update rules apply too.
    let p = patch(
        &k.app,
        "/api/v1/k8s/clusters/default/demo",
        json!({"spec": {"size": 0, "image": null}}),
    )
    .await
    .problem(422, "validation_failed");
    let f = fields(&p);
    assert!(
        f.contains(&"spec.size".to_string()) && f.contains(&"spec.image".to_string()),
        "{f:?}"
    );
    // Scale.
    post(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/scale",
        json!({"size": 9}),
    )
    .await
    .problem(422, "validation_failed");
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/scale",
        json!({"size": 2}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(k.cluster_json("demo").unwrap()["spec"]["size"], 2);
    // Pause.
    patch(
        &k.app,
        "/api/v1/k8s/clusters/default/demo",
        json!({"spec": {"paused": true}}),
    )
    .await;
    assert_eq!(k.cluster_json("demo").unwrap()["spec"]["paused"], true);

    // Delete removes the profiles auto-connect created, and only those.
    let r = delete(&k.app, "/api/v1/k8s/clusters/default/demo").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["removedProfiles"], json!([pid]));
    get(&k.app, &format!("/api/v1/profiles/{pid}"))
        .await
        .problem(404, "profile_not_found");
    assert!(k.cluster_json("demo").is_none());
    delete(&k.app, "/api/v1/k8s/clusters/default/demo")
        .await
        .problem(404, "cluster_not_found");
    get(&k.app, "/api/v1/k8s/clusters/default/demo")
        .await
        .problem(404, "cluster_not_found");
    get(&k.app, "/api/v1/k8s/clusters/default/Bad")
        .await
        .problem(400, "invalid_path");
    let _ = &k.state;
}

#[tokio::test]
async fn api_down_or_slow_is_503_with_the_reason() {
    let k = k8s_with(Duration::from_millis(300)).await;
    k.sim.fault(ApiFault::latency(
        Some("list"),
        Some("namespaces"),
        Duration::from_secs(30),
    ));
    let p = get(&k.app, "/api/v1/k8s/namespaces")
        .await
        .problem(503, "k8s_timeout");
    assert!(p["detail"].as_str().unwrap().contains("did not answer"));
    k.sim.clear_faults();
    // A busy API (503 answers, which the client retries) still answers within the bound.
    k.sim.fault(ApiFault::error(None, Some("nodes"), 503));
    let r = get(&k.app, "/api/v1/k8s/nodes").await;
    assert_eq!(r.status, 503, "{}", r.text());
    k.sim.clear_faults();
    k.sim.fault(ApiFault::error(None, Some("nodes"), 500));
    get(&k.app, "/api/v1/k8s/nodes")
        .await
        .problem(502, "k8s_error");
    k.sim.clear_faults();
    let K8s { app, sim, .. } = k;
    drop(sim);
    let p = get(&app, "/api/v1/k8s/clusters")
        .await
        .problem(503, "k8s_unreachable");
    assert!(p["detail"].as_str().unwrap().contains("unreachable"));
    post(&app, "/api/v1/k8s/clusters", cluster_body("x", 1))
        .await
        .problem(503, "k8s_unreachable");
}

#[tokio::test]
async fn no_configuration_is_503_and_a_kubeconfig_file_works() {
    common::init();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests();
    config.k8s_management_enabled = true;
    config.kubeconfig = Some(dir.path().join("missing.yaml"));
    let app = acm::app(common::state_with(config).await);
    let p = get(&app, "/api/v1/k8s/namespaces")
        .await
        .problem(503, "k8s_not_configured");
    assert!(
        p["detail"].as_str().unwrap().contains("missing.yaml"),
        "{p}"
    );
    // A kubeconfig file pointing at a running API server is used.
    let (_, sim) = Sim::start().await.unwrap();
    let file = dir.path().join("kubeconfig.yaml");
    std::fs::write(&file, sim.kubeconfig_yaml()).unwrap();
    let mut config = Config::for_tests();
    config.k8s_management_enabled = true;
    config.kubeconfig = Some(file);
    let app = acm::app(common::state_with(config).await);
    let r = get(&app, "/api/v1/k8s/namespaces").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["name"] == "kube-system")
    );
}

#[tokio::test]
async fn secrets_list_names_and_keys_never_values() {
    let k = k8s().await;
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "acl-admin"},
        "type": "Opaque",
        "data": {"password": "aHVudGVyMi1zdXBlci1zZWNyZXQ=", "user": "c3VwZXJ1c2Vy"}
    }))
    .unwrap();
    let api: Api<Secret> = Api::namespaced(k.client.clone(), "default");
    api.create(&PostParams::default(), &secret).await.unwrap();
    let r = get(&k.app, "/api/v1/k8s/secrets?namespace=default").await;
    assert_eq!(r.status, 200);
    let body = r.text();
    for leak in [
        "aHVudGVyMi1zdXBlci1zZWNyZXQ=",
        "hunter2-super-secret",
        "c3VwZXJ1c2Vy",
        "superuser",
    ] {
        assert!(!body.contains(leak), "secret value {leak} leaked: {body}");
    }
    let j = r.json();
    let s = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "acl-admin")
        .unwrap();
    assert_eq!(s["keys"], json!(["password", "user"]));
    assert_eq!(
        s.as_object().unwrap().len(),
        4,
        "only name, namespace, type, keys: {s}"
    );
    get(&k.app, "/api/v1/k8s/secrets?namespace=Bad!")
        .await
        .problem(400, "invalid_path");
}

#[tokio::test]
async fn pickers_namespaces_storage_classes_nodes_with_zones() {
    let k = k8s().await;
    let ns = get(&k.app, "/api/v1/k8s/namespaces").await.json();
    assert!(
        ns["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["name"] == "default")
    );
    let sc = get(&k.app, "/api/v1/k8s/storageclasses").await.json();
    assert_eq!(sc["items"][0]["name"], "standard");
    assert_eq!(sc["items"][0]["isDefault"], true);
    let nodes = get(&k.app, "/api/v1/k8s/nodes").await.json();
    assert_eq!(nodes["zones"], json!(["a", "b", "c"]));
    assert_eq!(nodes["items"][0]["region"], "sim");
    assert_eq!(nodes["items"][0]["ready"], true);
}

#[tokio::test]
async fn events_are_categorised_and_filtered() {
    let k = k8s().await;
    k.create("demo", 3).await;
    k.event("demo", "RollingRestartStarted", 1).await;
    k.event("demo-0-1", "PodWarmRestarted", 2).await;
    k.event("demo", "ScaleDownDeferred", 3).await;
    k.event("demo", "Scheduled", 4).await;
    k.event("other", "ScaledUp", 5).await;
    let all = get(&k.app, "/api/v1/k8s/clusters/default/demo/events")
        .await
        .json();
    let reasons: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "Scheduled",
            "ScaleDownDeferred",
            "PodWarmRestarted",
            "RollingRestartStarted"
        ]
    );
    assert_eq!(all["counts"].as_array().unwrap().len(), 11);
    let rr = get(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/events?category=Rolling%20Restart",
    )
    .await
    .json();
    let reasons: Vec<&str> = rr["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["PodWarmRestarted", "RollingRestartStarted"]);
    assert!(
        rr["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["category"] == "RollingRestart")
    );
    let other = get(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/events?category=Other",
    )
    .await
    .json();
    assert_eq!(other["items"][0]["reason"], "Scheduled");
    get(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/events?category=bogus",
    )
    .await
    .problem(400, "invalid_query");
}

#[tokio::test]
async fn operations_check_pods_and_refuse_while_one_runs() {
    let k = k8s().await;
    k.create("demo", 2).await;
    k.pod("demo", "demo-0-0", 0).await;
    k.pod("demo", "demo-0-1", 0).await;
    let url = "/api/v1/k8s/clusters/default/demo/operations";
    let p = post(
        &k.app,
        url,
        json!({"kind": "PodRestart", "podList": ["demo-0-1", "demo-9-9", "x_y"]}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(fields(&p), ["podList[1]", "podList[2]"]);
    post(&k.app, url, json!({"kind": "Reboot"}))
        .await
        .problem(400, "invalid_body");
    post(
        &k.app,
        url,
        json!({"kind": "WarmRestart", "id": "x".repeat(21)}),
    )
    .await
    .problem(422, "validation_failed");
    let r = post(
        &k.app,
        url,
        json!({"kind": "PodRestart", "podList": ["demo-0-1"], "id": "r1"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let ops = &k.cluster_json("demo").unwrap()["spec"]["operations"];
    assert_eq!(
        ops,
        &json!([{"kind": "PodRestart", "id": "r1", "podList": ["demo-0-1"]}])
    );
    k.set_status("demo", json!({"operationStatus": {"id": "r1", "kind": "PodRestart", "phase": "InProgress", "completedPods": []}}));
    post(&k.app, url, json!({"kind": "WarmRestart"}))
        .await
        .problem(409, "operation_in_progress");
}

#[tokio::test]
async fn health_drift_and_reconciliation_come_from_status() {
    let k = k8s().await;
    k.create("demo", 2).await;
    k.pod("demo", "demo-0-0", 0).await;
    k.pod("demo", "demo-0-1", 0).await;
    k.set_status("demo", json!({
        "phase": "BackoffActive", "failedReconcileCount": 10, "lastReconcileError": "apply failed",
        "lastReconcileTime": "2026-01-01T00:00:00Z",
        "appliedSpec": {"size": 1, "image": IMAGE},
        "migrationStatus": {"inProgress": true, "remainingPartitions": 12},
        "conditions": [{"type": "Available", "status": "True", "reason": "Ready", "message": "m",
                        "lastTransitionTime": "2026-01-01T00:00:00Z"}],
        "pods": {"demo-0-1": {"configHash": "h2"}}
    }));
    let h = get(&k.app, "/api/v1/k8s/clusters/default/demo/health")
        .await
        .json();
    assert_eq!(h["pods"], 2);
    assert_eq!(h["migration"]["remainingPartitions"], 12);
    assert_eq!(h["healthy"], false);
    assert_eq!(h["conditions"][0]["type"], "Available");
    assert_eq!(h["racks"][0]["pods"], json!(["demo-0-0", "demo-0-1"]));
    let d = get(&k.app, "/api/v1/k8s/clusters/default/demo/config-drift")
        .await
        .json();
    assert_eq!(d["drifted"], true);
    assert_eq!(d["fields"][0]["path"], "spec.size");
    assert_eq!(
        (
            d["fields"][0]["desired"].clone(),
            d["fields"][0]["applied"].clone()
        ),
        (json!(2), json!(1))
    );
    let r = get(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/reconciliation-status",
    )
    .await
    .json();
    assert_eq!(r["state"], "open");
    assert_eq!(r["threshold"], 10);
    assert_eq!(r["lastReconcileError"], "apply failed");
    assert_eq!(r["resetRequested"], false);
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters/default/demo/reconciliation-status/reset",
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["resetRequested"], true);
    assert!(
        k.cluster_json("demo").unwrap()["metadata"]["annotations"]["acko.io/reset-circuit-breaker"]
            .is_string()
    );
}

#[tokio::test]
async fn pod_logs_tail_container_download_and_ownership() {
    let k = k8s().await;
    k.create("demo", 1).await;
    k.create("other", 1).await;
    k.pod("demo", "demo-0-0", 0).await;
    k.pod("other", "other-0-0", 0).await;
    // The simulated kubelet logs the container start: replace the log after it did.
    k.sim
        .wait_for::<Pod>("default", "demo-0-0", Duration::from_secs(20), |p| {
            p.and_then(|p| p.status.as_ref())
                .and_then(|s| s.phase.as_deref())
                == Some("Running")
        })
        .await
        .expect("the pod runs");
    k.sim
        .state
        .logs
        .lock()
        .insert(("default".into(), "demo-0-0".into()), "a\nb\nc\n".into());
    let base = "/api/v1/k8s/clusters/default/demo/pods";
    let r = get(&k.app, &format!("{base}/demo-0-0/logs?tailLines=2")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "b\nc\n");
    let r = get(&k.app, &format!("{base}/demo-0-0/logs?download=true")).await;
    assert_eq!(
        r.headers["content-disposition"],
        "attachment; filename=\"demo-0-0-aerospike-server.log\""
    );
    // A followed log streams until the pod goes (as a kubelet does): read what is there, then
    // drop the stream.
    {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let req = http::Request::get(format!("{base}/demo-0-0/logs?follow=true"))
            .body(axum::body::Body::empty())
            .unwrap();
        let resp = k.app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), 200);
        let mut body = resp.into_body();
        let mut got = String::new();
        while got.len() < "a\nb\nc\n".len() {
            let frame = tokio::time::timeout(Duration::from_secs(20), body.frame())
                .await
                .unwrap_or_else(|_| panic!("the followed log sent only {got:?}"))
                .unwrap_or_else(|| panic!("the followed log ended after {got:?}"))
                .unwrap();
            if let Ok(data) = frame.into_data() {
                got.push_str(&String::from_utf8_lossy(&data));
            }
        }
        assert!(got.starts_with("a\nb\nc\n"), "{got:?}");
    }
    get(&k.app, &format!("{base}/demo-0-0/logs?container=nope"))
        .await
        .problem(422, "validation_failed");
    get(&k.app, &format!("{base}/demo-0-0/logs?tailLines=0"))
        .await
        .problem(422, "validation_failed");
    get(&k.app, &format!("{base}/other-0-0/logs"))
        .await
        .problem(404, "pod_not_found");
    get(&k.app, &format!("{base}/missing/logs"))
        .await
        .problem(404, "pod_not_found");
}

#[tokio::test]
async fn yaml_export_is_clean() {
    let k = k8s().await;
    k.create("demo", 3).await;
    k.set_status("demo", json!({"phase": "Completed"}));
    let r = get(&k.app, "/api/v1/k8s/clusters/default/demo/yaml").await;
    assert_eq!(r.status, 200);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/yaml")
    );
    let y = r.text();
    for gone in [
        "managedFields",
        "status",
        "resourceVersion",
        "uid",
        "creationTimestamp",
        "generation",
    ] {
        assert!(!y.contains(gone), "{gone} in export:\n{y}");
    }
    let v: Value = serde_saphyr::from_str(&y).unwrap();
    assert_eq!(v["kind"], "AerospikeCluster");
    assert_eq!(v["spec"]["size"], 3);
    assert_eq!(v["metadata"]["name"], "demo");
}

#[tokio::test]
async fn hpa_create_update_get_delete() {
    let k = k8s().await;
    k.create("demo", 3).await;
    let url = "/api/v1/k8s/clusters/default/demo/hpa";
    get(&k.app, url).await.problem(404, "hpa_not_found");
    let p = post(&k.app, url, json!({"minReplicas": 3, "maxReplicas": 9}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(fields(&p), ["maxReplicas", "cpuUtilization"]);
    let r = post(
        &k.app,
        url,
        json!({"minReplicas": 2, "maxReplicas": 6, "cpuUtilization": 70}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let h = k
        .sim
        .get_json(
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            "default",
            "demo-hpa",
        )
        .unwrap();
    assert_eq!(
        h["spec"]["scaleTargetRef"],
        json!({"apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster", "name": "demo"})
    );
    let r = post(
        &k.app,
        url,
        json!({"minReplicas": 1, "maxReplicas": 8, "memoryUtilization": 80}),
    )
    .await;
    assert_eq!(r.status, 200);
    let v = get(&k.app, url).await.json();
    assert_eq!(
        (
            v["minReplicas"].clone(),
            v["maxReplicas"].clone(),
            v["memoryUtilization"].clone()
        ),
        (json!(1), json!(8), json!(80))
    );
    assert!(v["cpuUtilization"].is_null());
    assert_eq!(delete(&k.app, url).await.status, 204);
    delete(&k.app, url).await.problem(404, "hpa_not_found");
    get(&k.app, "/api/v1/k8s/clusters/default/none/hpa")
        .await
        .problem(404, "cluster_not_found");
}

#[tokio::test]
async fn templates_crud_used_by_and_protected_delete() {
    let k = k8s().await;
    let p = post(
        &k.app,
        "/api/v1/k8s/templates",
        json!({"name": "t", "spec": {"size": 12}}),
    )
    .await
    .problem(422, "validation_failed");
    assert!(fields(&p).iter().any(|f| f.starts_with("spec.size")), "{p}");
    let r = post(
        &k.app,
        "/api/v1/k8s/templates",
        json!({"name": "base", "spec": {"image": IMAGE, "size": 2, "description": "two nodes"}}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    post(
        &k.app,
        "/api/v1/k8s/templates",
        json!({"name": "base", "spec": {}}),
    )
    .await
    .problem(409, "template_exists");
    let r = post(
        &k.app,
        "/api/v1/k8s/clusters",
        json!({"name": "user", "namespace": "default", "spec": {"templateRef": {"name": "base"}}}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let list = get(&k.app, "/api/v1/k8s/templates").await.json();
    assert_eq!(
        list["items"][0]["usedBy"],
        json!([{"namespace": "default", "name": "user"}])
    );
    assert_eq!(list["items"][0]["description"], "two nodes");
    let d = get(&k.app, "/api/v1/k8s/templates/base").await.json();
    assert_eq!(d["usedBy"][0]["name"], "user");
    assert_eq!(d["spec"]["size"], 2);
    let p = delete(&k.app, "/api/v1/k8s/templates/base")
        .await
        .problem(409, "template_in_use");
    assert!(p["detail"].as_str().unwrap().contains("default/user"));
    delete(&k.app, "/api/v1/k8s/clusters/default/user").await;
    assert_eq!(
        delete(&k.app, "/api/v1/k8s/templates/base").await.status,
        204
    );
    get(&k.app, "/api/v1/k8s/templates/base")
        .await
        .problem(404, "template_not_found");
    // Resync needs a template reference.
    k.create("plain", 1).await;
    post(
        &k.app,
        "/api/v1/k8s/clusters/default/plain/resync-template",
        json!({}),
    )
    .await
    .problem(409, "no_template");
}

/// Opens an SSE route; returns its body once the answer is a 200 event stream.
async fn open_stream(app: &Router, uri: &str) -> axum::body::Body {
    use tower::ServiceExt;
    let req = http::Request::get(uri)
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 200, "{uri}");
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    resp.into_body()
}

/// Reads SSE frames until an event named `name` arrives (bounded); returns its data.
async fn next_event(body: &mut axum::body::Body, buf: &mut String, name: &str) -> Value {
    use http_body_util::BodyExt;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let ev = block
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or_default();
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or_default();
            if ev == name {
                return serde_json::from_str(data).unwrap();
            }
        }
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .unwrap_or_else(|_| panic!("no `{name}` event; buffered: {buf}"))
            .unwrap_or_else(|| panic!("stream ended before `{name}`"))
            .unwrap();
        if let Ok(data) = frame.into_data() {
            buf.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

#[tokio::test]
async fn sse_stream_follows_status_pods_events_and_deletion() {
    let k = k8s().await;
    k.create("demo", 2).await;
    get(&k.app, "/api/v1/k8s/clusters/default/none/stream")
        .await
        .problem(404, "cluster_not_found");
    let mut body = open_stream(&k.app, "/api/v1/k8s/clusters/default/demo/stream").await;
    let mut buf = String::new();
    let first = next_event(&mut body, &mut buf, "cluster").await;
    assert_eq!(first["summary"]["name"], "demo");
    // A status change by the operator arrives as a new `cluster` event.
    k.set_status("demo", json!({"phase": "ScalingUp", "health": "1/2"}));
    loop {
        let ev = next_event(&mut body, &mut buf, "cluster").await;
        if ev["status"]["phase"] == "ScalingUp" {
            assert_eq!(ev["summary"]["transitional"], true);
            break;
        }
    }
    k.pod("demo", "demo-0-0", 0).await;
    let pod = next_event(&mut body, &mut buf, "pod").await;
    assert_eq!(pod["name"], "demo-0-0");
    k.event("demo", "ScaledUp", 1).await;
    // Kubernetes' own events (the scheduler's `Scheduled` for the pod) come too.
    loop {
        let ev = next_event(&mut body, &mut buf, "event").await;
        if ev["reason"] == "ScaledUp" {
            assert_eq!(ev["category"], "Scaling");
            break;
        }
    }
    delete(&k.app, "/api/v1/k8s/clusters/default/demo").await;
    let gone = next_event(&mut body, &mut buf, "deleted").await;
    assert_eq!(gone["name"], "demo");
}

#[tokio::test]
async fn the_list_stream_follows_every_cluster_through_its_deletion() {
    use kube::api::{Patch, PatchParams};
    let k = k8s().await;
    k.create("demo", 1).await;
    // A finalizer like the operator's keeps the deleted cluster around until it is removed.
    let api: kube::Api<acko_api::AerospikeCluster> =
        kube::Api::namespaced(k.client.clone(), "default");
    let finalizers = |f: Vec<&str>| json!({"metadata": {"finalizers": f}});
    api.patch(
        "demo",
        &PatchParams::default(),
        &Patch::Merge(finalizers(vec!["acko.io/finalizer"])),
    )
    .await
    .unwrap();
    get(&k.app, "/api/v1/k8s/clusters/stream?namespace=Not_A_Name")
        .await
        .problem(400, "invalid_path");
    let mut body = open_stream(&k.app, "/api/v1/k8s/clusters/stream?namespace=default").await;
    let mut buf = String::new();
    let first = next_event(&mut body, &mut buf, "cluster").await;
    assert_eq!(first["name"], "demo");
    assert_eq!(first["transitional"], true, "not reconciled yet: {first}");
    k.set_status(
        "demo",
        json!({"phase": "Completed", "health": "1/1", "observedGeneration": 1}),
    );
    loop {
        let ev = next_event(&mut body, &mut buf, "cluster").await;
        if ev["phase"] == "Completed" {
            assert_eq!(ev["transitional"], false, "{ev}");
            break;
        }
    }
    assert_eq!(
        delete(&k.app, "/api/v1/k8s/clusters/default/demo")
            .await
            .status,
        200
    );
    // Deletion requested, the finalizer holds it: the row says Deleting and keeps refreshing.
    loop {
        let ev = next_event(&mut body, &mut buf, "cluster").await;
        if ev["phase"] == "Deleting" {
            assert_eq!(ev["transitional"], true, "{ev}");
            break;
        }
    }
    let listed = get(&k.app, "/api/v1/k8s/clusters").await.json();
    assert_eq!(listed["items"][0]["phase"], "Deleting", "{listed}");
    api.patch(
        "demo",
        &PatchParams::default(),
        &Patch::Merge(finalizers(vec![])),
    )
    .await
    .unwrap();
    let gone = next_event(&mut body, &mut buf, "deleted").await;
    assert_eq!(gone, json!({"name": "demo", "namespace": "default"}));
}
