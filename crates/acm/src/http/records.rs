//! Records: browse a set with true cursors, get/create/update/duplicate/delete, delete a bin.

use aerospike::{
    Bin, Bins, Expiration, GenerationPolicy, Key, ReadPolicy, Record, RecordExistsAction, Value,
    WritePolicy,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clients::Conn;
use crate::cursor::{CursorState, fingerprint};
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiQuery, ApiResult, Problem};
use crate::http::address::{self, Either, set_from_segment};
use crate::http::cluster::set_views;
use crate::names;
use crate::scan::{self, PageJson, RecordJson, RecordPage, RecordView, ScanSpec, json_response};
use crate::state::AppState;
use crate::values;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(browse))
        .routes(routes!(get_record, write_record, delete_record))
        .routes(routes!(delete_bin))
        .routes(routes!(duplicate_record))
}

/// Browse parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BrowseParams {
    /// Records per page, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub page_size: Option<usize>,
    /// Cursor from the previous page's `nextCursor`.
    pub cursor: Option<String>,
    /// Comma-separated bins to return (default all).
    pub bins: Option<String>,
}

pub(crate) fn split_bins(bins: Option<&str>) -> ApiResult<Option<Vec<String>>> {
    let Some(b) = bins else { return Ok(None) };
    let list: Vec<String> = b
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    for b in &list {
        names::bin("bins", b)?;
    }
    Ok(if list.is_empty() { None } else { Some(list) })
}

/// Browse a set page by page. `nextCursor` continues exactly where the page ended;
/// every record is returned exactly once while the set is not modified. The set
/// segment `~none` browses the records in no set (`~~none` is a set named `~none`).
#[utoipa::path(get, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/records", tag = "records",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set; `~none` = records in no set"), BrowseParams),
    responses((status = 200, body = RecordPage), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn browse(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
    ApiQuery(q): ApiQuery<BrowseParams>,
) -> ApiResult<Response> {
    let set = set_from_segment(&set);
    names::ns_set(&ns, &set)?;
    let page_size = scan::check_page_size(q.page_size)?;
    let bins = split_bins(q.bins.as_deref())?;
    let bins_key = bins.as_ref().map(|b| b.join(",")).unwrap_or_default();
    let fp = fingerprint(&["browse", &ns, &set, &bins_key]);
    let cursor = match q.cursor.as_deref() {
        Some(c) if !c.is_empty() => state.cursors.resolve(c, fp)?,
        _ => CursorState::start(),
    };
    let conn = state.conn(id).await?;
    let spec = ScanSpec {
        namespace: ns.clone(),
        set: set.clone(),
        bins,
        filter: None,
        expression: address::set_expression(&set),
        timeout_ms: conn.timeout_ms,
    };
    // The estimate costs two info round trips per node: only the first page carries it.
    let first_page = q.cursor.as_deref().is_none_or(str::is_empty);
    let (page, total) = tokio::join!(scan::page(&conn, &spec, cursor, page_size), async {
        if first_page && !set.is_empty() {
            set_views(&conn, &ns, None).await.ok()
        } else {
            None
        }
    });
    let page = page?;
    let estimated_total =
        total.and_then(|sets| sets.into_iter().find(|s| s.name == set).map(|s| s.objects));
    Ok(json_response(&PageJson {
        records: &page.records,
        namespace: &ns,
        set: &set,
        next_cursor: page.next.map(|c| state.cursors.issue(&c, fp)),
        page_size,
        estimated_total,
    }))
}

/// How to read a primary key from text.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum KeyType {
    /// String key.
    String,
    /// 64-bit integer key.
    Integer,
    /// Bytes, given as base64.
    Bytes,
    /// String; when not found and the text is an integer, retry as integer.
    #[default]
    Auto,
}

/// How a request names one record: `key` (+ `keyType`) or `digest`, exactly one.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct KeyParams {
    /// Primary key as text (or give `digest`).
    pub key: Option<String>,
    /// How to interpret `key` (default `auto`).
    #[serde(default)]
    pub key_type: KeyType,
    /// Record digest, 40 hex digits (instead of `key`): reaches records whose key was
    /// not stored.
    pub digest: Option<String>,
}

/// Candidate keys of a record named by text key or digest (pure).
pub fn address_keys(
    ns: &str,
    set: &str,
    key: Option<&str>,
    key_type: KeyType,
    digest: Option<&str>,
    fields: (&str, &str),
) -> ApiResult<Vec<Key>> {
    match address::one_address(key, digest, fields.0, fields.1)? {
        Either::Key(text) => keys_for(ns, set, text, key_type, fields.0),
        Either::Digest(d) => Ok(vec![address::digest_key(ns, set, d, fields.1)?]),
    }
}

