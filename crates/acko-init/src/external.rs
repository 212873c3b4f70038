//! Discovering the per-pod Service's external endpoint (LoadBalancer ingress or NodePort),
//! polling until it is assigned or a deadline passes.
//!
//! - LoadBalancer: every `status.loadBalancer.ingress[]` entry's `ip`, else its `hostname`,
//!   and the Service `port` of the Aerospike service port.
//! - NodePort: the `nodePort` of that Service port.
//!
//! The Service port is the one whose `targetPort` is the Aerospike service port (number),
//! else whose `targetPort` is the named container port `service` (what acko-render writes),
//! else whose `port` is the service port, else the only port.
//!
//! A missing Service (404), an unassigned ingress or another transient API failure is
//! retried every poll interval until the deadline; a 403 fails at once (RBAC will not fix
//! itself by waiting). Time comes from tokio, so tests drive it with a paused clock.

use std::time::Duration;

use k8s_openapi::api::core::v1::{Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::error::InitError;
use crate::k8s::ClusterApi;
use crate::resolve::ExternalEndpoint;
use crate::settings::ServiceType;

/// What one look at the Service showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The endpoint is assigned.
    Ready(ExternalEndpoint),
    /// Not yet; the text says what is missing (used in the timeout message).
    Pending(String),
}

/// Reads the external endpoint from a Service object (pure).
pub fn endpoint_from_service(
    svc: &Service,
    wanted: ServiceType,
    service_port: u16,
) -> Result<Lookup, InitError> {
    let object = format!(
        "Service {}",
        svc.metadata.name.as_deref().unwrap_or("(unnamed)")
    );
    let spec = svc.spec.clone().unwrap_or_default();
    let actual_type = spec
        .type_
        .clone()
        .unwrap_or_else(|| "ClusterIP".to_string());
    let wanted_name = format!("{wanted:?}");
    if actual_type != wanted_name {
        return Ok(Lookup::Pending(format!(
            "spec.type is {actual_type}, not {wanted_name}"
        )));
    }
    let ports = spec.ports.unwrap_or_default();
    let port = pick_port(&ports, service_port).ok_or_else(|| {
        let listed: Vec<String> = ports
            .iter()
            .map(|p| format!("{}→{:?}", p.port, p.target_port))
            .collect();
        InitError::input(
            format!("{object} spec.ports"),
            format!("a port targeting the Aerospike service port {service_port}"),
            format!("{listed:?}"),
        )
    })?;
    match wanted {
        ServiceType::LoadBalancer => {
            let ingress = svc
                .status
                .as_ref()
                .and_then(|s| s.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.clone())
                .unwrap_or_default();
            let hosts: Vec<String> = ingress
                .iter()
                .filter_map(|i| {
                    i.ip.clone()
                        .filter(|s| !s.is_empty())
                        .or_else(|| i.hostname.clone().filter(|s| !s.is_empty()))
                })
                .collect();
            if hosts.is_empty() {
                return Ok(Lookup::Pending(
                    "status.loadBalancer.ingress is empty".to_string(),
                ));
            }
            let port = u16::try_from(port.port).map_err(|_| {
                InitError::input(format!("{object} port"), "1-65535", port.port.to_string())
            })?;
            Ok(Lookup::Ready(ExternalEndpoint::LoadBalancer {
                hosts,
                port,
            }))
        }
        ServiceType::NodePort => match port.node_port.and_then(|p| u16::try_from(p).ok()) {
            Some(node_port) if node_port > 0 => {
                Ok(Lookup::Ready(ExternalEndpoint::NodePort { node_port }))
            }
            _ => Ok(Lookup::Pending(format!(
                "port {} has no nodePort yet",
                port.port
            ))),
        },
        ServiceType::ClusterIP => Err(InitError::input(
            "podService.serviceType",
            "NodePort or LoadBalancer for external address discovery",
            "ClusterIP",
        )),
    }
}

fn pick_port(ports: &[ServicePort], service_port: u16) -> Option<&ServicePort> {
    let wanted = i32::from(service_port);
    ports
        .iter()
        .find(|p| p.target_port == Some(IntOrString::Int(wanted)))
        .or_else(|| {
            ports
                .iter()
                .find(|p| p.target_port == Some(IntOrString::String("service".to_owned())))
        })
        .or_else(|| ports.iter().find(|p| p.port == wanted))
        .or(if ports.len() == 1 {
            ports.first()
        } else {
            None
        })
}

/// Polling parameters.
#[derive(Debug, Clone, Copy)]
pub struct Poll {
    /// Give up after this long (the guide's 120 s by default).
    pub timeout: Duration,
    /// Time between looks.
    pub interval: Duration,
}

/// Polls the Service until its external endpoint is assigned or `poll.timeout` passes.
pub async fn wait_for_endpoint(
    api: &impl ClusterApi,
    namespace: &str,
    name: &str,
    wanted: ServiceType,
    service_port: u16,
    poll: Poll,
) -> Result<ExternalEndpoint, InitError> {
    let deadline = tokio::time::Instant::now() + poll.timeout;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let last = match api.get_service(namespace, name).await {
            Ok(svc) => match endpoint_from_service(&svc, wanted, service_port)? {
                Lookup::Ready(endpoint) => {
                    tracing::info!(
                        service = name,
                        ?endpoint,
                        attempts,
                        "external endpoint assigned"
                    );
                    return Ok(endpoint);
                }
                Lookup::Pending(why) => why,
            },
            Err(e @ InitError::Forbidden { .. }) => return Err(e),
            Err(e) => e.to_string(),
        };
        let now = tokio::time::Instant::now();
        if now >= deadline {
            let (what, hint) = match wanted {
                ServiceType::LoadBalancer => (
                    "LoadBalancer ingress IP or hostname",
                    "check that a load-balancer controller (cloud provider, MetalLB, ...) serves this cluster",
                ),
                _ => ("nodePort", "check the Service and the API server"),
            };
            return Err(InitError::ExternalTimeout {
                object: format!("Service {namespace}/{name}"),
                what: what.to_string(),
                seconds: poll.timeout.as_secs(),
                hint: format!("last seen: {last}; {hint}"),
            });
        }
        tracing::info!(service = name, %last, "waiting for the external endpoint");
        tokio::time::sleep(poll.interval.min(deadline - now)).await;
    }
}

#[cfg(test)]
#[path = "external_tests.rs"]
mod tests;
