//! Semantics shown on the simulator only (a real cluster cannot be made to compact its watch
//! history or fail on demand): 410 Gone with watcher recovery, bookmarks, injected API faults,
//! dropped watch streams, the wait helpers.

mod common;

use std::time::Duration;

use common::{WAIT, namespace, sim};
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams, WatchEvent, WatchParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube_sim::ApiFault;

fn cm(name: &str) -> ConfigMap {
    let mut c = ConfigMap::default();
    c.metadata.name = Some(name.into());
    c
}

#[tokio::test]
async fn too_old_resource_version_is_410_and_the_watcher_relists() {
    let (client, sim) = sim().await;
    let ns = namespace(&client, "gone").await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
    let first = api.create(&PostParams::default(), &cm("a")).await.unwrap();
    let old_rv = first.metadata.resource_version.unwrap();
    sim.set_watch_history(2);
    for i in 0..5 {
        api.create(&PostParams::default(), &cm(&format!("b{i}")))
            .await
            .unwrap();
    }
    let mut raw = api
        .watch(&WatchParams::default(), &old_rv)
        .await
        .unwrap()
        .boxed();
    let ev = tokio::time::timeout(WAIT, raw.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    match ev {
        WatchEvent::Error(e) => assert_eq!(e.code, 410, "{e:?}"),
        other => panic!("expected a 410 error event, got {other:?}"),
    }
    // a resume from a recent rv still works
    let recent = api
        .get("b4")
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut ok = api
        .watch(&WatchParams::default(), &recent)
        .await
        .unwrap()
        .boxed();
    api.create(&PostParams::default(), &cm("c")).await.unwrap();
    let ev = tokio::time::timeout(WAIT, ok.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        matches!(ev, WatchEvent::Added(ref o) if o.metadata.name.as_deref() == Some("c")),
        "{ev:?}"
    );
}

#[tokio::test]
async fn bookmarks_are_sent_when_allowed() {
    let (client, sim) = sim().await;
    *sim.state.bookmark_interval.lock() = Duration::from_millis(50);
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let rv = api
        .list_metadata(&Default::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut s = api
        .watch(
            &WatchParams {
                bookmarks: true,
                ..WatchParams::default()
            },
            &rv,
        )
        .await
        .unwrap()
        .boxed();
    let ev = tokio::time::timeout(WAIT, s.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(ev, WatchEvent::Bookmark(_)), "{ev:?}");
}

#[tokio::test]
async fn injected_api_errors_and_recovery() {
    let (client, sim) = sim().await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    for code in [409u16, 500] {
        sim.fault(ApiFault::error(Some("create"), Some("configmaps"), code).times(1));
        let err = api
            .create(&PostParams::default(), &cm("x"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, kube::Error::Api(ref s) if s.code == code),
            "{code}: {err:?}"
        );
    }
    // kube 5's client retries 429 and 503 itself: one injected failure is absorbed...
    for (i, code) in [429u16, 503].into_iter().enumerate() {
        sim.fault(ApiFault::error(Some("create"), Some("configmaps"), code).times(1));
        api.create(&PostParams::default(), &cm(&format!("x{i}")))
            .await
            .unwrap();
    }
    // ...and with retries off, it surfaces
    let no_retry: Api<ConfigMap> = {
        let mut cfg = kube::Config::new(sim.url().parse().unwrap());
        cfg.default_retry = false;
        Api::namespaced(kube::Client::try_from(cfg).unwrap(), "default")
    };
    sim.fault(ApiFault::error(Some("create"), Some("configmaps"), 503));
    let err = no_retry
        .create(&PostParams::default(), &cm("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 503),
        "{err:?}"
    );
    sim.clear_faults();
    // the rules are gone: the next create works
    api.create(&PostParams::default(), &cm("x")).await.unwrap();
    // a rule on another verb does not hit create
    sim.fault(ApiFault::error(Some("delete"), None, 500));
    api.create(&PostParams::default(), &cm("y")).await.unwrap();
    assert!(api.delete("y", &Default::default()).await.is_err());
    sim.clear_faults();
    api.delete("y", &Default::default()).await.unwrap();
}

#[tokio::test]
async fn dropped_watch_streams_are_resumed_by_the_watcher() {
    let (client, sim) = sim().await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let mut s = watcher(api.clone(), watcher::Config::default())
        .applied_objects()
        .boxed();
    api.create(&PostParams::default(), &cm("one"))
        .await
        .unwrap();
    let o = tokio::time::timeout(WAIT, s.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(o.metadata.name.as_deref(), Some("one"));
    sim.drop_watches();
    api.create(&PostParams::default(), &cm("two"))
        .await
        .unwrap();
    let o = tokio::time::timeout(WAIT, s.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(o.metadata.name.as_deref(), Some("two"));
}

#[tokio::test]
async fn wait_helpers_are_bounded() {
    let (client, sim) = sim().await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    let waiter = sim.wait_for::<ConfigMap>("default", "later", WAIT, |c| c.is_some());
    let create = async {
        api.create(&PostParams::default(), &cm("later"))
            .await
            .unwrap();
    };
    let (got, ()) = tokio::join!(waiter, create);
    assert_eq!(
        got.unwrap().unwrap().metadata.name.as_deref(),
        Some("later")
    );
    let err = sim
        .wait_for::<ConfigMap>("default", "never", Duration::from_millis(100), |c| {
            c.is_some()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn api_latency_is_injected() {
    let (client, sim) = sim().await;
    let api: Api<ConfigMap> = Api::namespaced(client, "default");
    sim.fault(
        ApiFault::latency(Some("get"), Some("configmaps"), Duration::from_millis(300)).times(1),
    );
    api.create(&PostParams::default(), &cm("slow"))
        .await
        .unwrap();
    let short = kube::Api::<ConfigMap>::namespaced(
        {
            let mut cfg = kube::Config::new(sim.url().parse().unwrap());
            cfg.read_timeout = Some(Duration::from_millis(50));
            kube::Client::try_from(cfg).unwrap()
        },
        "default",
    );
    assert!(
        short.get("slow").await.is_err(),
        "the injected latency exceeds the client's read timeout"
    );
    assert!(short.get("slow").await.is_ok(), "the rule hit once");
}

#[tokio::test]
async fn optional_kinds_exist_only_while_their_crd_is_installed() {
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
    use kube::api::{ApiResource, DynamicObject};
    let (client, _sim) = sim().await;
    let ar = ApiResource {
        group: "monitoring.coreos.com".into(),
        version: "v1".into(),
        api_version: "monitoring.coreos.com/v1".into(),
        kind: "ServiceMonitor".into(),
        plural: "servicemonitors".into(),
    };
    let sms: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &ar);
    let err = sms.list(&Default::default()).await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 404),
        "{err:?}"
    );
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "servicemonitors.monitoring.coreos.com"},
        "spec": {"group": "monitoring.coreos.com", "scope": "Namespaced",
            "names": {"plural": "servicemonitors", "singular": "servicemonitor", "kind": "ServiceMonitor"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}
    }))
    .unwrap();
    crds.create(&PostParams::default(), &crd).await.unwrap();
    assert!(
        sms.list(&Default::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let discovery = kube::discovery::Discovery::new(client.clone())
        .run()
        .await
        .unwrap();
    assert!(discovery.has_group("monitoring.coreos.com"));
    crds.delete("servicemonitors.monitoring.coreos.com", &Default::default())
        .await
        .unwrap();
    let err = sms.list(&Default::default()).await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 404),
        "{err:?}"
    );
}

#[tokio::test]
async fn apply_without_a_name_merges_onto_the_existing_object_only() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "noname").await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
    let body = serde_json::json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {},
        "data": {"k": "v"},
    });
    let pp = kube::api::PatchParams::apply("lease-like");
    // Nothing to merge onto: the name is required.
    let err = api
        .patch("x", &pp, &kube::api::Patch::Apply(&body))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 400),
        "{err:?}"
    );
    api.create(&PostParams::default(), &cm("x")).await.unwrap();
    let merged = api
        .patch("x", &pp, &kube::api::Patch::Apply(&body))
        .await
        .unwrap();
    assert_eq!(merged.metadata.name.as_deref(), Some("x"));
    assert_eq!(merged.data.unwrap()["k"], "v");
}

