//! The desired state of one cluster: template merge → validation → `acko_render::render`,
//! plus the knobs the planner needs (batch sizes, replication factor, cascade delete), all
//! pure.

use std::collections::{BTreeMap, BTreeSet};

use acko_api::validation::ValidatedCluster;
use acko_api::{AerospikeCluster, AerospikeClusterTemplate, Problem, Problems};
use acko_render::{RackSummary, RenderOptions};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::ResourceExt;
use serde_json::Value;

use crate::observed::ObjectKey;

/// Annotation carrying the hash of what the operator last applied to an object: comparing it
/// is how a no-op reconcile issues zero writes.
pub const ANNOTATION_DESIRED_HASH: &str = "acko.io/desired-hash";

/// One desired object, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredObject {
    /// Identity.
    pub key: ObjectKey,
    /// Rack id for per-rack objects (StatefulSet, ConfigMap).
    pub rack: Option<i32>,
    /// The full object (owner reference filled in, hash annotation set by [`finish`]).
    pub value: Value,
}

/// Planner knobs derived from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Knobs {
    /// `spec.size`.
    pub size: u32,
    /// Largest replication factor over the namespaces (at least 1).
    pub replication_factor: u32,
    /// Pods removed per scale-down batch (`rackConfig.scaleDownBatchSize`, default 1).
    pub scale_down_batch: u32,
    /// Pods restarted per batch (`rackConfig` or spec `rollingUpdateBatchSize`, default 1).
    pub rolling_batch: u32,
    /// Pods that may be unavailable at once (`maxUnavailable`, default 1).
    pub max_unavailable: u32,
    /// Not-ready pods that may be restarted ahead of a safe cluster (`maxIgnorablePods`,
    /// default 0).
    pub max_ignorable: u32,
    /// Volume names whose PVCs are deleted with their pod or cluster (`cascadeDelete`).
    pub cascade_volumes: BTreeSet<String>,
    /// The rendered pods carry the `acko.io/aerospike-ready` readiness gate.
    pub readiness_gate: bool,
    /// `spec.paused`.
    pub paused: bool,
}

/// Everything the planner wants to exist.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// Objects in apply order (RBAC, ConfigMaps, Services, policies, PDBs, StatefulSets,
    /// optional kinds).
    pub objects: Vec<DesiredObject>,
    /// Per-rack summary from rendering.
    pub racks: Vec<RackSummary>,
    /// Knobs.
    pub knobs: Knobs,
    /// `acko.io/cluster=<name>` selector string for the scale subresource.
    pub selector: String,
    /// The defaulted spec as JSON (becomes `status.appliedSpec` once rolled out).
    pub spec_json: serde_json::Map<String, Value>,
    /// Validation warnings.
    pub warnings: Vec<Problem>,
    /// Day-2 inputs (operation, dynamic config, block list).
    pub day2: Day2,
}

/// Day-2 inputs from the spec.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Day2 {
    /// `spec.operations[0]` (at most one is allowed).
    pub operation: Option<acko_api::OperationSpec>,
    /// `spec.enableDynamicConfigUpdate`.
    pub dynamic_config: bool,
    /// `spec.k8sNodeBlockList`.
    pub block_list: BTreeSet<String>,
    /// The rendered aerospike.conf template per rack id.
    pub rack_confs: BTreeMap<i32, String>,
    /// Per rack id, the config hash and aerospike.conf template of the last applied spec
    /// (`status.appliedSpec`, rendered the same way); only with `enableDynamicConfigUpdate`.
    pub previous_racks: BTreeMap<i32, (String, String)>,
}

impl Desired {
    /// The rack summary of `rack`.
    pub fn rack(&self, rack: i32) -> Option<&RackSummary> {
        self.racks.iter().find(|r| r.id == rack)
    }
}

/// Why there is no desired state.
#[derive(Debug, Clone, PartialEq)]
pub enum DesiredError {
    /// The spec is invalid: every problem, with its path.
    Invalid(Problems),
    /// The referenced template is missing or cannot be merged.
    Template(String),
    /// Rendering failed (should not happen for a validated cluster).
    Render(String),
}

impl DesiredError {
    /// One message listing every problem path (for `phaseReason` and the Error condition).
    pub fn message(&self) -> String {
        match self {
            DesiredError::Invalid(problems) => {
                let list: Vec<String> = problems.errors().map(ToString::to_string).collect();
                format!("invalid spec: {}", list.join("; "))
            }
            DesiredError::Template(m) => format!("template: {m}"),
            DesiredError::Render(m) => format!("render: {m}"),
        }
    }
}

