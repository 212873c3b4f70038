//! `--demo` on Kubernetes (feature `k8s-demo`): an in-process kube-sim with 3 Nodes in zones
//! a, b and c, the acko operator's controller running against it, and one example
//! AerospikeCluster created through the manager's own create path (validation, auto-connect).
//! The manager's Kubernetes pages then work end to end: the operator reconciles create, scale,
//! edit and restart on the simulator, whose pods run aerospike-fake nodes, and the example's
//! auto-connect profile (pod IPs, which are loopback addresses in kube-sim) browses their data.
//!
//! Nothing here runs without `--demo`; the simulator and the operator are libraries compiled
//! into the binary only with the `k8s-demo` feature (default on).

use std::sync::Arc;
use std::time::Duration;

use acko_operator::observed::NodeFacts;
use acko_operator::shell::agent::{KubeAgent, PodAgent, WarmFiles};
use acko_operator::shell::{Context, controller, kinds};
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::Api;
use kube::api::PostParams;
use kube_sim::{Sim, SimConfig, SimHandle};
use serde_json::json;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::http::k8s::reach::ConnectVia;
use crate::http::k8s::{Kube, autoconnect, clusters};
use crate::state::AppState;

/// Namespace of the example cluster.
pub const NAMESPACE: &str = "aerospike";
/// Name of the example cluster.
pub const CLUSTER: &str = "example";
/// Failed reconciles that open the demo operator's circuit breaker (the operator's default is
/// 10, with backoffs from 30 s): a fault injected through kube-sim shows the open breaker, and
/// its reset, within seconds.
pub const DEMO_BREAKER_THRESHOLD: i32 = 3;
/// How long the sample-data loader waits for the example to reach phase Completed.
const LOAD_WAIT: Duration = Duration::from_secs(300);

/// The example AerospikeCluster: 3 nodes, one rack per zone, one in-memory namespace.
pub fn example_spec() -> serde_json::Value {
    json!({
        "size": 3,
        "image": "aerospike:ce-8.1.1.1",
        "rackConfig": {"racks": [
            {"id": 1, "zone": "a"}, {"id": 2, "zone": "b"}, {"id": 3, "zone": "c"}
        ]},
        "aerospikeConfig": {"namespaces": [{
            "name": "test",
            "replication-factor": 2,
            "storage-engine": {"type": "memory", "data-size": 1_073_741_824u64}
        }]}
    })
}

/// Name of the example AerospikeClusterTemplate (not referenced by the example cluster).
pub const TEMPLATE: &str = "standard";

/// The example template: a baseline for new clusters to pick in the creation wizard.
pub fn example_template() -> serde_json::Value {
    json!({
        "apiVersion": acko_api::API_VERSION,
        "kind": "AerospikeClusterTemplate",
        "metadata": {"name": TEMPLATE},
        "spec": {
            "description": "Demo baseline: 3 nodes spread over hosts, small resources, \
                            replication factor 2.",
            "image": "aerospike:ce-8.1.1.1",
            "size": 3,
            "scheduling": {"podAntiAffinityLevel": "preferred"},
            "resources": {"requests": {"cpu": "250m", "memory": "512Mi"},
                          "limits": {"cpu": "1", "memory": "1Gi"}},
            "aerospikeConfig": {"namespaceDefaults": {"replication-factor": 2}}
        }
    })
}

/// The demo's configuration: Kubernetes management on, auto-connect by pod IP (the
/// simulator's pods listen on loopback addresses the manager reaches).
#[must_use]
pub fn configure(mut config: Config) -> Config {
    config.k8s_management_enabled = true;
    config.k8s_connect_via = ConnectVia::PodIp;
    config
}

/// The flags `serve` runs with, and whether the demo Kubernetes starts (`--demo` and
/// `--demo-k8s`).
pub fn prepare(config: Config) -> (Config, bool) {
    if config.demo && config.demo_k8s {
        (configure(config), true)
    } else {
        (config, false)
    }
}

/// The operator's access to pods on the simulator: info probes over TCP to the fake nodes
/// (the real agent), and the pod contract's warm-restart files through the simulator's handle
/// (kube-sim has no exec).
struct SimAgent {
    real: KubeAgent,
    sim: Arc<SimHandle>,
}

fn pod_key(pod: &Pod) -> (String, String) {
    (
        pod.metadata.namespace.clone().unwrap_or_default(),
        pod.metadata.name.clone().unwrap_or_default(),
    )
}

