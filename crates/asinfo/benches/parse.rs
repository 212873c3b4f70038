//! Parser and codec throughput on real CE 8.1.2 replies.

use asinfo::parse::{parse_namespace, parse_query_show, parse_sindex_list, parse_statistics};
use asinfo::proto::{Limits, decode_frame, decode_info_reply, encode_info_request};
use criterion::{Criterion, criterion_group, criterion_main};

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/aerospike-ce-8.1"
);

fn value(file: &str) -> String {
    let bytes = std::fs::read(format!("{FIXTURES}/{file}")).expect("fixture");
    decode_info_reply(&bytes).expect("reply").remove(0).value
}

fn benches(c: &mut Criterion) {
    let ns = value("namespace_test.txt");
    let stats = value("statistics.txt");
    let sindex = value("sindex-list.txt");
    let jobs = value("query-show.txt");
    c.bench_function("parse namespace/test (12.9 KB)", |b| {
        b.iter(|| parse_namespace(&ns))
    });
    c.bench_function("parse statistics", |b| b.iter(|| parse_statistics(&stats)));
    c.bench_function("parse sindex-list (7 indexes)", |b| {
        b.iter(|| parse_sindex_list(&sindex))
    });
    c.bench_function("parse query-show (6 jobs)", |b| {
        b.iter(|| parse_query_show(&jobs))
    });
    let body = std::fs::read(format!("{FIXTURES}/_multi_build_unknown_namespace-bar.txt"))
        .expect("fixture");
    c.bench_function("decode 3-command reply body", |b| {
        b.iter(|| decode_info_reply(&body))
    });
    let frame = encode_info_request(&[
        "node",
        "statistics",
        "cluster-stable:size=3;ignore-migrations=false",
    ])
    .expect("encode");
    c.bench_function("decode request frame", |b| {
        b.iter(|| decode_frame(&frame, Limits::default()))
    });
}

criterion_group!(parse, benches);
criterion_main!(parse);
