//! Table tests of `plan`: lifecycle, objects, readiness gate, scaling, claims, pruning.

use acko_api::ClusterPhase;

use super::fixtures::*;
use super::{Plan, Step, plan};
use crate::desired::{DesiredError, desired};
use crate::observed::{ClaimFacts, ExistingObject, ObjectKey, OptionalKind, RackSet};

fn run(o: &crate::observed::Observed, d: &crate::desired::Desired) -> Plan {
    plan(o, Ok(d))
}

#[test]
fn converged_cluster_is_completed_and_writes_nothing() {
    let d = want("");
    let p = run(&converged(&d), &d);
    assert_eq!(p.step, Step::Done);
    assert_eq!(p.phase, ClusterPhase::Completed);
    assert!(!p.step.writes());
}

#[test]
fn missing_finalizer_is_added_first() {
    let d = want("");
    let mut o = converged(&d);
    o.has_finalizer = false;
    assert_eq!(run(&o, &d).step, Step::AddFinalizer);
}

#[test]
fn invalid_spec_is_an_error_listing_every_path_and_changes_nothing() {
    let mut c = cluster("");
    c.spec.size = Some(9);
    c.spec.image = Some("aerospike/aerospike-server-enterprise:8.1.0.0".into());
    let err = desired(&c, &[], &Default::default()).unwrap_err();
    let DesiredError::Invalid(problems) = &err else {
        panic!("expected Invalid, got {err:?}");
    };
    assert!(problems.has_path("spec.size"), "{problems:?}");
    assert!(problems.has_path("spec.image"), "{problems:?}");
    let o = converged(&want(""));
    let p = plan(&o, Err(&err));
    assert_eq!(p.step, Step::Invalid);
    assert_eq!(p.phase, ClusterPhase::Error);
    assert!(
        p.reason.contains("spec.size") && p.reason.contains("spec.image"),
        "{}",
        p.reason
    );
    assert!(!p.step.writes());
}

#[test]
fn paused_cluster_changes_nothing_even_when_objects_differ() {
    let d = want("  paused: true\n");
    let mut o = converged(&want(""));
    stale_config(&mut o);
    let p = run(&o, &d);
    assert_eq!(p.step, Step::Paused);
    assert_eq!(p.phase, ClusterPhase::Paused);
}

#[test]
fn deletion_without_cascade_keeps_claims_and_removes_finalizer() {
    let d = want("");
    let mut o = converged(&d);
    o.deleting = true;
    o.claims.push(ClaimFacts {
        name: "data-demo-0-0".into(),
        rack: Some(0),
        pod: None,
    });
    let p = run(&o, &d);
    assert_eq!(p.phase, ClusterPhase::Deleting);
    assert_eq!(
        p.step,
        Step::Finalize {
            objects: vec![],
            claims: vec![]
        }
    );
}

const CASCADE: &str = "  storage:
    volumes:
      - name: data
        source: {persistentVolume: {size: 1Gi}}
        aerospike: {path: /opt/aerospike/data}
        cascadeDelete: true
";

#[test]
fn deletion_with_cascade_deletes_the_claims_and_cluster_scoped_objects() {
    let d = want(CASCADE);
    let mut o = converged(&d);
    o.deleting = true;
    o.claims.push(ClaimFacts {
        name: "data-demo-0-0".into(),
        rack: Some(0),
        pod: None,
    });
    o.claims.push(ClaimFacts {
        name: "other-demo-0-0".into(),
        rack: Some(0),
        pod: None,
    });
    let role = ObjectKey {
        api_version: "rbac.authorization.k8s.io/v1".into(),
        kind: "ClusterRole".into(),
        name: "acko-db-demo-node-reader".into(),
        namespace: None,
    };
    o.objects.insert(
        role.clone(),
        ExistingObject {
            key: role.clone(),
            desired_hash: None,
            rack: None,
            owned: true,
        },
    );
    let p = run(&o, &d);
    let sts = d
        .objects
        .iter()
        .find(|x| x.key.kind == "StatefulSet")
        .unwrap()
        .key
        .clone();
    let Step::Finalize { objects, claims } = p.step else {
        panic!("expected Finalize, got {p:?}");
    };
    assert_eq!(claims, vec!["data-demo-0-0".to_owned()]);
    assert!(
        objects.contains(&role) && objects.contains(&sts),
        "{objects:?}"
    );
}

#[test]
fn deletion_after_the_finalizer_is_gone_waits() {
    let d = want("");
    let mut o = converged(&d);
    o.deleting = true;
    o.has_finalizer = false;
    assert_eq!(run(&o, &d).step, Step::Wait);
}

