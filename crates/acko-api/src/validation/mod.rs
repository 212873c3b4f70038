//! Validation: pure functions that return **all** problems of a resource, each with a JSON-style
//! path, a message and a hint.
//!
//! * [`validate_cluster`] / [`validate_template`]: every rule that looks at one resource.
//! * [`crate::update::validate_update`]: rules between an old and a new cluster.
//! * [`ValidatedCluster`]: a cluster with no errors and its defaults applied; this is what
//!   rendering consumes, so rendering never sees an invalid or un-defaulted spec. Validation
//!   builds every rack's effective `aerospike.conf` model the way rendering does (defaulted
//!   cluster config, rack override merged with [`aerospike_conf::deep_merge`],
//!   [`aerospike_conf::AerospikeConf::from_spec`]), so a config that cannot be written is a
//!   validation error, not a render failure.
//!
//! Rules look at the spec as the user wrote it (so paths point at what the user typed); unset
//! fields are assumed to take their documented defaults, which are always valid.

mod config;
mod config_keys;
mod fields;
mod image;
mod monitoring;
mod network;
mod pod;
mod rack;
mod renderable;
mod storage;
mod storage_engine;
mod template;
mod ttl;

pub use config_keys::{
    EE_ONLY_NAMESPACE_KEYS, EE_ONLY_SECTIONS, REMOVED_CONFIG_KEYS, REMOVED_KEYS, RemovedKey,
};
pub use fields::{parse_quantity, validate_int_or_percent};
pub use image::{ImageRef, parse_image};
pub use template::validate_template;

use crate::cluster::{AerospikeCluster, AerospikeClusterSpec};
use crate::defaults::with_defaults;
use crate::problem::{Problem, Problems};

/// Most pods per Aerospike CE cluster.
pub const MAX_CLUSTER_SIZE: i32 = 8;

/// Every problem of a cluster (errors and warnings), in field order.
pub fn validate_cluster(cluster: &AerospikeCluster) -> Problems {
    let mut p = Problems::new();
    let name = cluster.metadata.name.as_deref().unwrap_or_default();
    if name.is_empty() {
        p.error(
            "metadata.name",
            "the cluster has no name",
            "set metadata.name",
        );
    } else {
        cluster_name(
            name,
            cluster.metadata.namespace.as_deref().unwrap_or("default"),
            &cluster.spec,
            &mut p,
        );
    }
    validate_spec(&cluster.spec, "spec", &mut p);
    p
}

/// Checks `metadata.name` against every name derived from it ([`crate::names`]): it must be
/// a DNS-1035 label (Services are named after it) and short enough for the longest derived
/// name of its racks.
fn cluster_name(name: &str, namespace: &str, spec: &AerospikeClusterSpec, p: &mut Problems) {
    if !crate::names::is_dns1035_label(name) {
        p.error(
            "metadata.name",
            format!(
                "{name:?} is not a DNS-1035 label: Services such as {:?} are named after the cluster",
                crate::names::headless_service(name)
            ),
            "start with a lowercase letter; use lowercase letters, digits and '-'; end with a letter or digit",
        );
    }
    let rack_ids: Vec<i32> = spec
        .rack_config
        .iter()
        .flat_map(|rc| rc.racks.iter().map(|r| r.id))
        .collect();
    let (max, _) = crate::names::max_cluster_name_len(namespace, &rack_ids);
    let worst = crate::names::derived_names(name, namespace, &rack_ids)
        .into_iter()
        .max_by_key(|d| d.name.len() as i64 - d.max_len as i64);
    if let Some(d) = worst.filter(|_| name.len() > max) {
        p.error(
            "metadata.name",
            format!(
                "name is too long ({} characters, the limit is {max}): the {} {:?} would have {} characters, more than {} ({})",
                name.len(),
                d.kind,
                d.name,
                d.name.len(),
                d.max_len,
                d.why
            ),
            format!("use a name of at most {max} characters"),
        );
    }
}

