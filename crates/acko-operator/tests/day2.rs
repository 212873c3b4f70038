//! Day-2 scenarios on kube-sim: the circuit breaker, templates (snapshot, drift, resync,
//! protection), on-demand operations, and the ACL condition. Each asserts the status fields the
//! manager reads (`crates/acm/src/http/k8s/`).

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use acko_api::contract::operator::{
    ANNOTATION_RESET_CIRCUIT_BREAKER, ANNOTATION_RESYNC_TEMPLATE, TEMPLATE_FINALIZER,
};
use acko_api::{AerospikeCluster, AerospikeClusterTemplate, ClusterPhase, OperationPhase};
use acko_operator::shell::template_controller::reconcile_template;
use common::safety::Checker;
use common::*;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

fn completed(c: Option<&AerospikeCluster>) -> bool {
    c.is_some_and(|c| {
        phase(Some(c)) == Some(ClusterPhase::Completed)
            && c.status.as_ref().and_then(|s| s.observed_generation) == c.metadata.generation
    })
}

async fn pod_uids(h: &Harness) -> BTreeMap<String, String> {
    Api::<Pod>::namespaced(h.client.clone(), "default")
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|p| (p.name_any(), p.uid().unwrap_or_default()))
        .collect()
}

async fn annotate(h: &Harness, key: &str, value: &str) {
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {key: value}}})),
        )
        .await
        .unwrap();
}

/// Reasons of the operator's events (events.k8s.io/v1, as kube-runtime's recorder writes them).
async fn reasons(h: &Harness) -> Vec<String> {
    events(h).await.into_iter().map(|(r, _)| r).collect()
}