impl KeyParams {
    fn keys(&self, ns: &str, set: &str) -> ApiResult<Vec<Key>> {
        address_keys(
            ns,
            set,
            self.key.as_deref(),
            self.key_type,
            self.digest.as_deref(),
            ("key", "digest"),
        )
    }
}

/// Build candidate keys (auto may give two) for a text key.
pub fn keys_for(ns: &str, set: &str, text: &str, kt: KeyType, field: &str) -> ApiResult<Vec<Key>> {
    let bad = |m: String| ApiError::field(field, m).with_code("invalid_key");
    let mk = |v: Value| Key::new(ns, set, v).map_err(|e| bad(e.to_string()));
    match kt {
        KeyType::String => Ok(vec![mk(Value::String(text.to_string()))?]),
        KeyType::Integer => {
            let i: i64 = text
                .trim()
                .parse()
                .map_err(|_| bad(format!("`{text}` is not a 64-bit integer")))?;
            Ok(vec![mk(Value::Int(i))?])
        }
        KeyType::Bytes => {
            let b = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|e| bad(format!("bytes keys are base64: {e}")))?;
            Ok(vec![mk(Value::Blob(b))?])
        }
        KeyType::Auto => {
            let mut v = vec![mk(Value::String(text.to_string()))?];
            if let Ok(i) = text.trim().parse::<i64>() {
                v.push(mk(Value::Int(i))?);
            }
            Ok(v)
        }
    }
}

fn read_policy(conn: &Conn) -> ReadPolicy {
    let mut p = ReadPolicy::default();
    p.base_policy.total_timeout = conn.timeout_ms;
    p
}

/// Read the first of `keys` that exists, returning the key that matched.
async fn get_first(conn: &Conn, keys: Vec<Key>) -> ApiResult<(Key, Record)> {
    let n = keys.len();
    for (i, key) in keys.into_iter().enumerate() {
        match conn.client.get(&read_policy(conn), &key, Bins::All).await {
            Ok(mut r) => {
                if r.key.is_none() {
                    r.key = Some(key.clone());
                }
                return Ok((key, r));
            }
            Err(e) if e.matches(&[aerospike::ResultCode::KeyNotFoundError]) && i + 1 < n => {}
            Err(e) => return Err(ApiError::from_aerospike(&e, "get record")),
        }
    }
    Err(ApiError::not_found(
        "record_not_found",
        "get record: record not found",
    ))
}

fn record_response(rec: &Record, ns: &str, set: &str, status: StatusCode) -> Response {
    let mut r = json_response(&RecordJson {
        record: rec,
        namespace: ns,
        set,
    });
    *r.status_mut() = status;
    r
}

