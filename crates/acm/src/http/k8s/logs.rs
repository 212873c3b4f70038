//! Container logs of a cluster's pod: last `tailLines`, one container, `follow` as a stream,
//! `download` as an attachment.

use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::{AsyncReadExt, StreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::LogParams;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::what;
use super::conn::Kube;
use super::names;
use super::validate::invalid;
use crate::error::{ApiError, ApiPath, ApiQuery, ApiResult};
use crate::state::AppState;

/// Default and largest `tailLines`.
pub const DEFAULT_TAIL: i64 = 1000;
/// Largest `tailLines`.
pub const MAX_TAIL: i64 = 100_000;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pod_logs))
}

/// Path of a pod of a cluster.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PodPath {
    /// Kubernetes namespace.
    pub namespace: String,
    /// Cluster name.
    pub name: String,
    /// Pod name.
    pub pod: String,
}

/// What to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LogsQuery {
    /// Last lines to return (1-100000, default 1000).
    pub tail_lines: Option<i64>,
    /// Container (default: the Aerospike container `aerospike-server`).
    pub container: Option<String>,
    /// Keep the response open and stream new lines as they are written.
    #[serde(default)]
    pub follow: bool,
    /// Answer as a file download (`<pod>-<container>.log`).
    #[serde(default)]
    pub download: bool,
    /// Logs of the previous (crashed) container instance.
    #[serde(default)]
    pub previous: bool,
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> &str {
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    match trimmed.rmatch_indices('\n').nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &text[i + 1..],
        _ if n == 0 => "",
        _ => text,
    }
}

/// Container logs of a pod of the cluster (text/plain; `follow=true` streams).
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/pods/{pod}/logs", tag = "k8s",
    params(PodPath, LogsQuery),
    responses((status = 200, description = "Log text", content_type = "text/plain", body = String),
        (status = 404, description = "No such pod in this cluster"),
        (status = 422, description = "Unknown container or tailLines out of range")))]
async fn pod_logs(
    kube: Kube,
    ApiPath(p): ApiPath<PodPath>,
    ApiQuery(q): ApiQuery<LogsQuery>,
) -> ApiResult<Response> {
    names::cluster_path(&p.namespace, &p.name)?;
    names::subdomain("pod", "pod", &p.pod)?;
    let tail_lines = q.tail_lines.unwrap_or(DEFAULT_TAIL);
    if !(1..=MAX_TAIL).contains(&tail_lines) {
        return Err(invalid(
            "tailLines",
            format!("tailLines must be between 1 and {MAX_TAIL}"),
        ));
    }
    let api: Api<Pod> = Api::namespaced(kube.client.clone(), &p.namespace);
    let not_ours = || {
        ApiError::not_found(
            "pod_not_found",
            format!(
                "no pod {:?} in {}; see the pods in GET /api/v1/k8s/clusters/{}/{}",
                p.pod,
                what(&p.namespace, &p.name),
                p.namespace,
                p.name
            ),
        )
    };
    let pod = kube
        .call_opt(&format!("pod {}/{}", p.namespace, p.pod), api.get(&p.pod))
        .await?
        .ok_or_else(not_ours)?;
    let owner = pod
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(acko_render::labels::LABEL_CLUSTER));
    if owner.map(String::as_str) != Some(p.name.as_str()) {
        return Err(not_ours());
    }
    let spec = pod.spec.unwrap_or_default();
    let mut containers: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    containers.extend(
        spec.init_containers
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.name),
    );
    let container = match q.container.clone() {
        Some(c) => c,
        None if containers
            .iter()
            .any(|c| c == acko_api::AEROSPIKE_CONTAINER_NAME) =>
        {
            acko_api::AEROSPIKE_CONTAINER_NAME.to_string()
        }
        None => containers.first().cloned().unwrap_or_default(),
    };
    if !containers.contains(&container) {
        return Err(invalid(
            "container",
            format!(
                "pod {} has no container {container:?}; containers: {}",
                p.pod,
                containers.join(", ")
            ),
        ));
    }
    let lp = LogParams {
        container: Some(container.clone()),
        follow: q.follow,
        tail_lines: Some(tail_lines),
        previous: q.previous,
        ..LogParams::default()
    };
    let what = format!(
        "logs of pod {}/{} container {container}",
        p.namespace, p.pod
    );
    let mut headers = vec![(
        header::CONTENT_TYPE,
        "text/plain; charset=utf-8".to_string(),
    )];
    if q.download {
        headers.push((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}-{container}.log\"", p.pod),
        ));
    }
    let mut resp = if q.follow {
        let reader = kube.call(&what, api.log_stream(&p.pod, &lp)).await?;
        // Fused: the body may be polled again after its end (or after an error), which a bare
        // `unfold` answers with a panic.
        let stream = futures::stream::unfold(Some(Box::pin(reader)), |state| async move {
            let mut r = state?;
            let mut buf = vec![0u8; 8192];
            match r.read(&mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok::<_, std::io::Error>(Bytes::from(buf)), Some(r)))
                }
                Err(e) => Some((Err(e), None)),
            }
        })
        .fuse();
        Body::from_stream(stream).into_response()
    } else {
        let text = kube.call(&what, api.logs(&p.pod, &lp)).await?;
        let n = usize::try_from(tail_lines).unwrap_or(usize::MAX);
        tail(&text, n).to_string().into_response()
    };
    for (k, v) in headers {
        if let Ok(v) = v.parse() {
            resp.headers_mut().insert(k, v);
        }
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc\n");
        assert_eq!(tail("a\nb\nc", 2), "b\nc");
        assert_eq!(tail("a\nb\n", 5), "a\nb\n");
        assert_eq!(tail("", 3), "");
        assert_eq!(tail("a\n", 1), "a\n");
    }
}
