//! `histogram:namespace=NS[;set=S];type=ttl|object-size|object-size-linear`.
//!
//! Linear: `units=..:hist-width=..:bucket-width=..:buckets=c0,c1,...`.
//! Log2 (object-size): `units=bytes:[128-256)=500:[256-512)=1000`.

use serde::Serialize;

use crate::reply::{ReplyError, allow_empty};

/// A parsed histogram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "shape", rename_all = "snake_case")]
pub enum Histogram {
    /// No data (empty reply, e.g. an empty namespace).
    Empty,
    /// Fixed-width buckets.
    Linear {
        /// `seconds` or `bytes`.
        units: String,
        /// Total width covered.
        hist_width: u64,
        /// Width of one bucket.
        bucket_width: u64,
        /// Counts per bucket (bucket 0 also holds records that never expire for ttl).
        buckets: Vec<u64>,
    },
    /// Power-of-two ranges.
    Ranges {
        /// `bytes`.
        units: String,
        /// `[from, to)` ranges with counts.
        ranges: Vec<HistRange>,
    },
}

/// A `[from-to)=count` range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistRange {
    /// Lower bound (inclusive).
    pub from: u64,
    /// Upper bound (exclusive).
    pub to: u64,
    /// Count in range.
    pub count: u64,
}

fn bad(d: impl Into<String>) -> ReplyError {
    ReplyError::malformed("histogram", d)
}

fn num(s: &str) -> Result<u64, ReplyError> {
    s.trim()
        .parse()
        .map_err(|_| bad(format!("{s:?} is not a number")))
}

/// Parses a histogram reply.
pub fn parse_histogram(raw: &str) -> Result<Histogram, ReplyError> {
    let v = allow_empty(raw)?;
    if v.is_empty() {
        return Ok(Histogram::Empty);
    }
    let mut units = None;
    let mut hist_width = None;
    let mut bucket_width = None;
    let mut buckets = None;
    let mut ranges = Vec::new();
    for field in v.split(':').filter(|f| !f.is_empty()) {
        let (k, val) = field
            .rsplit_once('=')
            .ok_or_else(|| bad(format!("field {field:?} has no '='")))?;
        match k {
            "units" => units = Some(val.to_owned()),
            "hist-width" => hist_width = Some(num(val)?),
            "bucket-width" => bucket_width = Some(num(val)?),
            "buckets" => {
                buckets = Some(
                    val.split(',')
                        .filter(|c| !c.is_empty())
                        .map(num)
                        .collect::<Result<Vec<_>, _>>()?,
                )
            }
            range if range.starts_with('[') => {
                let inner = range
                    .strip_prefix('[')
                    .and_then(|r| r.strip_suffix(')'))
                    .ok_or_else(|| bad(format!("range {range:?} is not [a-b)")))?;
                let (from, to) = inner
                    .split_once('-')
                    .ok_or_else(|| bad(format!("range {range:?} has no '-'")))?;
                ranges.push(HistRange {
                    from: num(from)?,
                    to: num(to)?,
                    count: num(val)?,
                });
            }
            _ => {}
        }
    }
    let units = units.ok_or_else(|| bad("no units= field"))?;
    match (buckets, hist_width, bucket_width) {
        (Some(buckets), Some(hist_width), Some(bucket_width)) => Ok(Histogram::Linear {
            units,
            hist_width,
            bucket_width,
            buckets,
        }),
        (None, None, None) => Ok(Histogram::Ranges { units, ranges }),
        _ => Err(bad(
            "linear histogram without hist-width, bucket-width and buckets",
        )),
    }
}
