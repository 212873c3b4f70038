//! HorizontalPodAutoscaler (autoscaling/v2) of a cluster, targeting the AerospikeCluster's
//! scale subresource with CPU and/or memory utilization targets.

use acko_api::validation::MAX_CLUSTER_SIZE;
use axum::Json;
use axum::http::StatusCode;
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::Api;
use kube::api::{DeleteParams, PostParams};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::{ClusterPath, fetch};
use super::conn::Kube;
use super::health::ConditionView;
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult, FieldError};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_hpa, put_hpa, delete_hpa))
}

/// Name of a cluster's HPA: `<cluster>-hpa`.
pub fn hpa_name(cluster: &str) -> String {
    format!("{cluster}-hpa")
}

/// Desired autoscaling.
#[derive(Debug, Deserialize, ToSchema, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HpaRequest {
    /// Fewest pods (1-8, default 1).
    #[serde(default = "one")]
    pub min_replicas: i32,
    /// Most pods (min-8).
    pub max_replicas: i32,
    /// Target average CPU utilization in percent of requests (1-1000).
    pub cpu_utilization: Option<i32>,
    /// Target average memory utilization in percent of requests (1-1000).
    pub memory_utilization: Option<i32>,
}

fn one() -> i32 {
    1
}

/// Every problem of a request (pure).
pub fn check(r: &HpaRequest) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut bad = |f: &str, m: String| {
        out.push(FieldError {
            field: f.into(),
            message: m,
        })
    };
    if !(1..=MAX_CLUSTER_SIZE).contains(&r.min_replicas) {
        bad(
            "minReplicas",
            format!("must be between 1 and {MAX_CLUSTER_SIZE}"),
        );
    }
    if !(1..=MAX_CLUSTER_SIZE).contains(&r.max_replicas) {
        bad(
            "maxReplicas",
            format!("must be between 1 and {MAX_CLUSTER_SIZE} (the Community Edition limit)"),
        );
    } else if r.max_replicas < r.min_replicas {
        bad("maxReplicas", "must be at least minReplicas".into());
    }
    for (f, v) in [
        ("cpuUtilization", r.cpu_utilization),
        ("memoryUtilization", r.memory_utilization),
    ] {
        if let Some(v) = v
            && !(1..=1000).contains(&v)
        {
            bad(f, "must be a percentage between 1 and 1000".into());
        }
    }
    if r.cpu_utilization.is_none() && r.memory_utilization.is_none() {
        bad(
            "cpuUtilization",
            "set cpuUtilization and/or memoryUtilization: the autoscaler needs a target".into(),
        );
    }
    out
}

fn metric(name: &str, pct: i32) -> MetricSpec {
    MetricSpec {
        type_: "Resource".into(),
        resource: Some(ResourceMetricSource {
            name: name.into(),
            target: MetricTarget {
                type_: "Utilization".into(),
                average_utilization: Some(pct),
                ..Default::default()
            },
        }),
        ..Default::default()
    }
}

/// The HPA object for a cluster (pure).
pub fn hpa_object(namespace: &str, cluster: &str, r: &HpaRequest) -> HorizontalPodAutoscaler {
    let mut metrics = Vec::new();
    if let Some(c) = r.cpu_utilization {
        metrics.push(metric("cpu", c));
    }
    if let Some(m) = r.memory_utilization {
        metrics.push(metric("memory", m));
    }
    HorizontalPodAutoscaler {
        metadata: ObjectMeta {
            name: Some(hpa_name(cluster)),
            namespace: Some(namespace.into()),
            labels: Some(
                [
                    (
                        acko_render::labels::LABEL_CLUSTER.to_string(),
                        cluster.to_string(),
                    ),
                    (
                        "app.kubernetes.io/managed-by".into(),
                        "aerospike-cluster-manager".into(),
                    ),
                ]
                .into(),
            ),
            ..Default::default()
        },
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some(acko_api::API_VERSION.into()),
                kind: "AerospikeCluster".into(),
                name: cluster.into(),
            },
            min_replicas: Some(r.min_replicas),
            max_replicas: r.max_replicas,
            metrics: Some(metrics),
            ..Default::default()
        }),
        status: None,
    }
}

