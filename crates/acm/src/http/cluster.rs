//! Cluster views: nodes, namespaces, sets (with truncate), node/namespace configuration.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clients::Conn;
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiQuery, ApiResult, FieldError, Problem};
use crate::info::{self, ok_replies};
use crate::names;
use crate::state::AppState;
use asinfo::command::InfoCommand;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_nodes))
        .routes(routes!(list_namespaces))
        .routes(routes!(get_namespace))
        .routes(routes!(list_sets))
        .routes(routes!(truncate_token))
        .routes(routes!(truncate_set))
        .routes(routes!(get_config, set_config))
}

/// One node.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    /// Node id.
    pub id: String,
    /// Address used by the manager.
    pub address: String,
    /// Server build, e.g. `8.1.2.0`.
    pub build: Option<String>,
    /// Edition.
    pub edition: Option<String>,
    /// Cluster name.
    pub cluster_name: Option<String>,
    /// Seconds since the node started.
    pub uptime_seconds: Option<u64>,
    /// Open client connections.
    pub client_connections: Option<u64>,
    /// Cluster size as seen by this node (`statistics: cluster_size`).
    pub cluster_size: Option<u64>,
    /// Cluster key as seen by this node.
    pub cluster_key: Option<String>,
    /// Partitions still to migrate.
    pub migrate_partitions_remaining: Option<u64>,
    /// Error when the node did not answer.
    pub error: Option<String>,
}

fn path_err(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("unexpected info reply: {e}"))
}

/// Nodes of the cluster.
#[utoipa::path(get, path = "/clusters/{id}/nodes", tag = "cluster",
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Vec<NodeView>), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 502, body = Problem, content_type = "application/problem+json")))]
async fn list_nodes(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<NodeView>>> {
    let conn = state.conn(id).await?;
    let policy = conn.admin_policy();
    let nodes = conn.client.nodes();
    let views = futures::future::join_all(nodes.iter().map(|n| async move {
        let mut v = NodeView {
            id: n.name().to_string(),
            address: n.address().to_string(),
            build: None,
            edition: None,
            cluster_name: None,
            uptime_seconds: None,
            client_connections: None,
            cluster_size: None,
            cluster_key: None,
            migrate_partitions_remaining: None,
            error: None,
        };
        match n
            .info(&policy, &["build", "edition", "cluster-name", "statistics"])
            .await
        {
            Ok(m) => {
                v.build = m.get("build").cloned();
                v.edition = m.get("edition").cloned();
                v.cluster_name = m.get("cluster-name").cloned().filter(|c| c != "null");
                if let Some(s) = m.get("statistics")
                    && let Ok(st) = asinfo::parse::parse_statistics(s)
                {
                    v.uptime_seconds = st.uptime;
                    v.client_connections = st.client_connections;
                    v.cluster_size = st.cluster_size;
                    v.cluster_key = st.cluster_key;
                    v.migrate_partitions_remaining = st.migrate_partitions_remaining;
                }
            }
            Err(e) => v.error = Some(e.to_string()),
        }
        v
    }))
    .await;
    Ok(Json(views))
}

/// One namespace, aggregated over nodes.
#[derive(Debug, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceView {
    /// Name.
    pub name: String,
    /// Nodes that answered.
    pub nodes: usize,
    /// Unique records (sum of `master_objects`).
    pub objects: u64,
    /// All copies including replicas (sum of `objects`).
    pub replicated_objects: u64,
    /// Tombstones (unique: sum of `master_tombstones`).
    pub tombstones: u64,
    /// Configured replication factor.
    pub replication_factor: Option<u64>,
    /// Effective replication factor (min of RF and cluster size).
    pub effective_replication_factor: Option<u64>,
    /// Storage engine (`memory`, `device`, `pmem`).
    pub storage_engine: Option<String>,
    /// Data bytes used (sum over nodes).
    pub data_used_bytes: u64,
    /// Data bytes total (sum over nodes).
    pub data_total_bytes: u64,
    /// Highest `data_used_pct` of any node.
    pub data_used_pct_max: Option<u64>,
    /// Lowest `data_avail_pct` of any node.
    pub data_avail_pct_min: Option<u64>,
    /// Any node in stop-writes.
    pub stop_writes: bool,
    /// Any node breached the eviction threshold (`hwm_breached`).
    pub evicting: bool,
    /// Evicted objects (sum).
    pub evicted_objects: u64,
    /// Expired objects (sum).
    pub expired_objects: u64,
    /// `default-ttl` (seconds).
    pub default_ttl: Option<u64>,
    /// `nsup-period` (seconds).
    pub nsup_period: Option<u64>,
    /// `evict-tenths-pct`.
    pub evict_tenths_pct: Option<u64>,
    /// `storage-engine.evict-used-pct` (0 = off).
    pub evict_used_pct: Option<u64>,
    /// `evict-indexes-memory-pct` (0 = off).
    pub evict_indexes_memory_pct: Option<u64>,
    /// `storage-engine.stop-writes-used-pct`.
    pub stop_writes_used_pct: Option<u64>,
    /// `storage-engine.stop-writes-avail-pct`.
    pub stop_writes_avail_pct: Option<u64>,
    /// `stop-writes-sys-memory-pct`.
    pub stop_writes_sys_memory_pct: Option<u64>,
    /// Partitions still migrating (sum of tx+rx remaining).
    pub migrate_partitions_remaining: u64,
    /// Sets (only on the single-namespace endpoint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sets: Option<Vec<SetView>>,
}

