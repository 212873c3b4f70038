//! The Kubernetes connection of the manager: the `K8S_MANAGEMENT_ENABLED` gate, the lazily
//! built client (in-cluster config or `KUBECONFIG`), bounded calls, and the mapping of
//! Kubernetes failures to problems.
//!
//! * Off: every `/k8s/` route answers `404 k8s_disabled` (the UI hides the section).
//! * On, but no configuration found: `503 k8s_not_configured` with the reason.
//! * On, API server down or slow: `503 k8s_unreachable` / `503 k8s_timeout` after at most
//!   `--k8s-timeout`, never a hang.

use std::future::Future;
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use parking_lot::Mutex;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The manager's Kubernetes access (shared by every request).
pub struct K8sManager {
    enabled: bool,
    timeout: Duration,
    client: Mutex<Option<kube::Client>>,
}

impl std::fmt::Debug for K8sManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("K8sManager")
            .field("enabled", &self.enabled)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl K8sManager {
    /// A manager; the client is built on first use.
    pub fn new(enabled: bool, timeout: Duration) -> Self {
        Self {
            enabled,
            timeout,
            client: Mutex::new(None),
        }
    }

    /// Whether Kubernetes management is on (`K8S_MANAGEMENT_ENABLED`).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Bound of every Kubernetes call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Use this client instead of inferring one (tests, `--demo`).
    pub fn set_client(&self, client: kube::Client) {
        *self.client.lock() = Some(client);
    }

    /// The client: cached, or built from the in-cluster configuration or `KUBECONFIG`.
    pub async fn client(&self) -> ApiResult<kube::Client> {
        if !self.enabled {
            return Err(disabled());
        }
        if let Some(c) = self.client.lock().clone() {
            return Ok(c);
        }
        let config = tokio::time::timeout(self.timeout, kube::Config::infer())
            .await
            .map_err(|_| {
                unavailable(
                    "k8s_not_configured",
                    "reading the Kubernetes configuration timed out".into(),
                )
            })?
            .map_err(|e| {
                unavailable(
                    "k8s_not_configured",
                    format!(
                        "no Kubernetes configuration: {e}; run the manager inside the cluster \
                         (service account) or set KUBECONFIG"
                    ),
                )
            })?;
        let mut config = config;
        config.connect_timeout = Some(self.timeout);
        let client = kube::Client::try_from(config).map_err(|e| {
            unavailable(
                "k8s_not_configured",
                format!("cannot build a Kubernetes client: {e}"),
            )
        })?;
        *self.client.lock() = Some(client.clone());
        Ok(client)
    }
}

fn disabled() -> ApiError {
    ApiError::not_found(
        "k8s_disabled",
        "Kubernetes management is off; start the manager with K8S_MANAGEMENT_ENABLED=true \
         (or --k8s-management-enabled) to manage AerospikeClusters",
    )
}

fn unavailable(code: &'static str, detail: String) -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
}

/// Extractor of every `/k8s/` handler: a client, or the gate's 404 / 503.
#[derive(Clone)]
pub struct Kube {
    /// The client.
    pub client: kube::Client,
    /// Bound of each call.
    pub timeout: Duration,
}

impl FromRequestParts<AppState> for Kube {
    type Rejection = ApiError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let client = state.k8s.client().await?;
        Ok(Self {
            client,
            timeout: state.k8s.timeout(),
        })
    }
}

impl Kube {
    /// Run one Kubernetes call bounded by the timeout; `what` names it in errors
    /// (e.g. `AerospikeCluster default/demo`).
    pub async fn call<T>(
        &self,
        what: &str,
        fut: impl Future<Output = kube::Result<T>>,
    ) -> ApiResult<T> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(map_kube_error(&e, what)),
            Err(_) => Err(unavailable(
                "k8s_timeout",
                format!(
                    "{what}: the Kubernetes API did not answer within {} ms; check that the \
                     API server is reachable and retry",
                    self.timeout.as_millis()
                ),
            )),
        }
    }

    /// Like [`Self::call`], but a 404 becomes `None`.
    pub async fn call_opt<T>(
        &self,
        what: &str,
        fut: impl Future<Output = kube::Result<T>>,
    ) -> ApiResult<Option<T>> {
        match self.call(what, fut).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.status == StatusCode::NOT_FOUND => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The problem for a failed Kubernetes call.
pub fn map_kube_error(err: &kube::Error, what: &str) -> ApiError {
    match err {
        kube::Error::Api(s) => {
            let msg = if s.message.is_empty() {
                s.reason.clone()
            } else {
                s.message.clone()
            };
            match s.code {
                404 => ApiError::not_found("k8s_not_found", format!("{what} not found: {msg}")),
                409 if s.reason == "AlreadyExists" => {
                    ApiError::conflict("already_exists", format!("{what} already exists"))
                }
                409 => ApiError::conflict(
                    "k8s_conflict",
                    format!(
                        "{what} was changed by someone else since it was read (resourceVersion \
                         mismatch): reload it, re-apply your change and retry ({msg})"
                    ),
                ),
                400 => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "k8s_rejected",
                    format!("{what}: {msg}"),
                ),
                422 => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "k8s_invalid",
                    format!("{what}: the Kubernetes API refused the object: {msg}"),
                ),
                401 | 403 => ApiError::new(
                    StatusCode::FORBIDDEN,
                    "k8s_forbidden",
                    format!(
                        "{what}: the manager's Kubernetes identity is not allowed to do this \
                         ({msg}); grant it RBAC access"
                    ),
                ),
                429 | 503 | 504 => unavailable(
                    "k8s_unreachable",
                    format!(
                        "{what}: the Kubernetes API is busy or unavailable ({} {msg}); retry shortly",
                        s.code
                    ),
                ),
                code => ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "k8s_error",
                    format!("{what}: the Kubernetes API answered {code}: {msg}"),
                ),
            }
        }
        kube::Error::SerdeError(e) => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "k8s_error",
            format!("{what}: unexpected answer from the Kubernetes API: {e}"),
        ),
        other => unavailable(
            "k8s_unreachable",
            format!("{what}: the Kubernetes API is unreachable: {other}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, reason: &str) -> kube::Error {
        kube::Error::Api(Box::new(kube::core::Status {
            code,
            reason: reason.into(),
            message: "m".into(),
            ..Default::default()
        }))
    }

    #[test]
    fn kube_errors_map_to_problems() {
        let e = map_kube_error(&api(409, "Conflict"), "AerospikeCluster a/b");
        assert_eq!((e.status.as_u16(), e.code), (409, "k8s_conflict"));
        assert!(e.detail.contains("reload"), "{}", e.detail);
        assert_eq!(
            map_kube_error(&api(409, "AlreadyExists"), "x").code,
            "already_exists"
        );
        assert_eq!(map_kube_error(&api(404, "NotFound"), "x").status, 404);
        assert_eq!(map_kube_error(&api(403, "Forbidden"), "x").status, 403);
        assert_eq!(map_kube_error(&api(500, "InternalError"), "x").status, 502);
        assert_eq!(
            map_kube_error(&api(503, "ServiceUnavailable"), "x").status,
            503
        );
        assert_eq!(map_kube_error(&api(422, "Invalid"), "x").status, 422);
    }

    #[tokio::test]
    async fn disabled_manager_answers_404() {
        let m = K8sManager::new(false, Duration::from_secs(1));
        let Err(e) = m.client().await else {
            panic!("a disabled manager gave a client")
        };
        assert_eq!((e.status.as_u16(), e.code), (404, "k8s_disabled"));
    }
}
