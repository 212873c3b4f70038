//! Hooks for hosts that grow a fake cluster one node at a time on addresses of their choice
//! (kube-sim: one node per pod, each on the pod's own loopback IP).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Mutex as AsyncMutex;

use crate::server::{self, Shared};
use crate::state::{ClusterState, NodeState};
use crate::{FakeCluster, FakeError, FakeOptions};

impl FakeCluster {
    /// Starts one node per address (any local IP, e.g. `127.10.0.5:3000`) forming one cluster.
    pub async fn start_at(addrs: &[SocketAddr], opts: FakeOptions) -> Result<Self, FakeError> {
        if addrs.is_empty() {
            return Err(FakeError::Options(
                "at least one node address is needed".into(),
            ));
        }
        if opts.namespaces.is_empty() || opts.namespaces.len() > 2 {
            return Err(FakeError::Options(
                "Community Edition supports 1 or 2 namespaces".into(),
            ));
        }
        let mut bound = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let l = server::bind(*addr).map_err(|source| FakeError::Bind {
                addr: *addr,
                source,
            })?;
            let local = l.local_addr().map_err(|source| FakeError::Bind {
                addr: *addr,
                source,
            })?;
            bound.push((l, local));
        }
        let locals: Vec<SocketAddr> = bound.iter().map(|(_, a)| *a).collect();
        let shared = Arc::new(Shared::new(ClusterState::new(&opts, &locals)));
        let listeners = bound
            .into_iter()
            .enumerate()
            .map(|(i, (l, _))| Some(server::serve(shared.clone(), i, l, opts.max_connections)))
            .collect();
        Ok(Self {
            shared,
            listeners: AsyncMutex::new(listeners),
            addrs: locals,
            max_connections: opts.max_connections,
        })
    }

    /// Adds a node listening on `addr` (it joins: peers, partition maps and cluster size
    /// change). Returns its index.
    pub async fn add_node(&mut self, addr: SocketAddr) -> Result<usize, FakeError> {
        let l = server::bind(addr).map_err(|source| FakeError::Bind { addr, source })?;
        let local = l
            .local_addr()
            .map_err(|source| FakeError::Bind { addr, source })?;
        let i = self.addrs.len();
        {
            let mut st = self.shared.lock();
            for n in st.nodes.iter_mut() {
                n.alumni.push(i);
            }
            let node = NodeState {
                id: 0xFA4E_0000_0000_0000
                    | (u64::from(local.port()) << 8)
                    | ((i as u64) & 0xff)
                    | ((i as u64 >> 8) << 32),
                addr: local,
                up: true,
                partition_generation: 0,
                peers_generation: 0,
                started: Instant::now(),
                stats: Default::default(),
                ns_stats: Default::default(),
                jobs: Vec::new(),
                alumni: (0..i).collect(),
            };
            st.nodes.push(node);
            st.latency.push(Default::default());
            st.membership_changed();
        }
        self.addrs.push(local);
        self.listeners.lock().await.push(Some(server::serve(
            self.shared.clone(),
            i,
            l,
            self.max_connections,
        )));
        Ok(i)
    }

    /// Node `i` (stopped) rejoins on a new address (a pod recreated with a new IP).
    pub async fn rejoin_at(&mut self, i: usize, addr: SocketAddr) -> Result<(), FakeError> {
        if i >= self.addrs.len() {
            return Err(FakeError::NoSuchNode(i));
        }
        self.stop_node(i).await?;
        // the stopped listener closes when its aborted task is dropped: retry briefly
        let mut tries = 0;
        let l = loop {
            match server::bind(addr) {
                Ok(l) => break l,
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && tries < 200 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
                Err(source) => return Err(FakeError::Bind { addr, source }),
            }
        };
        let local = l
            .local_addr()
            .map_err(|source| FakeError::Bind { addr, source })?;
        {
            let mut st = self.shared.lock();
            st.nodes[i].addr = local;
            st.nodes[i].up = true;
            st.nodes[i].started = Instant::now();
            st.membership_changed();
        }
        self.addrs[i] = local;
        self.listeners.lock().await[i] = Some(server::serve(
            self.shared.clone(),
            i,
            l,
            self.max_connections,
        ));
        Ok(())
    }

    /// Number of nodes currently up (what `cluster_size` reports).
    pub fn live_nodes(&self) -> usize {
        self.shared.lock().live().len()
    }
}
