//! Executes a dynamic configuration update (`plan::Step::DynamicConfig`): node by node, each
//! change sent with `set-config` and read back with `get-config`; when any node refuses (or
//! reads back another value), every change already made — on earlier nodes and on this one —
//! is undone with the old value, newest first. Only a complete success annotates the pods with
//! the new config hash; the per-pod outcome goes into the pods' status
//! (`dynamicConfigStatus`, `dynamicConfigChanges` with the failing key and the server's message).

use std::collections::BTreeMap;

use acko_api::{AerospikeCluster, DynamicConfigChange, DynamicConfigStatus};
use k8s_openapi::api::core::v1::Pod;
use kube::ResourceExt;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;

use super::agent::{PodAgent, info_addr};
use super::events::Reason;
use super::execute::Done;
use super::{Context, Error};
use crate::plan::Step;
use crate::plan::dynamic_config::{DynChange, read_back, same_value};

/// What happened on one pod.
#[derive(Debug, Clone, PartialEq)]
pub struct PodOutcome {
    /// Applied, or Failed (refused here, or rolled back because another node refused).
    pub status: DynamicConfigStatus,
    /// Every change with its result (`Applied`, `Failed`, `RolledBack`, `RollbackFailed`,
    /// `NotAttempted`).
    pub changes: Vec<DynamicConfigChange>,
}

/// The outcome of a dynamic update.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// Per pod.
    pub pods: BTreeMap<String, PodOutcome>,
    /// `pod: path: message` of the refusal, when one happened.
    pub failure: Option<String>,
    /// Some undo was refused too: the nodes may disagree (phase ConfigDegraded).
    pub rollback_failed: bool,
}

fn change(c: &DynChange, result: &str, message: Option<String>) -> DynamicConfigChange {
    DynamicConfigChange {
        path: c.path.clone(),
        old_value: Some(c.old.clone()),
        new_value: Some(c.new.clone()),
        result: Some(result.to_owned()),
        message,
    }
}

async fn send(agent: &dyn PodAgent, addr: &str, c: &DynChange) -> Result<(), String> {
    let reply = agent.info(addr, &c.set).await?;
    if reply.trim() != "ok" {
        return Err(format!("{} answered {:?}", c.set, reply.trim()));
    }
    let back = agent.info(addr, &c.get).await?;
    match read_back(&back, &c.key) {
        Some(v) if same_value(v, &c.new) => Ok(()),
        Some(v) => Err(format!("{} reads back {v:?}, expected {:?}", c.key, c.new)),
        None => Err(format!("{} does not list {}", c.get, c.key)),
    }
}

async fn undo(agent: &dyn PodAgent, addr: &str, c: &DynChange) -> bool {
    matches!(agent.info(addr, &c.rollback).await, Ok(r) if r.trim() == "ok")
}