async fn events(h: &Harness) -> Vec<(String, String)> {
    let api: Api<k8s_openapi::api::events::v1::Event> = Api::all(h.client.clone());
    api.list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| (e.reason.unwrap_or_default(), e.note.unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn breaker_opens_after_injected_api_failures_and_the_reset_annotation_closes_it() {
    let mut h = start().await;
    Arc::get_mut(&mut h.ctx)
        .expect("sole owner")
        .breaker_threshold = 3;
    h.create(&cluster_yaml("demo", "")).await;
    // Finalizer, then objects: every apply of a StatefulSet fails from now on.
    h.reconcile("demo").await;
    h.sim.fault(kube_sim::ApiFault::error(
        Some("patch"),
        Some("statefulsets"),
        500,
    ));
    for _ in 0..3 {
        let r = h.reconcile("demo").await.unwrap();
        assert!(r.is_err(), "the injected fault fails the reconcile");
    }
    let c = h.get("demo").await;
    let s = c.status.clone().unwrap();
    assert_eq!(s.failed_reconcile_count, Some(3));
    assert_eq!(s.phase, Some(ClusterPhase::BackoffActive));
    assert!(s.backoff_until.is_some() && s.last_failure_time.is_some());
    let until = s.backoff_until.as_ref().unwrap().0;
    let failed_at = s.last_failure_time.as_ref().unwrap().0;
    assert_eq!(
        until.as_second() - failed_at.as_second(),
        30,
        "first backoff is 30 s"
    );
    assert!(
        s.last_reconcile_error.as_deref().unwrap().contains("500"),
        "{s:?}"
    );
    assert!(
        s.phase_reason
            .unwrap()
            .contains(ANNOTATION_RESET_CIRCUIT_BREAKER)
    );
    assert!(reasons(&h).await.contains(&"CircuitBreakerOpen".to_owned()));

    // Open: a reconcile does nothing at all (no write, count unchanged).
    let before = h.writes();
    assert_eq!(h.reconcile("demo").await, Some(Ok(())));
    assert_eq!(h.writes(), before, "{:?}", &h.write_log()[before..]);
    assert_eq!(
        h.get("demo").await.status.unwrap().failed_reconcile_count,
        Some(3)
    );

    // The manager's reset: the annotation. The operator reconciles at once, clears the
    // count, removes the annotation.
    h.sim.clear_faults();
    annotate(&h, ANNOTATION_RESET_CIRCUIT_BREAKER, "2026-12-07T17:00:00Z").await;
    assert_eq!(h.reconcile("demo").await, Some(Ok(())));
    let c = h.get("demo").await;
    assert!(
        !c.annotations()
            .contains_key(ANNOTATION_RESET_CIRCUIT_BREAKER)
    );
    let s = c.status.unwrap();
    assert_eq!((s.failed_reconcile_count, s.backoff_until), (None, None));
    assert_ne!(s.phase, Some(ClusterPhase::BackoffActive));
    assert_eq!(s.last_reconcile_error, None);
    assert!(
        reasons(&h)
            .await
            .contains(&"CircuitBreakerReset".to_owned())
    );
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    assert!(
        sts.get_opt("demo-0").await.unwrap().is_some(),
        "applied after the reset"
    );
}

#[tokio::test]
async fn a_failure_below_the_threshold_counts_and_a_success_resets() {
    let mut h = start().await;
    Arc::get_mut(&mut h.ctx)
        .expect("sole owner")
        .breaker_threshold = 3;
    h.create(&cluster_yaml("demo", "")).await;
    h.reconcile("demo").await;
    h.sim
        .fault(kube_sim::ApiFault::error(Some("patch"), Some("statefulsets"), 500).times(1));
    assert!(h.reconcile("demo").await.unwrap().is_err());
    let s = h.get("demo").await.status.unwrap();
    assert_eq!(s.failed_reconcile_count, Some(1));
    assert_eq!(s.backoff_until, None);
    assert_ne!(s.phase, Some(ClusterPhase::BackoffActive));
    assert_eq!(h.reconcile("demo").await, Some(Ok(())));
    let s = h.get("demo").await.status.unwrap();
    assert_eq!(s.failed_reconcile_count, None);
    assert!(
        s.last_failure_time.is_some(),
        "the last failure time stays as history"
    );
}

fn template(size: i32) -> AerospikeClusterTemplate {
    serde_json::from_value(json!({
        "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeClusterTemplate",
        "metadata": {"name": "base"},
        "spec": {"size": size, "image": "aerospike:ce-8.1.1.1"}
    }))
    .unwrap()
}

fn templated_cluster() -> AerospikeCluster {
    serde_saphyr::from_str(
        "apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata: {name: demo, namespace: default}
spec:
  templateRef: {name: base}
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 2
        storage-engine: {type: memory, data-size: 1073741824}
",
    )
    .unwrap()
}

async fn replicas(h: &Harness) -> Option<i32> {
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    sts.get_opt("demo-0")
        .await
        .unwrap()
        .and_then(|s| s.spec)
        .and_then(|s| s.replicas)
}

async fn settle(h: &Harness) {
    for _ in 0..10 {
        let before = h.writes();
        let _ = h.reconcile("demo").await;
        if h.writes() == before {
            return;
        }
    }
    panic!("no quiet reconcile after 10 rounds: {:?}", h.write_log());
}

#[tokio::test]
async fn template_changed_then_resynced() {
    let h = start().await;
    let templates: Api<AerospikeClusterTemplate> = Api::all(h.client.clone());
    templates
        .create(&PostParams::default(), &template(2))
        .await
        .unwrap();
    h.create(&templated_cluster()).await;
    settle(&h).await;
    assert_eq!(replicas(&h).await, Some(2), "size from the template");
    let snap = h
        .get("demo")
        .await
        .status
        .unwrap()
        .template_snapshot
        .unwrap();
    let rv1 = templates.get("base").await.unwrap().resource_version();
    assert_eq!((snap.name.as_str(), snap.synced), ("base", true));
    assert_eq!(snap.resource_version, rv1);
    assert!(snap.last_sync_time.is_some() && snap.snapshot_timestamp.is_some());
    assert_eq!(snap.spec.unwrap().size, Some(2));

    // Protection: the template controller adds the finalizer and lists the user.
    let ctx = h.ctx.clone();
    reconcile_template(Arc::new(templates.get("base").await.unwrap()), ctx.clone())
        .await
        .unwrap();
    let t = templates.get("base").await.unwrap();
    assert!(t.finalizers().iter().any(|f| f == TEMPLATE_FINALIZER));
    assert_eq!(
        t.status.unwrap().used_by,
        Some(vec!["default/demo".to_owned()])
    );

    // The template changes: the cluster keeps its snapshot and says OutOfSync.
    templates
        .patch(
            "base",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"size": 4}})),
        )
        .await
        .unwrap();
    settle(&h).await;
    assert_eq!(replicas(&h).await, Some(2), "the snapshot is kept");
    let snap = h
        .get("demo")
        .await
        .status
        .unwrap()
        .template_snapshot
        .unwrap();
    assert!(!snap.synced);
    assert_eq!(snap.resource_version, rv1);
    assert!(reasons(&h).await.contains(&"TemplateDrifted".to_owned()));

    // Resync: the new version is taken (and rolled out), the annotation is acknowledged.
    annotate(&h, ANNOTATION_RESYNC_TEMPLATE, "true").await;
    settle(&h).await;
    assert_eq!(
        replicas(&h).await,
        Some(4),
        "the new template version scales the rack"
    );
    let c = h.get("demo").await;
    assert!(!c.annotations().contains_key(ANNOTATION_RESYNC_TEMPLATE));
    let snap = c.status.unwrap().template_snapshot.unwrap();
    assert!(snap.synced);
    assert_eq!(
        snap.resource_version,
        templates.get("base").await.unwrap().resource_version()
    );
    assert!(reasons(&h).await.contains(&"TemplateResynced".to_owned()));

    // A referenced template cannot be deleted: it stays, with a Warning naming the cluster.
    templates
        .delete("base", &DeleteParams::default())
        .await
        .unwrap();
    let t = templates.get("base").await.expect("kept by the finalizer");
    assert!(t.metadata.deletion_timestamp.is_some());
    reconcile_template(Arc::new(t), ctx.clone()).await.unwrap();
    let warned = events(&h)
        .await
        .into_iter()
        .any(|(r, m)| r == "TemplateInUse" && m.contains("default/demo"));
    assert!(warned, "events: {:?}", events(&h).await);
    assert!(templates.get_opt("base").await.unwrap().is_some());
    // Once the cluster is gone the finalizer is released and the template disappears.
    h.clusters()
        .delete("demo", &DeleteParams::default())
        .await
        .unwrap();
    for _ in 0..5 {
        if h.reconcile("demo").await.is_none() {
            break;
        }
    }
    assert!(h.clusters().get_opt("demo").await.unwrap().is_none());
    let t = templates.get("base").await.unwrap();
    reconcile_template(Arc::new(t), ctx).await.unwrap();
    assert!(templates.get_opt("base").await.unwrap().is_none());
}

