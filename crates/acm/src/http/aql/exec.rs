//! Running one AQL statement through the manager's client paths (records, query, indexes,
//! UDFs, info). Every info command the terminal sends is built by [`info_command`] or
//! [`info_path`], so name safety can be audited (and swapped for a shared builder) in one
//! place; names reaching them were already checked by `aql::names`.

use std::collections::BTreeMap;
use std::sync::Arc;

use aerospike::{
    AdminPolicy, Bin, Bins, CollectionIndexType, IndexType, Key, PartitionFilter, ReadPolicy, Value,
};
use aql::{Collection, Predicate, Select, Setting, Show, Statement, Target};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value as J, json};

use super::{AqlEvent, AqlOutput, AqlSettings, line};
use crate::clients::Conn;
use crate::error::{ApiError, FieldError};
use crate::http::cluster::{namespace_names, set_views};
use crate::http::indexes::{IndexView, merge_lists};
use crate::http::query::{self, PkMatch, QueryRequest};
use crate::http::records::write_policy;
use crate::http::udfs::decode_udf_error;
use crate::info::{self, ok_replies};
use crate::scan::{RecordJson, hex};
use crate::values;
use asinfo::command::InfoCommand;

/// Rows per `rows` event.
const ROWS_PER_EVENT: usize = 100;
/// Records sampled per namespace by `SHOW BINS`.
const BIN_SAMPLE: u64 = 1000;

/// Execution state of one script.
pub struct Ctx {
    /// Client of the profile.
    pub conn: Arc<Conn>,
    /// Session settings (changed by `SET`).
    pub settings: AqlSettings,
    /// Uploaded Lua sources by file name.
    pub modules: BTreeMap<String, String>,
    /// Row cap per statement.
    pub max_rows: u64,
    /// Event sink.
    pub tx: tokio::sync::mpsc::Sender<Bytes>,
    /// Index of the running statement.
    pub index: usize,
}

/// Why a statement stopped.
pub enum Stop {
    /// The client disconnected.
    Gone,
    /// The statement failed.
    Failed(ApiError),
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::Failed(e)
    }
}

/// What a statement did.
pub struct Outcome {
    /// Rows streamed or records affected.
    pub rows: u64,
    /// Rows were cut at the cap.
    pub truncated: bool,
    /// Summary.
    pub message: String,
}

fn done(rows: u64, message: impl Into<String>) -> Result<Outcome, Stop> {
    Ok(Outcome {
        rows,
        truncated: false,
        message: message.into(),
    })
}

/// `verb:k1=v1;k2=v2` through the shared [`InfoCommand`] builder (names were checked by
/// the parser; the builder is the last line of defence and refuses any separator).
pub fn info_command(verb: &str, params: &[(&str, &str)]) -> Result<InfoCommand, ApiError> {
    InfoCommand::with_params(verb, params).map_err(crate::names::unsafe_part)
}

/// `verb/a/b` through the shared [`InfoCommand`] builder.
pub fn info_path(segments: &[&str]) -> Result<InfoCommand, ApiError> {
    let (verb, parts) = segments
        .split_first()
        .ok_or_else(|| ApiError::field("script", "empty info command"))?;
    InfoCommand::path(verb, parts).map_err(crate::names::unsafe_part)
}

impl Ctx {
    fn timeout(&self) -> u32 {
        self.settings.timeout_ms.unwrap_or(self.conn.timeout_ms)
    }

    fn admin(&self) -> AdminPolicy {
        AdminPolicy {
            timeout: self.timeout(),
        }
    }

    async fn send_rows(&mut self, rows: Vec<J>) -> Result<(), Stop> {
        if rows.is_empty() {
            return Ok(());
        }
        let ev = AqlEvent::Rows {
            index: self.index,
            rows,
        };
        self.tx.send(line(&ev)).await.map_err(|_| Stop::Gone)
    }

