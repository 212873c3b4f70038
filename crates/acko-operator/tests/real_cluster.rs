//! The scenario suite against a real Kubernetes cluster (`KUBECONFIG` set; skipped with a
//! printed notice otherwise): the scenarios of `tests/scenarios.rs` that need no simulator
//! fault knob, with real Aerospike CE pods and the safety checker on. The fault scenarios (a
//! pod that never becomes Ready, API error storms, a node going NotReady) need kube-sim's
//! knobs and run there only. See `common/real.rs` for what the cluster must provide.

mod common;

use std::collections::BTreeMap;

use acko_api::{AerospikeCluster, ClusterPhase};
use common::real::{Real, image_2};
use common::{condition, phase};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use serde_json::json;

fn completed(c: Option<&AerospikeCluster>) -> bool {
    c.is_some_and(|c| {
        phase(Some(c)) == Some(ClusterPhase::Completed)
            && c.status.as_ref().and_then(|s| s.observed_generation) == c.metadata.generation
    })
}

async fn patch_spec(r: &Real, spec: serde_json::Value) {
    r.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({ "spec": spec })),
        )
        .await
        .unwrap();
}

async fn uids(r: &Real) -> BTreeMap<String, String> {
    r.pods()
        .await
        .iter()
        .map(|(n, p)| (n.clone(), p.uid().unwrap_or_default()))
        .collect()
}

fn one_rolled(c: Option<&AerospikeCluster>) -> bool {
    c.and_then(|c| c.status.as_ref())
        .and_then(|s| s.pending_restart_pods.as_ref())
        .is_some_and(|p| p.len() == 2)
}

#[tokio::test]
async fn real_create_three_reaches_ready_and_a_no_op_writes_nothing() {
    let Some(r) = Real::connect("create-three").await else {
        return;
    };
    let mut checker = r.checker(2);
    r.clusters()
        .create(&Default::default(), &r.cluster("demo", ""))
        .await
        .unwrap();
    let c = r.drive("demo", &mut checker, completed).await.unwrap();
    assert_eq!(condition(&c, "Ready").unwrap().0, "True");
    assert_eq!(c.status.as_ref().unwrap().aerospike_cluster_size, Some(3));
    let before = r.writes();
    for _ in 0..3 {
        r.reconcile("demo").await.unwrap().unwrap();
    }
    assert_eq!(r.writes(), before, "{:?}", &r.write_log()[before..]);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    r.cleanup().await;
}

#[tokio::test]
async fn real_scale_three_to_five_to_two_safely() {
    let Some(r) = Real::connect("scale").await else {
        return;
    };
    let mut checker = r.checker(2);
    r.clusters()
        .create(&Default::default(), &r.cluster("demo", ""))
        .await
        .unwrap();
    r.drive("demo", &mut checker, completed).await;
    let before = uids(&r).await;
    patch_spec(&r, json!({"size": 5})).await;
    r.drive("demo", &mut checker, completed).await;
    let now = uids(&r).await;
    assert_eq!(now.len(), 5);
    for (name, uid) in &before {
        assert_eq!(now.get(name), Some(uid), "{name} was not restarted");
    }
    patch_spec(&r, json!({"size": 2})).await;
    r.drive("demo", &mut checker, completed).await;
    assert_eq!(r.pods().await.len(), 2);
    assert!(checker.max_down <= 1);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    r.cleanup().await;
}

#[tokio::test]
async fn real_static_config_change_rolls_with_warm_restarts() {
    let Some(r) = Real::connect("config-change").await else {
        return;
    };
    let mut checker = r.checker(2);
    r.clusters()
        .create(&Default::default(), &r.cluster("demo", ""))
        .await
        .unwrap();
    r.drive("demo", &mut checker, completed).await;
    let before = uids(&r).await;
    patch_spec(
        &r,
        json!({"aerospikeConfig": {"service": {"proto-fd-max": 20000}}}),
    )
    .await;
    r.drive("demo", &mut checker, completed).await;
    assert_eq!(uids(&r).await, before, "warm restarts keep the pods");
    let hashes: Vec<Option<String>> = r
        .pods()
        .await
        .values()
        .map(|p| p.annotations().get("acko.io/config-hash").cloned())
        .collect();
    assert!(hashes.iter().all(|h| h.is_some() && h == &hashes[0]));
    assert!(
        checker.pod_deletions.is_empty(),
        "{:?}",
        checker.pod_deletions
    );
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    r.cleanup().await;
}

#[tokio::test]
async fn real_pod_spec_change_deletes_pods_one_at_a_time() {
    let Some(r) = Real::connect("pod-spec-change").await else {
        return;
    };
    let mut checker = r.checker(2);
    r.clusters()
        .create(&Default::default(), &r.cluster("demo", ""))
        .await
        .unwrap();
    r.drive("demo", &mut checker, completed).await;
    patch_spec(&r, json!({"image": image_2()})).await;
    r.drive("demo", &mut checker, completed).await;
    assert_eq!(
        checker.pod_deletions.len(),
        3,
        "{:?}",
        checker.pod_deletions
    );
    assert!(checker.max_down <= 1);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    r.cleanup().await;
}

