//! The paging engine (true cursors over partition scans/queries) and the JSON form of
//! records.
//!
//! The 4096 partitions are scanned in windows of consecutive partitions. A round asks the
//! server for at most the missing number of records from the current window; when every
//! node answered below its share of that budget the window is complete (the client's
//! `done`), and the next window starts after it, sized from the density just seen (about
//! two pages). Otherwise the cursor keeps the window with the digest of the last record of
//! each partition read. With several nodes each node gets a share of the budget, so a round
//! can come back short while records remain: the engine then runs further rounds until the
//! page is full or the last window is complete. Windows keep cursors small and every
//! request limited to a few partitions. A page is therefore never short or empty while records remain; if the
//! server keeps answering without progress the request fails with `incomplete_page`.

use std::collections::BTreeMap;

use aerospike::expressions::Expression;
use aerospike::query::Filter;
use aerospike::{Bins, QueryPolicy, Record, Statement};
use axum::http::StatusCode;
use futures::StreamExt;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use crate::clients::Conn;
use crate::cursor::{CursorState, PartState};
use crate::error::{ApiError, ApiResult};
use crate::exactly_once::keep_committed;
use crate::values::JsonValue;

/// Largest page.
pub const MAX_PAGE_SIZE: usize = 1000;
/// Partitions in the first window of a scan.
pub const FIRST_WINDOW: usize = 64;
const MIN_WINDOW: usize = 16;
const MAX_WINDOW: usize = 1024;
const PARTITIONS: usize = 4096;
/// Rounds without any progress before a page is reported incomplete.
const MAX_IDLE_ROUNDS: usize = 3;

/// What to scan or query.
#[derive(Debug, Clone)]
pub struct ScanSpec {
    /// Namespace.
    pub namespace: String,
    /// Set (empty: whole namespace).
    pub set: String,
    /// Bins to return (None: all).
    pub bins: Option<Vec<String>>,
    /// Secondary-index predicate.
    pub filter: Option<Filter>,
    /// Filter expression.
    pub expression: Option<Expression>,
    /// Per-round total timeout (ms).
    pub timeout_ms: u32,
}

impl ScanSpec {
    /// The statement for this spec.
    pub fn statement(&self) -> Statement {
        let bins = match &self.bins {
            Some(b) => Bins::Some(b.clone()),
            None => Bins::All,
        };
        let mut stmt = Statement::new(self.namespace.clone(), self.set.clone(), bins);
        if let Some(f) = &self.filter {
            stmt.set_filter(f.clone());
        }
        stmt
    }

    /// Query policy with a record budget (0 = unlimited).
    pub fn policy(&self, max_records: u64) -> QueryPolicy {
        let mut p = QueryPolicy {
            max_records,
            ..QueryPolicy::default()
        };
        p.base_policy.total_timeout = self.timeout_ms;
        // Exports run without a total timeout, but a node that stops sending still fails.
        p.base_policy.socket_timeout = if self.timeout_ms == 0 {
            30_000
        } else {
            self.timeout_ms
        };
        p.base_policy.filter_expression.clone_from(&self.expression);
        p
    }
}

/// Validate a requested page size.
pub fn check_page_size(size: Option<usize>) -> ApiResult<usize> {
    match size.unwrap_or(100) {
        0 => Err(ApiError::field("pageSize", "must be at least 1")),
        n if n > MAX_PAGE_SIZE => Err(ApiError::field(
            "pageSize",
            format!("must be at most {MAX_PAGE_SIZE}; use the cursor to read further pages"),
        )),
        n => Ok(n),
    }
}

/// One page of records and the cursor to continue (None when finished).
pub struct Page {
    /// Records.
    pub records: Vec<Record>,
    /// Continue from here.
    pub next: Option<CursorState>,
}

