//! Scenarios on kube-sim, each asserting convergence and safety (see `common::safety`).
//! Aerospike facts come from `common::model::ModelAgent`, whose migrations the safety checker
//! can see and time; `tests/real_cluster.rs` runs the portable scenarios with the real
//! `KubeAgent` (against a real cluster, or kube-sim's aerospike-fake nodes).

mod common;

use acko_api::ClusterPhase;
use common::safety::Checker;
use common::*;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::json;
use std::collections::BTreeMap;

fn completed(c: Option<&acko_api::AerospikeCluster>) -> bool {
    c.is_some_and(|c| {
        phase(Some(c)) == Some(ClusterPhase::Completed)
            && c.status.as_ref().and_then(|s| s.observed_generation) == c.metadata.generation
    })
}

async fn pods(h: &Harness) -> BTreeMap<String, Pod> {
    Api::<Pod>::namespaced(h.client.clone(), "default")
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| (p.name_any(), p))
        .collect()
}

fn annotation(p: &Pod, key: &str) -> Option<String> {
    p.annotations().get(key).cloned()
}

async fn patch_spec(h: &Harness, spec: serde_json::Value) {
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({ "spec": spec })),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn create_three_reaches_completed_and_ready() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    let c = h
        .drive_safe("demo", &model, &mut checker, completed)
        .await
        .unwrap();
    assert_eq!(condition(&c, "Ready").unwrap().0, "True");
    let status = c.status.unwrap();
    assert_eq!(status.health.as_deref(), Some("3/3"));
    assert_eq!(status.aerospike_cluster_size, Some(3));
    assert!(status.applied_spec.is_some());
    assert_eq!(pods(&h).await.len(), 3);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    // Settled with running pods (each was not Ready once, so had `unstableSince`): a no-op
    // reconcile writes nothing, not even status.
    let before = h.writes();
    for _ in 0..3 {
        h.reconcile("demo").await.unwrap().unwrap();
    }
    assert_eq!(
        h.writes(),
        before,
        "writes on a no-op reconcile: {:?}",
        &h.write_log()[before..]
    );
}

#[tokio::test]
async fn scale_three_to_five_to_two_safely() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let before: BTreeMap<String, Option<String>> = pods(&h)
        .await
        .iter()
        .map(|(n, p)| (n.clone(), annotation(p, "acko.io/config-hash")))
        .collect();
    let uids: BTreeMap<String, String> = pods(&h)
        .await
        .iter()
        .map(|(n, p)| (n.clone(), p.uid().unwrap()))
        .collect();

    patch_spec(&h, json!({"size": 5})).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let now = pods(&h).await;
    assert_eq!(now.len(), 5);
    for (name, hash) in &before {
        assert_eq!(
            &annotation(&now[name], "acko.io/config-hash"),
            hash,
            "{name} kept its config"
        );
        assert_eq!(
            now[name].uid().as_ref(),
            uids.get(name),
            "{name} was not restarted"
        );
    }

    patch_spec(&h, json!({"size": 2})).await;
    let c = h
        .drive_safe("demo", &model, &mut checker, completed)
        .await
        .unwrap();
    assert_eq!(pods(&h).await.len(), 2);
    assert_eq!(c.status.unwrap().health.as_deref(), Some("2/2"));
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    assert_eq!(
        sts.get("demo-0").await.unwrap().spec.unwrap().replicas,
        Some(2)
    );
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    // The scale-down went one pod at a time: 5 → 4 → 3 → 2 observed by the checker.
    assert!(checker.max_down <= 1);
}

