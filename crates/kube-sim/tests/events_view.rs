//! `events.k8s.io/v1` Events are a second view of the core `v1` Events (one storage, as on a
//! real apiserver): whatever is written through one API is read, selected and watched
//! through the other with upstream's field mapping.

mod common;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{Event as CoreEvent, ObjectReference};
use k8s_openapi::api::events::v1::Event as NewEvent;
use kube::api::{
    Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams,
};
use kube::runtime::events::{Event as RecorderEvent, EventType, Recorder, Reporter};
use serde_json::json;

use common::{namespace, sim};

/// Bound of each wait for a watch event.
const WAIT: Duration = Duration::from_secs(20);

fn new_event(ns: &str, name: &str, about: &str, reason: &str) -> NewEvent {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": ns},
        "eventTime": "2026-01-02T03:04:05.000000Z",
        "regarding": {"kind": "Pod", "name": about, "namespace": ns, "apiVersion": "v1"},
        "note": format!("{reason} happened to {about}"),
        "reason": reason, "action": "Reconcile", "type": "Warning",
        "reportingController": "acko.io/operator", "reportingInstance": "acko-0",
    }))
    .expect("a valid events.k8s.io/v1 Event")
}

fn core_event(ns: &str, name: &str, about: &str, reason: &str) -> CoreEvent {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": ns},
        "involvedObject": {"kind": "Pod", "name": about, "namespace": ns, "apiVersion": "v1"},
        "message": format!("{reason} happened to {about}"),
        "reason": reason, "type": "Normal", "count": 4,
        "firstTimestamp": "2026-01-02T03:04:05Z", "lastTimestamp": "2026-01-02T03:05:05Z",
        "source": {"component": "kubelet", "host": "node-2"},
        "reportingComponent": "kubelet", "reportingInstance": "node-2",
    }))
    .expect("a valid core v1 Event")
}

fn by_involved(name: &str) -> ListParams {
    ListParams::default().fields(&format!("involvedObject.name={name}"))
}

fn by_regarding(name: &str) -> ListParams {
    ListParams::default().fields(&format!("regarding.name={name}"))
}

#[tokio::test]
async fn an_events_k8s_io_create_is_a_core_event_selected_by_involved_object() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "evv").await;
    let new_api: Api<NewEvent> = Api::namespaced(client.clone(), &ns);
    let core_api: Api<CoreEvent> = Api::namespaced(client.clone(), &ns);
    let created = new_api
        .create(
            &PostParams::default(),
            &new_event(&ns, "a.1", "web-0", "Broken"),
        )
        .await
        .unwrap();
    new_api
        .create(
            &PostParams::default(),
            &new_event(&ns, "b.1", "web-1", "Other"),
        )
        .await
        .unwrap();

    let got = core_api.list(&by_involved("web-0")).await.unwrap().items;
    assert_eq!(got.len(), 1, "exactly the event about web-0: {got:?}");
    let e = &got[0];
    assert_eq!(e.metadata.name.as_deref(), Some("a.1"));
    assert_eq!(e.metadata.uid, created.metadata.uid);
    assert_eq!(
        e.metadata.resource_version,
        created.metadata.resource_version
    );
    assert_eq!(e.involved_object.kind.as_deref(), Some("Pod"));
    assert_eq!(e.message.as_deref(), Some("Broken happened to web-0"));
    assert_eq!(e.reason.as_deref(), Some("Broken"));
    assert_eq!(e.type_.as_deref(), Some("Warning"));
    assert_eq!(e.action.as_deref(), Some("Reconcile"));
    assert_eq!(e.reporting_component.as_deref(), Some("acko.io/operator"));
    assert_eq!(e.reporting_instance.as_deref(), Some("acko-0"));
    assert!(e.event_time.is_some());
    let one = core_api.get("a.1").await.unwrap();
    assert_eq!(one.message.as_deref(), Some("Broken happened to web-0"));
    // the other selectors of the core API work on the same objects
    let warnings = core_api
        .list(&ListParams::default().fields("type=Warning,reason=Other"))
        .await
        .unwrap();
    assert_eq!(warnings.items.len(), 1);
    assert_eq!(warnings.items[0].metadata.name.as_deref(), Some("b.1"));
    // a namespace-wide list of all events shows both, once each
    let all: Api<CoreEvent> = Api::all(client.clone());
    let names: Vec<_> = all
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.metadata.namespace.as_deref() == Some(ns.as_str()))
        .filter_map(|e| e.metadata.name)
        .collect();
    assert_eq!(names, ["a.1", "b.1"]);

    // upstream's strict rules of events.k8s.io/v1 creates, with the view's field names
    let mut deprecated = new_event(&ns, "c.1", "web-2", "Old");
    deprecated.deprecated_count = Some(3);
    let err = new_api
        .create(&PostParams::default(), &deprecated)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 422 && s.message.contains("deprecatedCount: Invalid value: needs to be unset")),
        "{err:?}"
    );
    let mut long = new_event(&ns, "c.2", "web-2", "Long");
    long.note = Some("é".repeat(600));
    let err = new_api
        .create(&PostParams::default(), &long)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 422 && s.message.contains("note: Invalid value: can have at most 1024 bytes")),
        "1200 bytes in 600 characters: {err:?}"
    );
    let mut bare = new_event(&ns, "c.3", "web-2", "Bare");
    bare.action = None;
    bare.event_time = None;
    let err = new_api
        .create(&PostParams::default(), &bare)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 422 && s.message.contains("eventTime: Required value")),
        "{err:?}"
    );
    assert!(core_api.get_opt("c.1").await.unwrap().is_none());
}

