//! Parser and printer throughput on the corpus of real-looking `aql` usage.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CORPUS: &str = include_str!("../tests/corpus.aql");

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("aql");
    g.throughput(Throughput::Bytes(CORPUS.len() as u64));
    g.bench_function("parse_corpus", |b| {
        b.iter(|| aql::parse(std::hint::black_box(CORPUS)).map(|s| s.len()))
    });
    let script = aql::parse(CORPUS).unwrap_or_default();
    g.bench_function("print_corpus", |b| {
        b.iter(|| {
            script
                .iter()
                .map(|s| s.statement.to_string().len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