async fn set_operation(h: &Harness, op: serde_json::Value) {
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"operations": [op]}})),
        )
        .await
        .unwrap();
}

fn op_phase(c: Option<&AerospikeCluster>) -> Option<OperationPhase> {
    c.and_then(|c| c.status.as_ref())
        .and_then(|s| s.operation_status.as_ref())
        .map(|o| o.phase)
}

#[tokio::test]
async fn pod_restart_operation_restarts_every_pod_safely_and_stays_until_removed() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let before = pod_uids(&h).await;
    set_operation(&h, json!({"kind": "PodRestart", "id": "op1"})).await;
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            op_phase(c) == Some(OperationPhase::Completed) && completed(c)
        })
        .await
        .unwrap();
    let op = c.status.as_ref().unwrap().operation_status.clone().unwrap();
    let mut done = op.completed_pods.clone().unwrap();
    done.sort();
    assert_eq!(done, ["demo-0-0", "demo-0-1", "demo-0-2"]);
    assert_eq!(
        (op.failed_pods.clone(), op.in_flight_pods.clone()),
        (None, None),
        "{op:?}"
    );
    assert!(op.start_time.is_some() && op.finish_time.is_some());
    let after = pod_uids(&h).await;
    for (name, uid) in &before {
        assert_ne!(after.get(name), Some(uid), "{name} was recreated");
    }
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
    let pods = c.status.unwrap().pods.unwrap();
    assert!(
        pods.values()
            .all(|p| p.last_restart_reason == Some(acko_api::RestartReason::ManualRestart))
    );
    // The finished operation stays; a quiet reconcile does not restart anything.
    let uids = pod_uids(&h).await;
    h.reconcile("demo").await;
    assert_eq!(pod_uids(&h).await, uids);
    assert_eq!(
        op_phase(Some(&h.get("demo").await)),
        Some(OperationPhase::Completed)
    );
    // Removed from the spec: the status goes.
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"operations": null}})),
        )
        .await
        .unwrap();
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            completed(c) && op_phase(c).is_none()
        })
        .await;
    assert!(c.is_some());
}

