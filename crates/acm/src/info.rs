//! Info commands through a profile's client, on one node or all nodes. Commands are
//! [`InfoCommand`]s only, built from checked parts, so no route can send a name that
//! starts a second command.

use asinfo::command::InfoCommand;
use futures::future::join_all;
use serde::Serialize;
use utoipa::ToSchema;

use crate::clients::Conn;
use crate::error::{ApiError, ApiResult};

/// One node's answer to an info command.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeReply {
    /// Node id.
    pub node: String,
    /// Node address (`host:port`).
    pub address: String,
    /// The reply value, when the node answered.
    pub response: Option<String>,
    /// Error, when the node did not answer.
    pub error: Option<String>,
}

/// Run `cmd` on every node (concurrently).
pub async fn all_nodes(conn: &Conn, cmd: &InfoCommand) -> ApiResult<Vec<NodeReply>> {
    let cmd = cmd.as_str();
    let nodes = conn.client.nodes();
    if nodes.is_empty() {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_GATEWAY,
            "cluster_unreachable",
            "the client has no live node; the cluster is down or unreachable",
        ));
    }
    let pol = conn.admin_policy();
    let futs = nodes.iter().map(|n| async move {
        let res = n.info(&pol, &[cmd]).await;
        let (response, error) = match res {
            Ok(mut m) => (Some(m.swap_remove(cmd).unwrap_or_default()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        NodeReply {
            node: n.name().to_string(),
            address: n.address().to_string(),
            response,
            error,
        }
    });
    Ok(join_all(futs).await)
}

/// Run `cmd` on one node (by name) or on a random node.
pub async fn one_node(conn: &Conn, node: Option<&str>, cmd: &InfoCommand) -> ApiResult<String> {
    let cmd = cmd.as_str();
    let n = match node {
        Some(name) => conn.client.get_node(name).map_err(|_| {
            ApiError::not_found(
                "node_not_found",
                format!("no node `{name}` in this cluster; list nodes with GET .../nodes"),
            )
        })?,
        None => conn
            .client
            .random_node()
            .map_err(|e| ApiError::from_aerospike(&e, "pick a node"))?,
    };
    let mut m = n
        .info(&conn.admin_policy(), &[cmd])
        .await
        .map_err(|e| ApiError::from_aerospike(&e, &format!("info `{cmd}`")))?;
    Ok(m.swap_remove(cmd).unwrap_or_default())
}

/// Only the successful replies, with the node name.
pub fn ok_replies(replies: &[NodeReply]) -> impl Iterator<Item = (&str, &str)> {
    replies
        .iter()
        .filter_map(|r| r.response.as_deref().map(|v| (r.node.as_str(), v)))
}