/// Read one page.
///
/// The end of the scan is found while filling the page, so the last full page already
/// says `next: None` (no extra request that returns nothing). A scan (no secondary-index
/// predicate) reads one record beyond the page and hands it back to the cursor: its
/// partition resumes after the last record kept. A secondary-index query cannot hand a
/// record back (its resume point also needs the index value), so when its page is full
/// a one-record probe from a copy of the cursor tells whether anything is left.
pub async fn page(
    conn: &Conn,
    spec: &ScanSpec,
    mut cursor: CursorState,
    page_size: usize,
) -> ApiResult<Page> {
    let lookahead = spec.filter.is_none();
    let target = if lookahead { page_size + 1 } else { page_size };
    let mut records = Vec::with_capacity(target);
    let mut idle = 0;
    let mut settle = Settle::new(conn);
    while records.len() < target && !cursor.is_complete() {
        let want = (target - records.len()) as u64;
        let before = records.len();
        let filter = match round(conn, spec, &cursor, want, &mut records).await {
            Ok(filter) => filter,
            Err(e) if transient(&e) => {
                // A node left or stopped answering during the round. What the round read is
                // dropped and the same round runs again from its start once the client has
                // seen the new cluster, so the page stays full and exactly-once.
                records.truncate(before);
                settle.wait(conn, &e).await?;
                continue;
            }
            Err(e) => return Err(ApiError::from_aerospike(&e, "query")),
        };
        // The client may have re-run part of the round internally (a node failed and its
        // partitions went to another node): keep only what its resume cursor accounts for.
        let committed = CursorState::from_filter(&filter);
        let dropped = keep_committed(&mut records, before, &committed);
        let got = records.len() - before;
        if records.len() > page_size {
            // One record beyond the page: more remain. Keep the page, give the extra
            // record back to the cursor.
            let extra = records.pop().unwrap_or_else(|| unreachable!());
            let mut next = committed;
            next.seen = cursor.seen;
            give_back(&mut next, &cursor, &records[before..], &extra);
            cursor = next;
            break;
        }
        let next = if filter.done() && dropped == 0 {
            // Every node finished this window below its share of the budget: the window
            // is complete, move to the next one, sized from the density just seen.
            let end = cursor.begin + cursor.parts.len();
            let len = next_window(cursor.parts.len(), got, page_size, PARTITIONS - end);
            let mut w = CursorState::window(end, len);
            w.seen = cursor.seen;
            w
        } else {
            let mut n = committed;
            n.seen = cursor.seen;
            n
        };
        if got == 0 && next == cursor {
            idle += 1;
            if idle >= MAX_IDLE_ROUNDS {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "incomplete_page",
                    "the cluster returned no records for unfinished partitions several times \
                     (partitions unavailable or migrating?); retry with the same cursor",
                ));
            }
        } else {
            idle = 0;
        }
        cursor = next;
    }
    let finished = if cursor.is_complete() {
        true
    } else if !lookahead && records.len() == page_size {
        nothing_left(conn, spec, &cursor, &mut settle).await?
    } else {
        false
    };
    cursor.seen += records.len() as u64;
    Ok(Page {
        records,
        next: (!finished).then_some(cursor),
    })
}

/// One round of a page: the records of at most `want` from `cursor` (appended to
/// `records`) and the partition cursor after them.
async fn round(
    conn: &Conn,
    spec: &ScanSpec,
    cursor: &CursorState,
    want: u64,
    records: &mut Vec<Record>,
) -> Result<aerospike::PartitionFilter, aerospike::Error> {
    let rs = conn
        .client
        .query(&spec.policy(want), cursor.to_filter(), spec.statement())
        .await?;
    let mut stream = rs.into_stream();
    while let Some(item) = stream.next().await {
        records.push(item?);
    }
    stream
        .partition_filter()
        .ok_or_else(|| aerospike::Error::client_error("the query finished without a resume cursor"))
}