#[tokio::test]
async fn a_core_create_is_an_events_k8s_io_event_selected_by_regarding() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "evc").await;
    let new_api: Api<NewEvent> = Api::namespaced(client.clone(), &ns);
    let core_api: Api<CoreEvent> = Api::namespaced(client.clone(), &ns);
    for (name, about) in [("p.1", "db-0"), ("p.2", "db-0"), ("p.3", "db-1")] {
        core_api
            .create(
                &PostParams::default(),
                &core_event(&ns, name, about, "Pulled"),
            )
            .await
            .unwrap();
    }
    let got = new_api.list(&by_regarding("db-0")).await.unwrap().items;
    let names: Vec<_> = got.iter().filter_map(|e| e.metadata.name.clone()).collect();
    assert_eq!(names, ["p.1", "p.2"]);
    let e = new_api.get("p.1").await.unwrap();
    assert_eq!(e.note.as_deref(), Some("Pulled happened to db-0"));
    assert_eq!(e.regarding.as_ref().unwrap().name.as_deref(), Some("db-0"));
    assert_eq!(e.reporting_controller.as_deref(), Some("kubelet"));
    assert_eq!(e.reporting_instance.as_deref(), Some("node-2"));
    assert_eq!(e.deprecated_count, Some(4));
    assert!(e.deprecated_first_timestamp.is_some() && e.deprecated_last_timestamp.is_some());
    assert_eq!(
        e.deprecated_source.as_ref().unwrap().component.as_deref(),
        Some("kubelet")
    );
    let by_source = core_api
        .list(&ListParams::default().fields("source=kubelet,involvedObject.name=db-0"))
        .await
        .unwrap();
    assert_eq!(
        by_source.items.len(),
        2,
        "source selects on source.component"
    );
    let ctl = new_api
        .list(&ListParams::default().fields("reportingController=kubelet,regarding.name=db-1"))
        .await
        .unwrap();
    assert_eq!(ctl.items.len(), 1);
    // paging through the view: one consistent list in pages of 2
    let first = new_api.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(first.items.len(), 2);
    let token = first.metadata.continue_.clone().expect("a second page");
    let second = new_api
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    let paged: Vec<_> = first
        .items
        .iter()
        .chain(&second.items)
        .filter_map(|e| e.metadata.name.clone())
        .collect();
    assert_eq!(paged, ["p.1", "p.2", "p.3"]);
    assert!(second.items.iter().all(|e| e.note.is_some()));
    // core field labels are not events.k8s.io field labels (upstream refuses them)
    let err = new_api.list(&by_involved("db-0")).await.unwrap_err();
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 400);
            assert!(s.message.contains("involvedObject.name"), "{}", s.message);
        }
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[tokio::test]
async fn a_recorder_series_patch_is_visible_through_core_v1() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "evr").await;
    let recorder = Recorder::new(
        client.clone(),
        Reporter {
            controller: "acko-operator".into(),
            instance: Some("acko-operator-0".into()),
        },
    );
    let reference = ObjectReference {
        api_version: Some("acko.io/v1alpha1".into()),
        kind: Some("AerospikeCluster".into()),
        name: Some("demo".into()),
        namespace: Some(ns.clone()),
        uid: Some("0000-demo".into()),
        ..Default::default()
    };
    let ev = RecorderEvent {
        type_: EventType::Warning,
        reason: "CircuitBreakerOpen".into(),
        note: Some("reconcile failed 3 times; backing off".into()),
        action: "Reconcile".into(),
        secondary: None,
    };
    recorder.publish(&ev, &reference).await.unwrap();
    let core_api: Api<CoreEvent> = Api::namespaced(client.clone(), &ns);
    let once = core_api.list(&by_involved("demo")).await.unwrap().items;
    assert_eq!(once.len(), 1, "{once:?}");
    assert!(once[0].series.is_none());
    recorder.publish(&ev, &reference).await.unwrap();
    recorder.publish(&ev, &reference).await.unwrap();
    let got = core_api.list(&by_involved("demo")).await.unwrap().items;
    assert_eq!(got.len(), 1, "the repeats patch the same event: {got:?}");
    let e = &got[0];
    assert_eq!(e.metadata.name, once[0].metadata.name);
    assert_eq!(e.metadata.uid, once[0].metadata.uid);
    assert_ne!(
        e.metadata.resource_version, once[0].metadata.resource_version,
        "the series patch is a new revision"
    );
    let series = e.series.as_ref().expect("the series of the repeats");
    assert_eq!(series.count, Some(3));
    assert_eq!(e.reason.as_deref(), Some("CircuitBreakerOpen"));
    assert_eq!(
        e.message.as_deref(),
        Some("reconcile failed 3 times; backing off")
    );
    assert_eq!(e.involved_object.kind.as_deref(), Some("AerospikeCluster"));
    assert_eq!(e.reporting_component.as_deref(), Some("acko-operator"));
    assert_eq!(e.reporting_instance.as_deref(), Some("acko-operator-0"));
    assert_eq!(e.type_.as_deref(), Some("Warning"));
}

