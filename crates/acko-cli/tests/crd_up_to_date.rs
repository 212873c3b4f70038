//! `acko crd` prints both CRDs, and the copies committed in `deploy/crds/` match them.

use std::path::Path;
use std::process::Command;

fn acko() -> Command {
    Command::new(env!("CARGO_BIN_EXE_acko"))
}

#[test]
fn crd_prints_both_definitions() {
    let out = acko().arg("crd").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("kind: CustomResourceDefinition").count(), 2);
    assert!(text.contains("name: aerospikeclusters.acko.io"));
    assert!(text.contains("name: aerospikeclustertemplates.acko.io"));
    assert_eq!(text, acko_api::crds_yaml().unwrap());
}

#[test]
fn committed_crds_match_acko_crd_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/crds");
    let out = acko().arg("crd").output().unwrap();
    let printed = String::from_utf8(out.stdout).unwrap();
    let mut committed = String::new();
    for name in [
        "aerospikeclusters.acko.io.yaml",
        "aerospikeclustertemplates.acko.io.yaml",
    ] {
        let text = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("deploy/crds/{name}: {e}"));
        committed.push_str("---\n");
        committed.push_str(&text);
    }
    assert!(
        committed == printed,
        "deploy/crds/ is out of date: run `cargo run -p acko-cli --bin acko -- crd --output-dir deploy/crds`"
    );
}

#[test]
fn crd_output_dir_writes_the_committed_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = acko()
        .args(["crd", "--output-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/crds");
    for name in [
        "aerospikeclusters.acko.io.yaml",
        "aerospikeclustertemplates.acko.io.yaml",
    ] {
        let written = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(
            written,
            std::fs::read_to_string(committed.join(name)).unwrap(),
            "{name}"
        );
    }
}
