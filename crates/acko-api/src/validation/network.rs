//! Networking rules: access types, seeds LoadBalancer, bandwidth and service metadata.

use crate::bandwidth::parse_bandwidth;
use crate::cluster::AerospikeClusterSpec;
use crate::network::{AerospikeNetworkPolicy, LoadBalancerSpec, NetworkAccessType};
use crate::problem::Problems;
use crate::validation::fields;

/// Validates every networking field of a cluster spec at `base` (normally `spec`).
pub(crate) fn validate_network(spec: &AerospikeClusterSpec, base: &str, p: &mut Problems) {
    let host_network = spec
        .pod_spec
        .as_ref()
        .and_then(|ps| ps.host_network)
        .unwrap_or(false);
    if let Some(np) = &spec.aerospike_network_policy {
        validate_access_policy(np, &format!("{base}.aerospikeNetworkPolicy"), p);
        validate_fabric_host_network(np, host_network, base, p);
        let load_balancer = spec.pod_service.as_ref().and_then(|ps| ps.service_type)
            == Some(crate::PodServiceType::LoadBalancer);
        if let Some(alt) = np
            .alternate_access_type
            .filter(|t| load_balancer && *t != NetworkAccessType::Pod)
        {
            p.warning(
                format!("{base}.aerospikeNetworkPolicy.alternateAccessType"),
                format!(
                    "alternateAccessType {} is ignored: with podService.serviceType LoadBalancer the alternate access address is each pod's load balancer",
                    alt.as_str()
                ),
                "remove alternateAccessType (or use a NodePort pod service to publish a node address)",
            );
        }
    }
    if let Some(np) = spec
        .overrides
        .as_ref()
        .and_then(|o| o.aerospike_network_policy.as_ref())
    {
        validate_fabric_host_network(np, host_network, &format!("{base}.overrides"), p);
    }
    if let Some(bw) = &spec.bandwidth_config {
        for (field, value) in [("ingress", &bw.ingress), ("egress", &bw.egress)] {
            if let Some(v) = value
                && let Err(e) = parse_bandwidth(v)
            {
                p.error(format!("{base}.bandwidthConfig.{field}"), e.message, e.hint);
            }
        }
    }
    if let Some(lb) = spec
        .seeds_finder_services
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
    {
        validate_load_balancer(lb, &format!("{base}.seedsFinderServices.loadBalancer"), p);
    }
    if let Some(meta) = spec
        .headless_service
        .as_ref()
        .and_then(|h| h.metadata.as_ref())
    {
        fields::labels(
            meta.labels.as_ref(),
            &format!("{base}.headlessService.metadata.labels"),
            p,
        );
        fields::annotations(
            meta.annotations.as_ref(),
            &format!("{base}.headlessService.metadata.annotations"),
            p,
        );
    }
    if let Some(meta) = spec.pod_service.as_ref().and_then(|h| h.metadata.as_ref()) {
        fields::labels(
            meta.labels.as_ref(),
            &format!("{base}.podService.metadata.labels"),
            p,
        );
        fields::annotations(
            meta.annotations.as_ref(),
            &format!("{base}.podService.metadata.annotations"),
            p,
        );
    }
}

/// Validates an `aerospikeNetworkPolicy` at `base`.
pub(crate) fn validate_access_policy(np: &AerospikeNetworkPolicy, base: &str, p: &mut Problems) {
    let pairs = [
        (
            "accessType",
            np.access_type,
            "customAccessNetworkNames",
            &np.custom_access_network_names,
        ),
        (
            "alternateAccessType",
            np.alternate_access_type,
            "customAlternateAccessNetworkNames",
            &np.custom_alternate_access_network_names,
        ),
        (
            "fabricType",
            np.fabric_type,
            "customFabricNetworkNames",
            &np.custom_fabric_network_names,
        ),
    ];
    for (type_field, ty, names_field, names) in pairs {
        let configured = ty == Some(NetworkAccessType::ConfiguredIp);
        let has_names = names.as_ref().is_some_and(|n| !n.is_empty());
        if configured && !has_names {
            p.error(
                format!("{base}.{names_field}"),
                format!("{type_field} configuredIP needs {names_field}"),
                format!("list the network name(s) of the pod's k8s.v1.cni.cncf.io/network-status annotation in {names_field}"),
            );
        }
        if !configured && has_names {
            p.warning(
                format!("{base}.{names_field}"),
                format!("{names_field} is ignored because {type_field} is not configuredIP"),
                format!("set {type_field}: configuredIP or remove {names_field}"),
            );
        }
        for (i, n) in names.iter().flatten().enumerate() {
            if n.trim().is_empty() {
                p.error(
                    format!("{base}.{names_field}[{i}]"),
                    "empty network name",
                    "name a network attachment",
                );
            }
        }
    }
}

/// A host fabric address needs host networking.
///
/// Aerospike's fabric stanza has only a bind `address` (no advertised access address like the
/// service), so with `fabricType: hostInternal`/`hostExternal` the node must bind the node's
/// IP. A pod can only do that with `hostNetwork: true`; without it acko-init refuses to start
/// the pod.
pub(crate) fn validate_fabric_host_network(
    np: &AerospikeNetworkPolicy,
    host_network: bool,
    base: &str,
    p: &mut Problems,
) {
    let Some(ty @ (NetworkAccessType::HostInternal | NetworkAccessType::HostExternal)) =
        np.fabric_type
    else {
        return;
    };
    if !host_network {
        p.error(
            format!("{base}.aerospikeNetworkPolicy.fabricType"),
            format!(
                "fabricType {} needs spec.podSpec.hostNetwork: true: the fabric has no advertised \
                 address, so Aerospike must bind the node's IP, which a pod without host \
                 networking does not have",
                ty.as_str()
            ),
            "use fabricType: pod (nodes reach each other on pod IPs), or set spec.podSpec.hostNetwork: true",
        );
    }
}

/// Validates the seeds LoadBalancer at `base`.
pub(crate) fn validate_load_balancer(lb: &LoadBalancerSpec, base: &str, p: &mut Problems) {
    if let Some(policy) = &lb.external_traffic_policy
        && policy != "Cluster"
        && policy != "Local"
    {
        p.error(
            format!("{base}.externalTrafficPolicy"),
            format!("externalTrafficPolicy {policy:?} is not valid"),
            "use Cluster, or Local to keep the client source IP",
        );
    }
    for (field, port) in [("port", lb.port), ("targetPort", lb.target_port)] {
        if let Some(port) = port
            && !(1..=65535).contains(&port)
        {
            p.error(
                format!("{base}.{field}"),
                format!("port {port} is out of range"),
                "use 1-65535 (default 3000)",
            );
        }
    }
    if let Some(tp) = lb.target_port
        && (1..=65535).contains(&tp)
        && tp != 3000
    {
        p.warning(
            format!("{base}.targetPort"),
            format!("targetPort {tp} is not the Aerospike service port; seed discovery needs 3000"),
            "remove targetPort to use 3000",
        );
    }
    for (i, range) in lb.load_balancer_source_ranges.iter().flatten().enumerate() {
        fields::cidr(range, &format!("{base}.loadBalancerSourceRanges[{i}]"), p);
    }
    fields::labels(lb.labels.as_ref(), &format!("{base}.labels"), p);
    fields::annotations(lb.annotations.as_ref(), &format!("{base}.annotations"), p);
}
