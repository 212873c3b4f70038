//! Regression guard for the simulator's cost at scale: the simulated controllers run under
//! the store lock after every batch of changes, so a pass over a settled cluster must not
//! copy objects out of the store (it used to copy every Pod and StatefulSet on every pass,
//! which made lists at 100 clusters × 3 pods wait tens of seconds for the lock). Counts
//! work, not time.

mod common;

use common::{WAIT, namespace, sim};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;

fn sts(name: &str, replicas: i32) -> StatefulSet {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "img:1"}]}},
        }
    }))
    .unwrap()
}

fn ready_replicas(n: i32) -> impl Fn(Option<&StatefulSet>) -> bool {
    move |s| {
        s.and_then(|s| s.status.as_ref())
            .is_some_and(|st| st.ready_replicas == Some(n) && st.replicas == n)
    }
}

#[tokio::test]
async fn passes_over_a_settled_cluster_copy_no_objects() {
    let (client, sim) = sim().await;
    let ns = namespace(&client, "work").await;
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), &ns);
    for name in ["a", "b", "c"] {
        sets.create(&PostParams::default(), &sts(name, 3))
            .await
            .unwrap();
    }
    for name in ["a", "b", "c"] {
        sim.wait_for::<StatefulSet>(&ns, name, WAIT, ready_replicas(3))
            .await
            .unwrap();
    }
    // two more passes: the one that saw the last status write, and one over the settled state
    let (passes, _) = sim.controller_work();
    sim.wait_controller_passes(passes + 2, WAIT).await.unwrap();
    let (passes, settled_work) = sim.controller_work();

    // unrelated changes wake the controllers again and again
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
    for i in 0..20 {
        let cm: ConfigMap =
            serde_json::from_value(json!({"metadata": {"name": format!("cm{i}")}})).unwrap();
        cms.create(&PostParams::default(), &cm).await.unwrap();
    }
    sim.wait_controller_passes(passes + 3, WAIT).await.unwrap();
    let (after_passes, after_work) = sim.controller_work();
    assert!(after_passes > passes + 3, "{after_passes} passes");
    assert_eq!(
        after_work, settled_work,
        "passes over 3 settled StatefulSets × 3 pods copied objects out of the store"
    );

    // and the counter does count real work: scaling one StatefulSet up copies it and its pods
    sets.patch(
        "a",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 4}})),
    )
    .await
    .unwrap();
    sim.wait_for::<StatefulSet>(&ns, "a", WAIT, ready_replicas(4))
        .await
        .unwrap();
    let (_, scaled_work) = sim.controller_work();
    assert!(
        scaled_work > after_work,
        "scaling up did not count as work ({scaled_work})"
    );
}
