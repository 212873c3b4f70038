//! Simulated controllers: StatefulSet ordering, scale-down and PVC retention, update
//! strategies, scheduler constraints, kubelet status and logs, LoadBalancer/NodePort, events,
//! and the Node/pod/LB faults.

mod common;

use std::time::Duration;

use common::{WAIT, namespace, sim, wait};
use futures::TryStreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use kube::api::{Api, DeleteParams, ListParams, LogParams, Patch, PatchParams, PostParams};
use kube::runtime::watcher;
use serde_json::json;

fn sts(name: &str, replicas: i32, strategy: serde_json::Value) -> StatefulSet {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas, "serviceName": name, "selector": {"matchLabels": {"app": name}},
            "updateStrategy": strategy,
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "img:1"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
        }
    }))
    .unwrap()
}

fn ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn ready_replicas(n: i32) -> impl Fn(Option<&StatefulSet>) -> bool {
    move |s| {
        s.and_then(|s| s.status.as_ref())
            .is_some_and(|st| st.ready_replicas == Some(n) && st.replicas == n)
    }
}

#[tokio::test]
async fn statefulset_creates_in_order_scales_down_in_reverse_and_keeps_pvcs() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "sts").await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), &ns);
    let pvcs: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), &ns);
    let events = watcher(pods.clone(), watcher::Config::default());
    let mut events = Box::pin(events);
    loop {
        let ev = tokio::time::timeout(WAIT, events.try_next())
            .await
            .expect("initial list in time")
            .unwrap()
            .unwrap();
        if matches!(ev, watcher::Event::InitDone) {
            break;
        }
    }
    sets.create(
        &PostParams::default(),
        &sts("db", 3, json!({"type": "RollingUpdate"})),
    )
    .await
    .unwrap();
    // observe: each pod appears only after the previous one is Ready
    let mut ready_seen: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    while ready_seen.len() < 3 {
        let ev = tokio::time::timeout(WAIT, events.try_next())
            .await
            .expect("pod events in time")
            .unwrap()
            .unwrap();
        let objs = match ev {
            watcher::Event::Apply(p) | watcher::Event::InitApply(p) => vec![p],
            _ => vec![],
        };
        for p in objs {
            let name = p.metadata.name.clone().unwrap();
            if !added.contains(&name) {
                if let Some(prev) = added.last() {
                    assert!(
                        ready_seen.contains(prev),
                        "{name} created before {prev} was Ready"
                    );
                }
                added.push(name.clone());
            }
            if ready(&p) && !ready_seen.contains(&name) {
                ready_seen.push(name);
            }
        }
    }
    assert_eq!(added, ["db-0", "db-1", "db-2"]);
    wait(&sets, "db", ready_replicas(3)).await;
    let p0 = pods.get("db-0").await.unwrap();
    let vols = p0.spec.unwrap().volumes.unwrap();
    assert!(vols.iter().any(|v| {
        v.persistent_volume_claim
            .as_ref()
            .is_some_and(|c| c.claim_name == "data-db-0")
    }));
    assert_eq!(
        pvcs.list(&ListParams::default()).await.unwrap().items.len(),
        3
    );

    // scale to 1: db-2 goes, then db-1; PVCs stay (whenScaled: Retain)
    let mut deletions = Box::pin(watcher(pods.clone(), watcher::Config::default()));
    // the watcher is lazy: let it finish its initial list before scaling
    loop {
        let ev = tokio::time::timeout(WAIT, deletions.try_next())
            .await
            .expect("initial list in time")
            .unwrap()
            .unwrap();
        if matches!(ev, watcher::Event::InitDone) {
            break;
        }
    }
    sets.patch_scale(
        "db",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"replicas": 1}})),
    )
    .await
    .unwrap();
    let mut deleted = Vec::new();
    while deleted.len() < 2 {
        let ev = tokio::time::timeout(WAIT, deletions.try_next())
            .await
            .expect("deletions in time")
            .unwrap()
            .unwrap();
        if let watcher::Event::Delete(p) = ev {
            deleted.push(p.metadata.name.unwrap());
        }
    }
    assert_eq!(deleted, ["db-2", "db-1"]);
    wait(&sets, "db", ready_replicas(1)).await;
    assert_eq!(
        pvcs.list(&ListParams::default()).await.unwrap().items.len(),
        3,
        "PVCs are retained on scale-down"
    );
}

