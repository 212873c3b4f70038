//! Every Kubernetes name the operator derives, and the limits Kubernetes puts on each, in one
//! place. `acko-render` builds its objects with these functions and validation checks a
//! cluster name against [`derived_names`], so the two can never disagree.
//!
//! Names depend only on the cluster name, the namespace, the rack id and the pod ordinal, so
//! the operator can predict and clean up objects.
//!
//! The limits (Kubernetes 1.33 API validation):
//! * Services are DNS-1035 labels (`[a-z]([-a-z0-9]*[a-z0-9])?`, at most 63 characters). Every
//!   Service name starts with the cluster name, so the cluster name must start with a letter.
//! * A StatefulSet's pods carry the label `controller-revision-hash: <sts>-<10-char hash>`,
//!   and a label value is at most 63 characters: the StatefulSet name must be at most
//!   52 characters, or the controller never creates a pod.
//! * ConfigMaps, PodDisruptionBudgets, Roles, ClusterRoles, ServiceAccounts and claims are
//!   DNS-1123 subdomains (at most 253 characters).

/// Longest DNS label (Services, label values).
pub const DNS_LABEL_MAX: usize = 63;
/// Longest DNS-1123 subdomain (most object names).
pub const DNS_SUBDOMAIN_MAX: usize = 253;
/// Longest StatefulSet name whose pods the controller can create: 63 minus the `-<hash>`
/// (11 characters) of the `controller-revision-hash` label.
pub const STATEFUL_SET_MAX: usize = DNS_LABEL_MAX - 11;
/// Highest pod ordinal of a CE cluster (8 nodes at most, one rack).
pub const MAX_ORDINAL: i32 = 7;

/// Volume holding the rack ConfigMap.
pub const VOLUME_CONFIG: &str = "acko-config";
/// Volume with the pod's own labels and annotations (downward API).
pub const VOLUME_PODINFO: &str = "acko-podinfo";
/// Volume with the final aerospike.conf.
pub const VOLUME_CONF: &str = "aerospike-conf";
/// Volume with the acko-init binary.
pub const VOLUME_BIN: &str = "acko-bin";
/// Volume with the supervisor state.
pub const VOLUME_RUN: &str = "acko-run";
/// Every pod volume the renderer adds: user volumes cannot use these names.
pub const RESERVED_VOLUME_NAMES: &[&str] = &[
    VOLUME_CONFIG,
    VOLUME_PODINFO,
    VOLUME_CONF,
    VOLUME_BIN,
    VOLUME_RUN,
];
pub use crate::pod_spec::RESERVED_CONTAINER_NAMES;

/// Name of the StatefulSet of a rack: `<cluster>-<rackId>`.
pub fn stateful_set(cluster: &str, rack_id: i32) -> String {
    format!("{cluster}-{rack_id}")
}

/// Name of the ConfigMap of a rack: `<cluster>-<rackId>-config`.
pub fn config_map(cluster: &str, rack_id: i32) -> String {
    format!("{cluster}-{rack_id}-config")
}

/// Name of a pod: `<cluster>-<rackId>-<ordinal>` (the StatefulSet naming rule).
pub fn pod(cluster: &str, rack_id: i32, ordinal: i32) -> String {
    format!("{}-{ordinal}", stateful_set(cluster, rack_id))
}

/// Name of the PersistentVolumeClaim of a volume of a pod: `<volume>-<pod>` (the StatefulSet
/// rule for `volumeClaimTemplates`).
pub fn claim(volume: &str, pod_name: &str) -> String {
    format!("{volume}-{pod_name}")
}

/// Name of the per-pod Service of a pod: `<pod>-pod`.
pub fn pod_service(pod_name: &str) -> String {
    format!("{pod_name}-pod")
}

/// Name of the headless Service: `<cluster>-headless`.
pub fn headless_service(cluster: &str) -> String {
    format!("{cluster}-headless")
}

/// Name of the seeds-finder LoadBalancer Service: `<cluster>-seeds-lb`.
pub fn seeds_lb_service(cluster: &str) -> String {
    format!("{cluster}-seeds-lb")
}

