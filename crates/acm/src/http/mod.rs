//! HTTP routes, one module per area. Everything here is mounted under `/api/v1`
//! except [`system`].

pub mod address;
pub mod admin;
pub mod aql;
pub mod audit;
pub mod auth;
pub mod cluster;
pub mod export;
pub mod indexes;
pub mod info_console;
pub mod k8s;
pub mod metrics;
pub mod oidc;
pub mod profiles;
pub mod query;
pub mod records;
pub mod settings;
pub mod system;
pub mod udfs;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// All `/api/v1` routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(settings::router())
        .merge(auth::router())
        .merge(oidc::router())
        .merge(audit::router())
        .merge(profiles::router())
        .merge(cluster::router())
        .merge(records::router())
        .merge(query::router())
        .merge(indexes::router())
        .merge(udfs::router())
        .merge(admin::router())
        .merge(info_console::router())
        .merge(aql::router())
        .merge(metrics::router())
        .merge(k8s::router())
}
