//! `POST /k8s/clusters` takes the CRD spec itself: the repository's examples and a spec with
//! every field the seed's creation wizard and edit dialog collect are stored unchanged (no lossy
//! copy), and an edit of those fields is a diff that changes only them.

mod common;

use std::time::Duration;

use acm::Config;
use axum::Router;
use common::{call, get, post};
use http::Method;
use kube_sim::Sim;
use serde_json::{Value, json};

async fn app() -> (Router, kube_sim::SimHandle) {
    common::init();
    let mut config = Config::for_tests();
    config.k8s_management_enabled = true;
    config.k8s_timeout = Duration::from_secs(5);
    let state = common::state_with(config).await;
    let (client, sim) = Sim::start().await.expect("kube-sim starts");
    state.k8s.set_client(client);
    (acm::app(state), sim)
}

/// Paths where `actual` lacks or differs from a leaf of `expected`.
fn missing(actual: &Value, expected: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => missing(av, v, &p, out),
                    None => out.push(p),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                missing(av, ev, &format!("{path}[{i}]"), out);
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: sent {e}, stored {a}")),
    }
}

fn assert_stored(stored: &Value, sent: &Value, what: &str) {
    let mut out = Vec::new();
    missing(stored, sent, "spec", &mut out);
    assert!(out.is_empty(), "{what}: fields lost or changed: {out:#?}");
}

