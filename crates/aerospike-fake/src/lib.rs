//! # aerospike-fake — a FAKE Aerospike CE node for tests and demos
//!
//! **This is a test and demo tool, not a database.** It keeps everything in memory, in one
//! process, and speaks enough of the Aerospike wire protocol (info, data messages, admin) for
//! the official `aerospike` client (3.x) to connect, tend the cluster and run data operations
//! over real TCP. It behaves like Community Edition 8.1.2 as captured in the project fixtures
//! (reply formats, error codes, build and edition strings). Each node says it is a fake:
//! node ids start with `FA4E` and `statistics` reports `fake=true`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), aerospike_fake::FakeError> {
//! use aerospike_fake::{FakeCluster, FakeOptions};
//! let cluster = FakeCluster::start(3, FakeOptions::default()).await?;
//! let hosts = cluster.hosts(); // "127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003"
//! cluster.stop_node(2).await?; // node 2 leaves: peers and partition maps change
//! cluster.start_migrations(300, 100); // migrate_partitions_remaining counts down
//! # Ok(()) }
//! ```
//!
//! Scope and limits are documented in the crate README (`crates/aerospike-fake/README.md`).

pub mod cdt;
pub mod demo;
pub mod durability;
pub mod dynamic;
pub mod expr;
pub mod geo;
pub mod info;
pub mod latency;
pub mod lua_check;
pub mod msg;
pub mod particle;
pub mod scenario;
pub mod server;
pub mod sindex;
pub mod state;
pub mod store;
pub mod wire;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex as AsyncMutex;

pub use scenario::{InfoFailure, Migrations, MsgFailure, MsgKind, ReceivedInfo, SetConfigCall};
use server::{Listener, Shared};
use state::{ClusterState, NodeState};

/// Why the fake could not start or change.
#[derive(Debug, thiserror::Error)]
pub enum FakeError {
    /// A listener could not bind.
    #[error("cannot bind a fake node on {addr}: {source} (pick another --port or use port 0)")]
    Bind {
        /// Address tried.
        addr: SocketAddr,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// Bad options.
    #[error("invalid fake cluster options: {0}")]
    Options(String),
    /// Unknown node index.
    #[error("no fake node with index {0} (nodes are numbered from 0)")]
    NoSuchNode(usize),
}

/// Options of a fake cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeOptions {
    /// `cluster-name` reported by every node.
    pub cluster_name: String,
    /// Namespaces (CE allows at most 2).
    pub namespaces: Vec<String>,
    /// Replication factor (effective value is capped by the number of live nodes).
    pub replication_factor: usize,
    /// Port of the first node (the next nodes use the following ports); 0 = any free port.
    pub base_port: u16,
    /// Maximum simultaneous connections per node.
    pub max_connections: usize,
}

impl Default for FakeOptions {
    fn default() -> Self {
        Self {
            cluster_name: "fake-cluster".to_string(),
            namespaces: vec!["test".to_string(), "bar".to_string()],
            replication_factor: 2,
            base_port: 0,
            max_connections: 1024,
        }
    }
}

/// A running fake cluster. Dropping it stops every node.
#[derive(Debug)]
pub struct FakeCluster {
    shared: Arc<Shared>,
    listeners: AsyncMutex<Vec<Option<Listener>>>,
    addrs: Vec<SocketAddr>,
    max_connections: usize,
}

