//! Renders the large example (8 nodes, 3 racks, monitoring, storage, per-pod LoadBalancers,
//! seeds LoadBalancer, Cilium policy, bandwidth) from a parsed, defaulted cluster.

use acko_api::AerospikeCluster;
use acko_render::{RenderOptions, render};
use criterion::{Criterion, criterion_group, criterion_main};

fn large() -> AerospikeCluster {
    let yaml = include_str!("../tests/inputs/large.yaml");
    let mut cluster: AerospikeCluster = serde_saphyr::from_str(yaml).expect("valid large example");
    acko_api::defaults::apply_defaults(&mut cluster);
    cluster
}

fn bench_render(c: &mut Criterion) {
    let cluster = large();
    let options = RenderOptions::default();
    c.bench_function("render_large", |b| {
        b.iter(|| render(std::hint::black_box(&cluster), &options).expect("renders"))
    });
    c.bench_function("render_large_to_list", |b| {
        b.iter(|| {
            render(std::hint::black_box(&cluster), &options)
                .expect("renders")
                .to_list()
        })
    });
}

criterion_group!(benches, bench_render);
criterion_main!(benches);
