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
