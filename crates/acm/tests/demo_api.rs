//! `--demo`: an in-process fake node with the demo dataset and a clearly labelled profile.

mod common;

use common::*;

#[tokio::test]
async fn demo_node_is_browsable() {
    let (app, state) = app().await;
    let demo = acm::demo::start(&state).await.unwrap();
    let profiles = get(&app, "/api/v1/profiles").await.json();
    let p = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "demo")
        .unwrap()
        .clone();
    assert_eq!(p["demo"], true);
    assert!(p["description"].as_str().unwrap().contains("fake"));
    assert_eq!(p["id"].as_i64().unwrap(), demo.profile_id);
    let id = demo.profile_id;
    let nodes = get(&app, &format!("/api/v1/clusters/{id}/nodes")).await;
    assert_eq!(nodes.status, 200, "{}", nodes.text());
    let ns = get(&app, &format!("/api/v1/clusters/{id}/namespaces/test"))
        .await
        .json();
    let sets = ns["sets"].as_array().unwrap();
    assert!(
        sets.iter()
            .any(|s| s["name"] == "users" && s["objects"].as_u64().unwrap() > 0),
        "{ns}"
    );
    let page = get(
        &app,
        &format!("/api/v1/clusters/{id}/namespaces/test/sets/users/records?pageSize=10"),
    )
    .await;
    assert_eq!(page.json()["records"].as_array().unwrap().len(), 10);
    // the demo profile is not exported
    let e = get(&app, "/api/v1/profiles/export").await.json();
    assert!(
        e["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != "demo")
    );
    // starting again re-points the same profile
    let again = acm::demo::start(&state).await.unwrap();
    assert_eq!(again.profile_id, id);
}

/// Client counters of namespace `ns` on the demo node.
fn counters(demo: &acm::demo::Demo, ns: &str) -> std::collections::BTreeMap<String, u64> {
    demo.cluster
        .with_state(|st| st.nodes[0].ns_stats.get(ns).cloned().unwrap_or_default())
}

#[tokio::test]
async fn demo_traffic_moves_the_client_counters() {
    let (_app, state) = app().await;
    let demo = acm::demo::start(&state).await.unwrap();
    let target = demo.traffic_target.clone();
    assert_eq!(target.namespace, "test");
    assert_eq!(target.users, 200);
    let users_before = demo.cluster.record_count("test", Some("users"));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(acm::demo_traffic::run(target, 500, stop_rx));
    let wanted = [
        "client_read_success",
        "client_read_not_found",
        "client_write_success",
        "client_write_error",
    ];
    // Poll (bounded): every counter the workload drives must grow.
    let mut poll = tokio::time::interval(std::time::Duration::from_millis(25));
    let grown = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        loop {
            poll.tick().await;
            let c = counters(&demo, "test");
            if wanted.iter().all(|k| c.get(*k).copied().unwrap_or(0) > 0) {
                return c;
            }
        }
    })
    .await;
    let c = grown.unwrap_or_else(|_| {
        panic!(
            "demo traffic did not move {wanted:?} within 30 s: {:?}",
            counters(&demo, "test")
        )
    });
    // Not-found reads and KEY_EXISTS inserts are occasional, not the bulk.
    assert!(
        c["client_read_success"] >= c["client_read_not_found"],
        "{c:?}"
    );
    stop_tx.send(true).unwrap();
    let ran = tokio::time::timeout(std::time::Duration::from_secs(30), task)
        .await
        .expect("demo traffic did not stop when asked")
        .unwrap();
    assert!(ran > 0);
    // Writes stay in their own bounded set; the demo records are untouched.
    let traffic = demo
        .cluster
        .record_count("test", Some(acm::demo_traffic::TRAFFIC_SET));
    assert!(
        traffic > 0 && traffic as u64 <= acm::demo_traffic::KEY_SPACE,
        "{traffic} records in the traffic set"
    );
    assert_eq!(
        demo.cluster.record_count("test", Some("users")),
        users_before
    );
}

#[tokio::test]
async fn demo_traffic_zero_does_nothing() {
    let (_app, state) = app().await;
    let demo = acm::demo::start(&state).await.unwrap();
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let ran = acm::demo_traffic::run(demo.traffic_target.clone(), 0, stop_rx).await;
    assert_eq!(ran, 0);
    assert_eq!(
        demo.cluster
            .record_count("test", Some(acm::demo_traffic::TRAFFIC_SET)),
        0
    );
}
