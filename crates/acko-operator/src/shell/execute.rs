//! Executes a [`Step`]: server-side apply (field manager `acko`), deletes, pod restarts, pod
//! condition and annotation updates. Every write goes through here.

use std::collections::BTreeMap;

use acko_api::AerospikeCluster;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, PodCondition};
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::{Resource, ResourceExt};
use serde_json::{Value, json};

use super::events::Reason;
use super::kinds;
use super::observe::{ANNOTATION_WARM_HASH, ANNOTATION_WARM_TIME, READINESS_GATE};
use super::{Context, Error, FIELD_MANAGER, FINALIZER};
use crate::observed::ObjectKey;
use crate::plan::{PodRestart, RestartKind, Step};

/// An event to publish about what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// Reason (categorised).
    pub reason: Reason,
    /// Human note.
    pub note: String,
    /// True for Warning events.
    pub warning: bool,
}

fn done(reason: Reason, note: impl Into<String>) -> Done {
    Done {
        reason,
        note: note.into(),
        warning: false,
    }
}

fn warn(reason: Reason, note: impl Into<String>) -> Done {
    Done {
        reason,
        note: note.into(),
        warning: true,
    }
}

fn dyn_api(ctx: &Context, key: &ObjectKey) -> Result<Api<DynamicObject>, Error> {
    let kind = kinds::find(&key.api_version, &key.kind).ok_or_else(|| Error::Other {
        what: format!("unknown kind {} {}", key.api_version, key.kind),
    })?;
    Ok(match &key.namespace {
        Some(ns) => Api::namespaced_with(ctx.client.clone(), ns, &kind.resource),
        None => Api::all_with(ctx.client.clone(), &kind.resource),
    })
}

async fn apply(ctx: &Context, value: &Value) -> Result<(), Error> {
    let key = ObjectKey::of(value).ok_or_else(|| Error::Other {
        what: "desired object without apiVersion/kind/name".to_owned(),
    })?;
    let api = dyn_api(ctx, &key)?;
    ctx.metrics.write("apply");
    api.patch(
        &key.name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(value),
    )
    .await
    .map_err(|e| Error::kube(format!("applying {key}"), e))?;
    Ok(())
}

async fn delete(ctx: &Context, key: &ObjectKey) -> Result<(), Error> {
    let api = dyn_api(ctx, key)?;
    ctx.metrics.write("delete");
    match api.delete(&key.name, &DeleteParams::background()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(Error::kube(format!("deleting {key}"), e)),
    }
}

async fn set_finalizers(
    ctx: &Context,
    cluster: &AerospikeCluster,
    finalizers: Vec<String>,
) -> Result<(), Error> {
    let api: Api<AerospikeCluster> = Api::namespaced(
        ctx.client.clone(),
        cluster.namespace().as_deref().unwrap_or("default"),
    );
    ctx.metrics.write("patch");
    // resourceVersion makes the merge patch optimistic: a concurrent change gets a 409.
    let patch = json!({"metadata": {
        "finalizers": finalizers,
        "resourceVersion": cluster.resource_version(),
    }});
    api.patch(
        &cluster.name_any(),
        &PatchParams::default(),
        &Patch::Merge(&patch),
    )
    .await
    .map_err(|e| Error::kube("updating finalizers", e))?;
    Ok(())
}

async fn set_gate(ctx: &Context, pods: &Api<Pod>, name: &str, ready: bool) -> Result<(), Error> {
    let mut pod = pods
        .get(name)
        .await
        .map_err(|e| Error::kube(format!("reading pod {name}"), e))?;
    let status = pod.status.get_or_insert_with(Default::default);
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    let value = if ready { "True" } else { "False" };
    let now = k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(jiff::Timestamp::now());
    match conditions.iter_mut().find(|c| c.type_ == READINESS_GATE) {
        Some(c) => {
            c.status = value.to_owned();
            c.last_transition_time = Some(now);
        }
        None => conditions.push(PodCondition {
            type_: READINESS_GATE.to_owned(),
            status: value.to_owned(),
            last_transition_time: Some(now),
            reason: Some(
                if ready {
                    "NodeJoined"
                } else {
                    "NodeUnreachable"
                }
                .to_owned(),
            ),
            ..PodCondition::default()
        }),
    }
    ctx.metrics.write("update-status");
    pods.replace_status(name, &PostParams::default(), &pod)
        .await
        .map_err(|e| Error::kube(format!("setting {READINESS_GATE} on {name}"), e))?;
    Ok(())
}

