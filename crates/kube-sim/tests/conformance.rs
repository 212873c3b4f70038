//! Conformance: each API semantic the operator relies on, driven through `kube::Api` and
//! kube-runtime's watcher/reflector. Runs against a real cluster when KUBECONFIG is set,
//! otherwise against the simulator. (Semantics a real cluster cannot be forced to show on
//! demand, like a compacted watch history, are in `sim_only.rs`.)

mod common;

use std::collections::BTreeMap;

use common::{WAIT, namespace, target, wait};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams,
};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use serde_json::json;

fn cm(name: &str, labels: &[(&str, &str)], data: &[(&str, &str)]) -> ConfigMap {
    let mut c = ConfigMap::default();
    c.metadata.name = Some(name.into());
    c.metadata.labels = Some(
        labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    c.data = Some(
        data.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    c
}

#[tokio::test]
async fn crud_and_selectors() {
    let t = target().await;
    let ns = namespace(&t.client, "crud").await;
    let api: Api<ConfigMap> = Api::namespaced(t.client.clone(), &ns);
    let pp = PostParams::default();
    api.create(
        &pp,
        &cm("a", &[("app", "x"), ("tier", "db")], &[("k", "1")]),
    )
    .await
    .unwrap();
    api.create(&pp, &cm("b", &[("app", "x")], &[]))
        .await
        .unwrap();
    api.create(&pp, &cm("c", &[("app", "y")], &[]))
        .await
        .unwrap();
    let err = api.create(&pp, &cm("a", &[], &[])).await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 409 && s.reason == "AlreadyExists"),
        "{err:?}"
    );

    let names = |l: kube::core::ObjectList<ConfigMap>| -> Vec<String> {
        let mut v: Vec<String> = l
            .items
            .into_iter()
            .filter_map(|c| c.metadata.name)
            .filter(|n| n != "kube-root-ca.crt")
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(
            api.list(&ListParams::default().labels("app=x"))
                .await
                .unwrap()
        ),
        ["a", "b"]
    );
    assert_eq!(
        names(
            api.list(&ListParams::default().labels("app in (x,y),tier!=db"))
                .await
                .unwrap()
        ),
        ["b", "c"]
    );
    assert_eq!(
        names(
            api.list(&ListParams::default().labels("tier"))
                .await
                .unwrap()
        ),
        ["a"]
    );
    assert_eq!(
        names(
            api.list(&ListParams::default().fields("metadata.name=c"))
                .await
                .unwrap()
        ),
        ["c"]
    );
    let all: Api<ConfigMap> = Api::all(t.client.clone());
    let in_ns = all
        .list(
            &ListParams::default()
                .fields(&format!("metadata.namespace={ns}"))
                .labels("app"),
        )
        .await
        .unwrap();
    assert_eq!(in_ns.items.len(), 3);

    let mut a = api.get("a").await.unwrap();
    a.data = Some(BTreeMap::from([("k".to_string(), "2".to_string())]));
    let a2 = api.replace("a", &pp, &a).await.unwrap();
    assert_eq!(a2.data.unwrap()["k"], "2");
    assert_ne!(a2.metadata.resource_version, a.metadata.resource_version);

    api.delete("a", &DeleteParams::default()).await.unwrap();
    wait(&api, "a", |o| o.is_none()).await;
    let err = api.get("a").await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 404),
        "{err:?}"
    );
}

