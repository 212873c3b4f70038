use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::network_status::NETWORK_STATUS_ANNOTATION;

pub(crate) const TEMPLATE: &str = "service {\n    proto-fd-max 15000\n}\nnetwork {\n    service {\n        port 3000\n    }\n    heartbeat {\n        mode mesh\n        port 3002\n        mesh-seed-address-port demo-0-0.demo-headless.aerospike.svc.cluster.local 3002\n    }\n    fabric {\n        port 3001\n    }\n}\nnamespace test {\n    replication-factor 2\n    storage-engine memory {\n        data-size 1073741824\n    }\n}\n";

pub(crate) fn facts() -> PodFacts {
    let mut annotations = BTreeMap::new();
    annotations.insert(
        NETWORK_STATUS_ANNOTATION.to_string(),
        r#"[{"name":"kindnet","ips":["10.244.1.5"],"default":true},{"name":"aerospike/aerospike-sriov-network","interface":"net1","ips":["192.168.10.7"]},{"name":"aerospike/aerospike-macvlan-network","interface":"net2","ips":["172.16.0.9"]}]"#.to_string(),
    );
    PodFacts {
        pod_name: "demo-1-0".into(),
        namespace: "aerospike".into(),
        pod_ip: Some("10.244.1.5".parse().unwrap()),
        node_name: Some("worker-1".into()),
        host_ip: Some("172.18.0.3".parse().unwrap()),
        external_service_type: None,
        annotations,
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    paths: Paths,
    api: FileApi,
}

fn fixture(settings: serde_json::Value) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let config_dir = dir.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(config_dir.join(SETTINGS_KEY), settings.to_string()).unwrap();
    std::fs::write(config_dir.join(CONF_KEY), TEMPLATE).unwrap();
    let node = dir.path().join("node.json");
    std::fs::write(
        &node,
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-1"},
               "status": {"addresses": [{"type": "InternalIP", "address": "172.18.0.3"},
                                        {"type": "ExternalIP", "address": "34.1.2.3"}]}})
        .to_string(),
    )
    .unwrap();
    let service = dir.path().join("service.json");
    std::fs::write(
        &service,
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "demo-1-0-pod"},
               "spec": {"type": "LoadBalancer", "ports": [{"name": "service", "port": 3000, "targetPort": 3000, "nodePort": 31000}]},
               "status": {"loadBalancer": {"ingress": [{"hostname": "a1b2.elb.example.com"}]}}})
        .to_string(),
    )
    .unwrap();
    let paths = Paths {
        config_dir,
        conf_out: dir.path().join("etc/aerospike.conf"),
        run_dir: dir.path().join("run"),
        bin_dir: None,
        annotations_file: None,
    };
    let api = FileApi {
        node: Some(node),
        service: Some(service),
    };
    Fixture { dir, paths, api }
}

fn dry() -> Options {
    Options {
        dry_run: true,
        ..Options::default()
    }
}

#[tokio::test]
async fn dry_run_default_policy() {
    let f = fixture(json!({"configHash": "h1", "network": {}}));
    let p = run(&f.paths, &facts(), &FileApi::default(), &dry())
        .await
        .unwrap();
    insta::assert_snapshot!(dry_run_report(&p));
    assert!(!f.paths.conf_out.exists());
    assert!(!f.paths.applied_hash_file().exists());
}

#[tokio::test]
async fn dry_run_host_external_with_load_balancer() {
    let f = fixture(json!({"configHash": "h2",
        "network": {"accessType": "hostExternal", "alternateAccessType": "hostInternal", "fabricType": "pod"},
        "podService": {"serviceType": "LoadBalancer"}}));
    let p = run(&f.paths, &facts(), &f.api, &dry()).await.unwrap();
    insta::assert_snapshot!(dry_run_report(&p));
}

#[tokio::test]
async fn dry_run_configured_ip_with_volumes() {
    let f = fixture(json!({"configHash": "h3",
        "network": {"accessType": "configuredIP", "customAccessNetworkNames": ["aerospike-sriov-network"],
                    "alternateAccessType": "configuredIP", "customAlternateAccessNetworkNames": ["aerospike-macvlan-network"],
                    "fabricType": "configuredIP", "customFabricNetworkNames": ["aerospike-sriov-network"]},
        "volumes": [], "dirtyVolumes": []}));
    let data = f.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(f.paths.config_dir.join(SETTINGS_KEY)).unwrap(),
    )
    .unwrap();
    settings["volumes"] = json!([{"name": "data", "path": data.display().to_string(),
                                  "initMethod": "deleteFiles", "wipeMethod": "deleteFiles"}]);
    std::fs::write(f.paths.config_dir.join(SETTINGS_KEY), settings.to_string()).unwrap();
    let p = run(&f.paths, &facts(), &f.api, &dry()).await.unwrap();
    insta::assert_snapshot!(dry_run_report(&p));
    assert!(
        !data.join(volumes::MARKER_FILE).exists(),
        "dry run touched the volume"
    );
}

