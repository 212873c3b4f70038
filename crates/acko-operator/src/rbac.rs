//! What the operator is allowed to do: the one table its ClusterRole and leader-election Role
//! are generated from (`acko install`, `deploy/base`). Every row names the code that needs it.
//!
//! `tests/rbac_vs_code.rs` checks the table against the code both ways: every request the
//! running controller makes on kube-sim must be granted here, every managed kind in
//! [`crate::shell::kinds`] must be appliable and prunable, every rule acko-render puts in a
//! cluster's own roles must be held (RBAC forbids granting what one does not hold), and every
//! grant must be seen in use or be listed there with the reason the scenario cannot reach it.

use k8s_openapi::api::rbac::v1::PolicyRule;

/// One grant: `verbs` on `resource` (may be `resource/subresource`) of API `group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// API group (`""` = core).
    pub group: &'static str,
    /// Plural resource name, optionally `/subresource`.
    pub resource: &'static str,
    /// Verbs.
    pub verbs: &'static [&'static str],
    /// Which code needs it.
    pub why: &'static str,
}

const fn g(
    group: &'static str,
    resource: &'static str,
    verbs: &'static [&'static str],
    why: &'static str,
) -> Grant {
    Grant {
        group,
        resource,
        verbs,
        why,
    }
}

/// Observe (list), apply (server-side apply = patch, which also creates), prune (delete).
const MANAGED: &[&str] = &["list", "patch", "delete"];
/// Managed kinds the controller also watches (`Controller::owns`).
const MANAGED_OWNED: &[&str] = &["list", "watch", "patch", "delete"];

/// Cluster-wide grants (ClusterRole `acko-operator`).
pub const CLUSTER: &[Grant] = &[
    g(
        "acko.io",
        "aerospikeclusters",
        &["list", "watch", "patch"],
        "controller watch; finalizer merge patch (shell::execute)",
    ),
    g(
        "acko.io",
        "aerospikeclusters/status",
        &["patch"],
        "status merge patch (shell::reconcile)",
    ),
    g(
        "acko.io",
        "aerospikeclustertemplates",
        &["get", "list", "watch", "patch"],
        "templateRef lookup (shell::day2); controller watch; template-in-use finalizer \
         (shell::template_controller)",
    ),
    g(
        "acko.io",
        "aerospikeclustertemplates/status",
        &["patch"],
        "usedBy (shell::template_controller)",
    ),
    g(
        "",
        "pods",
        &["get", "list", "watch", "patch", "delete"],
        "observe + watch; warm-restart annotations; cold restart by delete (shell::execute)",
    ),
    g(
        "",
        "pods/status",
        &["update"],
        "readiness gate condition (shell::execute::set_gate)",
    ),
    g(
        "",
        "pods/exec",
        &["create", "get"],
        "warm-restart files (shell::agent); websocket exec is authorised as get before 1.31",
    ),
    g(
        "",
        "persistentvolumeclaims",
        &["list", "delete"],
        "claims of removed pods / cascade delete (shell::execute)",
    ),
    g("", "configmaps", MANAGED_OWNED, "rendered ConfigMaps"),
    g(
        "",
        "services",
        &["get", "list", "watch", "patch", "delete"],
        "rendered Services; seeds LoadBalancer address (shell::observe)",
    ),
    g("", "serviceaccounts", MANAGED, "rendered ServiceAccount"),
    g(
        "apps",
        "statefulsets",
        MANAGED_OWNED,
        "rendered StatefulSets; partition patch",
    ),
    g(
        "policy",
        "poddisruptionbudgets",
        MANAGED_OWNED,
        "rendered PodDisruptionBudget",
    ),
    g(
        "networking.k8s.io",
        "networkpolicies",
        MANAGED,
        "rendered NetworkPolicy",
    ),
    g(
        "rbac.authorization.k8s.io",
        "roles",
        MANAGED,
        "rendered Role of the pods",
    ),
    g(
        "rbac.authorization.k8s.io",
        "rolebindings",
        MANAGED,
        "rendered RoleBinding",
    ),
    g(
        "rbac.authorization.k8s.io",
        "clusterroles",
        MANAGED,
        "rendered ClusterRole (node reads)",
    ),
    g(
        "rbac.authorization.k8s.io",
        "clusterrolebindings",
        MANAGED,
        "rendered ClusterRoleBinding",
    ),
    g(
        "",
        "nodes",
        &["get"],
        "held so the rendered ClusterRole may grant it (no escalate verb)",
    ),
    g(
        "cilium.io",
        "ciliumnetworkpolicies",
        MANAGED,
        "optional CiliumNetworkPolicy",
    ),
    g(
        "monitoring.coreos.com",
        "servicemonitors",
        MANAGED,
        "optional ServiceMonitor",
    ),
    g(
        "monitoring.coreos.com",
        "prometheusrules",
        MANAGED,
        "optional PrometheusRule",
    ),
    g(
        "events.k8s.io",
        "events",
        &["create", "patch"],
        "kube::runtime::events::Recorder",
    ),
    g(
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
        &["get", "update"],
        "CA bundle of the admission webhook (webhook::certs::patch_ca_bundle)",
    ),
];

