//! Container logs of simulated pods, served by `pods/{name}/log` like the kubelet: every line
//! stored with its RFC 3339 nanosecond timestamp; `timestamps`, `tailLines`, `limitBytes`,
//! `sinceSeconds` and `follow` (a stream of new lines until the pod is gone or the client
//! leaves).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::sync::broadcast;

use crate::SimState;
use crate::store::EventType;

/// A new log line (namespace, pod, stored line).
pub type LogLine = (String, String, String);

/// Now as the kubelet stamps log lines (RFC 3339 with nanoseconds).
fn stamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S.%9fZ")
        .to_string()
}

/// Append `text` (one or more lines) to a pod's log.
pub fn append(state: &SimState, ns: &str, pod: &str, text: &str) {
    let ts = stamp();
    let mut added = String::new();
    for l in text.lines() {
        added.push_str(&format!("{ts} {l}\n"));
    }
    state
        .logs
        .lock()
        .entry((ns.to_string(), pod.to_string()))
        .or_default()
        .push_str(&added);
    let _ = state.log_tx.send((ns.to_string(), pod.to_string(), added));
}

/// Options of a log request.
#[derive(Debug, Default, Clone)]
pub struct LogQuery {
    /// Keep the timestamp prefix.
    pub timestamps: bool,
    /// Only the last N lines.
    pub tail_lines: Option<usize>,
    /// At most this many bytes.
    pub limit_bytes: Option<usize>,
    /// Only lines newer than this many seconds.
    pub since_seconds: Option<i64>,
    /// Keep streaming new lines.
    pub follow: bool,
}

fn render(stored: &str, q: &LogQuery) -> String {
    let since = q.since_seconds.map(|s| {
        (jiff::Timestamp::now() - jiff::SignedDuration::from_secs(s))
            .strftime("%Y-%m-%dT%H:%M:%S.%9fZ")
            .to_string()
    });
    let lines: Vec<&str> = stored
        .lines()
        .filter(|l| {
            since
                .as_deref()
                .is_none_or(|s| l.split(' ').next().unwrap_or("") >= s)
        })
        .collect();
    let start = q.tail_lines.map_or(0, |n| lines.len().saturating_sub(n));
    let mut out = String::new();
    for l in &lines[start..] {
        let l = if q.timestamps {
            *l
        } else {
            l.split_once(' ').map_or(*l, |(_, rest)| rest)
        };
        out.push_str(l);
        out.push('\n');
    }
    if let Some(n) = q.limit_bytes {
        let mut cut = n.min(out.len());
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// The `log` subresource response.
pub fn respond(state: &Arc<SimState>, ns: &str, pod: &str, uid: &str, q: &LogQuery) -> Response {
    let key = (ns.to_string(), pod.to_string());
    // subscribe before reading, so no line falls between the two
    let lines_rx = state.log_tx.subscribe();
    let store_rx = state.store.subscribe();
    let stored = state.logs.lock().get(&key).cloned().unwrap_or_default();
    let first = render(&stored, q);
    if !q.follow {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain")],
            first,
        )
            .into_response();
    }
    let later = LogQuery {
        tail_lines: None,
        since_seconds: None,
        limit_bytes: None,
        ..q.clone()
    };
    let uid = uid.to_string();
    let stream = futures::stream::unfold(
        (lines_rx, store_rx, key, uid, later),
        |(mut lines, mut store, key, uid, q)| async move {
            loop {
                tokio::select! {
                    l = lines.recv() => match l {
                        Ok((n, p, text)) if (n.as_str(), p.as_str()) == (key.0.as_str(), key.1.as_str()) => {
                            let chunk = render(&text, &q);
                            return Some((Ok::<_, std::io::Error>(chunk), (lines, store, key, uid, q)));
                        }
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    e = store.recv() => match e {
                        Ok(e) if e.etype == EventType::Deleted && e.plural == "pods"
                            && e.object["metadata"]["uid"] == uid.as_str() => return None,
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                }
            }
        },
    );
    let body = futures::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(stream);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        Body::from_stream(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORED: &str = "2026-01-01T00:00:00.000000001Z a\n2026-01-01T00:00:01.000000001Z b c\n2026-01-01T00:00:02.000000001Z d\n";

    #[test]
    fn tail_timestamps_and_limits() {
        let q = LogQuery::default();
        assert_eq!(render(STORED, &q), "a\nb c\nd\n");
        let q = LogQuery {
            tail_lines: Some(2),
            ..Default::default()
        };
        assert_eq!(render(STORED, &q), "b c\nd\n");
        let q = LogQuery {
            tail_lines: Some(1),
            timestamps: true,
            ..Default::default()
        };
        assert_eq!(render(STORED, &q), "2026-01-01T00:00:02.000000001Z d\n");
        let q = LogQuery {
            limit_bytes: Some(3),
            ..Default::default()
        };
        assert_eq!(render(STORED, &q), "a\nb");
        let q = LogQuery {
            since_seconds: Some(60),
            ..Default::default()
        };
        assert_eq!(render(STORED, &q), "", "all lines are older than a minute");
    }
}
