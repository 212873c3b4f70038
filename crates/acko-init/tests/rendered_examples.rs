//! The render ↔ init contract end to end: every example (and every render test input) is
//! rendered by acko-render; each rack ConfigMap is written to a directory exactly as the
//! kubelet projects it and `acko-init prepare --dry-run`'s code path runs on it for the
//! rack's first pod, with the rendered per-pod Service (plus an assigned LoadBalancer
//! ingress / nodePort) and a Node. The final aerospike.conf must carry the addresses the
//! policy asks for and otherwise equal the rendered template.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acko_api::parse::{Resource, parse_documents};
use acko_api::validation::ValidatedCluster;
use acko_api::{AerospikeCluster, AerospikeClusterTemplate, NetworkAccessType, PodServiceType};
use acko_init::facts::PodFacts;
use acko_init::network_status::NETWORK_STATUS_ANNOTATION;
use acko_init::prepare::{self, FileApi, Options, Paths};
use acko_render::{RenderOptions, merge_template, render_validated};
use aerospike_conf::AerospikeConf;
use serde_json::json;

const POD_IP: &str = "10.244.1.5";
const HOST_IP: &str = "172.18.0.3";
const NODE_EXTERNAL_IP: &str = "34.1.2.3";
const LB_IP: &str = "203.0.113.10";
const NODE_PORT: i32 = 31000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn inputs() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples", "crates/acko-render/tests/inputs"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 20, "examples not found: {files:?}");
    files
}

fn clusters(path: &Path) -> Vec<AerospikeCluster> {
    let text = std::fs::read_to_string(path).unwrap();
    let docs = parse_documents(&text).unwrap();
    let templates: Vec<AerospikeClusterTemplate> = docs
        .iter()
        .filter_map(|d| match &d.resource {
            Some(Resource::Template(t)) => Some((**t).clone()),
            _ => None,
        })
        .collect();
    docs.iter()
        .filter_map(|d| match &d.resource {
            Some(Resource::Cluster(c)) => Some(merge_template(c, &templates).unwrap()),
            _ => None,
        })
        .collect()
}

