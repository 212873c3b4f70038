//! Auto-connect from outside the cluster (`--k8s-connect-via external`) against kube-sim: the
//! profile starts on the headless name with a note, then follows the seeds LoadBalancer and the
//! per-pod LoadBalancer / NodePort Services with services-alternate, and connects through them.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use acm::Config;
use acm::http::k8s::reach::ConnectVia;
use aerospike_fake::{FakeCluster, FakeOptions};
use axum::Router;
use clap::Parser;
use common::{get, post};
use k8s_openapi::api::core::v1::{Node, Pod, Service};
use kube::Api;
use kube::api::PostParams;
use kube_sim::{Sim, SimHandle};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

struct Env {
    app: Router,
    sim: SimHandle,
    client: kube::Client,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn env(via: ConnectVia) -> Env {
    common::init();
    let mut config = Config::for_tests();
    config.k8s_management_enabled = true;
    config.k8s_connect_via = via;
    let state = common::state_with(config).await;
    let (client, sim) = Sim::start().await.expect("kube-sim starts");
    state.k8s.set_client(client.clone());
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(acm::http::k8s::autoconnect::run(state.clone(), stop_rx));
    Env {
        app: acm::app(state),
        sim,
        client,
        _stop: stop,
    }
}

/// Poll the profile (bounded) until `pred` holds; panics with the last one seen.
async fn profile_until(app: &Router, id: i64, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let mut poll = tokio::time::interval(Duration::from_millis(50));
    let mut last = Value::Null;
    let found = tokio::time::timeout(WAIT, async {
        loop {
            poll.tick().await;
            last = get(app, &format!("/api/v1/profiles/{id}")).await.json();
            if pred(&last) {
                return last.clone();
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

fn hosts(p: &Value) -> Vec<String> {
    p["hosts"]
        .as_array()
        .map(|h| {
            h.iter()
                .filter_map(|h| h.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn service(client: &kube::Client, body: Value) -> Service {
    let svc: Service = serde_json::from_value(body).unwrap();
    Api::<Service>::namespaced(client.clone(), "default")
        .create(&PostParams::default(), &svc)
        .await
        .unwrap()
}

fn lb(name: &str, cluster: &str, pod: Option<&str>, ty: &str) -> Value {
    let mut labels = json!({"acko.io/cluster": cluster, "app.kubernetes.io/managed-by": "acko"});
    if let Some(pod) = pod {
        labels["acko.io/pod-service"] = json!(pod);
    }
    json!({
        "metadata": {"name": name, "labels": labels},
        "spec": {"type": ty, "selector": {"acko.io/cluster": cluster},
                 "ports": [{"name": "service", "port": 3000, "targetPort": 3000}]}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_profile_follows_load_balancers_with_services_alternate_and_connects() {
    let e = env(ConnectVia::External).await;
    let spec = json!({
        "size": 2, "image": "aerospike:ce-8.1.1.1",
        "seedsFinderServices": {"loadBalancer": {"port": 3000}},
        "podService": {"serviceType": "LoadBalancer"},
    });
    let r = post(
        &e.app,
        "/api/v1/k8s/clusters",
        json!({"name": "ext", "namespace": "default", "spec": spec}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let ac = r.json()["autoConnect"].clone();
    assert_eq!(ac["via"], "external", "{ac}");
    assert_eq!(ac["host"], "ext-headless.default.svc.cluster.local:3000");
    assert!(ac["note"].as_str().unwrap().contains("waiting"), "{ac}");
    let id = ac["profileId"].as_i64().unwrap();

    // The Services the operator renders for this spec; kube-sim assigns LoadBalancer ingress.
    service(&e.client, lb("ext-seeds-lb", "ext", None, "LoadBalancer")).await;
    service(
        &e.client,
        lb("ext-0-0-pod", "ext", Some("ext-0-0"), "LoadBalancer"),
    )
    .await;
    service(
        &e.client,
        lb("ext-0-1-pod", "ext", Some("ext-0-1"), "LoadBalancer"),
    )
    .await;
    let ingress = |name: &str| {
        let s = e.sim.get_json("v1", "Service", "default", name)?;
        s["status"]["loadBalancer"]["ingress"][0]["ip"]
            .as_str()
            .map(|ip| format!("{ip}:3000"))
    };
    let p = profile_until(&e.app, id, "the three LoadBalancer addresses", |p| {
        hosts(p).len() == 3 && p["useServicesAlternate"] == true
    })
    .await;
    let seeds = ingress("ext-seeds-lb").expect("seeds LB has an address");
    let pod_lbs: Vec<String> = ["ext-0-0-pod", "ext-0-1-pod"]
        .iter()
        .map(|n| ingress(n).expect("pod LB has an address"))
        .collect();
    let mut want = vec![seeds.clone()];
    let mut sorted = pod_lbs.clone();
    sorted.sort();
    want.extend(sorted);
    assert_eq!(hosts(&p), want, "seeds LB first, then the per-pod LBs");
    assert!(
        !p["description"].as_str().unwrap().contains("waiting"),
        "{p}"
    );

    // Nodes answering at the per-pod LoadBalancer addresses: the profile connects through them
    // (the seeds LB address itself has no listener here, the client moves on to the others).
    let addrs: Vec<SocketAddr> = pod_lbs.iter().map(|a| a.parse().unwrap()).collect();
    let fake = FakeCluster::start_at(
        &addrs,
        FakeOptions {
            cluster_name: "ext".into(),
            ..FakeOptions::default()
        },
    )
    .await
    .expect("fake nodes at the LoadBalancer addresses");
    let nodes = get(&e.app, &format!("/api/v1/clusters/{id}/nodes")).await;
    assert_eq!(nodes.status, 200, "{}", nodes.text());
    assert_eq!(
        nodes.json().as_array().map(Vec::len),
        Some(2),
        "{}",
        nodes.text()
    );
    drop(fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_profile_uses_node_ports_on_the_pods_nodes() {
    let e = env(ConnectVia::External).await;
    let spec = json!({"size": 1, "image": "aerospike:ce-8.1.1.1",
        "podService": {"serviceType": "NodePort"}});
    let r = post(
        &e.app,
        "/api/v1/k8s/clusters",
        json!({"name": "np", "namespace": "default", "spec": spec}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["autoConnect"]["profileId"].as_i64().unwrap();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "np-0-0", "labels": {"acko.io/cluster": "np"}},
        "spec": {"containers": [{"name": "aerospike-server", "image": "aerospike:ce-8.1.1.1"}]}
    }))
    .unwrap();
    Api::<Pod>::namespaced(e.client.clone(), "default")
        .create(&PostParams::default(), &pod)
        .await
        .unwrap();
    let pod = e
        .sim
        .wait_for::<Pod>("default", "np-0-0", WAIT, |p| {
            p.and_then(|p| p.spec.as_ref())
                .is_some_and(|s| s.node_name.is_some())
        })
        .await
        .unwrap()
        .unwrap();
    let svc = service(
        &e.client,
        lb("np-0-0-pod", "np", Some("np-0-0"), "NodePort"),
    )
    .await;
    let node_port = svc.spec.unwrap().ports.unwrap()[0]
        .node_port
        .expect("a node port");
    let node: Node = Api::<Node>::all(e.client.clone())
        .get(pod.spec.unwrap().node_name.as_deref().unwrap())
        .await
        .unwrap();
    let external_ip = node
        .status
        .unwrap()
        .addresses
        .unwrap()
        .into_iter()
        .find(|a| a.type_ == "ExternalIP")
        .unwrap()
        .address;
    let want = format!("{external_ip}:{node_port}");
    let p = profile_until(&e.app, id, "the node address and NodePort", |p| {
        hosts(p) == [want.clone()]
    })
    .await;
    assert_eq!(p["useServicesAlternate"], true, "{p}");
}

#[tokio::test]
async fn without_external_access_the_profile_says_how_to_get_it() {
    assert_eq!(
        Config::parse_from(["acm"]).k8s_connect_via,
        ConnectVia::Auto
    );
    assert_eq!(
        Config::parse_from(["acm", "--k8s-connect-via", "pod-ip"]).k8s_connect_via,
        ConnectVia::PodIp
    );
    assert!(Config::try_parse_from(["acm", "--k8s-connect-via", "dns"]).is_err());

    let e = env(ConnectVia::External).await;
    let r = post(
        &e.app,
        "/api/v1/k8s/clusters",
        json!({"name": "plain", "namespace": "default",
               "spec": {"size": 1, "image": "aerospike:ce-8.1.1.1"}}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let ac = r.json()["autoConnect"].clone();
    assert_eq!(
        ac["hosts"],
        json!(["plain-headless.default.svc.cluster.local:3000"])
    );
    assert_eq!(ac["useServicesAlternate"], false);
    let note = ac["note"].as_str().unwrap();
    assert!(
        note.contains("spec.seedsFinderServices.loadBalancer"),
        "{note}"
    );
    let p = get(
        &e.app,
        &format!("/api/v1/profiles/{}", ac["profileId"].as_i64().unwrap()),
    )
    .await
    .json();
    assert!(
        p["description"]
            .as_str()
            .unwrap()
            .contains("no external access"),
        "{p}"
    );

    // `headless` never waits for addresses: no note.
    let e = env(ConnectVia::Headless).await;
    let r = post(
        &e.app,
        "/api/v1/k8s/clusters",
        json!({"name": "inside", "namespace": "default",
               "spec": {"size": 1, "image": "aerospike:ce-8.1.1.1"}}),
    )
    .await;
    let ac = r.json()["autoConnect"].clone();
    assert_eq!(ac["via"], "headless");
    assert_eq!(ac["note"], Value::Null);
}
