//! Unknown or malformed input gets an error reply or a closed connection, never a panic.

use std::sync::{Arc, OnceLock};

use aerospike_fake::server::{Shared, respond};
use aerospike_fake::state::ClusterState;
use aerospike_fake::wire::{self, MsgHeader, Op};
use aerospike_fake::{FakeCluster, FakeOptions};
use asinfo::proto::MessageType;
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn read_reply(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut head = [0u8; 8];
    s.read_exact(&mut head).await.ok()?;
    let (_, t, size) = wire::decode_proto_header(head);
    let mut body = vec![0u8; size];
    s.read_exact(&mut body).await.ok()?;
    Some((t, body))
}

#[tokio::test]
async fn bad_frames_close_bad_messages_get_errors() {
    let fake = FakeCluster::start(1, FakeOptions::default()).await.unwrap();
    let addr = fake.addrs()[0];

    // Wrong proto version: the connection is closed.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&[9, 3, 0, 0, 0, 0, 0, 1, 0]).await.unwrap();
    assert!(read_reply(&mut s).await.is_none());

    // Unknown message type: closed.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&wire::frame(9, b"x")).await.unwrap();
    assert!(read_reply(&mut s).await.is_none());

    // Valid frame, garbage AS_MSG: parameter error, and the connection stays usable.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&wire::frame(wire::PROTO_MSG, &[22, 1, 2]))
        .await
        .unwrap();
    let (t, body) = read_reply(&mut s).await.unwrap();
    assert_eq!(t, wire::PROTO_MSG);
    assert_eq!(
        wire::parse_msg(&body).unwrap().header.result_code,
        wire::rc::PARAMETER
    );
    s.write_all(&asinfo::proto::encode_info_request(&["build"]).unwrap())
        .await
        .unwrap();
    let (t, body) = read_reply(&mut s).await.unwrap();
    assert_eq!(t, wire::PROTO_INFO);
    assert_eq!(body, b"build\t8.1.2.0\n");

    // A read without namespace or digest: parameter error.
    let mut body = Vec::new();
    wire::encode_msg(
        &mut body,
        &MsgHeader {
            info1: wire::info1::READ,
            ..MsgHeader::default()
        },
        &[],
        &[],
    );
    s.write_all(&wire::frame(wire::PROTO_MSG, &body))
        .await
        .unwrap();
    let (_, reply) = read_reply(&mut s).await.unwrap();
    assert_eq!(
        wire::parse_msg(&reply).unwrap().header.result_code,
        wire::rc::PARAMETER
    );

    // Garbage compressed frame: closed.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(&wire::frame(
        wire::PROTO_COMPRESSED,
        &[0, 0, 0, 0, 0, 0, 0, 9, 1, 2],
    ))
    .await
    .unwrap();
    assert!(read_reply(&mut s).await.is_none());
}

#[tokio::test]
async fn info_request_shapes_match_the_server() {
    let fake = FakeCluster::start(1, FakeOptions::default()).await.unwrap();
    let mut s = TcpStream::connect(fake.addrs()[0]).await.unwrap();
    // A final command without `\n` is ignored (empty reply).
    s.write_all(&wire::frame(wire::PROTO_INFO, b"build"))
        .await
        .unwrap();
    let (_, body) = read_reply(&mut s).await.unwrap();
    assert!(body.is_empty());
    // Empty request: the legacy summary.
    s.write_all(&wire::frame(wire::PROTO_INFO, b""))
        .await
        .unwrap();
    let (_, body) = read_reply(&mut s).await.unwrap();
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("build\t8.1.2.0\n")
    );
}

/// One shared two-node state with the demo data, reused by every proptest case.
fn shared() -> Arc<Shared> {
    static SHARED: OnceLock<Arc<Shared>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let addrs = [
                "127.0.0.1:3000".parse().unwrap(),
                "127.0.0.1:3010".parse().unwrap(),
            ];
            let mut st = ClusterState::new(&FakeOptions::default(), &addrs);
            aerospike_fake::demo::load(&mut st);
            Arc::new(Shared::new(st))
        })
        .clone()
}

