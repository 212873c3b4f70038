//! Live metrics of a profile: REST history and a Server-Sent Events stream.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiPath as Path, ApiQuery, ApiResult, Problem};
use crate::sampler::Sample;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history))
        .routes(routes!(stream))
}

/// History query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Only samples newer than this Unix time in ms.
    pub since: Option<i64>,
}

/// Metric history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricsHistory {
    /// Sampling interval in ms.
    pub interval_ms: u64,
    /// Samples, oldest first.
    pub samples: Vec<Sample>,
}

/// Samples kept for a profile (connects the profile so sampling starts).
#[utoipa::path(get, path = "/clusters/{id}/metrics", tag = "metrics",
    params(("id" = i64, Path, description = "Profile id"), HistoryParams),
    responses((status = 200, body = MetricsHistory), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn history(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<HistoryParams>,
) -> ApiResult<Json<MetricsHistory>> {
    state.conn(id).await?;
    Ok(Json(MetricsHistory {
        interval_ms: state.sampler.interval().as_millis() as u64,
        samples: state
            .sampler
            .history(id, q.since)
            .into_iter()
            .map(|s| (*s).clone())
            .collect(),
    }))
}

/// Server-Sent Events: one `sample` event per sampling interval; `lagged` when the
/// client was too slow and samples were skipped.
#[utoipa::path(get, path = "/clusters/{id}/metrics/stream", tag = "metrics",
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, description = "text/event-stream of `sample` events (Sample JSON)", content_type = "text/event-stream"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn stream(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    state.conn(id).await?;
    let rx = state.sampler.subscribe(id);
    let last = state.sampler.history(id, None).pop();
    let s = futures::stream::unfold((rx, last), |(mut rx, mut first)| async move {
        if let Some(s) = first.take() {
            let ev = Event::default()
                .event("sample")
                .json_data(&*s)
                .unwrap_or_default();
            return Some((Ok(ev), (rx, None)));
        }
        let ev = match rx.recv().await {
            Ok(s) => Event::default()
                .event("sample")
                .json_data(&*s)
                .unwrap_or_default(),
            Err(RecvError::Lagged(n)) => Event::default().event("lagged").data(n.to_string()),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(ev), (rx, None)))
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
