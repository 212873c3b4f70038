//! Streaming export as NDJSON or CSV: records are encoded as they arrive and sent in
//! chunks, so memory stays flat in the number of records; a client that disconnects
//! cancels the scan.

use aerospike::{PartitionFilter, Record, Value};
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;

use std::sync::Arc;

use crate::clients::Conn;
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiQuery, ApiResult, Problem};
use crate::exactly_once::RecentDigests;
use crate::http::address::{set_expression, set_from_segment};
use crate::http::query::{ExportParams, QueryRequest, compile};
use crate::scan::{RecordJson, ScanSpec, hex, ttl_of};
use crate::state::AppState;
use crate::values::JsonValue;

const CHUNK: usize = 64 * 1024;
const CSV_DISCOVERY: usize = 256;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON record per line.
    Ndjson,
    /// Comma-separated values with a header.
    Csv,
}

fn parse_format(f: Option<&str>) -> ApiResult<Format> {
    match f.unwrap_or("ndjson") {
        "ndjson" | "jsonl" => Ok(Format::Ndjson),
        "csv" => Ok(Format::Csv),
        other => Err(ApiError::field(
            "format",
            format!("`{other}` is not ndjson or csv"),
        )),
    }
}

/// Write one NDJSON line.
pub fn write_ndjson(out: &mut Vec<u8>, rec: &Record, ns: &str, set: &str) {
    let _ = serde_json::to_writer(
        &mut *out,
        &RecordJson {
            record: rec,
            namespace: ns,
            set,
        },
    );
    out.push(b'\n');
}

fn csv_cell(out: &mut Vec<u8>, text: &str) {
    if text.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        for b in text.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Nil => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f64::from(f).to_string(),
        other => serde_json::to_string(&JsonValue(other)).unwrap_or_default(),
    }
}

/// CSV writer with a fixed set of bin columns plus `_other` for bins outside them.
pub struct CsvWriter {
    columns: Vec<String>,
    other: bool,
}

impl CsvWriter {
    /// Columns `key,digest,generation,ttl,<bins...>[,_other]`.
    pub fn new(columns: Vec<String>, other: bool) -> Self {
        Self { columns, other }
    }

    /// Header line.
    pub fn header(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"key,digest,generation,ttl");
        for c in &self.columns {
            out.push(b',');
            csv_cell(out, c);
        }
        if self.other {
            out.extend_from_slice(b",_other");
        }
        out.extend_from_slice(b"\r\n");
    }

    /// One record line.
    pub fn row(&self, out: &mut Vec<u8>, rec: &Record) {
        let key = rec.key.as_ref();
        csv_cell(
            out,
            &key.and_then(|k| k.user_key())
                .map(value_text)
                .unwrap_or_default(),
        );
        out.push(b',');
        out.extend_from_slice(key.map(|k| hex(&k.digest())).unwrap_or_default().as_bytes());
        out.extend_from_slice(format!(",{},{}", rec.generation, ttl_of(rec)).as_bytes());
        for c in &self.columns {
            out.push(b',');
            if let Some(v) = rec.bins.get(c) {
                csv_cell(out, &value_text(v));
            }
        }
        if self.other {
            out.push(b',');
            let extra: Vec<(&String, &Value)> = rec
                .bins
                .iter()
                .filter(|(k, _)| !self.columns.contains(k))
                .collect();
            if !extra.is_empty() {
                let m: serde_json::Map<String, serde_json::Value> = extra
                    .into_iter()
                    .map(|(k, v)| (k.clone(), crate::values::to_json(v)))
                    .collect();
                csv_cell(out, &serde_json::Value::Object(m).to_string());
            }
        }
        out.extend_from_slice(b"\r\n");
    }
}

fn problem_line(e: &ApiError) -> Vec<u8> {
    let mut v = serde_json::to_vec(&serde_json::json!({"$error": e.problem()})).unwrap_or_default();
    v.push(b'\n');
    v
}

/// Chunks in flight between the encoder task and the response body.
const CHANNEL_CHUNKS: usize = 4;