/// Validates a cluster spec whose path is `base` (normally `spec`).
pub fn validate_spec(spec: &AerospikeClusterSpec, base: &str, p: &mut Problems) {
    let has_template = spec.template_ref.is_some();
    match spec.size {
        None if !has_template => p.error(
            format!("{base}.size"),
            "size is required",
            "set spec.size to the number of nodes (1-8), or use spec.templateRef",
        ),
        Some(size) if !(1..=MAX_CLUSTER_SIZE).contains(&size) => p.error(
            format!("{base}.size"),
            format!("size {size} is out of range: Aerospike CE clusters have 1 to 8 nodes"),
            "set spec.size between 1 and 8",
        ),
        _ => {}
    }
    match &spec.image {
        None if !has_template => p.error(
            format!("{base}.image"),
            "image is required",
            "set spec.image, e.g. aerospike:ce-8.1.1.1",
        ),
        Some(image) => image::validate_server_image(image, &format!("{base}.image"), p),
        None => {}
    }
    let size = spec.size.filter(|s| (1..=MAX_CLUSTER_SIZE).contains(s));
    if let Some(config) = &spec.aerospike_config {
        let volumes = storage::all_volumes(spec);
        config::validate_config(
            config,
            size,
            &volumes,
            &format!("{base}.aerospikeConfig"),
            false,
            p,
        );
    }
    let containers = pod::container_names(spec.pod_spec.as_ref());
    if let Some(s) = &spec.storage {
        storage::validate_storage(s, &containers, &format!("{base}.storage"), p);
    }
    if let Some(rc) = &spec.rack_config {
        rack::validate_rack_config(rc, spec, &containers, &format!("{base}.rackConfig"), p);
    }
    renderable::validate_renderable(spec, base, p);
    network::validate_network(spec, base, p);
    if let Some(pod) = &spec.pod_spec {
        pod::validate_pod_spec(pod, &format!("{base}.podSpec"), p);
    }
    if let Some(m) = &spec.monitoring {
        monitoring::validate_monitoring(m, &format!("{base}.monitoring"), p);
    }
    if spec.aerospike_access_control.is_some() {
        p.error(
            format!("{base}.aerospikeAccessControl"),
            "Aerospike Community Edition has no security: users, roles and ACLs cannot be applied",
            "remove aerospikeAccessControl; restrict access with networkPolicyConfig instead",
        );
    }
    validate_operations(spec, base, p);
    if let Some(batch) = spec.rolling_update_batch_size {
        if batch < 1 {
            p.error(
                format!("{base}.rollingUpdateBatchSize"),
                "must be at least 1",
                "set 1 to restart one pod at a time",
            );
        } else if let Some(size) = size.filter(|s| batch > *s) {
            p.warning(
                format!("{base}.rollingUpdateBatchSize"),
                format!(
                    "{batch} is larger than the cluster size {size}: every pod restarts at once"
                ),
                "use a batch smaller than the cluster size to keep the cluster available",
            );
        }
    }
    if let Some(mu) = &spec.max_unavailable {
        let path = format!("{base}.maxUnavailable");
        if validate_int_or_percent(mu, 1, &path, p)
            && let Some(size) = size
            && fields::resolve_int_or_percent(mu, size).is_some_and(|v| v >= size)
        {
            p.warning(
                path,
                "maxUnavailable allows every pod to be down at once; the PodDisruptionBudget protects nothing",
                "set maxUnavailable below the cluster size (1 is safest)",
            );
        }
    }
    for (i, node) in spec.k8s_node_block_list.iter().flatten().enumerate() {
        if node.trim().is_empty() {
            p.error(
                format!("{base}.k8sNodeBlockList[{i}]"),
                "empty node name",
                "remove the entry or name a node",
            );
        }
    }
    fields::unique(
        spec.k8s_node_block_list
            .iter()
            .flatten()
            .map(String::as_str),
        &format!("{base}.k8sNodeBlockList"),
        "node",
        p,
    );
    if let Some(tr) = &spec.template_ref {
        fields::dns_subdomain(&tr.name, &format!("{base}.templateRef.name"), p);
    }
    if let Some(overrides) = &spec.overrides {
        if !has_template {
            p.error(
                format!("{base}.overrides"),
                "overrides only apply to a template, but templateRef is not set",
                "set spec.templateRef.name, or move these fields into the spec itself",
            );
        }
        template::validate_template_spec(overrides, &format!("{base}.overrides"), p);
    }
}

