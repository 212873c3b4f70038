//! Test harness: a kube-sim simulator, a client that counts write calls at the HTTP layer, and
//! a driver that runs the operator's reconcile until a condition holds (waking on simulator
//! changes, never sleeping).
#![allow(dead_code)]

pub mod model;
pub mod real;
pub mod safety;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use acko_api::AerospikeCluster;
use acko_operator::shell::agent::KubeAgent;
use acko_operator::shell::{self, Context};
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, ResourceExt};

/// Write calls seen by the counting client: `METHOD path`.
#[derive(Default, Debug)]
pub struct Log(pub std::sync::Mutex<Vec<String>>);

/// Bound of the whole drive loop.
pub const WAIT: Duration = Duration::from_secs(60);

pub struct Harness {
    pub client: Client,
    pub sim: kube_sim::SimHandle,
    pub ctx: Arc<Context>,
    pub writes: Arc<AtomicUsize>,
    pub log: Arc<Log>,
}

async fn counting_client(yaml: &str, writes: Arc<AtomicUsize>, log: Arc<Log>) -> Client {
    let kc = Kubeconfig::from_yaml(yaml).expect("sim kubeconfig");
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("config");
    let layer = tower::util::MapRequestLayer::new(move |req: http::Request<kube::client::Body>| {
        if req.method() != http::Method::GET {
            writes.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut l) = log.0.lock() {
                l.push(format!("{} {}", req.method(), req.uri().path()));
            }
        }
        req
    });
    kube::client::ClientBuilder::try_from(config)
        .expect("builder")
        .with_layer(&layer)
        .build()
}

pub async fn start() -> Harness {
    start_with(false).await.0
}

/// A harness whose operator gets Aerospike facts from [`model::ModelAgent`].
pub async fn start_model() -> (Harness, Arc<model::ModelAgent>) {
    let (h, m) = start_with(true).await;
    (h, m.expect("model agent"))
}

/// Replaces the operator's context by a fresh one (an operator restart: no state kept).
pub fn restart_operator(h: &mut Harness, agent: Arc<dyn acko_operator::shell::agent::PodAgent>) {
    let mut ctx = Context::new(
        h.client.clone(),
        agent,
        h.ctx.available_kinds.clone(),
        Default::default(),
    );
    ctx.wait_interval = Duration::from_millis(200);
    h.ctx = Arc::new(ctx);
}

/// A fresh operator context that discovers the optional kinds again (as an operator started
/// after their CRDs were installed), with the real pod agent.
pub async fn rediscover_operator(h: &mut Harness) {
    let available = shell::kinds::discover_optional(&h.client).await;
    let agent = Arc::new(KubeAgent::new(h.client.clone(), Duration::from_millis(500)));
    let mut ctx = Context::new(h.client.clone(), agent, available, Default::default());
    ctx.wait_interval = Duration::from_millis(200);
    h.ctx = Arc::new(ctx);
}

/// [`start_model`] with `nodes` Kubernetes nodes.
pub async fn start_model_nodes(nodes: usize) -> (Harness, Arc<model::ModelAgent>) {
    let (h, m) = start_inner(true, nodes).await;
    (h, m.expect("model agent"))
}

async fn start_with(model: bool) -> (Harness, Option<Arc<model::ModelAgent>>) {
    start_inner(model, kube_sim::SimConfig::default().nodes).await
}

async fn start_inner(model: bool, nodes: usize) -> (Harness, Option<Arc<model::ModelAgent>>) {
    acko_operator::install_crypto_provider();
    // Without the model agent the tests look at the API objects alone: no simulated
    // controllers, so no pods start and a reconcile settles once everything is applied.
    let config = kube_sim::SimConfig {
        controllers: model,
        nodes,
        ..Default::default()
    };
    let (_, sim) = kube_sim::Sim::start_with(config)
        .await
        .expect("simulator starts");
    let writes = Arc::new(AtomicUsize::new(0));
    let log = Arc::new(Log::default());
    let client = counting_client(&sim.kubeconfig_yaml(), writes.clone(), log.clone()).await;
    let model_agent = model.then(|| Arc::new(model::ModelAgent::new(client.clone())));
    let agent: Arc<dyn acko_operator::shell::agent::PodAgent> = match &model_agent {
        Some(m) => m.clone(),
        None => Arc::new(KubeAgent::new(client.clone(), Duration::from_millis(500))),
    };
    let available = shell::kinds::discover_optional(&client).await;
    let mut ctx = Context::new(client.clone(), agent, available, Default::default());
    ctx.wait_interval = Duration::from_millis(200);
    (
        Harness {
            client,
            sim,
            ctx: Arc::new(ctx),
            writes,
            log,
        },
        model_agent,
    )
}

