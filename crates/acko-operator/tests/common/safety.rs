//! The safety checker run after every reconcile step of a scenario:
//! * never more than RF-1 cluster members down (members = pods that were Ready once and that
//!   their StatefulSet still wants);
//! * never two racks with a member down at once;
//! * never a pod deleted, and never a StatefulSet shrunk, while partitions migrate;
//! * never more than RF-1 pods removed by one scale-down step, never two racks shrunk at once.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::{Client, ResourceExt};

#[derive(Debug, Default)]
pub struct Checker {
    pub rf: usize,
    ever_ready: BTreeSet<String>,
    replicas: BTreeMap<String, i32>,
    log_seen: usize,
    pub violations: Vec<String>,
    pub max_down: usize,
    pub pod_deletions: Vec<String>,
    /// Namespace watched (`default` on kube-sim).
    pub namespace: String,
}

fn ready(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_none()
        && p.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

impl Checker {
    pub fn new(rf: usize) -> Self {
        Checker::in_namespace(rf, "default")
    }

    /// A checker of the pods and StatefulSets of `namespace`.
    pub fn in_namespace(rf: usize, namespace: &str) -> Self {
        Checker {
            rf,
            namespace: namespace.to_owned(),
            ..Checker::default()
        }
    }

    /// Checks the world after a step. `migrating_before`: the cluster migrated when the step
    /// started; `log`: every write call so far.
    pub async fn step(&mut self, client: &Client, migrating_before: bool, log: &[String]) {
        let pods: Vec<Pod> = Api::<Pod>::namespaced(client.clone(), &self.namespace)
            .list(&ListParams::default())
            .await
            .map(|l| l.items)
            .unwrap_or_default();
        let sets: Vec<StatefulSet> =
            Api::<StatefulSet>::namespaced(client.clone(), &self.namespace)
                .list(&ListParams::default())
                .await
                .map(|l| l.items)
                .unwrap_or_default();
        let by_name: BTreeMap<String, &Pod> = pods.iter().map(|p| (p.name_any(), p)).collect();
        let mut down = Vec::new();
        for s in &sets {
            let replicas = s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0);
            for ord in 0..replicas {
                let name = format!("{}-{ord}", s.name_any());
                if self.ever_ready.contains(&name) && !by_name.get(&name).is_some_and(|p| ready(p))
                {
                    down.push((s.name_any(), name));
                }
            }
            let prev = self.replicas.insert(s.name_any(), replicas);
            if let Some(prev) = prev.filter(|p| *p > replicas) {
                if (prev - replicas) as usize > self.rf.saturating_sub(1).max(1) {
                    self.violations.push(format!(
                        "{} shrank {prev} → {replicas} at once",
                        s.name_any()
                    ));
                }
                if migrating_before {
                    self.violations
                        .push(format!("{} shrank while partitions migrated", s.name_any()));
                }
            }
        }
        self.max_down = self.max_down.max(down.len());
        if down.len() > self.rf.saturating_sub(1) {
            self.violations.push(format!(
                "{} members down (RF {}): {down:?}",
                down.len(),
                self.rf
            ));
        }
        let racks: BTreeSet<&String> = down.iter().map(|(r, _)| r).collect();
        if racks.len() > 1 {
            self.violations
                .push(format!("two racks disrupted at once: {down:?}"));
        }
        for entry in &log[self.log_seen.min(log.len())..] {
            if entry.starts_with("DELETE") && entry.contains("/pods/") {
                self.pod_deletions.push(entry.clone());
                if migrating_before {
                    self.violations
                        .push(format!("{entry} while partitions migrated"));
                }
            }
        }
        self.log_seen = log.len();
        for p in &pods {
            if ready(p) {
                self.ever_ready.insert(p.name_any());
            }
        }
    }
}
