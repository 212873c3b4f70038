//! The scenario harness against a real cluster: used when `KUBECONFIG` is set, skipped with a
//! printed notice otherwise. Each scenario gets its own namespace (deleted at the end), the
//! operator's reconcile runs in the test process with the real `KubeAgent` (asinfo to the pod
//! IPs: the test must run where pod IPs are reachable, e.g. inside the cluster), and the safety
//! checker watches every step. The CRDs must be installed (`kubectl apply -k deploy/crds`) and
//! no other acko-operator may reconcile the test namespace.
//!
//! Images: `ACKO_SCENARIO_IMAGE` (default `aerospike:ce-8.1.1.1`), `ACKO_SCENARIO_IMAGE_2` for
//! the pod-spec change (default `aerospike:ce-8.1.0.0`), `ACKO_INIT_IMAGE` for acko-init.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use acko_api::AerospikeCluster;
use acko_operator::shell::agent::KubeAgent;
use acko_operator::shell::{self, Context};
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::watcher;
use kube::{Client, ResourceExt};

use super::Log;
use super::safety::Checker;

/// Bound of one convergence on a real cluster (image pulls, volume provisioning).
pub const REAL_WAIT: Duration = Duration::from_secs(900);

pub struct Real {
    pub client: Client,
    pub ctx: Arc<Context>,
    pub writes: Arc<AtomicUsize>,
    pub log: Arc<Log>,
    pub ns: String,
}

pub fn image() -> String {
    std::env::var("ACKO_SCENARIO_IMAGE").unwrap_or_else(|_| "aerospike:ce-8.1.1.1".to_owned())
}

pub fn image_2() -> String {
    std::env::var("ACKO_SCENARIO_IMAGE_2").unwrap_or_else(|_| "aerospike:ce-8.1.0.0".to_owned())
}

impl Real {
    /// `None` (after printing why) when `KUBECONFIG` is not set.
    pub async fn connect(test: &str) -> Option<Real> {
        let Some(path) = std::env::var_os("KUBECONFIG").filter(|p| !p.is_empty()) else {
            eprintln!(
                "SKIPPED {test}: KUBECONFIG is not set, so this real-cluster scenario did not run \
                 (its kube-sim twin in tests/scenarios.rs runs always)"
            );
            return None;
        };
        acko_operator::install_crypto_provider();
        let first = std::env::split_paths(&path)
            .next()
            .expect("a kubeconfig path");
        let kc = Kubeconfig::read_from(&first)
            .unwrap_or_else(|e| panic!("KUBECONFIG {}: {e}", first.display()));
        let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
            .await
            .expect("kubeconfig usable");
        let writes = Arc::new(AtomicUsize::new(0));
        let log = Arc::new(Log::default());
        let (w, l) = (writes.clone(), log.clone());
        let layer =
            tower::util::MapRequestLayer::new(move |req: http::Request<kube::client::Body>| {
                if req.method() != http::Method::GET {
                    w.fetch_add(1, Ordering::SeqCst);
                    if let Ok(mut l) = l.0.lock() {
                        l.push(format!("{} {}", req.method(), req.uri().path()));
                    }
                }
                req
            });
        let client = kube::client::ClientBuilder::try_from(config)
            .expect("client")
            .with_layer(&layer)
            .build();
        Api::<AerospikeCluster>::all(client.clone())
            .list(&ListParams::default().limit(1))
            .await
            .expect("the AerospikeCluster CRD is installed (kubectl apply -k deploy/crds)");
        let slug: String = test
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .take(30)
            .collect();
        let ns = format!("acko-sc-{}-{}", slug.trim_matches('-'), std::process::id());
        let namespace: Namespace =
            serde_json::from_value(serde_json::json!({"metadata": {"name": ns}})).unwrap();
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .expect("test namespace created");
        eprintln!("RUNNING {test} against the cluster of KUBECONFIG, namespace {ns}");
        let mut render = acko_render::RenderOptions::default();
        if let Ok(init) = std::env::var("ACKO_INIT_IMAGE") {
            render.init_image = init;
        }
        let agent = Arc::new(KubeAgent::new(client.clone(), Duration::from_secs(2)));
        let available = shell::kinds::discover_optional(&client).await;
        let ctx = Context::new(client.clone(), agent, available, render);
        Some(Real {
            client,
            ctx: Arc::new(ctx),
            writes,
            log,
            ns,
        })
    }