#[tokio::test]
async fn static_config_change_rolls_one_pod_at_a_time_with_warm_restarts() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let uids: BTreeMap<String, String> = pods(&h)
        .await
        .iter()
        .map(|(n, p)| (n.clone(), p.uid().unwrap()))
        .collect();
    patch_spec(
        &h,
        json!({"aerospikeConfig": {"service": {"proto-fd-max": 20000}}}),
    )
    .await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let requests = model.warm_requests();
    assert_eq!(requests.len(), 3, "one warm restart per pod: {requests:?}");
    let order: Vec<&str> = requests.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(order, ["demo-0-2", "demo-0-1", "demo-0-0"]);
    let cm: Api<k8s_openapi::api::core::v1::ConfigMap> =
        Api::namespaced(h.client.clone(), "default");
    let now = pods(&h).await;
    let hashes: Vec<Option<String>> = now
        .values()
        .map(|p| annotation(p, "acko.io/config-hash"))
        .collect();
    assert!(hashes.iter().all(|x| x == &hashes[0] && x.is_some()));
    assert!(cm.get("demo-0-config").await.is_ok());
    for (name, p) in &now {
        assert_eq!(
            p.uid().as_ref(),
            uids.get(name),
            "warm restart keeps the pod"
        );
    }
    assert!(
        checker.pod_deletions.is_empty(),
        "{:?}",
        checker.pod_deletions
    );
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn pod_spec_change_deletes_pods_one_at_a_time() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    patch_spec(&h, json!({"image": "aerospike:ce-8.1.2.0"})).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    assert_eq!(
        checker.pod_deletions.len(),
        3,
        "{:?}",
        checker.pod_deletions
    );
    for p in pods(&h).await.values() {
        let image = p.spec.as_ref().unwrap().containers[0].image.clone();
        assert_eq!(image.as_deref(), Some("aerospike:ce-8.1.2.0"));
    }
    assert!(checker.max_down <= 1);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn a_pod_that_never_becomes_ready_stops_the_roll_and_says_why() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    // One not-ready pod may be restarted ahead of a stable cluster.
    h.create(&cluster_yaml(
        "demo",
        "  rackConfig: {maxIgnorablePods: 1}\n",
    ))
    .await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    h.sim
        .state
        .faults
        .never_ready
        .lock()
        .insert(("default".into(), "demo-0-2".into()));
    patch_spec(&h, json!({"image": "aerospike:ce-8.1.2.0"})).await;
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            c.and_then(|c| c.status.as_ref())
                .and_then(|s| s.phase_reason.as_deref())
                .is_some_and(|r| r.contains("paused") && r.contains("demo-0-2"))
        })
        .await
        .unwrap();
    // More steps change nothing: still only demo-0-2 was restarted.
    for _ in 0..5 {
        h.reconcile("demo").await.unwrap().unwrap();
        checker
            .step(&h.client, model.migrating(), &h.write_log())
            .await;
    }
    assert_eq!(
        checker.pod_deletions.len(),
        1,
        "{:?}",
        checker.pod_deletions
    );
    assert_eq!(phase(Some(&c)), Some(ClusterPhase::RollingRestart));
    let (st, reason, msg) = condition(&c, "Ready").unwrap();
    assert_eq!((st.as_str(), reason.as_str()), ("False", "RollingRestart"));
    assert!(msg.contains("demo-0-2"), "{msg}");
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

/// True once exactly one pod was rolled and is Ready again.
fn one_rolled(c: Option<&acko_api::AerospikeCluster>) -> bool {
    c.and_then(|c| c.status.as_ref()).is_some_and(|s| {
        s.pending_restart_pods
            .as_ref()
            .is_some_and(|p| p.len() == 2)
            && s.pods
                .as_ref()
                .and_then(|p| p.get("demo-0-2"))
                .and_then(|p| p.is_running_and_ready)
                == Some(true)
    })
}

fn deletions_of(checker: &Checker, pod: &str) -> usize {
    checker
        .pod_deletions
        .iter()
        .filter(|d| d.ends_with(&format!("/pods/{pod}")))
        .count()
}

