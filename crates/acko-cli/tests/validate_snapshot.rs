//! The complete report of `acko validate` for an input with many mistakes, as a snapshot.

use std::path::Path;
use std::process::Command;

#[test]
fn report_of_an_invalid_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_acko"))
        .current_dir(dir)
        .args(["validate", "-f", "tests/inputs/invalid-cluster.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
