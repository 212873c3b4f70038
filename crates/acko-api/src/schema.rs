//! Small schema helpers shared by the CRD types: free-form objects that Kubernetes must keep as-is.

use schemars::{Schema, SchemaGenerator, json_schema};

/// Schema of a free-form object (`type: object` + `x-kubernetes-preserve-unknown-fields: true`).
///
/// Used for `aerospikeConfig`, rack-level `aerospikeConfig`, `status.appliedSpec` and other maps
/// whose keys are owned by Aerospike rather than by this operator.
pub fn free_form_object(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": true
    })
}

/// Schema of a list of free-form objects (for example Prometheus rule groups).
pub fn free_form_object_list(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": true
        }
    })
}

/// Fields whose type comes from k8s-openapi (containers, affinity, security contexts, ...).
///
/// Their upstream descriptions are removed from the generated CRDs: with them the
/// `AerospikeCluster` CRD is over 300 KB of JSON, more than the 256 KiB that client-side
/// `kubectl apply` can store in its last-applied annotation. Each field keeps its own
/// description (written in this crate), and `kubectl explain pod.spec...` documents the rest.
pub const EMBEDDED_KUBERNETES_FIELDS: &[&str] = &[
    "affinity",
    "nodeAffinity",
    "tolerations",
    "sidecars",
    "initContainers",
    "securityContext",
    "topologySpreadConstraints",
    "resources",
    "env",
    "selector",
    "emptyDir",
    "secret",
    "configMap",
    "hostPath",
    "imagePullSecrets",
    "conditions",
];

/// Removes the descriptions inside [`EMBEDDED_KUBERNETES_FIELDS`] of a CRD schema (as JSON),
/// keeping each such field's own description.
pub fn strip_embedded_descriptions(schema: &mut serde_json::Value) {
    if let Some(obj) = schema.as_object_mut() {
        if let Some(serde_json::Value::Object(props)) = obj.get_mut("properties") {
            for (name, prop) in props.iter_mut() {
                if EMBEDDED_KUBERNETES_FIELDS.contains(&name.as_str()) {
                    let own = prop.get("description").cloned();
                    remove_descriptions(prop);
                    if let (Some(own), Some(p)) = (own, prop.as_object_mut()) {
                        p.insert("description".into(), own);
                    }
                } else {
                    strip_embedded_descriptions(prop);
                }
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(sub) = obj.get_mut(key) {
                strip_embedded_descriptions(sub);
            }
        }
    }
}

fn remove_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("description");
            for (_, v) in map.iter_mut() {
                remove_descriptions(v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(remove_descriptions),
        _ => {}
    }
}