/// Name of the metrics Service: `<cluster>-metrics`.
pub fn metrics_service(cluster: &str) -> String {
    format!("{cluster}-metrics")
}

/// Name of the ServiceMonitor: `<cluster>-monitor`.
pub fn service_monitor(cluster: &str) -> String {
    format!("{cluster}-monitor")
}

/// Name of the PrometheusRule: `<cluster>-alerts`.
pub fn prometheus_rule(cluster: &str) -> String {
    format!("{cluster}-alerts")
}

/// Name of the NetworkPolicy or CiliumNetworkPolicy: `<cluster>-netpol`.
pub fn network_policy(cluster: &str) -> String {
    format!("{cluster}-netpol")
}

/// Name of the cluster-wide PodDisruptionBudget: `<cluster>-pdb`.
pub fn pdb(cluster: &str) -> String {
    format!("{cluster}-pdb")
}

/// Name of a rack's PodDisruptionBudget: `<cluster>-<rackId>-pdb`.
pub fn rack_pdb(cluster: &str, rack_id: i32) -> String {
    format!("{cluster}-{rack_id}-pdb")
}

/// Name of the ServiceAccount the operator creates for the pods when they read the API
/// (per-pod NodePort/LoadBalancer Services, `hostInternal`/`hostExternal`) and the user gave
/// no `podSpec.serviceAccountName`: `<cluster>-aerospike`.
pub fn service_account(cluster: &str) -> String {
    format!("{cluster}-aerospike")
}

/// Name of the Role (and RoleBinding) that lets pods read their own per-pod Service:
/// `<cluster>-pod-service-reader`.
pub fn pod_service_reader(cluster: &str) -> String {
    format!("{cluster}-pod-service-reader")
}

/// Name of the ClusterRole (and ClusterRoleBinding) that lets pods read Nodes (for the
/// `hostInternal`/`hostExternal` access types): `acko-<namespace>-<cluster>-node-reader`.
/// Cluster-scoped, hence the namespace in the name.
pub fn node_reader(namespace: &str, cluster: &str) -> String {
    format!("acko-{namespace}-{cluster}-node-reader")
}

/// Fully qualified DNS name of a pod behind the headless Service:
/// `<pod>.<cluster>-headless.<namespace>.svc.<clusterDomain>`.
pub fn pod_dns(pod_name: &str, cluster: &str, namespace: &str, cluster_domain: &str) -> String {
    format!(
        "{pod_name}.{}.{namespace}.svc.{cluster_domain}",
        headless_service(cluster)
    )
}

/// One name derived from the cluster name, with the limit Kubernetes puts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedName {
    /// What the name is for, e.g. `StatefulSet`.
    pub kind: &'static str,
    /// The name.
    pub name: String,
    /// Its maximum length.
    pub max_len: usize,
    /// Why that is the maximum.
    pub why: &'static str,
}

impl DerivedName {
    /// Characters the name needs besides the cluster name (`cluster` is the name it was built
    /// from).
    pub fn overhead(&self, cluster: &str) -> usize {
        self.name.len().saturating_sub(cluster.len())
    }
}