    /// Send a finite list of rows, capped at `max_rows`.
    async fn list(&mut self, rows: Vec<J>, what: &str) -> Result<Outcome, Stop> {
        let total = rows.len() as u64;
        let cap = usize::try_from(self.max_rows).unwrap_or(usize::MAX);
        let mut rows = rows;
        rows.truncate(cap);
        let n = rows.len() as u64;
        let mut it = rows.into_iter().peekable();
        while it.peek().is_some() {
            let chunk: Vec<J> = it.by_ref().take(ROWS_PER_EVENT).collect();
            self.send_rows(chunk).await?;
        }
        Ok(Outcome {
            rows: n,
            truncated: n < total,
            message: format!("{n} {what}"),
        })
    }
}

/// Run one statement.
pub async fn run(ctx: &mut Ctx, st: &Statement) -> Result<Outcome, Stop> {
    match st {
        Statement::Select(s) => select(ctx, s).await,
        Statement::Explain(s) => explain(ctx, s).await,
        Statement::Insert(i) => {
            let key = key(&i.target, &i.key)?;
            if i.bins.is_empty() {
                return Err(
                    ApiError::field("script", "INSERT needs at least one bin besides PK").into(),
                );
            }
            let mut bins = Vec::with_capacity(i.bins.len());
            for (name, v) in &i.bins {
                bins.push(Bin::new(name.clone(), value(v)?));
            }
            let mut p = write_policy(&ctx.conn, None, None, None)?;
            p.send_key = ctx.settings.key_send;
            p.base_policy.total_timeout = ctx.timeout();
            ctx.conn
                .client
                .put(&p, &key, &bins)
                .await
                .map_err(|e| ApiError::from_aerospike(&e, "insert"))?;
            done(1, "1 record written")
        }
        Statement::Delete { target, key: k } => {
            let key = key(target, k)?;
            let mut p = write_policy(&ctx.conn, Some(-2), None, None)?;
            p.base_policy.total_timeout = ctx.timeout();
            let existed = ctx
                .conn
                .client
                .delete(&p, &key)
                .await
                .map_err(|e| ApiError::from_aerospike(&e, "delete"))?;
            if !existed {
                return Err(ApiError::not_found(
                    "record_not_found",
                    "delete: no record with this key",
                )
                .into());
            }
            done(1, "1 record deleted")
        }
        Statement::Show(what) => show(ctx, what).await,
        Statement::DescIndex { namespace, name } => {
            let v = find_index(ctx, namespace, name).await?;
            let mut row = serde_json::to_value(&v).unwrap_or(J::Null);
            let mut stats = serde_json::Map::new();
            let cmd = info_path(&["sindex", namespace, name])?;
            for r in info::all_nodes(&ctx.conn, &cmd).await? {
                if let Some(raw) = r.response {
                    let kv: serde_json::Map<String, J> = asinfo::parse::kv::semicolon_pairs(&raw)
                        .into_iter()
                        .map(|(k, v)| (k, J::String(v)))
                        .collect();
                    stats.insert(r.node, J::Object(kv));
                }
            }
            row["stats"] = J::Object(stats);
            ctx.list(vec![row], "index").await
        }
        Statement::DescModule { filename } => {
            let cmd = info_command("udf-get", &[("filename", filename)])?;
            let raw = info::one_node(&ctx.conn, None, &cmd).await?;
            let src = asinfo::parse::parse_udf_get(&raw).map_err(|_| {
                ApiError::not_found(
                    "udf_not_found",
                    format!("no UDF module `{filename}` is registered"),
                )
            })?;
            let row = json!({"filename": filename, "type": src.udf_type, "content": src.content});
            ctx.list(vec![row], "module").await
        }
        Statement::CreateIndex(c) => {
            let it = match c.index_type {
                aql::IndexType::Numeric => IndexType::Numeric,
                aql::IndexType::String => IndexType::String,
                aql::IndexType::Geo2DSphere => IndexType::Geo2DSphere,
                aql::IndexType::Blob => IndexType::Blob,
            };
            ctx.conn
                .client
                .create_index_on_bin(
                    &ctx.admin(),
                    &c.target.namespace,
                    c.target.set.as_deref().unwrap_or(""),
                    &c.bin,
                    &c.name,
                    it,
                    cit(c.collection),
                    None,
                )
                .await
                .map_err(|e| ApiError::from_aerospike(&e, &format!("create index `{}`", c.name)))?;
            done(
                0,
                format!(
                    "index `{}` created; it builds in the background (SHOW INDEXES shows its state)",
                    c.name
                ),
            )
        }
        Statement::DropIndex { namespace, name } => {
            let v = find_index(ctx, namespace, name).await?;
            ctx.conn
                .client
                .drop_index(
                    &ctx.admin(),
                    namespace,
                    v.set.as_deref().unwrap_or(""),
                    name,
                )
                .await
                .map_err(|e| ApiError::from_aerospike(&e, &format!("drop index `{name}`")))?;
            tracing::warn!(profile = ctx.conn.profile_id, namespace = %namespace, index = %name, "index dropped from the AQL terminal");
            done(0, format!("index `{name}` dropped"))
        }
        Statement::RegisterModule { path } => register(ctx, path).await,
        Statement::RemoveModule { filename } => {
            let raw = info::one_node(&ctx.conn, None, &crate::names::verb_cmd("udf-list")?).await?;
            let exists = asinfo::parse::parse_udf_list(&raw)
                .map(|l| l.iter().any(|m| &m.filename == filename))
                .unwrap_or(false);
            if !exists {
                return Err(ApiError::not_found(
                    "udf_not_found",
                    format!("no UDF module `{filename}` is registered"),
                )
                .into());
            }
            let cmd = info_command("udf-remove", &[("filename", filename)])?;
            let reply = info::one_node(&ctx.conn, None, &cmd).await?;
            if !reply.trim().is_empty() && reply.trim() != "ok" {
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "aerospike_error",
                    format!("udf-remove: {}", reply.trim()),
                )
                .into());
            }
            done(0, format!("module `{filename}` removed"))
        }
        Statement::Execute(call) => execute(ctx, call).await,
        Statement::Aggregate(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_statement",
            "AGGREGATE is not supported by the manager",
        )
        .into()),
        Statement::Truncate(t) => {
            ctx.conn
                .client
                .truncate(
                    &ctx.admin(),
                    &t.namespace,
                    t.set.as_deref().unwrap_or(""),
                    0,
                )
                .await
                .map_err(|e| ApiError::from_aerospike(&e, &format!("truncate {t}")))?;
            tracing::warn!(profile = ctx.conn.profile_id, target = %t, "truncated from the AQL terminal");
            done(0, format!("{t} truncated"))
        }
        Statement::Set(s) => {
            let msg = match *s {
                Setting::Output(o) => {
                    ctx.settings.output = match o {
                        aql::OutputFormat::Table => AqlOutput::Table,
                        aql::OutputFormat::Json => AqlOutput::Json,
                    };
                    format!("OUTPUT = {:?}", ctx.settings.output).to_uppercase()
                }
                Setting::Timeout(ms) => {
                    let ms = u32::try_from(ms).map_err(|_| {
                        ApiError::field("script", "SET TIMEOUT takes at most 4294967295 ms")
                    })?;
                    ctx.settings.timeout_ms = Some(ms);
                    format!("TIMEOUT = {ms} ms")
                }
                Setting::RecordPrintMetadata(b) => {
                    ctx.settings.record_print_metadata = b;
                    format!("RECORD_PRINT_METADATA = {b}")
                }
                Setting::KeySend(b) => {
                    ctx.settings.key_send = b;
                    format!("KEY_SEND = {b}")
                }
            };
            done(0, msg)
        }
    }
}

