//! `query-show` / `query-show:id=N`: one record per job, `k=v` fields joined by `:`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::kv::Fields;
use super::records::split_records;
use crate::reply::{ReplyError, allow_empty};

/// One query job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryJob {
    /// Transaction id.
    pub trid: u64,
    /// Namespace.
    pub ns: Option<String>,
    /// Set.
    pub set: Option<String>,
    /// Secondary index used, if any.
    pub sindex_name: Option<String>,
    /// Status, e.g. `done(ok)`, `active(ok)`, `done(abandoned-...)`.
    pub status: Option<String>,
    /// Progress percent.
    pub job_progress: Option<f64>,
    /// Run time (ms).
    pub run_time: Option<u64>,
    /// Records succeeded.
    pub recs_succeeded: Option<u64>,
    /// Records failed.
    pub recs_failed: Option<u64>,
    /// Client address (`ip+port` on the wire, rewritten to `ip:port`).
    pub from: Option<String>,
    /// `basic`, `background-udf`, `background-ops`, ...
    pub job_type: Option<String>,
    /// Other fields.
    pub other: BTreeMap<String, String>,
}

impl QueryJob {
    /// True when the job is still running.
    pub fn is_active(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.starts_with("active"))
    }
}

/// Parses `query-show` (`ERROR:2:job not found` for an unknown id).
pub fn parse_query_show(raw: &str) -> Result<Vec<QueryJob>, ReplyError> {
    split_records(allow_empty(raw)?)
        .into_iter()
        .map(|map| {
            let mut f = Fields::new("query-show", map);
            let trid = f
                .u64("trid")?
                .ok_or_else(|| ReplyError::malformed("query-show", "job without trid"))?;
            Ok(QueryJob {
                trid,
                ns: f.string("ns"),
                set: f.string("set"),
                sindex_name: f.string("sindex-name"),
                status: f.string("status"),
                job_progress: f.f64("job-progress")?,
                run_time: f.u64("run-time")?,
                recs_succeeded: f.u64("recs-succeeded")?,
                recs_failed: f.u64("recs-failed")?,
                from: f.string("from").map(|a| match a.rsplit_once('+') {
                    Some((ip, port)) => format!("{ip}:{port}"),
                    None => a,
                }),
                job_type: f.string("job-type"),
                other: f.rest(),
            })
        })
        .collect()
}
