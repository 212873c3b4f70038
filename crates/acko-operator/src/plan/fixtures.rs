//! Test fixtures: a real desired state (rendered from YAML) and an observed state built from it,
//! converged unless a test changes it.

use acko_api::AerospikeCluster;
use asinfo::cluster::{NodeObservation, NodeState};

use crate::desired::{Desired, desired};
use crate::observed::{ExistingObject, NodeFacts, Observed, PodFacts, RackSet};

pub const KEY: &str = "A1B2C3D4E5F6";

pub fn cluster(extra: &str) -> AerospikeCluster {
    let size = if extra.contains("  size:") {
        ""
    } else {
        "  size: 3\n"
    };
    let yaml = format!(
        "apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata: {{name: demo, namespace: db, uid: uid-1, generation: 1}}
spec:
{size}  image: aerospike:ce-8.1.1.1
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 2
        storage-engine: {{type: memory, data-size: 1073741824}}
{extra}"
    );
    serde_saphyr::from_str(&yaml).expect("fixture YAML")
}

pub fn want(extra: &str) -> Desired {
    desired(&cluster(extra), &[], &Default::default()).expect("fixture is valid")
}

/// A hex node id derived from the pod name.
fn node_id(pod: &str) -> String {
    let sum: u32 = pod.bytes().map(u32::from).sum();
    format!("BB9{sum:06X}")
}

/// A node's facts: it sees `size` nodes, `key`, `migrations` partitions left.
pub fn node(pod: &str, size: u64, key: &str, migrations: u64) -> NodeFacts {
    let stats = format!(
        "cluster_size={size};cluster_key={KEY};cluster_integrity=true;migrate_allowed=true;\
         migrate_partitions_remaining={migrations}"
    );
    let stable = if migrations > 0 {
        "ERROR:7:unstable cluster".to_owned()
    } else {
        key.to_owned()
    };
    NodeFacts {
        observation: NodeObservation {
            addr: format!("{pod}:3000"),
            state: Ok(
                NodeState::from_replies(&node_id(pod), &stats, &stable).expect("fixture replies")
            ),
        },
        edition: Some("Aerospike Community Edition".to_owned()),
        access_endpoints: vec![],
        build: Some("8.1.2.0".to_owned()),
    }
}

pub fn unreachable(pod: &str) -> NodeFacts {
    NodeFacts {
        observation: NodeObservation {
            addr: format!("{pod}:3000"),
            state: Err("connection refused".to_owned()),
        },
        edition: None,
        access_endpoints: vec![],
        build: None,
    }
}

/// The observed state of a cluster that reached `d` (objects applied, pods Ready, stable).
pub fn converged(d: &Desired) -> Observed {
    let mut o = Observed {
        name: "demo".into(),
        namespace: "db".into(),
        now: 1_000_000,
        generation: Some(1),
        has_finalizer: true,
        ..Observed::default()
    };
    for obj in &d.objects {
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
    let total: u32 = d.racks.iter().map(|r| r.size).sum();
    for rack in &d.racks {
        o.racks.insert(
            rack.id,
            RackSet {
                replicas: rack.size,
            },
        );
        for (i, name) in rack.pods.iter().enumerate() {
            o.pods.insert(
                name.clone(),
                PodFacts {
                    name: name.clone(),
                    rack: rack.id,
                    ordinal: i as u32,
                    config_hash: Some(rack.config_hash.clone()),
                    pod_spec_hash: Some(rack.pod_spec_hash.clone()),
                    running: true,
                    ready: true,
                    containers_ready: true,
                    pod_ip: Some(format!("10.0.0.{i}")),
                    node: Some(node(name, u64::from(total), KEY, 0)),
                    ..PodFacts::default()
                },
            );
        }
    }
    o
}

/// Sets every node's view (size, migrations).
pub fn set_nodes(o: &mut Observed, size: u64, migrations: u64) {
    for p in o.pods.values_mut() {
        p.node = Some(node(&p.name, size, KEY, migrations));
    }
}

pub fn pod_mut<'a>(o: &'a mut Observed, name: &str) -> &'a mut PodFacts {
    o.pods.get_mut(name).expect("pod in fixture")
}

/// Marks a pod not Ready and its node unreachable; the others see one node less.
pub fn down(o: &mut Observed, name: &str) {
    let p = pod_mut(o, name);
    p.ready = false;
    p.containers_ready = false;
    p.node = Some(unreachable(name));
}

/// Rewrites every pod's config hash (as if the config changed afterwards).
pub fn stale_config(o: &mut Observed) {
    for p in o.pods.values_mut() {
        p.config_hash = Some("old-config".into());
    }
}

pub fn stale_spec(o: &mut Observed) {
    for p in o.pods.values_mut() {
        p.pod_spec_hash = Some("old-spec".into());
    }
}

/// Sets a rack's StatefulSet replicas as if the operator had scaled it (its applied hash
/// follows).
pub fn set_replicas(o: &mut Observed, d: &Desired, rack: i32, replicas: u32) {
    o.racks.insert(rack, RackSet { replicas });
    if let Some(sts) = d
        .objects
        .iter()
        .find(|x| x.key.kind == "StatefulSet" && x.rack == Some(rack))
    {
        let v = crate::plan::objects::with_replicas(sts, replicas, "uid-1");
        if let Some(e) = o.objects.get_mut(&sts.key) {
            e.desired_hash = crate::desired::desired_hash(&v).map(str::to_owned);
        }
    }
}