#[tokio::test]
async fn watches_on_either_view_see_writes_through_the_other() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "evw").await;
    let new_api: Api<NewEvent> = Api::namespaced(client.clone(), &ns);
    let core_api: Api<CoreEvent> = Api::namespaced(client.clone(), &ns);
    let rv = core_api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut core_watch = core_api
        .watch(
            &WatchParams::default().fields("involvedObject.name=web-0"),
            &rv,
        )
        .await
        .unwrap()
        .boxed();
    let mut new_watch = new_api
        .watch(&WatchParams::default(), &rv)
        .await
        .unwrap()
        .boxed();
    let created = new_api
        .create(
            &PostParams::default(),
            &new_event(&ns, "w.1", "web-0", "Started"),
        )
        .await
        .unwrap();
    let ev = tokio::time::timeout(WAIT, core_watch.try_next())
        .await
        .expect("the core watch sees the events.k8s.io create in time")
        .unwrap()
        .expect("stream open");
    let WatchEvent::Added(e) = ev else {
        panic!("expected ADDED, got {ev:?}")
    };
    assert_eq!(e.metadata.uid, created.metadata.uid);
    assert_eq!(e.message.as_deref(), Some("Started happened to web-0"));
    assert_eq!(e.involved_object.name.as_deref(), Some("web-0"));

    // a core update is a MODIFIED of the events.k8s.io object
    let ev = tokio::time::timeout(WAIT, new_watch.try_next())
        .await
        .expect("the view's own create in time")
        .unwrap()
        .expect("stream open");
    assert!(matches!(ev, WatchEvent::Added(_)), "{ev:?}");
    core_api
        .patch(
            "w.1",
            &PatchParams::default(),
            &Patch::Merge(json!({"message": "changed through core", "count": 2})),
        )
        .await
        .unwrap();
    let ev = tokio::time::timeout(WAIT, new_watch.try_next())
        .await
        .expect("the events.k8s.io watch sees the core patch in time")
        .unwrap()
        .expect("stream open");
    let WatchEvent::Modified(e) = ev else {
        panic!("expected MODIFIED, got {ev:?}")
    };
    assert_eq!(e.note.as_deref(), Some("changed through core"));
    assert_eq!(e.deprecated_count, Some(2));
    assert_eq!(e.regarding.as_ref().unwrap().name.as_deref(), Some("web-0"));
}