type Chunk = Result<Bytes, std::io::Error>;

/// The records of a query with an optional budget. With several nodes the client splits
/// `maxRecords` between them, so one round can come back short while records remain on
/// other partitions: the scan then continues from the partition cursor until the budget
/// is met or the cursor says the scan is complete.
struct Scan {
    conn: Arc<Conn>,
    spec: ScanSpec,
    stream: aerospike::query::RecordStream,
    /// Records still wanted (None: no limit).
    remaining: Option<u64>,
    /// Records of the current round.
    round: u64,
    /// Rounds in a row that returned nothing while the cursor was not complete.
    idle_rounds: u32,
    /// The scan ended (or failed): `next` returns None from now on.
    finished: bool,
    /// Records handed out lately, to drop the copies a client-side retry sends again.
    recent: RecentDigests,
}

/// Rounds without progress before an export with `maxRecords` gives up.
const MAX_IDLE_ROUNDS: u32 = 3;

impl Scan {
    async fn next(&mut self) -> Option<Result<Record, ApiError>> {
        if self.finished {
            return None;
        }
        let item = self.next_inner().await;
        if !matches!(item, Some(Ok(_))) {
            self.finished = true;
        }
        item
    }

    async fn next_inner(&mut self) -> Option<Result<Record, ApiError>> {
        loop {
            if self.remaining == Some(0) {
                return None;
            }
            match self.stream.next().await {
                Some(Ok(r)) => {
                    if let Some(key) = &r.key
                        && !self.recent.insert(key.digest())
                    {
                        continue;
                    }
                    if let Some(n) = self.remaining.as_mut() {
                        *n -= 1;
                    }
                    self.round += 1;
                    return Some(Ok(r));
                }
                Some(Err(e)) => return Some(Err(ApiError::from_aerospike(&e, "export"))),
                None => {
                    // Without a budget the client ran the query to its end.
                    let want = self.remaining?;
                    let filter = self.stream.partition_filter()?;
                    if filter.done() {
                        return None;
                    }
                    if self.round == 0 {
                        self.idle_rounds += 1;
                        if self.idle_rounds >= MAX_IDLE_ROUNDS {
                            return Some(Err(ApiError::new(
                                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                                "incomplete_export",
                                "the cluster returned no records for unfinished partitions \
                                 several times (partitions unavailable or migrating?)",
                            )));
                        }
                    } else {
                        self.idle_rounds = 0;
                    }
                    self.round = 0;
                    match self
                        .conn
                        .client
                        .query(&self.spec.policy(want), filter, self.spec.statement())
                        .await
                    {
                        Ok(rs) => self.stream = rs.into_stream(),
                        Err(e) => return Some(Err(ApiError::from_aerospike(&e, "export"))),
                    }
                }
            }
        }
    }
}

/// Records to encode: those read ahead for CSV column discovery, then the scan.
struct Source {
    scan: Scan,
    pending: std::vec::IntoIter<Record>,
    csv: Option<CsvWriter>,
    ns: String,
    set: String,
}

impl Source {
    /// Encode every record into chunks of about [`CHUNK`] bytes and send them, starting
    /// with `buf` (the CSV header). A scan error ends the body with an error after what
    /// was encoded (NDJSON gets a last `{"$error": ...}` line first).
    async fn produce(mut self, mut buf: Vec<u8>, tx: tokio::sync::mpsc::Sender<Chunk>) {
        loop {
            let rec = match self.pending.next() {
                Some(r) => r,
                None => match self.scan.next().await {
                    Some(Ok(r)) => r,
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "export aborted");
                        if self.csv.is_none() {
                            buf.extend_from_slice(&problem_line(&e));
                        }
                        // Send what we have, then fail the body so the client sees a
                        // broken transfer.
                        if tx.send(Ok(Bytes::from(buf))).await.is_ok() {
                            let _ = tx.send(Err(std::io::Error::other(e.detail))).await;
                        }
                        return;
                    }
                    None => {
                        if !buf.is_empty() {
                            let _ = tx.send(Ok(Bytes::from(buf))).await;
                        }
                        return;
                    }
                },
            };
            match &self.csv {
                Some(w) => w.row(&mut buf, &rec),
                None => write_ndjson(&mut buf, &rec, &self.ns, &self.set),
            }
            if buf.len() >= CHUNK {
                let full = std::mem::replace(&mut buf, Vec::with_capacity(CHUNK + CHUNK / 4));
                if tx.send(Ok(Bytes::from(full))).await.is_err() {
                    // The client went away: dropping the stream cancels the scan.
                    return;
                }
            }
        }
    }
}

