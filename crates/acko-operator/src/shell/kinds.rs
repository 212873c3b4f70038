//! The kinds the operator manages, as `ApiResource`s for dynamic list/apply/delete, and the
//! discovery of optional kinds.

use std::collections::BTreeSet;

use kube::Client;
use kube::core::{ApiResource, GroupVersionKind};

use crate::observed::OptionalKind;

/// A managed kind.
#[derive(Debug, Clone)]
pub struct Kind {
    /// Resource description.
    pub resource: ApiResource,
    /// True for namespaced kinds.
    pub namespaced: bool,
}

fn kind(group: &str, version: &str, kind: &str, plural: &str, namespaced: bool) -> Kind {
    let gvk = GroupVersionKind::gvk(group, version, kind);
    Kind {
        resource: ApiResource::from_gvk_with_plural(&gvk, plural),
        namespaced,
    }
}

/// Kinds created by acko-render that always exist in a Kubernetes cluster.
pub fn core_kinds() -> Vec<Kind> {
    vec![
        kind("", "v1", "ConfigMap", "configmaps", true),
        kind("", "v1", "Service", "services", true),
        kind("", "v1", "ServiceAccount", "serviceaccounts", true),
        kind("apps", "v1", "StatefulSet", "statefulsets", true),
        kind(
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            true,
        ),
        kind(
            "networking.k8s.io",
            "v1",
            "NetworkPolicy",
            "networkpolicies",
            true,
        ),
        kind("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
        kind(
            "rbac.authorization.k8s.io",
            "v1",
            "RoleBinding",
            "rolebindings",
            true,
        ),
        kind(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRole",
            "clusterroles",
            false,
        ),
        kind(
            "rbac.authorization.k8s.io",
            "v1",
            "ClusterRoleBinding",
            "clusterrolebindings",
            false,
        ),
    ]
}

/// The kind of an optional resource.
pub fn optional_kind(k: OptionalKind) -> Kind {
    let (api_version, kind_name, plural) = k.gvk();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    kind(group, version, kind_name, plural, true)
}

/// Looks up a kind by `apiVersion` and `kind`.
pub fn find(api_version: &str, kind_name: &str) -> Option<Kind> {
    core_kinds()
        .into_iter()
        .chain(OptionalKind::ALL.into_iter().map(optional_kind))
        .find(|k| k.resource.api_version == api_version && k.resource.kind == kind_name)
}

/// Which optional kinds the API server serves (discovery of their group/version).
pub async fn discover_optional(client: &Client) -> BTreeSet<OptionalKind> {
    let mut out = BTreeSet::new();
    for k in OptionalKind::ALL {
        let (api_version, kind_name, _) = k.gvk();
        if let Ok(list) = client.list_api_group_resources(api_version).await
            && list.resources.iter().any(|r| r.kind == kind_name)
        {
            out.insert(k);
        }
    }
    out
}