#[test]
fn fresh_cluster_applies_every_object_in_order() {
    let d = want("");
    let mut o = converged(&d);
    o.objects.clear();
    o.racks.clear();
    o.pods.clear();
    let Step::Apply { objects } = run(&o, &d).step else {
        panic!("expected Apply");
    };
    assert_eq!(objects.len(), d.objects.len());
    let kinds: Vec<&str> = objects
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    let cm = kinds.iter().position(|k| *k == "ConfigMap").unwrap();
    let sts = kinds.iter().position(|k| *k == "StatefulSet").unwrap();
    assert!(cm < sts, "ConfigMaps before StatefulSets: {kinds:?}");
    let sts = objects.iter().find(|v| v["kind"] == "StatefulSet").unwrap();
    assert_eq!(sts["spec"]["replicas"], 3);
    assert_eq!(sts["metadata"]["ownerReferences"][0]["uid"], "uid-1");
}

#[test]
fn only_objects_whose_hash_differs_are_applied() {
    let d = want("");
    let mut o = converged(&d);
    let cm = d
        .objects
        .iter()
        .find(|x| x.key.kind == "ConfigMap")
        .unwrap()
        .key
        .clone();
    o.objects.get_mut(&cm).unwrap().desired_hash = Some("stale".into());
    let Step::Apply { objects } = run(&o, &d).step else {
        panic!("expected Apply");
    };
    assert_eq!(objects.len(), 1);
    assert_eq!(ObjectKey::of(&objects[0]).unwrap(), cm);
}

#[test]
fn statefulset_changes_keep_the_observed_replicas() {
    let d = want("");
    let mut o = converged(&d);
    o.racks.insert(0, RackSet { replicas: 5 });
    let Step::Apply { objects } = run(&o, &d).step else {
        panic!("expected Apply");
    };
    assert_eq!(objects.len(), 1);
    assert_eq!(objects[0]["kind"], "StatefulSet");
    assert_eq!(objects[0]["spec"]["replicas"], 5);
}

#[test]
fn optional_kinds_without_crd_are_skipped_and_reported() {
    let d = want("  monitoring:\n    enabled: true\n    serviceMonitor: {enabled: true}\n");
    let mut o = converged(&d);
    let sm: Vec<ObjectKey> = o
        .objects
        .keys()
        .filter(|k| k.kind == "ServiceMonitor")
        .cloned()
        .collect();
    assert_eq!(sm.len(), 1);
    o.objects.remove(&sm[0]);
    assert_eq!(run(&o, &d).step, Step::Done);
    assert_eq!(
        super::objects::missing_kinds(&o, &d)
            .into_iter()
            .collect::<Vec<_>>(),
        vec![OptionalKind::ServiceMonitor]
    );
    o.available_kinds.insert(OptionalKind::ServiceMonitor);
    assert!(matches!(run(&o, &d).step, Step::Apply { .. }));
}

const GATE: &str = "  podSpec: {readinessGateEnabled: true}\n";

#[test]
fn readiness_gate_is_set_once_the_node_joined() {
    let d = want(GATE);
    let mut o = converged(&d);
    for p in o.pods.values_mut() {
        p.has_readiness_gate = true;
        p.gate_condition = Some(true);
    }
    pod_mut(&mut o, "demo-0-2").gate_condition = None;
    let p = run(&o, &d);
    assert_eq!(
        p.step,
        Step::SetReadiness {
            pods: vec![("demo-0-2".into(), true)]
        }
    );
}

#[test]
fn readiness_gate_waits_for_size_stability_and_migrations() {
    let d = want(GATE);
    for (size, migrations) in [(2, 0), (3, 10)] {
        let mut o = converged(&d);
        for p in o.pods.values_mut() {
            p.has_readiness_gate = true;
            p.gate_condition = Some(true);
        }
        let pod = pod_mut(&mut o, "demo-0-2");
        pod.gate_condition = None;
        pod.ready = false;
        pod.node = Some(node("demo-0-2", size, KEY, migrations));
        let p = run(&o, &d);
        assert!(
            !matches!(p.step, Step::SetReadiness { .. }),
            "size {size} migrations {migrations}: {p:?}"
        );
    }
}

#[test]
fn readiness_gate_is_withdrawn_when_the_node_is_unreachable() {
    let d = want(GATE);
    let mut o = converged(&d);
    for p in o.pods.values_mut() {
        p.has_readiness_gate = true;
        p.gate_condition = Some(true);
    }
    pod_mut(&mut o, "demo-0-1").node = Some(unreachable("demo-0-1"));
    assert_eq!(
        run(&o, &d).step,
        Step::SetReadiness {
            pods: vec![("demo-0-1".into(), false)]
        }
    );
}