#[tokio::test]
async fn operator_restarted_mid_roll_resumes_without_redoing_pods() {
    let (mut h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    patch_spec(&h, json!({"image": "aerospike:ce-8.1.2.0"})).await;
    h.drive_safe("demo", &model, &mut checker, one_rolled).await;
    let at_restart = checker.pod_deletions.len();
    assert!((1..3).contains(&at_restart), "{:?}", checker.pod_deletions);
    restart_operator(&mut h, model.clone());
    h.drive_safe("demo", &model, &mut checker, completed).await;
    assert_eq!(
        checker.pod_deletions.len(),
        3,
        "{:?}",
        checker.pod_deletions
    );
    for pod in ["demo-0-0", "demo-0-1", "demo-0-2"] {
        assert_eq!(
            deletions_of(&checker, pod),
            1,
            "{pod}: {:?}",
            checker.pod_deletions
        );
    }
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn pause_mid_roll_stops_every_change_until_resumed() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    patch_spec(&h, json!({"image": "aerospike:ce-8.1.2.0"})).await;
    h.drive_safe("demo", &model, &mut checker, one_rolled).await;
    patch_spec(&h, json!({"paused": true})).await;
    let writes_before = h.writes();
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            phase(c) == Some(ClusterPhase::Paused)
        })
        .await
        .unwrap();
    let at_pause = checker.pod_deletions.len();
    assert!((1..3).contains(&at_pause), "{:?}", checker.pod_deletions);
    for _ in 0..5 {
        h.reconcile("demo").await.unwrap().unwrap();
        checker
            .step(&h.client, model.migrating(), &h.write_log())
            .await;
    }
    assert_eq!(
        checker.pod_deletions.len(),
        at_pause,
        "{:?}",
        checker.pod_deletions
    );
    // Only the status write that says Paused.
    let log = h.write_log();
    assert!(
        log[log.len() - (h.writes() - writes_before)..]
            .iter()
            .all(|w| w.ends_with("/status")),
        "{log:?}"
    );
    assert!(c.status.unwrap().phase_reason.unwrap().contains("paused"));
    patch_spec(&h, json!({"paused": false})).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    assert_eq!(checker.pod_deletions.len(), 3);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn rack_added_then_removed() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml(
        "demo",
        "  rackConfig:\n    racks: [{id: 1}]\n",
    ))
    .await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    patch_spec(
        &h,
        json!({"size": 4, "rackConfig": {"racks": [{"id": 1}, {"id": 2}]}}),
    )
    .await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let names: Vec<String> = pods(&h).await.keys().cloned().collect();
    assert_eq!(names, ["demo-1-0", "demo-1-1", "demo-2-0", "demo-2-1"]);
    patch_spec(&h, json!({"size": 3, "rackConfig": {"racks": [{"id": 1}]}})).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let names: Vec<String> = pods(&h).await.keys().cloned().collect();
    assert_eq!(names, ["demo-1-0", "demo-1-1", "demo-1-2"]);
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    assert!(
        sts.get_opt("demo-2").await.unwrap().is_none(),
        "rack 2 pruned"
    );
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn api_errors_are_retried_and_the_cluster_still_converges() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    for (verb, resource, code) in [
        ("patch", "statefulsets", 500),
        ("patch", "aerospikeclusters", 409),
        ("list", "pods", 503),
    ] {
        let mut f = kube_sim::ApiFault::error(Some(verb), Some(resource), code);
        f.times = Some(3);
        h.sim.fault(f);
    }
    h.create(&cluster_yaml("demo", "")).await;
    let c = h
        .drive_safe("demo", &model, &mut checker, completed)
        .await
        .unwrap();
    assert_eq!(condition(&c, "ReconcileSuccess").unwrap().0, "True");
    let metrics = h.ctx.metrics.encode();
    assert!(
        metrics.contains("acko_reconciles_total{result=\"error\"}"),
        "{metrics}"
    );
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn the_safety_checker_catches_two_members_down() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    assert!(checker.violations.is_empty());
    for p in ["demo-0-0", "demo-0-1"] {
        h.sim
            .state
            .faults
            .never_ready
            .lock()
            .insert(("default".into(), p.into()));
    }
    for p in ["demo-0-0", "demo-0-1"] {
        h.sim
            .wait_for::<Pod>("default", p, WAIT, |p| {
                p.and_then(|p| p.status.as_ref())
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "False"))
            })
            .await
            .unwrap();
    }
    checker.step(&h.client, false, &h.write_log()).await;
    assert!(
        checker
            .violations
            .iter()
            .any(|v| v.contains("members down")),
        "{:?}",
        checker.violations
    );
}

async fn replicas(h: &Harness) -> Option<i32> {
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    sts.get("demo-0").await.unwrap().spec.unwrap().replicas
}