#[tokio::test]
async fn operation_with_a_pod_that_dies_mid_operation_waits_then_completes() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    set_operation(&h, json!({"kind": "PodRestart", "id": "op2"})).await;
    // Run until the first pod is in flight.
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            c.and_then(|c| c.status.as_ref())
                .and_then(|s| s.operation_status.as_ref())
                .is_some_and(|o| o.in_flight_pods.is_some())
        })
        .await
        .unwrap();
    let in_flight = c
        .status
        .unwrap()
        .operation_status
        .unwrap()
        .in_flight_pods
        .unwrap();
    // Another target pod dies (deleted by someone else).
    let victim = ["demo-0-0", "demo-0-1", "demo-0-2"]
        .into_iter()
        .find(|p| !in_flight.iter().any(|f| f == p))
        .unwrap();
    Api::<Pod>::namespaced(h.client.clone(), "default")
        .delete(victim, &DeleteParams::default())
        .await
        .unwrap();
    // The operator restarts nothing else while two pods are down; the operation finishes once
    // the cluster heals.
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            op_phase(c) == Some(OperationPhase::Completed)
        })
        .await
        .unwrap();
    let op = c.status.unwrap().operation_status.unwrap();
    assert_eq!(op.completed_pods.map(|p| p.len()), Some(3));
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn warm_restart_operation_on_a_pod_list_uses_the_pod_contract() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let before = pod_uids(&h).await;
    set_operation(
        &h,
        json!({"kind": "WarmRestart", "id": "w1", "podList": ["demo-0-1"]}),
    )
    .await;
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            op_phase(c) == Some(OperationPhase::Completed) && completed(c)
        })
        .await
        .unwrap();
    assert_eq!(
        c.status.unwrap().operation_status.unwrap().completed_pods,
        Some(vec!["demo-0-1".to_owned()])
    );
    assert_eq!(pod_uids(&h).await, before, "no pod was deleted");
    assert_eq!(
        model
            .warm_requests()
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>(),
        ["demo-0-1"]
    );
}