fn cit(c: Collection) -> CollectionIndexType {
    match c {
        Collection::Default => CollectionIndexType::Default,
        Collection::List => CollectionIndexType::List,
        Collection::MapKeys => CollectionIndexType::MapKeys,
        Collection::MapValues => CollectionIndexType::MapValues,
    }
}

fn invalid(e: FieldError) -> ApiError {
    ApiError::fields(vec![e]).with_code("invalid_value")
}

/// An AQL literal as an Aerospike value.
fn value(v: &aql::Value) -> Result<Value, ApiError> {
    Ok(match v {
        aql::Value::Int(i) => Value::Int(*i),
        aql::Value::Float(f) => Value::Float((*f).into()),
        aql::Value::Str(s) => Value::String(s.clone()),
        aql::Value::Bytes(b) => Value::Blob(b.clone()),
        aql::Value::Json(j) => values::from_json(j, "value").map_err(invalid)?,
        aql::Value::List(l) => values::from_json(&J::Array(l.clone()), "value").map_err(invalid)?,
        aql::Value::Map(m) => values::from_json(&J::Object(m.clone()), "value").map_err(invalid)?,
        aql::Value::GeoJson(g) => Value::GeoJson(g.clone()),
    })
}

/// An AQL literal in the API's lossless JSON encoding (for the query compiler).
fn lossless(v: &aql::Value) -> J {
    match v {
        aql::Value::Int(i) => json!(i),
        aql::Value::Float(f) => json!({ "$float": f }),
        aql::Value::Str(s) => J::String(s.clone()),
        aql::Value::Bytes(b) => json!({ "$bytes": B64.encode(b) }),
        aql::Value::Json(j) => j.clone(),
        aql::Value::List(l) => J::Array(l.clone()),
        aql::Value::Map(m) => J::Object(m.clone()),
        aql::Value::GeoJson(g) => {
            json!({ "$geo": serde_json::from_str::<J>(g).unwrap_or(J::Null) })
        }
    }
}

