//! The thin IO shell: `reconcile` = observe → plan (pure) → execute → status (pure) → write
//! status only when it changed; the kube-runtime controller around it.

pub mod agent;
pub mod controller;
pub mod day2;
pub mod dynamic;
pub mod events;
pub mod execute;
pub mod http;
pub mod kinds;
pub mod leader;
pub mod metrics;
pub mod observe;
pub mod template_controller;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use acko_api::AerospikeCluster;
use acko_render::RenderOptions;
use kube::api::{Api, Patch, PatchParams};
use kube::runtime::controller::Action;
use kube::runtime::events::{Recorder, Reporter};
use kube::{Client, Resource, ResourceExt};
use serde_json::Value;

use self::agent::PodAgent;
use self::events::Reason;
use self::metrics::Metrics;
use crate::desired::{DesiredError, desired};
use crate::observed::OptionalKind;
use crate::plan::{Step, plan};
use crate::status::{ReconcileError, compute};

/// Finalizer of every cluster.
pub const FINALIZER: &str = "acko.io/finalizer";
/// Server-side apply field manager.
pub const FIELD_MANAGER: &str = "acko";

/// A reconcile failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A Kubernetes API call failed.
    #[error("{what}: {}", describe_kube_error(source))]
    Kube {
        /// What was being done.
        what: String,
        /// The error.
        #[source]
        source: Box<kube::Error>,
    },
    /// Anything else.
    #[error("{what}")]
    Other {
        /// Description.
        what: String,
    },
}

/// A Kubernetes error in one line for status, events and logs: an API refusal as
/// `<code> <reason>: <message>` (kube's own Display appends the whole Status in Debug form,
/// which ends up truncated in `lastReconcileError`).
pub fn describe_kube_error(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => {
            let reason = if s.reason.is_empty() {
                String::new()
            } else {
                format!(" {}", s.reason)
            };
            format!("{}{reason}: {}", s.code, s.message)
        }
        other => other.to_string(),
    }
}

impl Error {
    pub(crate) fn kube(what: impl Into<String>, source: kube::Error) -> Self {
        Error::Kube {
            what: what.into(),
            source: Box::new(source),
        }
    }
}

/// Shared state of the controller.
pub struct Context {
    /// API client.
    pub client: Client,
    /// Access to the pods (asinfo, exec).
    pub agent: Arc<dyn PodAgent>,
    /// Optional kinds whose CRDs are installed (discovered at start).
    pub available_kinds: BTreeSet<OptionalKind>,
    /// Render settings (init image, cluster domain).
    pub render_options: RenderOptions,
    /// Metrics.
    pub metrics: Metrics,
    /// Event recorder.
    pub recorder: Recorder,
    /// Consecutive failures per cluster (`namespace/name`), for the backoff.
    pub failures: Mutex<HashMap<String, u32>>,
    /// Requeue interval when waiting for something (jittered).
    pub wait_interval: Duration,
    /// Consecutive failed reconciles that open the circuit breaker.
    pub breaker_threshold: i32,
}

impl Context {
    /// A context with the given agent.
    pub fn new(
        client: Client,
        agent: Arc<dyn PodAgent>,
        available_kinds: BTreeSet<OptionalKind>,
        render_options: RenderOptions,
    ) -> Self {
        let recorder = Recorder::new(
            client.clone(),
            Reporter {
                controller: "acko-operator".to_owned(),
                instance: std::env::var("POD_NAME").ok(),
            },
        );
        Context {
            client,
            agent,
            available_kinds,
            render_options,
            metrics: Metrics::new(),
            recorder,
            failures: Mutex::new(HashMap::new()),
            wait_interval: Duration::from_secs(5),
            breaker_threshold: acko_api::contract::operator::BREAKER_THRESHOLD,
        }
    }
}

pub(crate) fn key(cluster: &AerospikeCluster) -> String {
    format!(
        "{}/{}",
        cluster.namespace().unwrap_or_default(),
        cluster.name_any()
    )
}

/// `base` ± 20 %, varying with the cluster and the clock (no RNG dependency needed).
pub fn jitter(base: Duration, salt: &str) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mix = salt.bytes().fold(u64::from(nanos), |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    let factor = 0.8 + (mix % 401) as f64 / 1000.0;
    base.mul_f64(factor)
}

