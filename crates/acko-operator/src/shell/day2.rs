//! The shell side of day-2 features, kept out of the core reconcile: the circuit-breaker gate
//! and reset, template snapshot resolution and resync, the operation status, the ACL condition,
//! and their events. Decisions are in `plan::{breaker, templates, operations}`.

use acko_api::contract::operator::{ANNOTATION_RESET_CIRCUIT_BREAKER, ANNOTATION_RESYNC_TEMPLATE};
use acko_api::{
    AerospikeCluster, AerospikeClusterStatus, AerospikeClusterTemplate, OperationPhase,
};
use k8s_openapi::api::core::v1::ObjectReference;
use kube::api::{Api, Patch, PatchParams};
use kube::{ResourceExt, runtime::controller::Action};
use serde_json::json;

use super::events::{self, Reason};
use super::{Context, Error};
use crate::desired::{Desired, DesiredError};
use crate::observed::Observed;
use crate::plan::templates::{self, Resolution};
use crate::plan::{Plan, breaker, operations};
use crate::status::{ReconcileError, time};

/// Condition set when the spec asks for access control (CE has no security).
pub const CONDITION_ACL_UNSUPPORTED: &str = "ACLUnsupported";
/// Condition of the on-demand operation (False when it failed).
pub const CONDITION_OPERATION_SUCCEEDED: &str = "OperationSucceeded";

fn has_annotation(cluster: &AerospikeCluster, key: &str) -> bool {
    cluster.annotations().contains_key(key)
}