#[tokio::test]
async fn stale_resource_version_is_a_conflict() {
    let t = target().await;
    let ns = namespace(&t.client, "rv").await;
    let api: Api<ConfigMap> = Api::namespaced(t.client.clone(), &ns);
    let pp = PostParams::default();
    let first = api.create(&pp, &cm("a", &[], &[("k", "1")])).await.unwrap();
    let mut newer = first.clone();
    newer.data = Some(BTreeMap::from([("k".to_string(), "2".to_string())]));
    api.replace("a", &pp, &newer).await.unwrap();
    let mut stale = first.clone();
    stale.data = Some(BTreeMap::from([("k".to_string(), "3".to_string())]));
    let err = api.replace("a", &pp, &stale).await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 409 && s.reason == "Conflict"),
        "{err:?}"
    );
    assert_eq!(api.get("a").await.unwrap().data.unwrap()["k"], "2");
    let rv_patch = json!({"metadata": {"resourceVersion": first.metadata.resource_version}, "data": {"k": "4"}});
    let err = api
        .patch("a", &PatchParams::default(), &Patch::Merge(&rv_patch))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 409),
        "{err:?}"
    );
}

fn widget_crd() -> serde_json::Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.conformance.kube-sim.dev"},
        "spec": {
            "group": "conformance.kube-sim.dev", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}},
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                    "spec": {"type": "object", "required": ["size"], "properties": {
                        "replicas": {"type": "integer", "minimum": 0},
                        "size": {"type": "string", "enum": ["small", "large"]},
                        "color": {"type": "string", "default": "blue"},
                        "items": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}},
                    }},
                    "status": {"type": "object", "properties": {"replicas": {"type": "integer"}, "phase": {"type": "string"}}},
                }}},
            }],
        },
    })
}

async fn widgets(client: &kube::Client, ns: &str) -> Api<DynamicObject> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(widget_crd()).unwrap();
    crds.patch(
        "widgets.conformance.kube-sim.dev",
        &PatchParams::apply("conformance").force(),
        &Patch::Apply(&crd),
    )
    .await
    .unwrap();
    wait(&crds, "widgets.conformance.kube-sim.dev", |c| {
        c.and_then(|c| c.status.as_ref())
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c.type_ == "Established" && c.status == "True")
            })
    })
    .await;
    let ar = ApiResource {
        group: "conformance.kube-sim.dev".into(),
        version: "v1".into(),
        api_version: "conformance.kube-sim.dev/v1".into(),
        kind: "Widget".into(),
        plural: "widgets".into(),
    };
    Api::namespaced_with(client.clone(), ns, &ar)
}

fn widget(name: &str, spec: serde_json::Value) -> DynamicObject {
    serde_json::from_value(json!({"apiVersion": "conformance.kube-sim.dev/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec})).unwrap()
}

#[tokio::test]
async fn generation_status_and_scale_subresources() {
    let t = target().await;
    let ns = common::namespace_for_crs(&t.client, "gen").await;
    let api = widgets(&t.client, &ns).await;
    let created = api
        .create(
            &PostParams::default(),
            &widget("w", json!({"size": "small", "replicas": 1})),
        )
        .await
        .unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    assert_eq!(
        created.data["spec"]["color"], "blue",
        "schema default applied"
    );

    // metadata-only change: generation unchanged
    let w = api
        .patch(
            "w",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"l": "1"}}})),
        )
        .await
        .unwrap();
    assert_eq!(w.metadata.generation, Some(1));
    // spec change: generation + 1
    let w = api
        .patch(
            "w",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"size": "large"}})),
        )
        .await
        .unwrap();
    assert_eq!(w.metadata.generation, Some(2));
    // status on the main resource is ignored
    let w = api
        .patch(
            "w",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": "Main"}})),
        )
        .await
        .unwrap();
    assert!(
        w.data
            .get("status")
            .is_none_or(|s| s.get("phase").is_none()),
        "{w:?}"
    );
    // spec on /status is ignored; status is written; generation unchanged
    let w = api
        .patch_status(
            "w",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"spec": {"size": "small"}, "status": {"phase": "Ready", "replicas": 1}}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(w.data["spec"]["size"], "large");
    assert_eq!(w.data["status"]["phase"], "Ready");
    assert_eq!(w.metadata.generation, Some(2));
    // /scale
    let scale = api.get_scale("w").await.unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(1));
    assert_eq!(scale.status.unwrap().replicas, 1);
    api.patch_scale(
        "w",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 4}})),
    )
    .await
    .unwrap();
    let w = api.get("w").await.unwrap();
    assert_eq!(w.data["spec"]["replicas"], 4);
    assert_eq!(w.metadata.generation, Some(3));
}