/// The IP of a Multus network (every named network gets its own).
fn network_ip(name: &str) -> String {
    let n = name
        .bytes()
        .fold(0u32, |a, b| a.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("192.168.{}.{}", n % 250 + 1, (n / 250) % 250 + 1)
}

fn expected(ty: NetworkAccessType, networks: &[String]) -> Vec<String> {
    match ty {
        NetworkAccessType::Pod => vec![POD_IP.to_owned()],
        NetworkAccessType::HostInternal => vec![HOST_IP.to_owned()],
        NetworkAccessType::HostExternal => vec![NODE_EXTERNAL_IP.to_owned()],
        NetworkAccessType::ConfiguredIp => networks.iter().map(|n| network_ip(n)).collect(),
    }
}

fn values(conf: &AerospikeConf, path: &str) -> Vec<String> {
    conf.get_all(path).iter().map(|l| l.value_text()).collect()
}

/// The conf without the keys acko-init owns.
fn without_pod_keys(text: &str) -> String {
    let mut conf = AerospikeConf::parse(text).unwrap();
    for path in [
        "network.service.access-address",
        "network.service.alternate-access-address",
        "network.service.alternate-access-port",
        "network.fabric.address",
    ] {
        conf.set_all::<&str>(path, &[]).unwrap();
    }
    conf.render()
}

#[tokio::test]
async fn every_rendered_config_map_prepares_the_expected_final_config() {
    let mut checked = 0;
    for file in inputs() {
        for cluster in clusters(&file) {
            let validated = ValidatedCluster::new(&cluster)
                .unwrap_or_else(|p| panic!("{}: {p}", file.display()));
            let objects = render_validated(&validated, &RenderOptions::default()).unwrap();
            let namespace = validated.namespace().to_owned();
            for (rack, cm) in objects.racks.iter().zip(&objects.config_maps) {
                let label = format!("{} rack {}", file.display(), rack.id);
                let data = cm.data.clone().unwrap();
                let settings =
                    acko_api::contract::InitSettings::from_json(&data["acko-init.json"]).unwrap();
                let dir = tempfile::tempdir().unwrap();
                let config_dir = dir.path().join("config");
                std::fs::create_dir_all(&config_dir).unwrap();
                for (key, value) in &data {
                    std::fs::write(config_dir.join(key), value).unwrap();
                }
                let pod = rack.pods[0].clone();
                // Multus status for every network the policy names.
                let net = &settings.network;
                let mut networks: Vec<&String> = net
                    .custom_access_network_names
                    .iter()
                    .chain(&net.custom_alternate_access_network_names)
                    .chain(&net.custom_fabric_network_names)
                    .collect();
                networks.sort();
                networks.dedup();
                let status: Vec<_> = std::iter::once(
                    json!({"name": "kindnet", "ips": [POD_IP], "default": true}),
                )
                .chain(networks.iter().map(|n| {
                    json!({"name": format!("{namespace}/{n}"), "interface": "net1", "ips": [network_ip(n)]})
                }))
                .collect();
                let facts = PodFacts {
                    pod_name: pod.clone(),
                    namespace: namespace.clone(),
                    pod_ip: Some(POD_IP.parse().unwrap()),
                    node_name: Some("worker-1".into()),
                    host_ip: Some(HOST_IP.parse().unwrap()),
                    external_service_type: None,
                    annotations: BTreeMap::from([(
                        NETWORK_STATUS_ANNOTATION.to_owned(),
                        serde_json::to_string(&status).unwrap(),
                    )]),
                };
                // The rendered per-pod Service, with what the cloud would assign.
                let service_type = settings.service_type(None);
                let service_file = dir.path().join("service.json");
                if service_type.is_external() {
                    let svc = objects
                        .services
                        .iter()
                        .find(|s| s.metadata.name.as_deref() == Some(&format!("{pod}-pod")))
                        .unwrap_or_else(|| panic!("{label}: no per-pod Service"));
                    let mut svc = serde_json::to_value(svc).unwrap();
                    for p in svc["spec"]["ports"].as_array_mut().unwrap() {
                        p["nodePort"] =
                            json!(NODE_PORT + p["port"].as_i64().unwrap() as i32 - 3000);
                    }
                    svc["status"] = json!({"loadBalancer": {"ingress": [{"ip": LB_IP}]}});
                    std::fs::write(&service_file, svc.to_string()).unwrap();
                }
                let node_file = dir.path().join("node.json");
                std::fs::write(
                    &node_file,
                    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"},
                           "status": {"addresses": [{"type": "InternalIP", "address": HOST_IP},
                                                    {"type": "ExternalIP", "address": NODE_EXTERNAL_IP}]}})
                    .to_string(),
                )
                .unwrap();
                let paths = Paths {
                    config_dir,
                    conf_out: dir.path().join("out/aerospike.conf"),
                    run_dir: dir.path().join("run"),
                    bin_dir: None,
                    annotations_file: None,
                };
                let api = FileApi {
                    node: Some(node_file),
                    service: Some(service_file),
                };
                // Volumes are device/mount specific (covered by the volume tests).
                let opts = Options {
                    dry_run: true,
                    skip_volumes: true,
                    ..Options::default()
                };
                let prepared = prepare::run(&paths, &facts, &api, &opts)
                    .await
                    .unwrap_or_else(|e| panic!("{label}: {e}"));
                assert!(!paths.conf_out.exists(), "{label}: dry run wrote the conf");
                assert_eq!(prepared.config_hash, rack.config_hash, "{label}");

                let conf = AerospikeConf::parse(&prepared.conf.text).unwrap();
                assert_eq!(
                    values(&conf, "network.service.access-address"),
                    expected(net.access_type, &net.custom_access_network_names),
                    "{label}"
                );
                assert_eq!(
                    values(&conf, "network.fabric.address"),
                    expected(net.fabric_type, &net.custom_fabric_network_names),
                    "{label}"
                );
                let (alt_addr, alt_port) = match service_type {
                    PodServiceType::LoadBalancer => {
                        (vec![LB_IP.to_owned()], vec!["3000".to_owned()])
                    }
                    PodServiceType::NodePort => (
                        match net.alternate_access_type {
                            NetworkAccessType::HostExternal => vec![NODE_EXTERNAL_IP.to_owned()],
                            _ => vec![HOST_IP.to_owned()],
                        },
                        vec![NODE_PORT.to_string()],
                    ),
                    PodServiceType::ClusterIP => (
                        expected(
                            net.alternate_access_type,
                            &net.custom_alternate_access_network_names,
                        ),
                        vec![],
                    ),
                };
                assert_eq!(
                    values(&conf, "network.service.alternate-access-address"),
                    alt_addr,
                    "{label}"
                );
                assert_eq!(
                    values(&conf, "network.service.alternate-access-port"),
                    alt_port,
                    "{label}"
                );
                // Everything else is the rendered template, unchanged.
                assert_eq!(
                    without_pod_keys(&prepared.conf.text),
                    without_pod_keys(&data["aerospike.conf"]),
                    "{label}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} racks checked");
}