fn key(t: &Target, v: &aql::Value) -> Result<Key, ApiError> {
    Key::new(
        t.namespace.clone(),
        t.set.clone().unwrap_or_default(),
        value(v)?,
    )
    .map_err(|e| ApiError::field("script", e.to_string()).with_code("invalid_key"))
}

fn collection_name(c: Collection) -> Option<String> {
    (c != Collection::Default).then(|| c.keyword().to_ascii_lowercase())
}

/// The manager's query request for a target and predicate.
fn query_request(t: &Target, p: Option<&Predicate>, bins: Option<Vec<String>>) -> QueryRequest {
    let mut q = QueryRequest {
        namespace: t.namespace.clone(),
        set: t.set.clone(),
        predicate: None,
        filter: None,
        primary_key: None,
        bins,
        max_records: None,
        page_size: None,
        cursor: None,
    };
    let pred = |bin: &str, op: &str, value: J, end: Option<J>, c: Collection| query::Predicate {
        bin: bin.to_string(),
        op: op.to_string(),
        value,
        end,
        collection: collection_name(c),
        context: None,
    };
    match p {
        None => {}
        Some(Predicate::PrimaryKey(v)) => {
            q.primary_key = Some(PkMatch {
                op: "eq".into(),
                value: lossless(v),
                ignore_case: false,
            });
        }
        Some(Predicate::Equals {
            bin,
            value,
            collection,
        }) => q.predicate = Some(pred(bin, "equals", lossless(value), None, *collection)),
        Some(Predicate::Between {
            bin,
            low,
            high,
            collection,
        }) => {
            q.predicate = Some(pred(
                bin,
                "range",
                json!(low),
                Some(json!(high)),
                *collection,
            ));
        }
        Some(Predicate::GeoWithin { bin, region }) => {
            let v = lossless(&aql::Value::GeoJson(region.clone()));
            q.predicate = Some(pred(bin, "geoWithin", v, None, Collection::Default));
        }
        Some(Predicate::GeoContains { bin, point }) => {
            let v = lossless(&aql::Value::GeoJson(point.clone()));
            q.predicate = Some(pred(bin, "geoContains", v, None, Collection::Default));
        }
    }
    q
}

fn record_row(r: &aerospike::Record, t: &Target) -> J {
    serde_json::to_value(RecordJson {
        record: r,
        namespace: &t.namespace,
        set: t.set.as_deref().unwrap_or(""),
    })
    .unwrap_or(J::Null)
}

