//! `/api/health` and `/metrics`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// Routes of this module (not under `/api/v1`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(metrics))
}

/// Health report.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok` or `degraded`.
    pub status: String,
    /// Manager version.
    pub version: String,
    /// Profile database reachable.
    pub database: bool,
    /// Connected profiles.
    pub connected_profiles: usize,
    /// Seconds since start.
    pub uptime_seconds: u64,
}

/// Liveness and readiness of the manager itself.
#[utoipa::path(get, path = "/api/health", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = state.store.list().await.is_ok();
    let h = Health {
        status: if database { "ok" } else { "degraded" }.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        database,
        connected_profiles: state.clients.connected().len(),
        uptime_seconds: state.started.elapsed().as_secs(),
    };
    let code = if database {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(h))
}

/// Prometheus/OpenMetrics exposition: cluster gauges from the sampler and the
/// manager's own HTTP metrics.
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, description = "OpenMetrics text", content_type = "application/openmetrics-text")))]
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut text = crate::http_metrics::render_samples(&state.sampler.latest());
    text.push_str(&state.http_metrics.encode());
    if !text.ends_with("# EOF\n") {
        text.push_str("# EOF\n");
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
}