#[tokio::test]
async fn every_write_verb_of_the_view_writes_the_core_event() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "evx").await;
    let new_api: Api<NewEvent> = Api::namespaced(client.clone(), &ns);
    let core_api: Api<CoreEvent> = Api::namespaced(client.clone(), &ns);
    new_api
        .create(
            &PostParams::default(),
            &new_event(&ns, "x.1", "web-0", "One"),
        )
        .await
        .unwrap();
    // update (PUT) with the resourceVersion it read: metadata and series may change
    let mut cur = new_api.get("x.1").await.unwrap();
    cur.metadata.labels = Some([("app".to_string(), "web".to_string())].into());
    cur.series = Some(
        serde_json::from_value(
            json!({"count": 2, "lastObservedTime": "2026-01-02T03:05:00.000000Z"}),
        )
        .unwrap(),
    );
    new_api
        .replace("x.1", &PostParams::default(), &cur)
        .await
        .unwrap();
    let c = core_api.get("x.1").await.unwrap();
    assert_eq!(c.series.as_ref().and_then(|s| s.count), Some(2));
    assert_eq!(c.metadata.labels.unwrap()["app"], "web");
    // a stale resourceVersion is a conflict
    let err = new_api
        .replace("x.1", &PostParams::default(), &cur)
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 409),
        "{err:?}"
    );
    // merge, strategic merge and JSON patches
    new_api
        .patch(
            "x.1",
            &PatchParams::default(),
            &Patch::Merge(json!({"series": {"count": 3}})),
        )
        .await
        .unwrap();
    let c = core_api.get("x.1").await.unwrap();
    assert_eq!(c.series.unwrap().count, Some(3));
    new_api
        .patch(
            "x.1",
            &PatchParams::default(),
            &Patch::Strategic(json!({"metadata": {"annotations": {"seen-by": "ops"}}})),
        )
        .await
        .unwrap();
    let c = core_api.get("x.1").await.unwrap();
    assert_eq!(c.metadata.annotations.unwrap()["seen-by"], "ops");
    new_api
        .patch(
            "x.1",
            &PatchParams::default(),
            &Patch::<()>::Json(
                serde_json::from_value(json!([
                    {"op": "replace", "path": "/series/count", "value": 7}
                ]))
                .unwrap(),
            ),
        )
        .await
        .unwrap();
    let c = core_api.get("x.1").await.unwrap();
    assert_eq!(c.series.unwrap().count, Some(7));
    // what an event says is immutable through events.k8s.io/v1 (upstream's strict update)
    let err = new_api
        .patch(
            "x.1",
            &PatchParams::default(),
            &Patch::Merge(json!({"note": "rewritten", "regarding": {"name": "web-9"}})),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 422
            && s.message.contains("note: Invalid value: field is immutable")
            && s.message.contains("regarding: Invalid value: field is immutable")),
        "{err:?}"
    );
    let c = core_api.get("x.1").await.unwrap();
    assert_eq!(c.message.as_deref(), Some("One happened to web-0"));
    assert_eq!(c.involved_object.name.as_deref(), Some("web-0"));
    // server-side apply creates and updates through the view
    let applied = json!({
        "apiVersion": "events.k8s.io/v1", "kind": "Event",
        "metadata": {"name": "x.2", "namespace": ns},
        "eventTime": "2026-01-02T03:04:05.000000Z",
        "regarding": {"kind": "Pod", "name": "web-2", "namespace": ns},
        "note": "applied", "reason": "Applied", "action": "Apply", "type": "Normal",
        "reportingController": "ops", "reportingInstance": "ops-0",
    });
    let ssa = PatchParams::apply("ops");
    new_api
        .patch("x.2", &ssa, &Patch::Apply(&applied))
        .await
        .unwrap();
    let c = core_api.get("x.2").await.unwrap();
    assert_eq!(c.message.as_deref(), Some("applied"));
    let mut again = applied.clone();
    again["series"] = json!({"count": 2, "lastObservedTime": "2026-01-02T03:06:00.000000Z"});
    new_api
        .patch("x.2", &ssa, &Patch::Apply(&again))
        .await
        .unwrap();
    let c = core_api.get("x.2").await.unwrap();
    assert_eq!(c.series.unwrap().count, Some(2));
    // delete through the view removes the core event
    new_api
        .delete("x.1", &DeleteParams::default())
        .await
        .unwrap();
    assert!(core_api.get_opt("x.1").await.unwrap().is_none());
    core_api
        .create(
            &PostParams::default(),
            &core_event(&ns, "x.3", "web-3", "Three"),
        )
        .await
        .unwrap();
    // deletecollection through the view selects on view field labels
    new_api
        .delete_collection(&DeleteParams::default(), &by_regarding("web-3"))
        .await
        .unwrap();
    let left: Vec<_> = core_api
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|e| e.metadata.name)
        .collect();
    assert_eq!(left, ["x.2"]);
}