#[tokio::test]
async fn real_run_writes_conf_hash_and_marker() {
    let f = fixture(json!({"configHash": "h4", "network": {}}));
    let data = f.dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(f.paths.config_dir.join(SETTINGS_KEY)).unwrap(),
    )
    .unwrap();
    settings["volumes"] =
        json!([{"name": "data", "path": data.display().to_string(), "initMethod": "deleteFiles"}]);
    std::fs::write(f.paths.config_dir.join(SETTINGS_KEY), settings.to_string()).unwrap();
    let mut fx = facts();
    fx.pod_ip = Some("127.0.0.1".parse().unwrap()); // bindable here
    run(&f.paths, &fx, &FileApi::default(), &Options::default())
        .await
        .unwrap();
    let conf = std::fs::read_to_string(&f.paths.conf_out).unwrap();
    assert!(conf.contains("access-address 127.0.0.1"), "{conf}");
    assert!(conf.contains("mesh-seed-address-port demo-0-0"), "{conf}");
    assert_eq!(
        std::fs::read_to_string(f.paths.applied_hash_file()).unwrap(),
        "h4\n"
    );
    assert!(data.join(volumes::MARKER_FILE).exists());
}

#[tokio::test]
async fn fabric_on_a_foreign_address_is_refused() {
    let f = fixture(json!({"configHash": "h5", "network": {"fabricType": "hostExternal"}}));
    let err = run(&f.paths, &facts(), &f.api, &Options::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("network.fabric.address (fabricType): expected an address of this pod"),
        "{err}"
    );
    assert!(err.contains("34.1.2.3"), "{err}");
    assert!(!f.paths.conf_out.exists());
}

#[tokio::test]
async fn missing_inputs_fail_with_one_line() {
    let f = fixture(json!({"configHash": "h6", "network": {"accessType": "hostInternal"}}));
    let mut fx = facts();
    fx.node_name = None;
    let err = run(&f.paths, &fx, &f.api, &dry())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("NODE_NAME (--node-name): expected"),
        "{err}"
    );
    assert!(!err.contains('\n'));

    let offline = FileApi::default();
    let err = run(&f.paths, &facts(), &offline, &dry())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("--node-file: expected a JSON file with the Node"),
        "{err}"
    );

    std::fs::remove_file(f.paths.config_dir.join(CONF_KEY)).unwrap();
    let err = run(&f.paths, &facts(), &f.api, &dry())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("ConfigMap key `aerospike.conf`"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn configured_ip_waits_for_the_annotation_to_reach_the_file() {
    let f = fixture(json!({"configHash": "h7",
        "network": {"accessType": "configuredIP", "customAccessNetworkNames": ["aerospike-sriov-network"]}}));
    let file = f.dir.path().join("annotations");
    std::fs::write(&file, "kubernetes.io/config.seen=\"2026-11-22\"\n").unwrap();
    let mut paths = f.paths.clone();
    paths.annotations_file = Some(file.clone());
    let mut fx = facts();
    fx.annotations.clear();
    fx.pod_ip = Some("127.0.0.1".parse().unwrap());
    // The kubelet refreshes the downward-API file after Multus annotated the pod.
    let status = facts().annotations[NETWORK_STATUS_ANNOTATION].clone();
    let line = format!(
        "{NETWORK_STATUS_ANNOTATION}=\"{}\"\n",
        status.replace('\\', "\\\\").replace('"', "\\\"")
    );
    let writer = tokio::spawn({
        let file = file.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(9)).await;
            std::fs::write(&file, line).unwrap();
        }
    });
    let start = tokio::time::Instant::now();
    let p = run(&paths, &fx, &FileApi::default(), &Options::default())
        .await
        .unwrap();
    writer.await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert_eq!(p.resolved.access_address, vec!["192.168.10.7"]);

    // Never appears: resolution reports it after the timeout.
    std::fs::write(&file, "").unwrap();
    let opts = Options {
        external_timeout: Some(Duration::from_secs(30)),
        ..Options::default()
    };
    let start = tokio::time::Instant::now();
    let err = run(&paths, &fx, &FileApi::default(), &opts)
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(start.elapsed(), Duration::from_secs(30));
    assert!(err.contains("no such annotation"), "{err}");
}

