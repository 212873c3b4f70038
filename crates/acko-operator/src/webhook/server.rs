//! The HTTPS endpoint: `POST /validate` (AdmissionReview in, AdmissionReview out) and
//! `GET /healthz`, served with rustls from a [`ReloadingResolver`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use acko_api::AerospikeClusterTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use kube::Client;
use kube::api::Api;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::review::{envelope, parse_review, review};
use super::tls::{ReloadingResolver, TlsError, server_config};

/// Path the ValidatingWebhookConfiguration points at.
pub const VALIDATE_PATH: &str = "/validate";

/// Handler state: a client to look up referenced templates (`None` in tests without an API).
#[derive(Clone, Default)]
pub struct WebhookState {
    /// API client.
    pub client: Option<Client>,
}

async fn templates_for(
    state: &WebhookState,
    object: Option<&serde_json::Value>,
) -> Vec<AerospikeClusterTemplate> {
    let (Some(client), Some(name)) = (
        &state.client,
        object
            .and_then(|o| o.pointer("/spec/templateRef/name"))
            .and_then(serde_json::Value::as_str),
    ) else {
        return Vec::new();
    };
    let api: Api<AerospikeClusterTemplate> = Api::all(client.clone());
    match api.get_opt(name).await {
        Ok(Some(t)) => vec![t],
        Ok(None) => Vec::new(),
        Err(e) => {
            tracing::warn!(error = %e, template = name, "webhook: cannot read the template");
            Vec::new()
        }
    }
}

async fn validate(State(state): State<WebhookState>, body: Bytes) -> Response {
    let request = match parse_review(&body) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let templates = templates_for(&state, request.object.as_ref()).await;
    let response = review(&request, &templates);
    if !response.allowed {
        tracing::info!(uid = %response.uid, message = ?response.status.as_ref().map(|s| &s.message), "admission denied");
    }
    axum::Json(envelope(response)).into_response()
}

/// The webhook's routes.
pub fn router(state: WebhookState) -> Router {
    Router::new()
        .route(VALIDATE_PATH, post(validate))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
}

/// Serves `app` over TLS on `listener` until `shutdown` completes. Each connection gets 10 s
/// for its handshake; one bad client never stops the server.
pub async fn serve(
    listener: TcpListener,
    resolver: Arc<ReloadingResolver>,
    app: Router,
    shutdown: impl Future<Output = ()>,
) -> Result<(), TlsError> {
    let acceptor = TlsAcceptor::from(server_config(resolver)?);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook: accept failed");
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                .await
            {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => {
                    tracing::debug!(%peer, error = %e, "webhook: TLS handshake failed");
                    return;
                }
                Err(_) => return,
            };
            let service = TowerToHyperService::new(app);
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await
            {
                tracing::debug!(%peer, error = %e, "webhook: connection ended with an error");
            }
        });
    }
}
