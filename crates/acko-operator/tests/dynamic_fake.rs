//! The dynamic configuration update over the real info protocol: `KubeAgent` (asinfo over TCP)
//! against an aerospike-fake node, which answers `set-config`/`get-config` like CE 8.1 and
//! refuses out-of-range values with the server's error.

use std::time::Duration;

use acko_api::DynamicConfigStatus;
use acko_operator::plan::dynamic_config::classify;
use acko_operator::shell::agent::{KubeAgent, PodAgent};
use acko_operator::shell::dynamic::apply;
use aerospike_fake::{FakeCluster, FakeOptions};

const OLD: &str = "service {\n    migrate-threads 1\n    proto-fd-max 15000\n}\n";

fn agent() -> KubeAgent {
    acko_operator::install_crypto_provider();
    // The API client is not used for info commands.
    let config = kube::Config::new("http://127.0.0.1:9".parse().unwrap());
    KubeAgent::new(
        kube::Client::try_from(config).unwrap(),
        Duration::from_secs(2),
    )
}

async fn value(agent: &KubeAgent, addr: &str, key: &str) -> String {
    let reply = agent
        .info(addr, "get-config:context=service")
        .await
        .unwrap();
    acko_operator::plan::dynamic_config::read_back(&reply, key)
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn changes_are_applied_and_read_back_over_the_wire() {
    let fake = FakeCluster::start(1, FakeOptions::default()).await.unwrap();
    let addr = fake.addrs()[0].to_string();
    let a = agent();
    let new = OLD
        .replace("migrate-threads 1", "migrate-threads 4")
        .replace("proto-fd-max 15000", "proto-fd-max 20000");
    let out = apply(
        &a,
        &[("p0".into(), addr.clone())],
        &classify(OLD, &new).unwrap(),
    )
    .await;
    assert_eq!(out.failure, None);
    assert_eq!(out.pods["p0"].status, DynamicConfigStatus::Applied);
    assert_eq!(value(&a, &addr, "migrate-threads").await, "4");
    assert_eq!(value(&a, &addr, "proto-fd-max").await, "20000");
}

#[tokio::test]
async fn a_value_the_server_refuses_rolls_back_what_was_applied() {
    let fake = FakeCluster::start(1, FakeOptions::default()).await.unwrap();
    let addr = fake.addrs()[0].to_string();
    let a = agent();
    // proto-fd-max 1 is below the server's minimum (4): refused.
    let new = OLD
        .replace("migrate-threads 1", "migrate-threads 4")
        .replace("proto-fd-max 15000", "proto-fd-max 1");
    let out = apply(
        &a,
        &[("p0".into(), addr.clone())],
        &classify(OLD, &new).unwrap(),
    )
    .await;
    let failure = out.failure.unwrap();
    assert!(failure.contains("service.proto-fd-max"), "{failure}");
    assert!(
        failure.contains("ERROR:4"),
        "the server's message: {failure}"
    );
    assert!(!out.rollback_failed);
    assert_eq!(
        value(&a, &addr, "migrate-threads").await,
        "1",
        "rolled back"
    );
    assert_eq!(value(&a, &addr, "proto-fd-max").await, "15000");
}
