//! AerospikeCluster pods run aerospike-fake nodes: the objects rendered by acko-render, applied
//! through the API, give pods whose fake nodes form one cluster of the right size, answer
//! info commands and accept client writes; pod deletion, warm restart and disk-full.

mod common;

use aerospike::{Bins, ClientPolicy, ReadPolicy, WritePolicy, as_bin, as_key};
use common::{WAIT, sim};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::discovery::Discovery;
use serde_json::{Value, json};

const CLUSTER: &str = r#"
apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata:
  name: demo
  namespace: aerospike
spec:
  size: 3
  image: aerospike:ce-8.1.1.1
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 2
        storage-engine:
          type: memory
          data-size: 1073741824
"#;

fn ready_pods(inner: &kube_sim::store::Inner, n: usize) -> bool {
    let rt = inner.find_kind("v1", "Pod").unwrap();
    let sel = kube_sim::selectors::LabelSelector::parse("acko.io/cluster=demo").unwrap();
    let pods = inner.list(&rt, Some("aerospike"), &sel, &Default::default());
    pods.len() == n && pods.iter().all(kube_sim::controllers::is_ready)
}

async fn info(host: &str, cmd: &str) -> String {
    asinfo::Client::new(host).info_one(cmd).await.unwrap()
}

/// Create the cluster resource, render its objects with acko-render and apply them
/// (server-side apply through discovery, as the operator would).
async fn deploy(client: &kube::Client) {
    let nss: Api<Namespace> = Api::all(client.clone());
    nss.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "aerospike"}})).unwrap(),
    )
    .await
    .unwrap();
    let raw: Value = serde_saphyr::from_str(CLUSTER).unwrap();
    let discovery = Discovery::new(client.clone()).run().await.unwrap();
    let apply = |obj: Value| {
        let discovery = &discovery;
        async move {
            let gvk = kube::core::GroupVersionKind::try_from(
                &serde_json::from_value::<kube::core::TypeMeta>(obj.clone()).unwrap(),
            )
            .unwrap();
            let (ar, caps) = discovery
                .resolve_gvk(&gvk)
                .unwrap_or_else(|| panic!("{gvk:?} discovered"));
            let name = obj["metadata"]["name"].as_str().unwrap().to_string();
            let api: Api<DynamicObject> = if caps.scope == kube::discovery::Scope::Namespaced {
                Api::namespaced_with(
                    client.clone(),
                    obj["metadata"]["namespace"].as_str().unwrap_or("aerospike"),
                    &ar,
                )
            } else {
                Api::all_with(client.clone(), &ar)
            };
            api.patch(
                &name,
                &PatchParams::apply("acko-test").force(),
                &Patch::Apply(&obj),
            )
            .await
            .unwrap_or_else(|e| panic!("apply {name}: {e}"))
        }
    };
    let created = apply(raw).await;
    let cluster: acko_api::AerospikeCluster =
        serde_json::from_value(serde_json::to_value(&created).unwrap()).unwrap();
    let validated =
        acko_api::validation::ValidatedCluster::new(&cluster).expect("example validates");
    let objects = acko_render::render_validated(&validated, &Default::default()).unwrap();
    let uid = created.metadata.uid.clone().unwrap();
    for mut o in objects.to_list() {
        // the operator fills the owner uid (acko-render leaves it empty by design)
        for r in o["metadata"]["ownerReferences"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            r["uid"] = json!(uid);
        }
        apply(o).await;
    }
}

