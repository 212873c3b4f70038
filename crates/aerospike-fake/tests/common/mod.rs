//! Shared test harness: a fake cluster, or a real one when `AEROSPIKE_HOSTS` is set.

#![allow(dead_code)]

use aerospike::{Client, ClientPolicy};
use aerospike_fake::{FakeCluster, FakeOptions};

/// Where the tests run.
pub struct Target {
    /// The fake, when not running against a real server.
    pub fake: Option<FakeCluster>,
    /// Connected official client.
    pub client: Client,
    /// Seed hosts.
    pub hosts: String,
}

/// Installs the rustls provider once (required before any client is built).
pub fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Starts a fake with `nodes` nodes and connects the official client.
pub async fn fake(nodes: usize) -> Target {
    init();
    let fake = FakeCluster::start(nodes, FakeOptions::default())
        .await
        .expect("fake cluster starts");
    let hosts = fake.hosts();
    let client = connect(&hosts, nodes).await;
    Target {
        fake: Some(fake),
        client,
        hosts,
    }
}

/// Connects and waits until the client sees `nodes` nodes and a full partition map.
pub async fn connect(hosts: &str, nodes: usize) -> Client {
    // A fast tend keeps topology scenarios short (the fake answers instantly).
    let policy = ClientPolicy {
        tend_interval: 250,
        ..ClientPolicy::default()
    };
    let client = Client::new(&policy, &hosts.to_string())
        .await
        .expect("client connects");
    wait_for(|| client.nodes().len() == nodes && client.partition_map_complete()).await;
    client
}

/// Polls a condition (the client tends in the background) with a bounded number of tries.
pub async fn wait_for(mut cond: impl FnMut() -> bool) {
    for _ in 0..400 {
        if cond() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("condition not reached after 10s");
}

/// The real cluster from `AEROSPIKE_HOSTS`, or a fake with `nodes` nodes.
pub async fn target(nodes: usize) -> Target {
    init();
    match std::env::var("AEROSPIKE_HOSTS") {
        Ok(hosts) if !hosts.trim().is_empty() => {
            let client = Client::new(&ClientPolicy::default(), &hosts)
                .await
                .expect("client connects to AEROSPIKE_HOSTS");
            Target {
                fake: None,
                client,
                hosts,
            }
        }
        _ => fake(nodes).await,
    }
}

/// True (with a notice) when fake-only tests must be skipped because a real server is used.
pub fn real_server_selected() -> bool {
    let real = std::env::var("AEROSPIKE_HOSTS").is_ok_and(|h| !h.trim().is_empty());
    if real {
        eprintln!("notice: AEROSPIKE_HOSTS is set; skipping a fake-only scenario test");
    }
    real
}