/// Resolves a `IntOrString` (`3` or `"25%"`) against `total`; percentages round up, so a
/// non-zero percentage of a non-empty cluster is at least 1.
pub fn resolve_int_or_percent(value: Option<&IntOrString>, total: u32, default: u32) -> u32 {
    match value {
        None => default,
        Some(IntOrString::Int(n)) => u32::try_from(*n).unwrap_or(0),
        Some(IntOrString::String(s)) => {
            let pct: u32 = s.trim().trim_end_matches('%').trim().parse().unwrap_or(0);
            (u64::from(total) * u64::from(pct)).div_ceil(100) as u32
        }
    }
}

fn replication_factor(config: &serde_json::Map<String, Value>) -> u32 {
    config
        .get("namespaces")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        // Aerospike's default replication factor is 2.
        .map(|ns| {
            ns.get("replication-factor")
                .and_then(Value::as_u64)
                .unwrap_or(2)
        })
        .max()
        .map(|rf| u32::try_from(rf).unwrap_or(u32::MAX))
        .unwrap_or(2)
        .max(1)
}

fn knobs(v: &ValidatedCluster) -> Knobs {
    let spec = v.spec();
    let size = u32::try_from(v.size()).unwrap_or(0);
    let rc = spec.rack_config.as_ref();
    let rolling = rc
        .and_then(|r| r.rolling_update_batch_size.as_ref())
        .map(|b| resolve_int_or_percent(Some(b), size, 1))
        .or_else(|| {
            spec.rolling_update_batch_size
                .and_then(|b| u32::try_from(b).ok())
        })
        .unwrap_or(1)
        .max(1);
    let mut cascade = BTreeSet::new();
    let mut storages = vec![spec.storage.as_ref()];
    storages.extend(
        rc.into_iter()
            .flat_map(|r| r.racks.iter().map(|r| r.storage.as_ref())),
    );
    for storage in storages.into_iter().flatten() {
        for volume in storage.volumes.iter().flatten() {
            if volume.source.persistent_volume.is_some() && volume.cascade_delete == Some(true) {
                cascade.insert(volume.name.clone());
            }
        }
    }
    Knobs {
        size,
        replication_factor: replication_factor(v.aerospike_config()),
        scale_down_batch: resolve_int_or_percent(
            rc.and_then(|r| r.scale_down_batch_size.as_ref()),
            size,
            1,
        )
        .max(1),
        rolling_batch: rolling,
        max_unavailable: resolve_int_or_percent(spec.max_unavailable.as_ref(), size, 1).max(1),
        max_ignorable: resolve_int_or_percent(
            rc.and_then(|r| r.max_ignorable_pods.as_ref()),
            size,
            0,
        ),
        cascade_volumes: cascade,
        // Set from the rendered pods in `desired` (the renderer decides the default).
        readiness_gate: false,
        paused: spec.paused.unwrap_or(false),
    }
}

fn rack_label(value: &Value) -> Option<i32> {
    value
        .pointer("/metadata/labels/acko.io~1rack")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
}

/// Sets the owner reference uid (namespaced objects) or removes owner references
/// (cluster-scoped ones, which cannot be owned by a namespaced object), then stamps the
/// [`ANNOTATION_DESIRED_HASH`] of the result.
pub fn finish(mut value: Value, uid: &str) -> Value {
    if let Some(a) = value
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        a.remove(ANNOTATION_DESIRED_HASH);
    }
    let namespaced = value.pointer("/metadata/namespace").is_some();
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        if namespaced {
            if let Some(refs) = meta
                .get_mut("ownerReferences")
                .and_then(Value::as_array_mut)
            {
                for r in refs {
                    r["uid"] = Value::String(uid.to_owned());
                }
            }
        } else {
            meta.remove("ownerReferences");
        }
    }
    let hash = acko_render::hash::canonical_json_hash(&value);
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        let annotations = meta
            .entry("annotations")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(a) = annotations.as_object_mut() {
            a.insert(ANNOTATION_DESIRED_HASH.to_owned(), Value::String(hash));
        }
    }
    value
}

/// The desired hash stamped on an object by [`finish`].
pub fn desired_hash(value: &Value) -> Option<&str> {
    value
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(ANNOTATION_DESIRED_HASH))
        .and_then(Value::as_str)
}

/// The racks of the last applied spec (`status.appliedSpec`), rendered with the same options:
/// what the pods that carry the applied config hash run.
fn previous_racks(
    cluster: &AerospikeCluster,
    options: &RenderOptions,
) -> BTreeMap<i32, (String, String)> {
    let Some(applied) = cluster.status.as_ref().and_then(|s| s.applied_spec.clone()) else {
        return BTreeMap::new();
    };
    let Ok(mut spec) =
        serde_json::from_value::<acko_api::AerospikeClusterSpec>(Value::Object(applied))
    else {
        return BTreeMap::new();
    };
    // The applied spec is already merged with its template.
    spec.template_ref = None;
    spec.overrides = None;
    let mut old = AerospikeCluster::new(&cluster.name_any(), spec);
    old.metadata.namespace = cluster.metadata.namespace.clone();
    let Ok(d) = desired(&old, &[], options) else {
        return BTreeMap::new();
    };
    d.racks
        .iter()
        .filter_map(|r| {
            Some((
                r.id,
                (r.config_hash.clone(), d.day2.rack_confs.get(&r.id)?.clone()),
            ))
        })
        .collect()
}

