//! [`DesiredObjects`]: every object of a cluster, grouped by kind, and their apply order.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use serde::Serialize;
use serde_json::Value;

/// What the operator needs to know about a rendered rack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RackSummary {
    /// Rack id (0 for the implicit rack).
    pub id: i32,
    /// Pods of the rack.
    pub size: u32,
    /// Config hash of the rack (pod annotation `acko.io/config-hash`).
    pub config_hash: String,
    /// Pod-spec hash of the rack (pod annotation `acko.io/pod-spec-hash`).
    pub pod_spec_hash: String,
    /// Names of the rack's pods, in ordinal order.
    pub pods: Vec<String>,
}

/// Every object the operator creates for a cluster.
///
/// Owner references carry an EMPTY `uid` (see `labels::owner_reference`): the operator fills it
/// in before applying.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DesiredObjects {
    /// The pods' ServiceAccount `<cluster>-aerospike`, when they read the API and the user
    /// gave no `podSpec.serviceAccountName`.
    pub service_accounts: Vec<ServiceAccount>,
    /// Cluster-scoped ClusterRoles (host-IP access types only).
    pub cluster_roles: Vec<ClusterRole>,
    /// Cluster-scoped ClusterRoleBindings.
    pub cluster_role_bindings: Vec<ClusterRoleBinding>,
    /// Roles.
    pub roles: Vec<Role>,
    /// RoleBindings.
    pub role_bindings: Vec<RoleBinding>,
    /// One ConfigMap per rack.
    pub config_maps: Vec<ConfigMap>,
    /// Headless, per-pod, seeds-finder and metrics Services.
    pub services: Vec<Service>,
    /// The Kubernetes NetworkPolicy (when `type: kubernetes`).
    pub network_policies: Vec<NetworkPolicy>,
    /// PodDisruptionBudgets.
    pub pod_disruption_budgets: Vec<PodDisruptionBudget>,
    /// One StatefulSet per rack.
    pub stateful_sets: Vec<StatefulSet>,
    /// Objects of optional CRDs, each with `apiVersion` and `kind`: CiliumNetworkPolicy,
    /// ServiceMonitor, PrometheusRule (in that order).
    pub untyped: Vec<Value>,
    /// Per-rack summary (not a Kubernetes object).
    pub racks: Vec<RackSummary>,
}

fn push_all<T: Serialize>(out: &mut Vec<Value>, items: &[T]) {
    out.extend(
        items
            .iter()
            .map(|i| serde_json::to_value(i).unwrap_or(Value::Null)),
    );
}

impl DesiredObjects {
    /// All objects as JSON values (with `apiVersion` and `kind`) in apply order: RBAC first
    /// (pods need it at start), then ConfigMaps, Services, network policies, PDBs, StatefulSets,
    /// and finally the optional-CRD objects (which may be skipped when the CRD is missing).
    pub fn to_list(&self) -> Vec<Value> {
        let mut out = Vec::new();
        push_all(&mut out, &self.service_accounts);
        push_all(&mut out, &self.cluster_roles);
        push_all(&mut out, &self.cluster_role_bindings);
        push_all(&mut out, &self.roles);
        push_all(&mut out, &self.role_bindings);
        push_all(&mut out, &self.config_maps);
        push_all(&mut out, &self.services);
        push_all(&mut out, &self.network_policies);
        push_all(&mut out, &self.pod_disruption_budgets);
        push_all(&mut out, &self.stateful_sets);
        out.extend(self.untyped.iter().cloned());
        out
    }

    /// Number of Kubernetes objects.
    pub fn len(&self) -> usize {
        self.service_accounts.len()
            + self.cluster_roles.len()
            + self.cluster_role_bindings.len()
            + self.roles.len()
            + self.role_bindings.len()
            + self.config_maps.len()
            + self.services.len()
            + self.network_policies.len()
            + self.pod_disruption_budgets.len()
            + self.stateful_sets.len()
            + self.untyped.len()
    }

    /// True when there is no object.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
