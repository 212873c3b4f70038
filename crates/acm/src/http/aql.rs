//! AQL terminal: `POST /clusters/{id}/aql` parses a script with the `aql` crate, checks it
//! as a whole (syntax, unsupported statements, read-only, confirmation of destructive
//! statements) and only then runs the statements in order, streaming NDJSON events:
//! `start`, `rows`*, `end` (or `error`, which stops the script) per statement, then `done`.
//! A client that disconnects stops the script after the current statement's next event.

mod exec;

use std::collections::BTreeMap;
use std::time::Instant;

use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::guard::WriteAccess;
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiResult, PROBLEM_JSON, Problem};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(run_aql))
}

/// Default and maximum number of rows a statement streams.
const DEFAULT_MAX_ROWS: u64 = 1000;
const MAX_MAX_ROWS: u64 = 100_000;
/// Longest script accepted (bytes).
const MAX_SCRIPT: usize = 1 << 20;
/// Profile label that makes a profile read-only for the AQL terminal.
pub const READ_ONLY_LABEL: &str = "read-only";

/// How the terminal renders results (`SET OUTPUT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AqlOutput {
    /// A table.
    #[default]
    Table,
    /// JSON.
    Json,
}

fn yes() -> bool {
    true
}

/// Session settings: sent by the client, changed by `SET` statements, returned in `done`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AqlSettings {
    /// `SET OUTPUT TABLE|JSON` (rendering only).
    #[serde(default)]
    pub output: AqlOutput,
    /// `SET TIMEOUT ms`: total timeout of each operation; null = the profile's timeout.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
    /// `SET RECORD_PRINT_METADATA`: show digest, generation and TTL columns.
    #[serde(default)]
    pub record_print_metadata: bool,
    /// `SET KEY_SEND`: store the user key with records written by INSERT (default true, as
    /// everywhere in the manager; `aql` itself defaults to false).
    #[serde(default = "yes")]
    pub key_send: bool,
}

impl Default for AqlSettings {
    fn default() -> Self {
        Self {
            output: AqlOutput::Table,
            timeout_ms: None,
            record_print_metadata: false,
            key_send: true,
        }
    }
}

/// An AQL script to run.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AqlRequest {
    /// Statements separated by `;` (comments `-- ...` and `/* ... */` allowed).
    pub script: String,
    /// Session read-only: refuse every statement that writes.
    #[serde(default)]
    pub read_only: bool,
    /// Required to run `TRUNCATE` and `DROP INDEX`.
    #[serde(default)]
    pub confirm: bool,
    /// Session settings at the start of the script.
    #[serde(default)]
    pub settings: AqlSettings,
    /// Lua sources for `REGISTER MODULE 'path/x.lua'`, by file name (`x.lua`).
    #[serde(default)]
    pub modules: BTreeMap<String, String>,
    /// Rows streamed per statement at most (1–100000, default 1000); a statement that had
    /// more reports `truncated`.
    #[serde(default)]
    pub max_rows: Option<u64>,
}

/// A byte range of the script (and the same range in UTF-16 code units, for editors).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ScriptSpan {
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Start in UTF-16 code units.
    pub start_utf16: usize,
    /// End in UTF-16 code units.
    pub end_utf16: usize,
}

impl ScriptSpan {
    fn of(src: &str, r: &std::ops::Range<usize>) -> Self {
        let u16 = |b: usize| src.get(..b).map_or(0, |s| s.encode_utf16().count());
        Self {
            start: r.start,
            end: r.end,
            start_utf16: u16(r.start),
            end_utf16: u16(r.end),
        }
    }
}

/// A problem located in the script.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScriptError {
    /// Where.
    pub span: ScriptSpan,
    /// What is wrong.
    pub message: String,
    /// What would have been accepted there.
    pub expected: Vec<String>,
}

