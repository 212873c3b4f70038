//! A model of Aerospike for scenario tests, answering the operator's info probes from the
//! simulator's pods: the running, containers-ready pods form one cluster; every membership
//! change (and every warm restart) starts a migration lasting a few probe rounds, so the safety
//! checker knows exactly when partitions migrate (kube-sim's aerospike-fake nodes answer the
//! real probes too; `tests/real_cluster.rs` uses them through `KubeAgent`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use acko_operator::observed::NodeFacts;
use acko_operator::shell::agent::{PodAgent, WarmFiles};
use asinfo::cluster::{NodeObservation, NodeState};
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};

#[derive(Default)]
struct State {
    members: BTreeSet<String>,
    key: u64,
    migrating_probes: u32,
    applied: BTreeMap<String, String>,
    /// Warm restart requests seen: (pod, hash).
    requests: Vec<(String, String)>,
    /// Runtime config values set with `set-config`, per pod.
    config: BTreeMap<String, BTreeMap<String, String>>,
    /// `(pod, key)`: that node refuses to set that key.
    refuse: Option<(String, String)>,
}

pub struct ModelAgent {
    client: Client,
    state: Mutex<State>,
}

fn up(p: &Pod) -> bool {
    let s = p.status.as_ref();
    p.metadata.deletion_timestamp.is_none()
        && s.and_then(|s| s.phase.as_deref()) == Some("Running")
        && s.and_then(|s| s.conditions.as_ref()).is_some_and(|c| {
            c.iter()
                .any(|c| c.type_ == "ContainersReady" && c.status == "True")
        })
}

impl ModelAgent {
    pub fn new(client: Client) -> Self {
        ModelAgent {
            client,
            state: Mutex::new(State {
                key: 0xA000,
                ..State::default()
            }),
        }
    }

    /// True while the modelled cluster migrates.
    pub fn migrating(&self) -> bool {
        self.state.lock().unwrap().migrating_probes > 0
    }

    /// Makes `pod` refuse `set-config` of `key` (like a node whose build rejects a value).
    pub fn refuse_set_config(&self, pod: &str, key: &str) {
        self.state.lock().unwrap().refuse = Some((pod.to_owned(), key.to_owned()));
    }

    /// The runtime value of `key` on `pod`, as `get-config` would report it.
    pub fn config_value(&self, pod: &str, key: &str) -> Option<String> {
        self.state
            .lock()
            .unwrap()
            .config
            .get(pod)
            .and_then(|c| c.get(key))
            .cloned()
    }

    async fn pod_at(&self, addr: &str) -> Option<String> {
        let api: Api<Pod> = Api::namespaced(self.client.clone(), "default");
        let ip = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
        api.list(&ListParams::default())
            .await
            .ok()?
            .items
            .into_iter()
            .find(|p| p.status.as_ref().and_then(|s| s.pod_ip.as_deref()) == Some(ip))
            .map(|p| p.name_any())
    }

    pub fn warm_requests(&self) -> Vec<(String, String)> {
        self.state.lock().unwrap().requests.clone()
    }

    fn change(state: &mut State) {
        state.key += 1;
        state.migrating_probes = 2 * state.members.len().max(1) as u32;
    }
}

impl PodAgent for ModelAgent {
    fn probe(&self, addr: String, expected: usize) -> BoxFuture<'_, NodeFacts> {
        Box::pin(async move {
            let api: Api<Pod> = Api::namespaced(self.client.clone(), "default");
            let pods = api
                .list(&ListParams::default())
                .await
                .map(|l| l.items)
                .unwrap_or_default();
            let members: BTreeSet<String> = pods
                .iter()
                .filter(|p| up(p))
                .map(|p| p.name_any())
                .collect();
            let ip = addr
                .rsplit_once(':')
                .map_or(addr.as_str(), |(h, _)| h)
                .to_owned();
            let me = pods
                .iter()
                .find(|p| p.status.as_ref().and_then(|s| s.pod_ip.as_deref()) == Some(ip.as_str()))
                .map(|p| p.name_any());
            let mut st = self.state.lock().unwrap();
            if members != st.members {
                st.members = members;
                ModelAgent::change(&mut st);
            }
            let state = match me.filter(|m| st.members.contains(m)) {
                None => Err("connection refused".to_owned()),
                Some(name) => {
                    let migrating = st.migrating_probes > 0;
                    st.migrating_probes = st.migrating_probes.saturating_sub(1);
                    let size = st.members.len();
                    let key = format!("{:X}", st.key);
                    let stats = format!(
                        "cluster_size={size};cluster_key={key};cluster_integrity=true;\
                         migrate_allowed=true;migrate_partitions_remaining={}",
                        if migrating { 100 } else { 0 }
                    );
                    let stable = if migrating {
                        "ERROR:7:unstable cluster".to_owned()
                    } else if size != expected {
                        "ERROR:7:cluster not specified size".to_owned()
                    } else {
                        key.clone()
                    };
                    let id: u32 = name.bytes().map(u32::from).sum();
                    NodeState::from_replies(&format!("BB9{id:06X}"), &stats, &stable)
                        .map_err(|e| e.to_string())
                }
            };
            NodeFacts {
                observation: NodeObservation { addr, state },
                edition: Some("Aerospike Community Edition".to_owned()),
                access_endpoints: vec![format!("{ip}:3000")],
                build: Some("8.1.2.0".to_owned()),
            }
        })
    }

    fn read_warm_files<'a>(&'a self, pod: &'a Pod) -> BoxFuture<'a, Result<WarmFiles, String>> {
        Box::pin(async move {
            let st = self.state.lock().unwrap();
            Ok(WarmFiles {
                applied_hash: st.applied.get(&pod.name_any()).cloned(),
                last_error: None,
            })
        })
    }

    fn info<'a>(
        &'a self,
        addr: &'a str,
        command: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            let pod = self
                .pod_at(addr)
                .await
                .ok_or_else(|| format!("{addr}: connection refused"))?;
            let mut st = self.state.lock().unwrap();
            if command.starts_with("get-config") {
                let c = st.config.get(&pod).cloned().unwrap_or_default();
                return Ok(c
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(";"));
            }
            let Some((key, value)) = command
                .strip_prefix("set-config:")
                .and_then(|p| p.rsplit(';').next())
                .and_then(|kv| kv.split_once('='))
            else {
                return Ok("ERROR:4:invalid command".to_owned());
            };
            if st.refuse.as_ref() == Some(&(pod.clone(), key.to_owned())) {
                return Ok("ERROR:4:invalid set-config parameter".to_owned());
            }
            st.config
                .entry(pod)
                .or_default()
                .insert(key.to_owned(), value.to_owned());
            Ok("ok".to_owned())
        })
    }

    fn request_warm_restart<'a>(
        &'a self,
        pod: &'a Pod,
        hash: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let mut st = self.state.lock().unwrap();
            st.applied.insert(pod.name_any(), hash.to_owned());
            st.requests.push((pod.name_any(), hash.to_owned()));
            // asd restarts: the node leaves and rejoins, data migrates.
            ModelAgent::change(&mut st);
            Ok(())
        })
    }
}