/// Backoff after `failures` consecutive failures: 1 s doubling to 5 min, jittered.
pub fn backoff(failures: u32, salt: &str) -> Duration {
    let secs = 1u64 << failures.min(9);
    jitter(Duration::from_secs(secs.min(300)), salt)
}

/// Status as a JSON merge patch (RFC 7386): fields that disappeared, at any depth (a pod's
/// `unstableSince` once it is Ready, a pod that is gone, `operationStatus.inFlightPods`), are
/// sent as `null`; otherwise the stored status would keep them and every later reconcile would
/// see a difference and write.
pub(crate) fn status_patch(
    new: &acko_api::AerospikeClusterStatus,
    old: Option<&acko_api::AerospikeClusterStatus>,
) -> Value {
    let mut value = serde_json::to_value(new).unwrap_or(Value::Null);
    if let Some(old) = old.map(serde_json::to_value).and_then(Result::ok) {
        null_removed(&mut value, &old);
    }
    serde_json::json!({ "status": value })
}

/// Adds `null` for every key of `old` that `new` lacks, recursing into objects present in
/// both (arrays are replaced whole by a merge patch).
fn null_removed(new: &mut Value, old: &Value) {
    let (Value::Object(new), Value::Object(old)) = (new, old) else {
        return;
    };
    for (k, old_v) in old {
        match new.get_mut(k) {
            None => {
                new.insert(k.clone(), Value::Null);
            }
            Some(new_v) => null_removed(new_v, old_v),
        }
    }
}

/// One reconcile of one cluster.
pub async fn reconcile(cluster: Arc<AerospikeCluster>, ctx: Arc<Context>) -> Result<Action, Error> {
    let started = Instant::now();
    let name = key(&cluster);
    let span = tracing::info_span!("reconcile", cluster = %cluster.name_any(), namespace = %cluster.namespace().unwrap_or_default());
    let _enter = span.enter();
    let result = reconcile_inner(&cluster, &ctx).await;
    ctx.metrics
        .reconciled(result.is_ok(), started.elapsed().as_secs_f64());
    if result.is_ok() {
        ctx.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&name);
    }
    result
}

