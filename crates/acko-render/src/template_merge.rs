//! Template merge: a cluster that references an `AerospikeClusterTemplate` is resolved into a
//! plain cluster spec, purely, before defaulting and validation.
//!
//! Precedence, highest first:
//! 1. fields set on the cluster itself;
//! 2. the cluster's `spec.overrides`;
//! 3. the template's `spec`;
//! 4. operator defaults (applied afterwards by `acko_api::defaults`).
//!
//! Rules:
//! - template + overrides: maps are deep-merged, any other value (scalars, lists) of the
//!   overrides replaces the template's ([`merge_template_specs`]);
//! - `image`, `size`, `monitoring`, `aerospikeNetworkPolicy`: taken whole when the cluster
//!   leaves them unset;
//! - `aerospikeConfig`: the template's `service` and `network.heartbeat` keys and, under every
//!   namespace of the cluster, `namespaceDefaults` are deep-merged UNDER the cluster's config
//!   (with `aerospike_conf::deep_merge`: the cluster's keys win, namespaces merge by name);
//! - `scheduling`: `podAntiAffinityLevel` becomes a pod anti-affinity on
//!   `kubernetes.io/hostname` (preferred, weight 100, or required) when the cluster sets no pod
//!   anti-affinity; `nodeAffinity`, `tolerations`, `topologySpreadConstraints` and
//!   `podManagementPolicy` are used when the cluster sets none;
//! - `storage`: a single persistent volume `data` mounted at `/opt/aerospike/data`, only when
//!   the cluster declares no volumes; `localStorageClasses`/`deleteLocalStorageOnRestart` when
//!   unset;
//! - `resources`: the Aerospike container's resources when the cluster sets none;
//! - `rackConfig.maxRacksPerNode`: not applied by rendering (informational).

use acko_api::{
    AerospikeCluster, AerospikeClusterSpec, AerospikeClusterTemplate, AerospikeClusterTemplateSpec,
    AerospikeContainerSpec, AerospikeStorageSpec, AerospikeVolumeAttachment, PersistentVolumeSpec,
    PodAntiAffinityLevel, VolumeSource, VolumeSpec,
};
use k8s_openapi::api::core::v1::{
    Affinity, PodAffinityTerm, PodAntiAffinity, WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{Map, Value, json};

use crate::affinity::HOSTNAME_LABEL;
use crate::labels;

/// Name of the volume a template's storage becomes.
pub const TEMPLATE_VOLUME_NAME: &str = "data";
/// Mount path of the template's volume.
pub const TEMPLATE_VOLUME_PATH: &str = "/opt/aerospike/data";

/// Why a template could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The referenced template was not provided.
    #[error(
        "spec.templateRef.name: template {name:?} was not found; pass its YAML with --template \
         (or create the AerospikeClusterTemplate) — available: {available}"
    )]
    NotFound {
        /// The referenced name.
        name: String,
        /// Names of the templates that were provided.
        available: String,
    },
    /// Template + overrides did not form a valid template spec.
    #[error(
        "spec.overrides: {0}; fix the overrides so they match the AerospikeClusterTemplate spec"
    )]
    Overrides(String),
}

