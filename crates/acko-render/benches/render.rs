//! Renders the large example (8 nodes, 3 racks, monitoring, storage, per-pod LoadBalancers,
//! seeds LoadBalancer, Cilium policy, bandwidth) from a parsed, defaulted cluster, and runs
//! the whole `acko render` path on its YAML text (parse with line numbers, template merge,
//! defaults + validation, render, multi-document YAML out), files aside.

use acko_api::AerospikeCluster;
use acko_api::parse::{Resource, parse_documents};
use acko_api::validation::ValidatedCluster;
use acko_render::{RenderOptions, merge_template, render, render_validated};
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

/// What `acko render -f large.yaml` does after reading the file; returns the output text.
fn acko_render(yaml: &str, options: &RenderOptions) -> String {
    let docs = parse_documents(yaml).expect("valid YAML");
    let mut out = String::new();
    for doc in &docs {
        let Some(Resource::Cluster(cluster)) = &doc.resource else {
            continue;
        };
        let merged = merge_template(cluster, &[]).expect("no template needed");
        let validated = ValidatedCluster::new(&merged).expect("valid cluster");
        for o in render_validated(&validated, options)
            .expect("renders")
            .to_list()
        {
            out.push_str("---\n");
            out.push_str(&serde_saphyr::to_string(&o).expect("YAML"));
        }
    }
    out
}

fn bench_acko_render(c: &mut Criterion) {
    let yaml = include_str!("../tests/inputs/large.yaml");
    let options = RenderOptions::default();
    let text = acko_render(yaml, &options);
    assert!(text.matches("\n---\n").count() > 10, "objects rendered");
    c.bench_function("acko_render_large_yaml", |b| {
        b.iter(|| acko_render(std::hint::black_box(yaml), &options))
    });
}

criterion_group!(benches, bench_render, bench_acko_render);
criterion_main!(benches);