async fn annotate(
    ctx: &Context,
    pods: &Api<Pod>,
    name: &str,
    annotations: Value,
) -> Result<(), Error> {
    ctx.metrics.write("patch");
    pods.patch(
        name,
        &PatchParams::default(),
        &Patch::Merge(&json!({"metadata": {"annotations": annotations}})),
    )
    .await
    .map_err(|e| Error::kube(format!("annotating pod {name}"), e))?;
    Ok(())
}

async fn delete_pod(ctx: &Context, pods: &Api<Pod>, name: &str) -> Result<(), Error> {
    ctx.metrics.write("delete");
    match pods.delete(name, &DeleteParams::default()).await {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(e)) if e.code == 404 => Ok(()),
        Err(e) => Err(Error::kube(format!("deleting pod {name}"), e)),
    }
}

async fn restart(
    ctx: &Context,
    pods: &Api<Pod>,
    raw: &BTreeMap<String, Pod>,
    r: &PodRestart,
    now: i64,
    out: &mut Vec<Done>,
) -> Result<(), Error> {
    if let (RestartKind::Warm { hash }, Some(pod)) = (&r.kind, raw.get(&r.pod)) {
        // Record the request first: if the exec succeeds and the operator dies, the next
        // reconcile still knows to wait for applied-config-hash.
        annotate(
            ctx,
            pods,
            &r.pod,
            json!({ANNOTATION_WARM_HASH: hash, ANNOTATION_WARM_TIME: now.to_string()}),
        )
        .await?;
        match ctx.agent.request_warm_restart(pod, hash).await {
            Ok(()) => {
                ctx.metrics.pod_restarted("warm");
                out.push(done(
                    Reason::WarmRestartRequested,
                    format!("asked {} to reload configuration {hash}", r.pod),
                ));
                return Ok(());
            }
            Err(e) => out.push(warn(
                Reason::WarmRestartFailed,
                format!("{e}; deleting pod {} instead", r.pod),
            )),
        }
    }
    delete_pod(ctx, pods, &r.pod).await?;
    ctx.metrics.pod_restarted("cold");
    out.push(done(
        Reason::PodRestarted,
        format!("deleted pod {} ({:?})", r.pod, r.reason),
    ));
    Ok(())
}