/// Aggregate the `namespace/<ns>` replies of several nodes (pure). Sums come from
/// [`asinfo::cluster::namespace_totals`]; replies that do not parse are skipped.
pub fn aggregate_namespace(name: &str, replies: &[&str]) -> NamespaceView {
    let infos: Vec<asinfo::parse::NamespaceInfo> = replies
        .iter()
        .filter_map(|r| asinfo::parse::parse_namespace(r).ok())
        .collect();
    let t = asinfo::cluster::namespace_totals(&infos);
    let mut v = NamespaceView {
        name: name.to_string(),
        nodes: t.nodes,
        objects: t.objects,
        replicated_objects: t.objects_all_copies,
        tombstones: t.tombstones,
        data_used_bytes: t.data_used_bytes,
        data_total_bytes: t.data_total_bytes,
        migrate_partitions_remaining: t.migrate_partitions_remaining,
        stop_writes: t.stop_writes,
        ..Default::default()
    };
    for ns in &infos {
        let n = |k: &str| ns.other.get(k).and_then(|x| x.parse::<u64>().ok());
        v.stop_writes |= ns.clock_skew_stop_writes == Some(true);
        v.evicting |= ns.hwm_breached == Some(true);
        v.evicted_objects += n("evicted_objects").unwrap_or(0);
        v.expired_objects += n("expired_objects").unwrap_or(0);
        if let Some(p) = ns.data_used_pct {
            v.data_used_pct_max = Some(v.data_used_pct_max.map_or(p, |m| m.max(p)));
        }
        if let Some(p) = ns.data_avail_pct {
            v.data_avail_pct_min = Some(v.data_avail_pct_min.map_or(p, |m| m.min(p)));
        }
        v.replication_factor = v.replication_factor.or(ns.replication_factor);
        v.effective_replication_factor = v
            .effective_replication_factor
            .or(ns.effective_replication_factor);
        v.storage_engine = v
            .storage_engine
            .take()
            .or_else(|| ns.storage_engine.clone());
        v.default_ttl = v.default_ttl.or(ns.default_ttl);
        v.nsup_period = v.nsup_period.or(n("nsup-period"));
        v.evict_tenths_pct = v.evict_tenths_pct.or(n("evict-tenths-pct"));
        v.evict_used_pct = v.evict_used_pct.or(n("storage-engine.evict-used-pct"));
        v.evict_indexes_memory_pct = v.evict_indexes_memory_pct.or(n("evict-indexes-memory-pct"));
        v.stop_writes_used_pct = v
            .stop_writes_used_pct
            .or(n("storage-engine.stop-writes-used-pct"));
        v.stop_writes_avail_pct = v
            .stop_writes_avail_pct
            .or(n("storage-engine.stop-writes-avail-pct"));
        v.stop_writes_sys_memory_pct = v
            .stop_writes_sys_memory_pct
            .or(n("stop-writes-sys-memory-pct"));
    }
    v
}

