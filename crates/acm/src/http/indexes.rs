//! Secondary indexes: list with per-node state and build progress, create, drop.

use std::collections::BTreeMap;

use aerospike::IndexType;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiQuery, ApiResult, FieldError, Problem};
use crate::http::cluster::namespace_names;
use crate::http::query::{parse_collection, parse_context};
use crate::info::{self, ok_replies};
use crate::names;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_indexes, create_index))
        .routes(routes!(drop_index))
}

/// State of an index on one node.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndexNodeState {
    /// Node id.
    pub node: String,
    /// `ready` (RW), `building` (WO), `error`, or the raw server state.
    pub state: String,
    /// Build progress in percent (from `load_pct`), when building.
    pub load_pct: Option<u64>,
}

/// One secondary index.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndexView {
    /// Namespace.
    pub namespace: String,
    /// Index name.
    pub name: String,
    /// Set, or null for the whole namespace.
    pub set: Option<String>,
    /// Bin, or null for expression indexes.
    pub bin: Option<String>,
    /// `numeric`, `string`, `geo2dsphere`, `blob`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// `default`, `list`, `mapkeys`, `mapvalues`.
    pub collection: Option<String>,
    /// CDT context as the server prints it.
    pub context: Option<String>,
    /// Expression (expression indexes).
    pub expression: Option<String>,
    /// `ready` when every node is ready, else `building` or `error`.
    pub state: String,
    /// Per node.
    pub nodes: Vec<IndexNodeState>,
}

fn state_name(s: &asinfo::parse::SindexState) -> String {
    match s {
        asinfo::parse::SindexState::ReadWrite => "ready".into(),
        asinfo::parse::SindexState::WriteOnly => "building".into(),
        asinfo::parse::SindexState::Error => "error".into(),
        asinfo::parse::SindexState::Other(o) => o.to_lowercase(),
    }
}

/// Merge per-node `sindex-list` replies (pure).
pub fn merge_lists(replies: &[(&str, &str)]) -> Vec<IndexView> {
    let mut out: BTreeMap<(String, String), IndexView> = BTreeMap::new();
    for (node, raw) in replies {
        let Ok(list) = asinfo::parse::parse_sindex_list(raw) else {
            continue;
        };
        for d in list {
            let e = out
                .entry((d.ns.clone(), d.name.clone()))
                .or_insert_with(|| IndexView {
                    namespace: d.ns.clone(),
                    name: d.name.clone(),
                    set: d.set.clone().filter(|s| s != "null"),
                    bin: d.bin.clone().filter(|s| s != "null"),
                    type_: d.key_type.clone(),
                    collection: d.index_type.clone(),
                    context: d.context.clone(),
                    expression: d.exp.clone(),
                    state: String::new(),
                    nodes: vec![],
                });
            e.nodes.push(IndexNodeState {
                node: (*node).to_string(),
                state: state_name(&d.state),
                load_pct: None,
            });
        }
    }
    out.into_values()
        .map(|mut v| {
            v.state = if v.nodes.iter().all(|n| n.state == "ready") {
                "ready".into()
            } else if v.nodes.iter().any(|n| n.state == "error") {
                "error".into()
            } else {
                "building".into()
            };
            v
        })
        .collect()
}

/// Filter by namespace.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndexListParams {
    /// Only this namespace.
    pub namespace: Option<String>,
}

