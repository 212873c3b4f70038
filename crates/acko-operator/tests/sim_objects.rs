//! The operator against kube-sim's API server: apply set, owner references, field manager,
//! zero writes on a no-op reconcile, pruning, invalid spec, pause, optional CRDs, deletion.

mod common;

use acko_api::ClusterPhase;
use common::*;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Event, PersistentVolumeClaim, Service};
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

/// Reconciles until the operator only waits (no pods run without the simulated kubelet).
async fn settle(h: &Harness, name: &str) {
    for _ in 0..20 {
        let before = h.writes();
        h.reconcile(name)
            .await
            .expect("cluster exists")
            .expect("reconcile ok");
        if h.writes() == before {
            return;
        }
    }
    panic!("reconcile kept writing: {:?}", h.write_log());
}

#[tokio::test]
async fn create_applies_every_rendered_object_owned_and_managed_by_acko() {
    let h = start().await;
    let created = h.create(&cluster_yaml("demo", "")).await;
    settle(&h, "demo").await;
    let c = h.get("demo").await;
    assert!(c.finalizers().iter().any(|f| f == "acko.io/finalizer"));
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    let s = sts.get("demo-0").await.expect("StatefulSet demo-0");
    assert_eq!(s.spec.as_ref().unwrap().replicas, Some(3));
    assert_eq!(s.owner_references()[0].uid, created.uid().unwrap());
    assert!(
        s.managed_fields()
            .iter()
            .any(|m| m.manager.as_deref() == Some("acko")),
        "{:?}",
        s.managed_fields()
    );
    let cms: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    assert!(cms.get("demo-0-config").await.is_ok());
    let svcs: Api<Service> = Api::namespaced(h.client.clone(), "default");
    assert!(svcs.get("demo-headless").await.is_ok());
    let status = c.status.expect("status written");
    assert_eq!(status.observed_generation, c.metadata.generation);
    assert_eq!(status.phase, Some(ClusterPhase::InProgress));
    assert!(status.health.unwrap().ends_with("/3"));
    assert!(
        status
            .selector
            .unwrap()
            .contains("app.kubernetes.io/instance=demo")
    );
}

#[tokio::test]
async fn a_no_op_reconcile_makes_zero_write_calls() {
    let h = start().await;
    h.create(&cluster_yaml("demo", "")).await;
    settle(&h, "demo").await;
    let before = h.writes();
    let log_before = h.write_log().len();
    for _ in 0..3 {
        h.reconcile("demo").await.unwrap().unwrap();
    }
    assert_eq!(
        h.writes() - before,
        0,
        "writes on a no-op reconcile: {:?}",
        &h.write_log()[log_before..]
    );
    assert!(before > 0, "the first reconciles did write");
}

#[tokio::test]
async fn objects_no_longer_desired_are_pruned() {
    let h = start().await;
    h.create(&cluster_yaml(
        "demo",
        "  seedsFinderServices:\n    loadBalancer: {port: 3000}\n",
    ))
    .await;
    settle(&h, "demo").await;
    let svcs: Api<Service> = Api::namespaced(h.client.clone(), "default");
    assert!(svcs.get("demo-seeds-lb").await.is_ok());
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"seedsFinderServices": null}})),
        )
        .await
        .unwrap();
    settle(&h, "demo").await;
    assert!(svcs.get_opt("demo-seeds-lb").await.unwrap().is_none());
    assert!(svcs.get_opt("demo-headless").await.unwrap().is_some());
}

#[tokio::test]
async fn invalid_spec_is_phase_error_with_every_path_and_creates_nothing() {
    let h = start().await;
    // An Enterprise image is refused by the CRD's CEL rule at the API server (kube-sim
    // evaluates CEL like a real apiserver), with the field path.
    let mut ee = cluster_yaml("ee", "");
    ee.spec.image = Some("aerospike/aerospike-server-enterprise:8.1.0.0".into());
    let err = h
        .clusters()
        .create(&kube::api::PostParams::default(), &ee)
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 422 && s.message.contains("spec.image")),
        "{err:?}"
    );
    // Passes the CRD schema and its CEL rules but not acko validation: duplicate rack ids.
    let c = cluster_yaml("bad", "  rackConfig:\n    racks: [{id: 1}, {id: 1}]\n");
    h.create(&c).await;
    settle(&h, "bad").await;
    let got = h.get("bad").await;
    let status = got.status.clone().unwrap();
    assert_eq!(status.phase, Some(ClusterPhase::Error));
    let reason = status.phase_reason.unwrap();
    assert!(
        reason.contains("spec.rackConfig.racks: duplicate rack id"),
        "{reason}"
    );
    let (st, why, _) = condition(&got, "ReconcileSuccess").unwrap();
    assert_eq!((st.as_str(), why.as_str()), ("False", "InvalidSpec"));
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    assert!(
        sts.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn paused_cluster_is_left_alone() {
    let h = start().await;
    h.create(&cluster_yaml("demo", "")).await;
    settle(&h, "demo").await;
    let cms: Api<ConfigMap> = Api::namespaced(h.client.clone(), "default");
    let before = cms.get("demo-0-config").await.unwrap();
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"paused": true, "aerospikeConfig": {"service": {"proto-fd-max": 20000}}}})),
        )
        .await
        .unwrap();
    settle(&h, "demo").await;
    let after = cms.get("demo-0-config").await.unwrap();
    assert_eq!(before.data, after.data);
    assert_eq!(
        phase(Some(&h.get("demo").await)),
        Some(ClusterPhase::Paused)
    );
    // Unpaused: the change is applied.
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"paused": false}})),
        )
        .await
        .unwrap();
    settle(&h, "demo").await;
    let applied = cms.get("demo-0-config").await.unwrap();
    assert_ne!(before.data, applied.data);
}

