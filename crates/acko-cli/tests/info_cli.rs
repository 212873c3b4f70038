//! `acko info` end to end: the binary against in-test nodes that answer with real
//! CE 8.1.2 replies from the shared fixtures.

use std::collections::BTreeMap;
use std::process::Output;

use asinfo::Connection;
use asinfo::proto::{self, Limits};
use tokio::net::TcpListener;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/aerospike-ce-8.1"
);

/// Loads `command -> value` from fixture files (relative to the fixture root).
fn replies(files: &[&str]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for f in files {
        let bytes = std::fs::read(format!("{FIXTURES}/{f}")).unwrap_or_else(|e| panic!("{f}: {e}"));
        for line in proto::decode_info_reply(&bytes).expect("fixture") {
            map.insert(line.command, line.value);
        }
    }
    map
}

/// A fake node answering from `map`; unknown commands get `ERROR:4:unrecognized command`.
async fn node(map: BTreeMap<String, String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let map = map.clone();
            tokio::spawn(async move {
                let mut conn = Connection::new(stream, Limits::default());
                while let Ok(Some((_, body))) = conn.read_frame().await {
                    let pairs: Vec<(String, String)> = proto::decode_info_request(&body)
                        .into_iter()
                        .map(|c| {
                            let v = map
                                .get(&c)
                                .cloned()
                                .unwrap_or_else(|| "ERROR:4:unrecognized command".into());
                            (c, v)
                        })
                        .collect();
                    if conn
                        .write_frame(&proto::encode_info_reply(&pairs).expect("encode"))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    addr
}

async fn acko(args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_acko"))
        .arg("info")
        .args(args)
        .output()
        .await
        .expect("run acko")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn cluster_node(n: u8) -> BTreeMap<String, String> {
    let d = format!("cluster-3/node{n}");
    replies(&[
        &format!("{d}/node.txt"),
        &format!("{d}/statistics.txt"),
        &format!("{d}/cluster-stable_size_3_ignore-migrations_false.txt"),
        &format!("{d}/namespace_test.txt"),
        &format!("{d}/build.txt"),
    ])
}

#[tokio::test]
async fn raw_value_of_one_command() {
    let addr = node(replies(&["build.txt", "node.txt"])).await;
    let out = acko(&["-h", &addr, "build"]).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "8.1.2.0\n");
    let out = acko(&["-h", &addr, "build", "node"]).await;
    assert_eq!(stdout(&out), "build\t8.1.2.0\nnode\tBB901000000FC02\n");
}

#[tokio::test]
async fn json_typed_parse_on_several_nodes() {
    let a = node(cluster_node(1)).await;
    let b = node(cluster_node(2)).await;
    let out = acko(&[
        "-h",
        &a,
        "-h",
        &b,
        "--json",
        "statistics",
        "namespace/test",
        "no-such-command",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error reply gives exit 1: {out:?}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert_eq!(v[0]["host"], a.as_str());
    assert_eq!(v[0]["replies"][0]["parsed"]["cluster_size"], 3);
    assert_eq!(v[0]["replies"][0]["parsed"]["cluster_key"], "D322C44A1A63");
    assert_eq!(v[0]["replies"][1]["parsed"]["master_objects"], 353);
    assert_eq!(v[1]["replies"][1]["parsed"]["master_objects"], 311);
    assert_eq!(v[1]["replies"][2]["error"]["detail"]["code"], 4);
    assert!(
        v[0]["replies"][0]["parsed"]["other"]["batch_index_queue"].is_string(),
        "unknown keys kept"
    );
}

#[tokio::test]
async fn unreachable_node_exit_code() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = listener.local_addr().unwrap().to_string();
    drop(listener);
    let out = acko(&["-h", &dead, "--timeout", "2", "build"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&dead),
        "{out:?}"
    );
}

#[tokio::test]
async fn safe_to_proceed_on_formed_and_broken_clusters() {
    let nodes = [
        node(cluster_node(1)).await,
        node(cluster_node(2)).await,
        node(cluster_node(3)).await,
    ];
    let out = acko(&[
        "-h",
        &nodes[0],
        "-h",
        &nodes[1],
        "-h",
        &nodes[2],
        "--safe-to-proceed",
        "3",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["safe"], true);
    // Node1 after node3 left: wrong size, and node3 is gone.
    let left = node(replies(&[
        "cluster-3/node1/node.txt",
        "cluster-3/after-node3-left/node1/statistics.txt",
        "cluster-3/after-node3-left/node1/cluster-stable_size_3_ignore-migrations_false.txt",
    ]))
    .await;
    let out = acko(&["-h", &left, "-h", &nodes[1], "--safe-to-proceed", "3"]).await;
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reasons: Vec<&str> = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["reason"].as_str())
        .collect();
    assert!(
        reasons.contains(&"wrong_cluster_size") && reasons.contains(&"not_stable"),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn help_is_long_only_and_h_is_host() {
    let out = acko(&["--help"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("-h, --host <HOST:PORT>"),
        "{}",
        stdout(&out)
    );
    let out = acko(&["-h"]).await;
    assert_eq!(out.status.code(), Some(2), "-h needs a value");
    let out = acko(&[]).await;
    assert_eq!(out.status.code(), Some(2), "a command is required");
}