async fn stream_export(
    state: &AppState,
    id: i64,
    spec: ScanSpec,
    max_records: Option<u64>,
    format: Format,
    name: &str,
) -> ApiResult<Response> {
    let conn = state.conn(id).await?;
    let rs = conn
        .client
        .query(
            &spec.policy(max_records.unwrap_or(0)),
            PartitionFilter::all(),
            spec.statement(),
        )
        .await
        .map_err(|e| ApiError::from_aerospike(&e, "export"))?;
    let mut stream = Scan {
        conn: conn.clone(),
        spec: spec.clone(),
        stream: rs.into_stream(),
        remaining: max_records,
        round: 0,
        idle_rounds: 0,
        finished: false,
        recent: RecentDigests::default(),
    };
    let ns = spec.namespace.clone();
    let set = spec.set.clone();
    // CSV needs its columns first: take them from `bins` or from the first records.
    let mut pending: Vec<Record> = Vec::new();
    let csv = if format == Format::Csv {
        let (cols, other) = match &spec.bins {
            Some(b) => (b.clone(), false),
            None => {
                let mut cols: Vec<String> = Vec::new();
                while pending.len() < CSV_DISCOVERY {
                    match stream.next().await {
                        Some(Ok(r)) => {
                            for k in r.bins.keys() {
                                if !cols.contains(k) {
                                    cols.push(k.clone());
                                }
                            }
                            pending.push(r);
                        }
                        Some(Err(e)) => return Err(e),
                        None => break,
                    }
                }
                (cols, true)
            }
        };
        Some(CsvWriter::new(cols, other))
    } else {
        // Read the first record before answering, so that an error the scan reports at once
        // (unknown namespace, unreachable node) is a plain HTTP error with its status, not a
        // 200 whose body breaks off after an `$error` line.
        match stream.next().await {
            Some(Ok(r)) => pending.push(r),
            Some(Err(e)) => return Err(e),
            None => {}
        }
        None
    };
    let mut header = Vec::with_capacity(CHUNK + CHUNK / 4);
    if let Some(w) = &csv {
        w.header(&mut header);
    }
    // The scan and the encoding run in their own task and hand over full chunks through a
    // small bounded channel: encoding the next chunk overlaps with sending this one, and
    // memory stays at a few chunks whatever the number of records. A client that goes away
    // closes the channel, which ends the task and drops (cancels) the scan.
    let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    let source = Source {
        scan: stream,
        pending: pending.into_iter(),
        csv,
        ns,
        set,
    };
    tokio::spawn(source.produce(header, tx));
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let (ctype, ext) = match format {
        Format::Ndjson => ("application/x-ndjson", "ndjson"),
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    Response::builder()
        .header(header::CONTENT_TYPE, ctype)
        .header(header::CONTENT_DISPOSITION, content_disposition(name, ext))
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(body))
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// `attachment` with the file name for any namespace/set text (RFC 6266): an ASCII
/// fallback `filename` (other bytes, quotes and backslashes replaced by `_`) and the exact
/// name UTF-8 percent-encoded in `filename*` (RFC 8187). Always a valid header value.
pub fn content_disposition(name: &str, ext: &str) -> axum::http::HeaderValue {
    let full = format!("{name}.{ext}");
    let fallback: String = full
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(full.len() * 3);
    for b in full.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let value = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
    axum::http::HeaderValue::from_str(&value)
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("attachment"))
}

