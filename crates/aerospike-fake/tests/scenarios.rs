//! Fake-only scripted scenarios: a node leaving and rejoining, migrations counting down,
//! set-config calls recorded, injected failures and latency, the demo dataset.

// Client policies are meant to be built field by field after `default()`.
#![allow(clippy::field_reassign_with_default)]

mod common;

use std::time::Duration;

use aerospike::query::{Filter, PartitionFilter, Statement};
use aerospike::{
    AdminPolicy, Bins, QueryPolicy, ReadPolicy, ResultCode, WritePolicy, as_bin, as_key,
};
use aerospike_fake::MsgKind;
use futures::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_leaves_and_rejoins() {
    if common::real_server_selected() {
        return;
    }
    let t = common::fake(3).await;
    let fake = t.fake.as_ref().unwrap();
    let c = &t.client;
    let ap = AdminPolicy::default();
    for i in 0..60 {
        c.put(
            &WritePolicy::default(),
            &as_key!("test", "leave", i),
            &[as_bin!("v", i)],
        )
        .await
        .unwrap();
    }
    let survivor = c.get_node(&fake.node_names()[0]).unwrap();
    let before = survivor
        .info(
            &ap,
            &[
                "partition-generation",
                "peers-generation",
                "peers-clear-std",
            ],
        )
        .await
        .unwrap();
    assert!(before["peers-clear-std"].contains(&fake.node_names()[2]));

    fake.stop_node(2).await.unwrap();
    assert!(!fake.is_up(2));
    common::wait_for(|| c.nodes().len() == 2).await;
    let after = survivor
        .info(
            &ap,
            &[
                "partition-generation",
                "peers-generation",
                "peers-clear-std",
                "statistics",
                "cluster-stable:size=3;ignore-migrations=false",
                "cluster-stable:size=2;ignore-migrations=false",
            ],
        )
        .await
        .unwrap();
    let num = |m: &aerospike::IndexMap<String, String>, k: &str| m[k].parse::<u64>().unwrap();
    assert!(num(&after, "partition-generation") > num(&before, "partition-generation"));
    assert!(num(&after, "peers-generation") > num(&before, "peers-generation"));
    assert!(!after["peers-clear-std"].contains(&fake.node_names()[2]));
    assert!(after["statistics"].contains("cluster_size=2;"));
    assert_eq!(
        after["cluster-stable:size=3;ignore-migrations=false"],
        "ERROR:7:cluster not specified size"
    );
    assert!(!after["cluster-stable:size=2;ignore-migrations=false"].starts_with("ERROR"));

    // Every record is still served by the two remaining nodes once the map is updated.
    common::wait_for(|| c.partition_map_complete()).await;
    all_readable(c, "after node 2 left").await;

    fake.restart_node(2).await.unwrap();
    common::wait_for(|| c.nodes().len() == 3).await;
    let back = c.get_node(&fake.node_names()[2]).unwrap();
    let stats = back.info(&ap, &["statistics"]).await.unwrap();
    assert!(stats["statistics"].contains("cluster_size=3;"));
    all_readable(c, "after node 2 rejoined").await;
}