/// Applies `changes` to `pods` (`(name, info address)`) in order, rolling back on refusal.
pub async fn apply(
    agent: &dyn PodAgent,
    pods: &[(String, String)],
    changes: &[DynChange],
) -> Outcome {
    let mut out = Outcome::default();
    // (pod index, change index) applied so far, in order.
    let mut applied: Vec<(usize, usize)> = Vec::new();
    let mut refused: Option<(usize, usize, String)> = None;
    'pods: for (pi, (_, addr)) in pods.iter().enumerate() {
        for (ci, c) in changes.iter().enumerate() {
            match send(agent, addr, c).await {
                Ok(()) => applied.push((pi, ci)),
                Err(message) => {
                    refused = Some((pi, ci, message));
                    break 'pods;
                }
            }
        }
    }
    let Some((fp, fc, message)) = refused else {
        for (name, _) in pods {
            out.pods.insert(
                name.clone(),
                PodOutcome {
                    status: DynamicConfigStatus::Applied,
                    changes: changes.iter().map(|c| change(c, "Applied", None)).collect(),
                },
            );
        }
        return out;
    };
    out.failure = Some(format!("{}: {}: {message}", pods[fp].0, changes[fc].path));
    let mut results: BTreeMap<(usize, usize), (&str, Option<String>)> = BTreeMap::new();
    results.insert((fp, fc), ("Failed", Some(message)));
    // The refusing change may have been half-applied (set ok, read back wrong): undo it too.
    if agent
        .info(&pods[fp].1, &changes[fc].rollback)
        .await
        .is_err()
    {
        out.rollback_failed = true;
    }
    for &(pi, ci) in applied.iter().rev() {
        let ok = undo(agent, &pods[pi].1, &changes[ci]).await;
        out.rollback_failed |= !ok;
        results.insert(
            (pi, ci),
            if ok {
                ("RolledBack", None)
            } else {
                (
                    "RollbackFailed",
                    Some(format!("{} was refused", changes[ci].rollback)),
                )
            },
        );
    }
    for (pi, (name, _)) in pods.iter().enumerate() {
        let list: Vec<DynamicConfigChange> = changes
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let (r, m) = results
                    .get(&(pi, ci))
                    .cloned()
                    .unwrap_or(("NotAttempted", None));
                change(c, r, m)
            })
            .collect();
        out.pods.insert(
            name.clone(),
            PodOutcome {
                status: DynamicConfigStatus::Failed,
                changes: list,
            },
        );
    }
    out
}

/// Executes the step: applies, then (only on complete success) annotates the pods with the
/// new config hash. Returns the outcome (for the status) and the events.
pub async fn execute(
    ctx: &Context,
    cluster: &AerospikeCluster,
    step: &Step,
    raw_pods: &BTreeMap<String, Pod>,
) -> (Option<Outcome>, Result<Vec<Done>, Error>) {
    let Step::DynamicConfig {
        rack,
        hash,
        pods,
        changes,
    } = step
    else {
        return (None, Ok(Vec::new()));
    };
    let mut targets = Vec::new();
    for name in pods {
        match raw_pods.get(name).and_then(info_addr) {
            Some(addr) => targets.push((name.clone(), addr)),
            None => {
                return (
                    None,
                    Err(Error::Other {
                        what: format!("pod {name} has no address for set-config"),
                    }),
                );
            }
        }
    }
    let outcome = apply(ctx.agent.as_ref(), &targets, changes).await;
    let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
    if let Some(failure) = &outcome.failure {
        let mut done = vec![Done {
            reason: Reason::DynamicConfigFailed,
            note: format!("rack {rack}: {failure}; falling back to a rolling restart"),
            warning: true,
        }];
        done.push(Done {
            reason: Reason::DynamicConfigRolledBack,
            note: if outcome.rollback_failed {
                format!(
                    "rack {rack}: rolling back {} failed on some nodes",
                    paths.join(", ")
                )
            } else {
                format!(
                    "rack {rack}: {} rolled back on the nodes already changed",
                    paths.join(", ")
                )
            },
            warning: outcome.rollback_failed,
        });
        return (Some(outcome), Ok(done));
    }
    let api: Api<Pod> = Api::namespaced(
        ctx.client.clone(),
        cluster.namespace().as_deref().unwrap_or("default"),
    );
    for name in pods {
        ctx.metrics.write("patch");
        let patch = json!({"metadata": {"annotations": {
            acko_render::labels::ANNOTATION_CONFIG_HASH: hash,
        }}});
        if let Err(e) = api
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            return (
                Some(outcome),
                Err(Error::kube(
                    format!("annotating pod {name} with its new config hash"),
                    e,
                )),
            );
        }
    }
    let done = vec![Done {
        reason: Reason::DynamicConfigApplied,
        note: format!(
            "rack {rack}: {} applied without restart to {}",
            paths.join(", "),
            pods.join(", ")
        ),
        warning: false,
    }];
    (Some(outcome), Ok(done))
}

#[cfg(test)]
#[path = "dynamic_tests.rs"]
mod tests;