/// Whether a failed round may succeed when run again once the cluster view changed: the
/// node went away or stopped answering, or its partitions moved. A rejection by the server
/// (bad filter, unknown namespace, ...) is final.
pub fn transient(e: &aerospike::Error) -> bool {
    use aerospike::ErrorKind as K;
    if let Some(rc) = e.server_result_code() {
        return matches!(
            rc,
            aerospike::ResultCode::PartitionUnavailable
                | aerospike::ResultCode::Timeout
                | aerospike::ResultCode::DeviceOverload
        );
    }
    matches!(
        e.kind(),
        K::Timeout
            | K::Connection
            | K::ConnectionPoolEmpty
            | K::NoMoreConnections
            | K::InvalidNode
            | K::Io(_)
            | K::StreamTerminated
    ) || e.is_client_timeout()
        // The client's own retries ran out, or no node owns the partitions right now.
        || matches!(e.kind(), K::Client) && {
            let m = e.to_string();
            m.contains("Max retries exceeded") || m.contains("No nodes were assigned")
        }
}

/// Retries of page rounds after transient failures, within the profile's request timeout.
struct Settle {
    deadline: tokio::time::Instant,
    backoff: std::time::Duration,
}

impl Settle {
    /// First retry after 50 ms, doubling up to one client tend interval (1 s).
    fn new(conn: &Conn) -> Self {
        Self {
            deadline: tokio::time::Instant::now()
                + std::time::Duration::from_millis(u64::from(conn.timeout_ms.max(1000))),
            backoff: std::time::Duration::from_millis(50),
        }
    }

    /// Wait before running the failed round again, or give up with a clear problem:
    /// `cluster_unreachable` (502) when no node is left, `timeout` (504) when the nodes did
    /// not answer in time, `incomplete_page` (503) otherwise.
    async fn wait(&mut self, conn: &Conn, e: &aerospike::Error) -> ApiResult<()> {
        let now = tokio::time::Instant::now();
        if now + self.backoff > self.deadline {
            if conn.client.nodes().is_empty() {
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "cluster_unreachable",
                    format!(
                        "query: no node of the cluster answers ({e}); check that the nodes are \
                         running and reachable from the manager"
                    ),
                ));
            }
            if matches!(e.kind(), aerospike::ErrorKind::Timeout) || e.is_client_timeout() {
                return Err(ApiError::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    "timeout",
                    format!(
                        "the cluster did not answer this page within the request timeout \
                         ({e}); retry with the same cursor, or raise the profile's timeoutMs"
                    ),
                ));
            }
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "incomplete_page",
                format!(
                    "a node failed while reading this page and the cluster did not settle \
                     within the request timeout ({e}); retry with the same cursor"
                ),
            ));
        }
        tokio::time::sleep(self.backoff).await;
        self.backoff = (self.backoff * 2).min(std::time::Duration::from_secs(1));
        Ok(())
    }
}

/// The partition of a record (from its digest).
pub(crate) fn partition_of(r: &Record) -> Option<usize> {
    r.key.as_ref().map(aerospike::Key::partition_id)
}

/// Undo the cursor's step over `extra` (pure): its partition resumes after the last
/// record of that partition kept in this round, or where the round started it.
pub fn give_back(
    next: &mut CursorState,
    round_start: &CursorState,
    kept: &[Record],
    extra: &Record,
) {
    let Some(p) = partition_of(extra) else {
        return;
    };
    let Some(slot) = p
        .checked_sub(next.begin)
        .and_then(|i| next.parts.get_mut(i))
    else {
        return;
    };
    *slot = match kept.iter().rev().find(|r| partition_of(r) == Some(p)) {
        Some(r) => PartState::Resume {
            digest: r.key.as_ref().map(aerospike::Key::digest),
            bval: None,
        },
        None => p
            .checked_sub(round_start.begin)
            .and_then(|i| round_start.parts.get(i))
            .cloned()
            .unwrap_or(PartState::Fresh),
    };
}

