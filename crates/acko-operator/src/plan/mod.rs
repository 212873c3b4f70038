//! The sans-IO planner: `plan(observed, desired) -> Plan`, the next safe step and why.
//!
//! Order of concerns (the first that has work wins; each step is small and the shell runs the
//! reconcile again after executing it):
//! 1. deletion (finalizer), finalizer added, invalid spec (phase Error, no writes), pause;
//! 2. objects whose desired hash differs ([`objects`]): applied, StatefulSet replicas kept;
//! 3. readiness gates ([`gate`]);
//! 4. scale up, warm-restart follow-up, scale down ([`scale`], [`roll`]);
//! 5. rolling restart ([`roll`]);
//! 6. PVCs of scaled-away pods (cascadeDelete), pruning of objects no longer desired;
//! 7. done (Completed) or waiting for pods to become Ready.

pub mod blocklist;
pub mod breaker;
pub mod dynamic_config;
pub mod gate;
pub mod monitoring;
pub mod objects;
pub mod operations;
pub mod roll;
pub mod safety;
pub mod scale;
pub mod templates;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_roll;

use acko_api::{ClusterPhase, RestartReason};
use serde_json::Value;

use crate::desired::{Desired, DesiredError};
use crate::observed::{ObjectKey, Observed};

/// Seconds a warm restart may take before the operator falls back to deleting the pod
/// (the supervisor waits up to 300 s for the ConfigMap, then stops asd within 120 s).
pub const WARM_RESTART_TIMEOUT_SECS: i64 = 450;

/// How a pod is restarted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RestartKind {
    /// Write `restart-request` with this config hash through exec (the pod contract).
    Warm {
        /// The config hash the pod must end up with.
        hash: String,
    },
    /// Delete the pod; the StatefulSet recreates it from the current template.
    Cold,
}

/// One pod restart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRestart {
    /// Pod name.
    pub pod: String,
    /// How.
    pub kind: RestartKind,
    /// Why (recorded in the pod status).
    pub reason: RestartReason,
}

/// The next action.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Add the `acko.io/finalizer` finalizer.
    AddFinalizer,
    /// The cluster is being deleted: delete these objects (cluster-scoped ones and, with
    /// cascadeDelete, the PVCs), then remove the finalizer.
    Finalize {
        /// Cluster-scoped objects created for the cluster.
        objects: Vec<ObjectKey>,
        /// PVC names.
        claims: Vec<String>,
    },
    /// Server-side apply these objects (field manager `acko`).
    Apply {
        /// Full objects.
        objects: Vec<Value>,
    },
    /// Change the replicas of one rack's StatefulSet (the object is applied as a whole).
    ScaleRack {
        /// Rack id.
        rack: i32,
        /// Current replicas.
        from: u32,
        /// New replicas.
        to: u32,
        /// The StatefulSet to apply; `None` for a removed rack (patch `spec.replicas` only).
        object: Option<Value>,
    },
    /// Set the `acko.io/aerospike-ready` pod condition.
    SetReadiness {
        /// `(pod, ready)`.
        pods: Vec<(String, bool)>,
    },
    /// Restart pods.
    Restart {
        /// The batch.
        pods: Vec<PodRestart>,
    },
    /// A warm restart was confirmed (`applied-config-hash` matches): annotate the pod with
    /// the config hash it now runs and clear the request.
    ConfirmWarmRestart {
        /// Pod.
        pod: String,
        /// Confirmed hash.
        hash: String,
    },
    /// Apply dynamic configuration changes to these pods of one rack without restarting them
    /// (`set-config` node by node, verified with `get-config`, rolled back on refusal), then
    /// annotate them with the rack's config hash.
    DynamicConfig {
        /// Rack id.
        rack: i32,
        /// The rack's new config hash.
        hash: String,
        /// Pods to update.
        pods: Vec<String>,
        /// The changes.
        changes: Vec<dynamic_config::DynChange>,
    },
    /// Delete PVCs of pods that no longer exist (cascadeDelete).
    DeleteClaims {
        /// PVC names.
        claims: Vec<String>,
    },
    /// Delete objects that are no longer desired.
    Prune {
        /// Objects.
        objects: Vec<ObjectKey>,
    },
    /// Nothing to write now; look again soon.
    Wait,
    /// The spec is invalid or cannot be rendered: nothing is changed.
    Invalid,
    /// `spec.paused`: nothing is changed.
    Paused,
    /// The desired state is reached.
    Done,
}

impl Step {
    /// True when executing the step writes something other than status.
    pub fn writes(&self) -> bool {
        !matches!(self, Step::Wait | Step::Invalid | Step::Paused | Step::Done)
    }
}

/// A step, the phase it puts the cluster in, and the reason for humans.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// What to do.
    pub step: Step,
    /// Phase to report.
    pub phase: ClusterPhase,
    /// Why (becomes `phaseReason`).
    pub reason: String,
}

