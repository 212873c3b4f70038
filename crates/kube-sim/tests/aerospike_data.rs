//! Aerospike data lives where a real node keeps it: on the pod's PersistentVolumeClaims. It
//! survives the pod's deletion while its claim exists, is gone once the claim is deleted or a
//! wipe request names the pod, and in-memory data goes with the pod. Also: the StatefulSet's
//! persistentVolumeClaimRetentionPolicy decides what happens to claims.

mod common;

use aerospike::{Bins, ClientPolicy, ReadPolicy, WritePolicy, as_bin, as_key};
use common::deploy::deploy;
use common::{WAIT, sim};
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolumeClaim, Pod};
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};
use serde_json::json;

const ON_PVC: &str = r#"
apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata:
  name: keep
  namespace: data
spec:
  size: 1
  image: aerospike:ce-8.1.1.1
  podSpec:
    readinessGateEnabled: false
  storage:
    volumes:
      - name: data
        source:
          persistentVolume:
            size: 1Gi
        aerospike:
          path: /opt/aerospike/data
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 1
        storage-engine:
          type: device
          files:
            - /opt/aerospike/data/test.dat
          filesize: 1073741824
"#;

const POD: &str = "keep-0-0";
const CLAIM: &str = "data-keep-0-0";

fn pod_uid(inner: &kube_sim::store::Inner) -> Option<String> {
    let rt = inner.find_kind("v1", "Pod").unwrap();
    inner
        .try_get(&rt, "data", POD)
        .filter(kube_sim::controllers::is_ready)
        .and_then(|p| p["metadata"]["uid"].as_str().map(String::from))
}

async fn client_for(sim: &kube_sim::SimHandle, cluster: &str) -> aerospike::Client {
    let hosts = sim
        .aerospike_hosts("data", cluster)
        .await
        .expect("fake cluster");
    let policy = ClientPolicy {
        tend_interval: 250,
        ..ClientPolicy::default()
    };
    aerospike::Client::new(&policy, &hosts).await.unwrap()
}

async fn write(sim: &kube_sim::SimHandle, cluster: &str, n: i64) {
    let ac = client_for(sim, cluster).await;
    for i in 0..n {
        let key = as_key!("test", "s", i);
        ac.put(&WritePolicy::default(), &key, &[as_bin!("v", i)])
            .await
            .unwrap();
    }
    ac.close().await.unwrap();
}

async fn stored(sim: &kube_sim::SimHandle, cluster: &str) -> usize {
    sim.with_fake("data", cluster, |f| f.record_count("test", None))
        .await
        .expect("fake cluster")
}

/// Delete the pod and wait until the StatefulSet's replacement is Ready; returns its uid.
async fn recreate_pod(client: &kube::Client, sim: &kube_sim::SimHandle) -> String {
    let old = sim.state.store.with(pod_uid).expect("pod Ready");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "data");
    pods.delete(POD, &DeleteParams::default()).await.unwrap();
    sim.wait_until("the replacement pod is Ready", WAIT, |i| {
        pod_uid(i).is_some_and(|u| u != old)
    })
    .await
    .unwrap();
    sim.state.store.with(pod_uid).unwrap()
}

async fn claim_uid(client: &kube::Client) -> String {
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), "data");
    claims.get(CLAIM).await.unwrap().metadata.uid.unwrap()
}

#[tokio::test]
async fn data_on_a_claim_survives_the_pod_and_goes_with_the_claim() {
    let (client, sim) = sim().await;
    deploy(&client, ON_PVC).await;
    sim.wait_until("pod Ready", WAIT, |i| pod_uid(i).is_some())
        .await
        .unwrap();
    write(&sim, "keep", 20).await;
    assert_eq!(stored(&sim, "keep").await, 20);
    let claim_before = claim_uid(&client).await;

    // pod deleted: the claim is retained and the data with it
    recreate_pod(&client, &sim).await;
    assert_eq!(claim_uid(&client).await, claim_before, "claim retained");
    assert_eq!(stored(&sim, "keep").await, 20, "data survived on the claim");
    let ac = client_for(&sim, "keep").await;
    let rec = ac
        .get(&ReadPolicy::default(), &as_key!("test", "s", 7), Bins::All)
        .await
        .unwrap();
    assert_eq!(rec.bins.get("v"), Some(&aerospike::Value::from(7)));
    ac.close().await.unwrap();

    // claim deleted, then the pod: the StatefulSet recreates both, the node starts empty
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), "data");
    claims
        .delete(CLAIM, &DeleteParams::default())
        .await
        .unwrap();
    recreate_pod(&client, &sim).await;
    assert_ne!(claim_uid(&client).await, claim_before, "a new claim");
    assert_eq!(
        stored(&sim, "keep").await,
        0,
        "the data went with the claim"
    );
    let ac = client_for(&sim, "keep").await;
    let err = ac
        .get(&ReadPolicy::default(), &as_key!("test", "s", 7), Bins::All)
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("KeyNotFound"), "{err:?}");
    ac.close().await.unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "data");
    let logs = pods.logs(POD, &Default::default()).await.unwrap();
    assert!(
        logs.contains("starts on fresh storage; 20 records"),
        "{logs}"
    );
}