pub fn cluster_yaml(name: &str, extra: &str) -> AerospikeCluster {
    let yaml = format!(
        "apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata: {{name: {name}, namespace: default}}
spec:
  size: 3
  image: aerospike:ce-8.1.1.1
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 2
        storage-engine: {{type: memory, data-size: 1073741824}}
{extra}"
    );
    serde_saphyr::from_str(&yaml).expect("test YAML")
}

impl Harness {
    pub fn clusters(&self) -> Api<AerospikeCluster> {
        Api::namespaced(self.client.clone(), "default")
    }

    pub async fn create(&self, cluster: &AerospikeCluster) -> AerospikeCluster {
        self.clusters()
            .create(&PostParams::default(), cluster)
            .await
            .expect("cluster created")
    }

    pub async fn get(&self, name: &str) -> AerospikeCluster {
        self.clusters().get(name).await.expect("cluster exists")
    }

    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    pub fn write_log(&self) -> Vec<String> {
        self.log.0.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// One reconcile of the cluster as it is now (`None` once it is gone).
    pub async fn reconcile(&self, name: &str) -> Option<Result<(), String>> {
        let cluster = self.clusters().get_opt(name).await.expect("get")?;
        Some(
            shell::reconcile(Arc::new(cluster), self.ctx.clone())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        )
    }

    /// Reconciles until `done` holds for the cluster (`None` = deleted), calling `check` after
    /// every step; between steps waits for the next simulator change (bounded).
    pub async fn drive(
        &self,
        name: &str,
        check: impl FnMut(&Harness),
        done: impl Fn(Option<&AerospikeCluster>) -> bool,
    ) -> Option<AerospikeCluster> {
        self.drive_checked(name, None, None, check, done).await
    }

    /// [`Self::drive`] with the safety checker after every step.
    pub async fn drive_safe(
        &self,
        name: &str,
        model: &model::ModelAgent,
        checker: &mut safety::Checker,
        done: impl Fn(Option<&AerospikeCluster>) -> bool,
    ) -> Option<AerospikeCluster> {
        self.drive_checked(name, Some(model), Some(checker), |_| {}, done)
            .await
    }

    async fn drive_checked(
        &self,
        name: &str,
        model: Option<&model::ModelAgent>,
        mut checker: Option<&mut safety::Checker>,
        mut check: impl FnMut(&Harness),
        done: impl Fn(Option<&AerospikeCluster>) -> bool,
    ) -> Option<AerospikeCluster> {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut rx = self.sim.state.store.subscribe();
        loop {
            let current = self.clusters().get_opt(name).await.expect("get");
            if done(current.as_ref()) {
                return current;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "cluster {name} did not converge; last: {:?}",
                current
                    .as_ref()
                    .and_then(|c| c.status.as_ref())
                    .map(|s| (&s.phase, &s.phase_reason))
            );
            let before = self.writes();
            let migrating = model.is_some_and(model::ModelAgent::migrating);
            if let Some(Err(e)) = self.reconcile(name).await {
                eprintln!("reconcile error (retried): {e}");
            }
            check(self);
            if let Some(c) = checker.as_deref_mut() {
                c.step(&self.client, migrating, &self.write_log()).await;
            }
            if self.writes() == before {
                // Nothing written: wait for the world to change (or a short bound).
                let _ = tokio::time::timeout(Duration::from_millis(500), rx.recv()).await;
            }
        }
    }
}

pub fn phase(c: Option<&AerospikeCluster>) -> Option<acko_api::ClusterPhase> {
    c.and_then(|c| c.status.as_ref()).and_then(|s| s.phase)
}

pub fn condition(c: &AerospikeCluster, t: &str) -> Option<(String, String, String)> {
    c.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|x| x.type_ == t)
        .map(|x| (x.status.clone(), x.reason.clone(), x.message.clone()))
}

pub fn names<K: kube::Resource>(items: &[K]) -> BTreeSet<String> {
    items.iter().map(|i| i.name_any()).collect()
}
