//! The test handle: URL, kubeconfig, client, faults, and bounded wait helpers that follow the
//! store's change stream (no sleeps).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::SimState;
use crate::error::ApiError;
use crate::faults::ApiFault;
use crate::ops::WriteOpts;

/// Handle to a running simulator; stops it when dropped.
#[derive(Debug)]
pub struct SimHandle {
    /// Shared state (store, faults, runtime).
    pub state: Arc<SimState>,
    addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

/// Why a wait ended without its condition.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// Timed out; carries the last object seen.
    #[error("timed out after {timeout:?} waiting for {what}; last state: {last}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// Bound.
        timeout: Duration,
        /// Last object (or null).
        last: Value,
    },
    /// Unknown kind.
    #[error("kube-sim does not serve {0}")]
    UnknownKind(String),
}

pub(crate) fn seed(state: &SimState) -> anyhow::Result<()> {
    let opts = WriteOpts {
        manager: "kube-sim".into(),
        ..Default::default()
    };
    let store = &state.store;
    store.with_mut(|i, tx| -> anyhow::Result<()> {
        let ns_rt = i.find_kind("v1", "Namespace").expect("built in");
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            i.create(tx, &ns_rt, "", json!({"metadata": {"name": ns}}), &opts, None)?;
        }
        let node_rt = i.find_kind("v1", "Node").expect("built in");
        for n in 0..state.config.nodes {
            let zone = state.config.zones.get(n % state.config.zones.len().max(1)).cloned().unwrap_or_else(|| "a".into());
            let name = format!("sim-node-{}", n + 1);
            i.create(tx, &node_rt, "", crate::controllers::node_object(&name, &zone, n), &opts, None)?;
        }
        let sc_rt = i.find_kind("storage.k8s.io/v1", "StorageClass").expect("built in");
        i.create(tx, &sc_rt, "", json!({
            "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "kube-sim.local/hostpath", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate",
            "allowVolumeExpansion": true,
        }), &opts, None)?;
        if state.config.acko_crds {
            let crd_rt = i.find_kind("apiextensions.k8s.io/v1", "CustomResourceDefinition").expect("built in");
            for crd in acko_api::crds() {
                i.create(tx, &crd_rt, "", serde_json::to_value(crd)?, &opts, None)?;
            }
        }
        Ok(())
    })
}

impl SimHandle {
    pub(crate) fn new(state: Arc<SimState>, addr: SocketAddr, tasks: Vec<JoinHandle<()>>) -> Self {
        SimHandle { state, addr, tasks }
    }

    /// Address of the API server.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A new client for this simulator (default namespace "default").
    pub fn client(&self) -> anyhow::Result<kube::Client> {
        crate::install_crypto();
        let config = kube::Config::new(self.url().parse()?);
        Ok(kube::Client::try_from(config)?)
    }

