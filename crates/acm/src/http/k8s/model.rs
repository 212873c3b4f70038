//! Wire shapes shared by the `/k8s/` routes, and the CRD schemas in the OpenAPI document.
//!
//! `spec` and `status` are the acko-api types themselves (no lossy copy): their OpenAPI schema
//! is the CRD's own `openAPIV3Schema`, registered as the components `AerospikeClusterSpec`,
//! `AerospikeClusterStatus` and `AerospikeClusterTemplateSpec`.

use std::collections::BTreeMap;

use acko_api::{AerospikeCluster, AerospikeClusterStatus, AerospikePodStatus, ClusterPhase};
use k8s_openapi::api::core::v1::Pod;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::{ObjectBuilder, RefOr, Schema};

/// `$ref` to the CRD spec schema.
pub fn spec_ref() -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
        "AerospikeClusterSpec",
    ))
}
/// `$ref` to the CRD status schema.
pub fn status_ref() -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
        "AerospikeClusterStatus",
    ))
}
/// The CRD status schema, or null (a cluster the operator has not reconciled yet).
pub fn nullable_status_ref() -> RefOr<Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(status_ref())
        .into()
}
/// Any JSON value (string, number, boolean, object, array or null).
pub fn any_value() -> RefOr<Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
        .into()
}
/// `$ref` to the template spec schema.
pub fn template_spec_ref() -> RefOr<Schema> {
    RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
        "AerospikeClusterTemplateSpec",
    ))
}

/// The CRD schemas as OpenAPI components `(name, schema)`.
pub fn crd_components() -> Vec<(String, RefOr<Schema>)> {
    let mut out = Vec::new();
    for crd in acko_api::crds() {
        let kind = crd.spec.names.kind.clone();
        let Some(schema) = crd
            .spec
            .versions
            .first()
            .and_then(|v| v.schema.as_ref())
            .and_then(|s| s.open_api_v3_schema.as_ref())
        else {
            continue;
        };
        let Ok(v) = serde_json::to_value(schema) else {
            continue;
        };
        for part in ["spec", "status"] {
            let Some(sub) = v.get("properties").and_then(|p| p.get(part)) else {
                continue;
            };
            let name = format!("{kind}{}", if part == "spec" { "Spec" } else { "Status" });
            out.push((name, to_schema(sub)));
        }
    }
    out
}