#[tokio::test]
async fn rendered_cluster_runs_fake_nodes_that_form_one_cluster() {
    let (client, sim) = sim().await;
    deploy(&client).await;
    if let Err(e) = sim
        .wait_until("3 Ready aerospike pods", WAIT, |i| ready_pods(i, 3))
        .await
    {
        let pods: Api<Pod> = Api::namespaced(client.clone(), "aerospike");
        for p in pods.list(&Default::default()).await.unwrap() {
            let n = p.metadata.name.clone().unwrap();
            eprintln!(
                "{n}: {:?}\n{}",
                p.status,
                pods.logs(&n, &Default::default()).await.unwrap_or_default()
            );
        }
        eprintln!("EVENTS {:?}", sim.events("aerospike"));
        let sts: Api<k8s_openapi::api::apps::v1::StatefulSet> =
            Api::namespaced(client.clone(), "aerospike");
        for s in sts.list(&Default::default()).await.unwrap() {
            eprintln!("STS {}", serde_json::to_string(&s).unwrap());
        }
        panic!("{e}");
    }
    let hosts = sim
        .aerospike_hosts("aerospike", "demo")
        .await
        .expect("fake cluster exists");
    let hosts: Vec<String> = hosts.split(',').map(String::from).collect();
    assert_eq!(hosts.len(), 3);
    assert!(
        hosts
            .iter()
            .all(|h| h.starts_with("127.10.") && h.ends_with(":3000")),
        "{hosts:?}"
    );
    let stats = info(&hosts[0], "statistics").await;
    assert!(stats.contains("cluster_size=3"), "{stats}");
    assert_eq!(info(&hosts[1], "namespaces").await, "test");
    let service = info(&hosts[2], "get-config:context=service").await;
    assert!(service.contains("cluster-name=demo"), "{service}");

    // the final config is acko-init's: the pod IP as access address
    let pods: Api<Pod> = Api::namespaced(client.clone(), "aerospike");
    let pod_names: Vec<String> = pods
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect();
    let first = &pod_names[0];
    let pod = pods.get(first).await.unwrap();
    let ip = pod.status.as_ref().unwrap().pod_ip.clone().unwrap();
    let (hash, conf) = sim.aerospike_conf("aerospike", first).unwrap();
    assert!(conf.contains(&format!("access-address {ip}")), "{conf}");
    assert_eq!(
        pod.metadata.annotations.unwrap().get("acko.io/config-hash"),
        Some(&hash)
    );
    let logs = pods.logs(first, &Default::default()).await.unwrap();
    assert!(logs.contains("aerospike-fake node"), "{logs}");

    // the official client writes and reads through the seeds
    let _ = rustls::crypto::ring::default_provider().install_default();
    let policy = ClientPolicy {
        tend_interval: 250,
        ..ClientPolicy::default()
    };
    let ac = aerospike::Client::new(&policy, &hosts.join(","))
        .await
        .unwrap();
    let key = as_key!("test", "sim", "k1");
    ac.put(&WritePolicy::default(), &key, &[as_bin!("v", 7)])
        .await
        .unwrap();
    let rec = ac
        .get(&ReadPolicy::default(), &key, Bins::All)
        .await
        .unwrap();
    assert_eq!(rec.bins.get("v"), Some(&aerospike::Value::from(7)));

    // disk full: writes fail with "out of space" until cleared
    assert!(sim.aerospike_disk_full("aerospike", "demo", true).await);
    let err = ac
        .put(&WritePolicy::default(), &key, &[as_bin!("v", 8)])
        .await
        .unwrap_err();
    assert!(
        format!("{err:?}").contains("8") || format!("{err}").to_lowercase().contains("space"),
        "{err:?}"
    );
    sim.aerospike_disk_full("aerospike", "demo", false).await;
    ac.put(&WritePolicy::default(), &key, &[as_bin!("v", 9)])
        .await
        .unwrap();
    ac.close().await.unwrap();

    // warm restart: re-rendered from the ConfigMap, same hash, node back up
    let applied = sim.warm_restart("aerospike", first).await.unwrap();
    assert_eq!(applied, hash);
    assert!(
        info(&hosts[0], "statistics")
            .await
            .contains("cluster_size=3")
    );

    // deleting a pod stops its node (the cluster shrinks); the StatefulSet recreates it and it rejoins
    let victim = pod_names.last().unwrap().clone();
    let old_host = sim
        .aerospike_conf("aerospike", &victim)
        .map(|_| ())
        .is_some();
    assert!(old_host);
    pods.delete(&victim, &DeleteParams::default())
        .await
        .unwrap();
    sim.wait_until("pod recreated and Ready", WAIT, |i| ready_pods(i, 3))
        .await
        .unwrap();
    let hosts = sim.aerospike_hosts("aerospike", "demo").await.unwrap();
    assert_eq!(hosts.split(',').count(), 3, "{hosts}");
    let stats = info(hosts.split(',').next().unwrap(), "statistics").await;
    assert!(
        stats.contains("cluster_size=3"),
        "the recreated pod's node rejoined: {stats}"
    );
    let new_ip = pods
        .get(&victim)
        .await
        .unwrap()
        .status
        .unwrap()
        .pod_ip
        .unwrap();
    assert!(
        hosts.contains(&new_ip),
        "{hosts} has the new pod IP {new_ip}"
    );
}
