//! Snapshots of rendered aerospike.conf for representative `aerospikeConfig` inputs.

use aerospike_conf::{AerospikeConf, deep_merge};
use serde_json::{Value, json};

fn render(spec: &Value) -> String {
    let conf = AerospikeConf::from_spec(spec).expect("valid spec");
    let text = conf.render();
    // Every snapshot is also a round-trip check.
    assert_eq!(
        AerospikeConf::parse(&text).expect("rendered text parses"),
        conf
    );
    text
}

/// The `aerospikeConfig` of the networking guide's "Full Networking Example".
fn full_networking_example() -> Value {
    json!({
        "service": {"proto-fd-max": 15000},
        "namespaces": [{
            "name": "test",
            "replication-factor": 2,
            "storage-engine": {"type": "memory", "data-size": 1073741824}
        }],
        "network": {
            "service": {"port": 3000},
            "fabric": {"port": 3001},
            "heartbeat": {"mode": "mesh", "port": 3002, "interval": 150, "timeout": 10}
        }
    })
}

#[test]
fn full_networking_example_renders() {
    insta::assert_snapshot!(render(&full_networking_example()));
}

#[test]
fn json_key_order_does_not_change_the_text() {
    let a = full_networking_example();
    // Same content, keys written in another order.
    let b = json!({
        "network": {
            "heartbeat": {"timeout": 10, "interval": 150, "port": 3002, "mode": "mesh"},
            "fabric": {"port": 3001},
            "service": {"port": 3000}
        },
        "namespaces": [{
            "storage-engine": {"data-size": 1073741824, "type": "memory"},
            "replication-factor": 2,
            "name": "test"
        }],
        "service": {"proto-fd-max": 15000}
    });
    assert_eq!(render(&a), render(&b));
}

#[test]
fn two_namespaces_with_device_and_file_storage() {
    let spec = json!({
        "service": {"cluster-name": "prod", "proto-fd-max": 15000},
        "namespaces": [
            {
                "name": "hot",
                "replication-factor": 2,
                "default-ttl": 0,
                "nsup-period": 120,
                "storage-engine": {
                    "type": "device",
                    "devices": ["/dev/nvme0n1", "/dev/nvme1n1", "/dev/nvme2n1"],
                    "stop-writes-used-pct": 70,
                    "evict-used-pct": 60,
                    "flush-max-ms": 1000,
                    "commit-to-device": false
                },
                "sets": [
                    {"name": "users", "stop-writes-count": 1000000},
                    {"name": "events", "disable-eviction": true}
                ]
            },
            {
                "name": "cache",
                "replication-factor": 1,
                "evict-tenths-pct": 5,
                "storage-engine": {
                    "type": "memory",
                    "data-size": "4G",
                    "files": ["/opt/aerospike/data/cache.dat"],
                    "filesize": "8G"
                }
            }
        ]
    });
    insta::assert_snapshot!(render(&spec));
}

#[test]
fn bare_storage_engine_and_scalars() {
    let spec = json!({
        "namespaces": [
            {"name": "a", "storage-engine": "memory", "ratio": 0.25, "whole": 3.0, "flag": true},
            {"name": "b", "storage-engine": {"type": "memory"}}
        ]
    });
    insta::assert_snapshot!(render(&spec));
}

#[test]
fn logging_sinks() {
    let spec = json!({
        "logging": [
            {"name": "/var/log/aerospike/aerospike.log", "migrate": "debug", "any": "info", "aggr": "warning"},
            {"name": "stderr", "any": "warning"},
            {"name": "syslog", "facility": "local0", "tag": "asd", "any": "critical"}
        ]
    });
    insta::assert_snapshot!(render(&spec));
}

#[test]
fn mesh_seeds_and_addresses() {
    let spec = json!({
        "network": {
            "service": {"port": 3000, "address": ["any"], "access-address": "10.0.0.5"},
            "heartbeat": {
                "port": 3002,
                "mode": "mesh",
                "mesh-seed-address-port": ["seed-0.example 3002", "seed-1.example 3002"]
            },
            "fabric": {"port": 3001},
            "admin": {"port": 3003},
            "tuning": {"x": 1}
        },
        "mod-lua": {"user-path": "/opt/aerospike/usr/udf/lua"}
    });
    insta::assert_snapshot!(render(&spec));
}

#[test]
fn rack_override_merge() {
    let cluster = json!({
        "service": {"proto-fd-max": 15000, "cluster-name": "prod"},
        "namespaces": [
            {"name": "test", "replication-factor": 2, "default-ttl": 3600,
             "storage-engine": {"type": "device", "devices": ["/dev/sdb"], "evict-used-pct": 60}},
            {"name": "bar", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": "1G"}}
        ],
        "network": {"service": {"port": 3000}, "heartbeat": {"mode": "mesh", "port": 3002}, "fabric": {"port": 3001}}
    });
    let rack = json!({
        "service": {"proto-fd-max": 20000},
        "namespaces": [
            {"name": "test", "default-ttl": null,
             "storage-engine": {"devices": ["/dev/nvme0n1", "/dev/nvme1n1"]}}
        ]
    });
    let merged = deep_merge(&cluster, &rack);
    insta::assert_snapshot!(render(&merged));
}