/// Rewrite a Kubernetes structural schema into plain OpenAPI 3.1: int-or-string becomes a
/// `oneOf`, `nullable` is dropped (absent fields are allowed anyway), untyped schemas
/// (free-form) become objects.
pub fn openapi31(v: &mut Value) {
    let Some(m) = v.as_object_mut() else { return };
    m.remove("nullable");
    if m.remove("x-kubernetes-int-or-string") == Some(Value::Bool(true)) && !m.contains_key("type")
    {
        m.insert(
            "oneOf".into(),
            serde_json::json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    let typed = ["type", "$ref", "oneOf", "allOf", "anyOf"]
        .iter()
        .any(|k| m.contains_key(*k));
    if !typed {
        m.insert("type".into(), Value::String("object".into()));
    }
    for key in ["properties", "patternProperties"] {
        if let Some(Value::Object(props)) = m.get_mut(key) {
            for p in props.values_mut() {
                openapi31(p);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(p) = m.get_mut(key).filter(|p| p.is_object()) {
            openapi31(p);
        }
    }
    for key in ["oneOf", "allOf", "anyOf"] {
        if let Some(Value::Array(list)) = m.get_mut(key) {
            for p in list {
                openapi31(p);
            }
        }
    }
}

fn to_schema(v: &Value) -> RefOr<Schema> {
    let mut v = v.clone();
    openapi31(&mut v);
    serde_json::from_value::<RefOr<Schema>>(v.clone()).unwrap_or_else(|_| {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .description(v.get("description").and_then(Value::as_str))
                .build(),
        ))
    })
}

/// Phases in which pages should refresh often (the cluster is changing).
pub fn transitional(phase: Option<ClusterPhase>) -> bool {
    matches!(
        phase,
        Some(
            ClusterPhase::InProgress
                | ClusterPhase::ScalingUp
                | ClusterPhase::ScalingDown
                | ClusterPhase::WaitingForMigration
                | ClusterPhase::RollingRestart
                | ClusterPhase::AclSync
                | ClusterPhase::Deleting
        )
    )
}

/// Whether pages should refresh this cluster often: its phase is transitional, the operator
/// has not reported on it yet, a spec change waits for the operator (and the cluster is not
/// paused), or its deletion was requested (the operator finalizes it, then it goes away).
pub fn transitional_of(c: &AerospikeCluster) -> bool {
    let status = c.status.as_ref();
    let phase = status.and_then(|s| s.phase);
    let paused = c.spec.paused.unwrap_or(false);
    let behind = match (
        c.metadata.generation,
        status.and_then(|s| s.observed_generation),
    ) {
        (Some(g), Some(o)) => o < g,
        (Some(_), None) => true,
        _ => false,
    };
    c.metadata.deletion_timestamp.is_some()
        || transitional(phase)
        || (!paused && (phase.is_none() || behind))
}

/// Name of a phase as the CRD writes it.
pub fn phase_name(p: ClusterPhase) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// One row of the cluster list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSummary {
    /// Name.
    pub name: String,
    /// Kubernetes namespace.
    pub namespace: String,
    /// Desired size (`spec.size`; from the template when unset).
    pub size: Option<i32>,
    /// Image.
    pub image: Option<String>,
    /// Phase (`InProgress`, `Completed`, `Error`, `ScalingUp`, ...).
    pub phase: Option<String>,
    /// Why it is in this phase.
    pub phase_reason: Option<String>,
    /// `ready/desired`.
    pub health: Option<String>,
    /// Template the cluster references.
    pub template_ref: Option<String>,
    /// Whether the cluster is in sync with its template (`status.templateSnapshot.synced`):
    /// `false` once the template changed after the operator resolved the cluster against it;
    /// absent without a template or before the operator recorded a snapshot.
    pub template_synced: Option<bool>,
    /// `spec.paused`.
    pub paused: bool,
    /// The cluster is changing (transitional phase, not reconciled yet, a spec change waiting
    /// for the operator, or deletion requested): poll (or stream) it.
    pub transitional: bool,
    /// Creation time (RFC 3339).
    pub created_at: Option<String>,
}

impl ClusterSummary {
    /// Summary of a cluster.
    pub fn of(c: &AerospikeCluster) -> Self {
        let status = c.status.clone().unwrap_or_default();
        // The operator stops writing the status once it finalizes: the deletion request itself
        // says the cluster is going away.
        let deleting =
            c.metadata.deletion_timestamp.is_some() && status.phase != Some(ClusterPhase::Deleting);
        let (phase, phase_reason) = if deleting {
            (
                Some(phase_name(ClusterPhase::Deleting)),
                Some(
                    "deletion requested: the operator removes the cluster, then it goes away"
                        .to_owned(),
                ),
            )
        } else {
            (status.phase.map(phase_name), status.phase_reason)
        };
        Self {
            name: c.metadata.name.clone().unwrap_or_default(),
            namespace: c.metadata.namespace.clone().unwrap_or_default(),
            size: c.spec.size,
            image: c.spec.image.clone(),
            phase,
            phase_reason,
            health: status.health,
            template_ref: c.spec.template_ref.as_ref().map(|t| t.name.clone()),
            template_synced: c
                .spec
                .template_ref
                .as_ref()
                .and(status.template_snapshot.as_ref())
                .map(|s| s.synced),
            paused: c.spec.paused.unwrap_or(false),
            transitional: transitional_of(c),
            created_at: c
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.to_string()),
        }
    }
}