#[tokio::test]
async fn an_operation_naming_an_unknown_pod_fails_at_once_without_restarting() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let before = pod_uids(&h).await;
    set_operation(
        &h,
        json!({"kind": "PodRestart", "id": "bad", "podList": ["demo-0-9"]}),
    )
    .await;
    let c = h
        .drive_safe("demo", &model, &mut checker, |c| {
            op_phase(c) == Some(OperationPhase::Failed) && completed(c)
        })
        .await
        .unwrap();
    let op = c.status.as_ref().unwrap().operation_status.clone().unwrap();
    assert_eq!(op.failed_pods, Some(vec!["demo-0-9".to_owned()]));
    assert!(op.message.unwrap().contains("demo-0-9"));
    let cond = condition(&c, "OperationSucceeded").unwrap();
    assert_eq!(
        (cond.0.as_str(), cond.1.as_str()),
        ("False", "OperationFailed")
    );
    assert_eq!(pod_uids(&h).await, before);
    assert!(
        reasons(&h).await.contains(&"OperationFailed".to_owned()),
        "{:?}",
        reasons(&h).await
    );
    // No loop: another reconcile writes nothing.
    let w = h.writes();
    h.reconcile("demo").await;
    assert_eq!(h.writes(), w, "{:?}", &h.write_log()[w..]);
}

#[tokio::test]
async fn access_control_on_ce_sets_acl_unsupported_and_changes_nothing() {
    let h = start().await;
    let c = cluster_yaml(
        "demo",
        "  aerospikeAccessControl:\n    users: [{name: admin, secretName: s, roles: [sys-admin]}]\n",
    );
    h.create(&c).await;
    for _ in 0..3 {
        h.reconcile("demo").await;
    }
    let c = h.get("demo").await;
    let (status, reason, message) = condition(&c, "ACLUnsupported").unwrap();
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("True", "CommunityEdition")
    );
    assert!(
        message.contains("Community Edition has no security"),
        "{message}"
    );
    assert_eq!(phase(Some(&c)), Some(ClusterPhase::Error));
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    assert!(
        sts.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let writes: Vec<String> = h
        .write_log()
        .into_iter()
        .filter(|w| !w.contains("/events") && !w.ends_with("/status") && !w.starts_with("POST"))
        .collect();
    assert_eq!(writes.len(), 1, "only the finalizer: {writes:?}");
    assert!(reasons(&h).await.contains(&"ACLUnsupported".to_owned()));
}

fn dynamic_cluster(threads: u32) -> AerospikeCluster {
    let mut c = cluster_yaml("demo", "  enableDynamicConfigUpdate: true\n");
    c.spec
        .aerospike_config
        .as_mut()
        .unwrap()
        .insert("service".into(), json!({"migrate-threads": threads}));
    c
}

async fn set_threads(h: &Harness, threads: u32) {
    let c = h.get("demo").await;
    let mut config = c.spec.aerospike_config.clone().unwrap();
    config.insert("service".into(), json!({"migrate-threads": threads}));
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"aerospikeConfig": config}})),
        )
        .await
        .unwrap();
}

fn pod_dynamic(c: &AerospikeCluster, pod: &str) -> Option<acko_api::AerospikePodStatus> {
    c.status.as_ref()?.pods.as_ref()?.get(pod).cloned()
}

