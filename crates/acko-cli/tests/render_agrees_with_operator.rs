//! `acko render` and the operator agree: for the same cluster (and template) documents, the
//! objects the `acko` binary prints are exactly the operator's desired objects, up to what the
//! operator documents adding when it applies them (`acko_operator::desired::finish`: the owner
//! reference uid, no owner references on cluster-scoped objects, the desired-hash annotation).

use std::path::{Path, PathBuf};
use std::process::Command;

use acko_api::{AerospikeCluster, AerospikeClusterTemplate};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cli_objects(file: &Path) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_acko"))
        .args(["render", "-o", "json", "-f"])
        .arg(file)
        .output()
        .expect("acko runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON array")
}

fn operator_objects(file: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(file).expect("input");
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).expect("YAML");
    let templates: Vec<AerospikeClusterTemplate> = docs
        .iter()
        .filter(|d| d["kind"] == "AerospikeClusterTemplate")
        .map(|d| serde_json::from_value(d.clone()).expect("template"))
        .collect();
    docs.iter()
        .filter(|d| d["kind"] == "AerospikeCluster")
        .flat_map(|d| {
            let mut cluster: AerospikeCluster = serde_json::from_value(d.clone()).expect("cluster");
            cluster.metadata.uid = Some("uid-1".into());
            let desired =
                acko_operator::desired::desired(&cluster, &templates, &Default::default())
                    .expect("valid input");
            desired.objects.into_iter().map(|o| o.value)
        })
        .collect()
}

#[test]
fn acko_render_and_the_operator_produce_the_same_objects() {
    let mut inputs: Vec<PathBuf> = [
        "minimal.yaml",
        "networking-full.yaml",
        "template-and-cluster.yaml",
        "three-racks.yaml",
    ]
    .iter()
    .map(|f| root().join("examples").join(f))
    .collect();
    inputs.extend(
        [
            "seed_05_network_policy_cilium.yaml",
            "seed_13_pod_service_load_balancer.yaml",
            "seed_16_full_networking.yaml",
        ]
        .iter()
        .map(|f| root().join("crates/acko-render/tests/inputs").join(f)),
    );
    for file in inputs {
        let cli: Vec<Value> = cli_objects(&file)
            .into_iter()
            .map(|v| acko_operator::desired::finish(v, "uid-1"))
            .collect();
        let operator = operator_objects(&file);
        assert!(!cli.is_empty(), "{}", file.display());
        assert_eq!(
            cli.len(),
            operator.len(),
            "{}: object count",
            file.display()
        );
        for (a, b) in cli.iter().zip(&operator) {
            assert_eq!(
                a,
                b,
                "{}: {} {}",
                file.display(),
                a["kind"],
                a["metadata"]["name"]
            );
        }
    }
}