pub(crate) async fn namespace_names(conn: &Conn) -> ApiResult<Vec<String>> {
    let raw = info::one_node(conn, None, &names::verb_cmd("namespaces")?).await?;
    asinfo::parse::parse_namespaces(&raw).map_err(path_err)
}

async fn namespace_view(conn: &Conn, ns: &str) -> ApiResult<NamespaceView> {
    names::namespace("ns", ns)?;
    let replies = info::all_nodes(conn, &names::path_cmd("namespace", &[ns])?).await?;
    let ok: Vec<&str> = ok_replies(&replies)
        .map(|(_, r)| r)
        .filter(|r| r.contains("objects="))
        .collect();
    if ok.is_empty() {
        return Err(ApiError::not_found(
            "namespace_not_found",
            format!("namespace `{ns}` does not exist on this cluster"),
        ));
    }
    Ok(aggregate_namespace(ns, &ok))
}

/// Namespaces with their aggregated statistics.
#[utoipa::path(get, path = "/clusters/{id}/namespaces", tag = "cluster",
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Vec<NamespaceView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_namespaces(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<NamespaceView>>> {
    let conn = state.conn(id).await?;
    let mut out = Vec::new();
    for ns in namespace_names(&conn).await? {
        out.push(namespace_view(&conn, &ns).await?);
    }
    Ok(Json(out))
}

/// One namespace with its sets.
#[utoipa::path(get, path = "/clusters/{id}/namespaces/{ns}", tag = "cluster",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace")),
    responses((status = 200, body = NamespaceView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_namespace(
    State(state): State<AppState>,
    Path((id, ns)): Path<(i64, String)>,
) -> ApiResult<Json<NamespaceView>> {
    names::namespace("ns", &ns)?;
    let conn = state.conn(id).await?;
    let mut v = namespace_view(&conn, &ns).await?;
    v.sets = Some(set_views(&conn, &ns, v.effective_replication_factor).await?);
    Ok(Json(v))
}

/// One set, aggregated over nodes.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetView {
    /// Namespace.
    pub namespace: String,
    /// Set name.
    pub name: String,
    /// Unique records (all copies divided by the effective replication factor).
    pub objects: u64,
    /// Tombstones (unique).
    pub tombstones: u64,
    /// Data bytes (unique copies).
    pub data_used_bytes: u64,
    /// Secondary indexes on the set.
    pub sindexes: u64,
    /// Last truncate time (server clock, ms since 2010-01-01), 0 if never.
    pub truncate_lut: u64,
    /// `stop-writes-count` (0 = off).
    pub stop_writes_count: u64,
    /// `default-ttl` of the set, if set.
    pub default_ttl: Option<u64>,
}

/// Aggregate `sets/<ns>` replies of several nodes (pure): sums and the unique-record
/// estimate from [`asinfo::cluster::set_totals`], the per-set settings from the replies.
pub fn aggregate_sets(ns: &str, replies: &[&str], erf: u64) -> Vec<SetView> {
    let erf = erf.max(1);
    let infos: Vec<asinfo::parse::SetInfo> = replies
        .iter()
        .filter_map(|r| asinfo::parse::parse_sets(r).ok())
        .flatten()
        .map(|mut s| {
            s.ns.get_or_insert_with(|| ns.to_string());
            s
        })
        .collect();
    let mut sets: BTreeMap<String, SetView> = asinfo::cluster::set_totals(&infos, |_| Some(erf))
        .into_iter()
        .filter(|t| t.ns == ns)
        .map(|t| {
            let v = SetView {
                namespace: ns.to_string(),
                name: t.set.clone(),
                objects: t.objects_estimated,
                tombstones: t.tombstones / erf,
                data_used_bytes: t.data_used_bytes / erf,
                ..Default::default()
            };
            (t.set, v)
        })
        .collect();
    for s in &infos {
        let Some(e) = s.set.as_ref().and_then(|n| sets.get_mut(n)) else {
            continue;
        };
        e.sindexes = e.sindexes.max(s.sindexes.unwrap_or(0));
        e.truncate_lut = e.truncate_lut.max(s.truncate_lut.unwrap_or(0));
        e.stop_writes_count = e.stop_writes_count.max(s.stop_writes_count.unwrap_or(0));
        e.default_ttl = e.default_ttl.or(s.default_ttl);
    }
    sets.into_values().collect()
}

pub(crate) async fn set_views(conn: &Conn, ns: &str, erf: Option<u64>) -> ApiResult<Vec<SetView>> {
    let erf = match erf {
        Some(e) => e,
        None => namespace_view(conn, ns)
            .await?
            .effective_replication_factor
            .unwrap_or(1),
    };
    let replies = info::all_nodes(conn, &names::path_cmd("sets", &[ns])?).await?;
    let ok: Vec<&str> = ok_replies(&replies).map(|(_, r)| r).collect();
    Ok(aggregate_sets(ns, &ok, erf))
}

/// Sets of a namespace.
#[utoipa::path(get, path = "/clusters/{id}/namespaces/{ns}/sets", tag = "cluster",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace")),
    responses((status = 200, body = Vec<SetView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_sets(
    State(state): State<AppState>,
    Path((id, ns)): Path<(i64, String)>,
) -> ApiResult<Json<Vec<SetView>>> {
    names::namespace("ns", &ns)?;
    let conn = state.conn(id).await?;
    let v = namespace_view(&conn, &ns).await?;
    Ok(Json(
        set_views(&conn, &ns, v.effective_replication_factor).await?,
    ))
}

/// A confirmation token for a destructive operation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmToken {
    /// Send this back to confirm.
    pub token: String,
    /// Unix time (s) after which the token is refused.
    pub expires_at: i64,
    /// Records that will be removed (estimate).
    pub objects: u64,
}

const TOKEN_TTL_SECS: i64 = 120;

fn sign(secret: &[u8; 32], what: &str, expires: i64) -> String {
    let mut h = Sha256::new();
    h.update(secret);
    h.update(what.as_bytes());
    h.update(expires.to_be_bytes());
    format!("{expires}.{}", B64.encode(&h.finalize()[..18]))
}

/// Check a confirmation token (pure apart from the clock value passed in).
pub fn check_token(secret: &[u8; 32], what: &str, token: &str, now: i64) -> Result<(), ApiError> {
    let bad =
        |m: &str| ApiError::field("confirmToken", m.to_string()).with_code("confirmation_invalid");
    let (exp, _) = token
        .split_once('.')
        .ok_or_else(|| bad("malformed token"))?;
    let exp: i64 = exp.parse().map_err(|_| bad("malformed token"))?;
    if exp < now {
        return Err(bad("the token expired; request a new one"));
    }
    if sign(secret, what, exp) != token {
        return Err(bad(
            "the token was issued for another set or by another manager process",
        ));
    }
    Ok(())
}

/// Ask for a token to confirm truncating a set (valid 2 minutes).
#[utoipa::path(post, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/truncate-token", tag = "cluster",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set")),
    responses((status = 200, body = ConfirmToken), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn truncate_token(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
) -> ApiResult<Json<ConfirmToken>> {
    let set = crate::http::address::truncatable_set(&set)?;
    names::ns_set(&ns, &set)?;
    let conn = state.conn(id).await?;
    let sets = set_views(&conn, &ns, None).await?;
    let objects = sets.iter().find(|s| s.name == set).map_or(0, |s| s.objects);
    let expires_at = jiff::Timestamp::now().as_second() + TOKEN_TTL_SECS;
    Ok(Json(ConfirmToken {
        token: sign(&state.token_secret, &format!("{id}/{ns}/{set}"), expires_at),
        expires_at,
        objects,
    }))
}

/// Confirmation of a truncate.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TruncateRequest {
    /// Token from the `truncate-token` endpoint.
    pub confirm_token: String,
}

/// Truncate a set (removes every record of the set on all nodes).
#[utoipa::path(post, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/truncate", tag = "cluster",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set")),
    request_body = TruncateRequest,
    responses((status = 204), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn truncate_set(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
    ApiJson(req): ApiJson<TruncateRequest>,
) -> ApiResult<StatusCode> {
    let set = crate::http::address::truncatable_set(&set)?;
    names::ns_set(&ns, &set)?;
    check_token(
        &state.token_secret,
        &format!("{id}/{ns}/{set}"),
        &req.confirm_token,
        jiff::Timestamp::now().as_second(),
    )?;
    let conn = state.conn(id).await?;
    let policy = conn.admin_policy();
    conn.client
        .truncate(&policy, &ns, &set, 0)
        .await
        .map_err(|e| ApiError::from_aerospike(&e, &format!("truncate {ns}/{set}")))?;
    tracing::warn!(profile = id, namespace = %ns, set = %set, "set truncated");
    Ok(StatusCode::NO_CONTENT)
}

/// Which configuration to read.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ConfigParams {
    /// `service`, `network`, `namespace`, `logging`, `mod-lua` (default `service`).
    #[serde(default)]
    pub context: Option<String>,
    /// Namespace (required for `namespace`).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Only this node (default: all).
    #[serde(default)]
    pub node: Option<String>,
}

/// Configuration of one node.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeConfig {
    /// Node id.
    pub node: String,
    /// Address.
    pub address: String,
    /// Key → value.
    pub config: BTreeMap<String, String>,
    /// Error, when the node failed.
    pub error: Option<String>,
}

const CONTEXTS: &[&str] = &["service", "network", "namespace", "logging", "mod-lua"];

fn config_command(context: &str, namespace: Option<&str>) -> ApiResult<InfoCommand> {
    if !CONTEXTS.contains(&context) {
        return Err(ApiError::field(
            "context",
            format!("`{context}` is not one of {}", CONTEXTS.join(", ")),
        ));
    }
    match (context, namespace) {
        ("namespace", Some(ns)) if !ns.is_empty() => {
            names::namespace("namespace", ns)?;
            names::params_cmd("get-config", &[("context", "namespace"), ("id", ns)])
        }
        ("namespace", _) => Err(ApiError::field(
            "namespace",
            "required for context `namespace`",
        )),
        (c, _) => names::params_cmd("get-config", &[("context", c)]),
    }
}

/// Read configuration (`get-config`) from one or all nodes.
#[utoipa::path(get, path = "/clusters/{id}/config", tag = "cluster", params(("id" = i64, Path, description = "Profile id"), ConfigParams),
    responses((status = 200, body = Vec<NodeConfig>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn get_config(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ConfigParams>,
) -> ApiResult<Json<Vec<NodeConfig>>> {
    let cmd = config_command(
        q.context.as_deref().unwrap_or("service"),
        q.namespace.as_deref(),
    )?;
    let conn = state.conn(id).await?;
    let replies = info::all_nodes(&conn, &cmd).await?;
    let mut out = Vec::new();
    for r in replies {
        if q.node.as_deref().is_some_and(|n| n != r.node) {
            continue;
        }
        let (config, error) = match (&r.response, &r.error) {
            (Some(resp), _) if resp.starts_with("ERROR") || resp.starts_with("FAIL") => {
                (BTreeMap::new(), Some(resp.clone()))
            }
            (Some(resp), _) => (asinfo::parse::kv::semicolon_pairs(resp), None),
            (None, e) => (BTreeMap::new(), e.clone()),
        };
        out.push(NodeConfig {
            node: r.node,
            address: r.address,
            config,
            error,
        });
    }
    if let Some(n) = &q.node
        && out.is_empty()
    {
        return Err(ApiError::not_found(
            "node_not_found",
            format!("no node `{n}` in this cluster"),
        ));
    }
    if out.iter().all(|c| c.error.is_some()) && q.context.as_deref() == Some("namespace") {
        return Err(ApiError::not_found(
            "namespace_not_found",
            format!(
                "namespace `{}` does not exist",
                q.namespace.unwrap_or_default()
            ),
        ));
    }
    Ok(Json(out))
}

/// A set-config request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetConfigRequest {
    /// `service`, `network`, `namespace`, `logging`.
    pub context: String,
    /// Namespace (for `namespace`).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Only this node (default: all nodes).
    #[serde(default)]
    pub node: Option<String>,
    /// Keys and new values, e.g. `{"default-ttl": "3600"}` or
    /// `{"storage-engine.evict-used-pct": "70"}`.
    pub params: BTreeMap<String, String>,
}

/// One node's answer to one key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetConfigResult {
    /// Node id.
    pub node: String,
    /// Key.
    pub key: String,
    /// True when the server answered `ok`.
    pub ok: bool,
    /// The server's answer, verbatim.
    pub response: String,
}

/// Check every key is dynamic in server 8.x and build the commands (pure).
pub fn set_config_commands(req: &SetConfigRequest) -> ApiResult<Vec<(String, InfoCommand)>> {
    let mut errs = Vec::new();
    let mut cmds = Vec::new();
    let base: Vec<(&str, &str)> = match req.context.as_str() {
        "namespace" => match req.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => {
                names::namespace("namespace", ns)?;
                vec![("context", "namespace"), ("id", ns)]
            }
            _ => {
                return Err(ApiError::field(
                    "namespace",
                    "required for context `namespace`",
                ));
            }
        },
        c @ ("service" | "network" | "logging") => vec![("context", c)],
        other => {
            return Err(ApiError::field(
                "context",
                format!("`{other}` is not one of service, network, namespace, logging"),
            ));
        }
    };
    if req.params.is_empty() {
        return Err(ApiError::field("params", "give at least one key to change"));
    }
    for (key, value) in &req.params {
        let full = format!("{}.{key}", req.context);
        let (ctx, leaf) = full.rsplit_once('.').unwrap_or((&req.context, key));
        let field = format!("params.{key}");
        if aerospike_conf::is_enterprise_only(&full) {
            errs.push(FieldError {
                field,
                message: "Enterprise-only setting; Community Edition does not have it".into(),
            });
            continue;
        }
        match aerospike_conf::knowledge::dynamism(ctx, leaf) {
            aerospike_conf::Dynamism::Dynamic => {}
            aerospike_conf::Dynamism::Static => {
                errs.push(FieldError {
                    field,
                    message: "static setting: change it in aerospike.conf and restart the node"
                        .into(),
                });
                continue;
            }
            aerospike_conf::Dynamism::Unknown => {
                errs.push(FieldError {
                    field,
                    message: "not a known dynamic setting of server 8.x; only dynamic keys can be set at runtime".into(),
                });
                continue;
            }
        }
        if value.is_empty() || value.contains([';', ':', '\n', '=']) {
            errs.push(FieldError {
                field,
                message: "value must be non-empty without `;`, `:`, `=` or newlines".into(),
            });
            continue;
        }
        let mut params = base.clone();
        params.push((key, value));
        match InfoCommand::with_params("set-config", &params) {
            Ok(cmd) => cmds.push((key.clone(), cmd)),
            Err(e) => errs.push(FieldError {
                field,
                message: e.to_string(),
            }),
        }
    }
    if errs.is_empty() {
        Ok(cmds)
    } else {
        Err(ApiError::fields(errs))
    }
}

/// Change dynamic configuration (`set-config`) and return each node's answer.
#[utoipa::path(post, path = "/clusters/{id}/config", tag = "cluster", request_body = SetConfigRequest,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Vec<SetConfigResult>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn set_config(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<SetConfigRequest>,
) -> ApiResult<Json<Vec<SetConfigResult>>> {
    let cmds = set_config_commands(&req)?;
    let conn = state.conn(id).await?;
    let mut out = Vec::new();
    for (key, cmd) in cmds {
        let replies = match &req.node {
            Some(n) => {
                let resp = info::one_node(&conn, Some(n), &cmd).await?;
                vec![info::NodeReply {
                    node: n.clone(),
                    address: String::new(),
                    response: Some(resp),
                    error: None,
                }]
            }
            None => info::all_nodes(&conn, &cmd).await?,
        };
        tracing::warn!(profile = id, command = %cmd, "set-config");
        for r in replies {
            let response = r.response.or(r.error).unwrap_or_default();
            out.push(SetConfigResult {
                node: r.node,
                key: key.clone(),
                ok: response.trim() == "ok",
                response,
            });
        }
    }
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST: &str = "acm namespace aggregation";

    #[test]
    fn namespace_aggregation_on_real_3_node_replies() {
        if asinfo::fixtures::ce81_or_skip(TEST).is_none() {
            return;
        }
        let fixture = |p: &str| asinfo::fixtures::ce81_value(TEST, p).unwrap();
        let replies: Vec<String> = (1..=3)
            .map(|i| fixture(&format!("cluster-3/node{i}/namespace_test.txt")))
            .collect();
        let refs: Vec<&str> = replies.iter().map(String::as_str).collect();
        let v = aggregate_namespace("test", &refs);
        assert_eq!(v.nodes, 3);
        assert_eq!(v.replication_factor, Some(2));
        assert_eq!(v.effective_replication_factor, Some(2));
        // 1,000 users records at RF 2 (before the bulk load): unique = master sum
        assert_eq!(v.replicated_objects, 2 * v.objects);
        assert_eq!(v.stop_writes_used_pct, Some(70));
        // The same sums as asinfo's cluster totals (one implementation).
        let infos: Vec<_> = refs
            .iter()
            .map(|r| asinfo::parse::parse_namespace(r).unwrap())
            .collect();
        let t = asinfo::cluster::namespace_totals(&infos);
        assert_eq!(
            (v.objects, v.replicated_objects, v.data_used_bytes),
            (t.objects, t.objects_all_copies, t.data_used_bytes)
        );
        let sets: Vec<String> = (1..=3)
            .map(|i| fixture(&format!("cluster-3/node{i}/sets_test.txt")))
            .collect();
        let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
        let s = aggregate_sets("test", &refs, 2);
        let users = s.iter().find(|s| s.name == "users").unwrap();
        assert!(users.objects > 0 && users.objects <= v.objects);
        assert_eq!(users.namespace, "test");
    }

    #[test]
    fn set_config_only_accepts_dynamic_keys() {
        let req = |ctx: &str, k: &str| SetConfigRequest {
            context: ctx.into(),
            namespace: Some("test".into()),
            node: None,
            params: [(k.to_string(), "10".to_string())].into(),
        };
        let cmds = set_config_commands(&req("namespace", "default-ttl")).unwrap();
        assert_eq!(
            cmds[0].1.as_str(),
            "set-config:context=namespace;id=test;default-ttl=10"
        );
        let e = set_config_commands(&req("namespace", "replication-factor")).unwrap_err();
        assert_eq!(e.fields[0].field, "params.replication-factor");
        let e = set_config_commands(&req("namespace", "no-such-key")).unwrap_err();
        assert!(e.fields[0].message.contains("dynamic"));
        let e = set_config_commands(&req("xdr", "a")).unwrap_err();
        assert_eq!(e.fields[0].field, "context");
    }

    #[test]
    fn tokens_are_bound_and_expire() {
        let s = [7u8; 32];
        let t = sign(&s, "1/test/users", 1000);
        assert!(check_token(&s, "1/test/users", &t, 999).is_ok());
        assert!(check_token(&s, "1/test/other", &t, 999).is_err());
        assert!(check_token(&s, "1/test/users", &t, 1001).is_err());
        assert!(check_token(&[8u8; 32], "1/test/users", &t, 999).is_err());
        assert!(check_token(&s, "1/test/users", "junk", 0).is_err());
    }
}