#[tokio::test]
async fn a_dynamic_change_is_applied_without_restarting_any_pod() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&dynamic_cluster(1)).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let before = pod_uids(&h).await;
    set_threads(&h, 4).await;
    let c = h
        .drive_safe("demo", &model, &mut checker, completed)
        .await
        .unwrap();
    assert_eq!(pod_uids(&h).await, before, "no pod restarted");
    assert!(model.warm_requests().is_empty(), "no warm restart either");
    for pod in ["demo-0-0", "demo-0-1", "demo-0-2"] {
        assert_eq!(
            model.config_value(pod, "migrate-threads").as_deref(),
            Some("4")
        );
        let s = pod_dynamic(&c, pod).unwrap();
        assert_eq!(
            s.dynamic_config_status,
            Some(acko_api::DynamicConfigStatus::Applied)
        );
        let ch = &s.dynamic_config_changes.unwrap()[0];
        assert_eq!(
            (
                ch.path.as_str(),
                ch.old_value.as_deref(),
                ch.new_value.as_deref()
            ),
            ("service.migrate-threads", Some("1"), Some("4"))
        );
    }
    assert_eq!(condition(&c, "ConfigApplied").unwrap().0, "True");
    assert!(
        reasons(&h)
            .await
            .contains(&"DynamicConfigApplied".to_owned())
    );
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn a_dynamic_change_refused_by_one_node_rolls_back_the_others_then_rolls() {
    let (h, model) = start_model().await;
    let mut checker = Checker::new(2);
    h.create(&dynamic_cluster(1)).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    model.refuse_set_config("demo-0-2", "migrate-threads");
    set_threads(&h, 4).await;
    let failed = |c: Option<&AerospikeCluster>| {
        c.and_then(|c| pod_dynamic(c, "demo-0-2"))
            .is_some_and(|p| p.dynamic_config_status == Some(acko_api::DynamicConfigStatus::Failed))
    };
    let c = h
        .drive_safe("demo", &model, &mut checker, failed)
        .await
        .unwrap();
    // The refusing node names the key and the server's message; the others were rolled back.
    let bad = pod_dynamic(&c, "demo-0-2")
        .unwrap()
        .dynamic_config_changes
        .unwrap();
    assert_eq!(bad[0].result.as_deref(), Some("Failed"));
    assert!(
        bad[0]
            .message
            .as_deref()
            .unwrap()
            .contains("invalid set-config parameter")
    );
    for pod in ["demo-0-0", "demo-0-1"] {
        let s = pod_dynamic(&c, pod).unwrap();
        assert_eq!(
            s.dynamic_config_status,
            Some(acko_api::DynamicConfigStatus::Failed)
        );
        assert_eq!(
            s.dynamic_config_changes.unwrap()[0].result.as_deref(),
            Some("RolledBack")
        );
        assert_eq!(
            model.config_value(pod, "migrate-threads").as_deref(),
            Some("1")
        );
    }
    let r = reasons(&h).await;
    assert!(
        r.contains(&"DynamicConfigFailed".to_owned())
            && r.contains(&"DynamicConfigRolledBack".to_owned())
    );
    // Then the change goes through the rolling restart (warm: only the config changed).
    let c = h
        .drive_safe("demo", &model, &mut checker, completed)
        .await
        .unwrap();
    let mut warm: Vec<String> = model.warm_requests().into_iter().map(|(p, _)| p).collect();
    warm.sort();
    assert_eq!(warm, ["demo-0-0", "demo-0-1", "demo-0-2"]);
    assert_eq!(condition(&c, "ConfigApplied").unwrap().0, "True");
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}

#[tokio::test]
async fn pods_on_a_newly_blocked_node_move_off_it_safely() {
    let (h, model) = start_model_nodes(4).await;
    let mut checker = Checker::new(2);
    h.create(&cluster_yaml("demo", "")).await;
    h.drive_safe("demo", &model, &mut checker, completed).await;
    let pods: Api<Pod> = Api::namespaced(h.client.clone(), "default");
    let node_of = |p: &Pod| p.spec.as_ref().and_then(|s| s.node_name.clone());
    let blocked = node_of(&pods.get("demo-0-1").await.unwrap()).expect("scheduled");
    let from = h.write_log().len();
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"k8sNodeBlockList": [blocked.clone()]}})),
        )
        .await
        .unwrap();
    h.drive_safe("demo", &model, &mut checker, completed).await;
    for p in pods.list(&ListParams::default()).await.unwrap().items {
        assert_ne!(
            node_of(&p).as_deref(),
            Some(blocked.as_str()),
            "{} is still on {blocked}",
            p.name_any()
        );
    }
    // The pod on the blocked node went first (the rest roll for the new pod spec after it).
    let first_delete = h.write_log()[from..]
        .iter()
        .find(|w| w.starts_with("DELETE") && w.contains("/pods/"))
        .cloned()
        .unwrap();
    assert!(first_delete.ends_with("/pods/demo-0-1"), "{first_delete}");
    assert!(checker.violations.is_empty(), "{:?}", checker.violations);
}
