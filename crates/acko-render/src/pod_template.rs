//! The pod template of a rack.
//!
//! Per-rack overrides: `rack.podSpec.{affinity,tolerations,nodeSelector}` replace the cluster
//! values (the rack placement is then merged into the affinity, see `affinity`), and
//! `rack.storage` replaces `spec.storage`.
//!
//! The pod-spec hash is the SHA-256 of the canonical JSON of the pod `spec`, the bandwidth
//! annotations (the CNI applies them only when the pod sandbox is created) and the volume claim
//! templates. User labels/annotations are not part of it (they can be patched on live pods),
//! neither is the acko-init image (an operator upgrade must not restart every pod), and neither
//! is the config hash, so a configuration-only change changes only the config hash and can be
//! applied with a warm restart.

use std::collections::BTreeMap;

use acko_api::{AerospikeClusterSpec, NetworkAccessType, PodServiceType, Rack};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PodReadinessGate, PodSpec, PodTemplateSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

use crate::affinity;
use crate::containers::{self, HostPorts};
use crate::error::RenderError;
use crate::hash;
use crate::labels;
use crate::services::AerospikePorts;
use crate::storage::RenderedStorage;

/// Pod condition type of the readiness gate (defined in [`acko_api::contract`]).
pub const READINESS_GATE: &str = acko_api::contract::READINESS_GATE_CONDITION;

/// Everything the pod template of one rack is built from.
#[derive(Debug, Clone, Copy)]
pub struct PodInputs<'a> {
    /// Cluster name.
    pub cluster: &'a str,
    /// Defaulted, validated cluster spec.
    pub spec: &'a AerospikeClusterSpec,
    /// The rack (`None` for the implicit rack 0).
    pub rack: Option<&'a Rack>,
    /// Rack id.
    pub rack_id: i32,
    /// Server image.
    pub image: &'a str,
    /// acko-init image.
    pub init_image: &'a str,
    /// The rack's Aerospike ports.
    pub ports: AerospikePorts,
    /// The rack's rendered storage.
    pub storage: &'a RenderedStorage,
    /// The rack's config hash.
    pub config_hash: &'a str,
}

/// The pod template and its pod-spec hash.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedPodTemplate {
    /// The template (annotated with both hashes).
    pub template: PodTemplateSpec,
    /// Its pod-spec hash.
    pub pod_spec_hash: String,
}

fn is_host(t: Option<NetworkAccessType>) -> bool {
    matches!(
        t,
        Some(NetworkAccessType::HostInternal | NetworkAccessType::HostExternal)
    )
}

/// The per-pod Service type when it needs address discovery by acko-init.
pub fn external_service_type(spec: &AerospikeClusterSpec) -> Option<&'static str> {
    let ty: PodServiceType = spec.pod_service.as_ref()?.service_type.unwrap_or_default();
    ty.is_external().then(|| ty.as_str())
}

/// True when acko-init must read the Kubernetes API (its per-pod NodePort/LoadBalancer
/// Service, or its Node for host access types).
pub fn needs_api(spec: &AerospikeClusterSpec) -> bool {
    external_service_type(spec).is_some() || needs_node_access(spec)
}

/// The service account of the pods: the user's `podSpec.serviceAccountName` (which then
/// receives the read grants), else — only when the pods read the API — the cluster's own
/// [`names::service_account`], else none (the namespace's `default`, which gets no grant).
pub fn pod_service_account(spec: &AerospikeClusterSpec, cluster: &str) -> Option<String> {
    spec.pod_spec
        .as_ref()
        .and_then(|p| p.service_account_name.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| needs_api(spec).then(|| crate::names::service_account(cluster)))
}

/// True when any access type needs the Node object (host IPs).
pub fn needs_node_access(spec: &AerospikeClusterSpec) -> bool {
    spec.aerospike_network_policy.as_ref().is_some_and(|p| {
        is_host(p.access_type) || is_host(p.alternate_access_type) || is_host(p.fabric_type)
    })
}

/// The CNI bandwidth annotations, normalised to quantities the bandwidth plugin accepts.
pub fn bandwidth_annotations(
    spec: &AerospikeClusterSpec,
) -> Result<BTreeMap<String, String>, RenderError> {
    let mut out = BTreeMap::new();
    let Some(bw) = spec.bandwidth_config.as_ref() else {
        return Ok(out);
    };
    for (field, value, key) in [
        ("ingress", &bw.ingress, labels::ANNOTATION_INGRESS_BANDWIDTH),
        ("egress", &bw.egress, labels::ANNOTATION_EGRESS_BANDWIDTH),
    ] {
        if let Some(v) = value {
            let parsed = acko_api::bandwidth::parse_bandwidth(v).map_err(|e| {
                RenderError::field(&format!("spec.bandwidthConfig.{field}"), e.message, e.hint)
            })?;
            out.insert(key.to_owned(), parsed.canonical);
        }
    }
    Ok(out)
}

