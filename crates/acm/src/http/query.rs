//! Queries (secondary-index predicate, filter expression tree, primary-key match) with
//! cursor paging, and streaming export of any query or set as NDJSON or CSV.

use aerospike::expressions::{self as exp, ExpType, Expression};
use aerospike::operations::cdt_context::{self as ctx, CdtContext};
use aerospike::query::Filter;
use aerospike::{Bins, CollectionIndexType, Key, ReadPolicy, RegexFlags, Value};
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::cursor::{CursorState, fingerprint};
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiResult, FieldError, Problem, fe};
use crate::expr::{self, FilterNode};
use crate::names;
use crate::scan::{self, PageJson, RecordPage, ScanSpec, json_response};
use crate::state::AppState;
use crate::values;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(run_query))
        .routes(routes!(crate::http::export::export_query))
        .routes(routes!(crate::http::export::export_set))
}

/// A secondary-index predicate.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Predicate {
    /// Indexed bin.
    pub bin: String,
    /// `equals`, `range` (integers, inclusive), `contains` (collection index),
    /// `geoWithin` (points in a region), `geoContains` (regions containing a point),
    /// `geoWithinRadius` (value = `[lng, lat, radiusMeters]`).
    pub op: String,
    /// Operand (lossless encoding); for `range` the lower bound.
    pub value: serde_json::Value,
    /// Upper bound for `range`.
    #[serde(default)]
    pub end: Option<serde_json::Value>,
    /// Collection index type: `list`, `mapkeys`, `mapvalues` (for `contains` and `range`
    /// on collection indexes).
    #[serde(default)]
    pub collection: Option<String>,
    /// CDT context of the indexed element, e.g. `[{"mapKey": "city"}]`.
    #[serde(default)]
    pub context: Option<Vec<serde_json::Value>>,
}

/// Primary-key match (keys must have been stored with the record).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PkMatch {
    /// `eq` (direct lookup), `prefix` or `regex` (string keys).
    pub op: String,
    /// Key (lossless encoding) for `eq`; string prefix or POSIX regex otherwise.
    pub value: serde_json::Value,
    /// Case-insensitive regex.
    #[serde(default)]
    pub ignore_case: bool,
}

/// A query.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueryRequest {
    /// Namespace.
    pub namespace: String,
    /// Set (omit for the whole namespace).
    #[serde(default)]
    pub set: Option<String>,
    /// Secondary-index predicate.
    #[serde(default)]
    pub predicate: Option<Predicate>,
    /// Filter expression tree (see the `FilterNode` schema).
    #[serde(default)]
    #[schema(value_type = Option<FilterNode>)]
    pub filter: Option<serde_json::Value>,
    /// Primary-key match.
    #[serde(default)]
    pub primary_key: Option<PkMatch>,
    /// Bins to return (default all).
    #[serde(default)]
    pub bins: Option<Vec<String>>,
    /// Stop after this many records in total (over all pages).
    #[serde(default)]
    pub max_records: Option<u64>,
    /// Records per page, 1–1000 (default 100). Ignored by export.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub page_size: Option<usize>,
    /// Cursor from the previous page. Ignored by export.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Parse a CDT context list (pure).
pub fn parse_context(
    items: &[serde_json::Value],
    path: &str,
) -> Result<Vec<CdtContext>, FieldError> {
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let serde_json::Value::Object(o) = it else {
            return Err(fe(&p, "must be an object like {\"mapKey\": \"city\"}"));
        };
        let Some((k, v)) = o.iter().next().filter(|_| o.len() == 1) else {
            return Err(fe(
                &p,
                "must have exactly one of mapKey, mapValue, mapIndex, mapRank, listIndex, listValue, listRank",
            ));
        };
        let vp = format!("{p}.{k}");
        let int = || v.as_i64().ok_or_else(|| fe(&vp, "must be an integer"));
        let val = || values::from_json(v, &vp);
        out.push(match k.as_str() {
            "mapKey" => ctx::ctx_map_key(val()?),
            "mapValue" => ctx::ctx_map_value(val()?),
            "mapIndex" => ctx::ctx_map_index(int()?),
            "mapRank" => ctx::ctx_map_rank(int()?),
            "listIndex" => ctx::ctx_list_index(int()?),
            "listValue" => ctx::ctx_list_value(val()?),
            "listRank" => ctx::ctx_list_rank(int()?),
            other => return Err(fe(&p, format!("unknown context step `{other}`"))),
        });
    }
    Ok(out)
}

