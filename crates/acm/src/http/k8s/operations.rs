//! On-demand operations (WarmRestart / PodRestart, for all pods or a list) and the template
//! resync trigger.

use acko_api::{OperationKind, OperationPhase};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::{ClusterPath, Patched, apply_spec_patch, fetch, pods};
use super::conn::Kube;
use super::health::annotate;
use super::names;
use super::validate::invalid;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult, FieldError};
use crate::state::AppState;

/// Annotation asking the operator to re-resolve the cluster's template.
pub const RESYNC_TEMPLATE: &str = "acko.io/resync-template";

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(trigger_operation))
        .routes(routes!(resync_template))
}

/// An operation to run.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OperationRequest {
    /// `WarmRestart` (restart asd in place) or `PodRestart` (recreate the pod).
    #[schema(value_type = String, example = "WarmRestart")]
    pub kind: OperationKind,
    /// Pods to act on (default: every pod). Each must be a pod of the cluster.
    #[serde(default)]
    pub pod_list: Option<Vec<String>>,
    /// Operation id, 1-20 characters (default: generated). A new id starts a new run.
    #[serde(default)]
    pub id: Option<String>,
    /// Optional optimistic-concurrency guard (see PATCH).
    #[serde(default)]
    pub resource_version: Option<String>,
}

/// The started operation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperationStarted {
    /// Operation id (watch `status.operationStatus` for progress).
    pub id: String,
    /// The cluster after the change.
    #[serde(flatten)]
    pub patched: Patched,
}

fn generated_id(kind: OperationKind) -> String {
    let prefix = match kind {
        OperationKind::WarmRestart => "warm",
        OperationKind::PodRestart => "pod",
    };
    // `warm-` + 12 hex digits of the time in ms: unique per run, at most 20 characters.
    let ms = jiff::Timestamp::now().as_millisecond();
    format!("{prefix}-{:x}", ms & 0xffff_ffff_ffff)
}

/// Start a WarmRestart or PodRestart of all pods or of the listed pods.
#[utoipa::path(post, path = "/k8s/clusters/{namespace}/{name}/operations", tag = "k8s", params(ClusterPath),
    request_body = OperationRequest,
    responses((status = 200, body = OperationStarted),
        (status = 409, description = "An operation is already in progress, or the cluster changed"),
        (status = 422, description = "Unknown pods or invalid id")))]
async fn trigger_operation(
    State(state): State<AppState>,
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
    ApiJson(req): ApiJson<OperationRequest>,
) -> ApiResult<Json<OperationStarted>> {
    let c = fetch(&kube, &p.namespace, &p.name).await?;
    if let Some(op) = c.status.as_ref().and_then(|s| s.operation_status.as_ref())
        && op.phase == OperationPhase::InProgress
    {
        return Err(ApiError::conflict(
            "operation_in_progress",
            format!(
                "operation {:?} ({:?}) is still in progress; wait until it completes \
                 (status.operationStatus) and retry",
                op.id, op.kind
            ),
        ));
    }
    let id = req.id.clone().unwrap_or_else(|| generated_id(req.kind));
    if id.is_empty() || id.chars().count() > 20 {
        return Err(invalid(
            "id",
            "the operation id must have 1 to 20 characters",
        ));
    }
    if let Some(list) = &req.pod_list {
        if list.is_empty() {
            return Err(invalid(
                "podList",
                "the pod list is empty; omit it to act on every pod",
            ));
        }
        let existing: Vec<String> = pods(&kube, &p.namespace, &p.name)
            .await?
            .into_iter()
            .filter_map(|x| x.metadata.name)
            .collect();
        let bad: Vec<FieldError> = list
            .iter()
            .enumerate()
            .filter(|(_, pod)| !names::is_dns_subdomain(pod) || !existing.contains(pod))
            .map(|(i, pod)| FieldError {
                field: format!("podList[{i}]"),
                message: format!(
                    "{pod:?} is not a pod of this cluster; pods: {}",
                    existing.join(", ")
                ),
            })
            .collect();
        if !bad.is_empty() {
            let mut e = ApiError::fields(bad);
            e.status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Err(e);
        }
    }
    let mut op = json!({"kind": req.kind, "id": id});
    if let Some(list) = &req.pod_list {
        op["podList"] = json!(list);
    }
    let patched = apply_spec_patch(
        &state,
        &kube,
        &p.namespace,
        &p.name,
        req.resource_version,
        &json!({"operations": [op]}),
    )
    .await?;
    Ok(Json(OperationStarted { id, patched }))
}

/// Result of a resync request.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResyncRequested {
    /// The template the cluster will be re-resolved against.
    pub template: String,
    /// Annotation set on the cluster.
    pub annotation: String,
}

/// Re-resolve the cluster against its template (sets `acko.io/resync-template: "true"`).
#[utoipa::path(post, path = "/k8s/clusters/{namespace}/{name}/resync-template", tag = "k8s",
    params(ClusterPath),
    responses((status = 200, body = ResyncRequested), (status = 404, description = "No such cluster"),
        (status = 409, description = "The cluster references no template")))]
async fn resync_template(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Json<ResyncRequested>> {
    let c = fetch(&kube, &p.namespace, &p.name).await?;
    let Some(t) = c.spec.template_ref.as_ref() else {
        return Err(ApiError::conflict(
            "no_template",
            format!(
                "AerospikeCluster {}/{} references no template (spec.templateRef), so there is nothing to resync",
                p.namespace, p.name
            ),
        ));
    };
    annotate(&kube, &p.namespace, &p.name, RESYNC_TEMPLATE, "true").await?;
    Ok(Json(ResyncRequested {
        template: t.name.clone(),
        annotation: RESYNC_TEMPLATE.into(),
    }))
}
