//! Cost of the fake's data path without sockets: decode + execute + encode of a get, a put and
//! one page of a partition scan, on the demo dataset.

use criterion::{Criterion, criterion_group, criterion_main};

use aerospike_fake::FakeOptions;
use aerospike_fake::msg;
use aerospike_fake::particle::{Value, digest};
use aerospike_fake::state::ClusterState;
use aerospike_fake::wire::{self, Field, Msg, MsgHeader, Op, field, info1, info2};

fn key_fields(set: &str, key: &str) -> Vec<Field> {
    vec![
        Field {
            ftype: field::NAMESPACE,
            data: b"test".to_vec(),
        },
        Field {
            ftype: field::SET,
            data: set.as_bytes().to_vec(),
        },
        Field {
            ftype: field::DIGEST,
            data: digest(set, wire::particle::STRING, key.as_bytes()).to_vec(),
        },
    ]
}

fn bench(c: &mut Criterion) {
    let addrs = ["127.0.0.1:3000".parse().unwrap()];
    let mut st = ClusterState::new(&FakeOptions::default(), &addrs);
    aerospike_fake::demo::load(&mut st);

    let get = Msg {
        header: MsgHeader {
            info1: info1::READ | info1::GET_ALL,
            ..MsgHeader::default()
        },
        fields: key_fields("users", "user0042"),
        ops: vec![],
    };
    c.bench_function("get_all_bins", |b| {
        b.iter(|| msg::handle(&mut st, 0, "bench", &get))
    });

    let (ptype, value) = Value::Int(7).to_particle();
    let put = Msg {
        header: MsgHeader {
            info2: info2::WRITE,
            ..MsgHeader::default()
        },
        fields: key_fields("bench", "k1"),
        ops: vec![Op {
            op: wire::op::WRITE,
            ptype,
            name: "v".into(),
            value,
        }],
    };
    c.bench_function("put_one_bin", |b| {
        b.iter(|| msg::handle(&mut st, 0, "bench", &put))
    });

    let pids: Vec<u8> = (0u16..64).flat_map(|p| p.to_le_bytes()).collect();
    let scan = Msg {
        header: MsgHeader {
            info1: info1::READ,
            ..MsgHeader::default()
        },
        fields: vec![
            Field {
                ftype: field::NAMESPACE,
                data: b"test".to_vec(),
            },
            Field {
                ftype: field::QUERY_ID,
                data: 1u64.to_be_bytes().to_vec(),
            },
            Field {
                ftype: field::PID_ARRAY,
                data: pids,
            },
        ],
        ops: vec![],
    };
    c.bench_function("scan_64_partitions", |b| {
        b.iter(|| msg::handle(&mut st, 0, "bench", &scan))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
