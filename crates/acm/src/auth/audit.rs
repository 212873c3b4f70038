//! The audit log: one row per write (who, when, route, target, outcome) in SQLite.

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};

/// One audit entry.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Identifier (increasing).
    pub id: i64,
    /// Time (RFC 3339).
    pub at: String,
    /// User name (`local` without authentication, `anonymous` when not signed in).
    pub actor: String,
    /// HTTP method.
    pub method: String,
    /// Route template, e.g. `/api/v1/profiles/{id}`.
    pub route: String,
    /// The concrete path and query.
    pub target: String,
    /// HTTP status of the answer.
    pub status: u16,
    /// `ok`, `denied` (401/403) or `failed`.
    pub outcome: String,
    /// Client address, when known.
    pub ip: Option<String>,
    /// Extra information (e.g. the user name of a failed login).
    pub detail: String,
}

/// A new audit entry.
#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    /// Who.
    pub actor: String,
    /// HTTP method.
    pub method: String,
    /// Route template.
    pub route: String,
    /// Path and query.
    pub target: String,
    /// HTTP status.
    pub status: u16,
    /// Client address.
    pub ip: Option<String>,
    /// Extra information.
    pub detail: String,
}

/// Outcome name of a status.
pub fn outcome(status: u16) -> &'static str {
    match status {
        401 | 403 | 429 => "denied",
        s if s < 400 => "ok",
        _ => "failed",
    }
}

/// Filters and paging of `GET /api/v1/audit`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries of this user.
    pub actor: Option<String>,
    /// Only entries whose route template contains this text.
    pub route: Option<String>,
    /// Only this HTTP method.
    pub method: Option<String>,
    /// Only this outcome: `ok`, `denied` or `failed`.
    pub outcome: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    pub since: Option<String>,
    /// Only entries before this time (RFC 3339).
    pub until: Option<String>,
    /// Page size (1–500, default 100).
    pub limit: Option<u32>,
    /// Cursor: entries with an id below this (the `nextBefore` of the previous page).
    pub before: Option<i64>,
}

/// One page of the audit log, newest first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// Entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

fn check_time(field: &str, v: &Option<String>) -> ApiResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(s) => s
            .parse::<jiff::Timestamp>()
            .map(|t| Some(t.to_string()))
            .map_err(|_| ApiError::field(field, "an RFC 3339 time, e.g. 2026-01-31T12:00:00Z")),
    }
}

/// The audit log store.
#[derive(Clone, Debug)]
pub struct AuditLog {
    pool: SqlitePool,
}

impl AuditLog {
    /// Over the manager's pool.
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Append an entry. Failing to audit is logged, never hides the request's answer.
    pub async fn record(&self, e: NewEntry) {
        let r = sqlx::query(
            "INSERT INTO audit_log (at, actor, method, route, target, status, outcome, ip, detail) \
             VALUES (?,?,?,?,?,?,?,?,?)",
        )
        .bind(jiff::Timestamp::now().to_string())
        .bind(&e.actor)
        .bind(&e.method)
        .bind(&e.route)
        .bind(&e.target)
        .bind(i64::from(e.status))
        .bind(outcome(e.status))
        .bind(&e.ip)
        .bind(&e.detail)
        .execute(&self.pool)
        .await;
        if let Err(err) = r {
            tracing::error!(error = %err, actor = %e.actor, route = %e.route, "audit log write failed");
        }
    }

    /// A page of entries matching the filters.
    pub async fn query(&self, q: &AuditQuery) -> ApiResult<AuditPage> {
        let limit = i64::from(q.limit.unwrap_or(100));
        if !(1..=500).contains(&limit) {
            return Err(ApiError::field("limit", "between 1 and 500"));
        }
        if let Some(o) = &q.outcome
            && !matches!(o.as_str(), "ok" | "denied" | "failed")
        {
            return Err(ApiError::field("outcome", "one of ok, denied, failed"));
        }
        let since = check_time("since", &q.since)?;
        let until = check_time("until", &q.until)?;
        let mut b: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT * FROM audit_log WHERE 1=1");
        if let Some(a) = &q.actor {
            b.push(" AND actor = ").push_bind(a.clone());
        }
        if let Some(r) = &q.route {
            b.push(" AND instr(route, ")
                .push_bind(r.clone())
                .push(") > 0");
        }
        if let Some(m) = &q.method {
            b.push(" AND method = ").push_bind(m.to_ascii_uppercase());
        }
        if let Some(o) = &q.outcome {
            b.push(" AND outcome = ").push_bind(o.clone());
        }
        if let Some(s) = since {
            b.push(" AND at >= ").push_bind(s);
        }
        if let Some(u) = until {
            b.push(" AND at < ").push_bind(u);
        }
        if let Some(before) = q.before {
            b.push(" AND id < ").push_bind(before);
        }
        b.push(" ORDER BY id DESC LIMIT ").push_bind(limit + 1);
        let rows = b.build().fetch_all(&self.pool).await?;
        let mut entries = rows
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    method: r.try_get("method")?,
                    route: r.try_get("route")?,
                    target: r.try_get("target")?,
                    status: u16::try_from(r.try_get::<i64, _>("status")?).unwrap_or(0),
                    outcome: r.try_get("outcome")?,
                    ip: r.try_get("ip")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let next_before = if entries.len() as i64 > limit {
            entries.truncate(limit as usize);
            entries.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn filters_and_pages() {
        let log = AuditLog::new(crate::db::open(":memory:").await.unwrap());
        for i in 0..5 {
            log.record(NewEntry {
                actor: if i % 2 == 0 { "ann" } else { "bob" }.into(),
                method: "POST".into(),
                route: "/api/v1/profiles".into(),
                target: "/api/v1/profiles".into(),
                status: if i == 4 { 403 } else { 201 },
                ..Default::default()
            })
            .await;
        }
        let all = log.query(&AuditQuery::default()).await.unwrap();
        assert_eq!(all.entries.len(), 5);
        assert!(all.entries[0].id > all.entries[4].id, "newest first");
        let ann = log
            .query(&AuditQuery {
                actor: Some("ann".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(ann.entries.len(), 3);
        let denied = log
            .query(&AuditQuery {
                outcome: Some("denied".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(denied.entries.len(), 1);
        assert_eq!(denied.entries[0].status, 403);
        let p1 = log
            .query(&AuditQuery {
                limit: Some(2),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(p1.entries.len(), 2);
        let p2 = log
            .query(&AuditQuery {
                limit: Some(2),
                before: p1.next_before,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(p2.entries.len(), 2);
        assert!(p2.entries[0].id < p1.entries[1].id);
        let p3 = log
            .query(&AuditQuery {
                limit: Some(2),
                before: p2.next_before,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(p3.entries.len(), 1);
        assert_eq!(p3.next_before, None);
        assert!(
            log.query(&AuditQuery {
                since: Some("yesterday".into()),
                ..Default::default()
            })
            .await
            .is_err()
        );
        assert!(
            log.query(&AuditQuery {
                limit: Some(0),
                ..Default::default()
            })
            .await
            .is_err()
        );
        let future = log
            .query(&AuditQuery {
                since: Some("2999-01-01T00:00:00Z".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(future.entries.is_empty());
    }
}
