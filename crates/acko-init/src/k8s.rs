//! The two Kubernetes reads acko-init makes, with the pod's service-account token:
//! `get` its Node (hostInternal/hostExternal) and `get` its own `<pod>-pod` Service
//! (NodePort/LoadBalancer). Answers 403 and 404 become errors that name the RBAC rule or
//! the object, as granted by the operator (docs/pod-contract.md).

use std::future::Future;
use std::net::IpAddr;

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

/// [`ClusterApi`] over a kube-rs client.
#[derive(Clone)]
pub struct KubeApi {
    client: kube::Client,
}

impl KubeApi {
    /// Wraps a client (in the pod: `kube::Client::try_default()`, the in-cluster config).
    pub fn new(client: kube::Client) -> KubeApi {
        KubeApi { client }
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
        api.get(name).await.map_err(|e| {
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
        api.get(name).await.map_err(|e| {
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
