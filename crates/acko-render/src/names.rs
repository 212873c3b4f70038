//! Stable object names. Every name the operator uses is computed here, from the cluster name,
//! the rack id and the pod ordinal only, so that the operator can predict and clean up objects.

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
    format!("{cluster}-{rack_id}-{ordinal}")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_documented_scheme() {
        assert_eq!(stateful_set("a", 1), "a-1");
        assert_eq!(config_map("a", 2), "a-2-config");
        assert_eq!(pod("a", 2, 0), "a-2-0");
        assert_eq!(pod_service("a-2-0"), "a-2-0-pod");
        assert_eq!(headless_service("a"), "a-headless");
        assert_eq!(seeds_lb_service("a"), "a-seeds-lb");
        assert_eq!(node_reader("ns", "a"), "acko-ns-a-node-reader");
        assert_eq!(
            pod_dns("a-1-0", "a", "db", "cluster.local"),
            "a-1-0.a-headless.db.svc.cluster.local"
        );
    }
}
