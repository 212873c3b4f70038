//! Speed of the hot paths: building + rendering a realistic config (done for every rack on
//! every reconcile), parsing it back (done in every pod start) and diffing two configs.

use aerospike_conf::{AerospikeConf, changed_keys, deep_merge};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;

fn spec() -> Value {
    json!({
        "service": {"proto-fd-max": 15000, "cluster-name": "prod"},
        "logging": [{"name": "console", "any": "info"}],
        "network": {
            "service": {"port": 3000},
            "heartbeat": {"mode": "mesh", "port": 3002, "interval": 150, "timeout": 10},
            "fabric": {"port": 3001}
        },
        "namespaces": [
            {"name": "hot", "replication-factor": 2, "nsup-period": 120,
             "storage-engine": {"type": "device", "devices": ["/dev/nvme0n1", "/dev/nvme1n1"],
                                "evict-used-pct": 60, "stop-writes-used-pct": 70}},
            {"name": "cache", "replication-factor": 1,
             "storage-engine": {"type": "memory", "data-size": 4294967296u64}}
        ]
    })
}

fn benches(c: &mut Criterion) {
    let spec = spec();
    let rack = json!({"namespaces": [{"name": "hot", "replication-factor": 3}]});
    let conf = AerospikeConf::from_spec(&spec).expect("valid");
    let text = conf.render();
    let other = AerospikeConf::from_spec(&deep_merge(&spec, &rack)).expect("valid");

    c.bench_function("merge+from_spec+render", |b| {
        b.iter(|| {
            let merged = deep_merge(black_box(&spec), black_box(&rack));
            AerospikeConf::from_spec(&merged).expect("valid").render()
        })
    });
    c.bench_function("parse", |b| {
        b.iter(|| AerospikeConf::parse(black_box(&text)))
    });
    c.bench_function("changed_keys", |b| {
        b.iter(|| changed_keys(black_box(&conf), black_box(&other)))
    });
}

criterion_group!(conf_benches, benches);
criterion_main!(conf_benches);