#[tokio::test]
async fn schema_validation_is_a_422_with_the_field_path() {
    let t = target().await;
    let ns = common::namespace_for_crs(&t.client, "schema").await;
    let api = widgets(&t.client, &ns).await;
    let err = api
        .create(
            &PostParams::default(),
            &widget("bad", json!({"size": "huge", "replicas": -1})),
        )
        .await
        .unwrap_err();
    let kube::Error::Api(s) = err else {
        panic!("{err:?}")
    };
    assert_eq!(s.code, 422, "{s:?}");
    assert!(s.message.contains("spec.size"), "{}", s.message);
    assert!(s.message.contains("spec.replicas"), "{}", s.message);
    let err = api
        .create(&PostParams::default(), &widget("bad", json!({})))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 422 && s.message.contains("spec.size")),
        "{err:?}"
    );
}

#[tokio::test]
async fn patches_merge_json_and_strategic() {
    let t = target().await;
    let ns = namespace(&t.client, "patch").await;
    let api: Api<Deployment> = Api::namespaced(t.client.clone(), &ns);
    let d: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "d", "labels": {"a": "1", "b": "2"}},
        "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "d"}}, "template": {
            "metadata": {"labels": {"app": "d"}},
            "spec": {"containers": [
                {"name": "one", "image": "img:1", "env": [{"name": "A", "value": "1"}]},
                {"name": "two", "image": "img:1"}
            ]}
        }}
    }))
    .unwrap();
    api.create(&PostParams::default(), &d).await.unwrap();
    let pp = PatchParams::default();
    let d = api
        .patch(
            "d",
            &pp,
            &Patch::Merge(json!({"metadata": {"labels": {"a": null, "c": "3"}}})),
        )
        .await
        .unwrap();
    let labels = d.metadata.labels.unwrap();
    assert_eq!(labels.keys().cloned().collect::<Vec<_>>(), ["b", "c"]);
    let jp: json_patch::Patch = serde_json::from_value(
        json!([{"op": "replace", "path": "/metadata/labels/b", "value": "9"}]),
    )
    .unwrap();
    let d = api.patch("d", &pp, &Patch::<()>::Json(jp)).await.unwrap();
    assert_eq!(d.metadata.labels.unwrap()["b"], "9");
    // strategic: containers merge by name, env merges by name
    let smp = json!({"spec": {"template": {"spec": {"containers": [
        {"name": "two", "image": "img:2", "env": [{"name": "B", "value": "2"}]}
    ]}}}});
    let d = api.patch("d", &pp, &Patch::Strategic(smp)).await.unwrap();
    let cs = d.spec.unwrap().template.spec.unwrap().containers;
    assert_eq!(cs.len(), 2, "strategic merge keeps the other container");
    assert_eq!(cs[0].image.as_deref(), Some("img:1"));
    assert_eq!(cs[1].image.as_deref(), Some("img:2"));
    assert_eq!(cs[1].env.as_ref().unwrap()[0].name, "B");
    // the same body as a merge patch replaces the list
    let mp = json!({"spec": {"template": {"spec": {"containers": [{"name": "two", "image": "img:3"}]}}}});
    let d = api.patch("d", &pp, &Patch::Merge(mp)).await.unwrap();
    assert_eq!(d.spec.unwrap().template.spec.unwrap().containers.len(), 1);
}

