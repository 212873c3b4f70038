//! `AerospikeCluster` lifecycle: list, detail, create, diff-based PATCH, delete, scale.

use std::collections::BTreeMap;

use acko_api::AerospikeCluster;
use acko_api::validation::MAX_CLUSTER_SIZE;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::autoconnect::{self, AutoConnect};
use super::conn::Kube;
use super::model::{ClusterDetail, ClusterSummary, PodInfo, spec_ref, transitional_of};
use super::names;
use super::validate::{check_cluster, invalid, merge_diff, merge_patch, patch_paths};
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, ApiResult, FieldError};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_clusters, create_cluster))
        .routes(routes!(get_cluster, patch_cluster, delete_cluster))
        .routes(routes!(scale_cluster))
}

/// `AerospikeCluster <ns>/<name>`, for messages.
pub fn what(namespace: &str, name: &str) -> String {
    format!("AerospikeCluster {namespace}/{name}")
}

/// The cluster, or `404 cluster_not_found`.
pub async fn fetch(kube: &Kube, namespace: &str, name: &str) -> ApiResult<AerospikeCluster> {
    names::cluster_path(namespace, name)?;
    let api: Api<AerospikeCluster> = Api::namespaced(kube.client.clone(), namespace);
    kube.call_opt(&what(namespace, name), api.get(name))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "cluster_not_found",
                format!(
                    "no AerospikeCluster {name:?} in namespace {namespace:?}; list them with GET /api/v1/k8s/clusters"
                ),
            )
        })
}

/// Pods of a cluster (label `acko.io/cluster=<name>`), sorted by name.
pub async fn pods(kube: &Kube, namespace: &str, name: &str) -> ApiResult<Vec<Pod>> {
    let api: Api<Pod> = Api::namespaced(kube.client.clone(), namespace);
    let lp =
        ListParams::default().labels(&format!("{}={name}", acko_render::labels::LABEL_CLUSTER));
    let mut items = kube
        .call(&format!("pods of {}", what(namespace, name)), api.list(&lp))
        .await?
        .items;
    items.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    Ok(items)
}

/// The detail view of a cluster already read.
pub async fn detail_of(
    state: &AppState,
    kube: &Kube,
    c: AerospikeCluster,
) -> ApiResult<ClusterDetail> {
    let namespace = c.metadata.namespace.clone().unwrap_or_default();
    let name = c.metadata.name.clone().unwrap_or_default();
    let pods = pods(kube, &namespace, &name).await?;
    let status = c.status.clone();
    Ok(ClusterDetail {
        pods: pods
            .iter()
            .map(|p| PodInfo::of(p, status.as_ref()))
            .collect(),
        transitional: transitional_of(&c),
        profile_ids: autoconnect::linked(state, &namespace, &name).await?,
        resource_version: c.metadata.resource_version.clone(),
        generation: c.metadata.generation,
        created_at: c
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0.to_string()),
        labels: c.metadata.labels.clone().unwrap_or_default(),
        annotations: c.metadata.annotations.clone().unwrap_or_default(),
        spec: serde_json::to_value(&c.spec).unwrap_or(Value::Null),
        status,
        name,
        namespace,
    })
}

/// Path of one cluster.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ClusterPath {
    /// Kubernetes namespace.
    pub namespace: String,
    /// Cluster name.
    pub name: String,
}

/// Filter of the cluster list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this namespace (default: all namespaces).
    pub namespace: Option<String>,
}

/// Clusters (all namespaces, or one).
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterList {
    /// Sorted by namespace, then name.
    pub items: Vec<ClusterSummary>,
}

/// List `AerospikeCluster` resources.
#[utoipa::path(get, path = "/k8s/clusters", tag = "k8s", params(ListQuery),
    responses((status = 200, body = ClusterList), (status = 404, description = "Kubernetes management is off"),
        (status = 503, description = "Kubernetes API unreachable")))]
