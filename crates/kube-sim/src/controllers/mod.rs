//! Simulated cluster controllers: StatefulSet, scheduler, kubelet, services. They run in one
//! loop after every batch of store changes (and on a short tick), each pass working on the
//! locked store; slow work (binding fake Aerospike nodes, LoadBalancer delays) is queued as
//! [`Action`]s and done outside the lock.

pub mod kubelet;
pub mod scheduler;
pub mod services;
pub mod statefulset;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use crate::SimState;
use crate::kinds::ResourceType;
use crate::ops::WriteOpts;
use crate::store::{Event, Inner, name_of, now, ns_of};

/// Work queued by a pass, done outside the store lock.
#[derive(Debug)]
pub enum Action {
    /// A pod got its IP and runs: start its process (fake Aerospike node or nothing).
    PodStarted {
        /// The pod.
        pod: Value,
    },
    /// A pod is gone: stop its process.
    PodGone {
        /// uid of the pod.
        uid: String,
    },
    /// Give a LoadBalancer Service an address after the delay.
    AssignLb {
        /// Namespace.
        ns: String,
        /// Name.
        name: String,
    },
}

/// What a controller pass works with.
pub struct Ctx<'a> {
    /// The locked store.
    pub inner: &'a mut Inner,
    /// Event channel of the store.
    pub tx: &'a broadcast::Sender<Arc<Event>>,
    /// The simulator.
    pub state: &'a Arc<SimState>,
    /// Queued slow work.
    pub actions: Vec<Action>,
}

impl Ctx<'_> {
    /// A built-in resource type.
    pub fn rt(&self, api_version: &str, kind: &str) -> ResourceType {
        self.inner
            .find_kind(api_version, kind)
            .expect("built-in kind")
    }

    /// Create an object; false when it failed (e.g. exists).
    pub fn create(&mut self, rt: &ResourceType, ns: &str, obj: Value, manager: &str) -> bool {
        let opts = WriteOpts {
            manager: manager.into(),
            ..Default::default()
        };
        self.inner.create(self.tx, rt, ns, obj, &opts, None).is_ok()
    }

    /// Record an Event about `obj`.
    pub fn event(&mut self, obj: &Value, reason: &str, message: &str, ty: &str) {
        let rt = self.rt("v1", "Event");
        let ns = if ns_of(obj).is_empty() {
            "default".to_string()
        } else {
            ns_of(obj).to_string()
        };
        let n = self.inner.rv;
        let ev = json!({
            "metadata": {"name": format!("{}.{n:x}", name_of(obj))},
            "involvedObject": {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": name_of(obj),
                "namespace": ns_of(obj), "uid": obj["metadata"]["uid"], "resourceVersion": obj["metadata"]["resourceVersion"]},
            "reason": reason, "message": message, "type": ty, "count": 1,
            "firstTimestamp": now(), "lastTimestamp": now(),
            "source": {"component": "kube-sim"}, "reportingComponent": "kube-sim",
        });
        let _ = self.create(&rt, &ns, ev, "kube-sim");
    }
}

