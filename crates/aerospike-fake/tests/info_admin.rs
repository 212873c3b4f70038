//! Info commands and admin (security) messages through the official client.

mod common;

use aerospike::query::{PartitionFilter, Statement};
use aerospike::{AdminPolicy, Bins, QueryPolicy, ResultCode, UdfLang, WritePolicy, as_bin, as_key};
use futures::StreamExt;

fn stat(map_value: &str, key: &str) -> Option<u64> {
    map_value
        .split(';')
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_and_topology_commands() {
    let t = common::target(3).await;
    let ap = AdminPolicy::default();
    for node in t.client.nodes() {
        let info = node
            .info(
                &ap,
                &[
                    "node",
                    "build",
                    "edition",
                    "features",
                    "cluster-name",
                    "statistics",
                ],
            )
            .await
            .unwrap();
        assert_eq!(info["node"], node.name());
        assert!(info["build"].starts_with("8."), "{}", info["build"]);
        assert_eq!(info["edition"], "Aerospike Community Edition");
        assert!(info["features"].split(';').any(|f| f == "pscans"));
        if t.fake.is_some() {
            assert_eq!(info["cluster-name"], "fake-cluster");
            assert_eq!(stat(&info["statistics"], "cluster_size"), Some(3));
            assert!(info["statistics"].contains("fake=true"));
            assert!(node.name().starts_with("FA4E"), "{}", node.name());
        }
    }
    let info = t
        .client
        .info(
            &ap,
            &[
                "cluster-size",
                "no-such-command",
                "namespace/nosuch",
                "sets/nosuch",
            ],
        )
        .await
        .unwrap();
    assert_eq!(info["cluster-size"], "ERROR:4:unrecognized command");
    assert_eq!(info["no-such-command"], "ERROR:4:unrecognized command");
    assert_eq!(info["namespace/nosuch"], "type=unknown");
    assert_eq!(info["sets/nosuch"], "ns_type=unknown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_follow_the_data() {
    let t = common::target(1).await;
    let c = &t.client;
    let ap = AdminPolicy::default();
    let before = c.info(&ap, &["namespace/test"]).await.unwrap()["namespace/test"].clone();
    for i in 0..25 {
        c.put(
            &WritePolicy::default(),
            &as_key!("test", "stats", i),
            &[as_bin!("v", "x".repeat(50))],
        )
        .await
        .unwrap();
    }
    let after = c
        .info(&ap, &["namespace/test", "sets/test/stats"])
        .await
        .unwrap();
    let ns = &after["namespace/test"];
    assert!(stat(ns, "objects").unwrap() >= stat(&before, "objects").unwrap() + 25);
    assert!(
        stat(ns, "client_write_success").unwrap()
            >= stat(&before, "client_write_success").unwrap() + 25
    );
    assert!(stat(ns, "data_used_bytes").unwrap() > stat(&before, "data_used_bytes").unwrap());
    let set = &after["sets/test/stats"];
    assert!(set.contains("objects=25:") || t.fake.is_none(), "{set}");

    // query-show lists the scan we run.
    let rs = c
        .query(
            &QueryPolicy::default(),
            PartitionFilter::all(),
            Statement::new("test", "stats", Bins::All),
        )
        .await
        .unwrap();
    assert_eq!(rs.into_stream().collect::<Vec<_>>().await.len(), 25);
    let qs = c.info(&ap, &["query-show", "latencies:"]).await.unwrap();
    assert!(
        qs["query-show"].contains("ns=test:set=stats"),
        "{}",
        qs["query-show"]
    );
    assert!(
        qs["latencies:"].contains("{test}-write:msec,"),
        "{}",
        qs["latencies:"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_sindex_and_udf_commands() {
    let t = common::target(1).await;
    let c = &t.client;
    let ap = AdminPolicy::default();
    let cmds = [
        "set-config:context=namespace;id=test;default-ttl=100",
        "get-config:context=namespace;id=test",
        "set-config:context=namespace;id=nosuch;default-ttl=0",
        "set-config:context=service;no-such-param=1",
        "set-config:context=nosuch;x=1",
        "get-config:context=nosuch",
        "set-config:context=namespace;id=test;default-ttl=0",
    ];
    let info = c.info(&ap, &cmds).await.unwrap();
    assert_eq!(info[cmds[0]], "ok");
    assert!(info[cmds[1]].split(';').any(|kv| kv == "default-ttl=100"));
    assert_eq!(info[cmds[2]], "ERROR:20:namespace not found on node");
    assert_eq!(info[cmds[3]], "ERROR:4:invalid set-config parameter");
    assert_eq!(info[cmds[4]], "ERROR:4:invalid context");
    assert_eq!(info[cmds[5]], "ERROR:4:invalid context");

    let cmds = [
        "sindex-create:namespace=test;set=orders;indexname=idx_orders_qty;type=numeric;bin=qty",
        "sindex-create:namespace=test;set=orders;indexname=idx_orders_qty;type=numeric;bin=qty",
        "sindex-list:namespace=test",
        "sindex-exists:namespace=test;indexname=idx_orders_qty",
        "sindex/test/idx_orders_qty",
        "sindex/test/nosuch",
        "sindex-delete:namespace=test;indexname=idx_orders_qty",
        "sindex-exists:namespace=test;indexname=idx_orders_qty",
    ];
    let info = c.info(&ap, &cmds).await.unwrap();
    assert_eq!(info[cmds[0]], "ok");
    assert!(info[cmds[2]].contains("indexname=idx_orders_qty:set=orders:bin=qty:type=numeric"));
    assert!(info[cmds[4]].contains("load_pct=100"));
    assert_eq!(info[cmds[5]], "ERROR:201:no index");
    assert_eq!(info[cmds[6]], "ok");
    // The map keeps one value per command text: the last `sindex-exists` wins.
    assert_eq!(info[cmds[7]], "false");

    let lua = b"function hello(rec) return 1 end\n";
    let task = c
        .register_udf(&ap, lua, "hello.lua", UdfLang::Lua)
        .await
        .unwrap();
    let _ = task;
    let info = c
        .info(
            &ap,
            &[
                "udf-list",
                "udf-get:filename=hello.lua",
                "udf-get:filename=nosuch.lua",
            ],
        )
        .await
        .unwrap();
    assert!(
        info["udf-list"].contains("filename=hello.lua,hash="),
        "{}",
        info["udf-list"]
    );
    assert!(info["udf-get:filename=hello.lua"].starts_with("type=LUA;content="));
    assert_eq!(info["udf-get:filename=nosuch.lua"], "error=not_found");
    c.remove_udf(&ap, "hello.lua").await.unwrap();
    let info = c.info(&ap, &["udf-list"]).await.unwrap();
    assert!(!info["udf-list"].contains("hello.lua"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_messages_answer_security_not_supported() {
    let t = common::target(1).await;
    let ap = AdminPolicy::default();
    let err = t
        .client
        .create_user(&ap, "u", "p", &["read"])
        .await
        .unwrap_err();
    assert!(err.matches(&[ResultCode::SecurityNotSupported]), "{err}");
    let err = t.client.query_users(&ap, None).await.unwrap_err();
    assert!(err.matches(&[ResultCode::SecurityNotSupported]), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_asinfo_client_talks_to_the_fake() {
    if common::real_server_selected() {
        return;
    }
    let t = common::fake(1).await;
    let addr = t.fake.as_ref().unwrap().addrs()[0].to_string();
    let client = asinfo::Client::new(addr);
    assert_eq!(client.info_one("build").await.unwrap(), "8.1.2.0");
    let replies = client.info(&["edition", "cluster-size"]).await.unwrap();
    assert_eq!(
        replies,
        vec![
            "Aerospike Community Edition",
            "ERROR:4:unrecognized command"
        ]
    );
}
