//! Stable mesh seeds.
//!
//! The original operator listed every pod as a mesh seed, so every scale event changed every
//! rack's aerospike.conf, hence every pod's config hash, and rolled the whole cluster. Here the
//! seed list is a FIXED set: the first [`SEED_COUNT`] pods in the order pods are added when a
//! cluster grows from one node (pod `k` goes to rack `k % racks` with ordinal `k / racks`, which
//! is exactly how `racks::rack_sizes` spreads pods). The list depends only on the cluster name,
//! namespace, the ordered rack ids and the heartbeat port — never on `size` — so scaling up or
//! down leaves every ConfigMap (and config hash) unchanged.
//!
//! Each seed is the pod's DNS name behind the headless Service (which publishes not-ready
//! addresses, so seeds resolve while pods start). A node listing itself is harmless.
//!
//! Limits (documented for users):
//! - With fewer than [`SEED_COUNT`] pods some seeds name pods that do not exist; asd logs that
//!   it cannot resolve or reach them and keeps retrying, which is harmless.
//! - Adding or removing a rack among the first racks changes the seed set and therefore rolls
//!   every pod once (config change).
//! - Seeds are the LAST pods removed by a scale-down, so a scale-down never removes them unless
//!   the cluster goes below [`SEED_COUNT`] nodes; a node that restarts while no seed pod runs
//!   cannot join until one is back.

use crate::names;

/// Number of mesh seeds written into every aerospike.conf.
pub const SEED_COUNT: usize = 3;

/// The seed pods: `(rack_id, ordinal)` of the first [`SEED_COUNT`] pods in growth order.
/// `rack_ids` must be in rack order (the order of `spec.rackConfig.racks`).
pub fn seed_pods(rack_ids: &[i32]) -> Vec<(i32, i32)> {
    if rack_ids.is_empty() {
        return Vec::new();
    }
    (0..SEED_COUNT)
        .map(|k| {
            let rack = rack_ids[k % rack_ids.len()];
            let ordinal = i32::try_from(k / rack_ids.len()).unwrap_or(i32::MAX);
            (rack, ordinal)
        })
        .collect()
}

/// The `mesh-seed-address-port` values (`"<pod-dns> <heartbeat-port>"`), in seed order.
pub fn mesh_seeds(
    cluster: &str,
    namespace: &str,
    cluster_domain: &str,
    rack_ids: &[i32],
    heartbeat_port: u16,
) -> Vec<(String, u16)> {
    seed_pods(rack_ids)
        .into_iter()
        .map(|(rack, ordinal)| {
            let pod = names::pod(cluster, rack, ordinal);
            (
                names::pod_dns(&pod, cluster, namespace, cluster_domain),
                heartbeat_port,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_spread_over_racks_in_growth_order() {
        assert_eq!(seed_pods(&[1]), vec![(1, 0), (1, 1), (1, 2)]);
        assert_eq!(seed_pods(&[1, 2]), vec![(1, 0), (2, 0), (1, 1)]);
        assert_eq!(seed_pods(&[5, 6, 7, 8]), vec![(5, 0), (6, 0), (7, 0)]);
        assert!(seed_pods(&[]).is_empty());
    }

    #[test]
    fn seeds_are_headless_dns_names() {
        let seeds = mesh_seeds("c", "db", "cluster.local", &[0], 3002);
        assert_eq!(
            seeds[0],
            ("c-0-0.c-headless.db.svc.cluster.local".to_owned(), 3002)
        );
    }
}
