//! # kube-sim — a Kubernetes API simulator for tests and demos
//!
//! Serves the real Kubernetes REST API over HTTP on 127.0.0.1 so that the unchanged
//! `kube::Client` (and `kubectl`) can talk to it: discovery, CRUD, selectors, resourceVersion
//! conflicts, merge / JSON / strategic-merge patches, server-side apply with managedFields,
//! watches with bookmarks and 410 Gone, finalizers, ownerReference garbage collection,
//! `/status` and `/scale`. Simulated controllers (StatefulSet, scheduler, kubelet, services)
//! run in the background; pods of an `AerospikeCluster` run `aerospike-fake` nodes.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let (client, sim) = kube_sim::Sim::start().await?;
//! let pods: kube::Api<k8s_openapi::api::core::v1::Pod> = kube::Api::namespaced(client, "default");
//! # let _ = (pods, sim); Ok(()) }
//! ```
//!
//! Test and demo infrastructure only — never a runtime dependency. See the crate README for
//! what is faithful, what is simplified and what is missing.

#![allow(clippy::collapsible_if, clippy::too_many_arguments)]

pub mod aerospike;
pub mod apply;
pub mod cel;
pub mod controllers;
pub mod defaults;
pub mod error;
pub mod events_view;
pub mod exec_shell;
pub mod faults;
pub mod gc;
pub mod handle;
pub mod http;
pub mod kinds;
pub mod logs;
pub mod ops;
pub mod paging;
pub mod patch;
pub mod selectors;
pub mod store;
pub mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

pub use faults::ApiFault;
pub use handle::SimHandle;

/// Options of a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Number of simulated Nodes.
    pub nodes: usize,
    /// Zones, assigned to Nodes round-robin (`topology.kubernetes.io/zone`).
    pub zones: Vec<String>,
    /// Delay before a LoadBalancer Service gets its ingress address.
    pub lb_delay: Duration,
    /// Watch events kept for resumption (older resourceVersions get 410 Gone).
    pub history_limit: usize,
    /// Interval of watch bookmarks.
    pub bookmark_interval: Duration,
    /// Port to listen on (0 = any free port).
    pub port: u16,
    /// Run the simulated controllers (StatefulSet, scheduler, kubelet, services).
    pub controllers: bool,
    /// Install the acko.io CRDs at start.
    pub acko_crds: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            nodes: 3,
            zones: vec!["a".into(), "b".into(), "c".into()],
            lb_delay: Duration::from_millis(200),
            history_limit: 10_000,
            bookmark_interval: Duration::from_secs(1),
            port: 0,
            controllers: true,
            acko_crds: true,
        }
    }
}

/// State shared by the HTTP server, the controllers and the test handle.
pub struct SimState {
    /// Objects and events.
    pub store: Arc<store::Store>,
    /// Injected faults.
    pub faults: faults::Faults,
    /// Container logs by (namespace, pod).
    pub logs: Mutex<HashMap<(String, String), String>>,
    /// Every appended log chunk (for `follow`); write logs with [`logs::append`].
    pub log_tx: tokio::sync::broadcast::Sender<logs::LogLine>,
    /// Bumped to drop every open watch stream.
    pub watch_kill: tokio::sync::watch::Sender<u64>,
    /// Interval of watch bookmarks.
    pub bookmark_interval: Mutex<Duration>,
    /// The configuration it started with.
    pub config: SimConfig,
    /// Runtime state of the simulated kubelet / aerospike nodes.
    pub runtime: controllers::Runtime,
    /// A client of this simulator (used by acko-init's code for Node/Service reads).
    pub client: std::sync::OnceLock<kube::Client>,
}

impl std::fmt::Debug for SimState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimState")
            .field("config", &self.config)
            .field("rv", &self.store.rv())
            .finish_non_exhaustive()
    }
}

/// Entry point.
pub struct Sim;

/// Install the rustls ring provider (idempotent); call first in every test and main.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Sim {
    /// Start a simulator with default options; returns a client for it and its handle.
    pub async fn start() -> anyhow::Result<(kube::Client, SimHandle)> {
        Self::start_with(SimConfig::default()).await
    }

    /// Start a simulator with the given options.
    pub async fn start_with(config: SimConfig) -> anyhow::Result<(kube::Client, SimHandle)> {
        install_crypto();
        let store = store::Store::new(config.history_limit);
        let (watch_kill, _) = tokio::sync::watch::channel(0);
        let state = Arc::new(SimState {
            store,
            faults: faults::Faults::default(),
            logs: Mutex::new(HashMap::new()),
            log_tx: tokio::sync::broadcast::channel(1024).0,
            watch_kill,
            bookmark_interval: Mutex::new(config.bookmark_interval),
            runtime: controllers::Runtime::default(),
            config: config.clone(),
            client: std::sync::OnceLock::new(),
        });
        handle::seed(&state)?;
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], config.port))).await?;
        let addr = listener.local_addr()?;
        let app = http::router(state.clone());
        let mut tasks = vec![tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        })];
        tasks.push(tokio::spawn(gc::run(state.store.clone())));
        if config.controllers {
            tasks.extend(controllers::spawn_all(state.clone()));
        }
        let handle = SimHandle::new(state, addr, tasks);
        let client = handle.client()?;
        let _ = handle.state.client.set(client.clone());
        Ok((client, handle))
    }
}