impl FakeCluster {
    /// Starts `nodes` fake nodes on 127.0.0.1 forming one cluster.
    pub async fn start(nodes: usize, opts: FakeOptions) -> Result<Self, FakeError> {
        if nodes == 0 {
            return Err(FakeError::Options("at least one node is needed".into()));
        }
        if opts.namespaces.is_empty() || opts.namespaces.len() > 2 {
            return Err(FakeError::Options(
                "Community Edition supports 1 or 2 namespaces".into(),
            ));
        }
        if opts.replication_factor == 0 {
            return Err(FakeError::Options("replication factor must be >= 1".into()));
        }
        let mut bound = Vec::with_capacity(nodes);
        for i in 0..nodes {
            let port = if opts.base_port == 0 {
                0
            } else {
                opts.base_port.checked_add(i as u16).ok_or_else(|| {
                    FakeError::Options(format!("port {} + {i} overflows", opts.base_port))
                })?
            };
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
            let l = server::bind(addr).map_err(|source| FakeError::Bind { addr, source })?;
            let local = l
                .local_addr()
                .map_err(|source| FakeError::Bind { addr, source })?;
            bound.push((l, local));
        }
        let addrs: Vec<SocketAddr> = bound.iter().map(|(_, a)| *a).collect();
        let state = ClusterState::new(&opts, &addrs);
        let shared = Arc::new(Shared::new(state));
        let listeners = bound
            .into_iter()
            .enumerate()
            .map(|(i, (l, _))| Some(server::serve(shared.clone(), i, l, opts.max_connections)))
            .collect();
        Ok(Self {
            shared,
            listeners: AsyncMutex::new(listeners),
            addrs,
            max_connections: opts.max_connections,
        })
    }