#[tokio::test]
async fn list_pages_are_one_snapshot_and_expire_with_the_history() {
    use kube::api::{DeleteParams, ListParams, Patch, PatchParams, VersionMatch};
    let (client, sim) = sim().await;
    let ns = namespace(&client, "pages").await;
    let api: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
    for i in 0..4 {
        api.create(&PostParams::default(), &cm(&format!("c{i}")))
            .await
            .unwrap();
    }
    let names = |l: &kube::core::ObjectList<ConfigMap>| -> Vec<String> {
        l.items
            .iter()
            .filter_map(|o| o.metadata.name.clone())
            .collect()
    };
    let first = api.list(&ListParams::default().limit(2)).await.unwrap();
    let at = first.metadata.resource_version.clone().unwrap();
    // change and delete objects of the second page: it still shows them as they were
    api.patch(
        "c2",
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"metadata": {"labels": {"changed": "yes"}}})),
    )
    .await
    .unwrap();
    api.delete("c3", &DeleteParams::default()).await.unwrap();
    let token = first.metadata.continue_.clone().unwrap();
    let second = api
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(names(&second), ["c2", "c3"]);
    assert!(second.items[0].metadata.labels.is_none(), "the old c2");

    // resourceVersionMatch=Exact lists the past; NotOlderThan a future version is a 504
    let exact = ListParams {
        resource_version: Some(at.clone()),
        version_match: Some(VersionMatch::Exact),
        ..Default::default()
    };
    assert_eq!(
        names(&api.list(&exact).await.unwrap()),
        ["c0", "c1", "c2", "c3"]
    );
    assert_eq!(
        names(&api.list(&Default::default()).await.unwrap()),
        ["c0", "c1", "c2"]
    );
    let future = ListParams {
        resource_version: Some("999999999".into()),
        ..Default::default()
    };
    // (kube's client retries 504 itself: ask without retries)
    let no_retry: Api<ConfigMap> = {
        let mut cfg = kube::Config::new(sim.url().parse().unwrap());
        cfg.default_retry = false;
        Api::namespaced(kube::Client::try_from(cfg).unwrap(), &ns)
    };
    let err = no_retry.list(&future).await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 504),
        "{err:?}"
    );

    // once the history is compacted, the token is 410 Expired
    sim.set_watch_history(1);
    for i in 0..3 {
        api.create(&PostParams::default(), &cm(&format!("d{i}")))
            .await
            .unwrap();
    }
    let err = api
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap_err();
    let kube::Error::Api(s) = err else {
        panic!("{err:?}")
    };
    assert_eq!((s.code, s.reason.as_str()), (410, "Expired"), "{s:?}");
    assert!(
        s.message.contains("continue parameter is too old"),
        "{}",
        s.message
    );
    let err = api.list(&exact).await.unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 410),
        "{err:?}"
    );
}