#[test]
fn scale_up_grows_one_rack_at_a_time() {
    let d = want("  rackConfig:\n    racks: [{id: 1}, {id: 2}]\n");
    let mut o = converged(&d);
    set_replicas(&mut o, &d, 1, 1);
    set_replicas(&mut o, &d, 2, 0);
    let p = run(&o, &d);
    assert_eq!(p.phase, ClusterPhase::ScalingUp);
    let Step::ScaleRack {
        rack,
        from,
        to,
        object,
    } = p.step
    else {
        panic!("expected ScaleRack, got {:?}", p.step);
    };
    assert_eq!((rack, from, to), (1, 1, 2));
    assert_eq!(object.unwrap()["spec"]["replicas"], 2);
}

#[test]
fn scale_up_does_not_change_existing_pods_config_hash() {
    let small = want("");
    let mut c = cluster("");
    c.spec.size = Some(5);
    let five = desired(&c, &[], &Default::default()).unwrap();
    assert_eq!(small.racks[0].config_hash, five.racks[0].config_hash);
    assert_eq!(small.racks[0].pod_spec_hash, five.racks[0].pod_spec_hash);
    let mut o = converged(&small);
    let p = run(&o, &five);
    // The StatefulSet object is unchanged apart from replicas, so no apply: a scale step.
    assert!(
        matches!(p.step, Step::ScaleRack { from: 3, to: 5, .. }),
        "{p:?}"
    );
    o.racks.insert(0, RackSet { replicas: 5 });
    assert!(super::roll::outdated(&o, &five).is_empty());
}

fn five_to(size: i32, extra: &str) -> (crate::desired::Desired, crate::observed::Observed) {
    let mut c = cluster(extra);
    c.spec.size = Some(5);
    let five = desired(&c, &[], &Default::default()).unwrap();
    let o = converged(&five);
    c.spec.size = Some(size);
    let d = desired(&c, &[], &Default::default()).unwrap();
    let mut o = o;
    // Objects other than the StatefulSet are as desired for the new size.
    for obj in &d.objects {
        if obj.key.kind != "StatefulSet" {
            o.objects.insert(
                obj.key.clone(),
                ExistingObject {
                    key: obj.key.clone(),
                    desired_hash: crate::desired::desired_hash(&obj.value).map(str::to_owned),
                    rack: obj.rack,
                    owned: true,
                },
            );
        }
    }
    (d, o)
}

#[test]
fn scale_down_removes_one_pod_when_settled() {
    let (d, o) = five_to(2, "");
    let p = run(&o, &d);
    assert_eq!(p.phase, ClusterPhase::ScalingDown);
    assert!(
        matches!(
            p.step,
            Step::ScaleRack {
                rack: 0,
                from: 5,
                to: 4,
                ..
            }
        ),
        "{p:?}"
    );
}

#[test]
fn scale_down_waits_for_migrations_and_convergence() {
    let (d, mut o) = five_to(2, "");
    set_nodes(&mut o, 5, 7);
    let p = run(&o, &d);
    assert_eq!(
        (p.step, p.phase),
        (Step::Wait, ClusterPhase::WaitingForMigration)
    );

    // After a batch: the StatefulSet wants 4, a pod is still terminating.
    let (d, mut o) = five_to(2, "");
    set_replicas(&mut o, &d, 0, 4);
    pod_mut(&mut o, "demo-0-4").terminating = true;
    let p = run(&o, &d);
    assert_eq!(p.step, Step::Wait, "{p:?}");
    // Pod gone, but nodes still see 5.
    o.pods.remove("demo-0-4");
    let p = run(&o, &d);
    assert_eq!(p.step, Step::Wait, "{p:?}");
    assert!(p.reason.contains("cluster_size"), "{}", p.reason);
    // Converged at 4: next batch.
    set_nodes(&mut o, 4, 0);
    assert!(matches!(
        run(&o, &d).step,
        Step::ScaleRack { from: 4, to: 3, .. }
    ));
}

#[test]
fn scale_down_batch_is_capped_by_replication_factor() {
    let (d, o) = five_to(2, "  rackConfig: {scaleDownBatchSize: 3}\n");
    assert!(matches!(
        run(&o, &d).step,
        Step::ScaleRack { from: 5, to: 4, .. }
    ));
    let rf3 = "  rackConfig: {scaleDownBatchSize: 3}\n";
    let mut c = cluster(rf3);
    c.spec.size = Some(5);
    c.spec.aerospike_config.as_mut().unwrap()["namespaces"][0]["replication-factor"] = 3.into();
    let five = desired(&c, &[], &Default::default()).unwrap();
    let mut o = converged(&five);
    c.spec.size = Some(3);
    let d = desired(&c, &[], &Default::default()).unwrap();
    assert_eq!(d.knobs.replication_factor, 3);
    set_replicas(&mut o, &d, 0, 5);
    assert!(
        matches!(run(&o, &d).step, Step::ScaleRack { from: 5, to: 3, .. }),
        "{:?}",
        run(&o, &d)
    );
}

