//! Auto-connect: a connection profile for each cluster the manager creates, pointing at the
//! cluster's headless Service (`<name>-headless.<namespace>.svc.cluster.local:<port>`, the name
//! acko-render gives it). The link is stored in SQLite (`k8s_profile_links`), so deleting the
//! cluster removes exactly the profiles it created, and a profile deleted by hand is forgotten.

use acko_api::AerospikeClusterSpec;
use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::profiles::ProfileInput;
use crate::state::AppState;

/// What auto-connect did.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AutoConnect {
    /// The created profile, when it was created.
    pub profile_id: Option<i64>,
    /// Seed address of the profile.
    pub host: String,
    /// Why no profile was created (the cluster itself was created).
    pub error: Option<String>,
}

/// Aerospike service port of a spec (`aerospikeConfig.network.service.port`, default 3000).
pub fn service_port(spec: &AerospikeClusterSpec) -> u16 {
    spec.aerospike_config
        .as_ref()
        .and_then(|c| c.get("network"))
        .and_then(|n| n.get("service"))
        .and_then(|s| s.get("port"))
        .and_then(serde_json::Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(3000)
}

/// Cluster name the nodes report (`service.cluster-name`, default: the resource name).
pub fn cluster_name(spec: &AerospikeClusterSpec, name: &str) -> String {
    spec.aerospike_config
        .as_ref()
        .and_then(|c| c.get("service"))
        .and_then(|s| s.get("cluster-name"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or(name)
        .to_string()
}

/// `<name>-headless.<namespace>.svc.cluster.local:<port>`.
pub fn headless_host(name: &str, namespace: &str, port: u16) -> String {
    format!(
        "{}.{namespace}.svc.cluster.local:{port}",
        acko_render::names::headless_service(name)
    )
}

/// Profile name for a cluster: `k8s-<namespace>-<name>`.
pub fn profile_name(name: &str, namespace: &str) -> String {
    format!("k8s-{namespace}-{name}")
}

/// Create the profile of a new cluster and record the link.
pub async fn create(
    state: &AppState,
    namespace: &str,
    name: &str,
    spec: &AerospikeClusterSpec,
) -> AutoConnect {
    let host = headless_host(name, namespace, service_port(spec));
    let input = ProfileInput {
        name: profile_name(name, namespace),
        hosts: vec![host.clone()],
        port: service_port(spec),
        cluster_name: Some(cluster_name(spec, name)),
        user: None,
        password: None,
        color: crate::profiles::DEFAULT_COLOR.to_string(),
        description: format!("created with AerospikeCluster {namespace}/{name} (auto-connect)"),
        labels: [
            ("k8s.namespace".to_string(), namespace.to_string()),
            ("k8s.cluster".to_string(), name.to_string()),
        ]
        .into(),
        use_services_alternate: false,
        connect_timeout_ms: 5000,
        timeout_ms: 10000,
    };
    let created = match state.store.create(&input, false).await {
        Ok(p) => p,
        Err(e) => {
            return AutoConnect {
                profile_id: None,
                host,
                error: Some(e.detail),
            };
        }
    };
    let res = sqlx::query(
        "INSERT INTO k8s_profile_links (profile_id, namespace, cluster, created_at) VALUES (?,?,?,?)",
    )
    .bind(created.id)
    .bind(namespace)
    .bind(name)
    .bind(jiff::Timestamp::now().to_string())
    .execute(state.store.pool())
    .await;
    AutoConnect {
        profile_id: Some(created.id),
        host,
        error: res
            .err()
            .map(|e| format!("profile created but not linked: {e}")),
    }
}

/// Profiles created for a cluster.
pub async fn linked(state: &AppState, namespace: &str, name: &str) -> ApiResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT profile_id FROM k8s_profile_links WHERE namespace = ? AND cluster = ? ORDER BY profile_id",
    )
    .bind(namespace)
    .bind(name)
    .fetch_all(state.store.pool())
    .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>("profile_id").map_err(Into::into))
        .collect()
}

/// Delete the profiles created for a cluster (and close their clients); returns their ids.
pub async fn remove(state: &AppState, namespace: &str, name: &str) -> ApiResult<Vec<i64>> {
    let ids = linked(state, namespace, name).await?;
    for id in &ids {
        state.clients.invalidate(*id);
        // Already gone is fine: the link cascades away with the profile.
        let _ = state.store.delete(*id).await;
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headless_host_uses_the_rendered_service_name() {
        assert_eq!(
            headless_host("demo", "prod", 3000),
            "demo-headless.prod.svc.cluster.local:3000"
        );
        let spec: AerospikeClusterSpec = serde_json::from_value(serde_json::json!({
            "aerospikeConfig": {"network": {"service": {"port": 4000}}, "service": {"cluster-name": "x"}}
        }))
        .unwrap();
        assert_eq!(service_port(&spec), 4000);
        assert_eq!(cluster_name(&spec, "demo"), "x");
        assert_eq!(service_port(&AerospikeClusterSpec::default()), 3000);
        assert_eq!(
            cluster_name(&AerospikeClusterSpec::default(), "demo"),
            "demo"
        );
    }
}