#[tokio::test]
async fn on_delete_waits_for_deletion_and_rolling_update_honours_partition() {
    let (client, _sim) = sim().await;
    let ns = namespace(&client, "upd").await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), &ns);
    let image = |p: &Pod| {
        p.spec.as_ref().unwrap().containers[0]
            .image
            .clone()
            .unwrap()
    };
    let new_image =
        json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "img:2"}]}}}});

    sets.create(
        &PostParams::default(),
        &sts("od", 2, json!({"type": "OnDelete"})),
    )
    .await
    .unwrap();
    wait(&sets, "od", ready_replicas(2)).await;
    let s = sets
        .patch(
            "od",
            &PatchParams::default(),
            &Patch::Strategic(new_image.clone()),
        )
        .await
        .unwrap();
    let update_rev = wait(&sets, "od", |s| {
        s.and_then(|s| s.status.as_ref())
            .is_some_and(|st| st.update_revision != st.current_revision)
    })
    .await;
    assert!(update_rev.is_some() && s.metadata.generation == Some(2));
    assert_eq!(
        image(&pods.get("od-0").await.unwrap()),
        "img:1",
        "OnDelete leaves pods alone"
    );
    assert_eq!(image(&pods.get("od-1").await.unwrap()), "img:1");
    pods.delete("od-1", &DeleteParams::default()).await.unwrap();
    let p = wait(&pods, "od-1", |p| {
        p.is_some_and(|p| {
            p.spec.as_ref().unwrap().containers[0].image.as_deref() == Some("img:2") && ready(p)
        })
    })
    .await;
    assert!(p.is_some());
    assert_eq!(image(&pods.get("od-0").await.unwrap()), "img:1");

    sets.create(
        &PostParams::default(),
        &sts(
            "ru",
            3,
            json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}),
        ),
    )
    .await
    .unwrap();
    wait(&sets, "ru", ready_replicas(3)).await;
    sets.patch("ru", &PatchParams::default(), &Patch::Strategic(new_image))
        .await
        .unwrap();
    wait(&sets, "ru", |s| {
        s.and_then(|s| s.status.as_ref())
            .is_some_and(|st| st.updated_replicas == Some(2) && st.ready_replicas == Some(3))
    })
    .await;
    assert_eq!(image(&pods.get("ru-2").await.unwrap()), "img:2");
    assert_eq!(image(&pods.get("ru-1").await.unwrap()), "img:2");
    assert_eq!(
        image(&pods.get("ru-0").await.unwrap()),
        "img:1",
        "below the partition"
    );
    // partition 0: the last one rolls and the current revision catches up
    sets.patch(
        "ru",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}})),
    )
    .await
    .unwrap();
    let s = wait(&sets, "ru", |s| {
        s.and_then(|s| s.status.as_ref()).is_some_and(|st| {
            st.updated_replicas == Some(3)
                && st.current_revision == st.update_revision
                && st.ready_replicas == Some(3)
        })
    })
    .await;
    assert!(s.is_some());
    assert_eq!(image(&pods.get("ru-0").await.unwrap()), "img:2");
}

fn pod(name: &str, spec: serde_json::Value) -> Pod {
    serde_json::from_value(json!({"metadata": {"name": name}, "spec": spec})).unwrap()
}

