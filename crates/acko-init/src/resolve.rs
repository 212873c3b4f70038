//! Pure address resolution: network policy × pod facts → the addresses written into
//! aerospike.conf.
//!
//! | type | addresses |
//! |---|---|
//! | `pod` | `POD_IP` |
//! | `hostInternal` | the Node's `InternalIP` addresses; `HOST_IP` (status.hostIP) when the Node lists none |
//! | `hostExternal` | the Node's `ExternalIP` addresses; an error when the Node has none |
//! | `configuredIP` | every IP of the networks named in `custom*NetworkNames` (see [`crate::network_status`]) |
//!
//! Where they go:
//! - `accessType` → `network.service.access-address`;
//! - `alternateAccessType` → `network.service.alternate-access-address`, except with a
//!   per-pod Service of type `LoadBalancer` (the ingress IPs/hostnames and the Service port)
//!   or `NodePort` (see below, with `alternate-access-port` = the `nodePort`);
//! - `fabricType` → `network.fabric.address` (the fabric binds to, and publishes, exactly
//!   these addresses; heartbeat is left alone so mesh seeds by pod DNS name keep working).
//!
//! NodePort alternate address: the node this pod runs on, chosen by `alternateAccessType`:
//! `hostExternal` → its ExternalIP, `hostInternal` → its InternalIP; `pod` and
//! `configuredIP` (which cannot carry a node port) → `HOST_IP`, the node IP the kubelet
//! reports (or, if the Node was read anyway, its first InternalIP), so no Node read (and
//! no ClusterRole) is needed.

use std::net::IpAddr;

use crate::error::InitError;
use crate::facts::PodFacts;
use crate::network_status::{self, NETWORK_STATUS_ANNOTATION};
use crate::settings::{AccessType, NetworkSettings, ServiceType};

/// The addresses of the Node the pod runs on (`status.addresses`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeAddresses {
    /// The Node name.
    pub name: String,
    /// `InternalIP` entries, in order.
    pub internal: Vec<IpAddr>,
    /// `ExternalIP` entries, in order.
    pub external: Vec<IpAddr>,
    /// Every entry as `Type address`, for error messages.
    pub all: Vec<String>,
}

/// What the per-pod Service offers to clients outside the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalEndpoint {
    /// `status.loadBalancer.ingress[]` (IP, else hostname) and the Service's port.
    LoadBalancer {
        /// IPs or DNS names, in order.
        hosts: Vec<String>,
        /// The Service port that targets the Aerospike service port.
        port: u16,
    },
    /// The `nodePort` of the Service port that targets the Aerospike service port.
    NodePort {
        /// The node port.
        node_port: u16,
    },
}

/// The resolved per-pod addresses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Resolved {
    /// `network.service.access-address` lines.
    pub access_address: Vec<String>,
    /// `network.service.alternate-access-address` lines.
    pub alternate_access_address: Vec<String>,
    /// `network.service.alternate-access-port`, only with a NodePort/LoadBalancer pod Service.
    pub alternate_access_port: Option<u16>,
    /// `network.fabric.address` lines.
    pub fabric_address: Vec<String>,
}

/// True when the policy needs the Node object (and therefore the node-reader ClusterRole).
pub fn needs_node(net: &NetworkSettings) -> bool {
    [net.access_type, net.alternate_access_type, net.fabric_type]
        .iter()
        .any(|t| t.needs_node())
}