/// Executes `step` for `cluster`; returns what to report as events.
pub async fn execute(
    ctx: &Context,
    cluster: &AerospikeCluster,
    step: &Step,
    raw_pods: &BTreeMap<String, Pod>,
    now: i64,
) -> Result<Vec<Done>, Error> {
    let ns = cluster.namespace().unwrap_or_else(|| "default".to_owned());
    let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &ns);
    let mut out = Vec::new();
    match step {
        // Executed by `shell::dynamic` (its outcome goes into the pods' status).
        Step::DynamicConfig { .. } => {
            return Err(Error::Other {
                what: "dynamic configuration is executed by shell::dynamic".to_owned(),
            });
        }
        Step::AddFinalizer => {
            let mut f = cluster.finalizers().to_vec();
            f.push(FINALIZER.to_owned());
            set_finalizers(ctx, cluster, f).await?;
            out.push(done(Reason::FinalizerAdded, format!("added {FINALIZER}")));
        }
        Step::Finalize { objects, claims } => {
            for key in objects {
                delete(ctx, key).await?;
            }
            let api: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), &ns);
            for c in claims {
                ctx.metrics.write("delete");
                match api.delete(c, &DeleteParams::default()).await {
                    Ok(_) => {}
                    Err(kube::Error::Api(e)) if e.code == 404 => {}
                    Err(e) => return Err(Error::kube(format!("deleting PVC {c}"), e)),
                }
            }
            let f: Vec<String> = cluster
                .finalizers()
                .iter()
                .filter(|f| *f != FINALIZER)
                .cloned()
                .collect();
            set_finalizers(ctx, cluster, f).await?;
            out.push(done(
                Reason::ClusterDeleted,
                format!("cleaned up ({} PVCs deleted)", claims.len()),
            ));
        }
        Step::Apply { objects } => {
            for v in objects {
                apply(ctx, v).await?;
            }
            let names: Vec<String> = objects
                .iter()
                .filter_map(ObjectKey::of)
                .map(|k| k.to_string())
                .collect();
            out.push(done(
                Reason::ObjectsApplied,
                format!("applied {}", names.join(", ")),
            ));
        }
        Step::ScaleRack {
            rack,
            from,
            to,
            object,
        } => {
            match object {
                Some(v) => apply(ctx, v).await?,
                None => {
                    let api: Api<k8s_openapi::api::apps::v1::StatefulSet> =
                        Api::namespaced(ctx.client.clone(), &ns);
                    ctx.metrics.write("patch");
                    api.patch(
                        &acko_render::names::stateful_set(&cluster.name_any(), *rack),
                        &PatchParams::default(),
                        &Patch::Merge(&json!({"spec": {"replicas": to}})),
                    )
                    .await
                    .map_err(|e| Error::kube(format!("scaling rack {rack}"), e))?;
                }
            }
            let reason = if to > from {
                Reason::ScaledUp
            } else {
                Reason::ScaledDown
            };
            out.push(done(reason, format!("rack {rack}: {from} → {to} pods")));
        }
        Step::SetReadiness { pods: changes } => {
            for (name, ready) in changes {
                set_gate(ctx, &pods, name, *ready).await?;
            }
            let text: Vec<String> = changes.iter().map(|(p, r)| format!("{p}={r}")).collect();
            out.push(done(Reason::ReadinessGateUpdated, text.join(", ")));
        }
        Step::Restart { pods: batch } => {
            for r in batch {
                restart(ctx, &pods, raw_pods, r, now, &mut out).await?;
            }
        }
        Step::ConfirmWarmRestart { pod, hash } => {
            annotate(
                ctx,
                &pods,
                pod,
                json!({
                    acko_render::labels::ANNOTATION_CONFIG_HASH: hash,
                    ANNOTATION_WARM_HASH: null,
                    ANNOTATION_WARM_TIME: null,
                }),
            )
            .await?;
            out.push(done(
                Reason::WarmRestartConfirmed,
                format!("{pod} runs configuration {hash}"),
            ));
        }
        Step::DeleteClaims { claims } => {
            let api: Api<PersistentVolumeClaim> = Api::namespaced(ctx.client.clone(), &ns);
            for c in claims {
                ctx.metrics.write("delete");
                match api.delete(c, &DeleteParams::default()).await {
                    Ok(_) => {}
                    Err(kube::Error::Api(e)) if e.code == 404 => {}
                    Err(e) => return Err(Error::kube(format!("deleting PVC {c}"), e)),
                }
            }
            out.push(done(Reason::ClaimsDeleted, claims.join(", ")));
        }
        Step::Prune { objects } => {
            for key in objects {
                delete(ctx, key).await?;
            }
            let names: Vec<String> = objects.iter().map(ToString::to_string).collect();
            out.push(done(Reason::ObjectsPruned, names.join(", ")));
        }
        Step::Wait | Step::Invalid | Step::Paused | Step::Done => {}
    }
    let _ = cluster.meta();
    Ok(out)
}
