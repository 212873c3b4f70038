//! Labels, annotations and the common `ObjectMeta` of every rendered object.
//!
//! Every object carries the recommended `app.kubernetes.io/*` labels plus `acko.io/cluster`
//! (and `acko.io/rack` for per-rack objects), so the operator can list and delete orphans by
//! label. Selectors use only labels that never change for the life of a cluster
//! ([`cluster_selector`], [`rack_selector`]), because a StatefulSet selector is immutable.
//!
//! User-supplied labels are merged UNDER the operator's: on a key conflict the operator's value
//! wins (see [`merge_user_labels`]).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

/// `app.kubernetes.io/name` value for every object.
pub const APP_NAME: &str = "aerospike-cluster";
/// `app.kubernetes.io/component` value for every object.
pub const COMPONENT: &str = "database";
/// `app.kubernetes.io/managed-by` value for every object.
pub const MANAGED_BY: &str = "acko";

/// Label key: the recommended application name.
pub const LABEL_NAME: &str = "app.kubernetes.io/name";
/// Label key: the cluster (instance) name.
pub const LABEL_INSTANCE: &str = "app.kubernetes.io/instance";
/// Label key: the component.
pub const LABEL_COMPONENT: &str = "app.kubernetes.io/component";
/// Label key: the manager.
pub const LABEL_MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// Label key: the owning AerospikeCluster name.
pub const LABEL_CLUSTER: &str = "acko.io/cluster";
/// Label key: the rack id (per-rack objects and pods).
pub const LABEL_RACK: &str = "acko.io/rack";
/// Label key marking per-pod Services (value: the pod name).
pub const LABEL_POD_SERVICE: &str = "acko.io/pod-service";
/// Label set by the StatefulSet controller on each pod; per-pod Services select on it.
pub const LABEL_STS_POD_NAME: &str = "statefulset.kubernetes.io/pod-name";

/// Pod annotation: SHA-256 of the rack's effective configuration (see `configmap`).
pub const ANNOTATION_CONFIG_HASH: &str = "acko.io/config-hash";
/// Pod annotation: SHA-256 of the pod template inputs (see `statefulset`).
pub const ANNOTATION_POD_SPEC_HASH: &str = "acko.io/pod-spec-hash";
/// Pod annotation read by CNI bandwidth plugins (ingress).
pub const ANNOTATION_INGRESS_BANDWIDTH: &str = "kubernetes.io/ingress-bandwidth";
/// Pod annotation read by CNI bandwidth plugins (egress).
pub const ANNOTATION_EGRESS_BANDWIDTH: &str = "kubernetes.io/egress-bandwidth";

/// API version of the owner (the AerospikeCluster kind).
pub const OWNER_API_VERSION: &str = "acko.io/v1alpha1";
/// Kind of the owner.
pub const OWNER_KIND: &str = "AerospikeCluster";

/// The labels every object of `cluster` carries.
pub fn cluster_labels(cluster: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (LABEL_NAME.to_owned(), APP_NAME.to_owned()),
        (LABEL_INSTANCE.to_owned(), cluster.to_owned()),
        (LABEL_COMPONENT.to_owned(), COMPONENT.to_owned()),
        (LABEL_MANAGED_BY.to_owned(), MANAGED_BY.to_owned()),
        (LABEL_CLUSTER.to_owned(), cluster.to_owned()),
    ])
}

/// The labels of per-rack objects and of the rack's pods.
pub fn rack_labels(cluster: &str, rack_id: i32) -> BTreeMap<String, String> {
    let mut labels = cluster_labels(cluster);
    labels.insert(LABEL_RACK.to_owned(), rack_id.to_string());
    labels
}

/// Selector matching every Aerospike pod of `cluster` (stable for the cluster's life).
pub fn cluster_selector(cluster: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (LABEL_NAME.to_owned(), APP_NAME.to_owned()),
        (LABEL_INSTANCE.to_owned(), cluster.to_owned()),
    ])
}

/// Selector matching the pods of one rack (stable for the rack's life).
pub fn rack_selector(cluster: &str, rack_id: i32) -> BTreeMap<String, String> {
    let mut labels = cluster_selector(cluster);
    labels.insert(LABEL_RACK.to_owned(), rack_id.to_string());
    labels
}

/// Merges user labels under operator labels: user keys are added, operator keys always win.
pub fn merge_user_labels(
    operator: BTreeMap<String, String>,
    user: Option<&BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut merged: BTreeMap<String, String> = user.cloned().unwrap_or_default();
    merged.extend(operator);
    merged
}

/// The owner reference placeholder every namespaced object carries.
///
/// `uid` is left EMPTY: a pure renderer cannot know it. The operator sets it to the
/// AerospikeCluster's `metadata.uid` before applying; `acko render` prints it empty.
/// Cluster-scoped objects (ClusterRole/ClusterRoleBinding) carry no owner reference (a
/// namespaced owner cannot own them); the operator deletes them by label.
pub fn owner_reference(cluster: &str) -> OwnerReference {
    OwnerReference {
        api_version: OWNER_API_VERSION.to_owned(),
        kind: OWNER_KIND.to_owned(),
        name: cluster.to_owned(),
        uid: String::new(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Common metadata of a namespaced object: name, namespace, labels, owner reference and
/// (non-empty) annotations.
pub fn object_meta(
    name: String,
    namespace: &str,
    cluster: &str,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        namespace: Some(namespace.to_owned()),
        labels: Some(labels),
        annotations: (!annotations.is_empty()).then_some(annotations),
        owner_references: Some(vec![owner_reference(cluster)]),
        ..ObjectMeta::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_labels_win_over_user_labels() {
        let user = BTreeMap::from([
            (LABEL_INSTANCE.to_owned(), "evil".to_owned()),
            ("team".to_owned(), "platform".to_owned()),
        ]);
        let merged = merge_user_labels(cluster_labels("c"), Some(&user));
        assert_eq!(merged[LABEL_INSTANCE], "c");
        assert_eq!(merged["team"], "platform");
    }

    #[test]
    fn selectors_are_subsets_of_labels() {
        let labels = rack_labels("c", 2);
        for (k, v) in rack_selector("c", 2) {
            assert_eq!(labels.get(&k), Some(&v));
        }
        assert_eq!(owner_reference("c").uid, "");
    }
}
