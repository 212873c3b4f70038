//! `acko render` end to end: runs the built binary on files.

use std::path::{Path, PathBuf};
use std::process::Command;

fn input(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../acko-render/tests/inputs")
        .join(name)
}

fn acko(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_acko"))
        .args(args)
        .output()
        .expect("acko runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("temp file");
    path.to_string_lossy().into_owned()
}

#[test]
fn renders_multi_document_yaml_in_apply_order() {
    let file = input("seed_16_full_networking.yaml");
    let (code, stdout, stderr) = acko(&["render", "-f", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&stdout).expect("valid YAML");
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    // The pods' own ServiceAccount first (acko-render a1f8d79), then their roles.
    assert_eq!(kinds.first(), Some(&"ServiceAccount"));
    assert_eq!(kinds.get(1), Some(&"ClusterRole"));
    assert!(kinds.contains(&"NetworkPolicy"));
    assert_eq!(kinds.last(), Some(&"StatefulSet"));
    let sts = docs.iter().find(|d| d["kind"] == "StatefulSet").unwrap();
    assert_eq!(sts["metadata"]["name"], "production-cluster-0");
    assert_eq!(sts["spec"]["replicas"], 4);
}

#[test]
fn renders_a_json_list() {
    let file = input("large.yaml");
    let (code, stdout, stderr) = acko(&["render", "-f", file.to_str().unwrap(), "-o", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("a JSON array");
    assert!(list.iter().any(|o| o["kind"] == "PrometheusRule"));
    assert_eq!(
        list.iter().filter(|o| o["kind"] == "StatefulSet").count(),
        3
    );
}

#[test]
fn invalid_cluster_exits_1_with_the_validation_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "bad.yaml",
        "apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata:\n  name: bad\nspec:\n  size: 9\n  image: aerospike:ce-8.1.1.1\n",
    );
    let (code, stdout, stderr) = acko(&["render", "-f", &path]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("spec.size"), "{stderr}");
}

#[test]
fn templates_are_merged_and_missing_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = write(
        &dir,
        "c.yaml",
        "apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata:\n  name: c\n  namespace: db\nspec:\n  templateRef:\n    name: small\n  aerospikeConfig:\n    namespaces:\n      - name: test\n        replication-factor: 1\n        storage-engine:\n          type: memory\n          data-size: 1073741824\n",
    );
    let template = write(
        &dir,
        "t.yaml",
        "apiVersion: acko.io/v1alpha1\nkind: AerospikeClusterTemplate\nmetadata:\n  name: small\nspec:\n  image: aerospike:ce-8.1.1.1\n  size: 2\n",
    );
    let (code, stdout, stderr) = acko(&[
        "render",
        "-f",
        &cluster,
        "--template",
        &template,
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let sts = list.iter().find(|o| o["kind"] == "StatefulSet").unwrap();
    assert_eq!(sts["spec"]["replicas"], 2);
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["image"],
        "aerospike:ce-8.1.1.1"
    );

    let (code, _, stderr) = acko(&["render", "-f", &cluster]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("template \"small\" was not found"),
        "{stderr}"
    );
}

#[test]
fn unreadable_file_is_an_error() {
    let (code, _, stderr) = acko(&["render", "-f", "/nonexistent/cluster.yaml"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot read"), "{stderr}");
}