fn json_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(existing) => json_merge(existing, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// The template spec with the cluster's overrides applied (maps deep-merged, other values
/// replaced).
pub fn merge_template_specs(
    template: &AerospikeClusterTemplateSpec,
    overrides: Option<&AerospikeClusterTemplateSpec>,
) -> Result<AerospikeClusterTemplateSpec, TemplateError> {
    let Some(overrides) = overrides else {
        return Ok(template.clone());
    };
    let mut base =
        serde_json::to_value(template).map_err(|e| TemplateError::Overrides(e.to_string()))?;
    let overlay =
        serde_json::to_value(overrides).map_err(|e| TemplateError::Overrides(e.to_string()))?;
    json_merge(&mut base, &overlay);
    serde_json::from_value(base).map_err(|e| TemplateError::Overrides(e.to_string()))
}

fn template_config(t: &AerospikeClusterTemplateSpec) -> Option<Value> {
    let tc = t.aerospike_config.as_ref()?;
    let mut out = Map::new();
    if let Some(service) = &tc.service {
        out.insert("service".to_owned(), Value::Object(service.clone()));
    }
    if let Some(hb) = tc.network.as_ref().and_then(|n| n.heartbeat.as_ref()) {
        let mut h = Map::new();
        if let Some(v) = &hb.mode {
            h.insert("mode".to_owned(), json!(v));
        }
        if let Some(v) = hb.port {
            h.insert("port".to_owned(), json!(v));
        }
        if let Some(v) = hb.interval {
            h.insert("interval".to_owned(), json!(v));
        }
        if let Some(v) = hb.timeout {
            h.insert("timeout".to_owned(), json!(v));
        }
        if !h.is_empty() {
            out.insert("network".to_owned(), json!({ "heartbeat": h }));
        }
    }
    Some(Value::Object(out))
}

fn merge_config(spec: &mut AerospikeClusterSpec, t: &AerospikeClusterTemplateSpec) {
    let cluster = spec.aerospike_config.clone().map(Value::Object);
    let mut merged = match (template_config(t), cluster) {
        (Some(base), Some(c)) => aerospike_conf::deep_merge(&base, &c),
        (Some(base), None) => base,
        (None, Some(c)) => c,
        (None, None) => return,
    };
    if let Some(defaults) = t
        .aerospike_config
        .as_ref()
        .and_then(|c| c.namespace_defaults.as_ref())
    {
        let defaults = Value::Object(defaults.clone());
        if let Some(Value::Array(namespaces)) = merged.get_mut("namespaces") {
            for ns in namespaces.iter_mut().filter(|n| n.is_object()) {
                *ns = aerospike_conf::deep_merge(&defaults, ns);
            }
        }
    }
    if let Value::Object(map) = merged {
        spec.aerospike_config = Some(map);
    }
}

fn anti_affinity(cluster: &str, level: PodAntiAffinityLevel) -> Option<PodAntiAffinity> {
    let term = PodAffinityTerm {
        label_selector: Some(LabelSelector {
            match_labels: Some(labels::cluster_selector(cluster)),
            match_expressions: None,
        }),
        topology_key: HOSTNAME_LABEL.to_owned(),
        ..PodAffinityTerm::default()
    };
    match level {
        PodAntiAffinityLevel::None => None,
        PodAntiAffinityLevel::Preferred => Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: term,
                },
            ]),
            ..PodAntiAffinity::default()
        }),
        PodAntiAffinityLevel::Required => Some(PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![term]),
            ..PodAntiAffinity::default()
        }),
    }
}

fn merge_scheduling(
    cluster: &str,
    spec: &mut AerospikeClusterSpec,
    t: &AerospikeClusterTemplateSpec,
) {
    let Some(s) = &t.scheduling else { return };
    let pod = spec.pod_spec.get_or_insert_with(Default::default);
    let affinity = pod.affinity.get_or_insert_with(Affinity::default);
    if affinity.pod_anti_affinity.is_none() {
        affinity.pod_anti_affinity =
            anti_affinity(cluster, s.pod_anti_affinity_level.unwrap_or_default());
    }
    if affinity.node_affinity.is_none() {
        affinity.node_affinity = s.node_affinity.clone();
    }
    if *affinity == Affinity::default() {
        pod.affinity = None;
    }
    if pod.tolerations.is_none() {
        pod.tolerations = s.tolerations.clone();
    }
    if pod.topology_spread_constraints.is_none() {
        pod.topology_spread_constraints = s.topology_spread_constraints.clone();
    }
    if pod.pod_management_policy.is_none() {
        pod.pod_management_policy = s.pod_management_policy;
    }
}