async fn select(ctx: &mut Ctx, s: &Select) -> Result<Outcome, Stop> {
    let q = query_request(&s.target, s.predicate.as_ref(), s.bins.clone());
    let c = query::compile(&q, ctx.timeout())?;
    if s.limit == Some(0) {
        return done(0, "0 records (LIMIT 0)");
    }
    if let Some(k) = &c.direct_key {
        let mut p = ReadPolicy::default();
        p.base_policy.total_timeout = ctx.timeout();
        let bins = c.spec.bins.clone().map_or(Bins::All, Bins::Some);
        return match ctx.conn.client.get(&p, k, bins).await {
            Ok(mut r) => {
                r.key = Some(k.clone());
                ctx.send_rows(vec![record_row(&r, &s.target)]).await?;
                done(1, "1 record")
            }
            Err(e) if e.matches(&[aerospike::ResultCode::KeyNotFoundError]) => {
                done(0, "0 records: no record with this key")
            }
            Err(e) => Err(ApiError::from_aerospike(&e, "select").into()),
        };
    }
    let cap = s.limit.unwrap_or(u64::MAX).min(ctx.max_rows);
    let limited_by_user = s.limit.is_some_and(|l| l <= ctx.max_rows);
    let rs = ctx
        .conn
        .client
        .query(
            &c.spec.policy(cap.saturating_add(1)),
            PartitionFilter::all(),
            c.spec.statement(),
        )
        .await
        .map_err(|e| ApiError::from_aerospike(&e, "select"))?;
    let mut stream = rs.into_stream();
    let mut n = 0u64;
    let mut truncated = false;
    let mut batch = Vec::with_capacity(ROWS_PER_EVENT);
    let mut recent = crate::exactly_once::RecentDigests::default();
    while let Some(item) = stream.next().await {
        let r = item.map_err(|e| ApiError::from_aerospike(&e, "select"))?;
        if let Some(key) = &r.key
            && !recent.insert(key.digest())
        {
            // A copy the client sent again after a node failed.
            continue;
        }
        if n == cap {
            truncated = !limited_by_user;
            break;
        }
        n += 1;
        batch.push(record_row(&r, &s.target));
        if batch.len() == ROWS_PER_EVENT {
            ctx.send_rows(std::mem::take(&mut batch)).await?;
        }
    }
    drop(stream);
    ctx.send_rows(batch).await?;
    let message = if truncated {
        format!("{n} records shown; more match (raise maxRows or add LIMIT / a WHERE clause)")
    } else {
        format!("{n} records")
    };
    Ok(Outcome {
        rows: n,
        truncated,
        message,
    })
}

async fn indexes_of(ctx: &Ctx, ns: &str) -> Result<Vec<IndexView>, ApiError> {
    let cmd = info_command("sindex-list", &[("ns", ns)])?;
    let replies = info::all_nodes(&ctx.conn, &cmd).await?;
    let ok: Vec<(&str, &str)> = ok_replies(&replies).collect();
    Ok(merge_lists(&ok))
}

async fn find_index(ctx: &Ctx, ns: &str, name: &str) -> Result<IndexView, ApiError> {
    indexes_of(ctx, ns)
        .await?
        .into_iter()
        .find(|v| v.name == name)
        .ok_or_else(|| {
            ApiError::not_found(
                "index_not_found",
                format!("no secondary index `{name}` in namespace `{ns}`"),
            )
        })
}

async fn explain(ctx: &mut Ctx, s: &Select) -> Result<Outcome, Stop> {
    let t = &s.target;
    let set = t.set.clone().unwrap_or_default();
    let row = match &s.predicate {
        Some(Predicate::PrimaryKey(v)) => {
            let k = key(t, v)?;
            json!({"plan": "PRIMARY KEY LOOKUP", "namespace": t.namespace, "set": set,
                   "digest": hex(&k.digest()), "partition": k.partition_id(),
                   "userKey": values::to_json(&value(v)?)})
        }
        Some(p) => {
            let (bin, coll, ty) = index_need(p);
            let want_coll = collection_name(coll).unwrap_or_else(|| "default".into());
            let index = indexes_of(ctx, &t.namespace).await?.into_iter().find(|v| {
                v.bin.as_deref() == Some(bin)
                    && v.type_
                        .as_deref()
                        .is_some_and(|x| x.eq_ignore_ascii_case(ty))
                    && v.collection
                        .as_deref()
                        .unwrap_or("default")
                        .eq_ignore_ascii_case(&want_coll)
                    && (v.set.is_none() || v.set.as_deref() == t.set.as_deref())
            });
            json!({"plan": "SECONDARY INDEX QUERY", "namespace": t.namespace, "set": set,
                   "bin": bin, "indexType": ty, "collection": want_coll,
                   "index": index.as_ref().map(|i| i.name.clone()),
                   "indexState": index.as_ref().map(|i| i.state.clone()),
                   "note": if index.is_some() { "the query uses this index" } else { "no matching index: the query will fail with index_not_found; create one with CREATE INDEX" }})
        }
        None => {
            json!({"plan": "SCAN", "namespace": t.namespace, "set": set,
                   "note": "reads every record of the set (or namespace) partition by partition"})
        }
    };
    ctx.list(vec![row], "plan").await
}