    /// Node addresses, in node order.
    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.addrs.clone()
    }

    /// Seed string for clients: `127.0.0.1:p1,127.0.0.1:p2,...`.
    pub fn hosts(&self) -> String {
        self.addrs
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Node ids (hex, as `node` reports them), in node order.
    pub fn node_names(&self) -> Vec<String> {
        self.shared
            .lock()
            .nodes
            .iter()
            .map(NodeState::name)
            .collect()
    }

    /// Runs `f` with exclusive access to the whole state (for advanced scenarios and checks).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut ClusterState) -> R) -> R {
        f(&mut self.shared.lock())
    }

    /// Node `i` leaves the cluster: its port closes, its connections drop, the other nodes
    /// bump their generations and drop it from their peers.
    pub async fn stop_node(&self, i: usize) -> Result<(), FakeError> {
        let mut listeners = self.listeners.lock().await;
        let slot = listeners.get_mut(i).ok_or(FakeError::NoSuchNode(i))?;
        if let Some(l) = slot.take() {
            l.stop();
        }
        let mut st = self.shared.lock();
        if st.nodes[i].up {
            st.nodes[i].up = false;
            st.membership_changed();
        }
        Ok(())
    }

    /// Node `i` rejoins on its old port, empty-handed like a restarted node (the shared store
    /// keeps the data). Call [`FakeCluster::start_migrations`] to simulate the rebalance.
    pub async fn restart_node(&self, i: usize) -> Result<(), FakeError> {
        let mut listeners = self.listeners.lock().await;
        let addr = *self.addrs.get(i).ok_or(FakeError::NoSuchNode(i))?;
        if listeners[i].is_some() {
            return Ok(());
        }
        let l = server::bind(addr).map_err(|source| FakeError::Bind { addr, source })?;
        {
            let mut st = self.shared.lock();
            st.nodes[i].up = true;
            st.nodes[i].started = Instant::now();
            st.membership_changed();
        }
        listeners[i] = Some(server::serve(
            self.shared.clone(),
            i,
            l,
            self.max_connections,
        ));
        Ok(())
    }

    /// Whether node `i` is up.
    pub fn is_up(&self, i: usize) -> bool {
        self.shared.lock().nodes.get(i).is_some_and(|n| n.up)
    }

    /// Starts a migration: `remaining` partitions, `step` fewer at each status poll
    /// (`statistics`, `namespace/<ns>`, `cluster-stable`).
    pub fn start_migrations(&self, remaining: u64, step: u64) {
        self.shared.lock().scenario.migrations = Migrations { remaining, step };
    }

    /// Partitions still to migrate.
    pub fn migrations_remaining(&self) -> u64 {
        self.shared.lock().scenario.migrations.remaining
    }

    /// Makes info command `verb` answer `reply` (e.g. `ERROR:1:injected`) `times` times
    /// (None = until cleared), on node `node` or every node.
    pub fn fail_info(&self, verb: &str, reply: &str, times: Option<u32>, node: Option<usize>) {
        self.shared.lock().scenario.info_failures.push(InfoFailure {
            verb: verb.to_string(),
            reply: reply.to_string(),
            remaining: times,
            node,
        });
    }

    /// Makes data requests of `kind` answer result code `code`.
    pub fn fail_msg(&self, kind: MsgKind, code: u8, times: Option<u32>) {
        self.shared.lock().scenario.msg_failures.push(MsgFailure {
            kind,
            result_code: code,
            remaining: times,
        });
    }

    /// Removes every injected failure and latency.
    pub fn clear_failures(&self) {
        let mut st = self.shared.lock();
        st.scenario.info_failures.clear();
        st.scenario.msg_failures.clear();
        st.scenario.latency.clear();
    }

    /// Delays replies: `key` is an info verb, `"*"` (every info command) or `"msg"` (every
    /// data request).
    pub fn set_latency(&self, key: &str, delay: Duration) {
        let mut st = self.shared.lock();
        st.scenario.latency.retain(|(k, _)| k != key);
        st.scenario.latency.push((key.to_string(), delay));
    }

    /// Scripts slow secondary-index builds: indexes created afterwards start in state `WO`
    /// with `load_pct=0` and gain `step_pct` at every index status poll (`sindex-list`,
    /// `sindex/<ns>[/<name>]`, `sindex-stat`) until they reach 100 and turn `RW`. Queries on
    /// a building index answer result code 203 (index not readable). `None` (the default)
    /// builds indexes instantly.
    pub fn set_sindex_build_step(&self, step_pct: Option<u32>) {
        self.shared.lock().scenario.sindex_build_step = step_pct.map(|s| s.max(1));
    }

    /// Starts (or stops) logging every info command the nodes receive, in arrival order;
    /// starting clears the log. Tests use it to prove which commands reached a node.
    pub fn log_info_commands(&self, on: bool) {
        self.shared.lock().scenario.info_log = on.then(Vec::new);
    }

    /// Info commands received since logging started (empty when it is off), each as
    /// the node split it: a request `a\nb` shows as two commands.
    pub fn info_commands(&self) -> Vec<ReceivedInfo> {
        self.shared
            .lock()
            .scenario
            .info_log
            .clone()
            .unwrap_or_default()
    }

    /// Every `set-config` call received so far.
    pub fn set_config_calls(&self) -> Vec<SetConfigCall> {
        self.shared.lock().scenario.set_config_log.clone()
    }

    /// Live records in `ns` / `set` (all sets when `set` is None).
    pub fn record_count(&self, ns: &str, set: Option<&str>) -> usize {
        let now = store::now_cl_secs();
        let st = self.shared.lock();
        st.store.namespaces.get(ns).map_or(0, |n| {
            n.partitions
                .iter()
                .flat_map(|p| p.values())
                .filter(|r| !r.expired(now) && set.is_none_or(|s| r.set == s))
                .count()
        })
    }

    /// Loads the demo dataset (see [`demo`]).
    pub fn load_demo(&self) -> demo::DemoSummary {
        demo::load(&mut self.shared.lock())
    }

    /// Stops every node.
    pub async fn shutdown(&self) {
        let mut listeners = self.listeners.lock().await;
        for l in listeners.iter_mut() {
            if let Some(l) = l.take() {
                l.stop();
            }
        }
    }
}

impl Drop for FakeCluster {
    fn drop(&mut self) {
        if let Ok(mut listeners) = self.listeners.try_lock() {
            for l in listeners.iter_mut() {
                if let Some(l) = l.take() {
                    l.stop();
                }
            }
        }
    }
}