/// A pod of a cluster: Kubernetes facts plus the operator's per-pod status.
#[derive(Debug, Serialize, ToSchema, Clone)]
#[serde(rename_all = "camelCase")]
pub struct PodInfo {
    /// Pod name.
    pub name: String,
    /// Kubernetes phase (`Pending`, `Running`, ...).
    pub phase: Option<String>,
    /// Pod condition `Ready` is true.
    pub ready: bool,
    /// Pod IP.
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    /// Node IP.
    #[serde(rename = "hostIP")]
    pub host_ip: Option<String>,
    /// Kubernetes node.
    pub node_name: Option<String>,
    /// Rack id (`acko.io/rack` label).
    pub rack: Option<i32>,
    /// Image of the Aerospike container.
    pub image: Option<String>,
    /// Container restarts.
    pub restarts: i32,
    /// Container names (for the logs viewer).
    pub containers: Vec<String>,
    /// `acko.io/config-hash` of the pod.
    pub config_hash: Option<String>,
    /// `acko.io/pod-spec-hash` of the pod.
    pub pod_spec_hash: Option<String>,
    /// The operator's status of this pod (`status.pods[name]`), when it wrote one.
    #[schema(value_type = Option<Object>)]
    pub operator_status: Option<AerospikePodStatus>,
    /// Start time (RFC 3339).
    pub started_at: Option<String>,
}

impl PodInfo {
    /// Facts of a pod joined with the operator's status of it.
    pub fn of(pod: &Pod, status: Option<&AerospikeClusterStatus>) -> Self {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let st = pod.status.as_ref();
        let ready = st
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
        let ann = pod.metadata.annotations.clone().unwrap_or_default();
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        let spec = pod.spec.as_ref();
        let main = spec.and_then(|s| {
            s.containers
                .iter()
                .find(|c| c.name == acko_api::AEROSPIKE_CONTAINER_NAME)
                .or_else(|| s.containers.first())
        });
        let op = status
            .and_then(|s| s.pods.as_ref())
            .and_then(|p| p.get(&name))
            .cloned();
        Self {
            phase: st.and_then(|s| s.phase.clone()),
            ready,
            pod_ip: st.and_then(|s| s.pod_ip.clone()),
            host_ip: st.and_then(|s| s.host_ip.clone()),
            node_name: spec.and_then(|s| s.node_name.clone()),
            rack: labels
                .get(acko_render::labels::LABEL_RACK)
                .and_then(|r| r.parse().ok())
                .or(op.as_ref().and_then(|o| o.rack)),
            image: main.and_then(|c| c.image.clone()),
            restarts: st
                .and_then(|s| s.container_statuses.as_ref())
                .map(|cs| cs.iter().map(|c| c.restart_count).sum())
                .unwrap_or(0),
            containers: spec
                .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default(),
            config_hash: ann
                .get(acko_render::labels::ANNOTATION_CONFIG_HASH)
                .cloned()
                .or(op.as_ref().and_then(|o| o.config_hash.clone())),
            pod_spec_hash: ann
                .get(acko_render::labels::ANNOTATION_POD_SPEC_HASH)
                .cloned()
                .or(op.as_ref().and_then(|o| o.pod_spec_hash.clone())),
            operator_status: op,
            started_at: st
                .and_then(|s| s.start_time.as_ref())
                .map(|t| t.0.to_string()),
            name,
        }
    }
}

