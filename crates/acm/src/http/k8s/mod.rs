//! Kubernetes management API (`/api/v1/k8s/...`): `AerospikeCluster` and
//! `AerospikeClusterTemplate` resources, their pods, events, health, logs, HPAs, and the
//! pickers of the creation wizard. One module per area.
//!
//! Every route is gated by `K8S_MANAGEMENT_ENABLED` ([`conn`]): off → 404, API unreachable →
//! 503 within `--k8s-timeout`. Writes are validated with acko-api first ([`validate`]).

pub mod autoconnect;
pub mod clusters;
pub mod conn;
pub mod events;
pub mod health;
pub mod hpa;
pub mod logs;
pub mod model;
pub mod names;
pub mod operations;
pub mod pickers;
pub mod reach;
pub mod stream;
pub mod templates;
pub mod validate;
pub mod yaml;

use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use conn::{K8sManager, Kube};

use crate::state::AppState;

/// Every `/k8s/` route (mounted under `/api/v1`), with the CRD schemas as components.
pub fn router() -> OpenApiRouter<AppState> {
    let mut doc = OpenApi::default();
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in model::crd_components() {
        components.schemas.insert(name, schema);
    }
    OpenApiRouter::with_openapi(doc)
        .merge(clusters::router())
        .merge(events::router())
        .merge(operations::router())
        .merge(health::router())
        .merge(logs::router())
        .merge(yaml::router())
        .merge(hpa::router())
        .merge(templates::router())
        .merge(pickers::router())
        .merge(stream::router())
}