/// Builds the pod template of a rack; `claim_templates` enter the pod-spec hash.
pub fn build(
    inputs: &PodInputs<'_>,
    claim_templates: &[PersistentVolumeClaim],
) -> Result<RenderedPodTemplate, RenderError> {
    let spec = inputs.spec;
    let pod = spec.pod_spec.clone().unwrap_or_default();
    let rack_pod = inputs.rack.and_then(|r| r.pod_spec.as_ref());
    let storage = inputs.storage;
    let external = external_service_type(spec);
    let env = containers::operator_env(external);

    let host_network = pod.host_network == Some(true);
    let policy = spec.aerospike_network_policy.clone().unwrap_or_default();
    let host_ports = if host_network {
        HostPorts::default()
    } else {
        HostPorts {
            service: is_host(policy.access_type) || is_host(policy.alternate_access_type),
        }
    };

    let mut init_containers = vec![containers::init_container(
        inputs.init_image,
        env.clone(),
        &storage.init,
    )];
    init_containers.extend(
        pod.init_containers
            .iter()
            .flatten()
            .map(|c| containers::user_container(c, storage.init_containers.get(&c.name))),
    );

    let mut aerospike = containers::aerospike_container(
        inputs.image,
        inputs.ports,
        host_ports,
        env,
        &storage.aerospike,
    );
    if let Some(ac) = &pod.aerospike_container {
        aerospike.resources = ac.resources.clone();
        aerospike.security_context = ac.security_context.clone();
    }
    let mut main = vec![aerospike];
    if let Some(m) = spec.monitoring.as_ref().filter(|m| m.is_enabled()) {
        let port = metrics_port(m.port);
        main.push(containers::exporter_container(
            m,
            inputs.ports.service,
            port,
        ));
    }
    main.extend(
        pod.sidecars
            .iter()
            .flatten()
            .map(|c| containers::user_container(c, storage.sidecars.get(&c.name))),
    );

    let mut volumes = containers::operator_volumes(inputs.cluster, inputs.rack_id);
    volumes.extend(storage.volumes.iter().cloned());

    let user_affinity = rack_pod
        .and_then(|r| r.affinity.as_ref())
        .or(pod.affinity.as_ref());
    let requirements = affinity::node_requirements(
        inputs.rack,
        spec.k8s_node_block_list.as_deref().unwrap_or_default(),
    );
    let merged_affinity = affinity::merge(
        user_affinity,
        requirements,
        inputs.cluster,
        pod.multi_pod_per_host == Some(false),
    );

    let needs_token = needs_api(spec);
    let pod_spec = PodSpec {
        init_containers: Some(init_containers),
        containers: main,
        volumes: Some(volumes),
        affinity: merged_affinity,
        tolerations: rack_pod
            .and_then(|r| r.tolerations.clone())
            .or(pod.tolerations.clone()),
        node_selector: rack_pod
            .and_then(|r| r.node_selector.clone())
            .or(pod.node_selector.clone()),
        image_pull_secrets: pod.image_pull_secrets.clone(),
        security_context: pod.security_context.clone(),
        service_account_name: pod_service_account(spec, inputs.cluster),
        automount_service_account_token: needs_token.then_some(true),
        dns_policy: pod.dns_policy.clone(),
        host_network: host_network.then_some(true),
        termination_grace_period_seconds: pod.termination_grace_period_seconds,
        topology_spread_constraints: pod.topology_spread_constraints.clone(),
        readiness_gates: (pod.readiness_gate_enabled != Some(false)).then(|| {
            vec![PodReadinessGate {
                condition_type: READINESS_GATE.to_owned(),
            }]
        }),
        ..PodSpec::default()
    };

    let bandwidth = bandwidth_annotations(spec)?;
    // The acko-init image is left out of the hash: upgrading the operator must not restart every
    // Aerospike pod. New pods get the new image; running ones keep theirs until they restart.
    let mut hashed_spec = pod_spec.clone();
    if let Some(init) = hashed_spec
        .init_containers
        .as_mut()
        .and_then(|c| c.first_mut())
    {
        init.image = None;
    }
    let pod_spec_hash = hash::canonical_json_hash(&json!({
        "spec": hashed_spec,
        "bandwidth": bandwidth,
        "volumeClaimTemplates": claim_templates,
    }));

    let user_meta = pod.metadata.clone().unwrap_or_default();
    let mut annotations = user_meta.annotations.clone().unwrap_or_default();
    annotations.extend(bandwidth);
    annotations.insert(
        labels::ANNOTATION_CONFIG_HASH.to_owned(),
        inputs.config_hash.to_owned(),
    );
    annotations.insert(
        labels::ANNOTATION_POD_SPEC_HASH.to_owned(),
        pod_spec_hash.clone(),
    );
    let template = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels::merge_user_labels(
                labels::rack_labels(inputs.cluster, inputs.rack_id),
                user_meta.labels.as_ref(),
            )),
            annotations: Some(annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(pod_spec),
    };
    Ok(RenderedPodTemplate {
        template,
        pod_spec_hash,
    })
}

/// The exporter port as a u16 (validation guarantees the range; out-of-range falls back to the
/// default).
pub fn metrics_port(port: Option<i32>) -> u16 {
    port.and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p != 0)
        .unwrap_or(acko_api::DEFAULT_EXPORTER_PORT as u16)
}
