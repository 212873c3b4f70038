//! Aerospike Cluster Manager: the server library behind the `aerospike-cluster-manager`
//! binary. [`app`] builds the whole HTTP application from an [`AppState`].
//!
//! Layout: `http/*` hold the routes, one module per area; `values` is the lossless JSON
//! encoding of Aerospike values; `cursor` the opaque page cursors; `expr` the filter
//! expression tree; `sampler` the metrics history; `clients` the per-profile clients.

pub mod auth;
pub mod clients;
pub mod config;
pub mod crypto;
pub mod cursor;
pub mod db;
pub mod demo;
#[cfg(feature = "k8s-demo")]
pub mod demo_k8s;
pub mod demo_traffic;

pub mod error;
pub mod exactly_once;
pub mod expr;
pub mod http;
pub mod http_metrics;
pub mod info;
pub mod names;
pub mod openapi_errors;
pub mod profiles;
pub mod sampler;
pub mod scan;
pub mod state;
pub mod tls;
pub mod ui;
pub mod user_cmd;
pub mod values;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, Request, header};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

pub use config::Config;
pub use state::AppState;

/// The OpenAPI document's static part; paths come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Aerospike Cluster Manager API",
        description = "REST API for Aerospike Community Edition data and administration. \
            Errors are `application/problem+json` with a stable `code`. Values use the \
            lossless JSON encoding described in docs/manager-api.md.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "system", description = "Health and metrics"),
        (name = "profiles", description = "Connection profiles"),
        (name = "cluster", description = "Nodes, namespaces, sets and configuration"),
        (name = "records", description = "Record browsing and editing"),
        (name = "query", description = "Queries and streaming export"),
        (name = "indexes", description = "Secondary indexes"),
        (name = "udfs", description = "Lua UDF modules"),
        (name = "admin", description = "Users and roles (Enterprise only)"),
        (name = "info", description = "Info command console"),
        (name = "aql", description = "AQL terminal: scripts of AQL statements, streamed results"),
        (name = "metrics", description = "Live metrics from server counters"),
        (name = "auth", description = "Sign-in, sessions, API tokens and the manager's own users"),
        (name = "audit", description = "Audit log of every write"),
        (name = "k8s", description = "Kubernetes management of AerospikeClusters and templates (K8S_MANAGEMENT_ENABLED)")
    )
)]
pub struct ApiDoc;

static REQUEST_HEADER: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Clone, Default)]
struct RequestIds(Arc<AtomicU64>);

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("acm-{:x}-{n}", std::process::id()))
            .ok()
            .map(RequestId::new)
    }
}

/// Router with every documented route, and the OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(http::system::router())
        .nest("/api/v1", http::router())
        .split_for_parts();
    openapi_errors::document_common_errors(&mut doc);
    (router, doc)
}

/// The OpenAPI document (what `/api/openapi.json` serves).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// Build the whole application.
pub fn app(state: AppState) -> Router {
    let (router, doc) = api();
    let cors = cors_layer(&state.config.cors_origins);
    let router = router
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
        .fallback(ui::serve)
        // Innermost first: access control (after routing, so it sees the route template),
        // then metrics (denied requests count too), then hardening (Host allow-list,
        // security headers, the response-start timeout) around everything.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http_metrics::track,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::hardening::harden,
        ))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            std::time::Duration::from_secs(60),
        ))
        .with_state(state);
    let router = match cors {
        Some(c) => router.layer(c),
        None => router,
    };
    router
        // gzip or brotli, as the client accepts, for the UI and JSON; the default
        // predicate leaves Server-Sent Events, images and tiny bodies alone, and streamed
        // exports (NDJSON, CSV) go out as they are produced.
        .layer(
            CompressionLayer::new().gzip(true).br(true).compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/x-ndjson"))
                    .and(NotForContentType::const_new("text/csv")),
            ),
        )
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(&REQUEST_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("http", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_HEADER.clone()))
        .layer(SetRequestIdLayer::new(
            REQUEST_HEADER.clone(),
            RequestIds::default(),
        ))
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let list: Vec<HeaderValue> = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    if list.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(list))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT, REQUEST_HEADER.clone()])
            .expose_headers([REQUEST_HEADER.clone()]),
    )
}

/// Run the server until SIGINT/SIGTERM: bind, start the sampler (and the demo node with
/// `--demo`, plus the demo Kubernetes with the `k8s-demo` feature), serve, then shut down
/// gracefully.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    #[cfg(feature = "k8s-demo")]
    let (config, demo_k8s_enabled) = demo_k8s::prepare(config);

    let listen = config.listen;
    let demo_enabled = config.demo;
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(c), Some(k)) => Some(tls::load(c, k)?),
        _ => None,
    };
    let state = AppState::new(config).await?;
    let demo = if demo_enabled {
        Some(demo::start(&state).await?)
    } else {
        None
    };
    #[cfg(feature = "k8s-demo")]
    let demo_k8s = if demo_k8s_enabled {
        Some(demo_k8s::start(&state).await?)
    } else {
        None
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let autoconnect = tokio::spawn(http::k8s::autoconnect::run(state.clone(), stop_rx.clone()));
    let traffic = demo.as_ref().and_then(|d| {
        (state.config.demo_traffic > 0).then(|| {
            tokio::spawn(demo_traffic::run(
                d.traffic_target.clone(),
                state.config.demo_traffic,
                stop_rx.clone(),
            ))
        })
    });
    let sampler = tokio::spawn(sampler::run(state.clone(), stop_rx));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e} (use --listen/ACM_LISTEN)"))?;
    if state.auth.hosts.is_open() && !listen.ip().is_loopback() {
        tracing::warn!(
            "any Host header is accepted (listening on {listen}); name the manager's host \
             names with --allowed-hosts to defeat DNS rebinding"
        );
    }
    let router = app(state.clone());
    match tls {
        Some(cfg) => {
            tracing::info!("listening on https://{}", listener.local_addr()?);
            tls::serve(listener, router, cfg, shutdown_signal()).await?;
        }
        None => {
            tracing::info!("listening on http://{}", listener.local_addr()?);
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        }
    }
    tracing::info!("shutting down");
    let _ = stop_tx.send(true);
    let _ = sampler.await;
    let _ = autoconnect.await;
    if let Some(t) = traffic {
        let _ = t.await;
    }
    state.clients.close_all().await;
    drop(demo);
    #[cfg(feature = "k8s-demo")]
    drop(demo_k8s);
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