/// Computes the desired state: template merge, validation (every problem), render.
pub fn desired(
    cluster: &AerospikeCluster,
    templates: &[AerospikeClusterTemplate],
    options: &RenderOptions,
) -> Result<Desired, DesiredError> {
    let merged = acko_render::merge_template(cluster, templates)
        .map_err(|e| DesiredError::Template(e.to_string()))?;
    let validated = ValidatedCluster::new(&merged).map_err(DesiredError::Invalid)?;
    let rendered = acko_render::render_validated(&validated, options)
        .map_err(|e| DesiredError::Render(e.to_string()))?;
    let uid = cluster.metadata.uid.clone().unwrap_or_default();
    let objects: Vec<DesiredObject> = rendered
        .to_list()
        .into_iter()
        .filter_map(|v| {
            let key = ObjectKey::of(&v)?;
            let rack = match key.kind.as_str() {
                "StatefulSet" | "ConfigMap" => rack_label(&v),
                _ => None,
            };
            Some(DesiredObject {
                key,
                rack,
                value: finish(v, &uid),
            })
        })
        .collect();
    let selector: BTreeMap<String, String> =
        acko_render::labels::cluster_selector(validated.name());
    let selector = selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let spec_json = match serde_json::to_value(validated.spec()) {
        Ok(Value::Object(m)) => m,
        _ => Default::default(),
    };
    let mut day2 = crate::plan::dynamic_config::day2_inputs(&validated);
    day2.rack_confs = crate::plan::dynamic_config::rack_conf_texts(&objects);
    if day2.dynamic_config {
        day2.previous_racks = previous_racks(cluster, options);
    }
    let mut knobs = knobs(&validated);
    knobs.readiness_gate = objects.iter().any(|o: &DesiredObject| {
        o.value
            .pointer("/spec/template/spec/readinessGates")
            .and_then(Value::as_array)
            .is_some_and(|gates| {
                gates.iter().any(|g| {
                    g.get("conditionType").and_then(Value::as_str)
                        == Some(acko_render::pod_template::READINESS_GATE)
                })
            })
    });
    Ok(Desired {
        objects,
        racks: rendered.racks.clone(),
        knobs,
        selector,
        spec_json,
        warnings: validated.warnings().to_vec(),
        day2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up_and_ints_pass_through() {
        let pct = IntOrString::String("25%".into());
        assert_eq!(resolve_int_or_percent(Some(&pct), 5, 1), 2);
        assert_eq!(resolve_int_or_percent(Some(&pct), 4, 1), 1);
        assert_eq!(resolve_int_or_percent(Some(&IntOrString::Int(3)), 5, 1), 3);
        assert_eq!(resolve_int_or_percent(None, 5, 7), 7);
    }

    #[test]
    fn replication_factor_is_the_largest_and_defaults_to_two() {
        let conf: serde_json::Map<String, Value> = serde_json::from_value(serde_json::json!({
            "namespaces": [{"name": "a", "replication-factor": 3}, {"name": "b"}]
        }))
        .unwrap();
        assert_eq!(replication_factor(&conf), 3);
        let conf: serde_json::Map<String, Value> =
            serde_json::from_value(serde_json::json!({"namespaces": [{"name": "b"}]})).unwrap();
        assert_eq!(replication_factor(&conf), 2);
    }

    #[test]
    fn finish_fills_uid_and_the_hash_changes_with_content() {
        let v = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a", "namespace": "n", "ownerReferences": [{"uid": ""}]},
            "data": {"k": "1"}});
        let a = finish(v.clone(), "u-1");
        assert_eq!(a["metadata"]["ownerReferences"][0]["uid"], "u-1");
        let mut v2 = v;
        v2["data"]["k"] = "2".into();
        let b = finish(v2, "u-1");
        assert_ne!(desired_hash(&a), desired_hash(&b));
        assert!(desired_hash(&a).is_some());
    }

    #[test]
    fn cluster_scoped_objects_lose_owner_references() {
        let v = serde_json::json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": "a", "ownerReferences": [{"uid": ""}]}});
        assert!(
            finish(v, "u")
                .pointer("/metadata/ownerReferences")
                .is_none()
        );
    }
}