async fn list_clusters(
    kube: Kube,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ClusterList>> {
    let api: Api<AerospikeCluster> = match &q.namespace {
        Some(ns) => {
            names::label("namespace", "namespace", ns)?;
            Api::namespaced(kube.client.clone(), ns)
        }
        None => Api::all(kube.client.clone()),
    };
    let list = kube
        .call("AerospikeClusters", api.list(&ListParams::default()))
        .await?;
    let mut items: Vec<ClusterSummary> = list.items.iter().map(ClusterSummary::of).collect();
    items.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(Json(ClusterList { items }))
}

/// Cluster detail: spec, status (phase, conditions, per-pod status), pods.
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}", tag = "k8s", params(ClusterPath),
    responses((status = 200, body = ClusterDetail), (status = 404, description = "No such cluster, or Kubernetes management is off"),
        (status = 503, description = "Kubernetes API unreachable")))]
async fn get_cluster(
    State(state): State<AppState>,
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Json<ClusterDetail>> {
    let c = fetch(&kube, &p.namespace, &p.name).await?;
    Ok(Json(detail_of(&state, &kube, c).await?))
}

fn yes() -> bool {
    true
}

/// A new cluster: metadata plus the CRD spec itself (every field the wizard collects).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCluster {
    /// Cluster name (RFC 1123 label).
    pub name: String,
    /// Kubernetes namespace (must exist).
    pub namespace: String,
    /// Labels of the resource.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the resource.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The `AerospikeCluster` spec, exactly as in the CRD.
    #[schema(schema_with = spec_ref)]
    pub spec: Value,
    /// Create a connection profile for the cluster (default true); its seeds follow
    /// `--k8s-connect-via` (headless Service, external LoadBalancer/NodePort, or pod IPs).
    #[serde(default = "yes")]
    pub auto_connect: bool,
}

/// A created cluster.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    /// The cluster as stored.
    pub cluster: ClusterDetail,
    /// The connection profile, when `autoConnect` was on.
    pub auto_connect: Option<AutoConnect>,
    /// Validation warnings (the cluster was created anyway).
    pub warnings: Vec<FieldError>,
}

fn cluster_doc(
    name: &str,
    namespace: &str,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
    spec: Value,
) -> Value {
    let mut metadata = json!({"name": name, "namespace": namespace});
    if !labels.is_empty() {
        metadata["labels"] = json!(labels);
    }
    if !annotations.is_empty() {
        metadata["annotations"] = json!(annotations);
    }
    json!({"apiVersion": acko_api::API_VERSION, "kind": "AerospikeCluster", "metadata": metadata, "spec": spec})
}

/// Create an `AerospikeCluster`. The spec is validated first with the rules of `acko validate`
/// (422 lists every field); with `autoConnect` a connection profile is created for it.
#[utoipa::path(post, path = "/k8s/clusters", tag = "k8s", request_body = CreateCluster,
    responses((status = 201, body = Created), (status = 409, description = "A cluster with this name exists"),
        (status = 422, description = "Invalid spec (every field path listed)"), (status = 503, description = "Kubernetes API unreachable")))]
async fn create_cluster(
    State(state): State<AppState>,
    kube: Kube,
    ApiJson(req): ApiJson<CreateCluster>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    Ok((StatusCode::CREATED, Json(create(&state, &kube, req).await?)))
}

