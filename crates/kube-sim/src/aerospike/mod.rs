//! Pods of an AerospikeCluster run aerospike-fake nodes: when the kubelet starts a pod that
//! mounts the rack ConfigMap (`acko-config` volume) and carries `acko.io/cluster`, its final
//! aerospike.conf is built by acko-init's own code ([`init_bridge`]), and a fake node of that
//! cluster listens on `<podIP>:<service port>`. All pods of one AerospikeCluster form one fake
//! cluster (cluster size, peers, partition maps follow pods coming and going). Deleting a pod
//! stops its node; a recreated pod rejoins as the same node. Warm restarts re-render and
//! restart the node.

pub mod init_bridge;
pub mod storage;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use aerospike_conf::AerospikeConf;
use aerospike_fake::{FakeCluster, FakeOptions};
use serde_json::Value;

use crate::SimState;
use crate::store::{name_of, ns_of};

/// (namespace, AerospikeCluster name).
pub type ClusterKey = (String, String);

#[derive(Debug)]
struct Entry {
    fake: FakeCluster,
    index_by_pod: HashMap<String, usize>,
    /// Storage identity per node ([`storage::disk_of`]; None = not durable).
    disks: HashMap<usize, Option<String>>,
    /// (disk, wipe request id) already applied.
    wipes: HashSet<(String, String)>,
}

#[derive(Debug, Clone)]
struct PodNode {
    key: ClusterKey,
    pod: String,
    index: usize,
    addr: SocketAddr,
}

/// Fake Aerospike clusters by AerospikeCluster.
#[derive(Debug, Default)]
pub struct Clusters {
    entries: tokio::sync::Mutex<HashMap<ClusterKey, Entry>>,
    pods: parking_lot::Mutex<HashMap<String, PodNode>>,
    confs: parking_lot::Mutex<HashMap<(String, String), init_bridge::Rendered>>,
}

impl Clusters {
    /// Stop every fake node.
    pub fn stop_all(&self) {
        if let Ok(mut g) = self.entries.try_lock() {
            g.clear();
        }
    }

    /// The final aerospike.conf and config hash a pod's node runs with.
    pub fn rendered(&self, ns: &str, pod: &str) -> Option<(String, String)> {
        self.confs
            .lock()
            .get(&(ns.to_string(), pod.to_string()))
            .map(|r| (r.config_hash.clone(), r.conf.clone()))
    }

    /// Seed list `ip:port,...` of the live nodes of a cluster.
    pub async fn hosts(&self, key: &ClusterKey) -> Option<String> {
        let g = self.entries.lock().await;
        let e = g.get(key)?;
        let up: Vec<String> = e
            .fake
            .addrs()
            .iter()
            .enumerate()
            .filter(|(i, _)| e.fake.is_up(*i))
            .map(|(_, a)| a.to_string())
            .collect();
        Some(up.join(","))
    }

    /// Run `f` on the fake cluster of an AerospikeCluster (scenario control: migrations,
    /// failures, disk-full).
    pub async fn with_fake<R>(
        &self,
        key: &ClusterKey,
        f: impl FnOnce(&FakeCluster) -> R,
    ) -> Option<R> {
        let g = self.entries.lock().await;
        g.get(key).map(|e| f(&e.fake))
    }
}

fn log(state: &SimState, ns: &str, pod: &str, line: &str) {
    crate::logs::append(state, ns, pod, line);
}

/// The (cluster, rack ConfigMap) of an Aerospike pod; None for other pods.
pub fn aerospike_pod(pod: &Value) -> Option<(String, String)> {
    let cluster = pod["metadata"]["labels"]["acko.io/cluster"].as_str()?;
    let cm = pod["spec"]["volumes"]
        .as_array()?
        .iter()
        .find(|v| v["name"] == "acko-config")?["configMap"]["name"]
        .as_str()?;
    Some((cluster.to_string(), cm.to_string()))
}

struct NodeConf {
    opts: FakeOptions,
    port: u16,
    storage_paths: Vec<String>,
}