fn documents(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.split("\n---")
        .map(|d| d.trim())
        .filter(|d| d.lines().any(|l| l.starts_with("kind:")))
        .map(|d| serde_saphyr::from_str::<Value>(d).unwrap_or_else(|e| panic!("{path}: {e}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_repository_examples_are_created_unchanged() {
    let (app, _sim) = app().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut created = 0;
    for file in [
        "minimal.yaml",
        "networking-full.yaml",
        "three-racks.yaml",
        "template-and-cluster.yaml",
    ] {
        for doc in documents(&format!("{dir}/{file}")) {
            let name = doc["metadata"]["name"].as_str().unwrap().to_string();
            let spec = doc["spec"].clone();
            match doc["kind"].as_str() {
                Some("AerospikeClusterTemplate") => {
                    let r = post(
                        &app,
                        "/api/v1/k8s/templates",
                        json!({"name": name, "spec": spec}),
                    )
                    .await;
                    assert_eq!(r.status, 201, "{file}: {}", r.text());
                    let t = get(&app, &format!("/api/v1/k8s/templates/{name}")).await;
                    assert_stored(&t.json()["spec"], &spec, file);
                }
                Some("AerospikeCluster") => {
                    let r = post(
                        &app,
                        "/api/v1/k8s/clusters",
                        json!({"name": name, "namespace": "default", "spec": spec,
                               "autoConnect": false}),
                    )
                    .await;
                    assert_eq!(r.status, 201, "{file}: {}", r.text());
                    let d = get(&app, &format!("/api/v1/k8s/clusters/default/{name}")).await;
                    assert_stored(&d.json()["spec"], &spec, file);
                    created += 1;
                }
                other => panic!("{file}: unexpected kind {other:?}"),
            }
        }
    }
    assert_eq!(created, 4, "one cluster per example file");
}

/// A spec using every field of the seed's wizard steps and edit dialog that Community Edition
/// supports (ACL is Enterprise-only and answered 422 by the validation test).
fn wizard_spec() -> Value {
    json!({
        "size": 3,
        "image": "aerospike:ce-8.1.1.1",
        "enableDynamicConfigUpdate": true,
        "templateRef": null,
        "aerospikeConfig": {
            "service": {"proto-fd-max": 15000},
            "namespaces": [{"name": "test", "replication-factor": 2,
                "storage-engine": {"type": "memory", "data-size": 1_073_741_824u64}}]
        },
        "storage": {"volumes": [{"name": "data",
            "source": {"persistentVolume": {"storageClass": "standard", "size": "1Gi"}},
            "aerospike": {"path": "/opt/aerospike/data"}, "cascadeDelete": true}]},
        "monitoring": {
            "enabled": true,
            "exporterImage": "aerospike/aerospike-prometheus-exporter:v1.16.1",
            "metricLabels": {"team": "db"},
            "env": [{"name": "AS_LOG_LEVEL", "value": "info"}],
            "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
            "serviceMonitor": {"enabled": true, "interval": "15s", "labels": {"release": "prom"}},
            "prometheusRule": {"enabled": true, "customRules": [
                {"name": "aerospike-custom", "rules": [{"alert": "AerospikeDown",
                    "expr": "aerospike_node_up == 0", "for": "1m"}]}
            ]}
        },
        "aerospikeNetworkPolicy": {"accessType": "pod", "alternateAccessType": "pod",
            "fabricType": "pod"},
        "networkPolicyConfig": {"enabled": true, "type": "kubernetes"},
        "seedsFinderServices": {"loadBalancer": {"port": 3000,
            "annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"},
            "labels": {"exposure": "external"}, "loadBalancerSourceRanges": ["10.0.0.0/8"]}},
        "headlessService": {"metadata": {"annotations": {"prometheus.io/scrape": "true"}}},
        "podService": {"serviceType": "NodePort", "metadata": {"labels": {"mesh": "on"}}},
        "bandwidthConfig": {"ingress": "1Gbps", "egress": "500Mbps"},
        "k8sNodeBlockList": ["sim-node-9"],
        "validationPolicy": {"skipWorkDirValidate": true},
        "rollingUpdateBatchSize": 1,
        "maxUnavailable": "34%",
        "disablePDB": false,
        "rackConfig": {
            "racks": [
                {"id": 1, "zone": "a", "storage": {"volumes": [{"name": "data",
                    "source": {"persistentVolume": {"storageClass": "standard", "size": "2Gi"}},
                    "aerospike": {"path": "/opt/aerospike/data"}}]}},
                {"id": 2, "zone": "b", "podSpec": {"nodeSelector": {"disk": "ssd"}},
                    "aerospikeConfig": {"service": {"proto-fd-max": 20000}}},
                {"id": 3, "zone": "c", "podSpec": {"tolerations": [{"key": "dedicated",
                    "operator": "Equal", "value": "aerospike", "effect": "NoSchedule"}]}}
            ],
            "rollingUpdateBatchSize": 1,
            "scaleDownBatchSize": 1,
            "maxIgnorablePods": 1
        },
        "podSpec": {
            "aerospikeContainer": {"resources": {
                "requests": {"cpu": "500m", "memory": "2Gi"},
                "limits": {"cpu": "1", "memory": "4Gi"}}},
            "sidecars": [{"name": "log-shipper", "image": "busybox:1.36",
                "args": ["sh", "-c", "sleep infinity"]}],
            "initContainers": [{"name": "sysctl", "image": "busybox:1.36",
                "command": ["sh", "-c", "true"]}],
            "imagePullSecrets": [{"name": "registry-cred"}],
            "nodeSelector": {"pool": "db"},
            "tolerations": [{"key": "db", "operator": "Exists", "effect": "NoSchedule"}],
            "securityContext": {"fsGroup": 2000},
            "serviceAccountName": "aerospike",
            "terminationGracePeriodSeconds": 120,
            "topologySpreadConstraints": [{"maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"acko.io/cluster": "wizard"}}}],
            "metadata": {"labels": {"team": "db"}, "annotations": {"owner": "platform"}}
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_wizard_field_is_stored_and_edited_by_diff() {
    let (app, _sim) = app().await;
    let mut spec = wizard_spec();
    spec.as_object_mut().unwrap().remove("templateRef");
    let r = post(
        &app,
        "/api/v1/k8s/clusters",
        json!({"name": "wizard", "namespace": "default", "spec": spec,
               "labels": {"env": "prod"}, "annotations": {"note": "from the wizard"}}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let d = get(&app, "/api/v1/k8s/clusters/default/wizard")
        .await
        .json();
    assert_stored(&d["spec"], &spec, "wizard spec");
    assert_eq!(d["labels"]["env"], "prod");
    assert_eq!(d["annotations"]["note"], "from the wizard");

    // The edit dialog: change a few of those fields; only they change.
    let rv = d["resourceVersion"].as_str().unwrap().to_string();
    let change = json!({
        "image": "aerospike:ce-8.1.1.2",
        "bandwidthConfig": {"egress": "2Gbps"},
        "k8sNodeBlockList": ["sim-node-8", "sim-node-9"],
        "podSpec": {"terminationGracePeriodSeconds": 60, "imagePullSecrets": null},
    });
    let r = call(
        &app,
        Method::PATCH,
        "/api/v1/k8s/clusters/default/wizard",
        Some(json!({"resourceVersion": rv, "spec": change})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mut changed: Vec<String> = r.json()["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    changed.sort();
    assert_eq!(
        changed,
        [
            "spec.bandwidthConfig.egress",
            "spec.image",
            "spec.k8sNodeBlockList",
            "spec.podSpec.imagePullSecrets",
            "spec.podSpec.terminationGracePeriodSeconds",
        ]
    );
    let after = get(&app, "/api/v1/k8s/clusters/default/wizard")
        .await
        .json();
    let mut want = spec.clone();
    want["image"] = json!("aerospike:ce-8.1.1.2");
    want["bandwidthConfig"]["egress"] = json!("2Gbps");
    want["k8sNodeBlockList"] = json!(["sim-node-8", "sim-node-9"]);
    want["podSpec"]["terminationGracePeriodSeconds"] = json!(60);
    want["podSpec"]
        .as_object_mut()
        .unwrap()
        .remove("imagePullSecrets");
    assert_stored(&after["spec"], &want, "after the edit");
    assert!(
        after["spec"]["podSpec"].get("imagePullSecrets").is_none(),
        "{after}"
    );
}