/// Create a cluster as `POST /k8s/clusters` does (validation, auto-connect); `--demo` uses it.
pub async fn create(state: &AppState, kube: &Kube, req: CreateCluster) -> ApiResult<Created> {
    if !names::is_dns_label(&req.namespace) {
        return Err(invalid(
            "namespace",
            format!(
                "namespace {:?} is not a valid Kubernetes namespace name (RFC 1123 label)",
                req.namespace
            ),
        ));
    }
    let doc = cluster_doc(
        &req.name,
        &req.namespace,
        &req.labels,
        &req.annotations,
        req.spec,
    );
    let (cluster, warnings) = check_cluster(kube, doc, None).await?;
    let api: Api<AerospikeCluster> = Api::namespaced(kube.client.clone(), &req.namespace);
    let w = what(&req.namespace, &req.name);
    let stored = match kube
        .call(&w, api.create(&PostParams::default(), &cluster))
        .await
    {
        Ok(c) => c,
        Err(e) if e.code == "already_exists" => {
            return Err(ApiError::conflict(
                "cluster_exists",
                format!("{w} already exists; pick another name or edit it with PATCH"),
            ));
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return Err(invalid(
                "namespace",
                format!(
                    "namespace {:?} does not exist; create it first or pick one from GET /api/v1/k8s/namespaces",
                    req.namespace
                ),
            ));
        }
        Err(e) => return Err(e),
    };
    let auto_connect = if req.auto_connect {
        Some(autoconnect::create(state, kube, &req.namespace, &req.name, &cluster.spec).await)
    } else {
        None
    };
    let cluster = detail_of(state, kube, stored).await?;
    Ok(Created {
        cluster,
        auto_connect,
        warnings,
    })
}

/// A change to a cluster: a JSON merge patch of the spec (send only what changed).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatchCluster {
    /// `resourceVersion` the change is based on (from GET); a newer stored version answers
    /// 409. Without it the change applies to the version read now.
    pub resource_version: Option<String>,
    /// JSON merge patch (RFC 7386) of the spec: changed fields only, `null` removes a field,
    /// lists are replaced whole. E.g. `{"size": 4}`, `{"paused": true}`,
    /// `{"aerospikeConfig": {"namespaces": [...]}}`.
    #[schema(value_type = Object)]
    pub spec: Value,
}

/// The result of a change.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Patched {
    /// The cluster after the change.
    pub cluster: ClusterDetail,
    /// Spec paths that changed (empty: nothing to do, nothing was written).
    pub changed: Vec<String>,
    /// Validation warnings.
    pub warnings: Vec<FieldError>,
}

/// Apply a spec merge patch with validation and optimistic concurrency.
pub async fn apply_spec_patch(
    state: &AppState,
    kube: &Kube,
    namespace: &str,
    name: &str,
    resource_version: Option<String>,
    patch: &Value,
) -> ApiResult<Patched> {
    if !patch.is_object() {
        return Err(invalid(
            "spec",
            "send a JSON object with the changed spec fields",
        ));
    }
    let current = fetch(kube, namespace, name).await?;
    let stored_rv = current
        .metadata
        .resource_version
        .clone()
        .unwrap_or_default();
    let w = what(namespace, name);
    if let Some(rv) = &resource_version
        && *rv != stored_rv
    {
        return Err(stale(&w, rv, &stored_rv));
    }
    let old_spec = serde_json::to_value(&current.spec).unwrap_or(Value::Null);
    let mut new_spec = old_spec.clone();
    merge_patch(&mut new_spec, patch);
    let doc = cluster_doc(
        name,
        namespace,
        &current.metadata.labels.clone().unwrap_or_default(),
        &current.metadata.annotations.clone().unwrap_or_default(),
        new_spec,
    );
    let (new, warnings) = check_cluster(kube, doc, Some(&current)).await?;
    let new_spec = serde_json::to_value(&new.spec).unwrap_or(Value::Null);
    let Some(diff) = merge_diff(&old_spec, &new_spec) else {
        return Ok(Patched {
            cluster: detail_of(state, kube, current).await?,
            changed: Vec::new(),
            warnings,
        });
    };
    let mut changed = Vec::new();
    patch_paths(&diff, "spec", &mut changed);
    changed.sort();
    let api: Api<AerospikeCluster> = Api::namespaced(kube.client.clone(), namespace);
    let body = json!({"metadata": {"resourceVersion": stored_rv}, "spec": diff});
    let stored = kube
        .call(
            &w,
            api.patch(name, &PatchParams::default(), &Patch::Merge(&body)),
        )
        .await?;
    Ok(Patched {
        cluster: detail_of(state, kube, stored).await?,
        changed,
        warnings,
    })
}