/// Grants in the operator's own namespace only (Role `acko-operator-leader-election`).
pub const LEADER_ELECTION: &[Grant] = &[
    g(
        "coordination.k8s.io",
        "leases",
        &["get", "create", "patch"],
        "leader election (shell::leader, kube-lease-manager)",
    ),
    g(
        "",
        "secrets",
        &["get", "create", "update"],
        "the webhook's self-managed serving certificate (webhook::certs::ensure)",
    ),
];

/// The grants as RBAC rules, one rule per row, in table order.
pub fn rules(grants: &[Grant]) -> Vec<PolicyRule> {
    grants
        .iter()
        .map(|g| PolicyRule {
            api_groups: Some(vec![g.group.to_owned()]),
            resources: Some(vec![g.resource.to_owned()]),
            verbs: g.verbs.iter().map(|v| (*v).to_owned()).collect(),
            ..PolicyRule::default()
        })
        .collect()
}

/// True when `rules` allow `verb` on `group`/`resource` (`resource/sub` for subresources),
/// with the RBAC authorizer's matching (`*` wildcards; `resourceNames` restrict the rule to
/// those names, so a rule with names matches only when `name` is one of them).
pub fn allows(
    rules: &[PolicyRule],
    verb: &str,
    group: &str,
    resource: &str,
    name: Option<&str>,
) -> bool {
    rules.iter().any(|r| {
        let has = |list: Option<&Vec<String>>, want: &str| {
            list.is_some_and(|l| l.iter().any(|x| x == "*" || x == want))
        };
        let names_ok = match r.resource_names.as_deref() {
            None | Some([]) => true,
            Some(names) => name.is_some_and(|n| names.iter().any(|x| x == n)),
        };
        r.verbs.iter().any(|v| v == "*" || v == verb)
            && has(r.api_groups.as_ref(), group)
            && has(r.resources.as_ref(), resource)
            && names_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_matches_verb_group_resource_and_names() {
        let rules = rules(CLUSTER);
        assert!(allows(&rules, "patch", "apps", "statefulsets", Some("x")));
        assert!(!allows(&rules, "create", "apps", "statefulsets", None));
        assert!(!allows(&rules, "patch", "", "statefulsets", None));
        assert!(!allows(&rules, "get", "", "secrets", None));
        let named = vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["services".to_owned()]),
            resource_names: Some(vec!["a".to_owned()]),
            verbs: vec!["get".to_owned()],
            ..PolicyRule::default()
        }];
        assert!(allows(&named, "get", "", "services", Some("a")));
        assert!(!allows(&named, "get", "", "services", Some("b")));
        assert!(!allows(&named, "get", "", "services", None));
    }

    #[test]
    fn no_wildcards_and_no_cluster_wide_secrets() {
        for g in CLUSTER.iter().chain(LEADER_ELECTION) {
            assert!(!g.verbs.contains(&"*"), "{g:?}");
            assert_ne!(g.resource, "*");
        }
        for g in CLUSTER {
            assert_ne!(
                g.resource, "secrets",
                "the operator reads Secrets only in its own namespace"
            );
        }
    }
}
