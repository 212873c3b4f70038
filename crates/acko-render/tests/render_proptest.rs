//! Property tests: rendering any valid cluster never panics, is deterministic, spreads exactly
//! `size` pods, and keeps every rack's config hash independent of `size`.

mod common;

use acko_api::{
    AerospikeCluster, AerospikeMonitoringSpec, BandwidthConfig, NetworkPolicyConfig,
    NetworkPolicyType, PodServiceSpec, PodServiceType, Rack, RackConfig,
};
use acko_render::{RenderOptions, render};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Shape {
    size: i32,
    racks: Vec<Option<String>>,
    pod_service: Option<PodServiceType>,
    monitoring: bool,
    policy: Option<NetworkPolicyType>,
    bandwidth: Option<&'static str>,
    block_list: Vec<String>,
    multi_pod_per_host: Option<bool>,
    /// No `namespaces`: the default namespace (and its default replication factor) is used.
    default_namespace: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (1i32..=8)
        .prop_flat_map(|size| {
            (
                Just(size),
                proptest::collection::vec(
                    proptest::option::of("[a-z]{1,6}"),
                    0..=(size as usize).min(4),
                ),
                proptest::option::of(prop_oneof![
                    Just(PodServiceType::ClusterIP),
                    Just(PodServiceType::NodePort),
                    Just(PodServiceType::LoadBalancer)
                ]),
                any::<bool>(),
                proptest::option::of(prop_oneof![
                    Just(NetworkPolicyType::Kubernetes),
                    Just(NetworkPolicyType::Cilium)
                ]),
                proptest::option::of(prop_oneof![
                    Just("1Gbps"),
                    Just("500Mbps"),
                    Just("10M"),
                    Just("2.5Gbps")
                ]),
                proptest::collection::vec("[a-z0-9-]{1,10}", 0..3),
                proptest::option::of(any::<bool>()),
                any::<bool>(),
            )
        })
        .prop_map(
            |(
                size,
                racks,
                pod_service,
                monitoring,
                policy,
                bandwidth,
                block_list,
                multi_pod_per_host,
                default_namespace,
            )| Shape {
                size,
                racks,
                pod_service,
                monitoring,
                policy,
                bandwidth,
                block_list,
                multi_pod_per_host,
                default_namespace,
            },
        )
}

fn build(shape: &Shape) -> AerospikeCluster {
    let mut cluster = common::cluster_from_yaml(
        "apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata:\n  name: prop\n  namespace: ns\n\
         spec:\n  size: 1\n  image: aerospike:ce-8.1.1.1\n  aerospikeConfig:\n    namespaces:\n\
         \x20     - name: test\n        replication-factor: 1\n        storage-engine:\n          type: memory\n\
         \x20         data-size: 1073741824\n",
    );
    let spec = &mut cluster.spec;
    spec.size = Some(shape.size);
    if !shape.racks.is_empty() {
        spec.rack_config = Some(RackConfig {
            racks: shape
                .racks
                .iter()
                .enumerate()
                .map(|(i, zone)| Rack {
                    id: i32::try_from(i).unwrap() + 1,
                    zone: zone.clone(),
                    ..Rack::default()
                })
                .collect(),
            ..RackConfig::default()
        });
    }
    spec.pod_service = shape.pod_service.map(|t| PodServiceSpec {
        service_type: Some(t),
        metadata: None,
    });
    if shape.monitoring {
        spec.monitoring = Some(AerospikeMonitoringSpec {
            enabled: Some(true),
            ..AerospikeMonitoringSpec::default()
        });
    }
    spec.network_policy_config = shape.policy.map(|t| NetworkPolicyConfig {
        enabled: Some(true),
        policy_type: Some(t),
    });
    spec.bandwidth_config = shape.bandwidth.map(|b| BandwidthConfig {
        ingress: Some(b.to_owned()),
        egress: None,
    });
    spec.k8s_node_block_list = (!shape.block_list.is_empty()).then(|| shape.block_list.clone());
    spec.pod_spec
        .get_or_insert_with(Default::default)
        .multi_pod_per_host = shape.multi_pod_per_host;
    if shape.default_namespace {
        spec.aerospike_config = None;
    }
    acko_api::defaults::apply_defaults(&mut cluster);
    cluster
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn rendering_is_total_deterministic_and_size_independent(shape in shape()) {
        let cluster = build(&shape);
        let options = RenderOptions::default();
        let first = render(&cluster, &options).expect("a valid cluster renders");
        let second = render(&cluster, &options).expect("a valid cluster renders");
        prop_assert_eq!(&first, &second);
        let text_a = serde_json::to_string(&first.to_list()).unwrap();
        let text_b = serde_json::to_string(&second.to_list()).unwrap();
        prop_assert_eq!(text_a, text_b);

        let total: u32 = first.racks.iter().map(|r| r.size).sum();
        prop_assert_eq!(total, u32::try_from(shape.size).unwrap());
        prop_assert_eq!(first.stateful_sets.len(), first.config_maps.len());

        // Any other valid size, defaulted from scratch as the operator does, leaves every
        // config hash and pod template unchanged (no exception: the default replication
        // factor does not depend on the size).
        let min_size = i32::try_from(shape.racks.len().max(1)).unwrap();
        for other in min_size..=8 {
            let resized = build(&Shape { size: other, ..shape.clone() });
            let r = render(&resized, &options).expect("a valid cluster renders");
            for (a, b) in first.racks.iter().zip(&r.racks) {
                prop_assert_eq!(&a.config_hash, &b.config_hash);
                prop_assert_eq!(&a.pod_spec_hash, &b.pod_spec_hash);
            }
        }
    }
}

#[test]
fn scaling_a_default_one_node_cluster_keeps_its_config_hash() {
    let shape = |size| Shape {
        size,
        racks: Vec::new(),
        pod_service: None,
        monitoring: false,
        policy: None,
        bandwidth: None,
        block_list: Vec::new(),
        multi_pod_per_host: None,
        default_namespace: true,
    };
    let options = RenderOptions::default();
    let one = render(&build(&shape(1)), &options).unwrap();
    for size in 2..=8 {
        let other = render(&build(&shape(size)), &options).unwrap();
        assert_eq!(
            one.racks[0].config_hash, other.racks[0].config_hash,
            "1 -> {size}"
        );
        assert_eq!(
            one.racks[0].pod_spec_hash, other.racks[0].pod_spec_hash,
            "1 -> {size}"
        );
    }
}
