//! The two Kubernetes reads acko-init makes, with the pod's service-account token:
//! `get` its Node (hostInternal/hostExternal) and `get` its own `<pod>-pod` Service
//! (NodePort/LoadBalancer). Answers 403 and 404 become errors that name the RBAC rule or
//! the object, as granted by the operator (docs/pod-contract.md).
//!
//! Never waiting without bound, riding out API blips ([`RetryPolicy`]): every request has its
//! own timeout (the kube client has no read timeout by default, so a hung API server would
//! hang the pod's start forever); a timeout, a connection error, HTTP 429 or 5xx is retried
//! with exponential backoff until the policy's budget is spent; 403 and 404 are answered at
//! once (RBAC does not fix itself by waiting; a missing per-pod Service is polled by the
//! caller). `prepare` additionally bounds all API work by `externalAddressTimeoutSeconds`.

use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Service};
use kube::Api;

use crate::error::InitError;
use crate::resolve::NodeAddresses;

/// The reads acko-init needs; implemented over kube-rs, and by fakes in tests.
pub trait ClusterApi {
    /// `GET /api/v1/nodes/{name}`.
    fn get_node(&self, name: &str) -> impl Future<Output = Result<Node, InitError>> + Send;
    /// `GET /api/v1/namespaces/{namespace}/services/{name}`.
    fn get_service(
        &self,
        namespace: &str,
        name: &str,
    ) -> impl Future<Output = Result<Service, InitError>> + Send;
}

/// Timeouts and retries of one API read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Longest wait for one response.
    pub request_timeout: Duration,
    /// First pause between attempts (doubled each time).
    pub initial_backoff: Duration,
    /// Longest pause between attempts.
    pub max_backoff: Duration,
    /// No new attempt starts after this long since the first one.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            request_timeout: Duration::from_secs(10),
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            budget: Duration::from_secs(60),
        }
    }
}

/// Whether a failed attempt is worth repeating: timeouts, connection errors, 429 and 5xx.
fn is_transient(err: &kube::Error) -> bool {
    match err {
        kube::Error::Api(status) => status.code == 429 || status.code >= 500,
        kube::Error::SerdeError(_) => false,
        _ => true,
    }
}

/// [`ClusterApi`] over a kube-rs client.
#[derive(Clone)]
pub struct KubeApi {
    client: kube::Client,
    policy: RetryPolicy,
}

impl KubeApi {
    /// Wraps a client (in the pod: `kube::Client::try_default()`, the in-cluster config),
    /// with the default [`RetryPolicy`].
    pub fn new(client: kube::Client) -> KubeApi {
        KubeApi {
            client,
            policy: RetryPolicy::default(),
        }
    }

    /// The same client with another retry policy.
    pub fn with_policy(mut self, policy: RetryPolicy) -> KubeApi {
        self.policy = policy;
        self
    }

    /// `get` with a timeout per attempt and retries of transient failures (see the module
    /// docs). The error is the last attempt's, with the number of attempts when > 1.
    async fn get_with_retries<K>(&self, api: &Api<K>, name: &str) -> Result<K, kube::Error>
    where
        K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let p = self.policy;
        let start = tokio::time::Instant::now();
        let mut backoff = p.initial_backoff;
        let mut attempt = 1u32;
        loop {
            let err = match tokio::time::timeout(p.request_timeout, api.get(name)).await {
                Ok(Ok(object)) => return Ok(object),
                Ok(Err(e)) if !is_transient(&e) => return Err(e),
                Ok(Err(e)) => e,
                Err(_) => kube::Error::Service(
                    format!(
                        "no response within {} s (request timeout)",
                        p.request_timeout.as_secs_f64()
                    )
                    .into(),
                ),
            };
            let next = tokio::time::Instant::now() + backoff;
            if next >= start + p.budget {
                return Err(match err {
                    kube::Error::Api(mut status) if attempt > 1 => {
                        status.message = format!("{} (after {attempt} attempts)", status.message);
                        kube::Error::Api(status)
                    }
                    kube::Error::Api(status) => kube::Error::Api(status),
                    other if attempt > 1 => {
                        kube::Error::Service(format!("{other} (after {attempt} attempts)").into())
                    }
                    other => other,
                });
            }
            tracing::warn!(%name, attempt, error = %err, retry_in_ms = backoff.as_millis() as u64, "transient Kubernetes API failure; retrying");
            tokio::time::sleep_until(next).await;
            backoff = (backoff * 2).min(p.max_backoff);
            attempt += 1;
        }
    }

    /// Builds the in-cluster client from the mounted service-account token.
    pub async fn in_cluster() -> Result<KubeApi, InitError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = kube::Client::try_default().await.map_err(|e| {
            InitError::input(
                "Kubernetes client configuration",
                "the in-cluster service account (automountServiceAccountToken: true) or a kubeconfig",
                e.to_string(),
            )
        })?;
        Ok(KubeApi::new(client))
    }
}

impl ClusterApi for KubeApi {
    async fn get_node(&self, name: &str) -> Result<Node, InitError> {
        let api: Api<Node> = Api::all(self.client.clone());
        self.get_with_retries(&api, name).await.map_err(|e| {
            map_error(
                e,
                format!("Node {name}"),
                "`get` on `nodes` (ClusterRole acko-<namespace>-<cluster>-node-reader, needed by hostInternal/hostExternal)",
                "the pod's NODE_NAME does not name an existing Node",
            )
        })
    }

    async fn get_service(&self, namespace: &str, name: &str) -> Result<Service, InitError> {
        let api: Api<Service> = Api::namespaced(self.client.clone(), namespace);
        self.get_with_retries(&api, name).await.map_err(|e| {
            map_error(
                e,
                format!("Service {namespace}/{name}"),
                &format!(
                    "`get` on `services` with resourceNames [{name}] (Role <cluster>-pod-service-reader)"
                ),
                "the operator creates the per-pod Service when spec.podService is NodePort/LoadBalancer; it may not exist yet",
            )
        })
    }
}

/// Maps a kube error for `object` to an [`InitError`] naming the RBAC `rule` (403) or the
/// object and `not_found_hint` (404).
pub fn map_error(err: kube::Error, object: String, rule: &str, not_found_hint: &str) -> InitError {
    match err {
        kube::Error::Api(status) if status.code == 403 => InitError::Forbidden {
            object,
            rule: rule.to_string(),
            message: status.message.clone(),
        },
        kube::Error::Api(status) if status.code == 404 => InitError::NotFound {
            object,
            hint: not_found_hint.to_string(),
        },
        kube::Error::Api(status) => InitError::Api {
            object,
            message: format!("HTTP {} {}: {}", status.code, status.reason, status.message),
        },
        other => InitError::Api {
            object,
            message: other.to_string(),
        },
    }
}

/// Extracts `status.addresses` of a Node.
pub fn node_addresses(node: &Node) -> NodeAddresses {
    let mut out = NodeAddresses {
        name: node.metadata.name.clone().unwrap_or_default(),
        ..NodeAddresses::default()
    };
    let addresses = node
        .status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .map(Vec::as_slice)
        .unwrap_or_default();
    for a in addresses {
        out.all.push(format!("{} {}", a.type_, a.address));
        let ip: Option<IpAddr> = a.address.trim().parse().ok();
        match (a.type_.as_str(), ip) {
            ("InternalIP", Some(ip)) if !out.internal.contains(&ip) => out.internal.push(ip),
            ("ExternalIP", Some(ip)) if !out.external.contains(&ip) => out.external.push(ip),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
#[path = "k8s_tests.rs"]
mod tests;