/// Export the result of a query (all pages) as NDJSON or CSV, streamed.
#[utoipa::path(post, path = "/clusters/{id}/export", tag = "query", request_body = QueryRequest,
    params(("id" = i64, Path, description = "Profile id"), ExportParams),
    responses((status = 200, description = "NDJSON or CSV stream", content_type = "application/x-ndjson"),
              (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn export_query(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiQuery(p): ApiQuery<ExportParams>,
    ApiJson(q): ApiJson<QueryRequest>,
) -> ApiResult<Response> {
    let format = parse_format(p.format.as_deref())?;
    let c = compile(&q, 0)?;
    if c.direct_key.is_some() {
        return Err(ApiError::field(
            "primaryKey.op",
            "export needs a scan; use prefix or regex, or GET the record",
        ));
    }
    let name = format!(
        "{}-{}",
        q.namespace,
        q.set.clone().unwrap_or_else(|| "all".into())
    );
    stream_export(&state, id, c.spec, q.max_records, format, &name).await
}

/// Export a whole set as NDJSON or CSV, streamed.
#[utoipa::path(get, path = "/clusters/{id}/namespaces/{ns}/sets/{set}/export", tag = "query",
    params(("id" = i64, Path, description = "Profile id"), ("ns" = String, Path, description = "Namespace"),
           ("set" = String, Path, description = "Set; `~none` = records in no set"), ExportParams),
    responses((status = 200, description = "NDJSON or CSV stream", content_type = "application/x-ndjson"),
              (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn export_set(
    State(state): State<AppState>,
    Path((id, ns, set)): Path<(i64, String, String)>,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> ApiResult<Response> {
    let format = parse_format(p.format.as_deref())?;
    let set = set_from_segment(&set);
    crate::names::ns_set(&ns, &set)?;
    let spec = ScanSpec {
        namespace: ns.clone(),
        set: set.clone(),
        bins: None,
        filter: None,
        expression: set_expression(&set),
        timeout_ms: 0,
    };
    let name = if set.is_empty() {
        format!("{ns}-no-set")
    } else {
        format!("{ns}-{set}")
    };
    stream_export(&state, id, spec, None, format, &name).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> Record {
        let mut bins = aerospike::IndexMap::new();
        bins.insert("name".to_string(), Value::String("a, \"b\"".into()));
        bins.insert("n".to_string(), Value::Int(5));
        bins.insert("l".to_string(), Value::List(vec![Value::Int(1)]));
        let key = aerospike::Key::new("t", "s", Value::Int(9)).unwrap();
        Record::new(Some(key), bins, None, 2, 0)
    }

    #[test]
    fn csv_escapes_and_puts_extra_bins_aside() {
        let w = CsvWriter::new(vec!["name".into(), "n".into()], true);
        let mut out = Vec::new();
        w.header(&mut out);
        w.row(&mut out, &rec());
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "key,digest,generation,ttl,name,n,_other");
        assert!(lines[1].starts_with("9,"));
        assert!(
            lines[1].contains(",2,-1,\"a, \"\"b\"\"\",5,\"{\"\"l\"\":[1]}\""),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn ndjson_is_one_line_per_record() {
        let mut out = Vec::new();
        write_ndjson(&mut out, &rec(), "t", "s");
        write_ndjson(&mut out, &rec(), "t", "s");
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(v["bins"]["n"], 5);
    }

    #[test]
    fn content_disposition_takes_any_name() {
        let v = content_disposition("test-caf\u{e9} \"x\"\n\\", "csv");
        let text = v.to_str().unwrap();
        assert_eq!(
            text,
            "attachment; filename=\"test-caf_ _x___.csv\"; filename*=UTF-8''test-caf%C3%A9%20%22x%22%0A%5C.csv"
        );
        let v = content_disposition("test-users", "ndjson");
        assert_eq!(
            v.to_str().unwrap(),
            "attachment; filename=\"test-users.ndjson\"; filename*=UTF-8''test-users.ndjson"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(parse_format(None).unwrap(), Format::Ndjson);
        assert_eq!(parse_format(Some("csv")).unwrap(), Format::Csv);
        assert!(parse_format(Some("xml")).is_err());
    }
}