impl Plan {
    pub(crate) fn new(step: Step, phase: ClusterPhase, reason: impl Into<String>) -> Plan {
        Plan {
            step,
            phase,
            reason: reason.into(),
        }
    }
}

/// Plans the next step for a cluster.
pub fn plan(observed: &Observed, desired: Result<&Desired, &DesiredError>) -> Plan {
    if observed.deleting {
        return finalize(observed, desired.ok());
    }
    if !observed.has_finalizer {
        return Plan::new(
            Step::AddFinalizer,
            ClusterPhase::InProgress,
            "adding finalizer acko.io/finalizer",
        );
    }
    let desired = match desired {
        Ok(d) => d,
        Err(e) => return Plan::new(Step::Invalid, ClusterPhase::Error, e.message()),
    };
    if desired.knobs.paused {
        return Plan::new(
            Step::Paused,
            ClusterPhase::Paused,
            "spec.paused is true: no changes are made until it is false",
        );
    }
    if let Some(p) = objects::apply_changed(observed, desired) {
        return p;
    }
    if let Some(p) = gate::readiness(observed, desired) {
        return p;
    }
    if let Some(p) = scale::scale_up(observed, desired) {
        return p;
    }
    if let Some(p) = roll::warm_follow_up(observed, desired) {
        return p;
    }
    if let Some(p) = scale::scale_down(observed, desired) {
        return p;
    }
    if let Some(p) = blocklist::evict(observed, desired) {
        return p;
    }
    if let Some(p) = dynamic_config::plan_dynamic(observed, desired) {
        return p;
    }
    if let Some(p) = roll::rolling_restart(observed, desired) {
        return p;
    }
    if let Some(p) = day2(observed, desired) {
        return p;
    }
    if let Some(p) = scale::delete_claims(observed, desired) {
        return p;
    }
    if let Some(p) = objects::prune(observed, desired) {
        return p;
    }
    done(observed, desired)
}

/// Day-2 work once the cluster runs its desired spec: dynamic configuration is decided inside
/// the rolling restart's place (see [`dynamic_config`]); on-demand operations come here.
fn day2(observed: &Observed, desired: &Desired) -> Option<Plan> {
    operations::next(observed, desired)
}

fn done(observed: &Observed, desired: &Desired) -> Plan {
    let expected = desired.knobs.size as usize;
    let live: Vec<&str> = observed
        .pods
        .values()
        .filter(|p| p.ready && !p.terminating)
        .map(|p| p.name.as_str())
        .collect();
    if live.len() < expected || observed.pods.len() != expected {
        let waiting: Vec<&str> = observed
            .pods
            .values()
            .filter(|p| !p.ready || p.terminating)
            .map(|p| p.name.as_str())
            .collect();
        let reason = if waiting.is_empty() {
            format!("waiting for {expected} pods (have {})", observed.pods.len())
        } else {
            format!("waiting for pods to become Ready: {}", waiting.join(", "))
        };
        return Plan::new(Step::Wait, ClusterPhase::InProgress, reason);
    }
    if let Err(why) = safety::settled(observed) {
        return Plan::new(
            Step::Wait,
            ClusterPhase::InProgress,
            format!("waiting for the Aerospike cluster to form: {why}"),
        );
    }
    Plan::new(
        Step::Done,
        ClusterPhase::Completed,
        format!("{expected} of {expected} pods ready, configuration applied"),
    )
}

fn finalize(observed: &Observed, desired: Option<&Desired>) -> Plan {
    if !observed.has_finalizer {
        return Plan::new(
            Step::Wait,
            ClusterPhase::Deleting,
            "deleting (finalizer already removed)",
        );
    }
    let claims: Vec<String> = match desired {
        Some(d) => observed
            .claims
            .iter()
            .filter(|c| scale::claim_volume(&c.name, &observed.name, &d.knobs).is_some())
            .map(|c| c.name.clone())
            .collect(),
        None => Vec::new(),
    };
    // Cluster-scoped objects cannot be garbage-collected through an owner reference. With
    // claims to delete, the StatefulSets go first so that nothing recreates the claims.
    let objects: Vec<ObjectKey> = observed
        .objects
        .values()
        .filter(|o| {
            o.owned
                && (o.key.namespace.is_none()
                    || (!claims.is_empty() && o.key.kind == "StatefulSet"))
        })
        .map(|o| o.key.clone())
        .collect();
    let reason = if claims.is_empty() {
        "deleting: owned objects are garbage-collected, PVCs are kept (no cascadeDelete)".to_owned()
    } else {
        format!(
            "deleting: removing {} PVCs (cascadeDelete) and the finalizer",
            claims.len()
        )
    };
    Plan::new(
        Step::Finalize { objects, claims },
        ClusterPhase::Deleting,
        reason,
    )
}