/// Two pods of one rack share the ConfigMap; the volume of each pod is mounted at the same
/// path (moved into place before that pod "starts").
#[tokio::test]
async fn a_wipe_request_wipes_only_the_pod_it_names() {
    use acko_api::contract::{WipeRequest, wipe_request_key};
    let f = fixture(json!({"configHash": "h5", "network": {}}));
    let mount = f.dir.path().join("mnt/data");
    std::fs::create_dir_all(mount.parent().unwrap()).unwrap();
    let mut settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(f.paths.config_dir.join(SETTINGS_KEY)).unwrap(),
    )
    .unwrap();
    settings["volumes"] = json!([{"name": "data", "path": mount.display().to_string(),
                                  "initMethod": "deleteFiles", "wipeMethod": "deleteFiles"}]);
    std::fs::write(f.paths.config_dir.join(SETTINGS_KEY), settings.to_string()).unwrap();
    let pod = |name: &str| {
        let mut fx = facts();
        fx.pod_name = name.into();
        fx.pod_ip = Some("127.0.0.1".parse().unwrap());
        fx
    };
    let volume_of = |name: &str| f.dir.path().join(format!("pv-{name}"));
    // Start a pod: mount its own volume, run prepare, unmount.
    let start = |name: &'static str| {
        let paths = f.paths.clone();
        let mount = mount.clone();
        let pv = volume_of(name);
        let facts = pod(name);
        async move {
            std::fs::rename(&pv, &mount).unwrap();
            let r = run(&paths, &facts, &FileApi::default(), &Options::default()).await;
            std::fs::rename(&mount, &pv).unwrap();
            r
        }
    };
    for name in ["demo-1-0", "demo-1-1"] {
        std::fs::create_dir_all(volume_of(name)).unwrap();
        start(name).await.unwrap();
        std::fs::write(volume_of(name).join("test.dat"), b"records").unwrap();
    }
    // The operator asks to wipe demo-1-1's volume, then both pods restart.
    let request = WipeRequest::new("demo-1-1", "req-1", &["data"]);
    std::fs::write(
        f.paths.config_dir.join(wipe_request_key("demo-1-1")),
        serde_json::to_string(&request).unwrap(),
    )
    .unwrap();
    start("demo-1-0").await.unwrap();
    start("demo-1-1").await.unwrap();
    assert!(
        volume_of("demo-1-0").join("test.dat").exists(),
        "the other pod's data was wiped"
    );
    assert!(
        !volume_of("demo-1-1").join("test.dat").exists(),
        "the named pod was not wiped"
    );

    // The same request is carried out once: new data survives another restart.
    std::fs::write(volume_of("demo-1-1").join("test.dat"), b"new").unwrap();
    start("demo-1-1").await.unwrap();
    assert!(volume_of("demo-1-1").join("test.dat").exists());

    // A request under a pod's key that names another pod or claim is refused, untouched.
    let mut wrong = WipeRequest::new("demo-1-1", "req-2", &["data"]);
    wrong.volumes[0].claim = "data-demo-1-0".into();
    std::fs::write(
        f.paths.config_dir.join(wipe_request_key("demo-1-1")),
        serde_json::to_string(&wrong).unwrap(),
    )
    .unwrap();
    let err = start("demo-1-1").await.unwrap_err().to_string();
    assert!(err.contains("data-demo-1-0"), "{err}");
    assert!(volume_of("demo-1-1").join("test.dat").exists());
    let other_pod = WipeRequest::new("demo-1-0", "req-3", &["data"]);
    std::fs::write(
        f.paths.config_dir.join(wipe_request_key("demo-1-1")),
        serde_json::to_string(&other_pod).unwrap(),
    )
    .unwrap();
    let err = start("demo-1-1").await.unwrap_err().to_string();
    assert!(err.contains("demo-1-0"), "{err}");
    assert!(volume_of("demo-1-1").join("test.dat").exists());
}

/// An API that never answers.
struct Hung;

impl ClusterApi for Hung {
    async fn get_node(&self, _name: &str) -> Result<Node, InitError> {
        std::future::pending().await
    }

    async fn get_service(&self, _namespace: &str, _name: &str) -> Result<Service, InitError> {
        std::future::pending().await
    }
}

#[tokio::test(start_paused = true)]
async fn all_api_work_is_bounded_by_the_external_address_timeout() {
    let f = fixture(
        json!({"configHash": "h6", "network": {"accessType": "hostInternal"},
                           "externalAddressTimeoutSeconds": 30}),
    );
    let start = tokio::time::Instant::now();
    let err = run(&f.paths, &facts(), &Hung, &dry()).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("within externalAddressTimeoutSeconds (30 s)"),
        "{err}"
    );
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(30) + API_DEADLINE_GRACE
    );
}
