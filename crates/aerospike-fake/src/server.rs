//! Networking: one accept loop per node, one task per connection, shutdown through a watch
//! channel, a connection cap per node. Malformed frames close the connection; malformed
//! messages inside a valid frame get an error reply.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use asinfo::proto::{HEADER_LEN, Header, Limits, MessageType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::state::ClusterState;
use crate::wire::{self, rc};
use crate::{info, msg};

/// State shared by every node task.
#[derive(Debug)]
pub struct Shared {
    state: Mutex<ClusterState>,
}

impl Shared {
    /// Wraps the cluster state.
    pub fn new(state: ClusterState) -> Self {
        Self {
            state: Mutex::new(state),
        }
    }
    /// Locks the state; a poisoned lock is recovered (the state stays usable).
    pub fn lock(&self) -> MutexGuard<'_, ClusterState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running node listener.
#[derive(Debug)]
pub struct Listener {
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Listener {
    /// Stops accepting and closes every connection of this node.
    pub fn stop(self) {
        let _ = self.shutdown.send(true);
        self.task.abort();
    }
}

/// Binds `addr` with SO_REUSEADDR (so a node can rejoin on its old port).
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Starts serving node `node` on `listener`.
pub fn serve(
    shared: Arc<Shared>,
    node: usize,
    listener: TcpListener,
    max_connections: usize,
) -> Listener {
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(shared, node, listener, rx, max_connections));
    Listener { shutdown: tx, task }
}

async fn accept_loop(
    shared: Arc<Shared>,
    node: usize,
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
    max_connections: usize,
) {
    let permits = Arc::new(Semaphore::new(max_connections.max(1)));
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    // Over the cap: refuse by closing, as a saturated server would.
                    drop(stream);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let rx = shutdown.clone();
                tokio::spawn(async move {
                    {
                        let mut st = shared.lock();
                        if let Some(n) = st.nodes.get_mut(node) {
                            n.bump("client_connections_opened");
                            *n.stats.entry("client_connections".into()).or_default() += 1;
                        }
                    }
                    connection(shared.clone(), node, stream, peer, rx).await;
                    let mut st = shared.lock();
                    if let Some(n) = st.nodes.get_mut(node) {
                        n.bump("client_connections_closed");
                        let c = n.stats.entry("client_connections".into()).or_default();
                        *c = c.saturating_sub(1);
                    }
                    drop(permit);
                });
            }
        }
    }
}

async fn connection(
    shared: Arc<Shared>,
    node: usize,
    mut stream: TcpStream,
    peer: SocketAddr,
    mut shutdown: watch::Receiver<bool>,
) {
    let peer = peer.to_string();
    loop {
        let mut head = [0u8; HEADER_LEN];
        tokio::select! {
            _ = shutdown.changed() => return,
            r = stream.read_exact(&mut head) => if r.is_err() { return },
        }
        let header = Header::decode(head);
        let Ok(len) = header.check(Limits::new(wire::MAX_BODY as u64)) else {
            bump_demarshal(&shared, node);
            return;
        };
        // Grow the buffer as bytes arrive: a header announcing a huge body costs nothing.
        let mut body = Vec::with_capacity(len.min(64 * 1024));
        let mut limited = (&mut stream).take(len as u64);
        tokio::select! {
            _ = shutdown.changed() => return,
            r = limited.read_to_end(&mut body) => {
                if r.is_err() || body.len() != len { return }
            }
        }
        let Some(reply) = respond(&shared, node, &peer, header.msg_type, &body).await else {
            bump_demarshal(&shared, node);
            return;
        };
        // A node that stops drops its connections mid-reply too (a long scan breaks off).
        tokio::select! {
            _ = shutdown.changed() => return,
            r = stream.write_all(&reply) => if r.is_err() { return },
        }
    }
}

fn bump_demarshal(shared: &Shared, node: usize) {
    if let Some(n) = shared.lock().nodes.get_mut(node) {
        n.bump("demarshal_error");
    }
}

/// Computes the reply to one frame; `None` means "close the connection".
pub async fn respond(
    shared: &Shared,
    node: usize,
    peer: &str,
    msg_type: MessageType,
    body: &[u8],
) -> Option<Vec<u8>> {
    match msg_type {
        MessageType::Info => {
            let delay = {
                let st = shared.lock();
                let cmds = asinfo::proto::decode_info_request(body);
                cmds.iter()
                    .filter_map(|c| st.scenario.latency_for(info::verb_of(c)))
                    .max()
            };
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            Some(info::answer_request(&mut shared.lock(), node, peer, body))
        }
        MessageType::Admin => Some(msg::admin_reply()),
        MessageType::Message => Some(data_message(shared, node, peer, body).await),
        MessageType::Compressed => {
            let inner = wire::decompress(body).ok()?;
            let head: [u8; HEADER_LEN] = inner.get(..HEADER_LEN)?.try_into().ok()?;
            let h = Header::decode(head);
            let len = h.check(Limits::new(wire::MAX_BODY as u64)).ok()?;
            if h.msg_type != MessageType::Message || inner.len() != HEADER_LEN + len {
                return None;
            }
            Some(data_message(shared, node, peer, &inner[HEADER_LEN..]).await)
        }
        MessageType::Other(_) => None,
    }
}

async fn data_message(shared: &Shared, node: usize, peer: &str, body: &[u8]) -> Vec<u8> {
    let parsed = match wire::parse_msg(body) {
        Ok(m) => m,
        Err(_) => {
            bump_demarshal(shared, node);
            return wire::simple_reply(rc::PARAMETER, 0, 0);
        }
    };
    let started = std::time::Instant::now();
    let delay = shared.lock().scenario.latency_for("msg");
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let reply = {
        let mut st = shared.lock();
        let reply = msg::handle(&mut st, node, peer, &parsed);
        let name = msg::latency_histogram(&parsed);
        if let Some(h) = st.latency.get_mut(node) {
            h.record(&name, std::time::Instant::now(), started.elapsed());
        }
        reply
    };
    let compress = parsed.header.info1 & wire::info1::COMPRESS_RESPONSE != 0;
    wire::compress_frames(reply, compress)
}