#[tokio::test]
async fn missing_optional_crd_is_a_condition_and_a_warning_event() {
    let h = start().await;
    h.create(&cluster_yaml(
        "demo",
        "  monitoring:\n    enabled: true\n    serviceMonitor: {enabled: true}\n",
    ))
    .await;
    settle(&h, "demo").await;
    let c = h.get("demo").await;
    let (st, reason, msg) = condition(&c, "OptionalResourcesAvailable").unwrap();
    assert_eq!((st.as_str(), reason.as_str()), ("False", "CRDMissing"));
    assert!(msg.contains("ServiceMonitor"), "{msg}");
    assert_ne!(phase(Some(&c)), Some(ClusterPhase::Error));
    let events: Api<Event> = Api::namespaced(h.client.clone(), "default");
    let evs = events.list(&ListParams::default()).await.unwrap().items;
    let ev_v1: Api<k8s_openapi::api::events::v1::Event> =
        Api::namespaced(h.client.clone(), "default");
    let evs2 = ev_v1.list(&ListParams::default()).await.unwrap().items;
    let found = evs
        .iter()
        .any(|e| e.reason.as_deref() == Some("OptionalCrdMissing"))
        || evs2
            .iter()
            .any(|e| e.reason.as_deref() == Some("OptionalCrdMissing"));
    assert!(
        found,
        "no OptionalCrdMissing event among {} + {} events",
        evs.len(),
        evs2.len()
    );
}

/// A prometheus-operator CRD as the monitoring stack installs it (schema kept open).
fn monitoring_crd(plural: &str, kind: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{plural}.monitoring.coreos.com")},
        "spec": {
            "group": "monitoring.coreos.com",
            "scope": "Namespaced",
            "names": {"plural": plural, "singular": kind.to_lowercase(), "kind": kind},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}
            }]
        }
    })
}

fn alert_names(rule: &kube::api::DynamicObject) -> Vec<String> {
    let mut out = Vec::new();
    for group in rule.data["spec"]["groups"].as_array().into_iter().flatten() {
        for r in group["rules"].as_array().into_iter().flatten() {
            if let Some(a) = r["alert"].as_str() {
                out.push(a.to_owned());
            }
        }
    }
    out
}