/// Problem body of a script refused before anything ran (`spans` locates each problem).
#[derive(Debug, Serialize, ToSchema)]
pub struct AqlProblem {
    /// The problem.
    #[serde(flatten)]
    pub problem: Problem,
    /// Problems located in the script (absent when the request itself was invalid, e.g.
    /// `maxRows` out of range: then `errors` names the field).
    #[serde(default)]
    #[schema(required = false)]
    pub spans: Vec<ScriptError>,
}

struct Refusal {
    status: StatusCode,
    code: &'static str,
    detail: String,
    spans: Vec<ScriptError>,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut api = ApiError::new(self.status, self.code, self.detail);
        api.fields = self
            .spans
            .iter()
            .map(|s| crate::error::FieldError {
                field: "script".into(),
                message: format!("bytes {}..{}: {}", s.span.start, s.span.end, s.message),
            })
            .collect();
        let body = AqlProblem {
            problem: api.problem(),
            spans: self.spans,
        };
        (
            self.status,
            [(header::CONTENT_TYPE, PROBLEM_JSON)],
            serde_json::to_vec(&body).unwrap_or_default(),
        )
            .into_response()
    }
}

/// One NDJSON line of the result stream (documentation schema; see the module docs).
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AqlEvent {
    /// A statement starts.
    #[serde(rename_all = "camelCase")]
    Start {
        /// Statement number (0-based).
        index: usize,
        /// Leading keyword(s), e.g. `SELECT`, `CREATE INDEX`.
        kind: String,
        /// The statement in canonical AQL.
        statement: String,
        /// Where it is in the script.
        span: ScriptSpan,
    },
    /// Rows of the running statement (records in the API's record form, or plain objects).
    #[serde(rename_all = "camelCase")]
    Rows {
        /// Statement number.
        index: usize,
        /// The rows.
        rows: Vec<serde_json::Value>,
    },
    /// The statement finished.
    #[serde(rename_all = "camelCase")]
    End {
        /// Statement number.
        index: usize,
        /// Rows streamed (records read, listed objects) or records affected by a write.
        row_count: u64,
        /// Whether rows were cut at `maxRows`.
        truncated: bool,
        /// Wall time of the statement in milliseconds.
        elapsed_ms: f64,
        /// Human summary, e.g. `1 record written`.
        message: String,
    },
    /// The statement failed; the rest of the script is not run.
    #[serde(rename_all = "camelCase")]
    Error {
        /// Statement number.
        index: usize,
        /// Wall time in milliseconds.
        elapsed_ms: f64,
        /// The problem (same shape as an HTTP error body).
        problem: Problem,
    },
    /// The script finished (or stopped at an error).
    #[serde(rename_all = "camelCase")]
    Done {
        /// Statements in the script.
        statements: usize,
        /// Statements that succeeded.
        succeeded: usize,
        /// Total wall time in milliseconds.
        elapsed_ms: f64,
        /// Session settings after the script's `SET` statements.
        settings: AqlSettings,
    },
}