/// A metric value the autoscaler observed.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CurrentMetric {
    /// `cpu` or `memory`.
    pub resource: String,
    /// Average utilization in percent.
    pub average_utilization: Option<i32>,
}

/// An HPA and its status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HpaView {
    /// HPA name.
    pub name: String,
    /// Fewest pods.
    pub min_replicas: i32,
    /// Most pods.
    pub max_replicas: i32,
    /// CPU target (percent).
    pub cpu_utilization: Option<i32>,
    /// Memory target (percent).
    pub memory_utilization: Option<i32>,
    /// Pods now.
    pub current_replicas: Option<i32>,
    /// Pods the autoscaler wants.
    pub desired_replicas: Option<i32>,
    /// Observed metrics.
    pub current_metrics: Vec<CurrentMetric>,
    /// Last scaling (RFC 3339).
    pub last_scale_time: Option<String>,
    /// Conditions (AbleToScale, ScalingActive, ScalingLimited).
    pub conditions: Vec<ConditionView>,
}

/// The view of an HPA (pure).
pub fn view(h: &HorizontalPodAutoscaler) -> HpaView {
    let spec = h.spec.clone().unwrap_or_default();
    let target = |n: &str| {
        spec.metrics
            .iter()
            .flatten()
            .filter_map(|m| m.resource.as_ref())
            .find(|r| r.name == n)
            .and_then(|r| r.target.average_utilization)
    };
    let status = h.status.clone().unwrap_or_default();
    HpaView {
        name: h.metadata.name.clone().unwrap_or_default(),
        min_replicas: spec.min_replicas.unwrap_or(1),
        max_replicas: spec.max_replicas,
        cpu_utilization: target("cpu"),
        memory_utilization: target("memory"),
        current_replicas: status.current_replicas,
        desired_replicas: Some(status.desired_replicas).filter(|_| h.status.is_some()),
        current_metrics: status
            .current_metrics
            .iter()
            .flatten()
            .filter_map(|m| m.resource.as_ref())
            .map(|r| CurrentMetric {
                resource: r.name.clone(),
                average_utilization: r.current.average_utilization,
            })
            .collect(),
        last_scale_time: status.last_scale_time.as_ref().map(|t| t.0.to_string()),
        conditions: status
            .conditions
            .iter()
            .flatten()
            .map(|c| ConditionView {
                type_: c.type_.clone(),
                status: c.status.clone(),
                reason: c.reason.clone().unwrap_or_default(),
                message: c.message.clone().unwrap_or_default(),
                last_transition_time: c
                    .last_transition_time
                    .as_ref()
                    .map(|t| t.0.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

fn no_hpa(p: &ClusterPath) -> ApiError {
    ApiError::not_found(
        "hpa_not_found",
        format!(
            "AerospikeCluster {}/{} has no autoscaler; create one with POST",
            p.namespace, p.name
        ),
    )
}

/// The cluster's HPA and its status.
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/hpa", tag = "k8s", params(ClusterPath),
    responses((status = 200, body = HpaView), (status = 404, description = "No cluster or no HPA")))]
async fn get_hpa(kube: Kube, ApiPath(p): ApiPath<ClusterPath>) -> ApiResult<Json<HpaView>> {
    fetch(&kube, &p.namespace, &p.name).await?;
    let api: Api<HorizontalPodAutoscaler> = Api::namespaced(kube.client.clone(), &p.namespace);
    let name = hpa_name(&p.name);
    let h = kube
        .call_opt(
            &format!("HorizontalPodAutoscaler {}/{name}", p.namespace),
            api.get(&name),
        )
        .await?
        .ok_or_else(|| no_hpa(&p))?;
    Ok(Json(view(&h)))
}

/// Create or update the cluster's HPA (min/max replicas, CPU/memory targets).
#[utoipa::path(post, path = "/k8s/clusters/{namespace}/{name}/hpa", tag = "k8s", params(ClusterPath),
    request_body = HpaRequest,
    responses((status = 200, body = HpaView, description = "Updated"), (status = 201, body = HpaView, description = "Created"),
        (status = 422, description = "Invalid bounds or targets")))]
async fn put_hpa(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
    ApiJson(req): ApiJson<HpaRequest>,
) -> ApiResult<(StatusCode, Json<HpaView>)> {
    let problems = check(&req);
    if !problems.is_empty() {
        let mut e = ApiError::fields(problems);
        e.status = StatusCode::UNPROCESSABLE_ENTITY;
        return Err(e);
    }
    fetch(&kube, &p.namespace, &p.name).await?;
    let api: Api<HorizontalPodAutoscaler> = Api::namespaced(kube.client.clone(), &p.namespace);
    let name = hpa_name(&p.name);
    let what = format!("HorizontalPodAutoscaler {}/{name}", p.namespace);
    let mut desired = hpa_object(&p.namespace, &p.name, &req);
    match kube.call_opt(&what, api.get(&name)).await? {
        Some(existing) => {
            desired.metadata.resource_version = existing.metadata.resource_version;
            let h = kube
                .call(&what, api.replace(&name, &PostParams::default(), &desired))
                .await?;
            Ok((StatusCode::OK, Json(view(&h))))
        }
        None => {
            let h = kube
                .call(&what, api.create(&PostParams::default(), &desired))
                .await?;
            Ok((StatusCode::CREATED, Json(view(&h))))
        }
    }
}

/// Delete the cluster's HPA (the cluster keeps its current size).
#[utoipa::path(delete, path = "/k8s/clusters/{namespace}/{name}/hpa", tag = "k8s", params(ClusterPath),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No cluster or no HPA")))]
async fn delete_hpa(kube: Kube, ApiPath(p): ApiPath<ClusterPath>) -> ApiResult<StatusCode> {
    fetch(&kube, &p.namespace, &p.name).await?;
    let api: Api<HorizontalPodAutoscaler> = Api::namespaced(kube.client.clone(), &p.namespace);
    let name = hpa_name(&p.name);
    kube.call_opt(
        &format!("HorizontalPodAutoscaler {}/{name}", p.namespace),
        api.delete(&name, &DeleteParams::default()),
    )
    .await?
    .ok_or_else(|| no_hpa(&p))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(min: i32, max: i32, cpu: Option<i32>, mem: Option<i32>) -> HpaRequest {
        HpaRequest {
            min_replicas: min,
            max_replicas: max,
            cpu_utilization: cpu,
            memory_utilization: mem,
        }
    }

    #[test]
    fn bounds_and_targets_are_checked() {
        assert!(check(&req(1, 8, Some(70), None)).is_empty());
        let f: Vec<String> = check(&req(0, 9, None, Some(0)))
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(f, ["minReplicas", "maxReplicas", "memoryUtilization"]);
        let f: Vec<String> = check(&req(4, 2, None, None))
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(f, ["maxReplicas", "cpuUtilization"]);
    }

    #[test]
    fn hpa_targets_the_scale_subresource() {
        let h = hpa_object("d", "demo", &req(2, 6, Some(70), Some(80)));
        let spec = h.spec.as_ref().unwrap();
        assert_eq!(spec.scale_target_ref.kind, "AerospikeCluster");
        assert_eq!(
            spec.scale_target_ref.api_version.as_deref(),
            Some("acko.io/v1alpha1")
        );
        assert_eq!(spec.scale_target_ref.name, "demo");
        let v = view(&h);
        assert_eq!(
            (
                v.min_replicas,
                v.max_replicas,
                v.cpu_utilization,
                v.memory_utilization
            ),
            (2, 6, Some(70), Some(80))
        );
    }
}