#[tokio::test]
async fn scheduler_honours_selectors_affinity_and_taints() {
    let (client, sim) = sim().await;
    let ns = namespace(&client, "sched").await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
    let c = json!([{"name": "c", "image": "i"}]);
    let pp = PostParams::default();
    pods.create(
        &pp,
        &pod(
            "zone-b",
            json!({"containers": c, "nodeSelector": {"topology.kubernetes.io/zone": "b"}}),
        ),
    )
    .await
    .unwrap();
    pods.create(
        &pp,
        &pod(
            "nowhere",
            json!({"containers": c, "nodeSelector": {"topology.kubernetes.io/zone": "z"}}),
        ),
    )
    .await
    .unwrap();
    pods.create(&pp, &pod("not-a", json!({"containers": c, "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "NotIn", "values": ["a", "b"]}]}]}}}}))).await.unwrap();
    let p = wait(&pods, "zone-b", |p| p.is_some_and(ready))
        .await
        .unwrap();
    assert_eq!(p.spec.unwrap().node_name.as_deref(), Some("sim-node-2"));
    let p = wait(&pods, "not-a", |p| p.is_some_and(ready))
        .await
        .unwrap();
    assert_eq!(p.spec.unwrap().node_name.as_deref(), Some("sim-node-3"));
    let p = wait(&pods, "nowhere", |p| {
        p.and_then(|p| p.status.as_ref())
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| {
                c.iter().any(|c| {
                    c.type_ == "PodScheduled" && c.reason.as_deref() == Some("Unschedulable")
                })
            })
    })
    .await
    .unwrap();
    let st = p.status.unwrap();
    assert_eq!(st.phase.as_deref(), Some("Pending"));
    assert!(st.conditions.unwrap().iter().any(|c| {
        c.message
            .as_deref()
            .is_some_and(|m| m.contains("0/3 nodes are available: 3 node(s) didn't match"))
    }));
    assert!(sim.events(&ns).iter().any(|(r, _)| r == "FailedScheduling"));

    // taint every node: a new pod without tolerations stays Pending; one tolerating it runs
    for n in ["sim-node-1", "sim-node-2", "sim-node-3"] {
        sim.mutate(
            "v1",
            "Node",
            "",
            n,
            "",
            |node| {
                node["spec"]["taints"] =
                    json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}])
            },
        )
        .unwrap();
    }
    pods.create(&pp, &pod("untolerated", json!({"containers": c})))
        .await
        .unwrap();
    pods.create(&pp, &pod("tolerated", json!({"containers": c, "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]}))).await.unwrap();
    wait(&pods, "tolerated", |p| p.is_some_and(ready)).await;
    let p = wait(&pods, "untolerated", |p| {
        p.and_then(|p| p.status.as_ref())
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c.reason.as_deref() == Some("Unschedulable"))
            })
    })
    .await
    .unwrap();
    assert!(p.spec.unwrap().node_name.is_none());
}

#[tokio::test]
async fn kubelet_status_logs_and_faults() {
    let (client, sim) = sim().await;
    let ns = namespace(&client, "kubelet").await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), &ns);
    let pp = PostParams::default();
    sim.pod_never_ready(&ns, "stuck", true);
    pods.create(&pp, &pod("p", json!({"containers": [{"name": "c", "image": "i"}], "nodeSelector": {"kubernetes.io/hostname": "sim-node-1"}}))).await.unwrap();
    pods.create(
        &pp,
        &pod(
            "stuck",
            json!({"containers": [{"name": "c", "image": "i"}]}),
        ),
    )
    .await
    .unwrap();
    pods.create(&pp, &pod("gated", json!({"containers": [{"name": "c", "image": "i"}], "readinessGates": [{"conditionType": "acko.io/aerospike-ready"}]}))).await.unwrap();
    let p = wait(&pods, "p", |p| p.is_some_and(ready)).await.unwrap();
    let st = p.status.unwrap();
    assert!(st.pod_ip.as_deref().unwrap().starts_with("127.10."));
    assert_eq!(st.host_ip.as_deref(), Some("127.0.1.1"));
    assert_eq!(st.phase.as_deref(), Some("Running"));
    let logs = pods.logs("p", &LogParams::default()).await.unwrap();
    assert!(logs.contains("started container c"), "{logs}");

    // a readiness gate holds Ready until its condition is set
    let g = wait(&pods, "gated", |p| {
        p.and_then(|p| p.status.as_ref())
            .is_some_and(|s| s.pod_ip.is_some())
    })
    .await
    .unwrap();
    assert!(!ready(&g));
    pods.patch_status("gated", &PatchParams::default(), &Patch::Strategic(json!({"status": {"conditions": [{"type": "acko.io/aerospike-ready", "status": "True"}]}})))
        .await
        .unwrap();
    wait(&pods, "gated", |p| p.is_some_and(ready)).await;

    // never ready
    let s = wait(&pods, "stuck", |p| {
        p.and_then(|p| p.status.as_ref())
            .is_some_and(|s| s.pod_ip.is_some())
    })
    .await
    .unwrap();
    assert!(!ready(&s));
    sim.pod_never_ready(&ns, "stuck", false);
    wait(&pods, "stuck", |p| p.is_some_and(ready)).await;

    // Node NotReady → its pods turn NotReady, and back
    sim.set_node_ready("sim-node-1", false).unwrap();
    wait(&pods, "p", |p| p.is_some_and(|p| !ready(p))).await;
    sim.set_node_ready("sim-node-1", true).unwrap();
    wait(&pods, "p", |p| p.is_some_and(ready)).await;

    // container restarts
    sim.restart_containers(&ns, "p").unwrap();
    let p = pods.get("p").await.unwrap();
    assert_eq!(
        p.status.unwrap().container_statuses.unwrap()[0].restart_count,
        1
    );
}