/// Bin, collection and key type of the index a predicate needs (PK lookups need none
/// and are handled before).
fn index_need(p: &Predicate) -> (&str, Collection, &'static str) {
    match p {
        Predicate::Equals {
            bin,
            collection,
            value,
        } => {
            let ty = match value {
                aql::Value::Int(_) => "numeric",
                aql::Value::Bytes(_) => "blob",
                _ => "string",
            };
            (bin, *collection, ty)
        }
        Predicate::Between {
            bin, collection, ..
        } => (bin, *collection, "numeric"),
        Predicate::GeoWithin { bin, .. } | Predicate::GeoContains { bin, .. } => {
            (bin, Collection::Default, "geo2dsphere")
        }
        Predicate::PrimaryKey(_) => ("", Collection::Default, ""),
    }
}

async fn namespaces(ctx: &Ctx, only: Option<&String>) -> Result<Vec<String>, ApiError> {
    Ok(match only {
        Some(ns) => vec![ns.clone()],
        None => namespace_names(&ctx.conn).await?,
    })
}

async fn show(ctx: &mut Ctx, what: &Show) -> Result<Outcome, Stop> {
    match what {
        Show::Namespaces => {
            let rows = namespace_names(&ctx.conn)
                .await?
                .into_iter()
                .map(|n| json!({ "namespace": n }))
                .collect();
            ctx.list(rows, "namespaces").await
        }
        Show::Sets(ns) => {
            let mut rows = Vec::new();
            for n in namespaces(ctx, ns.as_ref()).await? {
                for s in set_views(&ctx.conn, &n, None).await? {
                    rows.push(serde_json::to_value(&s).unwrap_or(J::Null));
                }
            }
            ctx.list(rows, "sets").await
        }
        Show::Bins(ns) => {
            // CE 8 has no `bins` info command (it answers "unrecognized command"): list the
            // bins seen in a sample of each namespace instead.
            let mut rows = Vec::new();
            let mut sampled = 0u64;
            for n in namespaces(ctx, ns.as_ref()).await? {
                let q = query_request(
                    &Target {
                        namespace: n.clone(),
                        set: None,
                    },
                    None,
                    None,
                );
                let c = query::compile(&q, ctx.timeout())?;
                let rs = ctx
                    .conn
                    .client
                    .query(
                        &c.spec.policy(BIN_SAMPLE),
                        PartitionFilter::all(),
                        c.spec.statement(),
                    )
                    .await
                    .map_err(|e| ApiError::from_aerospike(&e, "show bins"))?;
                let mut stream = rs.into_stream();
                let mut counts: BTreeMap<String, u64> = BTreeMap::new();
                let mut seen = 0;
                while let Some(item) = stream.next().await {
                    let r = item.map_err(|e| ApiError::from_aerospike(&e, "show bins"))?;
                    for b in r.bins.keys() {
                        *counts.entry(b.clone()).or_default() += 1;
                    }
                    seen += 1;
                    if seen >= BIN_SAMPLE {
                        break;
                    }
                }
                sampled += seen;
                rows.extend(
                    counts.into_iter().map(
                        |(bin, records)| json!({"namespace": n, "bin": bin, "records": records}),
                    ),
                );
            }
            let mut out = ctx.list(rows, "bins").await?;
            out.message = format!(
                "{} (seen in a sample of {sampled} records; Aerospike 8 has no bin list)",
                out.message
            );
            Ok(out)
        }
        Show::Indexes(t) => {
            let mut rows = Vec::new();
            for n in namespaces(ctx, t.as_ref().map(|t| &t.namespace)).await? {
                for v in indexes_of(ctx, &n).await? {
                    let set_ok = match t.as_ref().and_then(|t| t.set.as_ref()) {
                        Some(s) => v.set.as_ref() == Some(s),
                        None => true,
                    };
                    if set_ok {
                        rows.push(serde_json::to_value(&v).unwrap_or(J::Null));
                    }
                }
            }
            ctx.list(rows, "indexes").await
        }
        Show::Udfs => {
            let raw = info::one_node(&ctx.conn, None, &crate::names::verb_cmd("udf-list")?).await?;
            let list = asinfo::parse::parse_udf_list(&raw)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            let rows = list
                .into_iter()
                .map(|m| json!({"filename": m.filename, "hash": m.hash, "type": m.udf_type}))
                .collect();
            ctx.list(rows, "modules").await
        }
        Show::Queries => {
            let mut rows = Vec::new();
            for r in info::all_nodes(&ctx.conn, &crate::names::verb_cmd("query-show")?).await? {
                let Some(raw) = r.response else { continue };
                for j in asinfo::parse::parse_query_show(&raw).unwrap_or_default() {
                    rows.push(json!({"node": r.node, "trid": j.trid.to_string(),
                        "namespace": j.ns, "set": j.set, "index": j.sindex_name,
                        "status": j.status, "progressPct": j.job_progress,
                        "runTimeMs": j.run_time, "recordsSucceeded": j.recs_succeeded,
                        "recordsFailed": j.recs_failed, "from": j.from, "jobType": j.job_type}));
                }
            }
            ctx.list(rows, "queries").await
        }
    }
}