/// List secondary indexes with each node's state and build progress.
#[utoipa::path(get, path = "/clusters/{id}/indexes", tag = "indexes",
    params(("id" = i64, Path, description = "Profile id"), IndexListParams),
    responses((status = 200, body = Vec<IndexView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_indexes(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<IndexListParams>,
) -> ApiResult<Json<Vec<IndexView>>> {
    if let Some(ns) = &q.namespace {
        names::namespace("namespace", ns)?;
    }
    let conn = state.conn(id).await?;
    let namespaces = match q.namespace {
        Some(ns) => vec![ns],
        None => namespace_names(&conn).await?,
    };
    let mut all = Vec::new();
    for ns in namespaces {
        let replies =
            info::all_nodes(&conn, &names::params_cmd("sindex-list", &[("ns", &ns)])?).await?;
        let ok: Vec<(&str, &str)> = ok_replies(&replies).collect();
        let mut views = merge_lists(&ok);
        for v in &mut views {
            for n in &mut v.nodes {
                if n.state != "ready" {
                    // Names come from the server's own list; one that cannot form a
                    // command is shown without progress.
                    let Ok(cmd) = names::path_cmd("sindex", &[&v.namespace, &v.name]) else {
                        continue;
                    };
                    if let Ok(raw) = info::one_node(&conn, Some(&n.node), &cmd).await {
                        n.load_pct = asinfo::parse::kv::semicolon_pairs(&raw)
                            .get("load_pct")
                            .and_then(|p| p.parse().ok());
                    }
                }
            }
        }
        all.extend(views);
    }
    Ok(Json(all))
}

/// A new secondary index.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateIndex {
    /// Namespace.
    pub namespace: String,
    /// Set (omit to index the whole namespace).
    #[serde(default)]
    pub set: Option<String>,
    /// Index name (1–255 bytes, no control characters, `:`, `;`, `=` or `/`).
    pub name: String,
    /// Bin to index.
    pub bin: String,
    /// `numeric`, `string`, `geo2dsphere` or `blob`.
    #[serde(rename = "type")]
    pub type_: String,
    /// `default` (scalar), `list`, `mapkeys` or `mapvalues`.
    #[serde(default)]
    pub collection: Option<String>,
    /// CDT context, e.g. `[{"mapKey": "city"}]`.
    #[serde(default)]
    pub context: Option<Vec<serde_json::Value>>,
}

/// Create a secondary index. The answer comes once the server accepted it; the build
/// continues in the background (see the list's `loadPct`).
#[utoipa::path(post, path = "/clusters/{id}/indexes", tag = "indexes", request_body = CreateIndex,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 201, body = IndexView), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn create_index(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<CreateIndex>,
) -> ApiResult<(StatusCode, Json<IndexView>)> {
    let mut errs = Vec::new();
    for check in [
        names::namespace("namespace", &req.namespace),
        names::set("set", req.set.as_deref().unwrap_or("")),
        names::index("name", &req.name),
        names::bin("bin", &req.bin),
    ] {
        if let Err(e) = check {
            errs.extend(e.fields);
        }
    }
    let index_type = match req.type_.as_str() {
        "numeric" => Some(IndexType::Numeric),
        "string" => Some(IndexType::String),
        "geo2dsphere" => Some(IndexType::Geo2DSphere),
        "blob" => Some(IndexType::Blob),
        other => {
            errs.push(FieldError {
                field: "type".into(),
                message: format!("`{other}` is not numeric, string, geo2dsphere or blob"),
            });
            None
        }
    };
    let cit = parse_collection(req.collection.as_deref(), "collection")
        .map_err(|e| errs.push(e))
        .ok();
    let ctx = match &req.context {
        Some(c) if !c.is_empty() => parse_context(c, "context").map_err(|e| errs.push(e)).ok(),
        _ => None,
    };
    let (Some(index_type), Some(cit)) = (index_type, cit) else {
        return Err(ApiError::fields(errs));
    };
    if !errs.is_empty() {
        return Err(ApiError::fields(errs));
    }
    let conn = state.conn(id).await?;
    let policy = conn.admin_policy();
    conn.client
        .create_index_on_bin(
            &policy,
            &req.namespace,
            req.set.as_deref().unwrap_or(""),
            &req.bin,
            &req.name,
            index_type,
            cit,
            ctx.as_deref(),
        )
        .await
        .map_err(|e| ApiError::from_aerospike(&e, &format!("create index `{}`", req.name)))?;
    let replies = info::all_nodes(
        &conn,
        &names::params_cmd("sindex-list", &[("ns", &req.namespace)])?,
    )
    .await?;
    let ok: Vec<(&str, &str)> = ok_replies(&replies).collect();
    let view = merge_lists(&ok)
        .into_iter()
        .find(|v| v.name == req.name)
        .unwrap_or(IndexView {
            namespace: req.namespace.clone(),
            name: req.name.clone(),
            set: req.set.clone(),
            bin: Some(req.bin.clone()),
            type_: Some(req.type_.clone()),
            collection: req.collection.clone(),
            context: None,
            expression: None,
            state: "building".into(),
            nodes: vec![],
        });
    Ok((StatusCode::CREATED, Json(view)))
}

/// Drop a secondary index.
#[utoipa::path(delete, path = "/clusters/{id}/indexes/{ns}/{name}", tag = "indexes",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("name" = String, Path, description = "Index name")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn drop_index(
    State(state): State<AppState>,
    Path((id, ns, name)): Path<(i64, String, String)>,
) -> ApiResult<StatusCode> {
    names::namespace("ns", &ns)?;
    names::index("name", &name)?;
    let conn = state.conn(id).await?;
    let replies =
        info::all_nodes(&conn, &names::params_cmd("sindex-list", &[("ns", &ns)])?).await?;
    let ok: Vec<(&str, &str)> = ok_replies(&replies).collect();
    let Some(existing) = merge_lists(&ok).into_iter().find(|v| v.name == name) else {
        return Err(ApiError::not_found(
            "index_not_found",
            format!("no secondary index `{name}` in namespace `{ns}`"),
        ));
    };
    let policy = conn.admin_policy();
    conn.client
        .drop_index(&policy, &ns, existing.set.as_deref().unwrap_or(""), &name)
        .await
        .map_err(|e| ApiError::from_aerospike(&e, &format!("drop index `{name}`")))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_node_states() {
        let a = "ns=test:indexname=i1:set=s:bin=b:type=numeric:indextype=default:context=null:exp=null:state=RW";
        let b = "ns=test:indexname=i1:set=s:bin=b:type=numeric:indextype=default:context=null:exp=null:state=WO";
        let v = merge_lists(&[("A", a), ("B", b)]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].state, "building");
        assert_eq!(v[0].nodes[1].state, "building");
        let v = merge_lists(&[("A", a), ("B", a)]);
        assert_eq!(v[0].state, "ready");
        assert_eq!(v[0].type_.as_deref(), Some("numeric"));
        assert!(merge_lists(&[("A", "")]).is_empty());
    }
}