/// Whether no record is left after `cursor` (its window, then every later partition):
/// a one-record probe whose result is dropped, so the cursor itself does not move.
async fn nothing_left(
    conn: &Conn,
    spec: &ScanSpec,
    cursor: &CursorState,
    settle: &mut Settle,
) -> ApiResult<bool> {
    let mut rest = cursor.clone();
    let end = (rest.begin + rest.parts.len()).min(PARTITIONS);
    rest.parts
        .extend(std::iter::repeat_n(PartState::Fresh, PARTITIONS - end));
    loop {
        match probe(conn, spec, &rest).await {
            Ok(done) => return Ok(done),
            Err(e) if transient(&e) => settle.wait(conn, &e).await?,
            Err(e) => return Err(ApiError::from_aerospike(&e, "query")),
        }
    }
}

async fn probe(conn: &Conn, spec: &ScanSpec, rest: &CursorState) -> Result<bool, aerospike::Error> {
    let rs = conn
        .client
        .query(&spec.policy(1), rest.to_filter(), spec.statement())
        .await?;
    let mut stream = rs.into_stream();
    if let Some(item) = stream.next().await {
        item?;
        return Ok(false);
    }
    Ok(stream.partition_filter().is_some_and(|f| f.done()))
}

/// Size of the next partition window (pure): aim at about two pages of records, from
/// the records per partition of the window just finished; never beyond `remaining`.
pub fn next_window(prev_len: usize, got: usize, page_size: usize, remaining: usize) -> usize {
    let len = if got == 0 {
        prev_len.saturating_mul(8)
    } else {
        (2 * page_size * prev_len).div_ceil(got)
    };
    len.clamp(MIN_WINDOW, MAX_WINDOW).min(remaining)
}

/// Remaining TTL in seconds, -1 when the record never expires.
pub fn ttl_of(r: &Record) -> i64 {
    match r.time_to_live() {
        None => -1,
        Some(d) => d.as_secs() as i64,
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// A digest serialised as lowercase hex without allocating.
struct HexDigest([u8; 20]);

impl Serialize for HexDigest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 40];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = DIGITS[usize::from(b >> 4)];
            out[2 * i + 1] = DIGITS[usize::from(b & 0x0f)];
        }
        // Only ASCII hex digits were written.
        s.serialize_str(std::str::from_utf8(&out).unwrap_or_default())
    }
}

/// Serialises a record in the API's JSON form without copying it.
pub struct RecordJson<'a> {
    /// The record.
    pub record: &'a Record,
    /// Namespace (records from queries carry no key namespace when the key is absent).
    pub namespace: &'a str,
    /// Set.
    pub set: &'a str,
}

struct KeyJson<'a>(&'a Record, &'a str, &'a str);

impl Serialize for KeyJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        let key = self.0.key.as_ref();
        m.serialize_entry("namespace", key.map_or(self.1, |k| k.namespace()))?;
        m.serialize_entry("set", key.map_or(self.2, |k| k.set_name()))?;
        match key.and_then(|k| k.user_key()) {
            Some(v) => m.serialize_entry("userKey", &JsonValue(v))?,
            None => m.serialize_entry("userKey", &())?,
        }
        match key {
            Some(k) => m.serialize_entry("digest", &HexDigest(k.digest()))?,
            None => m.serialize_entry("digest", &())?,
        }
        m.end()
    }
}

struct BinsJson<'a>(&'a aerospike::IndexMap<String, aerospike::Value>);

impl Serialize for BinsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, &JsonValue(v))?;
        }
        m.end()
    }
}

impl Serialize for RecordJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("key", &KeyJson(self.record, self.namespace, self.set))?;
        m.serialize_entry("generation", &self.record.generation)?;
        m.serialize_entry("ttl", &ttl_of(self.record))?;
        m.serialize_entry("bins", &BinsJson(&self.record.bins))?;
        m.end()
    }
}

/// Documentation schema of a record key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordKeyView {
    /// Namespace.
    pub namespace: String,
    /// Set.
    pub set: String,
    /// Primary key in the lossless encoding, or null when the key was not stored.
    pub user_key: Option<serde_json::Value>,
    /// RIPEMD-160 digest, hex.
    pub digest: Option<String>,
}