async fn register(ctx: &mut Ctx, path: &str) -> Result<Outcome, Stop> {
    let file = aql::names::basename(path).to_string();
    let content = ctx.modules.get(&file).cloned().unwrap_or_default();
    if content.trim().is_empty() {
        return Err(ApiError::field("modules", format!("the attached `{file}` is empty")).into());
    }
    let b64 = B64.encode(content.as_bytes());
    let len = b64.len().to_string();
    let cmd = InfoCommand::with_opaque_last(
        "udf-put",
        &[
            ("filename", &file),
            ("content-len", &len),
            ("udf-type", "LUA"),
        ],
        ("content", &b64),
    )
    .map_err(crate::names::unsafe_part)?;
    let reply = info::one_node(&ctx.conn, None, &cmd).await?;
    let reply = reply.trim();
    if !reply.is_empty() && reply != "ok" {
        if let Some((kind, line, msg)) = decode_udf_error(reply) {
            let mut e = ApiError::fields(vec![FieldError {
                field: format!("modules.{file}"),
                message: match line {
                    Some(l) => format!("line {l}: {msg}"),
                    None => msg.clone(),
                },
            }]);
            e.code = "udf_compile_error";
            e.detail = format!("the server rejected `{file}` ({kind}): {msg}");
            return Err(e.into());
        }
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "aerospike_error",
            format!("udf-put: {reply}"),
        )
        .into());
    }
    done(0, format!("module `{file}` registered"))
}

