//! Every YAML example of the networking guide (reconstructed in `tests/seed_examples/`, the full
//! example in `examples/networking-full.yaml`) and every other example of the repository:
//! deserializes, validates without any problem, and round-trips YAML → types → YAML without
//! losing or inventing a field.

use std::path::{Path, PathBuf};

use acko_api::parse::{Resource, parse_documents};
use acko_api::validation::{ValidatedCluster, validate_cluster, validate_template};
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check_file(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let docs = parse_documents(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!docs.is_empty(), "{}: no documents", path.display());
    for doc in docs {
        let what = format!("{} document {}", path.display(), doc.index);
        assert!(doc.problems.is_empty(), "{what}: {}", doc.problems);
        let resource = doc
            .resource
            .as_ref()
            .unwrap_or_else(|| panic!("{what}: not typed"));

        // Round trip through JSON values: nothing lost, nothing invented.
        assert_eq!(
            resource.to_value(),
            doc.raw,
            "{what}: JSON round trip differs"
        );
        // Round trip through YAML text.
        let yaml = match resource {
            Resource::Cluster(c) => serde_saphyr::to_string(c.as_ref()).unwrap(),
            Resource::Template(t) => serde_saphyr::to_string(t.as_ref()).unwrap(),
        };
        let again: Value = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(again, doc.raw, "{what}: YAML round trip differs:\n{yaml}");

        match resource {
            Resource::Cluster(c) if c.spec.template_ref.is_none() => {
                // The guide's full example sets alternateAccessType together with LoadBalancer
                // pod Services, which replace it: the one expected warning.
                let expected = |p: &acko_api::Problem| {
                    p.severity == acko_api::Severity::Warning
                        && p.path == "spec.aerospikeNetworkPolicy.alternateAccessType"
                        && p.message.contains("LoadBalancer")
                };
                let problems = validate_cluster(c);
                assert!(!problems.iter().any(|p| !expected(p)), "{what}: {problems}");
                let validated = ValidatedCluster::new(c).unwrap_or_else(|p| panic!("{what}: {p}"));
                // The defaulted cluster is valid too (defaults never introduce problems).
                let again = validate_cluster(validated.cluster());
                assert!(
                    !again.iter().any(|p| !expected(p)),
                    "{what} (defaulted): {again}"
                );
            }
            Resource::Cluster(_) => {}
            Resource::Template(t) => {
                let problems = validate_template(t);
                assert!(problems.is_empty(), "{what}: {problems}");
            }
        }
    }
}

macro_rules! seed_example {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                check_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seed_examples").join($file));
            }
        )*
    };
}

seed_example! {
    in_cluster_default => "01-in-cluster-default.yaml",
    external_host_network => "02-external-host-network.yaml",
    configured_ip => "03-configured-ip.yaml",
    network_policy_kubernetes => "04-network-policy-kubernetes.yaml",
    network_policy_cilium => "05-network-policy-cilium.yaml",
    network_policy_disabled => "06-network-policy-disabled.yaml",
    bandwidth => "07-bandwidth.yaml",
    bandwidth_egress_only => "08-bandwidth-egress-only.yaml",
    load_balancer_basic => "09-load-balancer-basic.yaml",
    load_balancer_production => "10-load-balancer-production.yaml",
    headless_service => "11-headless-service.yaml",
    pod_service_cluster_ip => "12-pod-service-clusterip.yaml",
    pod_service_load_balancer => "13-pod-service-load-balancer.yaml",
    pod_service_node_port => "14-pod-service-node-port.yaml",
    external_client_access => "15-external-client-access.yaml",
}

#[test]
fn full_networking_example() {
    check_file(&repo_root().join("examples/networking-full.yaml"));
}

#[test]
fn every_repository_example() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "expected the examples, found {files:?}");
    for f in files {
        check_file(&f);
    }
}

#[test]
fn seed_values_are_kept_exactly() {
    let text = std::fs::read_to_string(repo_root().join("examples/networking-full.yaml")).unwrap();
    let docs = parse_documents(&text).unwrap();
    let Some(Resource::Cluster(c)) = &docs[0].resource else {
        panic!("not a cluster")
    };
    let bw = c.spec.bandwidth_config.as_ref().unwrap();
    assert_eq!(bw.ingress.as_deref(), Some("2Gbps"));
    assert_eq!(
        acko_api::bandwidth::parse_bandwidth("2Gbps")
            .unwrap()
            .canonical,
        "2G"
    );
    let lb = c
        .spec
        .seeds_finder_services
        .as_ref()
        .unwrap()
        .load_balancer
        .as_ref()
        .unwrap();
    assert_eq!(lb.external_traffic_policy.as_deref(), Some("Local"));
    assert_eq!(
        c.spec.pod_service.as_ref().unwrap().service_type,
        Some(acko_api::PodServiceType::LoadBalancer)
    );
    let conf = c.spec.aerospike_config.as_ref().unwrap();
    assert_eq!(conf["network"]["heartbeat"]["interval"], 150);
    assert_eq!(
        conf["namespaces"][0]["storage-engine"]["data-size"],
        1073741824_i64
    );
}
