//! `acko-api`: the `acko.io/v1alpha1` resources of the Aerospike CE operator.
//!
//! * [`AerospikeCluster`] (namespaced, `asc`) and [`AerospikeClusterTemplate`]
//!   (cluster-scoped, `asct`): typed spec and status trees with serde + schemars, so
//!   [`crds`] generates the CRDs (with CEL rules) from the types.
//! * [`defaults`]: a pure defaulting function; every default is documented on its field.
//! * [`validation`]: a pure function returning *all* problems, each with a JSON path, a
//!   message and a hint; [`validation::ValidatedCluster`] is what rendering consumes.
//! * [`update`]: rules between an old and a new spec (immutable storage, racks, operations).
//! * [`parse`]: multi-document YAML to typed resources with precise errors.
//! * [`names`]: every derived Kubernetes name and its limit; [`contract`]: the render ↔ init
//!   contract (`acko-init.json`, per-pod wipe requests), defined once.
//!
//! The crate does no IO.

#![warn(missing_docs)]

pub mod access_control;
pub mod bandwidth;
pub mod cluster;
pub mod contract;
pub mod defaults;
pub mod locate;
pub mod metadata;
pub mod monitoring;
pub mod names;
pub mod network;
pub mod operations;
pub mod parse;
pub mod pod_spec;
pub mod problem;
pub mod rack;
pub mod schema;
pub mod status;
pub mod storage;
pub mod template;
pub mod update;
pub mod validation;

pub use access_control::*;
pub use cluster::*;
pub use metadata::*;
pub use monitoring::*;
pub use network::*;
pub use operations::*;
pub use pod_spec::*;
pub use problem::{Problem, Problems, Severity};
pub use rack::*;
pub use status::*;
pub use storage::*;
pub use template::*;

/// Re-exported so users of this crate name the same k8s-openapi types.
pub use k8s_openapi;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;

/// API group of the resources.
pub const API_GROUP: &str = "acko.io";
/// API version of the resources.
pub const API_VERSION: &str = "acko.io/v1alpha1";

/// Both CRDs, generated from the types: `AerospikeCluster` then `AerospikeClusterTemplate`.
///
/// Descriptions inside embedded Kubernetes types are removed to keep the CRDs small enough for
/// client-side `kubectl apply` (see [`schema::strip_embedded_descriptions`]).
pub fn crds() -> Vec<CustomResourceDefinition> {
    [AerospikeCluster::crd(), AerospikeClusterTemplate::crd()]
        .into_iter()
        .map(|mut crd| {
            for version in &mut crd.spec.versions {
                let Some(schema) = version
                    .schema
                    .as_mut()
                    .and_then(|s| s.open_api_v3_schema.as_mut())
                else {
                    continue;
                };
                if let Ok(mut value) = serde_json::to_value(&*schema) {
                    schema::strip_embedded_descriptions(&mut value);
                    if let Ok(stripped) = serde_json::from_value(value) {
                        *schema = stripped;
                    }
                }
            }
            crd
        })
        .collect()
}

/// Both CRDs as one multi-document YAML string (what `acko crd` prints).
pub fn crds_yaml() -> Result<String, serde_saphyr::SerializeError> {
    let mut out = String::new();
    for (_, yaml) in crd_files()? {
        out.push_str("---\n");
        out.push_str(&yaml);
    }
    Ok(out)
}

/// Each CRD as `(file name, YAML)`, e.g. `("aerospikeclusters.acko.io.yaml", ...)`: the files
/// committed in `deploy/crds/`.
pub fn crd_files() -> Result<Vec<(String, String)>, serde_saphyr::SerializeError> {
    crds()
        .into_iter()
        .map(|crd| {
            let name = format!("{}.yaml", crd.metadata.name.as_deref().unwrap_or("crd"));
            serde_saphyr::to_string(&crd).map(|yaml| (name, yaml))
        })
        .collect()
}
