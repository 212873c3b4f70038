//! Metrics follow real traffic: drive a known number of operations and observe the
//! rates computed from the servers' counters (no sleeps: samples are taken explicitly).

mod common;

use aerospike::{Bin, Bins, Key, ReadPolicy, Value, WritePolicy};
use common::*;
use http_body_util::BodyExt;

async fn drive(f: &Fixture, set: &str, reads: usize, writes: usize) {
    let c = f.client().await;
    let wp = WritePolicy::default();
    for i in 0..writes {
        let key = Key::new(f.ns.clone(), set, Value::Int(i as i64)).unwrap();
        c.put(&wp, &key, &[Bin::new("v", Value::Int(1))])
            .await
            .unwrap();
    }
    let rp = ReadPolicy::default();
    for i in 0..reads {
        let key = Key::new(f.ns.clone(), set, Value::Int((i % writes.max(1)) as i64)).unwrap();
        let _ = c.get(&rp, &key, Bins::All).await;
    }
    let _ = c.close().await;
}

async fn tps_follows_traffic(nodes: usize) {
    let f = cluster(nodes).await;
    let set = set_name("tps");
    // connect the profile, take a baseline sample
    assert_eq!(
        get(&f.app, &format!("/api/v1/profiles/{}/status", f.pid))
            .await
            .status,
        200
    );
    let conns = f.state.clients.connected();
    f.state.sampler.tick(&conns).await;
    drive(&f, &set, 300, 120).await;
    f.state.sampler.tick(&conns).await;
    let hist = get(&f.app, &f.url("/metrics")).await;
    assert_eq!(hist.status, 200, "{}", hist.text());
    let j = hist.json();
    let samples = j["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 2);
    let s = &samples[1];
    let secs = s["intervalMs"].as_f64().unwrap() / 1000.0;
    assert!(secs > 0.0);
    let ns = s["namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["namespace"] == "test")
        .unwrap();
    let reads = ns["readTps"].as_f64().unwrap() * secs;
    let writes = ns["writeTps"].as_f64().unwrap() * secs;
    if f.real {
        assert!(
            reads >= 299.5 && writes >= 119.5,
            "reads {reads} writes {writes}"
        );
    } else {
        assert!((reads - 300.0).abs() < 0.01, "reads {reads}");
        assert!((writes - 120.0).abs() < 0.01, "writes {writes}");
        assert_eq!(ns["readSuccessRate"], 1.0);
    }
    assert!(s["clientConnections"].as_u64().unwrap() >= 1);
    // Prometheus exposition carries the same numbers with labels
    let m = get(&f.app, "/metrics").await.text();
    assert!(
        m.contains(&format!(
            "aerospike_namespace_write_tps{{profile_id=\"{}\",cluster=\"c\",namespace=\"test\"}}",
            f.pid
        )),
        "{m}"
    );
    assert!(m.contains("aerospike_node_client_connections{"));
    // history since the last sample is empty
    let since = s["tsMs"].as_i64().unwrap();
    let j = get(&f.app, &f.url(&format!("/metrics?since={since}")))
        .await
        .json();
    assert!(j["samples"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn tps_follows_traffic_1_node() {
    tps_follows_traffic(1).await;
}

#[tokio::test]
async fn tps_follows_traffic_3_nodes() {
    tps_follows_traffic(3).await;
}

#[tokio::test]
async fn sse_pushes_samples() {
    let f = cluster(1).await;
    let resp = {
        use tower::ServiceExt;
        let req = http::Request::builder()
            .uri(f.url("/metrics/stream"))
            .body(axum::body::Body::empty())
            .unwrap();
        f.app.clone().oneshot(req).await.unwrap()
    };
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let mut body = resp.into_body();
    let conns = f.state.clients.connected();
    f.state.sampler.tick(&conns).await;
    let mut text = String::new();
    while !text.contains("\n\n") {
        let frame = body.frame().await.unwrap().unwrap();
        if let Ok(d) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&d));
        }
    }
    assert!(text.starts_with("event: sample\ndata: {"), "{text}");
    let data = text.lines().nth(1).unwrap().trim_start_matches("data: ");
    let v: serde_json::Value = serde_json::from_str(data).unwrap();
    assert!(v["namespaces"].is_array());
}

/// A client no request and no metrics stream used for `--client-idle` is closed and no
/// longer sampled; a request or an open stream keeps it (paused tokio clock).
#[tokio::test]
async fn idle_clients_are_released_and_no_longer_sampled() {
    use std::time::Duration;
    let f = cluster(1).await;
    let idle = f.state.config.client_idle;
    assert_eq!(idle, Duration::from_secs(600));
    assert_eq!(get(&f.app, &f.url("/nodes")).await.status, 200);
    let ids = |f: &Fixture| -> Vec<i64> {
        f.state
            .clients
            .connected()
            .iter()
            .map(|c| c.profile_id)
            .collect()
    };
    assert_eq!(ids(&f), [f.pid]);
    let in_use = |id: i64| f.state.sampler.has_subscribers(id);

    tokio::time::pause();
    tokio::time::advance(idle - Duration::from_secs(1)).await;
    assert!(f.state.clients.release_idle(idle, in_use).is_empty());
    // A request resets the idle time.
    f.state.conn(f.pid).await.unwrap();
    tokio::time::advance(Duration::from_secs(2)).await;
    assert!(f.state.clients.release_idle(idle, in_use).is_empty());
    // An open metrics stream keeps the client however long it lasts.
    let stream = f.state.sampler.subscribe(f.pid);
    tokio::time::advance(idle * 3).await;
    assert!(f.state.clients.release_idle(idle, in_use).is_empty());
    assert_eq!(ids(&f), [f.pid]);
    // Neither: released, and the sampler has nothing to sample.
    drop(stream);
    assert_eq!(f.state.clients.release_idle(idle, in_use), [f.pid]);
    assert!(ids(&f).is_empty());
    tokio::time::resume();
    let before = f.state.sampler.history(f.pid, None).len();
    f.state.sampler.tick(&f.state.clients.connected()).await;
    assert_eq!(f.state.sampler.history(f.pid, None).len(), before);
    // The next request reconnects.
    assert_eq!(get(&f.app, &f.url("/nodes")).await.status, 200);
    assert_eq!(ids(&f), [f.pid]);
}