#[tokio::test]
async fn a_wipe_request_empties_the_pod_once() {
    let (client, sim) = sim().await;
    deploy(&client, ON_PVC).await;
    sim.wait_until("pod Ready", WAIT, |i| pod_uid(i).is_some())
        .await
        .unwrap();
    write(&sim, "keep", 10).await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "data");
    let cm_name = cms
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .find(|n| n.starts_with("keep-") && n.ends_with("-config"))
        .expect("rack ConfigMap");
    let req = acko_api::contract::WipeRequest::new(POD, "wipe-1", &["data"]);
    let patch = json!({"data": {acko_api::contract::wipe_request_key(POD): serde_json::to_string(&req).unwrap()}});
    cms.patch(&cm_name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    recreate_pod(&client, &sim).await;
    assert_eq!(stored(&sim, "keep").await, 0, "wiped on start");

    // the same request is applied once per volume: new data survives the next restart
    write(&sim, "keep", 5).await;
    recreate_pod(&client, &sim).await;
    assert_eq!(stored(&sim, "keep").await, 5);
}

#[tokio::test]
async fn in_memory_data_goes_with_the_pod() {
    let (client, sim) = sim().await;
    let yaml = ON_PVC
        .replace("name: keep", "name: mem")
        .replace("type: device", "type: memory\n          data-size: 1073741824")
        .replace(
            "          files:\n            - /opt/aerospike/data/test.dat\n          filesize: 1073741824\n",
            "",
        );
    deploy(&client, &yaml).await;
    let ready = |i: &kube_sim::store::Inner| {
        let rt = i.find_kind("v1", "Pod").unwrap();
        i.try_get(&rt, "data", "mem-0-0")
            .filter(kube_sim::controllers::is_ready)
            .and_then(|p| p["metadata"]["uid"].as_str().map(String::from))
    };
    sim.wait_until("pod Ready", WAIT, |i| ready(i).is_some())
        .await
        .unwrap();
    write(&sim, "mem", 10).await;
    assert_eq!(stored(&sim, "mem").await, 10);
    let old = sim.state.store.with(ready).unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "data");
    pods.delete("mem-0-0", &DeleteParams::default())
        .await
        .unwrap();
    sim.wait_until("replacement Ready", WAIT, |i| {
        ready(i).is_some_and(|u| u != old)
    })
    .await
    .unwrap();
    assert_eq!(
        stored(&sim, "mem").await,
        0,
        "memory does not outlive the pod"
    );
}

fn statefulset(name: &str, when_deleted: &str, when_scaled: &str) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name},
        "spec": {
            "replicas": 2, "serviceName": name,
            "selector": {"matchLabels": {"app": name}},
            "persistentVolumeClaimRetentionPolicy": {"whenDeleted": when_deleted, "whenScaled": when_scaled},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "busybox"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "vol"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        }
    })
}

#[tokio::test]
async fn claims_follow_the_retention_policy() {
    use k8s_openapi::api::apps::v1::StatefulSet;
    let (client, sim) = sim().await;
    let sts: Api<StatefulSet> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), "default");
    for (name, deleted, scaled) in [("keep", "Retain", "Retain"), ("drop", "Delete", "Delete")] {
        sts.create(
            &PostParams::default(),
            &serde_json::from_value(statefulset(name, deleted, scaled)).unwrap(),
        )
        .await
        .unwrap();
        let claim1 = format!("vol-{name}-1");
        let c = claim1.clone();
        sim.wait_for::<Pod>("default", &format!("{name}-1"), WAIT, |p| {
            p.is_some_and(|p| kube_sim::controllers::is_ready(&serde_json::to_value(p).unwrap()))
        })
        .await
        .unwrap();
        let uid = claims.get(&c).await.unwrap().metadata.uid;
        // a deleted pod never takes its claim along
        pods.delete(&format!("{name}-0"), &DeleteParams::default())
            .await
            .unwrap();
        sim.wait_for::<Pod>("default", &format!("{name}-0"), WAIT, |p| {
            p.is_some_and(|p| kube_sim::controllers::is_ready(&serde_json::to_value(p).unwrap()))
        })
        .await
        .unwrap();
        assert!(
            claims
                .get_opt(&format!("vol-{name}-0"))
                .await
                .unwrap()
                .is_some()
        );
        // scale to 1: whenScaled decides about vol-<name>-1
        sts.patch(
            name,
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 1}})),
        )
        .await
        .unwrap();
        let want_kept = scaled == "Retain";
        sim.wait_for::<PersistentVolumeClaim>("default", &claim1, WAIT, |c| {
            c.is_some() == want_kept
        })
        .await
        .unwrap();
        if want_kept {
            assert_eq!(claims.get(&claim1).await.unwrap().metadata.uid, uid);
        }
        // delete the StatefulSet: whenDeleted decides about vol-<name>-0
        sts.delete(name, &DeleteParams::default()).await.unwrap();
        let want_kept = deleted == "Retain";
        sim.wait_for::<PersistentVolumeClaim>("default", &format!("vol-{name}-0"), WAIT, |c| {
            c.is_some() == want_kept
        })
        .await
        .unwrap();
        sim.wait_until("pods of the deleted set gone", WAIT, |i| {
            let rt = i.find_kind("v1", "Pod").unwrap();
            i.try_get(&rt, "default", &format!("{name}-0")).is_none()
        })
        .await
        .unwrap();
        assert_eq!(
            claims
                .get_opt(&format!("vol-{name}-0"))
                .await
                .unwrap()
                .is_some(),
            want_kept
        );
    }
}