#[tokio::test]
async fn server_side_apply_ownership() {
    let t = target().await;
    let ns = namespace(&t.client, "ssa").await;
    let api: Api<ConfigMap> = Api::namespaced(t.client.clone(), &ns);
    let cfg = |data: serde_json::Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "s"}, "data": data});
    let a = PatchParams::apply("manager-a");
    let b = PatchParams::apply("manager-b");
    api.patch("s", &a, &Patch::Apply(cfg(json!({"x": "1", "y": "1"}))))
        .await
        .unwrap();
    let o = api.get("s").await.unwrap();
    let mf = o.metadata.managed_fields.unwrap();
    assert!(
        mf.iter().any(|m| m.manager.as_deref() == Some("manager-a")
            && m.operation.as_deref() == Some("Apply"))
    );

    // b sets a field a owns to another value: conflict
    let err = api
        .patch("s", &b, &Patch::Apply(cfg(json!({"x": "2"}))))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 409 && s.message.contains("manager-a")),
        "{err:?}"
    );
    // same value: shared, no conflict; force takes y
    api.patch("s", &b, &Patch::Apply(cfg(json!({"x": "1"}))))
        .await
        .unwrap();
    api.patch(
        "s",
        &b.clone().force(),
        &Patch::Apply(cfg(json!({"x": "1", "y": "B"}))),
    )
    .await
    .unwrap();
    assert_eq!(api.get("s").await.unwrap().data.unwrap()["y"], "B");

    // a stops applying x: b still owns it, so it stays; a adds z
    api.patch("s", &a, &Patch::Apply(cfg(json!({"z": "1"}))))
        .await
        .unwrap();
    let d = api.get("s").await.unwrap().data.unwrap();
    assert_eq!(d.get("x").map(String::as_str), Some("1"));
    // b stops applying y: sole owner, so it is removed
    api.patch("s", &b, &Patch::Apply(cfg(json!({"x": "1"}))))
        .await
        .unwrap();
    let d = api.get("s").await.unwrap().data.unwrap();
    assert!(!d.contains_key("y"), "{d:?}");
    assert_eq!(d.get("z").map(String::as_str), Some("1"));

    // an Update by another manager takes ownership without conflict
    api.patch(
        "s",
        &PatchParams {
            field_manager: Some("editor".into()),
            ..Default::default()
        },
        &Patch::Merge(json!({"data": {"z": "E"}})),
    )
    .await
    .unwrap();
    let o = api.get("s").await.unwrap();
    assert!(
        o.metadata
            .managed_fields
            .unwrap()
            .iter()
            .any(|m| m.manager.as_deref() == Some("editor")
                && m.operation.as_deref() == Some("Update"))
    );
    // a re-applies z with its old value → conflict with editor
    let err = api
        .patch("s", &a, &Patch::Apply(cfg(json!({"z": "1"}))))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 409 && s.message.contains("editor")),
        "{err:?}"
    );
}