    /// A kubeconfig pointing at this simulator.
    pub fn kubeconfig_yaml(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kube-sim\n  cluster:\n    server: {}\ncontexts:\n- name: kube-sim\n  context:\n    cluster: kube-sim\n    user: kube-sim\n    namespace: default\ncurrent-context: kube-sim\nusers:\n- name: kube-sim\n  user: {{}}\n",
            self.url()
        )
    }

    /// Add an API fault.
    pub fn fault(&self, f: ApiFault) {
        self.state.faults.add(f);
    }

    /// Remove every API fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Drop every open watch stream (clients see the stream end and must re-watch).
    pub fn drop_watches(&self) {
        self.state.watch_kill.send_modify(|n| *n += 1);
    }

    /// Keep only `n` events of watch history (older resourceVersions then get 410 Gone).
    pub fn set_watch_history(&self, n: usize) {
        self.state.store.set_history_limit(n);
    }

    /// Turn a Node Ready or NotReady (its pods follow: NotReady pods, no new pods scheduled).
    pub fn set_node_ready(&self, node: &str, ready: bool) -> Result<Value, ApiError> {
        self.mutate("v1", "Node", "", node, "status", |n| {
            let (s, reason) = if ready {
                ("True", "KubeletReady")
            } else {
                ("Unknown", "NodeStatusUnknown")
            };
            crate::controllers::set_condition(n, "Ready", s, reason, "set by the test");
        })
    }

    /// Make a pod never become Ready (its readiness probe keeps failing).
    pub fn pod_never_ready(&self, ns: &str, pod: &str, never: bool) {
        let key = (ns.to_string(), pod.to_string());
        let mut set = self.state.faults.never_ready.lock();
        if never {
            set.insert(key);
        } else {
            set.remove(&key);
        }
        drop(set);
        self.poke();
    }

    /// Make a LoadBalancer Service never get an address (`("*", "*")` = every Service).
    pub fn lb_never(&self, ns: &str, svc: &str, never: bool) {
        let key = (ns.to_string(), svc.to_string());
        let mut set = self.state.faults.lb_never.lock();
        if never {
            set.insert(key);
        } else {
            set.remove(&key);
        }
    }

    /// Restart a pod's containers as the kubelet would after a crash (`restartCount` + 1).
    pub fn restart_containers(&self, ns: &str, pod: &str) -> Result<Value, ApiError> {
        let r = self.mutate("v1", "Pod", ns, pod, "status", |p| {
            for c in p["status"]["containerStatuses"].as_array_mut().into_iter().flatten() {
                let n = c["restartCount"].as_i64().unwrap_or(0);
                c["restartCount"] = json!(n + 1);
                c["lastState"] = json!({"terminated": {"exitCode": 137, "reason": "Error", "finishedAt": crate::store::now()}});
            }
        })?;
        crate::logs::append(&self.state, ns, pod, "kube-sim: containers restarted");
        Ok(r)
    }

    /// Events recorded in a namespace (reason, message), oldest first.
    pub fn events(&self, ns: &str) -> Vec<(String, String)> {
        let Some(rt) = self.state.store.find_kind("v1", "Event") else {
            return Vec::new();
        };
        let mut evs = self
            .state
            .store
            .with(|i| i.list(&rt, Some(ns), &Default::default(), &Default::default()));
        evs.sort_by_key(|e| {
            e["metadata"]["resourceVersion"]
                .as_str()
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0)
        });
        evs.iter()
            .map(|e| {
                (
                    e["reason"].as_str().unwrap_or_default().to_string(),
                    e["message"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Seed list `ip:port,...` of the live fake Aerospike nodes of an AerospikeCluster.
    pub async fn aerospike_hosts(&self, ns: &str, cluster: &str) -> Option<String> {
        self.state
            .runtime
            .aerospike
            .hosts(&(ns.to_string(), cluster.to_string()))
            .await
    }

    /// The (config hash, final aerospike.conf) a pod's fake node runs with.
    pub fn aerospike_conf(&self, ns: &str, pod: &str) -> Option<(String, String)> {
        self.state.runtime.aerospike.rendered(ns, pod)
    }

    /// Warm restart of a pod's fake node (what writing the pod contract's `restart-request`
    /// does): re-render from the current rack ConfigMap and restart. Returns the applied hash.
    pub async fn warm_restart(&self, ns: &str, pod: &str) -> Result<String, String> {
        crate::aerospike::warm_restart(&self.state, ns, pod).await
    }

    /// Run `f` on the fake cluster of an AerospikeCluster (None when it has no running node).
    pub async fn with_fake<R>(
        &self,
        ns: &str,
        cluster: &str,
        f: impl FnOnce(&aerospike_fake::FakeCluster) -> R,
    ) -> Option<R> {
        self.state
            .runtime
            .aerospike
            .with_fake(&(ns.to_string(), cluster.to_string()), f)
            .await
    }

    /// Disk full on the fake cluster: writes answer result code 8 (out of space) until cleared.
    pub async fn aerospike_disk_full(&self, ns: &str, cluster: &str, full: bool) -> bool {
        self.with_fake(ns, cluster, |f| {
            if full {
                f.fail_msg(aerospike_fake::MsgKind::Write, 8, None);
            } else {
                f.clear_failures();
            }
        })
        .await
        .is_some()
    }

    /// Migrations that take `duration`: partitions stay pending until it has passed.
    pub async fn aerospike_migrations_for(
        &self,
        ns: &str,
        cluster: &str,
        duration: Duration,
    ) -> bool {
        let key = (ns.to_string(), cluster.to_string());
        let started = self
            .state
            .runtime
            .aerospike
            .with_fake(&key, |f| f.start_migrations(4096, 0))
            .await
            .is_some();
        if started {
            let st = self.state.clone();
            tokio::spawn(async move {
                tokio::time::sleep(duration).await;
                st.runtime
                    .aerospike
                    .with_fake(&key, |f| f.start_migrations(0, 0))
                    .await;
            });
        }
        started
    }

    /// Wake the controllers (after changing a fault that is not an object).
    pub fn poke(&self) {
        let rt = self
            .state
            .store
            .find_kind("v1", "Namespace")
            .expect("built in");
        let _ = self.state.store.with_mut(|i, tx| {
            i.mutate(tx, &rt, "", "kube-system", "", "kube-sim", |n| {
                let c = n["metadata"]["annotations"]["kube-sim.dev/poke"]
                    .as_str()
                    .and_then(|s| s.parse::<u64>().ok())
                    .unwrap_or(0);
                n["metadata"]["annotations"]["kube-sim.dev/poke"] = json!((c + 1).to_string());
            })
        });
    }

    /// Current object as JSON (None when absent).
    pub fn get_json(&self, api_version: &str, kind: &str, ns: &str, name: &str) -> Option<Value> {
        let rt = self.state.store.find_kind(api_version, kind)?;
        self.state.store.with(|i| i.try_get(&rt, ns, name))
    }

    /// Wait until `pred` holds for the object (None = absent), bounded by `timeout`.
    pub async fn wait_json(
        &self,
        api_version: &str,
        kind: &str,
        ns: &str,
        name: &str,
        timeout: Duration,
        pred: impl Fn(Option<&Value>) -> bool,
    ) -> Result<Option<Value>, WaitError> {
        let rt = self
            .state
            .store
            .find_kind(api_version, kind)
            .ok_or_else(|| WaitError::UnknownKind(format!("{api_version} {kind}")))?;
        let mut rx = self.state.store.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let cur = self.state.store.with(|i| i.try_get(&rt, ns, name));
            if pred(cur.as_ref()) {
                return Ok(cur);
            }
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(_)) | Err(_) => {
                    return Err(WaitError::Timeout {
                        what: format!("{kind} {ns}/{name}"),
                        timeout,
                        last: cur.unwrap_or(Value::Null),
                    });
                }
            }
        }
    }

    /// Typed [`Self::wait_json`] for any k8s-openapi or kube-derived type.
    pub async fn wait_for<K>(
        &self,
        ns: &str,
        name: &str,
        timeout: Duration,
        pred: impl Fn(Option<&K>) -> bool,
    ) -> Result<Option<K>, WaitError>
    where
        K: kube::Resource<DynamicType = ()> + DeserializeOwned,
    {
        let av = K::api_version(&());
        let kind = K::kind(&());
        let got = self
            .wait_json(&av, &kind, ns, name, timeout, |v| {
                let typed: Option<K> = v.and_then(|v| serde_json::from_value(v.clone()).ok());
                pred(typed.as_ref())
            })
            .await?;
        Ok(got.and_then(|v| serde_json::from_value(v).ok()))
    }

    /// Wait until `pred` holds for the whole store (e.g. counting pods), bounded by `timeout`.
    pub async fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&crate::store::Inner) -> bool,
    ) -> Result<(), WaitError> {
        let mut rx = self.state.store.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if self.state.store.with(&pred) {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(_)) | Err(_) => {
                    return Err(WaitError::Timeout {
                        what: what.into(),
                        timeout,
                        last: Value::Null,
                    });
                }
            }
        }
    }

    /// Number of warm restarts the simulated supervisor has handled for `restart-request`
    /// files written through `pods/exec`.
    pub fn supervisor_runs(&self) -> u64 {
        self.state
            .runtime
            .supervisor_runs
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Wait (bounded) until the supervisor has handled more than `seen` restart requests.
    pub async fn wait_supervisor(&self, seen: u64, timeout: Duration) -> Result<(), WaitError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.state.runtime.supervisor_done.notified();
            if self.supervisor_runs() > seen {
                return Ok(());
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(WaitError::Timeout {
                    what: "a warm restart by the supervisor".into(),
                    timeout,
                    last: Value::Null,
                });
            }
        }
    }

    /// Write an object directly (as a controller would), bypassing API faults.
    pub fn mutate(
        &self,
        api_version: &str,
        kind: &str,
        ns: &str,
        name: &str,
        sub: &str,
        change: impl FnOnce(&mut Value),
    ) -> Result<Value, ApiError> {
        let rt = self
            .state
            .store
            .find_kind(api_version, kind)
            .ok_or_else(|| ApiError::bad_request(format!("unknown kind {api_version} {kind}")))?;
        self.state
            .store
            .with_mut(|i, tx| i.mutate(tx, &rt, ns, name, sub, "kube-sim", change))
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        self.state.runtime.stop_all();
    }
}