impl PodAgent for SimAgent {
    fn probe(&self, addr: String, expected: usize) -> BoxFuture<'_, NodeFacts> {
        self.real.probe(addr, expected)
    }

    fn read_warm_files<'a>(&'a self, pod: &'a Pod) -> BoxFuture<'a, Result<WarmFiles, String>> {
        Box::pin(async move {
            let (ns, name) = pod_key(pod);
            Ok(WarmFiles {
                applied_hash: self.sim.aerospike_conf(&ns, &name).map(|(hash, _)| hash),
                last_error: None,
            })
        })
    }

    fn request_warm_restart<'a>(
        &'a self,
        pod: &'a Pod,
        _hash: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let (ns, name) = pod_key(pod);
            self.sim.warm_restart(&ns, &name).await.map(|_| ())
        })
    }

    fn info<'a>(
        &'a self,
        addr: &'a str,
        command: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        self.real.info(addr, command)
    }
}

/// The running simulator and operator; dropping it stops both.
pub struct K8sDemo {
    /// The simulator (tests use its waits).
    pub sim: Arc<SimHandle>,
    /// Profile created for the example cluster by auto-connect.
    pub profile_id: Option<i64>,
    operator: JoinHandle<()>,
    loader: JoinHandle<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for K8sDemo {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.operator.abort();
        self.loader.abort();
    }
}

/// Start the simulator and the operator, point the manager at them and create the example
/// cluster. `state` must have been built from [`configure`]d flags.
pub async fn start(state: &AppState) -> anyhow::Result<K8sDemo> {
    let (client, sim) = Sim::start_with(SimConfig {
        nodes: 3,
        zones: vec!["a".into(), "b".into(), "c".into()],
        ..SimConfig::default()
    })
    .await?;
    let sim = Arc::new(sim);
    state.k8s.set_client(client.clone());
    if let Some(path) = &state.config.demo_k8s_kubeconfig {
        std::fs::write(path, sim.kubeconfig_yaml()).map_err(|e| {
            anyhow::anyhow!(
                "writing the demo kubeconfig to {} (--demo-k8s-kubeconfig): {e}",
                path.display()
            )
        })?;
        tracing::info!(path = %path.display(), "kubeconfig of the demo Kubernetes written");
    }

    let agent = Arc::new(SimAgent {
        real: KubeAgent::new(client.clone(), Duration::from_secs(2)),
        sim: sim.clone(),
    });
    let available = kinds::discover_optional(&client).await;
    let mut ctx = Context::new(client.clone(), agent, available, Default::default());
    ctx.wait_interval = Duration::from_secs(2);
    ctx.breaker_threshold = DEMO_BREAKER_THRESHOLD;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let operator = tokio::spawn(controller::run(Arc::new(ctx), None, async move {
        let _ = stop_rx.await;
    }));

    let ns: Namespace = serde_json::from_value(json!({"metadata": {"name": NAMESPACE}}))?;
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await?;
    let template: acko_api::AerospikeClusterTemplate = serde_json::from_value(example_template())?;
    Api::<acko_api::AerospikeClusterTemplate>::all(client.clone())
        .create(&PostParams::default(), &template)
        .await?;
    // A persistent database keeps the profile of an earlier demo run: replace it.
    let _ = autoconnect::remove(state, NAMESPACE, CLUSTER).await;
    if let Ok(Some(old)) = state
        .store
        .find_by_name(&autoconnect::profile_name(CLUSTER, NAMESPACE))
        .await
    {
        state.clients.invalidate(old.id);
        let _ = state.store.delete(old.id).await;
    }
    let kube = Kube {
        client: client.clone(),
        timeout: state.k8s.timeout(),
    };
    let req: clusters::CreateCluster = serde_json::from_value(json!({
        "name": CLUSTER,
        "namespace": NAMESPACE,
        "labels": {"acko.io/demo": "true"},
        "spec": example_spec(),
    }))?;
    let created = clusters::create(state, &kube, req)
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo AerospikeCluster: {}", e.detail))?;
    let profile_id = created.auto_connect.as_ref().and_then(|a| a.profile_id);
    tracing::info!(
        kube_sim = %sim.url(),
        cluster = %format!("{NAMESPACE}/{CLUSTER}"),
        profile = ?profile_id,
        "demo Kubernetes started (kube-sim + acko operator in-process)"
    );

    let loader_sim = sim.clone();
    let loader = tokio::spawn(async move {
        let completed = loader_sim
            .wait_json(
                acko_api::API_VERSION,
                "AerospikeCluster",
                NAMESPACE,
                CLUSTER,
                LOAD_WAIT,
                |c| c.is_some_and(|c| c["status"]["phase"] == "Completed"),
            )
            .await;
        if completed.is_err() {
            tracing::warn!(
                "the demo AerospikeCluster did not reach Completed; no sample data loaded"
            );
            return;
        }
        let loaded = loader_sim
            .with_fake(NAMESPACE, CLUSTER, aerospike_fake::FakeCluster::load_demo)
            .await;
        tracing::info!(sets = ?loaded.map(|s| s.sets), "sample data loaded into the demo AerospikeCluster");
    });

    Ok(K8sDemo {
        sim,
        profile_id,
        operator,
        loader,
        stop: Some(stop_tx),
    })
}