async fn execute(ctx: &mut Ctx, call: &aql::UdfCall) -> Result<Outcome, Stop> {
    let mut args = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(value(a)?);
    }
    let mut p = write_policy(&ctx.conn, Some(-2), None, None)?;
    p.base_policy.total_timeout = ctx.timeout();
    p.send_key = ctx.settings.key_send;
    if let Some(Predicate::PrimaryKey(k)) = &call.predicate {
        let key = key(&call.target, k)?;
        let out = ctx
            .conn
            .client
            .execute_udf(&p, &key, &call.module, &call.function, &args)
            .await
            .map_err(|e| {
                ApiError::from_aerospike(&e, &format!("execute {}.{}", call.module, call.function))
            })?;
        let result = values::to_json(&out.unwrap_or(Value::Nil));
        ctx.send_rows(vec![json!({ "result": result })]).await?;
        return done(1, "1 record processed");
    }
    let q = query_request(&call.target, call.predicate.as_ref(), None);
    let c = query::compile(&q, ctx.timeout())?;
    let task = ctx
        .conn
        .client
        .query_execute_udf(&p, c.spec.statement(), &call.module, &call.function, &args)
        .await
        .map_err(|e| {
            ApiError::from_aerospike(&e, &format!("execute {}.{}", call.module, call.function))
        })?;
    let id = task.task_id().to_string();
    ctx.send_rows(vec![json!({ "taskId": id })]).await?;
    done(
        0,
        format!("background job {id} started; SHOW QUERIES shows its progress"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_commands_refuse_separators() {
        assert_eq!(
            info_command("sindex-list", &[("ns", "test")])
                .unwrap()
                .as_str(),
            "sindex-list:ns=test"
        );
        for bad in ["a;b", "a:b", "a=b", "a\nb", "\u{1}"] {
            assert!(
                info_command("udf-get", &[("filename", bad)]).is_err(),
                "{bad:?}"
            );
            assert!(info_path(&["sindex", "test", bad]).is_err(), "{bad:?}");
        }
        assert!(info_path(&["sindex", "test", ""]).is_err());
        assert!(info_path(&["sindex", "test", "a/b"]).is_err());
        assert_eq!(
            info_path(&["sindex", "test", "i"]).unwrap().as_str(),
            "sindex/test/i"
        );
    }

    #[test]
    fn predicates_compile_through_the_query_api() {
        let t = Target {
            namespace: "test".into(),
            set: Some("s".into()),
        };
        for src in [
            "SELECT * FROM test.s WHERE PK = 'k'",
            "SELECT * FROM test.s WHERE PK = X'00ff'",
            "SELECT * FROM test.s WHERE a = 1",
            "SELECT * FROM test.s WHERE a = 'x'",
            "SELECT * FROM test.s WHERE a BETWEEN 1 AND 5",
            "SELECT * FROM test.s WHERE a CONTAINS 'x' IN MAPKEYS",
            "SELECT * FROM test.s WHERE a BETWEEN 1 AND 5 IN LIST",
            r#"SELECT * FROM test.s WHERE a WITHIN GEOJSON('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}')"#,
            r#"SELECT * FROM test.s WHERE a CONTAINS GEOJSON('{"type":"Point","coordinates":[0,0]}')"#,
        ] {
            let Statement::Select(s) = aql::parse_statement(src).unwrap() else {
                panic!()
            };
            let q = query_request(&t, s.predicate.as_ref(), None);
            let c = query::compile(&q, 1000).unwrap_or_else(|e| panic!("{src}: {e}"));
            let is_pk = matches!(s.predicate, Some(Predicate::PrimaryKey(_)));
            assert_eq!(c.direct_key.is_some(), is_pk, "{src}");
            assert_eq!(c.spec.filter.is_some(), !is_pk, "{src}");
        }
    }

    #[tokio::test]
    async fn a_client_that_went_away_stops_a_running_select() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let fake = aerospike_fake::FakeCluster::start(1, aerospike_fake::FakeOptions::default())
            .await
            .unwrap();
        let spec = crate::clients::ConnectSpec {
            hosts: fake.hosts(),
            cluster_name: None,
            user: None,
            password: None,
            use_services_alternate: false,
            connect_timeout_ms: 5000,
        };
        let conn = Arc::new(Conn::new(
            crate::clients::connect(&spec).await.unwrap(),
            1,
            "t".into(),
            5000,
        ));
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        let mut ctx = Ctx {
            conn,
            settings: AqlSettings::default(),
            modules: BTreeMap::new(),
            max_rows: 1000,
            tx,
            index: 0,
        };
        for i in 0..150 {
            let st = aql::parse_statement(&format!("INSERT INTO test.c (PK, a) VALUES ({i}, 1)"))
                .unwrap();
            assert!(run(&mut ctx, &st).await.is_ok());
        }
        let select = aql::parse_statement("SELECT * FROM test.c").unwrap();
        // While someone listens, the rows arrive (two `rows` events).
        let out = run(&mut ctx, &select).await.ok().map(|o| o.rows);
        assert_eq!(out, Some(150));
        // Once the client is gone, the statement stops instead of finishing.
        drop(rx);
        assert!(matches!(run(&mut ctx, &select).await, Err(Stop::Gone)));
    }
}