async fn reconcile_inner(cluster: &AerospikeCluster, ctx: &Context) -> Result<Action, Error> {
    let now = jiff::Timestamp::now().as_second();
    let reference = cluster.object_ref(&());
    let (reset, resource_version) = if cluster.meta().deletion_timestamp.is_none() {
        match day2::gate(ctx, cluster, &reference, now).await? {
            Ok(p) => (p.reset, p.resource_version),
            Err(open) => return Ok(open),
        }
    } else {
        (false, cluster.metadata.resource_version.clone())
    };
    let (templates, resolution) = day2::resolve_template(ctx, cluster, now).await;
    let desired = desired(cluster, &templates, &ctx.render_options);
    let (observed, raw_pods) = match observe::observe(ctx, cluster, now).await {
        Ok(o) => o,
        Err(e) => {
            day2::record_failure(ctx, cluster, &e.to_string(), now).await;
            return Err(e);
        }
    };
    let plan = plan(&observed, desired.as_ref());
    tracing::info!(phase = ?plan.phase, reason = %plan.reason, "planned");
    let mut dynamic_outcome = None;
    let executed = if let Step::DynamicConfig { .. } = &plan.step {
        let (outcome, result) = dynamic::execute(ctx, cluster, &plan.step, &raw_pods).await;
        dynamic_outcome = outcome;
        result
    } else if plan.step.writes() {
        execute::execute(ctx, cluster, &plan.step, &raw_pods, now).await
    } else {
        Ok(Vec::new())
    };
    let (done, error) = match executed {
        Ok(done) => (done, None),
        Err(e) => (
            Vec::new(),
            Some(ReconcileError {
                message: e.to_string(),
            }),
        ),
    };
    for d in &done {
        events::publish(&ctx.recorder, &reference, d.reason, &d.note, d.warning).await;
    }
    if matches!(plan.step, Step::Finalize { .. }) || observed.deleting {
        return match error {
            Some(e) => Err(Error::Other { what: e.message }),
            None => Ok(Action::requeue(jitter(ctx.wait_interval, &key(cluster)))),
        };
    }
    let mut status = compute(&observed, desired.as_ref(), &plan, error.as_ref());
    day2::finish_status(
        &mut status,
        &observed,
        desired.as_ref(),
        &plan,
        error.as_ref(),
        resolution.as_ref(),
        ctx.breaker_threshold,
    );
    day2::dynamic_status(&mut status, &observed, &plan, dynamic_outcome.as_ref());
    if reset {
        // The failures before the reset do not count.
        status.failed_reconcile_count = error.as_ref().map(|_| 1);
        status.backoff_until = None;
    }
    ctx.metrics
        .phase(&observed.namespace, &observed.name, status.phase);
    if observed.status.as_ref() != Some(&status) {
        status_events(
            ctx,
            &reference,
            observed.status.as_ref(),
            &status,
            desired.as_ref().err(),
        )
        .await;
        let api: Api<AerospikeCluster> = Api::namespaced(ctx.client.clone(), &observed.namespace);
        ctx.metrics.write("patch-status");
        // The patch is computed against the status this reconcile saw, so it carries that
        // resourceVersion: if the cached object was stale, the write is refused (409) and the
        // next reconcile, on fresh data, writes instead.
        let mut patch = status_patch(&status, observed.status.as_ref());
        if let Some(rv) = resource_version.as_deref() {
            patch["metadata"] = serde_json::json!({ "resourceVersion": rv });
        }
        match api
            .patch_status(
                &observed.name,
                &PatchParams::default(),
                &Patch::Merge(patch),
            )
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 409 && error.is_none() => {
                tracing::debug!("status write on a stale object refused; requeued");
                return Ok(Action::requeue(jitter(
                    Duration::from_millis(500),
                    &key(cluster),
                )));
            }
            Err(e) => return Err(Error::kube("writing status", e)),
        }
    }
    day2::after_status(
        ctx,
        cluster,
        &reference,
        observed.status.as_ref(),
        &status,
        resolution.as_ref(),
    )
    .await?;
    if let Some(e) = error {
        return Err(Error::Other { what: e.message });
    }
    let salt = key(cluster);
    Ok(match plan.step {
        Step::Done | Step::Invalid | Step::Paused => {
            Action::requeue(jitter(Duration::from_secs(300), &salt))
        }
        Step::Wait => Action::requeue(jitter(ctx.wait_interval, &salt)),
        _ => Action::requeue(jitter(Duration::from_secs(1), &salt)),
    })
}

async fn status_events(
    ctx: &Context,
    reference: &k8s_openapi::api::core::v1::ObjectReference,
    old: Option<&acko_api::AerospikeClusterStatus>,
    new: &acko_api::AerospikeClusterStatus,
    invalid: Option<&DesiredError>,
) {
    let old_phase = old.and_then(|s| s.phase);
    if new.phase != old_phase {
        match (new.phase, invalid) {
            (Some(acko_api::ClusterPhase::Completed), _) => {
                let note = new.phase_reason.clone().unwrap_or_default();
                events::publish(
                    &ctx.recorder,
                    reference,
                    Reason::ClusterCompleted,
                    &note,
                    false,
                )
                .await;
            }
            (Some(acko_api::ClusterPhase::Error), Some(e)) => {
                let reason = match e {
                    DesiredError::Template(_) => Reason::TemplateUnavailable,
                    _ => Reason::InvalidSpec,
                };
                events::publish(&ctx.recorder, reference, reason, &e.message(), true).await;
            }
            _ => {}
        }
    }
    let cond_false = |s: Option<&acko_api::AerospikeClusterStatus>, t: &str| {
        s.and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == t))
            .is_some_and(|c| c.status == "False")
    };
    let t = crate::status::conditions::OPTIONAL_RESOURCES;
    if cond_false(Some(new), t) && !cond_false(old, t) {
        let msg = new
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == t)
            .map(|c| c.message.clone())
            .unwrap_or_default();
        events::publish(
            &ctx.recorder,
            reference,
            Reason::OptionalCrdMissing,
            &msg,
            true,
        )
        .await;
    }
}