/// Parse a collection index type.
pub fn parse_collection(c: Option<&str>, field: &str) -> Result<CollectionIndexType, FieldError> {
    Ok(match c.unwrap_or("default") {
        "default" | "" => CollectionIndexType::Default,
        "list" => CollectionIndexType::List,
        "mapkeys" => CollectionIndexType::MapKeys,
        "mapvalues" => CollectionIndexType::MapValues,
        other => {
            return Err(fe(
                field,
                format!("`{other}` is not default, list, mapkeys or mapvalues"),
            ));
        }
    })
}

fn indexable(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::String(_) | Value::Blob(_))
}

/// Translate a predicate into a secondary-index filter (pure).
pub fn predicate_filter(p: &Predicate) -> Result<Filter, FieldError> {
    let path = "predicate";
    if let Err(e) = names::bin("predicate.bin", &p.bin) {
        return Err(e
            .fields
            .into_iter()
            .next()
            .unwrap_or_else(|| fe("predicate.bin", "invalid")));
    }
    let cit = parse_collection(p.collection.as_deref(), "predicate.collection")?;
    let value = values::from_json(&p.value, "predicate.value")?;
    let geo = |v: &Value, what: &str| -> Result<String, FieldError> {
        match (v, &p.value) {
            (Value::GeoJson(g), _) => Ok(g.clone()),
            (Value::HashMap(_), serde_json::Value::Object(o))
                if o.get("type").is_some_and(serde_json::Value::is_string) =>
            {
                Ok(p.value.to_string())
            }
            _ => Err(fe("predicate.value", format!("must be a GeoJSON {what}"))),
        }
    };
    let f = match p.op.as_str() {
        "equals" => {
            if !indexable(&value) {
                return Err(fe(
                    "predicate.value",
                    "must be an integer, a string or bytes",
                ));
            }
            if cit == CollectionIndexType::Default {
                Filter::equal(p.bin.clone(), value)
            } else {
                Filter::contains(p.bin.clone(), value, cit)
            }
        }
        "contains" => {
            if !indexable(&value) {
                return Err(fe(
                    "predicate.value",
                    "must be an integer, a string or bytes",
                ));
            }
            if cit == CollectionIndexType::Default {
                return Err(fe(
                    "predicate.collection",
                    "`contains` needs a collection type: list, mapkeys or mapvalues",
                ));
            }
            Filter::contains(p.bin.clone(), value, cit)
        }
        "range" => {
            let end = p
                .end
                .as_ref()
                .ok_or_else(|| fe("predicate.end", "`range` needs an upper bound"))
                .and_then(|e| values::from_json(e, "predicate.end"))?;
            let (Value::Int(a), Value::Int(b)) = (&value, &end) else {
                return Err(fe("predicate.value", "`range` bounds must be integers"));
            };
            if a > b {
                return Err(fe(
                    "predicate.end",
                    "must be greater than or equal to value",
                ));
            }
            if cit == CollectionIndexType::Default {
                Filter::range(p.bin.clone(), *a, *b)
            } else {
                Filter::contains_range(p.bin.clone(), *a, *b, cit)
            }
        }
        "geoWithin" => Filter::geo_within_region(p.bin.clone(), &geo(&value, "region")?),
        "geoContains" => Filter::geo_contains(p.bin.clone(), &geo(&value, "point")?),
        "geoWithinRadius" => {
            let nums: Option<Vec<f64>> = p
                .value
                .as_array()
                .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect());
            match nums.as_deref() {
                Some([lng, lat, r]) if *r > 0.0 => {
                    Filter::geo_within_radius(p.bin.clone(), *lng, *lat, *r)
                }
                _ => {
                    return Err(fe(
                        "predicate.value",
                        "must be [longitude, latitude, radiusMeters]",
                    ));
                }
            }
        }
        other => {
            return Err(fe(
                &format!("{path}.op"),
                format!(
                    "unknown predicate `{other}`; use equals, range, contains, geoWithin, geoContains or geoWithinRadius"
                ),
            ));
        }
    };
    match &p.context {
        Some(c) if !c.is_empty() => Ok(f.context(parse_context(c, "predicate.context")?)),
        _ => Ok(f),
    }
}

/// Everything a validated query needs.
#[derive(Debug)]
pub struct Compiled {
    /// Scan spec.
    pub spec: ScanSpec,
    /// For `primaryKey.op = eq`: the direct key.
    pub direct_key: Option<Key>,
    /// Fingerprint for cursors.
    pub fingerprint: u64,
}

