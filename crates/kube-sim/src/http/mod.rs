//! The HTTP front: parses Kubernetes REST paths and query parameters and calls the store.

pub mod discovery;
pub mod exec;
pub mod openapi;
pub mod watch;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::SimState;
use crate::error::{ApiError, ApiResult};
use crate::kinds::ResourceType;
use crate::ops::{DeleteOpts, PatchType, WriteOpts};
use crate::selectors::{FieldSelector, LabelSelector};
use crate::store::parse_rv;

/// The router serving the whole API.
pub fn router(sim: Arc<SimState>) -> Router {
    Router::new()
        .route(
            "/api/v1/namespaces/{ns}/pods/{name}/exec",
            axum::routing::any(exec::handle),
        )
        .route(
            "/sim/v1/faults",
            axum::routing::get(list_faults)
                .post(add_fault)
                .delete(clear_faults),
        )
        .fallback(handle)
        .with_state(sim)
}

/// `GET /sim/v1/faults`: the active API fault rules (not a Kubernetes route: the simulator's
/// own test/demo control, reachable with `kubectl get --raw /sim/v1/faults`).
async fn list_faults(State(sim): State<Arc<SimState>>) -> Response {
    json_ok(
        StatusCode::OK,
        serde_json::json!({"faults": sim.faults.list()}),
    )
}

/// `POST /sim/v1/faults` with one [`crate::ApiFault`] as JSON: adds it (201 with the rule).
async fn add_fault(State(sim): State<Arc<SimState>>, body: Bytes) -> Response {
    let fault: crate::ApiFault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => {
            return ApiError::new(422, "Invalid", format!("not a fault rule: {e}")).into_response();
        }
    };
    if let Some(problem) = fault.problem() {
        return ApiError::new(422, "Invalid", problem).into_response();
    }
    sim.faults.add(fault.clone());
    json_ok(StatusCode::CREATED, serde_json::json!(fault))
}

/// `DELETE /sim/v1/faults`: removes every API fault rule.
async fn clear_faults(State(sim): State<Arc<SimState>>) -> Response {
    sim.faults.clear();
    json_ok(StatusCode::OK, serde_json::json!({"faults": []}))
}

/// A parsed resource path.
#[derive(Debug, Clone, PartialEq)]
pub struct ResPath {
    /// Group ("" for core).
    pub group: String,
    /// Version.
    pub version: String,
    /// Namespace from the path.
    pub ns: Option<String>,
    /// Plural resource.
    pub plural: String,
    /// Object name.
    pub name: Option<String>,
    /// Subresource (status, scale, log).
    pub sub: Option<String>,
}

fn json_ok(code: StatusCode, v: Value) -> Response {
    (code, axum::Json(v)).into_response()
}