    /// A fresh operator (no state kept), as after a restart.
    pub fn restart_operator(&mut self) {
        let agent = Arc::new(KubeAgent::new(self.client.clone(), Duration::from_secs(2)));
        let ctx = Context::new(
            self.client.clone(),
            agent,
            self.ctx.available_kinds.clone(),
            self.ctx.render_options.clone(),
        );
        self.ctx = Arc::new(ctx);
    }

    pub fn cluster(&self, name: &str, extra: &str) -> AerospikeCluster {
        let mut c = super::cluster_yaml(name, extra);
        c.metadata.namespace = Some(self.ns.clone());
        c.spec.image = Some(image());
        c
    }

    pub fn clusters(&self) -> Api<AerospikeCluster> {
        Api::namespaced(self.client.clone(), &self.ns)
    }

    pub fn checker(&self, rf: usize) -> Checker {
        Checker::in_namespace(rf, &self.ns)
    }

    pub fn writes(&self) -> usize {
        self.writes.load(Ordering::SeqCst)
    }

    pub fn write_log(&self) -> Vec<String> {
        self.log.0.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub async fn pods(&self) -> std::collections::BTreeMap<String, Pod> {
        Api::<Pod>::namespaced(self.client.clone(), &self.ns)
            .list(&ListParams::default())
            .await
            .expect("pods")
            .items
            .into_iter()
            .map(|p| (p.name_any(), p))
            .collect()
    }

    pub async fn reconcile(&self, name: &str) -> Option<Result<(), String>> {
        let cluster = self.clusters().get_opt(name).await.expect("get")?;
        Some(
            shell::reconcile(Arc::new(cluster), self.ctx.clone())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        )
    }

    /// Reconciles until `done` holds, the checker after every step; waits for the next pod
    /// event (bounded) when a step wrote nothing.
    pub async fn drive(
        &self,
        name: &str,
        checker: &mut Checker,
        done: impl Fn(Option<&AerospikeCluster>) -> bool,
    ) -> Option<AerospikeCluster> {
        let deadline = tokio::time::Instant::now() + REAL_WAIT;
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), &self.ns);
        let mut events = watcher(pods, watcher::Config::default()).boxed();
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
            let migrating = current
                .as_ref()
                .and_then(|c| c.status.as_ref())
                .and_then(|s| s.pods.as_ref())
                .is_some_and(|p| p.values().any(|p| p.migrating_partitions.unwrap_or(0) > 0));
            let before = self.writes();
            if let Some(Err(e)) = self.reconcile(name).await {
                eprintln!("reconcile error (retried): {e}");
            }
            checker
                .step(&self.client, migrating, &self.write_log())
                .await;
            if self.writes() == before {
                let _ = tokio::time::timeout(Duration::from_secs(2), events.next()).await;
            }
        }
    }

    /// Deletes the clusters (driving their finalizers) and the namespace.
    pub async fn cleanup(self) {
        let clusters = self
            .clusters()
            .list(&ListParams::default())
            .await
            .expect("list");
        for c in clusters.items {
            let name = c.name_any();
            let _ = self
                .clusters()
                .delete(&name, &DeleteParams::default())
                .await;
            let mut checker = self.checker(1);
            self.drive(&name, &mut checker, |c| c.is_none()).await;
        }
        let _ = Api::<Namespace>::all(self.client.clone())
            .delete(&self.ns, &DeleteParams::default())
            .await;
    }
}
