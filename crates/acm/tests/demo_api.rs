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