fn node_conf(text: &str) -> Result<NodeConf, String> {
    let conf = AerospikeConf::parse(text)
        .map_err(|e| format!("the final aerospike.conf does not parse: {e}"))?;
    let namespaces = conf.namespaces();
    if namespaces.is_empty() || namespaces.len() > 2 {
        return Err(format!(
            "Community Edition needs 1 or 2 namespaces, the config has {}",
            namespaces.len()
        ));
    }
    let rf = namespaces[0].replication_factor.unwrap_or(2).max(1) as usize;
    Ok(NodeConf {
        opts: FakeOptions {
            cluster_name: conf
                .get_value("service.cluster-name")
                .unwrap_or("aerospike")
                .to_string(),
            namespaces: namespaces.into_iter().map(|n| n.name).collect(),
            replication_factor: rf,
            ..FakeOptions::default()
        },
        port: conf.ports().service.unwrap_or(3000),
        storage_paths: storage::storage_paths(&conf),
    })
}

async fn render_for(
    state: &Arc<SimState>,
    pod: &Value,
    cm_name: &str,
) -> Result<init_bridge::Rendered, String> {
    let ns = ns_of(pod);
    let cm_rt = state.store.find_kind("v1", "ConfigMap").expect("built in");
    let cm = state
        .store
        .with(|i| i.try_get(&cm_rt, ns, cm_name))
        .ok_or_else(|| format!("the rack ConfigMap {ns}/{cm_name} does not exist"))?;
    let client = state
        .client
        .get()
        .cloned()
        .ok_or("the simulator's client is not ready")?;
    init_bridge::render(client, pod, &cm["data"]).await
}

/// A pod started; returns whether its readiness probe (TCP on the service port) passes.
pub async fn pod_started(state: &Arc<SimState>, pod: &Value) -> bool {
    let Some((cluster, cm_name)) = aerospike_pod(pod) else {
        return true;
    };
    let (ns, name) = (ns_of(pod).to_string(), name_of(pod).to_string());
    match start_node(state, pod, &cluster, &cm_name).await {
        Ok(line) => {
            log(state, &ns, &name, &line);
            true
        }
        Err(e) => {
            log(state, &ns, &name, &format!("acko-init: {e}"));
            false
        }
    }
}

