//! Property tests: parsing and validation never panic on any input; defaulting is idempotent and
//! never turns a valid cluster invalid; the bandwidth parser is total.

use acko_api::bandwidth::parse_bandwidth;
use acko_api::defaults::with_defaults;
use acko_api::parse::{Resource, parse_documents};
use acko_api::validation::{validate_cluster, validate_template};
use proptest::prelude::*;

fn check_everything(input: &str) {
    if let Ok(docs) = parse_documents(input) {
        for doc in docs {
            match &doc.resource {
                Some(Resource::Cluster(c)) => {
                    let _ = validate_cluster(c);
                    let _ = validate_cluster(&with_defaults(c));
                }
                Some(Resource::Template(t)) => {
                    let _ = validate_template(t);
                }
                None => {}
            }
        }
    }
}

fn yaml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        "[a-zA-Z0-9 %:/._-]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("true".to_string()),
        Just("\"50%\"".to_string()),
        Just("configuredIP".to_string()),
        Just("Block".to_string()),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        let keys = prop::sample::select(vec![
            "size",
            "image",
            "racks",
            "id",
            "aerospikeConfig",
            "namespaces",
            "name",
            "replication-factor",
            "storage-engine",
            "type",
            "devices",
            "storage",
            "volumes",
            "source",
            "persistentVolume",
            "volumeMode",
            "aerospike",
            "path",
            "rackConfig",
            "rollingUpdateBatchSize",
            "maxUnavailable",
            "network",
            "heartbeat",
            "port",
            "service",
            "monitoring",
            "customRules",
            "rules",
            "operations",
            "kind",
            "bandwidthConfig",
            "ingress",
            "seedsFinderServices",
            "loadBalancer",
            "loadBalancerSourceRanges",
            "podSpec",
            "sidecars",
            "templateRef",
            "overrides",
            "aerospikeNetworkPolicy",
            "accessType",
            "initMethod",
            "metadata",
            "labels",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((keys, inner), 0..5).prop_map(|kv| {
                let body: Vec<String> =
                    kv.into_iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(input in "\\PC{0,300}") {
        check_everything(&input);
    }

    #[test]
    fn arbitrary_resource_shaped_yaml_never_panics(spec in yaml_value(), template in any::<bool>()) {
        let kind = if template { "AerospikeClusterTemplate" } else { "AerospikeCluster" };
        check_everything(&format!("apiVersion: acko.io/v1alpha1\nkind: {kind}\nmetadata: {{name: x}}\nspec: {spec}\n"));
    }

    #[test]
    fn locating_a_path_never_panics(text in "([ -]{0,6}[a-z\"'.:/-]{0,10}(: )?[a-z0-9]{0,4}\n){0,12}", path in "[a-z.\\[\\]0-9]{0,20}") {
        let lines: Vec<&str> = text.lines().collect();
        if let Some(i) = acko_api::locate::locate_path(&lines, &path) {
            prop_assert!(i < lines.len());
        }
    }

    #[test]
    fn bandwidth_parser_is_total(input in "\\PC{0,20}") {
        if let Ok(b) = parse_bandwidth(&input) {
            prop_assert!(b.bits_per_second >= 1e3 && b.bits_per_second <= 1e15);
            // The canonical form parses to the same value.
            let again = parse_bandwidth(&b.canonical).unwrap();
            prop_assert!((again.bits_per_second - b.bits_per_second).abs() < 1e-6 * b.bits_per_second);
        }
    }

    #[test]
    fn defaults_are_idempotent_and_keep_valid_clusters_valid(
        size in 1..=8i32,
        racks in 0..=3usize,
        rf in 1..=2i64,
        with_lb in any::<bool>(),
        monitoring in any::<bool>(),
        host_network in any::<bool>(),
        default_namespace in any::<bool>(),
    ) {
        let racks = racks.min(size as usize);
        let mut spec = serde_json::json!({
            "size": size,
            "image": "aerospike:ce-8.1.1.1",
            "aerospikeConfig": {"namespaces": [{"name": "test", "replication-factor": rf.min(i64::from(size)),
                "storage-engine": {"type": "memory", "data-size": 1073741824}}]},
            "podSpec": {"hostNetwork": host_network},
            "monitoring": {"enabled": monitoring, "serviceMonitor": {"enabled": monitoring}},
        });
        if default_namespace {
            spec["aerospikeConfig"] = serde_json::json!({});
        }
        if racks > 0 {
            spec["rackConfig"] = serde_json::json!({"racks": (1..=racks).map(|i| serde_json::json!({"id": i})).collect::<Vec<_>>()});
        }
        if with_lb {
            spec["seedsFinderServices"] = serde_json::json!({"loadBalancer": {}});
            spec["podService"] = serde_json::json!({});
        }
        let cluster: acko_api::AerospikeCluster = serde_json::from_value(serde_json::json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": "demo"}, "spec": spec,
        })).unwrap();
        let before = validate_cluster(&cluster);
        prop_assert!(!before.has_errors(), "{}", before);
        let once = with_defaults(&cluster);
        prop_assert_eq!(&with_defaults(&once), &once);
        let after = validate_cluster(&once);
        prop_assert!(!after.has_errors(), "{}", after);
    }
}