#[tokio::test]
async fn finalizers_hold_deletion() {
    let t = target().await;
    let ns = namespace(&t.client, "fin").await;
    let api: Api<ConfigMap> = Api::namespaced(t.client.clone(), &ns);
    let mut c = cm("f", &[], &[]);
    c.metadata.finalizers = Some(vec!["kube-sim.dev/hold".into()]);
    api.create(&PostParams::default(), &c).await.unwrap();
    api.delete("f", &DeleteParams::default()).await.unwrap();
    let held = api.get("f").await.unwrap();
    assert!(held.metadata.deletion_timestamp.is_some());
    // no new finalizers while deleting
    let err = api
        .patch(
            "f",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": ["kube-sim.dev/hold", "x.dev/new"]}})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 422),
        "{err:?}"
    );
    api.patch(
        "f",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    wait(&api, "f", |o| o.is_none()).await;
}

fn owned_secret(name: &str, owner: &ConfigMap) -> Secret {
    serde_json::from_value(json!({"metadata": {"name": name, "ownerReferences": [{
        "apiVersion": "v1", "kind": "ConfigMap", "name": owner.metadata.name, "uid": owner.metadata.uid,
        "blockOwnerDeletion": true, "controller": true
    }]}})).unwrap()
}

#[tokio::test]
async fn owner_reference_garbage_collection() {
    let t = target().await;
    let ns = namespace(&t.client, "gc").await;
    let owners: Api<ConfigMap> = Api::namespaced(t.client.clone(), &ns);
    let deps: Api<Secret> = Api::namespaced(t.client.clone(), &ns);
    let pp = PostParams::default();
    // background
    let o = owners.create(&pp, &cm("bg", &[], &[])).await.unwrap();
    deps.create(&pp, &owned_secret("bg-dep", &o)).await.unwrap();
    owners
        .delete("bg", &DeleteParams::background())
        .await
        .unwrap();
    wait(&deps, "bg-dep", |d| d.is_none()).await;
    // foreground: the owner stays (with foregroundDeletion) until the dependent is gone
    let o = owners.create(&pp, &cm("fg", &[], &[])).await.unwrap();
    let mut dep = owned_secret("fg-dep", &o);
    dep.metadata.finalizers = Some(vec!["kube-sim.dev/hold".into()]);
    deps.create(&pp, &dep).await.unwrap();
    owners
        .delete("fg", &DeleteParams::foreground())
        .await
        .unwrap();
    wait(&deps, "fg-dep", |d| {
        d.is_some_and(|d| d.metadata.deletion_timestamp.is_some())
    })
    .await;
    let owner = owners.get("fg").await.unwrap();
    assert!(
        owner
            .metadata
            .finalizers
            .unwrap()
            .contains(&"foregroundDeletion".to_string())
    );
    deps.patch(
        "fg-dep",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    wait(&owners, "fg", |o| o.is_none()).await;
    // orphan: the dependent stays without the ownerReference
    let o = owners.create(&pp, &cm("or", &[], &[])).await.unwrap();
    deps.create(&pp, &owned_secret("or-dep", &o)).await.unwrap();
    owners.delete("or", &DeleteParams::orphan()).await.unwrap();
    wait(&owners, "or", |o| o.is_none()).await;
    let d = deps.get("or-dep").await.unwrap();
    assert!(d.metadata.owner_references.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn watcher_and_reflector_follow_changes() {
    let t = target().await;
    let ns = namespace(&t.client, "watch").await;
    let api: Api<ConfigMap> = Api::namespaced(t.client.clone(), &ns);
    let (reader, writer) = reflector::store();
    let cfg = watcher::Config::default().labels("app=w").any_semantic();
    let stream = reflector(writer, watcher(api.clone(), cfg)).applied_objects();
    let mut stream = Box::pin(stream);
    let pp = PostParams::default();
    api.create(&pp, &cm("w1", &[("app", "w")], &[]))
        .await
        .unwrap();
    api.create(&pp, &cm("other", &[("app", "z")], &[]))
        .await
        .unwrap();
    api.create(&pp, &cm("w2", &[("app", "w")], &[]))
        .await
        .unwrap();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let o = tokio::time::timeout(WAIT, stream.try_next())
            .await
            .expect("event in time")
            .unwrap()
            .unwrap();
        seen.push(o.metadata.name.unwrap());
    }
    seen.sort();
    assert_eq!(seen, ["w1", "w2"]);
    api.delete("w1", &DeleteParams::default()).await.unwrap();
    api.patch(
        "w2",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "v"}})),
    )
    .await
    .unwrap();
    let o = tokio::time::timeout(WAIT, stream.try_next())
        .await
        .expect("event in time")
        .unwrap()
        .unwrap();
    assert_eq!(o.data.unwrap()["k"], "v");
    let names: Vec<String> = reader
        .state()
        .iter()
        .filter_map(|c| c.metadata.name.clone())
        .collect();
    assert_eq!(names, ["w2"], "the reflector dropped the deleted object");

    // streaming list (sendInitialEvents) also works
    let cfg = watcher::Config::default().labels("app=w").streaming_lists();
    let first = tokio::time::timeout(
        WAIT,
        watcher(api.clone(), cfg)
            .applied_objects()
            .boxed()
            .try_next(),
    )
    .await
    .expect("initial event in time")
    .unwrap()
    .unwrap();
    assert_eq!(first.metadata.name.as_deref(), Some("w2"));
}