#[tokio::test]
async fn real_rack_added_then_removed() {
    let Some(r) = Real::connect("racks").await else {
        return;
    };
    let mut checker = r.checker(2);
    r.clusters()
        .create(
            &Default::default(),
            &r.cluster("demo", "  rackConfig:\n    racks: [{id: 1}]\n"),
        )
        .await
        .unwrap();
    r.drive("demo", &mut checker, completed).await;
    patch_spec(
        &r,
        json!({"size": 4, "rackConfig": {"racks": [{"id": 1}, {"id": 2}]}}),
    )
    .await;
    r.drive("demo", &mut checker, completed).await;
    patch_spec(&r, json!({"size": 3, "rackConfig": {"racks": [{"id": 1}]}})).await;
    r.drive("demo", &mut checker, completed).await;
    let names: Vec<String> = r.pods().await.keys().cloned().collect();
    assert_eq!(names, ["demo-1-0", "demo-1-1", "demo-1-2"]);
    let sts: Api<StatefulSet> = Api::namespaced(r.client.clone(), &r.ns);
    assert!(sts.get_opt("demo-2").await.unwrap().is_none());
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    r.cleanup().await;
}

#[tokio::test]
async fn real_pause_mid_roll_then_resume() {
    let Some(r) = Real::connect("pause").await else {
        return;
    };
    let mut checker = r.checker(2);
    r.clusters()
        .create(&Default::default(), &r.cluster("demo", ""))
        .await
        .unwrap();
    r.drive("demo", &mut checker, completed).await;
    patch_spec(&r, json!({"image": image_2()})).await;
    r.drive("demo", &mut checker, one_rolled).await;
    patch_spec(&r, json!({"paused": true})).await;
    r.drive("demo", &mut checker, |c| {
        phase(c) == Some(ClusterPhase::Paused)
    })
    .await;
    let at_pause = checker.pod_deletions.len();
    let writes = r.writes();
    for _ in 0..3 {
        r.reconcile("demo").await.unwrap().unwrap();
    }
    assert!(
        r.write_log()[writes..]
            .iter()
            .all(|w| w.ends_with("/status")),
        "paused: status writes only"
    );
    assert_eq!(checker.pod_deletions.len(), at_pause);
    patch_spec(&r, json!({"paused": false})).await;
    r.drive("demo", &mut checker, completed).await;
    assert_eq!(checker.pod_deletions.len(), 3);
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    r.cleanup().await;
}

#[tokio::test]
async fn real_operator_restarted_mid_roll_resumes_without_redoing_pods() {
    let Some(mut r) = Real::connect("restart").await else {
        return;
    };
    let mut checker = r.checker(2);
    r.clusters()
        .create(&Default::default(), &r.cluster("demo", ""))
        .await
        .unwrap();
    r.drive("demo", &mut checker, completed).await;
    patch_spec(&r, json!({"image": image_2()})).await;
    r.drive("demo", &mut checker, one_rolled).await;
    r.restart_operator();
    r.drive("demo", &mut checker, completed).await;
    for pod in ["demo-0-0", "demo-0-1", "demo-0-2"] {
        let n = checker
            .pod_deletions
            .iter()
            .filter(|d| d.ends_with(&format!("/pods/{pod}")))
            .count();
        assert_eq!(n, 1, "{pod}: {:?}", checker.pod_deletions);
    }
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    r.cleanup().await;
}

const CASCADE: &str = "  storage:
    volumes:
      - name: data
        source: {persistentVolume: {size: 1Gi}}
        aerospike: {path: /opt/aerospike/data}
        cascadeDelete: CASCADE
";

async fn delete_keeps_claims(cascade: bool) -> Option<bool> {
    let r = Real::connect(if cascade {
        "delete-cascade"
    } else {
        "delete-keep"
    })
    .await?;
    let mut checker = r.checker(2);
    let extra = CASCADE.replace("CASCADE", if cascade { "true" } else { "false" });
    r.clusters()
        .create(&Default::default(), &r.cluster("demo", &extra))
        .await
        .unwrap();
    r.drive("demo", &mut checker, completed).await;
    r.clusters()
        .delete("demo", &DeleteParams::default())
        .await
        .unwrap();
    r.drive("demo", &mut checker, |c| c.is_none()).await;
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(r.client.clone(), &r.ns);
    let kept = claims
        .get_opt("data-demo-0-0")
        .await
        .unwrap()
        .is_some_and(|p| p.metadata.deletion_timestamp.is_none());
    r.cleanup().await;
    Some(kept)
}

#[tokio::test]
async fn real_delete_without_cascade_keeps_claims() {
    let Some(kept) = delete_keeps_claims(false).await else {
        return;
    };
    assert!(kept, "PVC must survive");
}

#[tokio::test]
async fn real_delete_with_cascade_removes_claims() {
    let Some(kept) = delete_keeps_claims(true).await else {
        return;
    };
    assert!(!kept, "PVC must be deleted");
}