/// Get one record by primary key or digest.
#[utoipa::path(get, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/record", tag = "records",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set; `~none` = records in no set"), KeyParams),
    responses((status = 200, body = RecordView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_record(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
    ApiQuery(q): ApiQuery<KeyParams>,
) -> ApiResult<Response> {
    let set = set_from_segment(&set);
    names::ns_set(&ns, &set)?;
    let keys = q.keys(&ns, &set)?;
    let conn = state.conn(id).await?;
    let (_, rec) = get_first(&conn, keys).await?;
    Ok(record_response(&rec, &ns, &set, StatusCode::OK))
}

/// A record write.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordWrite {
    /// Primary key in the lossless encoding: a string, an integer or `{"$bytes": ...}`
    /// (or give `digest`).
    #[serde(default)]
    pub key: Option<serde_json::Value>,
    /// Record digest, 40 hex digits, instead of `key`: writes a record whose key was not
    /// stored (the key stays unstored).
    #[serde(default)]
    pub digest: Option<String>,
    /// Bins to write in the lossless encoding; `null` removes a bin.
    pub bins: serde_json::Map<String, serde_json::Value>,
    /// Time to live in seconds: omitted = namespace default (create) or unchanged
    /// (update), -1 = never expire, -2 = unchanged, 0 = namespace default.
    #[serde(default)]
    pub ttl: Option<i64>,
    /// Expected generation: the write fails with `generation_mismatch` if the record
    /// changed since it was read.
    #[serde(default)]
    pub generation: Option<u32>,
    /// `upsert` (default), `create` (fail if it exists), `update` (fail if missing),
    /// `replace` (drop bins not given).
    #[serde(default)]
    pub mode: Option<String>,
}

/// Write policy from request fields (pure).
pub fn write_policy(
    conn: &Conn,
    ttl: Option<i64>,
    generation: Option<u32>,
    mode: Option<&str>,
) -> ApiResult<WritePolicy> {
    let action = match mode.unwrap_or("upsert") {
        "upsert" => RecordExistsAction::Update,
        "create" => RecordExistsAction::CreateOnly,
        "update" => RecordExistsAction::UpdateOnly,
        "replace" => RecordExistsAction::Replace,
        other => {
            return Err(ApiError::field(
                "mode",
                format!("`{other}` is not upsert, create, update or replace"),
            ));
        }
    };
    let expiration = match ttl {
        None if action == RecordExistsAction::CreateOnly => Expiration::NamespaceDefault,
        None | Some(-2) => Expiration::DontUpdate,
        Some(-1) => Expiration::Never,
        Some(0) => Expiration::NamespaceDefault,
        Some(n) if n > 0 && n <= i64::from(u32::MAX) => Expiration::Seconds(n as u32),
        Some(n) => {
            return Err(ApiError::field(
                "ttl",
                format!(
                    "{n} is not a TTL; use seconds > 0, 0 (default), -1 (never) or -2 (unchanged)"
                ),
            ));
        }
    };
    let mut p = WritePolicy::default();
    p.base_policy.total_timeout = conn.timeout_ms;
    p.record_exists_action = action;
    p.expiration = expiration;
    p.send_key = true;
    if let Some(g) = generation {
        p.generation_policy = GenerationPolicy::ExpectGenEqual;
        p.generation = g;
    }
    Ok(p)
}

fn key_from_json(ns: &str, set: &str, v: &serde_json::Value, field: &str) -> ApiResult<Key> {
    let val = values::from_json(v, field)
        .map_err(|e| ApiError::fields(vec![e]).with_code("invalid_key"))?;
    if !matches!(val, Value::Int(_) | Value::String(_) | Value::Blob(_)) {
        return Err(ApiError::field(
            field,
            "a key is a string, an integer or {\"$bytes\": base64}",
        )
        .with_code("invalid_key"));
    }
    Key::new(ns, set, val)
        .map_err(|e| ApiError::field(field, e.to_string()).with_code("invalid_key"))
}

async fn read_back(conn: &Conn, key: &Key) -> ApiResult<Record> {
    let mut rec = conn
        .client
        .get(&read_policy(conn), key, Bins::All)
        .await
        .map_err(|e| ApiError::from_aerospike(&e, "read back record"))?;
    rec.key = Some(key.clone());
    Ok(rec)
}

/// Create or update a record; returns it as stored.
#[utoipa::path(put, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/record", tag = "records",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set; `~none` = records in no set")),
    request_body = RecordWrite,
    responses((status = 200, body = RecordView), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "exists / generation mismatch", body = Problem, content_type = "application/problem+json")))]
async fn write_record(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
    ApiJson(req): ApiJson<RecordWrite>,
) -> ApiResult<Response> {
    let set = set_from_segment(&set);
    names::ns_set(&ns, &set)?;
    let key = match address::one_address(req.key.as_ref(), req.digest.as_deref(), "key", "digest")?
    {
        Either::Key(k) => key_from_json(&ns, &set, k, "key")?,
        Either::Digest(d) => address::digest_key(&ns, &set, d, "digest")?,
    };
    let bins: Vec<Bin> = values::bins_from_json(&req.bins, "bins")?;
    if bins.is_empty() {
        return Err(ApiError::field("bins", "give at least one bin"));
    }
    let conn = state.conn(id).await?;
    let policy = write_policy(&conn, req.ttl, req.generation, req.mode.as_deref())?;
    conn.client
        .put(&policy, &key, &bins)
        .await
        .map_err(|e| ApiError::from_aerospike(&e, "write record"))?;
    let rec = read_back(&conn, &key).await?;
    Ok(record_response(&rec, &ns, &set, StatusCode::OK))
}