fn line(ev: &AqlEvent) -> Bytes {
    let mut v = serde_json::to_vec(ev).unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

fn located(src: &str, span: &std::ops::Range<usize>, message: String) -> ScriptError {
    ScriptError {
        span: ScriptSpan::of(src, span),
        message,
        expected: vec![],
    }
}

/// Check the parsed script as a whole before anything runs (pure).
fn refuse(
    src: &str,
    script: &[aql::Spanned],
    req: &AqlRequest,
    read_only_why: Option<&str>,
) -> Option<Refusal> {
    use aql::Statement as S;
    let unsupported: Vec<ScriptError> = script
        .iter()
        .filter_map(|s| match &s.statement {
            S::Aggregate(_) => Some(located(
                src,
                &s.span,
                "AGGREGATE runs Lua stream UDFs whose final stage executes inside the client; \
                 the manager does not run Lua, so AGGREGATE is not supported here. Use EXECUTE \
                 for record UDFs, or run the aggregation with aql."
                    .into(),
            )),
            S::RegisterModule { path } => {
                let file = aql::names::basename(path);
                (!req.modules.contains_key(file)).then(|| {
                    located(
                        src,
                        &s.span,
                        format!(
                            "REGISTER MODULE needs the file's content: the manager cannot read \
                             `{path}` from your disk; attach `{file}` (the terminal's upload \
                             button, or `modules` in the request)"
                        ),
                    )
                })
            }
            _ => None,
        })
        .collect();
    if !unsupported.is_empty() {
        return Some(Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "unsupported_statement",
            detail: unsupported[0].message.clone(),
            spans: unsupported,
        });
    }
    if req.read_only || read_only_why.is_some() {
        let writes: Vec<ScriptError> = script
            .iter()
            .filter(|s| s.statement.is_write())
            .map(|s| {
                located(
                    src,
                    &s.span,
                    format!("{} changes data or cluster state", s.statement.kind()),
                )
            })
            .collect();
        if !writes.is_empty() {
            let why = read_only_why.unwrap_or("the session is read-only");
            return Some(Refusal {
                status: StatusCode::FORBIDDEN,
                code: "read_only",
                detail: format!(
                    "{why}: {} statement(s) would write; nothing was run",
                    writes.len()
                ),
                spans: writes,
            });
        }
    }
    if !req.confirm {
        let destructive: Vec<ScriptError> = script
            .iter()
            .filter(|s| s.statement.is_destructive())
            .map(|s| {
                located(
                    src,
                    &s.span,
                    format!(
                        "{} cannot be undone; run again with confirmation",
                        s.statement.kind()
                    ),
                )
            })
            .collect();
        if !destructive.is_empty() {
            return Some(Refusal {
                status: StatusCode::BAD_REQUEST,
                code: "confirmation_required",
                detail: "TRUNCATE and DROP INDEX remove data or indexes for good: send \
                         `confirm: true` to run them; nothing was run"
                    .into(),
                spans: destructive,
            });
        }
    }
    None
}