/// Removes an annotation the operator handled. `guard`: with the cluster's resourceVersion, so
/// a newer request made meanwhile is not lost (the 409 retries the reconcile); unguarded after
/// the status write, which changed the resourceVersion. Returns the cluster's new
/// resourceVersion (a status write later in the same reconcile must carry it).
async fn remove_annotation(
    ctx: &Context,
    cluster: &AerospikeCluster,
    key: &str,
    guard: bool,
) -> Result<Option<String>, Error> {
    let api: Api<AerospikeCluster> = Api::namespaced(
        ctx.client.clone(),
        cluster.namespace().as_deref().unwrap_or("default"),
    );
    ctx.metrics.write("patch");
    let mut patch = json!({"metadata": {"annotations": { key: null }}});
    if guard {
        patch["metadata"]["resourceVersion"] = json!(cluster.resource_version());
    }
    let updated = api
        .patch(
            &cluster.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .map_err(|e| Error::kube(format!("removing annotation {key}"), e))?;
    Ok(updated.metadata.resource_version)
}

/// What the breaker gate decided when the reconcile goes on.
pub struct Proceed {
    /// The reset annotation was handled and removed.
    pub reset: bool,
    /// The cluster's resourceVersion after removing the annotation (the status write of this
    /// reconcile must carry it, or it would be refused as stale and the reset lost).
    pub resource_version: Option<String>,
}

/// The breaker gate: `Ok(Err(action))` when the breaker is open (nothing else to do),
/// `Ok(Ok(proceed))` to reconcile.
pub async fn gate(
    ctx: &Context,
    cluster: &AerospikeCluster,
    reference: &ObjectReference,
    now: i64,
) -> Result<Result<Proceed, Action>, Error> {
    let reset_requested = has_annotation(cluster, ANNOTATION_RESET_CIRCUIT_BREAKER);
    match breaker::gate(
        cluster.status.as_ref(),
        reset_requested,
        now,
        ctx.breaker_threshold,
    ) {
        breaker::Gate::Open { until } => {
            let secs = u64::try_from(until - now).unwrap_or(1).max(1);
            Ok(Err(Action::requeue(std::time::Duration::from_secs(secs))))
        }
        breaker::Gate::Proceed { reset } => {
            let mut resource_version = cluster.metadata.resource_version.clone();
            if reset {
                resource_version =
                    remove_annotation(ctx, cluster, ANNOTATION_RESET_CIRCUIT_BREAKER, true).await?;
                let count = cluster
                    .status
                    .as_ref()
                    .and_then(|s| s.failed_reconcile_count)
                    .unwrap_or(0);
                ctx.failures
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .remove(&super::key(cluster));
                events::publish(
                    &ctx.recorder,
                    reference,
                    Reason::CircuitBreakerReset,
                    &format!("circuit breaker reset by {ANNOTATION_RESET_CIRCUIT_BREAKER} (after {count} failures); reconciling now"),
                    false,
                )
                .await;
            }
            Ok(Ok(Proceed {
                reset,
                resource_version,
            }))
        }
    }
}

/// Resolves the cluster's template through its snapshot (see `plan::templates`). The error is
/// left to `desired` (which reports a missing template as `DesiredError::Template`).
pub async fn resolve_template(
    ctx: &Context,
    cluster: &AerospikeCluster,
    now: i64,
) -> (Vec<AerospikeClusterTemplate>, Option<Resolution>) {
    let Some(reference) = &cluster.spec.template_ref else {
        return (Vec::new(), None);
    };
    let api: Api<AerospikeClusterTemplate> = Api::all(ctx.client.clone());
    let live = api.get_opt(&reference.name).await.ok().flatten();
    let previous = cluster
        .status
        .as_ref()
        .and_then(|s| s.template_snapshot.as_ref());
    let resync = has_annotation(cluster, ANNOTATION_RESYNC_TEMPLATE);
    match templates::resolve(Some(&reference.name), live.as_ref(), previous, resync, now) {
        Ok(r) => (r.template.clone().into_iter().collect(), Some(r)),
        Err(_) => (Vec::new(), None),
    }
}

/// Day-2 fields of the status computed by `status::compute`.
#[allow(clippy::too_many_arguments)]
pub fn finish_status(
    status: &mut AerospikeClusterStatus,
    observed: &Observed,
    desired: Result<&Desired, &DesiredError>,
    plan: &Plan,
    error: Option<&ReconcileError>,
    resolution: Option<&Resolution>,
    threshold: i32,
) {
    let previous = observed.status.as_ref();
    let now = observed.now;
    status.template_snapshot = match resolution {
        Some(r) => r.snapshot.clone(),
        // The template is unavailable: keep reporting the last snapshot.
        None => previous.and_then(|s| s.template_snapshot.clone()),
    };
    status.operation_status = desired
        .ok()
        .and_then(|d| operations::status_after(observed, d, plan, error.is_some()));
    breaker::record(status, previous, error.is_some(), now, threshold);
    let conds = status.conditions.get_or_insert_with(Vec::new);
    let mut push = |type_: &str, ok: bool, reason: &str, message: String| {
        let prev = previous
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == type_));
        let value = if ok { "True" } else { "False" };
        conds.push(k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition {
            type_: type_.to_owned(),
            status: value.to_owned(),
            reason: reason.to_owned(),
            message,
            observed_generation: observed.generation,
            last_transition_time: match prev {
                Some(p) if p.status == value => p.last_transition_time.clone(),
                _ => time(now),
            },
        });
    };
    if let Err(DesiredError::Invalid(problems)) = desired
        && problems.errors().any(|p| {
            p.path.ends_with(".aerospikeAccessControl") || p.path == "spec.aerospikeAccessControl"
        })
    {
        push(
            CONDITION_ACL_UNSUPPORTED,
            true,
            "CommunityEdition",
            "spec.aerospikeAccessControl is set, but Aerospike Community Edition has no security \
             (no users, roles or ACLs): nothing is changed until it is removed"
                .to_owned(),
        );
    }
    if let Some(op) = &status.operation_status {
        match op.phase {
            OperationPhase::Failed => push(
                CONDITION_OPERATION_SUCCEEDED,
                false,
                "OperationFailed",
                format!(
                    "operation {}: {}",
                    op.id,
                    op.message.clone().unwrap_or_else(|| "failed".to_owned())
                ),
            ),
            OperationPhase::Completed => push(
                CONDITION_OPERATION_SUCCEEDED,
                true,
                "OperationCompleted",
                format!("operation {} completed", op.id),
            ),
            _ => {}
        }
    }
    conds.sort_by(|a, b| a.type_.cmp(&b.type_));
}

/// Per-pod dynamic configuration status: the outcome of this reconcile's update, if any; a
/// `Failed` status is dropped once the pod runs another config hash (it was restarted), so a
/// later change may go dynamic again.
pub fn dynamic_status(
    status: &mut AerospikeClusterStatus,
    observed: &Observed,
    plan: &Plan,
    outcome: Option<&super::dynamic::Outcome>,
) {
    let previous = observed.status.as_ref().and_then(|s| s.pods.as_ref());
    let Some(pods) = status.pods.as_mut() else {
        return;
    };
    for (name, p) in pods.iter_mut() {
        let prev = previous.and_then(|m| m.get(name));
        if p.dynamic_config_status == Some(acko_api::DynamicConfigStatus::Failed)
            && prev.is_some_and(|prev| prev.config_hash != p.config_hash)
        {
            p.dynamic_config_status = None;
            p.dynamic_config_changes = None;
        }
    }
    if let Some(outcome) = outcome {
        for (name, o) in &outcome.pods {
            if let Some(p) = pods.get_mut(name) {
                p.dynamic_config_status = Some(o.status);
                p.dynamic_config_changes = Some(o.changes.clone());
            }
        }
        if outcome.rollback_failed {
            status.phase = Some(acko_api::ClusterPhase::ConfigDegraded);
            status.phase_reason = Some(format!(
                "a dynamic change was refused ({}) and rolling it back failed on some nodes:                  they may run different values until the rolling restart that follows",
                outcome.failure.clone().unwrap_or_default()
            ));
        }
    } else if let crate::plan::Step::DynamicConfig { pods: targets, .. } = &plan.step {
        // The update did not run (no address): the pods are still pending.
        for name in targets {
            if let Some(p) = pods.get_mut(name) {
                p.dynamic_config_status = Some(acko_api::DynamicConfigStatus::Pending);
            }
        }
    }
}