#[tokio::test]
async fn with_the_monitoring_crds_the_service_monitor_and_built_in_alerts_are_applied() {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
    let mut h = start().await;
    let crds: Api<CustomResourceDefinition> = Api::all(h.client.clone());
    for (plural, kind) in [
        ("servicemonitors", "ServiceMonitor"),
        ("prometheusrules", "PrometheusRule"),
    ] {
        let crd: CustomResourceDefinition =
            serde_json::from_value(monitoring_crd(plural, kind)).unwrap();
        crds.create(&PostParams::default(), &crd)
            .await
            .expect("CRD created");
    }
    rediscover_operator(&mut h).await;
    h.create(&cluster_yaml(
        "demo",
        "  monitoring:\n    enabled: true\n    serviceMonitor: {enabled: true}\n    prometheusRule: {enabled: true}\n",
    ))
    .await;
    settle(&h, "demo").await;
    let c = h.get("demo").await;
    assert_ne!(
        condition(&c, "OptionalResourcesAvailable").map(|(s, _, _)| s),
        Some("False".to_owned()),
        "the CRDs are installed"
    );
    let gvk = |kind: &str| GroupVersionKind::gvk("monitoring.coreos.com", "v1", kind);
    let monitors: Api<DynamicObject> = Api::namespaced_with(
        h.client.clone(),
        "default",
        &ApiResource::from_gvk(&gvk("ServiceMonitor")),
    );
    let rules: Api<DynamicObject> = Api::namespaced_with(
        h.client.clone(),
        "default",
        &ApiResource::from_gvk(&gvk("PrometheusRule")),
    );
    let monitor = monitors
        .get("demo-monitor")
        .await
        .expect("ServiceMonitor applied");
    assert_eq!(monitor.owner_references()[0].name, "demo");
    let rule = rules
        .get("demo-alerts")
        .await
        .expect("PrometheusRule applied");
    let names = alert_names(&rule);
    for alert in ["NodeDown", "StopWrites", "HighDiskUsage", "HighMemoryUsage"] {
        assert!(
            names.iter().any(|n| n.contains(alert)),
            "{alert} missing from {names:?}"
        );
    }
    // The exporter sidecar and its Service.
    let sts: Api<StatefulSet> = Api::namespaced(h.client.clone(), "default");
    let sts = sts.get("demo-0").await.expect("StatefulSet");
    let containers = &sts.spec.unwrap().template.spec.unwrap().containers;
    assert!(
        containers.len() >= 2,
        "exporter sidecar: {:?}",
        containers.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
    let services: Api<Service> = Api::namespaced(h.client.clone(), "default");
    services.get("demo-metrics").await.expect("metrics Service");
}

/// customRules replace the built-in alerts entirely — on the API server too.
#[tokio::test]
#[ignore = "kube-sim bug found here: a server-side apply keeps a rule group the field manager stopped applying (a real API server drops it); acko-render replaces the groups (acko-render and plan::monitoring tests)"]
async fn custom_rules_replace_the_built_in_alerts_on_the_api_server() {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
    let mut h = start().await;
    let crds: Api<CustomResourceDefinition> = Api::all(h.client.clone());
    for (plural, kind) in [
        ("servicemonitors", "ServiceMonitor"),
        ("prometheusrules", "PrometheusRule"),
    ] {
        let crd: CustomResourceDefinition =
            serde_json::from_value(monitoring_crd(plural, kind)).unwrap();
        crds.create(&PostParams::default(), &crd)
            .await
            .expect("CRD created");
    }
    rediscover_operator(&mut h).await;
    h.create(&cluster_yaml(
        "demo",
        "  monitoring:\n    enabled: true\n    prometheusRule: {enabled: true}\n",
    ))
    .await;
    settle(&h, "demo").await;
    let rules: Api<DynamicObject> = Api::namespaced_with(
        h.client.clone(),
        "default",
        &ApiResource::from_gvk(&GroupVersionKind::gvk(
            "monitoring.coreos.com",
            "v1",
            "PrometheusRule",
        )),
    );
    h.clusters()
        .patch(
            "demo",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"monitoring": {"prometheusRule": {"customRules": [
                {"name": "mine", "rules": [{"alert": "MyAlert", "expr": "aerospike_node_up == 0"}]}
            ]}}}})),
        )
        .await
        .expect("patched");
    settle(&h, "demo").await;
    let rule = rules.get("demo-alerts").await.expect("PrometheusRule");
    assert_eq!(
        alert_names(&rule),
        ["MyAlert"],
        "{:?} {:?}",
        rule.metadata.managed_fields.as_ref().map(|m| m
            .iter()
            .map(|f| (f.manager.clone(), f.operation.clone()))
            .collect::<Vec<_>>()),
        h.write_log()
    );
}

async fn claim(h: &Harness, name: &str) {
    let api: Api<PersistentVolumeClaim> = Api::namespaced(h.client.clone(), "default");
    let pvc: PersistentVolumeClaim = serde_json::from_value(json!({
        "metadata": {"name": name, "labels": {"acko.io/cluster": "demo", "acko.io/rack": "0"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }))
    .unwrap();
    // The simulated StatefulSet controller may have created it already.
    if api.get_opt(name).await.unwrap().is_none() {
        api.create(&PostParams::default(), &pvc).await.unwrap();
    }
}

const CASCADE: &str = "  storage:
    volumes:
      - name: data
        source: {persistentVolume: {size: 1Gi}}
        aerospike: {path: /opt/aerospike/data}
        cascadeDelete: CASCADE
";

async fn delete_cluster(cascade: bool) -> bool {
    let h = start().await;
    let extra = CASCADE.replace("CASCADE", if cascade { "true" } else { "false" });
    h.create(&cluster_yaml("demo", &extra)).await;
    settle(&h, "demo").await;
    claim(&h, "data-demo-0-0").await;
    h.clusters()
        .delete("demo", &DeleteParams::default())
        .await
        .unwrap();
    let gone = h.drive("demo", |_| {}, |c| c.is_none()).await;
    assert!(gone.is_none());
    let api: Api<PersistentVolumeClaim> = Api::namespaced(h.client.clone(), "default");
    let pvc = api.get_opt("data-demo-0-0").await.unwrap();
    pvc.is_some_and(|p| p.metadata.deletion_timestamp.is_none())
}

#[tokio::test]
async fn delete_without_cascade_keeps_claims() {
    assert!(delete_cluster(false).await, "PVC must survive");
}

#[tokio::test]
async fn delete_with_cascade_removes_claims() {
    assert!(!delete_cluster(true).await, "PVC must be deleted");
}
