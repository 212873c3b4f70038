//! `latencies:` / `latencies:hist=<name>`:
//! `<hist>:msec,<ops/sec>,<%>1ms>,<%>2ms>,...;<hist>:;...` (a histogram without data is `<hist>:`).

use serde::Serialize;

use crate::reply::{ReplyError, allow_empty};

/// One latency histogram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latency {
    /// Histogram name, e.g. `{test}-read` or `batch-index`.
    pub name: String,
    /// Namespace, when the name is `{ns}-...`.
    pub namespace: Option<String>,
    /// Time unit (`msec` or `usec`); None when there is no data.
    pub unit: Option<String>,
    /// Operations per second; None when there is no data.
    pub ops_per_sec: Option<f64>,
    /// Buckets: percent of operations slower than `threshold` units.
    pub buckets: Vec<LatencyBucket>,
}

/// One `> threshold` column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyBucket {
    /// Threshold in the histogram unit (1, 2, 4, ... 2^16).
    pub threshold: u64,
    /// Percent of operations above the threshold.
    pub pct_over: f64,
}

/// Parses a `latencies` reply.
pub fn parse_latencies(raw: &str) -> Result<Vec<Latency>, ReplyError> {
    allow_empty(raw)?
        .split(';')
        .filter(|r| !r.trim().is_empty())
        .map(parse_one)
        .collect()
}

fn parse_one(record: &str) -> Result<Latency, ReplyError> {
    let bad = |d: String| ReplyError::malformed("latencies", d);
    let (name, data) = record
        .rsplit_once(':')
        .ok_or_else(|| bad(format!("record {record:?} has no ':'")))?;
    let namespace = name
        .strip_prefix('{')
        .and_then(|n| n.split_once('}'))
        .map(|(ns, _)| ns.to_owned());
    let mut latency = Latency {
        name: name.to_owned(),
        namespace,
        unit: None,
        ops_per_sec: None,
        buckets: Vec::new(),
    };
    if data.is_empty() {
        return Ok(latency);
    }
    let mut cols = data.split(',');
    latency.unit = cols.next().map(str::to_owned);
    let ops = cols
        .next()
        .ok_or_else(|| bad(format!("{name}: no ops/sec column")))?;
    latency.ops_per_sec =
        Some(parse_f64(ops).ok_or_else(|| bad(format!("{name}: bad ops/sec {ops:?}")))?);
    for (i, col) in cols.enumerate() {
        let pct = parse_f64(col).ok_or_else(|| bad(format!("{name}: bad percent {col:?}")))?;
        let threshold = 1u64
            .checked_shl(i as u32)
            .ok_or_else(|| bad(format!("{name}: too many columns")))?;
        latency.buckets.push(LatencyBucket {
            threshold,
            pct_over: pct,
        });
    }
    Ok(latency)
}

fn parse_f64(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}