/// Events (on status transitions) and annotation clean-up, after the status was written (or
/// was already current).
pub async fn after_status(
    ctx: &Context,
    cluster: &AerospikeCluster,
    reference: &ObjectReference,
    old: Option<&AerospikeClusterStatus>,
    new: &AerospikeClusterStatus,
    resolution: Option<&Resolution>,
) -> Result<(), Error> {
    if let Some(r) = resolution {
        if r.drifted {
            let name = &r
                .snapshot
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            events::publish(&ctx.recorder, reference, Reason::TemplateDrifted,
                &format!("template {name} changed after the snapshot; the cluster keeps the snapshot until {ANNOTATION_RESYNC_TEMPLATE} is set"), false).await;
        }
        if r.resynced {
            let rv = r
                .snapshot
                .as_ref()
                .and_then(|s| s.resource_version.clone())
                .unwrap_or_default();
            events::publish(
                &ctx.recorder,
                reference,
                Reason::TemplateResynced,
                &format!("took the template's current version (resourceVersion {rv})"),
                false,
            )
            .await;
        }
    }
    if resolution.is_some() && has_annotation(cluster, ANNOTATION_RESYNC_TEMPLATE) {
        remove_annotation(ctx, cluster, ANNOTATION_RESYNC_TEMPLATE, false).await?;
    }
    let old_op = old.and_then(|s| s.operation_status.as_ref());
    if let Some(op) = &new.operation_status {
        let changed = old_op.is_none_or(|o| o.id != op.id || o.phase != op.phase);
        if changed {
            let (reason, warning) = match op.phase {
                OperationPhase::Pending | OperationPhase::InProgress => {
                    (Reason::OperationStarted, false)
                }
                OperationPhase::Completed => (Reason::OperationCompleted, false),
                OperationPhase::Failed => (Reason::OperationFailed, true),
            };
            let started_before = old_op.is_some_and(|o| o.id == op.id);
            if !(reason == Reason::OperationStarted && started_before) {
                let note = format!(
                    "operation {} ({:?}): {:?}{}",
                    op.id,
                    op.kind,
                    op.phase,
                    op.message
                        .as_ref()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                );
                events::publish(&ctx.recorder, reference, reason, &note, warning).await;
            }
        }
    }
    let opened = |s: Option<&AerospikeClusterStatus>| s.is_some_and(|s| s.backoff_until.is_some());
    if opened(Some(new)) && !opened(old) {
        events::publish(
            &ctx.recorder,
            reference,
            Reason::CircuitBreakerOpen,
            new.phase_reason
                .as_deref()
                .unwrap_or("circuit breaker open"),
            true,
        )
        .await;
    }
    let acl = |s: Option<&AerospikeClusterStatus>| {
        s.and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.type_ == CONDITION_ACL_UNSUPPORTED))
    };
    if acl(Some(new)) && !acl(old) {
        events::publish(
            &ctx.recorder,
            reference,
            Reason::AclUnsupported,
            "spec.aerospikeAccessControl is set; Aerospike CE has no security, nothing is changed",
            true,
        )
        .await;
    }
    Ok(())
}

/// Records a failure that happened before a plan existed (best effort: the status write may
/// fail for the same reason).
pub async fn record_failure(ctx: &Context, cluster: &AerospikeCluster, message: &str, now: i64) {
    let previous = cluster.status.as_ref();
    let status = breaker::failure_only(previous, message, now, ctx.breaker_threshold);
    let api: Api<AerospikeCluster> = Api::namespaced(
        ctx.client.clone(),
        cluster.namespace().as_deref().unwrap_or("default"),
    );
    ctx.metrics.write("patch-status");
    if let Err(e) = api
        .patch_status(
            &cluster.name_any(),
            &PatchParams::default(),
            &Patch::Merge(super::status_patch(&status, previous)),
        )
        .await
    {
        tracing::debug!(error = %e, "failure status not written");
    }
}
