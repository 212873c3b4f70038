//! `GET /settings`: how this manager was started, for the web UI and scripts.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::Config;
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings))
}

/// Server settings fixed at start (flags or environment variables).
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Manager version.
    pub version: String,
    /// Metrics sampling interval in milliseconds (`--sample-interval`).
    pub sample_interval_ms: u64,
    /// How long metric history is kept, in seconds (`--history`).
    pub history_seconds: u64,
    /// Samples kept per cluster (history window / interval, as the sampler keeps them).
    pub history_samples: u64,
    /// Whether the info console accepts state-changing commands (`--allow-info-writes`).
    pub info_writes_allowed: bool,
    /// Whether the manager runs its built-in demo node (`--demo`).
    pub demo: bool,
    /// Largest accepted request body in bytes (`--body-limit`).
    pub body_limit_bytes: u64,
    /// A cluster's client is closed (and no longer sampled) after this many seconds
    /// without requests or live metrics streams (`--client-idle`).
    pub client_idle_seconds: u64,
}

impl Settings {
    /// The settings of a configuration (pure).
    pub fn from_config(c: &Config) -> Self {
        let interval_ms = u64::try_from(c.sample_interval.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let history_ms = u64::try_from(c.history.as_millis()).unwrap_or(u64::MAX);
        Self {
            version: env!("CARGO_PKG_VERSION").to_string(),
            sample_interval_ms: interval_ms,
            history_seconds: c.history.as_secs(),
            history_samples: (history_ms / interval_ms).clamp(1, 1_000_000),
            info_writes_allowed: c.allow_info_writes,
            demo: c.demo,
            body_limit_bytes: c.body_limit as u64,
            client_idle_seconds: c.client_idle.as_secs(),
        }
    }
}

/// How this manager was started: sampling interval, history window, whether info writes
/// are allowed, demo mode, version and body limit.
#[utoipa::path(get, path = "/settings", tag = "system",
    responses((status = 200, body = Settings)))]
async fn get_settings(State(state): State<AppState>) -> Json<Settings> {
    Json(Settings::from_config(&state.config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn settings_follow_flags() {
        let c = Config::parse_from([
            "acm",
            "--sample-interval",
            "500ms",
            "--history",
            "10m",
            "--allow-info-writes",
            "--body-limit",
            "1024",
        ]);
        let s = Settings::from_config(&c);
        assert_eq!(s.sample_interval_ms, 500);
        assert_eq!(s.history_seconds, 600);
        assert_eq!(s.history_samples, 1200);
        assert!(s.info_writes_allowed);
        assert!(!s.demo);
        assert_eq!(s.body_limit_bytes, 1024);
        let d = Settings::from_config(&Config::parse_from(["acm"]));
        assert_eq!(d.sample_interval_ms, 2000);
        assert_eq!(d.history_samples, 1800);
        assert!(!d.info_writes_allowed);
    }
}