/// Delete a record.
#[utoipa::path(delete, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/record", tag = "records",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set; `~none` = records in no set"), KeyParams),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_record(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
    ApiQuery(q): ApiQuery<KeyParams>,
) -> ApiResult<StatusCode> {
    let set = set_from_segment(&set);
    names::ns_set(&ns, &set)?;
    let keys = q.keys(&ns, &set)?;
    let conn = state.conn(id).await?;
    let (key, _) = get_first(&conn, keys).await?;
    let policy = write_policy(&conn, Some(-2), None, None)?;
    let existed = conn
        .client
        .delete(&policy, &key)
        .await
        .map_err(|e| ApiError::from_aerospike(&e, "delete record"))?;
    if !existed {
        return Err(ApiError::not_found(
            "record_not_found",
            "delete record: record not found",
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Delete one bin of a record; returns the record.
#[utoipa::path(delete, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/record/bins/{bin}", tag = "records",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set; `~none` = records in no set"), ("bin" = String, Path, description = "Bin"), KeyParams),
    responses((status = 200, body = RecordView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_bin(
    State(state): State<AppState>,
    Path((id, ns, set, bin)): Path<(i64, String, String, String)>,
    ApiQuery(q): ApiQuery<KeyParams>,
) -> ApiResult<Response> {
    let set = set_from_segment(&set);
    names::ns_set(&ns, &set)?;
    names::bin("bin", &bin)?;
    let keys = q.keys(&ns, &set)?;
    let conn = state.conn(id).await?;
    let (key, rec) = get_first(&conn, keys).await?;
    if !rec.bins.contains_key(&bin) {
        return Err(ApiError::not_found(
            "bin_not_found",
            format!("the record has no bin `{bin}`"),
        ));
    }
    let mut policy = write_policy(&conn, Some(-2), Some(rec.generation), Some("update"))?;
    policy.send_key = true;
    conn.client
        .put(&policy, &key, &[Bin::new(bin, Value::Nil)])
        .await
        .map_err(|e| ApiError::from_aerospike(&e, "delete bin"))?;
    match read_back(&conn, &key).await {
        Ok(rec) => Ok(record_response(&rec, &ns, &set, StatusCode::OK)),
        // removing the last bin removes the record
        Err(e) if e.code == "record_not_found" => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(e) => Err(e),
    }
}

/// Duplicate request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DuplicateRequest {
    /// Source key as text (or give `digest`).
    #[serde(default)]
    pub key: Option<String>,
    /// Source record digest, 40 hex digits, instead of `key`.
    #[serde(default)]
    pub digest: Option<String>,
    /// Source key type (default `auto`).
    #[serde(default)]
    pub key_type: KeyType,
    /// New key in the lossless encoding.
    pub new_key: serde_json::Value,
    /// Target set (default: same set).
    #[serde(default)]
    pub new_set: Option<String>,
}

/// Copy a record under a new key (fails if the new key exists). The copy keeps the
/// remaining TTL.
#[utoipa::path(post, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/record/duplicate", tag = "records",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set; `~none` = records in no set")),
    request_body = DuplicateRequest,
    responses((status = 201, body = RecordView), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn duplicate_record(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
    ApiJson(req): ApiJson<DuplicateRequest>,
) -> ApiResult<Response> {
    let set = set_from_segment(&set);
    names::ns_set(&ns, &set)?;
    let keys = address_keys(
        &ns,
        &set,
        req.key.as_deref(),
        req.key_type,
        req.digest.as_deref(),
        ("key", "digest"),
    )?;
    let target_set = req.new_set.clone().unwrap_or_else(|| set.clone());
    names::set("newSet", &target_set)?;
    let new_key = key_from_json(&ns, &target_set, &req.new_key, "newKey")?;
    let conn = state.conn(id).await?;
    let (_, src) = get_first(&conn, keys).await?;
    let ttl = match scan::ttl_of(&src) {
        -1 => -1,
        t => t.max(1),
    };
    let policy = write_policy(&conn, Some(ttl), None, Some("create"))?;
    let bins: Vec<Bin> = src
        .bins
        .iter()
        .map(|(k, v)| Bin::new(k.clone(), v.clone()))
        .collect();
    conn.client
        .put(&policy, &new_key, &bins)
        .await
        .map_err(|e| ApiError::from_aerospike(&e, "duplicate record"))?;
    let rec = read_back(&conn, &new_key).await?;
    Ok(record_response(&rec, &ns, &target_set, StatusCode::CREATED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_by_type() {
        assert_eq!(
            keys_for("t", "s", "42", KeyType::Auto, "key")
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            keys_for("t", "s", "abc", KeyType::Auto, "key")
                .unwrap()
                .len(),
            1
        );
        let e = keys_for("t", "s", "x", KeyType::Integer, "key").unwrap_err();
        assert_eq!(e.code, "invalid_key");
        assert!(keys_for("t", "s", "!!", KeyType::Bytes, "key").is_err());
        let k = keys_for("t", "s", "AQI=", KeyType::Bytes, "key").unwrap();
        assert_eq!(k[0].user_key(), Some(&Value::Blob(vec![1, 2])));
    }

    #[test]
    fn bins_parse() {
        assert_eq!(
            split_bins(Some("a, b,,c")).unwrap().unwrap(),
            ["a", "b", "c"]
        );
        assert!(split_bins(Some("")).unwrap().is_none());
        assert!(split_bins(Some("waytoolongbinname")).is_err());
    }
}