/// Everything about one cluster.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterDetail {
    /// Name.
    pub name: String,
    /// Kubernetes namespace.
    pub namespace: String,
    /// Send this back in PATCH for optimistic concurrency.
    pub resource_version: Option<String>,
    /// `metadata.generation`.
    pub generation: Option<i64>,
    /// Creation time (RFC 3339).
    pub created_at: Option<String>,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
    /// The spec, exactly as stored.
    #[schema(schema_with = spec_ref)]
    pub spec: Value,
    /// The operator's status (absent until it reconciled once).
    #[schema(schema_with = nullable_status_ref)]
    pub status: Option<AerospikeClusterStatus>,
    /// Pods of the cluster.
    pub pods: Vec<PodInfo>,
    /// The cluster is changing (transitional phase, not reconciled yet, a spec change waiting
    /// for the operator, or deletion requested): poll (or stream) it.
    pub transitional: bool,
    /// Connection profiles the manager created for this cluster (auto-connect).
    pub profile_ids: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(v: Value) -> AerospikeCluster {
        serde_json::from_value(v).expect("a valid AerospikeCluster")
    }

    #[test]
    fn summary_reports_template_sync_only_for_clusters_with_a_template() {
        let meta = serde_json::json!({"name": "c", "namespace": "n"});
        let plain = cluster(serde_json::json!({"apiVersion": "acko.io/v1alpha1",
            "kind": "AerospikeCluster", "metadata": meta, "spec": {"size": 1}}));
        assert_eq!(ClusterSummary::of(&plain).template_synced, None);
        let with = |synced: bool| {
            cluster(
                serde_json::json!({"apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
                "metadata": meta, "spec": {"templateRef": {"name": "t"}},
                "status": {"templateSnapshot": {"name": "t", "synced": synced}}}),
            )
        };
        assert_eq!(ClusterSummary::of(&with(true)).template_synced, Some(true));
        assert_eq!(
            ClusterSummary::of(&with(false)).template_synced,
            Some(false)
        );
        let unresolved = cluster(serde_json::json!({"apiVersion": "acko.io/v1alpha1",
            "kind": "AerospikeCluster", "metadata": meta, "spec": {"templateRef": {"name": "t"}}}));
        assert_eq!(ClusterSummary::of(&unresolved).template_synced, None);
    }

    #[test]
    fn a_cluster_whose_deletion_was_requested_reads_deleting_and_keeps_pages_refreshing() {
        let c = cluster(serde_json::json!({"apiVersion": "acko.io/v1alpha1",
            "kind": "AerospikeCluster",
            "metadata": {"name": "c", "namespace": "n", "generation": 2,
                "deletionTimestamp": "2026-12-07T10:00:00Z", "finalizers": ["acko.io/finalizer"]},
            "spec": {"size": 1},
            "status": {"phase": "Completed", "phaseReason": "1 of 1 pods ready",
                "observedGeneration": 2}}));
        let s = ClusterSummary::of(&c);
        assert_eq!(s.phase.as_deref(), Some("Deleting"));
        assert!(s.phase_reason.unwrap().contains("deletion requested"));
        assert!(s.transitional);
    }

    #[test]
    fn clusters_refresh_until_the_operator_caught_up_with_their_spec() {
        let with = |status: Value, paused: bool| {
            cluster(serde_json::json!({"apiVersion": "acko.io/v1alpha1",
                "kind": "AerospikeCluster",
                "metadata": {"name": "c", "namespace": "n", "generation": 3},
                "spec": {"size": 1, "paused": paused}, "status": status}))
        };
        let settled = serde_json::json!({"phase": "Completed", "observedGeneration": 3});
        assert!(!transitional_of(&with(settled.clone(), false)));
        assert!(!ClusterSummary::of(&with(settled, false)).transitional);
        // Not reconciled yet, or a spec change the operator has not seen yet.
        assert!(transitional_of(&with(Value::Null, false)));
        let behind = serde_json::json!({"phase": "Completed", "observedGeneration": 2});
        assert!(transitional_of(&with(behind.clone(), false)));
        // A paused cluster waits on purpose: nothing to refresh for.
        assert!(!transitional_of(&with(behind, true)));
        let rolling = serde_json::json!({"phase": "RollingRestart", "observedGeneration": 3});
        assert!(transitional_of(&with(rolling, true)));
    }

    #[test]
    fn every_crd_field_survives_into_the_openapi_schema() {
        for crd in acko_api::crds() {
            let v = serde_json::to_value(
                crd.spec.versions[0]
                    .schema
                    .as_ref()
                    .unwrap()
                    .open_api_v3_schema
                    .as_ref()
                    .unwrap(),
            )
            .unwrap();
            let mut spec = v["properties"]["spec"].clone();
            openapi31(&mut spec);
            for (k, p) in spec["properties"].as_object().unwrap() {
                let back = serde_json::from_value::<RefOr<Schema>>(p.clone());
                assert!(back.is_ok(), "{k}: {:?}", back.err());
            }
            let s = serde_json::to_value(to_schema(&v["properties"]["spec"])).unwrap();
            assert_eq!(
                s["properties"].as_object().unwrap().len(),
                v["properties"]["spec"]["properties"]
                    .as_object()
                    .unwrap()
                    .len()
            );
        }
        let mut ios = serde_json::json!({"x-kubernetes-int-or-string": true, "nullable": true, "description": "d"});
        openapi31(&mut ios);
        assert_eq!(
            ios,
            serde_json::json!({"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "d"})
        );
    }
}