#[tokio::test]
async fn node_not_ready_during_scale_down_holds_it_until_the_node_recovers() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    patch_spec(&h, json!({"size": 5})).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    // Scale 5 → 2; stop after the first batch (one pod removed).
    patch_spec(&h, json!({"size": 2})).await;
    h.drive_safe("demo", &model, &mut checker, |c| {
        c.and_then(|c| c.status.as_ref())
            .and_then(|s| s.phase_reason.as_deref())
            .is_some_and(|r| r.contains("from 5 to 4"))
    })
    .await;
    assert_eq!(replicas(&h).await, Some(4));
    // A node holding exactly one remaining pod goes NotReady (its pod with it).
    let now = pods(&h).await;
    let mut by_node: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, p) in now.iter().filter(|(n, _)| n.as_str() != "demo-0-4") {
        let node = p.spec.as_ref().and_then(|s| s.node_name.clone()).unwrap();
        by_node.entry(node).or_default().push(name.clone());
    }
    let (node, victim) = by_node
        .iter()
        .find(|(_, pods)| pods.len() == 1)
        .map(|(n, p)| (n.clone(), p[0].clone()))
        .expect("kube-sim spreads 4 pods over 3 nodes: one node holds a single pod");
    h.sim.set_node_ready(&node, false).unwrap();
    h.sim
        .wait_for::<Pod>("default", &victim, WAIT, |p| {
            p.and_then(|p| p.status.as_ref())
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "False"))
        })
        .await
        .unwrap();
    let deletions = checker.pod_deletions.len();
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            c.and_then(|c| c.status.as_ref())
                .and_then(|s| s.phase_reason.as_deref())
                .is_some_and(|r| {
                    r.contains("scale-down") && r.contains("waits") && r.contains(&victim)
                })
        })
        .await
        .unwrap();
    assert!(
        matches!(
            phase(Some(&c)),
            Some(ClusterPhase::ScalingDown | ClusterPhase::WaitingForMigration)
        ),
        "{:?}",
        phase(Some(&c))
    );
    // However often it runs, nothing more is removed while the node is down.
    for _ in 0..5 {
        h.reconcile("demo").await.unwrap().unwrap();
        checker
            .step(&h.client, model.migrating(), &h.write_log())
            .await;
    }
    assert_eq!(replicas(&h).await, Some(4), "scale-down held");
    assert_eq!(checker.pod_deletions.len(), deletions);
    // The node recovers: the scale-down finishes.
    h.sim.set_node_ready(&node, true).unwrap();
    let c = h
        .drive_safe("demo", &model, &mut checker, completed)
        .await
        .unwrap();
    assert_eq!(pods(&h).await.len(), 2);
    assert_eq!(c.status.unwrap().health.as_deref(), Some("2/2"));
    assert!(checker.max_down <= 1, "max down {}", checker.max_down);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn delete_with_and_without_cascade_on_claims_the_statefulset_made() {
    for cascade in [false, true] {
        let (h, model) = start_model().await;
        let mut checker = Checker::new(2);
        let extra = format!(
            "  storage:\n    volumes:\n      - name: data\n        source: {{persistentVolume: {{size: 1Gi}}}}\n        aerospike: {{path: /opt/aerospike/data}}\n        cascadeDelete: {cascade}\n"
        );
        h.create(&cluster_yaml("demo", &extra)).await;
        h.drive_safe("demo", &model, &mut checker, completed).await;
        let claims: Api<k8s_openapi::api::core::v1::PersistentVolumeClaim> =
            Api::namespaced(h.client.clone(), "default");
        let made: Vec<String> = claims
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .iter()
            .map(|c| c.name_any())
            .collect();
        assert_eq!(made, ["data-demo-0-0", "data-demo-0-1", "data-demo-0-2"]);
        h.clusters()
            .delete("demo", &Default::default())
            .await
            .unwrap();
        h.drive_safe("demo", &model, &mut checker, |c| c.is_none())
            .await;
        let left: Vec<String> = claims
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .iter()
            .filter(|c| c.metadata.deletion_timestamp.is_none())
            .map(|c| c.name_any())
            .collect();
        if cascade {
            assert!(left.is_empty(), "cascadeDelete: {left:?}");
        } else {
            assert_eq!(left, made, "claims kept without cascadeDelete");
        }
        assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    }
}