fn validate_operations(spec: &AerospikeClusterSpec, base: &str, p: &mut Problems) {
    let Some(ops) = &spec.operations else { return };
    let path = format!("{base}.operations");
    if ops.len() > 1 {
        p.error(
            path.clone(),
            format!(
                "{} operations listed; at most one may run at a time",
                ops.len()
            ),
            "keep one operation and add the next after it completed",
        );
    }
    for (i, op) in ops.iter().enumerate() {
        let op_path = format!("{path}[{i}]");
        let len = op.id.chars().count();
        if !(1..=20).contains(&len) {
            p.error(
                format!("{op_path}.id"),
                format!("id must be 1 to 20 characters, got {len}"),
                "use a short unique id such as \"restart-2024-06-01\"",
            );
        }
        for (j, pod) in op.pod_list.iter().flatten().enumerate() {
            if pod.trim().is_empty() {
                p.error(
                    format!("{op_path}.podList[{j}]"),
                    "empty pod name",
                    "remove the entry or name a pod",
                );
            }
        }
        fields::unique(
            op.pod_list.iter().flatten().map(String::as_str),
            &format!("{op_path}.podList"),
            "pod",
            p,
        );
    }
    fields::unique(ops.iter().map(|o| o.id.as_str()), &path, "operation id", p);
}

/// A cluster without errors, with its defaults applied: the input of rendering.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidatedCluster {
    cluster: AerospikeCluster,
    warnings: Vec<Problem>,
}

impl ValidatedCluster {
    /// Validates `cluster`; on success applies the defaults and keeps the warnings.
    ///
    /// A cluster with `templateRef` must be resolved first (`acko_render::merge_template`): size and
    /// image must be known here.
    pub fn new(cluster: &AerospikeCluster) -> Result<Self, Problems> {
        let mut problems = validate_cluster(cluster);
        if cluster.spec.size.is_none() {
            problems.error(
                "spec.size",
                "size is not known",
                "resolve the templateRef first or set spec.size",
            );
        }
        if cluster.spec.image.is_none() {
            problems.error(
                "spec.image",
                "image is not known",
                "resolve the templateRef first or set spec.image",
            );
        }
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(Self {
            cluster: with_defaults(cluster),
            warnings: problems.0,
        })
    }

    /// The defaulted cluster.
    pub fn cluster(&self) -> &AerospikeCluster {
        &self.cluster
    }

    /// The defaulted spec.
    pub fn spec(&self) -> &AerospikeClusterSpec {
        &self.cluster.spec
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.cluster.metadata.name.as_deref().unwrap_or_default()
    }

    /// `metadata.namespace` (`default` when unset).
    pub fn namespace(&self) -> &str {
        self.cluster
            .metadata
            .namespace
            .as_deref()
            .unwrap_or("default")
    }

    /// Cluster size (1-8).
    pub fn size(&self) -> i32 {
        self.cluster.spec.size.unwrap_or(1)
    }

    /// Server image.
    pub fn image(&self) -> &str {
        self.cluster.spec.image.as_deref().unwrap_or_default()
    }

    /// The Aerospike configuration with defaults (always present).
    pub fn aerospike_config(&self) -> &crate::cluster::AerospikeConfig {
        static EMPTY: std::sync::OnceLock<crate::cluster::AerospikeConfig> =
            std::sync::OnceLock::new();
        self.cluster
            .spec
            .aerospike_config
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(Default::default))
    }

    /// Warnings found during validation.
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Gives up the defaulted cluster.
    pub fn into_cluster(self) -> AerospikeCluster {
        self.cluster
    }
}
