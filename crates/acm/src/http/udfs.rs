//! Lua UDF modules: list, upload (under the chosen file name), view source, delete,
//! execute on one record.

use aerospike::{UdfLang, Value};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiResult, FieldError, Problem};
use crate::http::records::{KeyType, keys_for, write_policy};
use crate::info;
use crate::state::AppState;
use crate::values;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_udfs))
        .routes(routes!(get_udf, put_udf, delete_udf))
        .routes(routes!(execute_udf))
}

/// A registered module.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UdfInfo {
    /// File name, e.g. `example.lua`.
    pub filename: String,
    /// Content hash.
    pub hash: Option<String>,
    /// `LUA`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
}

/// A module with its source.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UdfSource {
    /// File name.
    pub filename: String,
    /// `LUA`.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Source text.
    pub content: String,
}

/// Upload body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UdfUpload {
    /// Lua source.
    pub content: String,
}

use crate::names::{self, udf_filename as check_filename};

/// Decode a `udf-put` error reply such as
/// `error=compile_error;file=x.lua;line=2;message=<base64>` (pure).
pub fn decode_udf_error(reply: &str) -> Option<(String, Option<u64>, String)> {
    let f = asinfo::parse::kv::semicolon_pairs(reply.trim());
    let kind = f.get("error")?.clone();
    let line = f.get("line").and_then(|l| l.parse().ok());
    let msg = f
        .get("message")
        .map(|m| {
            B64.decode(m)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_else(|| m.clone())
        })
        .unwrap_or_default();
    Some((kind, line, msg))
}

/// List UDF modules.
#[utoipa::path(get, path = "/clusters/{id}/udfs", tag = "udfs", params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Vec<UdfInfo>)))]
async fn list_udfs(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<UdfInfo>>> {
    let conn = state.conn(id).await?;
    let raw = info::one_node(&conn, None, &names::verb_cmd("udf-list")?).await?;
    let list =
        asinfo::parse::parse_udf_list(&raw).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(Json(
        list.into_iter()
            .map(|m| UdfInfo {
                filename: m.filename,
                hash: m.hash,
                type_: m.udf_type,
            })
            .collect(),
    ))
}

/// View a module's source.
#[utoipa::path(get, path = "/clusters/{id}/udfs/{filename}", tag = "udfs",
    params(("id" = i64, Path, description = "Profile id"), ("filename" = String, Path, description = "Module file name")),
    responses((status = 200, body = UdfSource), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_udf(
    State(state): State<AppState>,
    Path((id, filename)): Path<(i64, String)>,
) -> ApiResult<Json<UdfSource>> {
    check_filename(&filename)?;
    let conn = state.conn(id).await?;
    let raw = info::one_node(
        &conn,
        None,
        &names::params_cmd("udf-get", &[("filename", &filename)])?,
    )
    .await?;
    match asinfo::parse::parse_udf_get(&raw) {
        Ok(src) => Ok(Json(UdfSource {
            filename,
            type_: src.udf_type,
            content: src.content,
        })),
        Err(_) => Err(ApiError::not_found(
            "udf_not_found",
            format!("no UDF module `{filename}` is registered"),
        )),
    }
}

/// Upload (register) a module under exactly this file name.
#[utoipa::path(put, path = "/clusters/{id}/udfs/{filename}", tag = "udfs", request_body = UdfUpload,
    params(("id" = i64, Path, description = "Profile id"), ("filename" = String, Path, description = "Module file name")),
    responses((status = 201, body = UdfInfo),
              (status = 400, description = "compile error, decoded", body = Problem, content_type = "application/problem+json")))]
async fn put_udf(
    State(state): State<AppState>,
    Path((id, filename)): Path<(i64, String)>,
    ApiJson(body): ApiJson<UdfUpload>,
) -> ApiResult<(StatusCode, Json<UdfInfo>)> {
    check_filename(&filename)?;
    if body.content.trim().is_empty() {
        return Err(ApiError::field("content", "the module is empty"));
    }
    let conn = state.conn(id).await?;
    let b64 = B64.encode(body.content.as_bytes());
    let len = b64.len().to_string();
    let cmd = asinfo::command::InfoCommand::with_opaque_last(
        "udf-put",
        &[
            ("filename", &filename),
            ("content-len", &len),
            ("udf-type", "LUA"),
        ],
        ("content", &b64),
    )
    .map_err(names::unsafe_part)?;
    let reply = info::one_node(&conn, None, &cmd).await?;
    let reply = reply.trim();
    if !reply.is_empty() && reply != "ok" {
        if let Some((kind, line, msg)) = decode_udf_error(reply) {
            let mut e = ApiError::fields(vec![FieldError {
                field: "content".into(),
                message: match line {
                    Some(l) => format!("line {l}: {msg}"),
                    None => msg.clone(),
                },
            }]);
            e.code = "udf_compile_error";
            e.detail = format!("the server rejected `{filename}` ({kind}): {msg}");
            return Err(e);
        }
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "aerospike_error",
            format!("udf-put: {reply}"),
        ));
    }
    let raw = info::one_node(&conn, None, &names::verb_cmd("udf-list")?)
        .await
        .unwrap_or_default();
    let hash = asinfo::parse::parse_udf_list(&raw)
        .ok()
        .and_then(|l| l.into_iter().find(|m| m.filename == filename))
        .and_then(|m| m.hash);
    Ok((
        StatusCode::CREATED,
        Json(UdfInfo {
            filename,
            hash,
            type_: Some(UdfLang::Lua.to_string()),
        }),
    ))
}