/// Validate and compile a query (pure; timeout filled by the caller).
pub fn compile(q: &QueryRequest, timeout_ms: u32) -> ApiResult<Compiled> {
    let mut errs = Vec::new();
    if q.namespace.is_empty() {
        errs.push(fe("namespace", "required"));
    } else if let Err(e) = names::namespace("namespace", &q.namespace) {
        errs.extend(e.fields);
    }
    let set = q.set.clone().unwrap_or_default();
    if let Err(e) = names::set("set", &set) {
        errs.extend(e.fields);
    }
    let filter = match &q.predicate {
        Some(p) => predicate_filter(p).map_err(|e| errs.push(e)).ok(),
        None => None,
    };
    let mut exps: Vec<Expression> = Vec::new();
    if let Some(tree) = &q.filter {
        match expr::translate(tree, "filter") {
            Ok(e) => exps.push(e),
            Err(e) => errs.extend(e.fields),
        }
    }
    let mut direct_key = None;
    if let Some(pk) = &q.primary_key {
        match pk.op.as_str() {
            "eq" => match values::from_json(&pk.value, "primaryKey.value") {
                Ok(v) if indexable(&v) => match Key::new(q.namespace.clone(), set.clone(), v) {
                    Ok(k) => direct_key = Some(k),
                    Err(e) => errs.push(fe("primaryKey.value", e.to_string())),
                },
                Ok(_) => errs.push(fe(
                    "primaryKey.value",
                    "a key is a string, an integer or bytes",
                )),
                Err(e) => errs.push(e),
            },
            op @ ("prefix" | "regex") => match pk.value.as_str() {
                Some(s) => {
                    let pattern = if op == "prefix" {
                        format!("^{}", expr::regex_escape(s))
                    } else {
                        s.to_string()
                    };
                    let flags = if pk.ignore_case {
                        RegexFlags::EXTENDED | RegexFlags::ICASE
                    } else {
                        RegexFlags::EXTENDED
                    };
                    exps.push(exp::and(vec![
                        exp::key_exists(),
                        exp::regex_compare(pattern, flags, exp::key(ExpType::String)),
                    ]));
                }
                None => errs.push(fe("primaryKey.value", "must be a string")),
            },
            other => errs.push(fe(
                "primaryKey.op",
                format!("`{other}` is not eq, prefix or regex"),
            )),
        }
    }
    for (i, b) in q.bins.iter().flatten().enumerate() {
        if let Err(e) = names::bin(&format!("bins[{i}]"), b) {
            errs.extend(e.fields);
        }
    }
    if q.max_records == Some(0) {
        errs.push(fe(
            "maxRecords",
            "must be at least 1 (omit it for no limit)",
        ));
    }
    if !errs.is_empty() {
        let code = if errs.iter().any(|e| e.field.starts_with("filter")) {
            "invalid_expression"
        } else {
            "validation_failed"
        };
        return Err(ApiError::fields(errs).with_code(code));
    }
    let expression = match exps.len() {
        0 => None,
        1 => exps.pop(),
        _ => Some(exp::and(exps)),
    };
    let mut canon = q.clone();
    canon.cursor = None;
    canon.page_size = None;
    let canon = serde_json::to_string(&canon).unwrap_or_default();
    Ok(Compiled {
        spec: ScanSpec {
            namespace: q.namespace.clone(),
            set,
            bins: q.bins.clone().filter(|b| !b.is_empty()),
            filter,
            expression,
            timeout_ms,
        },
        direct_key,
        fingerprint: fingerprint(&["query", &canon]),
    })
}

