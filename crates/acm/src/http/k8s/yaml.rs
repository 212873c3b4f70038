//! Export a cluster as clean YAML: what you would commit to git and `kubectl apply` elsewhere
//! (no status, managedFields, resourceVersion, uid, creationTimestamp, generation).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::{ClusterPath, fetch};
use super::conn::Kube;
use crate::error::{ApiError, ApiPath, ApiQuery, ApiResult};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export_yaml))
}

/// Metadata fields the server owns; never part of an export.
const SERVER_METADATA: &[&str] = &[
    "managedFields",
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "finalizers",
];

/// The object without status and server-owned metadata (pure).
pub fn clean(mut obj: Value) -> Value {
    if let Some(m) = obj.as_object_mut() {
        m.remove("status");
    }
    if let Some(md) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in SERVER_METADATA {
            md.remove(*k);
        }
        if let Some(a) = md.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("kubectl.kubernetes.io/last-applied-configuration");
            if a.is_empty() {
                md.remove("annotations");
            }
        }
    }
    obj
}

/// Export options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YamlQuery {
    /// Answer as a file download (`<name>.yaml`).
    #[serde(default)]
    pub download: bool,
}

/// The cluster resource as clean YAML (`application/yaml`).
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/yaml", tag = "k8s", params(ClusterPath, YamlQuery),
    responses((status = 200, description = "The resource as YAML", content_type = "application/yaml"),
        (status = 404, description = "No such cluster")))]
async fn export_yaml(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
    ApiQuery(q): ApiQuery<YamlQuery>,
) -> ApiResult<Response> {
    let c = fetch(&kube, &p.namespace, &p.name).await?;
    let v = serde_json::to_value(&c).map_err(|e| ApiError::internal(e.to_string()))?;
    let yaml =
        serde_saphyr::to_string(&clean(v)).map_err(|e| ApiError::internal(format!("YAML: {e}")))?;
    let mut resp = (
        [(header::CONTENT_TYPE, "application/yaml; charset=utf-8")],
        yaml,
    )
        .into_response();
    if q.download
        && let Ok(v) = format!("attachment; filename=\"{}.yaml\"", p.name).parse()
    {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn export_drops_server_fields() {
        let v = clean(json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": "a", "namespace": "d", "uid": "u", "resourceVersion": "7",
                "creationTimestamp": "t", "generation": 2, "managedFields": [{}],
                "labels": {"x": "y"},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "spec": {"size": 3}, "status": {"phase": "Completed"}
        }));
        assert_eq!(
            v,
            json!({
                "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
                "metadata": {"name": "a", "namespace": "d", "labels": {"x": "y"}},
                "spec": {"size": 3}
            })
        );
    }
}