fn arb_op() -> impl Strategy<Value = Op> {
    (
        0u8..20,
        0u8..25,
        "[a-z]{0,16}",
        proptest::collection::vec(any::<u8>(), 0..40),
    )
        .prop_map(|(op, ptype, name, value)| Op {
            op,
            ptype,
            name,
            value,
        })
}

fn arb_field() -> impl Strategy<Value = wire::Field> {
    prop_oneof![
        Just(wire::Field {
            ftype: wire::field::NAMESPACE,
            data: b"test".to_vec()
        }),
        Just(wire::Field {
            ftype: wire::field::DIGEST,
            data: vec![3; 20]
        }),
        (0u8..50, proptest::collection::vec(any::<u8>(), 0..60))
            .prop_map(|(ftype, data)| wire::Field { ftype, data }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bodies_never_panic(t in 0u8..6, body in proptest::collection::vec(any::<u8>(), 0..300)) {
        let sh = shared();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let _ = rt.block_on(respond(&sh, 0, "127.0.0.1:1", MessageType::from_byte(t), &body));
    }

    #[test]
    fn structured_random_messages_never_panic(
        info1 in any::<u8>(), info2 in any::<u8>(), info3 in any::<u8>(),
        generation in any::<u32>(), ttl in any::<u32>(),
        fields in proptest::collection::vec(arb_field(), 0..6),
        ops in proptest::collection::vec(arb_op(), 0..6),
    ) {
        let sh = shared();
        let header = MsgHeader { info1, info2, info3, generation, record_ttl: ttl, ..MsgHeader::default() };
        let mut body = Vec::new();
        wire::encode_msg(&mut body, &header, &fields, &ops);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for node in 0..2 {
            let reply = rt.block_on(respond(&sh, node, "127.0.0.1:1", MessageType::Message, &body));
            prop_assert!(reply.is_some());
        }
    }
}

#[tokio::test]
async fn replies_are_compressed_only_when_asked() {
    use aerospike_fake::particle::{Value, digest};
    let fake = FakeCluster::start(1, FakeOptions::default()).await.unwrap();
    let mut s = TcpStream::connect(fake.addrs()[0]).await.unwrap();
    let d = digest("z", wire::particle::STRING, b"k");
    let fields = vec![
        wire::Field {
            ftype: wire::field::NAMESPACE,
            data: b"test".to_vec(),
        },
        wire::Field {
            ftype: wire::field::DIGEST,
            data: d.to_vec(),
        },
    ];
    let (ptype, value) = Value::Str("z".repeat(5000)).to_particle();
    let mut body = Vec::new();
    let put = MsgHeader {
        info2: wire::info2::WRITE,
        ..MsgHeader::default()
    };
    wire::encode_msg(
        &mut body,
        &put,
        &fields,
        &[Op {
            op: wire::op::WRITE,
            ptype,
            name: "b".into(),
            value,
        }],
    );
    s.write_all(&wire::frame(wire::PROTO_MSG, &body))
        .await
        .unwrap();
    let (t, _) = read_reply(&mut s).await.unwrap();
    assert_eq!(t, wire::PROTO_MSG);
    for (flags, want) in [
        (wire::info1::READ | wire::info1::GET_ALL, wire::PROTO_MSG),
        (
            wire::info1::READ | wire::info1::GET_ALL | wire::info1::COMPRESS_RESPONSE,
            wire::PROTO_COMPRESSED,
        ),
    ] {
        let mut body = Vec::new();
        wire::encode_msg(
            &mut body,
            &MsgHeader {
                info1: flags,
                ..MsgHeader::default()
            },
            &fields,
            &[],
        );
        s.write_all(&wire::frame(wire::PROTO_MSG, &body))
            .await
            .unwrap();
        let (t, _) = read_reply(&mut s).await.unwrap();
        assert_eq!(t, want);
    }
}