#[tokio::test]
async fn services_get_node_ports_and_load_balancer_addresses() {
    let (client, sim) = sim().await;
    let ns = namespace(&client, "svc").await;
    let svcs: Api<Service> = Api::namespaced(client.clone(), &ns);
    let svc = |name: &str, ty: &str| -> Service {
        serde_json::from_value(json!({"metadata": {"name": name}, "spec": {"type": ty, "ports": [{"port": 3000}], "selector": {"app": "x"}}})).unwrap()
    };
    sim.lb_never(&ns, "dark", true);
    let np = svcs
        .create(&PostParams::default(), &svc("np", "NodePort"))
        .await
        .unwrap();
    let port = np.spec.unwrap().ports.unwrap()[0].node_port.unwrap();
    assert!((30000..=32767).contains(&port));
    svcs.create(&PostParams::default(), &svc("lb", "LoadBalancer"))
        .await
        .unwrap();
    svcs.create(&PostParams::default(), &svc("dark", "LoadBalancer"))
        .await
        .unwrap();
    let lb = wait(&svcs, "lb", |s| {
        s.and_then(|s| s.status.as_ref())
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .is_some_and(|i| !i.is_empty())
    })
    .await
    .unwrap();
    let lb_port = lb.spec.unwrap().ports.unwrap()[0].node_port.unwrap();
    assert_ne!(lb_port, port, "node ports are unique");
    // "dark" never gets one: by the time "lb2" (created after it) has its address, "dark" has none
    svcs.create(&PostParams::default(), &svc("lb2", "LoadBalancer"))
        .await
        .unwrap();
    wait(&svcs, "lb2", |s| {
        s.and_then(|s| s.status.as_ref())
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .is_some_and(|i| !i.is_empty())
    })
    .await;
    let dark = svcs.get("dark").await.unwrap();
    assert!(
        dark.status
            .unwrap()
            .load_balancer
            .unwrap()
            .ingress
            .unwrap_or_default()
            .is_empty()
    );
    let _ = Duration::ZERO;
}