/// Documentation schema of a record (the wire form is produced by [`RecordJson`]).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordView {
    /// Key.
    pub key: RecordKeyView,
    /// Generation (modification count).
    pub generation: u32,
    /// Remaining time to live in seconds; -1 = never expires.
    pub ttl: i64,
    /// Bins in the lossless value encoding.
    pub bins: BTreeMap<String, serde_json::Value>,
}

/// Documentation schema of a page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordPage {
    /// Records of this page.
    pub records: Vec<RecordView>,
    /// Opaque cursor for the next page; null when there are no more records.
    pub next_cursor: Option<String>,
    /// Requested page size.
    pub page_size: usize,
    /// Estimated records in the set (from server statistics); on the first page only.
    pub estimated_total: Option<u64>,
}

/// The wire form of a page.
pub struct PageJson<'a> {
    /// Records.
    pub records: &'a [Record],
    /// Namespace.
    pub namespace: &'a str,
    /// Set.
    pub set: &'a str,
    /// Next cursor.
    pub next_cursor: Option<String>,
    /// Page size.
    pub page_size: usize,
    /// Estimated total.
    pub estimated_total: Option<u64>,
}

struct RecordsJson<'a>(&'a [Record], &'a str, &'a str);

impl Serialize for RecordsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| RecordJson {
            record: r,
            namespace: self.1,
            set: self.2,
        }))
    }
}

impl Serialize for PageJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry(
            "records",
            &RecordsJson(self.records, self.namespace, self.set),
        )?;
        m.serialize_entry("nextCursor", &self.next_cursor)?;
        m.serialize_entry("pageSize", &self.page_size)?;
        m.serialize_entry("estimatedTotal", &self.estimated_total)?;
        m.end()
    }
}

/// Serialise to a JSON response.
pub fn json_response<T: Serialize>(v: &T) -> axum::response::Response {
    use axum::response::IntoResponse;
    match serde_json::to_vec(v) {
        Ok(body) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(e) => ApiError::internal(format!("serialising the response: {e}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_follow_density() {
        // sparse: grow fast
        assert_eq!(next_window(64, 0, 100, 4000), 512);
        // 24 records per partition, page 100 -> ~9 partitions, clamped to 16
        assert_eq!(next_window(64, 1536, 100, 4000), 16);
        // 1 record per partition, page 1000 -> 2000, capped
        assert_eq!(next_window(64, 64, 1000, 4000), 1024);
        // never beyond the end
        assert_eq!(next_window(64, 0, 100, 10), 10);
        assert_eq!(next_window(64, 0, 100, 0), 0);
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }

    #[test]
    fn page_size_limits() {
        assert_eq!(check_page_size(None).unwrap(), 100);
        assert_eq!(check_page_size(Some(1000)).unwrap(), 1000);
        let e = check_page_size(Some(1001)).unwrap_err();
        assert_eq!(e.fields[0].field, "pageSize");
        assert!(check_page_size(Some(0)).is_err());
    }

    #[test]
    fn record_json_shape() {
        let mut bins = aerospike::IndexMap::new();
        bins.insert("n".to_string(), aerospike::Value::Int(1 << 60));
        let key =
            aerospike::Key::new("test", "users", aerospike::Value::String("u1".into())).unwrap();
        let digest = hex(&key.digest());
        let rec = Record::new(Some(key), bins, None, 3, 0);
        let v = serde_json::to_value(RecordJson {
            record: &rec,
            namespace: "test",
            set: "users",
        })
        .unwrap();
        assert_eq!(v["key"]["userKey"], "u1");
        assert_eq!(v["key"]["digest"].as_str().unwrap(), digest);
        assert_eq!(digest.len(), 40);
        assert_eq!(v["ttl"], -1);
        assert_eq!(v["generation"], 3);
        assert_eq!(
            v["bins"]["n"],
            serde_json::json!({"$int": "1152921504606846976"})
        );
    }
}