/// 409 for a change based on an old version.
pub fn stale(what: &str, sent: &str, stored: &str) -> ApiError {
    ApiError::conflict(
        "k8s_conflict",
        format!(
            "{what} changed since you read it (your resourceVersion {sent}, stored {stored}): \
             reload it, re-apply your change and retry"
        ),
    )
}

/// Change a cluster (size, image, resources, monitoring, paused, dynamic config, aerospike
/// config, ...): a merge patch of the spec, validated like a create plus the update rules;
/// only the fields that really change are sent, guarded by `resourceVersion`.
#[utoipa::path(patch, path = "/k8s/clusters/{namespace}/{name}", tag = "k8s", params(ClusterPath),
    request_body = PatchCluster,
    responses((status = 200, body = Patched), (status = 404, description = "No such cluster"),
        (status = 409, description = "Changed by someone else: reload and retry"),
        (status = 422, description = "The result would be invalid (every field path listed)")))]
async fn patch_cluster(
    State(state): State<AppState>,
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
    ApiJson(req): ApiJson<PatchCluster>,
) -> ApiResult<Json<Patched>> {
    Ok(Json(
        apply_spec_patch(
            &state,
            &kube,
            &p.namespace,
            &p.name,
            req.resource_version,
            &req.spec,
        )
        .await?,
    ))
}

/// What a delete did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// The cluster is being deleted (the operator removes its objects).
    pub deleted: bool,
    /// Connection profiles removed with it (created by auto-connect).
    pub removed_profiles: Vec<i64>,
}

/// Delete a cluster and the connection profiles auto-connect created for it.
#[utoipa::path(delete, path = "/k8s/clusters/{namespace}/{name}", tag = "k8s", params(ClusterPath),
    responses((status = 200, body = Deleted), (status = 404, description = "No such cluster")))]
async fn delete_cluster(
    State(state): State<AppState>,
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Json<Deleted>> {
    names::cluster_path(&p.namespace, &p.name)?;
    let api: Api<AerospikeCluster> = Api::namespaced(kube.client.clone(), &p.namespace);
    let w = what(&p.namespace, &p.name);
    if kube
        .call_opt(&w, api.delete(&p.name, &DeleteParams::background()))
        .await?
        .is_none()
    {
        return Err(ApiError::not_found(
            "cluster_not_found",
            format!(
                "no AerospikeCluster {:?} in namespace {:?}",
                p.name, p.namespace
            ),
        ));
    }
    let removed_profiles = autoconnect::remove(&state, &p.namespace, &p.name).await?;
    Ok(Json(Deleted {
        deleted: true,
        removed_profiles,
    }))
}

/// A new size.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScaleRequest {
    /// Pods, 1-8 (the Community Edition limit).
    pub size: i32,
    /// Optional optimistic-concurrency guard (see PATCH).
    pub resource_version: Option<String>,
}

/// Scale a cluster to `size` pods (1-8).
#[utoipa::path(post, path = "/k8s/clusters/{namespace}/{name}/scale", tag = "k8s", params(ClusterPath),
    request_body = ScaleRequest,
    responses((status = 200, body = Patched), (status = 409, description = "Changed by someone else"),
        (status = 422, description = "Size out of range")))]
async fn scale_cluster(
    State(state): State<AppState>,
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
    ApiJson(req): ApiJson<ScaleRequest>,
) -> ApiResult<Json<Patched>> {
    if !(1..=MAX_CLUSTER_SIZE).contains(&req.size) {
        return Err(invalid(
            "size",
            format!(
                "size {} is out of range: Aerospike Community Edition clusters have 1 to {MAX_CLUSTER_SIZE} nodes",
                req.size
            ),
        ));
    }
    let patch = json!({"size": req.size});
    Ok(Json(
        apply_spec_patch(
            &state,
            &kube,
            &p.namespace,
            &p.name,
            req.resource_version,
            &patch,
        )
        .await?,
    ))
}