/// Every name derived from `cluster` in `namespace` for racks `rack_ids` (the implicit rack
/// is `0`), with its limit: the single list validation checks.
pub fn derived_names(cluster: &str, namespace: &str, rack_ids: &[i32]) -> Vec<DerivedName> {
    const SERVICE: &str = "a Service name is a DNS-1035 label";
    const SUBDOMAIN: &str = "object names are DNS-1123 subdomains";
    let d = |kind, name, max_len, why| DerivedName {
        kind,
        name,
        max_len,
        why,
    };
    let mut out = vec![
        d(
            "headless Service",
            headless_service(cluster),
            DNS_LABEL_MAX,
            SERVICE,
        ),
        d(
            "seeds Service",
            seeds_lb_service(cluster),
            DNS_LABEL_MAX,
            SERVICE,
        ),
        d(
            "metrics Service",
            metrics_service(cluster),
            DNS_LABEL_MAX,
            SERVICE,
        ),
        d(
            "PodDisruptionBudget",
            pdb(cluster),
            DNS_SUBDOMAIN_MAX,
            SUBDOMAIN,
        ),
        d(
            "ServiceAccount",
            service_account(cluster),
            DNS_SUBDOMAIN_MAX,
            SUBDOMAIN,
        ),
        d(
            "Role",
            pod_service_reader(cluster),
            DNS_SUBDOMAIN_MAX,
            SUBDOMAIN,
        ),
        d(
            "ClusterRole",
            node_reader(namespace, cluster),
            DNS_SUBDOMAIN_MAX,
            SUBDOMAIN,
        ),
        d(
            "NetworkPolicy",
            network_policy(cluster),
            DNS_SUBDOMAIN_MAX,
            SUBDOMAIN,
        ),
    ];
    let rack_ids: &[i32] = if rack_ids.is_empty() { &[0] } else { rack_ids };
    for &rack in rack_ids {
        out.push(d(
            "StatefulSet",
            stateful_set(cluster, rack),
            STATEFUL_SET_MAX,
            "its pods get the label controller-revision-hash=<StatefulSet>-<10-character hash>, at most 63 characters",
        ));
        out.push(d(
            "per-pod Service",
            pod_service(&pod(cluster, rack, MAX_ORDINAL)),
            DNS_LABEL_MAX,
            SERVICE,
        ));
        out.push(d(
            "ConfigMap",
            config_map(cluster, rack),
            DNS_SUBDOMAIN_MAX,
            SUBDOMAIN,
        ));
        out.push(d(
            "PodDisruptionBudget",
            rack_pdb(cluster, rack),
            DNS_SUBDOMAIN_MAX,
            SUBDOMAIN,
        ));
    }
    out
}

/// The longest cluster name all derived names allow, and the derived name that limits it.
pub fn max_cluster_name_len(namespace: &str, rack_ids: &[i32]) -> (usize, DerivedName) {
    // Overheads do not depend on the cluster name: compute them on a one-letter name.
    derived_names("a", namespace, rack_ids)
        .into_iter()
        .map(|d| (d.max_len.saturating_sub(d.overhead("a")), d))
        .min_by_key(|(max, _)| *max)
        .unwrap_or_else(|| unreachable!("derived_names is never empty"))
}

/// True for a DNS-1035 label: a lowercase letter first, then lowercase letters, digits and
/// `-`, not ending with `-`, at most 63 characters.
pub fn is_dns1035_label(value: &str) -> bool {
    let b = value.as_bytes();
    !b.is_empty()
        && b.len() <= DNS_LABEL_MAX
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[b.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_documented_scheme() {
        assert_eq!(stateful_set("a", 1), "a-1");
        assert_eq!(config_map("a", 2), "a-2-config");
        assert_eq!(pod("a", 2, 0), "a-2-0");
        assert_eq!(claim("data", "a-2-0"), "data-a-2-0");
        assert_eq!(pod_service("a-2-0"), "a-2-0-pod");
        assert_eq!(headless_service("a"), "a-headless");
        assert_eq!(seeds_lb_service("a"), "a-seeds-lb");
        assert_eq!(service_account("a"), "a-aerospike");
        assert_eq!(node_reader("ns", "a"), "acko-ns-a-node-reader");
        assert_eq!(
            pod_dns("a-1-0", "a", "db", "cluster.local"),
            "a-1-0.a-headless.db.svc.cluster.local"
        );
    }

    #[test]
    fn the_statefulset_hash_label_limits_the_name() {
        let (max, limit) = max_cluster_name_len("default", &[1]);
        assert_eq!(max, 50);
        assert_eq!(limit.kind, "StatefulSet");
        let (max, _) = max_cluster_name_len("default", &[1, 100]);
        assert_eq!(max, 48);
        // The pod's controller-revision-hash label fits exactly at the maximum.
        let sts = stateful_set(&"a".repeat(50), 1);
        assert_eq!(format!("{sts}-{}", "h".repeat(10)).len(), 63);
    }

    #[test]
    fn dns1035() {
        assert!(is_dns1035_label("a1"));
        assert!(!is_dns1035_label("1abc"));
        assert!(!is_dns1035_label("a-"));
        assert!(!is_dns1035_label("A"));
        assert!(!is_dns1035_label(&"a".repeat(64)));
    }
}
