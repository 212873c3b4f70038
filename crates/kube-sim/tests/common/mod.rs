//! Shared test setup: a real cluster when KUBECONFIG is set, the simulator otherwise.
#![allow(dead_code)]

pub mod deploy;

use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;

/// Bound of every wait in these tests.
pub const WAIT: Duration = Duration::from_secs(20);

/// The target of a test.
pub struct Target {
    /// Client.
    pub client: Client,
    /// The simulator (None on a real cluster).
    pub sim: Option<kube_sim::SimHandle>,
}

/// Connect: KUBECONFIG set → that cluster; otherwise a fresh simulator.
pub async fn target() -> Target {
    kube_sim::install_crypto();
    if std::env::var_os("KUBECONFIG").is_some() {
        eprintln!("KUBECONFIG is set: running against a real cluster");
        let client = Client::try_default()
            .await
            .expect("KUBECONFIG cluster reachable");
        Target { client, sim: None }
    } else {
        let (client, sim) = kube_sim::Sim::start().await.expect("simulator starts");
        Target {
            client,
            sim: Some(sim),
        }
    }
}

/// The simulator only (for semantics a real cluster cannot be made to show on demand).
pub async fn sim() -> (Client, kube_sim::SimHandle) {
    kube_sim::install_crypto();
    kube_sim::Sim::start().await.expect("simulator starts")
}

/// Create a uniquely named namespace.
pub async fn namespace(client: &Client, prefix: &str) -> String {
    let api: Api<Namespace> = Api::all(client.clone());
    let mut ns = Namespace::default();
    ns.metadata.generate_name = Some(format!("{prefix}-"));
    let created = api
        .create(&PostParams::default(), &ns)
        .await
        .expect("namespace created");
    created.metadata.name.expect("generated name")
}

/// Wait (bounded) until `cond` holds for the named object (None = absent), via a watch.
pub async fn wait<K>(api: &Api<K>, name: &str, cond: impl Fn(Option<&K>) -> bool) -> Option<K>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    let r = tokio::time::timeout(
        WAIT,
        kube::runtime::wait::await_condition(api.clone(), name, move |o: Option<&K>| cond(o)),
    )
    .await;
    match r {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => panic!("watch of {name} failed: {e}"),
        Err(_) => panic!(
            "timed out after {WAIT:?} waiting for {name}; last: {:?}",
            api.get_opt(name).await
        ),
    }
}

/// A uniquely named namespace; on an apiserver without Namespaces (the CRD-only reference
/// server) a unique name is enough, since custom resources need no Namespace object there.
pub async fn namespace_for_crs(client: &Client, prefix: &str) -> String {
    let api: Api<Namespace> = Api::all(client.clone());
    let mut ns = Namespace::default();
    ns.metadata.generate_name = Some(format!("{prefix}-"));
    match api.create(&PostParams::default(), &ns).await {
        Ok(created) => created.metadata.name.expect("generated name"),
        // no Namespace resource: a 404 (a plain-text body, so kube reports an empty Status)
        Err(kube::Error::Api(s)) if s.code == 404 || s.code == 0 => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default();
            format!("{prefix}-{nanos:x}")
        }
        Err(e) => panic!("namespace: {e}"),
    }
}