async fn start_node(
    state: &Arc<SimState>,
    pod: &Value,
    cluster: &str,
    cm_name: &str,
) -> Result<String, String> {
    let (ns, name) = (ns_of(pod).to_string(), name_of(pod).to_string());
    let uid = pod["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let rendered = render_for(state, pod, cm_name).await?;
    let nc = node_conf(&rendered.conf)?;
    let cm_rt = state.store.find_kind("v1", "ConfigMap").expect("built in");
    let (disk, wipe) = state.store.with(|i| {
        let wipe = i
            .try_get(&cm_rt, &ns, cm_name)
            .and_then(|cm| storage::wipe_request_id(&cm["data"], &name));
        (storage::disk_of(i, pod, &nc.storage_paths), wipe)
    });
    let mut storage_note = String::new();
    let ip: IpAddr = pod["status"]["podIP"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .map_err(|_| "the pod has no IP".to_string())?;
    let addr = SocketAddr::new(ip, nc.port);
    let key = (ns.clone(), cluster.to_string());
    let mut g = state.runtime.aerospike.entries.lock().await;
    let index = match g.get_mut(&key) {
        Some(e) => match e.index_by_pod.get(&name).copied() {
            Some(i) => {
                let fresh = match (e.disks.get(&i), &disk) {
                    (Some(Some(old)), Some(new)) => old != new,
                    _ => true,
                };
                let wiped = match (&disk, &wipe) {
                    (Some(d), Some(id)) => !e.wipes.contains(&(d.clone(), id.clone())),
                    _ => false,
                };
                if fresh || wiped {
                    let lost = e.fake.lose_node_data(i);
                    storage_note = format!(
                        "kube-sim: node {i} starts on {} storage; {lost} records had no other copy and are lost\n",
                        if wiped { "wiped" } else { "fresh" }
                    );
                }
                e.fake.rejoin_at(i, addr).await.map_err(|e| e.to_string())?;
                i
            }
            None => {
                let i = e.fake.add_node(addr).await.map_err(|e| e.to_string())?;
                e.index_by_pod.insert(name.clone(), i);
                i
            }
        },
        None => {
            let fake = FakeCluster::start_at(&[addr], nc.opts.clone())
                .await
                .map_err(|e| e.to_string())?;
            g.insert(
                key.clone(),
                Entry {
                    fake,
                    index_by_pod: HashMap::from([(name.clone(), 0)]),
                    disks: HashMap::new(),
                    wipes: HashSet::new(),
                },
            );
            0
        }
    };
    if let Some(e) = g.get_mut(&key) {
        if let (Some(d), Some(id)) = (&disk, &wipe) {
            e.wipes.insert((d.clone(), id.clone()));
        }
        e.disks.insert(index, disk.clone());
    }
    let size = g.get(&key).map(|e| e.fake.live_nodes()).unwrap_or(0);
    drop(g);
    state.runtime.aerospike.pods.lock().insert(
        uid.clone(),
        PodNode {
            key: key.clone(),
            pod: name.clone(),
            index,
            addr,
        },
    );
    state
        .runtime
        .aerospike
        .confs
        .lock()
        .insert((ns.clone(), name.clone()), rendered.clone());
    // the pod may have been deleted while the node started
    let pod_rt = state.store.find_kind("v1", "Pod").expect("built in");
    let still = state
        .store
        .with(|i| i.try_get(&pod_rt, &ns, &name))
        .is_some_and(|p| p["metadata"]["uid"] == uid.as_str());
    if !still {
        pod_gone(state, &uid).await;
    }
    Ok(format!(
        "{storage_note}acko-init: config hash {} applied\n{}kube-sim: aerospike-fake node {index} of cluster {:?} listening on {addr} (cluster size {size})",
        rendered.config_hash, rendered.conf, nc.opts.cluster_name
    ))
}

/// A pod is gone: stop its node (it leaves the cluster).
pub async fn pod_gone(state: &Arc<SimState>, uid: &str) {
    let pn = {
        let mut pods = state.runtime.aerospike.pods.lock();
        let Some(pn) = pods.remove(uid) else { return };
        // a recreated pod (same name, new uid) may already run this node again
        if pods
            .values()
            .any(|o| o.key == pn.key && o.index == pn.index)
        {
            return;
        }
        pn
    };
    let g = state.runtime.aerospike.entries.lock().await;
    if let Some(e) = g.get(&pn.key) {
        let _ = e.fake.stop_node(pn.index).await;
        // data not on a persistent volume goes with the pod
        if e.disks.get(&pn.index).is_none_or(Option::is_none) {
            e.fake.lose_node_data(pn.index);
        }
    }
    drop(g);
    log(
        state,
        &pn.key.0,
        &pn.pod,
        &format!(
            "kube-sim: aerospike-fake node {} on {} stopped",
            pn.index, pn.addr
        ),
    );
}

/// Warm restart of a pod's node (the pod contract's restart-request): re-render from the
/// current ConfigMap, stop and restart the node. Returns the applied config hash.
pub async fn warm_restart(
    state: &Arc<SimState>,
    ns: &str,
    pod_name: &str,
) -> Result<String, String> {
    let pod_rt = state.store.find_kind("v1", "Pod").expect("built in");
    let pod = state
        .store
        .with(|i| i.try_get(&pod_rt, ns, pod_name))
        .ok_or_else(|| format!("pod {ns}/{pod_name} not found"))?;
    let (_, cm_name) = aerospike_pod(&pod)
        .ok_or_else(|| format!("pod {ns}/{pod_name} is not an Aerospike pod"))?;
    let uid = pod["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let pn = state
        .runtime
        .aerospike
        .pods
        .lock()
        .get(&uid)
        .cloned()
        .ok_or_else(|| format!("pod {ns}/{pod_name} runs no node"))?;
    let rendered = render_for(state, &pod, &cm_name).await?;
    let nc = node_conf(&rendered.conf)?;
    let addr = SocketAddr::new(pn.addr.ip(), nc.port);
    let mut g = state.runtime.aerospike.entries.lock().await;
    let e = g.get_mut(&pn.key).ok_or("the fake cluster is gone")?;
    if e.disks.get(&pn.index).is_none_or(Option::is_none) {
        // a restarted asd keeps nothing it held only in memory
        e.fake
            .stop_node(pn.index)
            .await
            .map_err(|e| e.to_string())?;
        e.fake.lose_node_data(pn.index);
    }
    e.fake
        .rejoin_at(pn.index, addr)
        .await
        .map_err(|e| e.to_string())?;
    drop(g);
    state
        .runtime
        .aerospike
        .confs
        .lock()
        .insert((ns.to_string(), pod_name.to_string()), rendered.clone());
    log(
        state,
        ns,
        pod_name,
        &format!(
            "acko-supervise: warm restart applied config hash {}",
            rendered.config_hash
        ),
    );
    Ok(rendered.config_hash)
}
