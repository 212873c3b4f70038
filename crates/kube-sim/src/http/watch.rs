//! Watch streams: one JSON event per line (`{"type":"ADDED","object":{..}}`), resumption from a
//! resourceVersion out of the bounded history (older → an `ERROR` event with a 410 `Status`,
//! as the real apiserver sends it), periodic `BOOKMARK`s, `sendInitialEvents` with the
//! `k8s.io/initial-events-end` bookmark, and `timeoutSeconds`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use crate::SimState;
use crate::error::ApiError;
use crate::kinds::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::store::{Event, served_as};

/// Parameters of one watch request.
#[derive(Debug, Clone, Default)]
pub struct WatchParams {
    /// resourceVersion to resume from (None or 0 = start with the current state).
    pub rv: Option<u64>,
    /// Namespace filter.
    pub ns: Option<String>,
    /// Label selector.
    pub ls: LabelSelector,
    /// Field selector.
    pub fs: FieldSelector,
    /// allowWatchBookmarks.
    pub bookmarks: bool,
    /// timeoutSeconds.
    pub timeout: Option<u64>,
    /// sendInitialEvents.
    pub send_initial: bool,
}

fn line(kind: &str, object: Value) -> Bytes {
    let mut s = serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
    s.push(b'\n');
    Bytes::from(s)
}

fn bookmark(rt: &ResourceType, rv: u64, initial_end: bool) -> Bytes {
    let mut md = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        md["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    line(
        "BOOKMARK",
        json!({"apiVersion": rt.api_version(), "kind": rt.kind, "metadata": md}),
    )
}

fn matches(rt: &ResourceType, p: &WatchParams, e: &Event) -> bool {
    let (group, plural) = crate::events_view::storage_key(rt);
    e.group == group
        && e.plural == plural
        && p.ns.as_ref().is_none_or(|n| *n == e.namespace)
        && p.ls.matches(&e.object)
        && p.fs.matches(&e.object)
}

/// Start a watch and return the streaming response.
pub fn start(sim: Arc<SimState>, rt: ResourceType, p: WatchParams) -> Response {
    let (tx_out, rx_out) = mpsc::channel::<Bytes>(1024);
    let setup = sim.store.with_mut(|inner, tx| {
        let rx = tx.subscribe();
        let mut first: Vec<Bytes> = Vec::new();
        match p.rv {
            Some(r) if r > 0 && !p.send_initial => {
                if r < inner.compacted_rv {
                    return Err(ApiError::gone(format!(
                        "too old resource version: {r} ({})",
                        inner.compacted_rv + 1
                    )));
                }
                for e in inner
                    .history
                    .iter()
                    .filter(|e| e.rv > r && matches(&rt, &p, e))
                {
                    first.push(line(e.etype.as_str(), served_as(&e.object, &rt)));
                }
            }
            _ => {
                for o in inner.list(&rt, p.ns.as_deref(), &p.ls, &p.fs) {
                    first.push(line("ADDED", o));
                }
                if p.send_initial && p.bookmarks {
                    first.push(bookmark(&rt, inner.rv, true));
                }
            }
        }
        Ok((first, rx, inner.rv))
    });
    let mut kill = sim.watch_kill.subscribe();
    let bookmark_every = *sim.bookmark_interval.lock();
    match setup {
        Err(e) => {
            let _ = tx_out.try_send(line("ERROR", e.status()));
        }
        Ok((first, mut rx, start_rv)) => {
            tokio::spawn(async move {
                for b in first {
                    if tx_out.send(b).await.is_err() {
                        return;
                    }
                }
                let mut last_rv = start_rv;
                let deadline = p
                    .timeout
                    .map(|t| tokio::time::Instant::now() + Duration::from_secs(t));
                let mut tick = tokio::time::interval(bookmark_every);
                tick.tick().await;
                loop {
                    let until_deadline = async {
                        match deadline {
                            Some(d) => tokio::time::sleep_until(d).await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        ev = rx.recv() => match ev {
                            Ok(e) => {
                                if e.rv <= last_rv { continue; }
                                last_rv = e.rv;
                                if matches(&rt, &p, &e) && tx_out.send(line(e.etype.as_str(), served_as(&e.object, &rt))).await.is_err() {
                                    return;
                                }
                            }
                            Err(broadcast::error::RecvError::Lagged(_)) => {
                                let _ = tx_out.send(line("ERROR", ApiError::gone("watch fell behind; too old resource version").status())).await;
                                return;
                            }
                            Err(broadcast::error::RecvError::Closed) => return,
                        },
                        _ = tick.tick(), if p.bookmarks => {
                            if tx_out.send(bookmark(&rt, last_rv, false)).await.is_err() { return; }
                        }
                        _ = kill.changed() => return,
                        _ = until_deadline => return,
                        _ = tx_out.closed() => return,
                    }
                }
            });
        }
    }
    let stream = futures::stream::unfold(rx_out, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<Bytes, std::convert::Infallible>(b), rx))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(stream))
        .expect("static response parts are valid")
}