/// The controller's error policy: jittered exponential backoff, never a hot loop.
pub fn error_policy(cluster: Arc<AerospikeCluster>, error: &Error, ctx: Arc<Context>) -> Action {
    let name = key(&cluster);
    let failures = {
        let mut map = ctx
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = map.entry(name.clone()).or_insert(0);
        *n = n.saturating_add(1);
        *n
    };
    tracing::warn!(cluster = %name, failures, error = %error, "reconcile failed");
    let breaker = acko_api::contract::operator::breaker_backoff(
        i32::try_from(failures).unwrap_or(i32::MAX),
        ctx.breaker_threshold,
    );
    Action::requeue(backoff(failures, &name).max(breaker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_refusals_read_as_one_line_without_the_debug_dump() {
        let status: kube::core::Status = serde_json::from_value(serde_json::json!({
            "status": "Failure", "code": 500, "reason": "InternalError",
            "message": "patch statefulsets.apps answered 500"
        }))
        .unwrap();
        let e = Error::kube(
            "applying StatefulSet/a-1",
            kube::Error::Api(Box::new(status)),
        );
        assert_eq!(
            e.to_string(),
            "applying StatefulSet/a-1: 500 InternalError: patch statefulsets.apps answered 500"
        );
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let first = backoff(1, "a");
        assert!(first >= Duration::from_millis(1600) && first <= Duration::from_millis(2400));
        let late = backoff(30, "a");
        assert!(late <= Duration::from_secs(360) && late >= Duration::from_secs(240));
    }

    #[test]
    fn status_patch_nulls_fields_that_disappeared() {
        let old = acko_api::AerospikeClusterStatus {
            last_reconcile_error: Some("boom".into()),
            ..Default::default()
        };
        let new = acko_api::AerospikeClusterStatus::default();
        let p = status_patch(&new, Some(&old));
        assert_eq!(p["status"]["lastReconcileError"], Value::Null);
        assert!(
            p["status"]
                .as_object()
                .unwrap()
                .contains_key("lastReconcileError")
        );
    }

    #[test]
    fn status_patch_nulls_nested_fields_that_disappeared() {
        let op = |in_flight: Option<Vec<String>>| acko_api::OperationStatus {
            id: "a".into(),
            in_flight_pods: in_flight,
            ..Default::default()
        };
        let old = acko_api::AerospikeClusterStatus {
            operation_status: Some(op(Some(vec!["p".into()]))),
            ..Default::default()
        };
        let new = acko_api::AerospikeClusterStatus {
            operation_status: Some(op(None)),
            ..Default::default()
        };
        let p = status_patch(&new, Some(&old));
        assert_eq!(p["status"]["operationStatus"]["inFlightPods"], Value::Null);
        assert!(
            p["status"]["operationStatus"]
                .as_object()
                .unwrap()
                .contains_key("inFlightPods")
        );
        assert_eq!(p["status"]["operationStatus"]["id"], "a");
    }

    #[test]
    fn status_patch_nulls_nested_fields_and_pods_that_disappeared() {
        let pod = |unstable: Option<&str>| acko_api::AerospikePodStatus {
            pod_ip: Some("10.0.0.1".into()),
            unstable_since: unstable
                .map(|t| k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(t.parse().unwrap())),
            ..Default::default()
        };
        let old = acko_api::AerospikeClusterStatus {
            pods: Some(
                [
                    ("a".to_owned(), pod(Some("2026-12-07T17:18:42Z"))),
                    ("b".to_owned(), pod(None)),
                ]
                .into(),
            ),
            ..Default::default()
        };
        let new = acko_api::AerospikeClusterStatus {
            pods: Some([("a".to_owned(), pod(None))].into()),
            ..Default::default()
        };
        let p = status_patch(&new, Some(&old));
        assert_eq!(p["status"]["pods"]["a"]["unstableSince"], Value::Null);
        assert!(
            p["status"]["pods"]["a"]
                .as_object()
                .unwrap()
                .contains_key("unstableSince")
        );
        assert_eq!(p["status"]["pods"]["a"]["podIP"], "10.0.0.1");
        assert_eq!(p["status"]["pods"]["b"], Value::Null);
    }
}