/// Resolves every address. `node` must be given when [`needs_node`] is true; `external`
/// must be given for a NodePort/LoadBalancer `service_type`.
pub fn resolve(
    net: &NetworkSettings,
    service_type: ServiceType,
    facts: &PodFacts,
    node: Option<&NodeAddresses>,
    external: Option<&ExternalEndpoint>,
) -> Result<Resolved, InitError> {
    let ctx = Ctx { facts, node };
    let access = ctx.addresses(
        net.access_type,
        &net.custom_access_network_names,
        "accessType",
        "customAccessNetworkNames",
    )?;
    let fabric = ctx.addresses(
        net.fabric_type,
        &net.custom_fabric_network_names,
        "fabricType",
        "customFabricNetworkNames",
    )?;
    let (alternate, alternate_port) = match service_type {
        ServiceType::ClusterIP => {
            let ips = ctx.addresses(
                net.alternate_access_type,
                &net.custom_alternate_access_network_names,
                "alternateAccessType",
                "customAlternateAccessNetworkNames",
            )?;
            (to_strings(&ips), None)
        }
        ServiceType::LoadBalancer => match external {
            Some(ExternalEndpoint::LoadBalancer { hosts, port }) if !hosts.is_empty() => {
                (dedup(hosts.clone()), Some(*port))
            }
            other => return Err(missing_external("a LoadBalancer ingress", other)),
        },
        ServiceType::NodePort => match external {
            Some(ExternalEndpoint::NodePort { node_port }) => {
                let ips = match net.alternate_access_type {
                    t @ (AccessType::HostInternal | AccessType::HostExternal) => {
                        ctx.addresses(t, &[], "alternateAccessType", "")?
                    }
                    AccessType::Pod | AccessType::ConfiguredIp => {
                        let read_node_ip = node.and_then(|n| n.internal.first().copied());
                        vec![facts.host_ip.or(read_node_ip).ok_or_else(|| {
                            InitError::input(
                                "HOST_IP",
                                "the node IP from the downward API (status.hostIP), advertised with the NodePort",
                                "nothing",
                            )
                        })?]
                    }
                };
                (to_strings(&ips), Some(*node_port))
            }
            other => return Err(missing_external("a NodePort", other)),
        },
    };
    Ok(Resolved {
        access_address: to_strings(&access),
        alternate_access_address: alternate,
        alternate_access_port: alternate_port,
        fabric_address: to_strings(&fabric),
    })
}

fn missing_external(what: &str, found: Option<&ExternalEndpoint>) -> InitError {
    InitError::input(
        "per-pod Service",
        what,
        match found {
            None => "no external endpoint".to_string(),
            Some(e) => format!("{e:?}"),
        },
    )
}

fn to_strings(ips: &[IpAddr]) -> Vec<String> {
    dedup(ips.iter().map(IpAddr::to_string).collect())
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

struct Ctx<'a> {
    facts: &'a PodFacts,
    node: Option<&'a NodeAddresses>,
}

impl Ctx<'_> {
    fn addresses(
        &self,
        kind: AccessType,
        names: &[String],
        field: &str,
        names_field: &str,
    ) -> Result<Vec<IpAddr>, InitError> {
        let needed = format!("needed by {field}: {}", kind.as_str());
        match kind {
            AccessType::Pod => self.facts.pod_ip.map(|ip| vec![ip]).ok_or_else(|| {
                InitError::input(
                    "POD_IP",
                    format!("the pod IP from the downward API ({needed})"),
                    "nothing",
                )
            }),
            AccessType::HostInternal => {
                if let Some(node) = self.node.filter(|n| !n.internal.is_empty()) {
                    return Ok(node.internal.clone());
                }
                self.facts.host_ip.map(|ip| vec![ip]).ok_or_else(|| {
                    InitError::input(
                        self.node_field(),
                        format!(
                            "an InternalIP address, or HOST_IP from the downward API ({needed})"
                        ),
                        self.node_found(),
                    )
                })
            }
            AccessType::HostExternal => match self.node {
                Some(node) if !node.external.is_empty() => Ok(node.external.clone()),
                _ => Err(InitError::input(
                    self.node_field(),
                    format!(
                        "an ExternalIP address ({needed}; use hostInternal, or a LoadBalancer podService, when nodes have no external IP)"
                    ),
                    self.node_found(),
                )),
            },
            AccessType::ConfiguredIp => {
                let annotation = self
                    .facts
                    .annotations
                    .get(NETWORK_STATUS_ANNOTATION)
                    .ok_or_else(|| {
                        InitError::input(
                            format!("pod annotation {NETWORK_STATUS_ANNOTATION}"),
                            format!(
                                "the Multus network status listing {names_field} {names:?} ({needed})"
                            ),
                            "no such annotation (is Multus installed and the pod attached to the networks?)",
                        )
                    })?;
                let statuses = network_status::parse(annotation)?;
                network_status::ips_for(&statuses, names, &self.facts.namespace, names_field)
            }
        }
    }

    fn node_field(&self) -> String {
        let name = self
            .node
            .map(|n| n.name.clone())
            .or_else(|| self.facts.node_name.clone())
            .unwrap_or_else(|| "(NODE_NAME unset)".to_string());
        format!("node {name} status.addresses")
    }

    fn node_found(&self) -> String {
        match self.node {
            None => "no Node object was read".to_string(),
            Some(n) if n.all.is_empty() => "no addresses".to_string(),
            Some(n) => n.all.join(", "),
        }
    }
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
