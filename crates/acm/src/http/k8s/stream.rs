//! Live updates as Server-Sent Events, driven by Kubernetes watches, so pages do not have to
//! poll: one cluster (the resource, its pods, its events), and the cluster list.
//!
//! The list stream (`/k8s/clusters/stream`) sends `cluster` (the row's summary) for every
//! change of any cluster, `deleted` when one is gone, `error` when the watch failed (it is
//! retried with backoff); it never ends by itself.
//!
//! The cluster stream:
//! Events: `cluster` (summary + status after every change), `pod` / `podDeleted` (one pod),
//! `event` (a Kubernetes event of the cluster), `deleted` (the cluster is gone; the stream
//! ends), `error` (a watch failed; it is retried with backoff). Keep-alive every 15 s.

use std::convert::Infallible;
use std::time::Duration;

use acko_api::AerospikeCluster;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures::stream::{BoxStream, Stream, StreamExt};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::Api;
use kube::runtime::{WatchStreamExt, watcher};
use serde::Serialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::{ClusterPath, ListQuery, fetch};
use super::conn::Kube;
use super::events::{ClusterEvent, concerns};
use super::model::{ClusterSummary, PodInfo};
use crate::error::{ApiPath, ApiQuery, ApiResult};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(clusters_stream))
        .routes(routes!(cluster_stream))
}

enum Msg {
    Send(SseEvent),
    End(SseEvent),
}

fn sse(name: &str, data: &impl Serialize) -> SseEvent {
    SseEvent::default()
        .event(name)
        .json_data(data)
        .unwrap_or_else(|_| SseEvent::default().event(name))
}

fn error(what: &str, e: &watcher::Error) -> Msg {
    Msg::Send(sse(
        "error",
        &json!({"watch": what, "message": e.to_string()}),
    ))
}

/// Server-Sent Events of the cluster list: every cluster's summary as it changes, and its
/// deletion.
#[utoipa::path(get, path = "/k8s/clusters/stream", tag = "k8s", params(ListQuery),
    responses((status = 200, description = "text/event-stream of `cluster` (a row of the list), `deleted` (`name`, `namespace`), `error` events",
        content_type = "text/event-stream"),
        (status = 400, description = "Invalid namespace name"),
        (status = 404, description = "Kubernetes management is off")))]
async fn clusters_stream(
    kube: Kube,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let api: Api<AerospikeCluster> = match &q.namespace {
        Some(ns) => {
            super::names::label("namespace", "namespace", ns)?;
            Api::namespaced(kube.client.clone(), ns)
        }
        None => Api::all(kube.client.clone()),
    };
    let out = watcher(api, watcher::Config::default())
        .default_backoff()
        .filter_map(|ev| async move {
            match ev {
                Ok(watcher::Event::Apply(c) | watcher::Event::InitApply(c)) => {
                    Some(Ok(sse("cluster", &ClusterSummary::of(&c))))
                }
                Ok(watcher::Event::Delete(c)) => Some(Ok(sse(
                    "deleted",
                    &json!({"name": c.metadata.name, "namespace": c.metadata.namespace}),
                ))),
                Ok(_) => None,
                Err(e) => match error("clusters", &e) {
                    Msg::Send(e) | Msg::End(e) => Some(Ok(e)),
                },
            }
        });
    Ok(Sse::new(out).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Server-Sent Events of a cluster: status, pods and events as they change.
#[utoipa::path(get, path = "/k8s/clusters/{namespace}/{name}/stream", tag = "k8s", params(ClusterPath),
    responses((status = 200, description = "text/event-stream of `cluster`, `pod`, `podDeleted`, `event`, `deleted`, `error` events",
        content_type = "text/event-stream"),
        (status = 404, description = "No such cluster")))]
async fn cluster_stream(
    kube: Kube,
    ApiPath(p): ApiPath<ClusterPath>,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    fetch(&kube, &p.namespace, &p.name).await?;
    let name = p.name.clone();
    let clusters: Api<AerospikeCluster> = Api::namespaced(kube.client.clone(), &p.namespace);
    let pods: Api<Pod> = Api::namespaced(kube.client.clone(), &p.namespace);
    let events: Api<Event> = Api::namespaced(kube.client.clone(), &p.namespace);
    let cfg = watcher::Config::default().fields(&format!("metadata.name={name}"));
    let cluster_s: BoxStream<'static, Msg> = watcher(clusters, cfg)
        .default_backoff()
        .filter_map(|ev| async move {
            match ev {
                Ok(watcher::Event::Apply(c) | watcher::Event::InitApply(c)) => {
                    Some(Msg::Send(sse(
                        "cluster",
                        &json!({"summary": ClusterSummary::of(&c), "status": c.status,
                            "resourceVersion": c.metadata.resource_version}),
                    )))
                }
                Ok(watcher::Event::Delete(c)) => Some(Msg::End(sse(
                    "deleted",
                    &json!({"name": c.metadata.name, "namespace": c.metadata.namespace}),
                ))),
                Ok(_) => None,
                Err(e) => Some(error("cluster", &e)),
            }
        })
        .boxed();
    let pod_cfg = watcher::Config::default()
        .labels(&format!("{}={name}", acko_render::labels::LABEL_CLUSTER));
    let pod_s: BoxStream<'static, Msg> = watcher(pods, pod_cfg)
        .default_backoff()
        .filter_map(|ev| async move {
            match ev {
                Ok(watcher::Event::Apply(p) | watcher::Event::InitApply(p)) => {
                    Some(Msg::Send(sse("pod", &PodInfo::of(&p, None))))
                }
                Ok(watcher::Event::Delete(p)) => Some(Msg::Send(sse(
                    "podDeleted",
                    &json!({"name": p.metadata.name}),
                ))),
                Ok(_) => None,
                Err(e) => Some(error("pods", &e)),
            }
        })
        .boxed();
    let cluster_name = name.clone();
    let event_s: BoxStream<'static, Msg> = watcher(events, watcher::Config::default())
        .default_backoff()
        .filter_map(move |ev| {
            let cluster_name = cluster_name.clone();
            async move {
                match ev {
                    Ok(watcher::Event::Apply(e) | watcher::Event::InitApply(e))
                        if concerns(&e, &cluster_name) =>
                    {
                        Some(Msg::Send(sse("event", &ClusterEvent::of(&e))))
                    }
                    Ok(_) => None,
                    Err(e) => Some(error("events", &e)),
                }
            }
        })
        .boxed();
    let merged = futures::stream::select_all([cluster_s, pod_s, event_s]);
    // Stop after the `deleted` event.
    let out = merged.scan(false, |ended, msg| {
        let item = if *ended {
            None
        } else {
            match msg {
                Msg::Send(e) => Some(Ok(e)),
                Msg::End(e) => {
                    *ended = true;
                    Some(Ok(e))
                }
            }
        };
        futures::future::ready(item)
    });
    Ok(Sse::new(out).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
