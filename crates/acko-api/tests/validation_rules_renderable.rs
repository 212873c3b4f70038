//! Validation guarantees rendering works: every rack's effective config must build an
//! aerospike.conf model, and Enterprise-only index and storage types are refused by value.

mod common;

use acko_api::parse::{Resource, parse_value};
use acko_api::validation::ValidatedCluster;
use common::*;

/// The errors of a patched cluster as `(path, message)`.
fn errors(patch: Value) -> Vec<(String, String)> {
    problems(patch)
        .errors()
        .map(|e| (e.path.clone(), e.message.clone()))
        .collect()
}

#[test]
fn index_type_mem_is_community_edition() {
    // The CE 8.1.2 server reports `index-type=mem` and `sindex-type=mem`.
    accepts(ns(json!({"index-type": "mem", "sindex-type": "mem"})));
    accepts(ns(
        json!({"index-type": {"type": "mem"}, "sindex-type": {"type": "mem"}}),
    ));
}

#[test]
fn enterprise_index_types_are_rejected_at_the_type() {
    for key in ["index-type", "sindex-type"] {
        for ty in ["shmem", "pmem", "flash"] {
            let word = format!("spec.aerospikeConfig.namespaces[0].{key}");
            rejects(ns(json!({ key: ty })), &word);
            let map = json!({ key: {"type": ty, "mounts": ["/mnt/index"]} });
            rejects(ns(map.clone()), &format!("{word}.type"));
            let p = problems(ns(map));
            assert_eq!(p.errors().count(), 1, "{p}");
            let e = p.errors().next().unwrap();
            assert!(e.message.contains("Enterprise"), "{p}");
            assert!(e.hint.contains("mem"), "{p}");
        }
    }
    rejects(
        ns(json!({"index-type": "disk"})),
        "spec.aerospikeConfig.namespaces[0].index-type",
    );
    rejects(
        ns(json!({"index-type": {"mounts": ["/mnt"]}})),
        "spec.aerospikeConfig.namespaces[0].index-type.type",
    );
}

#[test]
fn storage_engine_types_follow_the_knowledge_table() {
    accepts(ns(
        json!({"storage-engine": {"type": "memory", "data-size": 1073741824}}),
    ));
    let path = "spec.aerospikeConfig.namespaces[0].storage-engine.type";
    rejects(
        ns(json!({"storage-engine": {"type": "pmem", "files": ["/mnt/pmem/x"]}})),
        path,
    );
    let p = problems(ns(json!({"storage-engine": {"type": "pmem"}})));
    let e = p.errors().find(|e| e.path == path).unwrap();
    assert!(
        e.hint.contains("device") && e.hint.contains("memory"),
        "{p}"
    );
}

#[test]
fn values_aerospike_conf_cannot_hold_are_rejected_at_their_path() {
    for bad in ["a{b", "two\nlines", "x # comment", "}"] {
        let patch = json!({"spec": {"aerospikeConfig": {"service": {"cluster-name": bad}}}});
        let p = problems(patch.clone());
        let path = "spec.aerospikeConfig.service.cluster-name";
        assert!(p.errors().any(|e| e.path == path), "{bad:?}: {p}");
        let e = p.errors().find(|e| e.path == path).unwrap();
        assert!(e.message.contains("aerospike.conf"), "{p}");
        assert!(!e.hint.is_empty(), "{p}");
        assert!(ValidatedCluster::new(&cluster(patch)).is_err());
    }
    rejects(
        ns(json!({"nsup-hist-period": "5\n6"})),
        "spec.aerospikeConfig.namespaces[0].nsup-hist-period",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"mod-lua": {"user-path": ""}}}}),
        "spec.aerospikeConfig.mod-lua.user-path",
    );
    accepts(
        json!({"spec": {"aerospikeConfig": {"mod-lua": {"user-path": "/opt/aerospike/usr/udf/lua"}}}}),
    );
}

#[test]
fn a_namespace_without_name_is_reported_once() {
    let patch = json!({"spec": {"aerospikeConfig": {"namespaces": [{"replication-factor": 2}]}}});
    let errs = errors(patch);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "spec.aerospikeConfig.namespaces[0].name");
}

#[test]
fn rack_overrides_are_checked_merged_and_reported_in_the_rack() {
    let two = json!({"namespaces": [
        {"name": "a", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824}},
        {"name": "b", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824}}
    ]});
    // The override touches namespace `b`, index 1 in the merged config, index 0 in the rack.
    let patch = json!({"spec": {"aerospikeConfig": two, "rackConfig": {"racks": [
        {"id": 1},
        {"id": 2, "aerospikeConfig": {"namespaces": [{"name": "b", "migrate-order": "5{"}]}}
    ]}}});
    let errs = errors(patch);
    assert_eq!(
        errs.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(),
        ["spec.rackConfig.racks[1].aerospikeConfig.namespaces[0].migrate-order"],
        "{errs:?}"
    );
    accepts(
        json!({"spec": {"aerospikeConfig": two, "rackConfig": {"racks": [
            {"id": 1, "aerospikeConfig": {"namespaces": [{"name": "b", "migrate-order": 5}]}}
        ]}}}),
    );
}

#[test]
fn a_cluster_config_error_is_not_repeated_for_every_rack() {
    let patch = json!({"spec": {
        "aerospikeConfig": {"service": {"cluster-name": "x}"}},
        "rackConfig": {"racks": [
            {"id": 1, "aerospikeConfig": {"service": {"proto-fd-max": 20000}}},
            {"id": 2, "aerospikeConfig": {"service": {"proto-fd-max": 20000}}}
        ]}
    }});
    let errs = errors(patch);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "spec.aerospikeConfig.service.cluster-name");
}

fn cluster(patch: Value) -> acko_api::AerospikeCluster {
    let mut doc = base();
    merge(&mut doc, &patch);
    match parse_value(1, doc).resource {
        Some(Resource::Cluster(c)) => *c,
        other => panic!("not a cluster: {other:?}"),
    }
}