#[test]
fn scale_down_never_goes_below_the_replication_factor() {
    let d = want("");
    let k = &d.knobs;
    assert_eq!(super::scale::down_batch(k, 2, 1), 0);
    assert_eq!(super::scale::down_batch(k, 3, 1), 1);
}

#[test]
fn removed_rack_is_drained_by_patching_replicas_then_pruned() {
    let two = want("  rackConfig:\n    racks: [{id: 1}, {id: 2}]\n");
    let mut o = converged(&two);
    let one = want("  rackConfig:\n    racks: [{id: 1}]\n");
    // Rack 1 now holds all 3 pods: pretend it was scaled up already.
    for obj in &one.objects {
        o.objects.insert(
            obj.key.clone(),
            ExistingObject {
                key: obj.key.clone(),
                desired_hash: crate::desired::desired_hash(&obj.value).map(str::to_owned),
                rack: obj.rack,
                owned: true,
            },
        );
    }
    set_replicas(&mut o, &one, 1, 3);
    for i in 2..3 {
        let name = format!("demo-1-{i}");
        let mut p = o.pods["demo-1-0"].clone();
        p.name = name.clone();
        p.ordinal = i;
        o.pods.insert(name, p);
    }
    // Seeds depend on the rack list, so rack 1 has new hashes; say it rolled already.
    for p in o.pods.values_mut().filter(|p| p.rack == 1) {
        p.config_hash = Some(one.rack(1).unwrap().config_hash.clone());
        p.pod_spec_hash = Some(one.rack(1).unwrap().pod_spec_hash.clone());
    }
    set_nodes(&mut o, 4, 0);
    let p = run(&o, &one);
    assert!(
        matches!(
            p.step,
            Step::ScaleRack {
                rack: 2,
                from: 1,
                to: 0,
                object: None
            }
        ),
        "{p:?}"
    );
    // Drained: rack 2's StatefulSet and ConfigMap are pruned.
    set_replicas(&mut o, &two, 2, 0);
    o.pods.remove("demo-2-0");
    set_nodes(&mut o, 3, 0);
    let p = run(&o, &one);
    let Step::Prune { objects } = p.step else {
        panic!("expected Prune, got {p:?}");
    };
    assert!(
        objects
            .iter()
            .any(|k| k.kind == "StatefulSet" && k.name == "demo-2")
    );
    assert!(
        objects
            .iter()
            .any(|k| k.kind == "ConfigMap" && k.name == "demo-2-config")
    );
}

#[test]
fn claims_of_removed_pods_are_deleted_only_with_cascade() {
    for (extra, expect) in [(CASCADE, true), ("", false)] {
        let d = want(extra);
        let mut o = converged(&d);
        for n in ["data-demo-0-0", "data-demo-0-3"] {
            o.claims.push(ClaimFacts {
                name: n.into(),
                rack: Some(0),
                pod: None,
            });
        }
        let p = run(&o, &d);
        if expect {
            assert_eq!(
                p.step,
                Step::DeleteClaims {
                    claims: vec!["data-demo-0-3".into()]
                }
            );
        } else {
            assert_eq!(p.step, Step::Done);
        }
    }
}

#[test]
fn prune_deletes_only_owned_objects_and_keeps_live_pod_services() {
    let d = want("");
    let mut o = converged(&d);
    let svc = |name: &str| ObjectKey {
        api_version: "v1".into(),
        kind: "Service".into(),
        name: name.into(),
        namespace: Some("db".into()),
    };
    for (name, owned) in [
        ("demo-0-2-pod", true),
        ("demo-0-7-pod", true),
        ("foreign", false),
    ] {
        o.objects.insert(
            svc(name),
            ExistingObject {
                key: svc(name),
                desired_hash: None,
                rack: None,
                owned,
            },
        );
    }
    assert_eq!(
        run(&o, &d).step,
        Step::Prune {
            objects: vec![svc("demo-0-7-pod")]
        }
    );
}

#[test]
fn not_all_pods_ready_is_in_progress_not_completed() {
    let d = want("");
    let mut o = converged(&d);
    o.pods.remove("demo-0-2");
    let p = run(&o, &d);
    assert_eq!(
        (p.step.clone(), p.phase),
        (Step::Wait, ClusterPhase::InProgress)
    );
}

#[test]
fn ready_pods_without_a_formed_aerospike_cluster_are_not_completed() {
    let d = want("");
    let mut o = converged(&d);
    pod_mut(&mut o, "demo-0-1").node = Some(node("demo-0-1", 1, KEY, 0));
    let p = run(&o, &d);
    assert_eq!(
        (p.step.clone(), p.phase),
        (Step::Wait, ClusterPhase::InProgress)
    );
    assert!(p.reason.contains("Aerospike cluster"), "{}", p.reason);
}