/// Run an AQL script; the answer is an NDJSON stream of [`AqlEvent`] lines.
#[utoipa::path(post, path = "/clusters/{id}/aql", tag = "aql", request_body = AqlRequest,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, description = "NDJSON stream, one AqlEvent per line", body = AqlEvent, content_type = "application/x-ndjson"),
              (status = 400, description = "syntax error, unsupported statement or missing confirmation; nothing ran", body = AqlProblem, content_type = "application/problem+json"),
              (status = 403, description = "a write in a read-only session or profile; nothing ran", body = AqlProblem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn run_aql(
    State(state): State<AppState>,
    Extension(access): Extension<WriteAccess>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<AqlRequest>,
) -> ApiResult<Response> {
    if req.script.len() > MAX_SCRIPT {
        return Err(ApiError::field(
            "script",
            format!("at most {MAX_SCRIPT} bytes; split the script"),
        ));
    }
    let max_rows = req.max_rows.unwrap_or(DEFAULT_MAX_ROWS);
    if !(1..=MAX_MAX_ROWS).contains(&max_rows) {
        return Err(ApiError::field(
            "maxRows",
            format!("must be between 1 and {MAX_MAX_ROWS}"),
        ));
    }
    let src = req.script.as_str();
    let script = match aql::parse(src) {
        Ok(s) => s,
        Err(errs) => {
            let spans: Vec<ScriptError> = errs
                .into_iter()
                .map(|e| ScriptError {
                    span: ScriptSpan::of(src, &e.span),
                    message: e.message,
                    expected: e.expected,
                })
                .collect();
            let detail = format!("syntax error: {}", spans[0].message);
            return Ok(Refusal {
                status: StatusCode::BAD_REQUEST,
                code: "aql_syntax_error",
                detail,
                spans,
            }
            .into_response());
        }
    };
    if script.is_empty() {
        return Err(ApiError::field("script", "no statement to run"));
    }
    let profile = state.store.get(id).await?;
    let profile_read_only = profile
        .labels
        .get(READ_ONLY_LABEL)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let why = if profile_read_only {
        Some(format!(
            "the profile is read-only (label `{READ_ONLY_LABEL}: true`)"
        ))
    } else {
        access.refused.clone()
    };
    if let Some(r) = refuse(src, &script, &req, why.as_deref()) {
        return Ok(r.into_response());
    }
    let conn = state.conn(id).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    let mut ctx = exec::Ctx {
        conn,
        settings: req.settings.clone(),
        modules: req.modules,
        max_rows,
        tx,
        index: 0,
    };
    let events: Vec<(AqlEvent, aql::Statement)> = script
        .into_iter()
        .enumerate()
        .map(|(index, s)| {
            (
                AqlEvent::Start {
                    index,
                    kind: s.statement.kind().to_string(),
                    statement: s.statement.to_string(),
                    span: ScriptSpan::of(src, &s.span),
                },
                s.statement,
            )
        })
        .collect();
    tokio::spawn(async move {
        let started = Instant::now();
        let total = events.len();
        let mut succeeded = 0;
        for (index, (start, statement)) in events.into_iter().enumerate() {
            ctx.index = index;
            if ctx.tx.send(line(&start)).await.is_err() {
                return;
            }
            let t = Instant::now();
            let ev = match exec::run(&mut ctx, &statement).await {
                Ok(out) => AqlEvent::End {
                    index,
                    row_count: out.rows,
                    truncated: out.truncated,
                    elapsed_ms: ms(t),
                    message: out.message,
                },
                Err(exec::Stop::Gone) => return,
                Err(exec::Stop::Failed(e)) => AqlEvent::Error {
                    index,
                    elapsed_ms: ms(t),
                    problem: e.problem(),
                },
            };
            let failed = matches!(ev, AqlEvent::Error { .. });
            if ctx.tx.send(line(&ev)).await.is_err() {
                return;
            }
            if failed {
                break;
            }
            succeeded += 1;
        }
        let _ = ctx
            .tx
            .send(line(&AqlEvent::Done {
                statements: total,
                succeeded,
                elapsed_ms: ms(started),
                settings: ctx.settings.clone(),
            }))
            .await;
    });
    let body = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, std::convert::Infallible>(chunk), rx))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(body))
        .map_err(|e| ApiError::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(script: &str) -> AqlRequest {
        serde_json::from_value(serde_json::json!({ "script": script })).unwrap()
    }

    #[test]
    fn refusals_locate_every_statement() {
        let src = "SELECT * FROM test.s; TRUNCATE test.s; DROP INDEX test i";
        let script = aql::parse(src).unwrap();
        let r = refuse(src, &script, &req(src), None).unwrap();
        assert_eq!(r.code, "confirmation_required");
        assert_eq!(r.spans.len(), 2);
        assert_eq!(
            &src[r.spans[0].span.start..r.spans[0].span.end],
            "TRUNCATE test.s"
        );
        let mut confirmed = req(src);
        confirmed.confirm = true;
        assert!(refuse(src, &script, &confirmed, None).is_none());
        let r = refuse(
            src,
            &script,
            &confirmed,
            Some("the profile is read-only (label `read-only: true`)"),
        )
        .unwrap();
        assert_eq!(r.code, "read_only");
        assert!(r.detail.contains("profile"));
        let src = "SHOW SETS; AGGREGATE m.f() ON test.s";
        let script = aql::parse(src).unwrap();
        let r = refuse(src, &script, &req(src), None).unwrap();
        assert_eq!(r.code, "unsupported_statement");
        assert_eq!(r.spans[0].span.start, 11);
    }

    #[test]
    fn utf16_offsets() {
        let src = "'é😀' x";
        let s = ScriptSpan::of(src, &(9..10));
        assert_eq!(&src[9..10], "x");
        assert_eq!((s.start, s.end, s.start_utf16, s.end_utf16), (9, 10, 6, 7));
    }
}