/// Whether a pod is Ready.
pub fn is_ready(p: &Value) -> bool {
    p["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// Set (or add) a condition, keeping lastTransitionTime when the status does not change.
pub fn set_condition(o: &mut Value, ty: &str, status: &str, reason: &str, message: &str) {
    if !o["status"]["conditions"].is_array() {
        o["status"]["conditions"] = json!([]);
    }
    let conds = o["status"]["conditions"].as_array_mut().expect("array");
    let mut c =
        json!({"type": ty, "status": status, "lastTransitionTime": now(), "lastProbeTime": null});
    if !reason.is_empty() {
        c["reason"] = json!(reason);
    }
    if !message.is_empty() {
        c["message"] = json!(message);
    }
    match conds.iter_mut().find(|x| x["type"] == ty) {
        Some(x) => {
            if x["status"] == status {
                c["lastTransitionTime"] = x["lastTransitionTime"].clone();
            }
            *x = c;
        }
        None => conds.push(c),
    }
}

/// A controller ownerReference to `owner`.
pub fn owner_ref(owner: &Value, api_version: &str, kind: &str) -> Value {
    json!({"apiVersion": api_version, "kind": kind, "name": name_of(owner), "uid": owner["metadata"]["uid"],
        "controller": true, "blockOwnerDeletion": true})
}

#[derive(Debug, Default)]
struct PodRuntime {
    probe_ok: bool,
}

/// Runtime state of the simulated kubelet (running pods, IPs, pending LoadBalancers).
#[derive(Debug, Default)]
pub struct Runtime {
    next_ip: AtomicU32,
    pods: Mutex<HashMap<String, PodRuntime>>,
    lb_pending: Mutex<HashSet<(String, String)>>,
    /// Fake Aerospike clusters backing AerospikeCluster pods.
    pub aerospike: crate::aerospike::Clusters,
    /// Files written through `pods/exec`, by pod uid (the supervisor's `/acko/run`).
    pub exec_files: Mutex<HashMap<String, std::collections::BTreeMap<String, String>>>,
    /// Warm restarts handled for `restart-request` files (see [`Runtime::supervisor_done`]).
    pub supervisor_runs: std::sync::atomic::AtomicU64,
    /// Notified after each of those warm restarts (tests wait on it).
    pub supervisor_done: tokio::sync::Notify,
}

impl Runtime {
    /// A fresh pod IP. Simulators in other processes (parallel test runs) use the same
    /// 127.10.x.y range and fake nodes bind fixed ports there, so each process starts at its
    /// own offset and an address whose Aerospike port is already taken is skipped.
    pub fn allocate_ip(&self) -> String {
        static PROCESS_OFFSET: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        let offset = *PROCESS_OFFSET.get_or_init(|| (std::process::id() % 200) * 250);
        loop {
            let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
            let ip = kubelet::pod_ip(offset.wrapping_add(n));
            if std::net::TcpListener::bind((ip.as_str(), 3000)).is_ok() || n % 62_500 == 62_499 {
                return ip;
            }
        }
    }

    /// Whether the pod's readiness probe passes.
    pub fn probe_ok(&self, uid: &str) -> bool {
        self.pods.lock().get(uid).is_some_and(|p| p.probe_ok)
    }

    /// Set the readiness-probe result of a pod.
    pub fn set_probe(&self, uid: &str, ok: bool) {
        self.pods
            .lock()
            .entry(uid.to_string())
            .or_default()
            .probe_ok = ok;
    }

    /// Forget pods not in `alive`; returns their uids.
    pub fn gone(&self, alive: &HashSet<String>) -> Vec<String> {
        let mut pods = self.pods.lock();
        let dead: Vec<String> = pods
            .keys()
            .filter(|u| !alive.contains(*u))
            .cloned()
            .collect();
        for d in &dead {
            pods.remove(d);
        }
        dead
    }

    pub(crate) fn lb_pending_insert(&self, key: &(String, String)) -> bool {
        self.lb_pending.lock().insert(key.clone())
    }

    /// Stop everything (simulator shutdown).
    pub fn stop_all(&self) {
        self.aerospike.stop_all();
    }
}

/// A simulated Node object.
pub fn node_object(name: &str, zone: &str, index: usize) -> Value {
    json!({
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "topology.kubernetes.io/zone": zone, "topology.kubernetes.io/region": "sim",
        }},
        "spec": {},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kube-sim node is ready", "lastTransitionTime": now()}],
            "addresses": [
                {"type": "InternalIP", "address": format!("127.0.1.{}", index + 1)},
                {"type": "ExternalIP", "address": format!("127.0.2.{}", index + 1)},
                {"type": "Hostname", "address": name},
            ],
            "capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"},
            "allocatable": {"cpu": "16", "memory": "64Gi", "pods": "110"},
            "nodeInfo": {"kubeletVersion": "v1.33.0-kube-sim", "architecture": "amd64", "operatingSystem": "linux"},
        },
    })
}

fn passes(state: &Arc<SimState>) -> (bool, Vec<Action>) {
    state.store.with_mut(|inner, tx| {
        let mut cx = Ctx {
            inner,
            tx,
            state,
            actions: Vec::new(),
        };
        let mut changed = statefulset::pass(&mut cx);
        changed |= scheduler::pass(&mut cx);
        changed |= kubelet::pass(&mut cx);
        changed |= services::pass(&mut cx);
        (changed, cx.actions)
    })
}

async fn run_actions(state: &Arc<SimState>, actions: Vec<Action>) {
    for a in actions {
        match a {
            Action::PodStarted { pod } => {
                let uid = pod["metadata"]["uid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let ok = crate::aerospike::pod_started(state, &pod).await;
                state.runtime.set_probe(&uid, ok);
            }
            Action::PodGone { uid } => crate::aerospike::pod_gone(state, &uid).await,
            Action::AssignLb { ns, name } => {
                let st = state.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(st.config.lb_delay).await;
                    let n = st.runtime.next_ip.fetch_add(1, Ordering::Relaxed);
                    let ip = format!("127.0.3.{}", n % 250 + 1);
                    let rt = st.store.find_kind("v1", "Service").expect("built in");
                    let _ = st.store.with_mut(|i, tx| {
                        i.mutate(tx, &rt, &ns, &name, "status", "service-controller", |s| {
                            s["status"]["loadBalancer"]["ingress"] =
                                json!([{"ip": ip, "ipMode": "VIP"}]);
                        })
                    });
                    st.runtime.lb_pending.lock().remove(&(ns, name));
                });
            }
        }
    }
}

async fn run(state: Arc<SimState>) {
    let mut rx = state.store.subscribe();
    loop {
        for _ in 0..100 {
            let (changed, actions) = passes(&state);
            let had_actions = !actions.is_empty();
            run_actions(&state, actions).await;
            if !changed && !had_actions {
                break;
            }
        }
        while rx.try_recv().is_ok() {}
        tokio::select! {
            r = rx.recv() => {
                if let Err(broadcast::error::RecvError::Closed) = r { return; }
                // batch a burst of changes into one pass (keeps busy simulators linear)
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            _ = tokio::time::sleep(Duration::from_millis(250)) => {}
        }
    }
}

/// Start every controller.
pub fn spawn_all(state: Arc<SimState>) -> Vec<JoinHandle<()>> {
    vec![tokio::spawn(run(state))]
}