/// Reads every record of the `leave` set, retrying while the client's partition map catches
/// up with the new topology (a stale route answers 11 and the client re-routes).
async fn all_readable(c: &aerospike::Client, when: &str) {
    for i in 0..60 {
        let mut last = None;
        for _ in 0..100 {
            match c
                .get(
                    &ReadPolicy::default(),
                    &as_key!("test", "leave", i),
                    Bins::All,
                )
                .await
            {
                Ok(rec) => {
                    assert_eq!(rec.bins["v"], aerospike::Value::Int(i));
                    last = None;
                    break;
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(last.is_none(), "record {i} unreadable {when}: {last:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_count_down() {
    if common::real_server_selected() {
        return;
    }
    let t = common::fake(2).await;
    let fake = t.fake.as_ref().unwrap();
    let ap = AdminPolicy::default();
    fake.start_migrations(250, 100);
    let node = &t.client.nodes()[0];
    let mut seen = Vec::new();
    for _ in 0..4 {
        let s = node.info(&ap, &["statistics"]).await.unwrap();
        let v: u64 = s["statistics"]
            .split(';')
            .find_map(|kv| kv.strip_prefix("migrate_partitions_remaining="))
            .unwrap()
            .parse()
            .unwrap();
        seen.push(v);
    }
    assert_eq!(seen, vec![250, 150, 50, 0]);
    fake.start_migrations(1, 1);
    let s = node
        .info(&ap, &["cluster-stable:size=2;ignore-migrations=false"])
        .await
        .unwrap();
    assert_eq!(
        s["cluster-stable:size=2;ignore-migrations=false"],
        "ERROR:7:unstable cluster"
    );
    let s = node
        .info(&ap, &["cluster-stable:size=2;ignore-migrations=false"])
        .await
        .unwrap();
    assert!(!s["cluster-stable:size=2;ignore-migrations=false"].starts_with("ERROR"));
    assert_eq!(fake.migrations_remaining(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_config_calls_are_recorded() {
    if common::real_server_selected() {
        return;
    }
    let t = common::fake(1).await;
    let fake = t.fake.as_ref().unwrap();
    let ap = AdminPolicy::default();
    let cmds = [
        "set-config:context=service;proto-fd-max=2000",
        "set-config:context=service;proto-fd-max=99999999",
    ];
    let r = t.client.info(&ap, &cmds).await.unwrap();
    assert_eq!(r[cmds[0]], "ok");
    assert_eq!(r[cmds[1]], "ERROR:4:invalid set-config parameter");
    let calls = fake.set_config_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].command, cmds[0]);
    assert_eq!(calls[0].reply, "ok");
    assert_eq!(calls[0].node, fake.node_names()[0]);
    assert!(calls[1].reply.starts_with("ERROR:4"));
    let cfg = t
        .client
        .info(&ap, &["get-config:context=service"])
        .await
        .unwrap();
    assert!(cfg["get-config:context=service"].contains("proto-fd-max=2000"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_failures_and_latency() {
    if common::real_server_selected() {
        return;
    }
    let t = common::fake(1).await;
    let fake = t.fake.as_ref().unwrap();
    let ap = AdminPolicy::default();
    fake.fail_info("statistics", "ERROR::injected failure", Some(1), None);
    let r = t.client.info(&ap, &["statistics"]).await.unwrap();
    assert_eq!(r["statistics"], "ERROR::injected failure");
    let r = t.client.info(&ap, &["statistics"]).await.unwrap();
    assert!(r["statistics"].contains("cluster_size=1"));

    fake.fail_msg(MsgKind::Write, 8, Some(1));
    let mut wp = WritePolicy::default();
    wp.base_policy.max_retries = 0;
    let key = as_key!("test", "fail", 1);
    let err = t
        .client
        .put(&wp, &key, &[as_bin!("a", 1)])
        .await
        .unwrap_err();
    assert!(err.matches(&[ResultCode::ServerMemError]), "{err}");
    t.client.put(&wp, &key, &[as_bin!("a", 1)]).await.unwrap();

    // Latency far above the client timeout makes the info call time out.
    fake.set_latency("sets", Duration::from_secs(5));
    let short = AdminPolicy { timeout: 100 };
    assert!(t.client.info(&short, &["sets"]).await.is_err());
    fake.clear_failures();
    assert!(t.client.info(&short, &["sets"]).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_dataset_is_queryable() {
    if common::real_server_selected() {
        return;
    }
    let t = common::fake(2).await;
    let fake = t.fake.as_ref().unwrap();
    let summary = fake.load_demo();
    assert_eq!(summary.sets.len(), 3);
    assert_eq!(
        fake.record_count("test", Some("users")),
        aerospike_fake::demo::USERS
    );
    let rec = t
        .client
        .get(
            &ReadPolicy::default(),
            &as_key!("test", "users", "user0007"),
            Bins::All,
        )
        .await
        .unwrap();
    assert_eq!(rec.bins.len(), 8);
    let mut stmt = Statement::new("test", "users", Bins::All);
    stmt.set_filter(Filter::range("age", 18, 20));
    let rs = t
        .client
        .query(&QueryPolicy::default(), PartitionFilter::all(), stmt)
        .await
        .unwrap();
    let n = rs
        .into_stream()
        .filter(|r| futures::future::ready(r.is_ok()))
        .count()
        .await;
    let expected = (0..aerospike_fake::demo::USERS)
        .filter(|i| (18 + (*i as i64 * 7) % 60) <= 20)
        .count();
    assert_eq!(n, expected);
    let info = t
        .client
        .info(&AdminPolicy::default(), &["udf-list", "sindex-list"])
        .await
        .unwrap();
    assert!(info["udf-list"].contains("filename=example.lua"));
    assert!(info["sindex-list"].contains("indexname=idx_users_age"));
}