fn merge_storage(spec: &mut AerospikeClusterSpec, t: &AerospikeClusterTemplateSpec) {
    let Some(ts) = &t.storage else { return };
    let storage = spec
        .storage
        .get_or_insert_with(AerospikeStorageSpec::default);
    let size = ts
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"));
    if let Some(size) = size
        && storage.volumes.as_ref().is_none_or(Vec::is_empty)
    {
        storage.volumes = Some(vec![VolumeSpec {
            name: TEMPLATE_VOLUME_NAME.to_owned(),
            source: VolumeSource {
                persistent_volume: Some(PersistentVolumeSpec {
                    storage_class: ts.storage_class_name.clone(),
                    volume_mode: ts.volume_mode,
                    size: size.clone(),
                    access_modes: ts.access_modes.clone(),
                    ..PersistentVolumeSpec::default()
                }),
                ..VolumeSource::default()
            },
            aerospike: Some(AerospikeVolumeAttachment {
                path: TEMPLATE_VOLUME_PATH.to_owned(),
                ..AerospikeVolumeAttachment::default()
            }),
            ..VolumeSpec::default()
        }]);
    }
    if storage.local_storage_classes.is_none() {
        storage.local_storage_classes = ts.local_storage_classes.clone();
    }
    if storage.delete_local_storage_on_restart.is_none() {
        storage.delete_local_storage_on_restart = ts.delete_local_storage_on_restart;
    }
    if *storage == AerospikeStorageSpec::default() {
        spec.storage = None;
    }
}

/// Applies an (already overridden) template spec under `spec` (see the module docs).
/// `cluster` is the cluster name (used by the anti-affinity selector).
pub fn apply_template(
    cluster: &str,
    spec: &AerospikeClusterSpec,
    template: &AerospikeClusterTemplateSpec,
) -> AerospikeClusterSpec {
    let mut out = spec.clone();
    if out.image.is_none() {
        out.image = template.image.clone();
    }
    if out.size.is_none() {
        out.size = template.size;
    }
    merge_config(&mut out, template);
    merge_scheduling(cluster, &mut out, template);
    merge_storage(&mut out, template);
    if let Some(resources) = &template.resources {
        let pod = out.pod_spec.get_or_insert_with(Default::default);
        let container = pod
            .aerospike_container
            .get_or_insert_with(AerospikeContainerSpec::default);
        if container.resources.is_none() {
            container.resources = Some(resources.clone());
        }
    }
    if out.monitoring.is_none() {
        out.monitoring = template.monitoring.clone();
    }
    if out.aerospike_network_policy.is_none() {
        out.aerospike_network_policy = template.aerospike_network_policy.clone();
    }
    out
}

/// Resolves `cluster` against `templates`: returns it unchanged without `templateRef`,
/// otherwise with the referenced template (plus its overrides) merged in. `templateRef` and
/// `overrides` are kept, so validation still sees them.
pub fn merge_template(
    cluster: &AerospikeCluster,
    templates: &[AerospikeClusterTemplate],
) -> Result<AerospikeCluster, TemplateError> {
    let Some(reference) = cluster.spec.template_ref.as_ref() else {
        return Ok(cluster.clone());
    };
    let template = templates
        .iter()
        .find(|t| t.metadata.name.as_deref() == Some(reference.name.as_str()))
        .ok_or_else(|| TemplateError::NotFound {
            name: reference.name.clone(),
            available: {
                let names: Vec<&str> = templates
                    .iter()
                    .filter_map(|t| t.metadata.name.as_deref())
                    .collect();
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            },
        })?;
    let effective = merge_template_specs(&template.spec, cluster.spec.overrides.as_ref())?;
    let name = cluster.metadata.name.clone().unwrap_or_default();
    let mut out = cluster.clone();
    out.spec = apply_template(&name, &cluster.spec, &effective);
    Ok(out)
}
