//! Least-privilege RBAC for `acko-init` (see docs/pod-contract.md).
//!
//! The grants go to the pods' own service account: the user's `podSpec.serviceAccountName`
//! (documented as receiving them), else a ServiceAccount `<cluster>-aerospike` rendered for
//! the cluster — never the namespace's `default`, which every other pod shares.
//!
//! - Per-pod NodePort/LoadBalancer Services: a Role allowing `get` on exactly this cluster's
//!   `<pod>-pod` Services (by `resourceNames`), bound to the pods' own service account (the one
//!   the pod template uses, not a hard-coded `default`).
//! - `hostInternal`/`hostExternal` access types: a ClusterRole allowing `get` on nodes (Node
//!   names are not known in advance, so no `resourceNames`), bound to the same service account.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::labels;
use crate::names;

/// The cluster's own ServiceAccount ([`names::service_account`]), for pods that read the API.
pub fn service_account(cluster: &str, namespace: &str) -> ServiceAccount {
    ServiceAccount {
        metadata: labels::object_meta(
            names::service_account(cluster),
            namespace,
            cluster,
            labels::cluster_labels(cluster),
            BTreeMap::new(),
        ),
        ..ServiceAccount::default()
    }
}

fn subject(namespace: &str, service_account: &str) -> Subject {
    Subject {
        kind: "ServiceAccount".to_owned(),
        name: service_account.to_owned(),
        namespace: Some(namespace.to_owned()),
        api_group: None,
    }
}

/// The Role letting pods read their per-pod Services (`pod_names` are the cluster's pods).
pub fn pod_service_reader_role(cluster: &str, namespace: &str, pod_names: &[String]) -> Role {
    let mut resource_names: Vec<String> = pod_names.iter().map(|p| names::pod_service(p)).collect();
    resource_names.sort();
    Role {
        metadata: labels::object_meta(
            names::pod_service_reader(cluster),
            namespace,
            cluster,
            labels::cluster_labels(cluster),
            BTreeMap::new(),
        ),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["services".to_owned()]),
            resource_names: Some(resource_names),
            verbs: vec!["get".to_owned()],
            non_resource_urls: None,
        }]),
    }
}

/// The RoleBinding of [`pod_service_reader_role`] to the pods' service account.
pub fn pod_service_reader_binding(
    cluster: &str,
    namespace: &str,
    service_account: &str,
) -> RoleBinding {
    RoleBinding {
        metadata: labels::object_meta(
            names::pod_service_reader(cluster),
            namespace,
            cluster,
            labels::cluster_labels(cluster),
            BTreeMap::new(),
        ),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_owned(),
            kind: "Role".to_owned(),
            name: names::pod_service_reader(cluster),
        },
        subjects: Some(vec![subject(namespace, service_account)]),
    }
}

fn cluster_scoped_meta(namespace: &str, cluster: &str) -> ObjectMeta {
    let mut labels = labels::cluster_labels(cluster);
    labels.insert("acko.io/namespace".to_owned(), namespace.to_owned());
    ObjectMeta {
        name: Some(names::node_reader(namespace, cluster)),
        labels: Some(labels),
        ..ObjectMeta::default()
    }
}

/// The ClusterRole letting pods read Nodes (host IP access types). Cluster-scoped: no owner
/// reference (see `labels::owner_reference`); labelled with `acko.io/namespace` for cleanup.
pub fn node_reader_cluster_role(cluster: &str, namespace: &str) -> ClusterRole {
    ClusterRole {
        metadata: cluster_scoped_meta(namespace, cluster),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["nodes".to_owned()]),
            verbs: vec!["get".to_owned()],
            ..PolicyRule::default()
        }]),
        aggregation_rule: None,
    }
}

/// The ClusterRoleBinding of [`node_reader_cluster_role`] to the pods' service account.
pub fn node_reader_binding(
    cluster: &str,
    namespace: &str,
    service_account: &str,
) -> ClusterRoleBinding {
    ClusterRoleBinding {
        metadata: cluster_scoped_meta(namespace, cluster),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_owned(),
            kind: "ClusterRole".to_owned(),
            name: names::node_reader(namespace, cluster),
        },
        subjects: Some(vec![subject(namespace, service_account)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_grants_get_on_exactly_the_pod_services() {
        let pods = vec!["c-1-1".to_owned(), "c-1-0".to_owned()];
        let role = pod_service_reader_role("c", "db", &pods);
        let rule = &role.rules.unwrap()[0];
        assert_eq!(rule.verbs, vec!["get"]);
        assert_eq!(
            rule.resources.as_deref(),
            Some(&["services".to_owned()][..])
        );
        assert_eq!(
            rule.resource_names.as_deref(),
            Some(&["c-1-0-pod".to_owned(), "c-1-1-pod".to_owned()][..])
        );
    }

    #[test]
    fn bindings_name_the_pods_service_account() {
        let rb = pod_service_reader_binding("c", "db", "aerospike-sa");
        let s = &rb.subjects.unwrap()[0];
        assert_eq!(
            (s.kind.as_str(), s.name.as_str()),
            ("ServiceAccount", "aerospike-sa")
        );
        assert_eq!(s.namespace.as_deref(), Some("db"));
        assert_eq!(rb.role_ref.name, "c-pod-service-reader");
        let crb = node_reader_binding("c", "db", "aerospike-sa");
        assert_eq!(crb.subjects.unwrap()[0].name, "aerospike-sa");
        assert!(crb.metadata.owner_references.is_none());
    }
}