/// Run a query and return one page.
#[utoipa::path(post, path = "/clusters/{id}/query", tag = "query", request_body = QueryRequest,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = RecordPage), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn run_query(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(q): ApiJson<QueryRequest>,
) -> ApiResult<Response> {
    let page_size = scan::check_page_size(q.page_size)?;
    let conn = state.conn(id).await?;
    let c = compile(&q, conn.timeout_ms)?;
    let ns = q.namespace.as_str();
    let set = c.spec.set.as_str();
    if let Some(key) = &c.direct_key {
        let mut policy = ReadPolicy::default();
        policy.base_policy.total_timeout = conn.timeout_ms;
        policy
            .base_policy
            .filter_expression
            .clone_from(&c.spec.expression);
        let bins = c.spec.bins.clone().map_or(Bins::All, Bins::Some);
        let records = match conn.client.get(&policy, key, bins).await {
            Ok(mut r) => {
                r.key = Some(key.clone());
                vec![r]
            }
            Err(e)
                if e.matches(&[
                    aerospike::ResultCode::KeyNotFoundError,
                    aerospike::ResultCode::FilteredOut,
                ]) =>
            {
                vec![]
            }
            Err(e) => return Err(ApiError::from_aerospike(&e, "get record")),
        };
        return Ok(json_response(&PageJson {
            records: &records,
            namespace: ns,
            set,
            next_cursor: None,
            page_size,
            estimated_total: Some(records.len() as u64),
        }));
    }
    let cursor = match q.cursor.as_deref() {
        Some(t) if !t.is_empty() => state.cursors.resolve(t, c.fingerprint)?,
        _ => CursorState::start(),
    };
    let remaining = q
        .max_records
        .map_or(u64::MAX, |m| m.saturating_sub(cursor.seen));
    let size = page_size.min(usize::try_from(remaining).unwrap_or(usize::MAX));
    let page = if size == 0 {
        scan::Page {
            records: vec![],
            next: None,
        }
    } else {
        scan::page(&conn, &c.spec, cursor, size).await?
    };
    let next = page
        .next
        .filter(|n| q.max_records.is_none_or(|m| n.seen < m))
        .map(|n| state.cursors.issue(&n, c.fingerprint));
    Ok(json_response(&PageJson {
        records: &page.records,
        namespace: ns,
        set,
        next_cursor: next,
        page_size,
        estimated_total: None,
    }))
}

/// Export format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `ndjson` (default) or `csv`.
    #[serde(default)]
    pub format: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(v: serde_json::Value) -> QueryRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn compiles_predicates() {
        let c = compile(
            &q(json!({"namespace": "test", "set": "users",
            "predicate": {"bin": "age", "op": "range", "value": 20, "end": 30}})),
            1000,
        )
        .unwrap();
        assert_eq!(c.spec.filter, Some(Filter::range("age", 20, 30)));
        let c = compile(
            &q(json!({"namespace": "test",
            "predicate": {"bin": "tags", "op": "contains", "value": "x", "collection": "list"}})),
            1000,
        )
        .unwrap();
        assert_eq!(
            c.spec.filter,
            Some(Filter::contains("tags", "x", CollectionIndexType::List))
        );
        let c = compile(&q(json!({"namespace": "test",
            "predicate": {"bin": "profile", "op": "equals", "value": "Paris", "context": [{"mapKey": "city"}]}})), 1000).unwrap();
        assert!(c.spec.filter.is_some());
    }

    #[test]
    fn bad_inputs_have_field_errors() {
        let cases = [
            (
                json!({"namespace": "test", "predicate": {"bin": "a", "op": "range", "value": 1}}),
                "predicate.end",
            ),
            (
                json!({"namespace": "test", "predicate": {"bin": "a", "op": "equals", "value": 1.5}}),
                "predicate.value",
            ),
            (
                json!({"namespace": "test", "predicate": {"bin": "a", "op": "contains", "value": 1}}),
                "predicate.collection",
            ),
            (
                json!({"namespace": "test", "predicate": {"bin": "a", "op": "near", "value": 1}}),
                "predicate.op",
            ),
            (
                json!({"namespace": "test", "filter": {"op": "eq", "bin": "a"}}),
                "filter.value",
            ),
            (
                json!({"namespace": "test", "primaryKey": {"op": "like", "value": "x"}}),
                "primaryKey.op",
            ),
            (json!({"namespace": "", "set": "s"}), "namespace"),
            (json!({"namespace": "t", "maxRecords": 0}), "maxRecords"),
        ];
        for (body, field) in cases {
            let e = compile(&q(body.clone()), 1000).unwrap_err();
            assert_eq!(e.fields[0].field, field, "{body}");
        }
    }

    #[test]
    fn fingerprint_ignores_paging() {
        let a = compile(
            &q(json!({"namespace": "t", "pageSize": 10, "cursor": "x"})),
            1,
        )
        .unwrap();
        let b = compile(&q(json!({"namespace": "t", "pageSize": 20})), 1).unwrap();
        let c = compile(&q(json!({"namespace": "t", "set": "s"})), 1).unwrap();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
    }

    #[test]
    fn pk_prefix_builds_key_regex() {
        let c = compile(
            &q(json!({"namespace": "t", "primaryKey": {"op": "prefix", "value": "user."}})),
            1,
        )
        .unwrap();
        assert!(c.spec.expression.is_some());
        let c = compile(
            &q(json!({"namespace": "t", "set": "s", "primaryKey": {"op": "eq", "value": 7}})),
            1,
        )
        .unwrap();
        assert!(c.direct_key.is_some());
    }
}