async fn handle(
    State(sim): State<Arc<SimState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    match route(&sim, &method, &uri, &headers, &q, &body).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn route(
    sim: &Arc<SimState>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    body: &Bytes,
) -> ApiResult<Response> {
    let segs: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    let types = sim.store.types();
    let (group, version, rest) = match segs.as_slice() {
        ["version"] => return Ok(json_ok(StatusCode::OK, discovery::version())),
        ["healthz"] | ["readyz"] | ["livez"] => return Ok((StatusCode::OK, "ok").into_response()),
        ["api"] => return Ok(json_ok(StatusCode::OK, discovery::core_versions())),
        ["openapi", "v3"] => return Ok(json_ok(StatusCode::OK, openapi::index(&types))),
        ["openapi", "v3", gv @ ..] => {
            return openapi::document(&types, &gv.join("/"))
                .map(|d| json_ok(StatusCode::OK, d))
                .ok_or_else(|| {
                    ApiError::new(
                        404,
                        "NotFound",
                        format!("no OpenAPI document for {}", gv.join("/")),
                    )
                });
        }
        ["apis"] => return Ok(json_ok(StatusCode::OK, discovery::groups(&types))),
        ["apis", g] => {
            return discovery::group(&types, g)
                .map(|v| json_ok(StatusCode::OK, v))
                .ok_or_else(|| {
                    ApiError::new(
                        404,
                        "NotFound",
                        format!("the server could not find the requested resource (group {g})"),
                    )
                });
        }
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => {
            return Err(ApiError::new(
                404,
                "NotFound",
                format!(
                    "the server could not find the requested resource ({})",
                    uri.path()
                ),
            ));
        }
    };
    if rest.is_empty() {
        return discovery::resources(&types, group, version)
            .map(|v| json_ok(StatusCode::OK, v))
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    "NotFound",
                    format!(
                        "the server could not find the requested resource ({})",
                        uri.path()
                    ),
                )
            });
    }
    let is_ns_res = |p: &str| {
        types
            .iter()
            .any(|t| t.group == group && t.version == version && t.plural == p && t.namespaced)
    };
    let rp = match rest {
        ["namespaces", ns, plural, tail @ ..] if is_ns_res(plural) && tail.len() <= 2 => ResPath {
            group: group.into(),
            version: version.into(),
            ns: Some(ns.to_string()),
            plural: plural.to_string(),
            name: tail.first().map(|s| s.to_string()),
            sub: tail.get(1).map(|s| s.to_string()),
        },
        [plural, tail @ ..] if tail.len() <= 2 => ResPath {
            group: group.into(),
            version: version.into(),
            ns: None,
            plural: plural.to_string(),
            name: tail.first().map(|s| s.to_string()),
            sub: tail.get(1).map(|s| s.to_string()),
        },
        _ => {
            return Err(ApiError::new(
                404,
                "NotFound",
                format!(
                    "the server could not find the requested resource ({})",
                    uri.path()
                ),
            ));
        }
    };
    let rt = sim
        .store
        .resolve(&rp.group, &rp.version, &rp.plural)
        .ok_or_else(|| {
            ApiError::new(
                404,
                "NotFound",
                format!(
                    "the server could not find the requested resource (no {} in {}/{})",
                    rp.plural, rp.group, rp.version
                ),
            )
        })?;
    if rt.namespaced != rp.ns.is_some() && rp.name.is_some() {
        return Err(ApiError::new(
            404,
            "NotFound",
            format!(
                "{} is {}: use the {} path",
                rt.qualified(),
                if rt.namespaced {
                    "namespaced"
                } else {
                    "cluster-scoped"
                },
                if rt.namespaced {
                    "/namespaces/<ns>/..."
                } else {
                    "non-namespaced"
                }
            ),
        ));
    }
    let watch = q.get("watch").is_some_and(|w| w == "true" || w == "1");
    let verb = match (method.as_str(), rp.name.is_some(), watch) {
        ("GET", _, true) => "watch",
        ("GET", false, _) => "list",
        ("GET", true, _) => "get",
        ("POST", false, _) => "create",
        ("PUT", true, _) => "update",
        ("PATCH", true, _) => "patch",
        ("DELETE", true, _) => "delete",
        ("DELETE", false, _) => "deletecollection",
        _ => {
            return Err(ApiError::method_not_allowed(format!(
                "{method} is not supported on {}",
                uri.path()
            )));
        }
    };
    if headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("protobuf"))
    {
        return Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (kube-sim does not speak protobuf)",
        ));
    }
    sim.faults
        .before(crate::faults::Target {
            verb,
            rt: &rt,
            namespace: rp.ns.as_deref().unwrap_or(""),
            name: rp.name.as_deref(),
        })
        .await?;
    let ns = rp.ns.clone().unwrap_or_default();
    let ls = LabelSelector::parse(q.get("labelSelector").map(String::as_str).unwrap_or(""))?;
    let fs = crate::events_view::storage_field_selector(
        &rt,
        FieldSelector::parse(q.get("fieldSelector").map(String::as_str).unwrap_or(""))?,
    )?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown");
    let manager = q.get("fieldManager").cloned().unwrap_or_else(|| {
        user_agent
            .split('/')
            .next()
            .unwrap_or("unknown")
            .to_string()
    });
    let wopts = WriteOpts {
        manager,
        force: q.get("force").is_some_and(|f| f == "true"),
        dry_run: q.get("dryRun").is_some_and(|d| d == "All"),
    };
    let sub = rp.sub.clone().unwrap_or_default();
    let store = &sim.store;
    let parse_body = || -> ApiResult<Value> {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("the request body is not valid JSON: {e}")))
    };
    match verb {
        "watch" => {
            let p = watch::WatchParams {
                rv: match q.get("resourceVersion").filter(|r| !r.is_empty()) {
                    Some(r) => Some(parse_rv(r)?),
                    None => None,
                },
                ns: rp.ns.clone(),
                ls,
                fs,
                bookmarks: q.get("allowWatchBookmarks").is_some_and(|b| b == "true"),
                timeout: q.get("timeoutSeconds").and_then(|t| t.parse().ok()),
                send_initial: q.get("sendInitialEvents").is_some_and(|b| b == "true"),
            };
            Ok(watch::start(sim.clone(), rt, p))
        }
        "list" => {
            let lq = crate::paging::ListQuery {
                limit: match q.get("limit").filter(|l| !l.is_empty()) {
                    Some(l) => l.parse().map_err(|_| {
                        ApiError::bad_request(format!("limit {l:?} is not a non-negative integer"))
                    })?,
                    None => 0,
                },
                continue_token: q.get("continue").cloned(),
                resource_version: q.get("resourceVersion").cloned(),
                resource_version_match: q.get("resourceVersionMatch").cloned(),
            };
            let page =
                store.with(|i| crate::paging::list(i, &rt, rp.ns.as_deref(), &ls, &fs, &lq))?;
            let mut meta = json!({"resourceVersion": page.rv.to_string()});
            if let Some(c) = page.continue_token {
                meta["continue"] = json!(c);
            }
            if let Some(r) = page.remaining {
                meta["remainingItemCount"] = json!(r);
            }
            Ok(json_ok(
                StatusCode::OK,
                json!({
                    "apiVersion": rt.api_version(), "kind": format!("{}List", rt.kind),
                    "metadata": meta, "items": page.items,
                }),
            ))
        }
        "get" => {
            let name = rp.name.as_deref().unwrap_or_default();
            let v = match sub.as_str() {
                "" | "status" => store.with(|i| i.get(&rt, &ns, name))?,
                "scale" => store.with(|i| i.get_scale(&rt, &ns, name))?,
                "log" if rt.kind == "Pod" && rt.group.is_empty() => {
                    let pod = store.with(|i| i.get(&rt, &ns, name))?;
                    let flag = |k: &str| q.get(k).is_some_and(|v| v == "true" || v == "1");
                    let num = |k: &str| -> ApiResult<Option<i64>> {
                        q.get(k)
                            .filter(|v| !v.is_empty())
                            .map(|v| {
                                v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                                    ApiError::bad_request(format!(
                                        "{k} {v:?} must be a non-negative integer"
                                    ))
                                })
                            })
                            .transpose()
                    };
                    let lq = crate::logs::LogQuery {
                        timestamps: flag("timestamps"),
                        tail_lines: num("tailLines")?.map(|n| n as usize),
                        limit_bytes: num("limitBytes")?.map(|n| n as usize),
                        since_seconds: num("sinceSeconds")?,
                        follow: flag("follow"),
                    };
                    let uid = pod["metadata"]["uid"].as_str().unwrap_or_default();
                    return Ok(crate::logs::respond(sim, &ns, name, uid, &lq));
                }
                other => {
                    return Err(ApiError::new(
                        404,
                        "NotFound",
                        format!("no subresource {other:?} on {}", rt.qualified()),
                    ));
                }
            };
            Ok(json_ok(StatusCode::OK, v))
        }
        "create" => {
            let obj = parse_body()?;
            let v = store.with_mut(|i, tx| i.create(tx, &rt, &ns, obj, &wopts, None))?;
            Ok(json_ok(StatusCode::CREATED, v))
        }
        "update" => {
            let name = rp.name.as_deref().unwrap_or_default();
            let obj = parse_body()?;
            let v = match sub.as_str() {
                "" | "status" if sub.is_empty() || rt.status => {
                    store.with_mut(|i, tx| i.update(tx, &rt, &ns, name, obj, &sub, &wopts))?
                }
                "scale" => store.with_mut(|i, tx| {
                    i.write_scale(
                        tx,
                        &rt,
                        &ns,
                        name,
                        |s| {
                            s["spec"]["replicas"] = obj["spec"]["replicas"].clone();
                            if let Some(rv) = obj["metadata"].get("resourceVersion") {
                                s["metadata"]["resourceVersion"] = rv.clone();
                            }
                            Ok(())
                        },
                        &wopts,
                    )
                })?,
                other => {
                    return Err(ApiError::new(
                        404,
                        "NotFound",
                        format!("no subresource {other:?} on {}", rt.qualified()),
                    ));
                }
            };
            Ok(json_ok(StatusCode::OK, v))
        }
        "patch" => {
            let name = rp.name.as_deref().unwrap_or_default();
            let ct = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let ptype = PatchType::from_content_type(ct).ok_or_else(|| {
                ApiError::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format ({ct:?}) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"))
            })?;
            let body_v: Value = if ptype == PatchType::Apply {
                let text = std::str::from_utf8(body)
                    .map_err(|_| ApiError::bad_request("the apply body is not UTF-8"))?;
                serde_json::from_str(text).or_else(|_| {
                    serde_saphyr::from_str::<Value>(text).map_err(|e| {
                        ApiError::bad_request(format!(
                            "the apply body is neither JSON nor YAML: {e}"
                        ))
                    })
                })?
            } else {
                parse_body()?
            };
            let v = match sub.as_str() {
                "" | "status" if sub.is_empty() || rt.status => store
                    .with_mut(|i, tx| i.patch(tx, &rt, &ns, name, ptype, &body_v, &sub, &wopts))?,
                "scale" => store.with_mut(|i, tx| {
                    i.write_scale(
                        tx,
                        &rt,
                        &ns,
                        name,
                        |s| {
                            match ptype {
                                PatchType::Json => crate::patch::json_patch(s, &body_v)?,
                                PatchType::Strategic => crate::patch::strategic_merge(s, &body_v),
                                _ => crate::patch::merge_patch(s, &body_v),
                            }
                            Ok(())
                        },
                        &wopts,
                    )
                })?,
                other => {
                    return Err(ApiError::new(
                        404,
                        "NotFound",
                        format!("no subresource {other:?} on {}", rt.qualified()),
                    ));
                }
            };
            Ok(json_ok(StatusCode::OK, v))
        }
        "delete" | "deletecollection" => {
            let opts_body: Value = if body.is_empty() {
                json!({})
            } else {
                parse_body()?
            };
            let dopts = DeleteOpts {
                propagation: q
                    .get("propagationPolicy")
                    .cloned()
                    .or_else(|| opts_body["propagationPolicy"].as_str().map(String::from))
                    .or_else(|| {
                        opts_body["orphanDependents"]
                            .as_bool()
                            .and_then(|o| o.then(|| "Orphan".to_string()))
                    }),
                uid: opts_body["preconditions"]["uid"].as_str().map(String::from),
                resource_version: opts_body["preconditions"]["resourceVersion"]
                    .as_str()
                    .map(String::from),
                dry_run: wopts.dry_run
                    || opts_body["dryRun"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|d| d == "All")),
            };
            if verb == "delete" {
                let name = rp.name.as_deref().unwrap_or_default();
                let v = store.with_mut(|i, tx| i.delete(tx, &rt, &ns, name, &dopts))?;
                return Ok(json_ok(StatusCode::OK, v));
            }
            let items = store.with_mut(|i, tx| {
                let names: Vec<(String, String)> = i
                    .list(&rt, rp.ns.as_deref(), &ls, &fs)
                    .iter()
                    .map(|o| {
                        (
                            crate::store::ns_of(o).to_string(),
                            crate::store::name_of(o).to_string(),
                        )
                    })
                    .collect();
                names
                    .into_iter()
                    .filter_map(|(n, name)| i.delete(tx, &rt, &n, &name, &dopts).ok())
                    .collect::<Vec<_>>()
            });
            Ok(json_ok(
                StatusCode::OK,
                json!({"apiVersion": rt.api_version(), "kind": format!("{}List", rt.kind), "metadata": {}, "items": items}),
            ))
        }
        _ => Err(ApiError::method_not_allowed("unsupported verb")),
    }
}

/// Whether a resource type is served at this path (for tests).
pub fn served(rt: &ResourceType, group: &str, version: &str) -> bool {
    rt.group == group && rt.version == version
}
