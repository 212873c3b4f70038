//! The template controller: keeps `status.usedBy` of every `AerospikeClusterTemplate` and the
//! `acko.io/template-in-use` finalizer while clusters reference it, so a referenced template
//! cannot be deleted (a Warning event names the clusters). Decisions: `plan::templates::protection`.

use std::sync::Arc;

use acko_api::contract::operator::TEMPLATE_FINALIZER;
use acko_api::{AerospikeCluster, AerospikeClusterTemplate};
use futures::StreamExt;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::reflector::ObjectRef;
use kube::runtime::watcher;
use kube::{Resource, ResourceExt};
use serde_json::json;

use super::events::{self, Reason};
use super::{Context, Error, jitter};
use crate::plan::templates::protection;

/// Clusters (`namespace/name`) whose `spec.templateRef` names `template`.
pub async fn users(ctx: &Context, template: &str) -> Result<Vec<String>, Error> {
    let api: Api<AerospikeCluster> = Api::all(ctx.client.clone());
    let list = api
        .list(&ListParams::default())
        .await
        .map_err(|e| Error::kube("listing clusters for template users", e))?;
    Ok(list
        .items
        .iter()
        .filter(|c| {
            c.spec
                .template_ref
                .as_ref()
                .is_some_and(|r| r.name == template)
        })
        .map(|c| format!("{}/{}", c.namespace().unwrap_or_default(), c.name_any()))
        .collect())
}

/// One reconcile of a template.
pub async fn reconcile_template(
    template: Arc<AerospikeClusterTemplate>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let name = template.name_any();
    let users = users(&ctx, &name).await?;
    let p = protection(&template, &users);
    let api: Api<AerospikeClusterTemplate> = Api::all(ctx.client.clone());
    if let Some(finalizers) = &p.finalizers {
        ctx.metrics.write("patch");
        let patch = json!({"metadata": {
            "finalizers": finalizers,
            "resourceVersion": template.resource_version(),
        }});
        api.patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map_err(|e| Error::kube(format!("updating finalizers of template {name}"), e))?;
    }
    let current = template.status.as_ref().and_then(|s| s.used_by.clone());
    let wanted = (!p.used_by.is_empty()).then(|| p.used_by.clone());
    if current != wanted && (template.meta().deletion_timestamp.is_none() || wanted.is_some()) {
        ctx.metrics.write("patch-status");
        let patch = json!({"status": {"usedBy": wanted}});
        // A template whose finalizer was just removed may be gone: nothing left to report.
        match api
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => return Err(Error::kube(format!("writing status of template {name}"), e)),
        }
    }
    if let Some(message) = &p.blocked_delete {
        let reference = template.object_ref(&());
        events::publish(
            &ctx.recorder,
            &reference,
            Reason::TemplateInUse,
            message,
            true,
        )
        .await;
    }
    Ok(Action::requeue(jitter(
        std::time::Duration::from_secs(300),
        &name,
    )))
}

/// Runs the template controller (until the task is aborted).
pub async fn run(ctx: Arc<Context>) {
    let templates: Api<AerospikeClusterTemplate> = Api::all(ctx.client.clone());
    let clusters: Api<AerospikeCluster> = Api::all(ctx.client.clone());
    Controller::new(templates, watcher::Config::default())
        .watches(
            clusters,
            watcher::Config::default(),
            |c: AerospikeCluster| {
                c.spec
                    .template_ref
                    .as_ref()
                    .map(|r| ObjectRef::<AerospikeClusterTemplate>::new(&r.name))
            },
        )
        .run(
            reconcile_template,
            |t, e, _| {
                tracing::warn!(template = %t.name_any(), error = %e, "template reconcile failed");
                Action::requeue(std::time::Duration::from_secs(5))
            },
            ctx,
        )
        .for_each(|r| async move {
            if let Err(e) = r {
                tracing::debug!(error = %e, "template controller event");
            }
        })
        .await;
}

/// The finalizer the controller manages (re-exported for tests).
pub const FINALIZER: &str = TEMPLATE_FINALIZER;
