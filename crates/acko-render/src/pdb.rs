//! PodDisruptionBudgets.
//!
//! A pod covered by two PDBs cannot be evicted at all (the eviction API refuses), so each pod is
//! covered by exactly one: either one cluster-wide `<cluster>-pdb` or, when any rack sets its
//! own `maxUnavailable`, one `<cluster>-<rackId>-pdb` per rack.

use std::collections::BTreeMap;

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::labels;
use crate::names;

/// The cluster-wide PDB selecting every Aerospike pod of the cluster.
pub fn cluster_pdb(
    cluster: &str,
    namespace: &str,
    max_unavailable: IntOrString,
) -> PodDisruptionBudget {
    build(
        names::pdb(cluster),
        namespace,
        cluster,
        labels::cluster_labels(cluster),
        labels::cluster_selector(cluster),
        max_unavailable,
    )
}

/// The PDB of one rack.
pub fn rack_pdb(
    cluster: &str,
    namespace: &str,
    rack_id: i32,
    max_unavailable: IntOrString,
) -> PodDisruptionBudget {
    build(
        names::rack_pdb(cluster, rack_id),
        namespace,
        cluster,
        labels::rack_labels(cluster, rack_id),
        labels::rack_selector(cluster, rack_id),
        max_unavailable,
    )
}

fn build(
    name: String,
    namespace: &str,
    cluster: &str,
    object_labels: BTreeMap<String, String>,
    selector: BTreeMap<String, String>,
    max_unavailable: IntOrString,
) -> PodDisruptionBudget {
    PodDisruptionBudget {
        metadata: labels::object_meta(name, namespace, cluster, object_labels, BTreeMap::new()),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(max_unavailable),
            selector: Some(LabelSelector {
                match_labels: Some(selector),
                match_expressions: None,
            }),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rack_pdb_selects_only_its_rack() {
        let pdb = rack_pdb("c", "db", 2, IntOrString::Int(1));
        assert_eq!(pdb.metadata.name.as_deref(), Some("c-2-pdb"));
        let spec = pdb.spec.unwrap();
        assert_eq!(spec.max_unavailable, Some(IntOrString::Int(1)));
        assert_eq!(
            spec.selector.unwrap().match_labels.unwrap()["acko.io/rack"],
            "2"
        );
    }
}