/// Remove a module.
#[utoipa::path(delete, path = "/clusters/{id}/udfs/{filename}", tag = "udfs",
    params(("id" = i64, Path, description = "Profile id"), ("filename" = String, Path, description = "Module file name")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_udf(
    State(state): State<AppState>,
    Path((id, filename)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    check_filename(&filename)?;
    let conn = state.conn(id).await?;
    let raw = info::one_node(&conn, None, &names::verb_cmd("udf-list")?).await?;
    let exists = asinfo::parse::parse_udf_list(&raw)
        .map(|l| l.iter().any(|m| m.filename == filename))
        .unwrap_or(false);
    if !exists {
        return Err(ApiError::not_found(
            "udf_not_found",
            format!("no UDF module `{filename}` is registered"),
        ));
    }
    let reply = info::one_node(
        &conn,
        None,
        &names::params_cmd("udf-remove", &[("filename", &filename)])?,
    )
    .await?;
    if reply.trim() != "ok" && !reply.trim().is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "aerospike_error",
            format!("udf-remove: {reply}"),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Execute a UDF function on one record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExecuteUdf {
    /// Namespace.
    pub namespace: String,
    /// Set.
    pub set: String,
    /// Primary key as text.
    pub key: String,
    /// Key type (default `auto` = string).
    #[serde(default)]
    pub key_type: KeyType,
    /// Function name in the module.
    pub function: String,
    /// Arguments in the lossless encoding.
    #[serde(default)]
    pub args: Vec<serde_json::Value>,
}

/// Result of a UDF call.
#[derive(Debug, Serialize, ToSchema)]
pub struct UdfResult {
    /// Returned value in the lossless encoding.
    pub result: serde_json::Value,
}

/// Execute a function of a module on one record.
#[utoipa::path(post, path = "/clusters/{id}/udfs/{filename}/execute", tag = "udfs", request_body = ExecuteUdf,
    params(("id" = i64, Path, description = "Profile id"), ("filename" = String, Path, description = "Module file name")),
    responses((status = 200, body = UdfResult), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn execute_udf(
    State(state): State<AppState>,
    Path((id, filename)): Path<(i64, String)>,
    ApiJson(req): ApiJson<ExecuteUdf>,
) -> ApiResult<Json<UdfResult>> {
    check_filename(&filename)?;
    names::namespace("namespace", &req.namespace)?;
    names::set("set", &req.set)?;
    let module = filename.trim_end_matches(".lua").to_string();
    let kt = if req.key_type == KeyType::Auto {
        KeyType::String
    } else {
        req.key_type
    };
    let key = keys_for(&req.namespace, &req.set, &req.key, kt, "key")?.remove(0);
    let mut args = Vec::with_capacity(req.args.len());
    let mut errs = Vec::new();
    for (i, a) in req.args.iter().enumerate() {
        match values::from_json(a, &format!("args[{i}]")) {
            Ok(v) => args.push(v),
            Err(e) => errs.push(e),
        }
    }
    if !errs.is_empty() {
        return Err(ApiError::fields(errs).with_code("invalid_value"));
    }
    if req.function.is_empty() {
        return Err(ApiError::field("function", "required"));
    }
    let conn = state.conn(id).await?;
    let policy = write_policy(&conn, Some(-2), None, None)?;
    let out = conn
        .client
        .execute_udf(&policy, &key, &module, &req.function, &args)
        .await
        .map_err(|e| ApiError::from_aerospike(&e, &format!("execute {module}.{}", req.function)))?;
    Ok(Json(UdfResult {
        result: values::to_json(&out.unwrap_or(Value::Nil)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_real_compile_error() {
        let Some(reply) = asinfo::fixtures::ce81_value(
            "acm udf compile error",
            "udf-put_filename_broken.lua.txt",
        ) else {
            return;
        };
        let (kind, line, msg) = decode_udf_error(&reply).unwrap();
        assert_eq!(kind, "compile_error");
        assert_eq!(line, Some(2));
        assert_eq!(msg, "')' expected near 'return'");
        assert!(decode_udf_error("ok").is_none());
    }

    #[test]
    fn filenames() {
        assert!(check_filename("example.lua").is_ok());
        assert!(check_filename("../x.lua").is_err());
        assert!(check_filename("x.txt").is_err());
        assert!(check_filename(".lua").is_err());
    }
}
