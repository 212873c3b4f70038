//! Info console: run an info command on one or all nodes. Only read-only commands are
//! allowed unless the manager runs with `--allow-info-writes` (writes are then logged).

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::guard::WriteAccess;
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiResult, Problem};
use crate::info::{self, NodeReply};
use crate::state::AppState;
use asinfo::command::InfoCommand;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(run_info))
}

/// Info verbs that only read state.
const READ_ONLY: &[&str] = &[
    "admin-clear-alt",
    "admin-clear-std",
    "alumni-clear-alt",
    "alumni-clear-std",
    "best-practices",
    "build",
    "build_os",
    "build_time",
    "cluster-name",
    "cluster-stable",
    "compatibility-id",
    "connection",
    "edition",
    "endpoints",
    "features",
    "get-config",
    "get-sl",
    "health-outliers",
    "health-stats",
    "help",
    "histogram",
    "index-pressure",
    "latencies",
    "log",
    "logs",
    "mcast",
    "mesh",
    "name",
    "namespace",
    "namespaces",
    "node",
    "objects",
    "partition-generation",
    "partitions",
    "peers-clear-alt",
    "peers-clear-std",
    "peers-generation",
    "peers-tls-alt",
    "peers-tls-std",
    "physical-devices",
    "query-show",
    "racks",
    "rebalance-generation",
    "release",
    "replicas",
    "replicas-all",
    "replicas-master",
    "service",
    "service-clear-alt",
    "service-clear-std",
    "service-tls-alt",
    "service-tls-std",
    "services",
    "services-alternate",
    "services-alumni",
    "sets",
    "sindex",
    "sindex-exists",
    "sindex-list",
    "sindex-stat",
    "smd-info",
    "smd-show",
    "statistics",
    "status",
    "udf-get",
    "udf-list",
    "user-agents",
    "version",
];

/// Whether an info command is read-only (pure).
pub fn is_read_only(command: &str) -> bool {
    let verb = command.split([':', '/']).next().unwrap_or_default().trim();
    READ_ONLY.contains(&verb)
}

/// An info request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InfoRequest {
    /// The command, e.g. `statistics` or `get-config:context=service`.
    #[schema(min_length = 1, max_length = 4096)]
    pub command: String,
    /// Node id; omit to run on every node.
    #[serde(default)]
    pub node: Option<String>,
}

/// Answers of the nodes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InfoResponse {
    /// The command that ran.
    pub command: String,
    /// Whether it was classified as read-only.
    pub read_only: bool,
    /// Per node.
    pub replies: Vec<NodeReply>,
}

/// Run an info command.
#[utoipa::path(post, path = "/clusters/{id}/info", tag = "info", request_body = InfoRequest,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = InfoResponse),
              (status = 403, description = "write command while writes are disabled", body = Problem, content_type = "application/problem+json")))]
async fn run_info(
    State(state): State<AppState>,
    Extension(access): Extension<WriteAccess>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<InfoRequest>,
) -> ApiResult<Json<InfoResponse>> {
    let command = req.command.trim().to_string();
    let cmd = InfoCommand::one_line(&command, 4096).map_err(|_| {
        ApiError::field(
            "command",
            "one command, without newlines, tabs or other control characters, at most 4096 bytes",
        )
    })?;
    let read_only = is_read_only(&command);
    if !read_only && let Some(why) = &access.refused {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "read_only",
            format!("`{command}` may change the cluster and {why}; run read-only commands only"),
        ));
    }
    if !read_only {
        if !state.config.allow_info_writes {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "info_write_forbidden",
                format!(
                    "`{command}` may change the cluster; the console runs read-only commands \
                     only. Start the manager with --allow-info-writes to permit it."
                ),
            ));
        }
        tracing::warn!(profile = id, command = %command, node = ?req.node, "info write command");
    }
    let conn = state.conn(id).await?;
    let replies = match &req.node {
        Some(n) => {
            let node = conn.client.get_node(n).map_err(|_| {
                ApiError::not_found("node_not_found", format!("no node `{n}` in this cluster"))
            })?;
            let response = info::one_node(&conn, Some(n), &cmd).await?;
            vec![NodeReply {
                node: n.clone(),
                address: node.address().to_string(),
                response: Some(response),
                error: None,
            }]
        }
        None => info::all_nodes(&conn, &cmd).await?,
    };
    Ok(Json(InfoResponse {
        command,
        read_only,
        replies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_commands() {
        for c in [
            "statistics",
            "namespace/test",
            "get-config:context=service",
            "latencies:",
            "sindex-list:ns=test",
            "udf-get:filename=x.lua",
        ] {
            assert!(is_read_only(c), "{c}");
        }
        for c in [
            "set-config:context=service;proto-fd-max=1",
            "truncate:namespace=test;set=x",
            "udf-put:filename=x",
            "sindex-delete:ns=t;indexname=i",
            "recluster:",
            "quiesce:",
            "log-set:id=0;misc=debug",
        ] {
            assert!(!is_read_only(c), "{c}");
        }
    }
}
