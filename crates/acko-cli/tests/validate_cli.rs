//! `acko validate`: exit codes 0 (valid), 1 (invalid), 2 (unreadable / not YAML) and output.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn acko() -> Command {
    Command::new(env!("CARGO_BIN_EXE_acko"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validate_files(files: &[&Path]) -> Output {
    let mut cmd = acko();
    cmd.arg("validate");
    for f in files {
        cmd.arg("-f").arg(f);
    }
    cmd.output().unwrap()
}

fn validate_stdin(input: &[u8], extra: &[&str]) -> Output {
    let mut child = acko()
        .args(["validate", "-f", "-"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const VALID: &str = "apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata:\n  name: demo\n  namespace: db\nspec:\n  size: 3\n  image: aerospike:ce-8.1.1.1\n";

#[test]
fn every_example_is_valid() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for f in &files {
        let out = validate_files(&[f]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}{}",
            f.display(),
            stdout(&out),
            stderr(&out)
        );
        assert!(!stdout(&out).contains("error:"), "{}", stdout(&out));
    }
}

#[test]
fn template_is_resolved_from_the_same_input() {
    let out = validate_files(&[&root().join("examples/template-and-cluster.yaml")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("AerospikeClusterTemplate standard-3node: valid"),
        "{text}"
    );
    assert!(
        text.contains("AerospikeCluster aerospike/sessions: valid"),
        "{text}"
    );
    assert!(!text.contains("warning"), "{text}");
}

#[test]
fn missing_template_is_a_warning_not_a_failure() {
    let input = VALID.replace(
        "  size: 3\n  image: aerospike:ce-8.1.1.1\n",
        "  templateRef:\n    name: elsewhere\n",
    );
    let out = validate_stdin(input.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out)
            .contains("warning: spec.templateRef.name: template \"elsewhere\" is not in the input"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn template_values_are_checked_after_merging() {
    let input = format!(
        "apiVersion: acko.io/v1alpha1\nkind: AerospikeClusterTemplate\nmetadata:\n  name: small\nspec:\n  size: 2\n  image: aerospike:ce-8.1.1.1\n---\n{}",
        VALID.replace("  size: 3\n  image: aerospike:ce-8.1.1.1\n", "  templateRef:\n    name: small\n  rackConfig:\n    racks:\n      - id: 1\n      - id: 2\n      - id: 3\n")
    );
    let out = validate_stdin(input.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out)
            .contains("spec.rackConfig.racks: 3 racks for 2 node(s): some racks would be empty"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn valid_input_exits_0() {
    let out = validate_stdin(VALID.as_bytes(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "- (document 1) AerospikeCluster db/demo: valid\n"
    );
}

#[test]
fn every_problem_is_printed_as_path_message_hint_and_exit_1() {
    let input = VALID
        .replace("size: 3", "size: 9")
        .replace("ce-8.1.1.1", "ee-8.1.1.1")
        + "  bandwidthConfig:\n    ingress: lots\n";
    let out = validate_stdin(input.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("invalid, 3 error(s)"), "{text}");
    assert!(text.contains("-:7: error: spec.size: size 9 is out of range: Aerospike CE clusters have 1 to 8 nodes (set spec.size between 1 and 8)"), "{text}");
    assert!(text.contains("-:8: error: spec.image: "), "{text}");
    assert!(
        text.contains(
            "-:10: error: spec.bandwidthConfig.ingress: \"lots\" does not start with a number ("
        ),
        "{text}"
    );
}

#[test]
fn warnings_are_printed_but_do_not_fail() {
    let input = VALID.replace("aerospike:ce-8.1.1.1", "aerospike:latest");
    let out = validate_stdin(input.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("valid, 1 warning(s)"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out)
            .contains("-:8: warning: spec.image: \"aerospike:latest\" has no fixed version"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn one_bad_document_among_good_ones_fails_and_names_the_document() {
    let input = format!(
        "{VALID}---\n{}",
        VALID
            .replace("demo", "second")
            .replace("size: 3", "size: 0")
    );
    let out = validate_stdin(input.as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("(document 1) AerospikeCluster db/demo: valid"),
        "{text}"
    );
    assert!(
        text.contains("(document 2) AerospikeCluster db/second: invalid, 1 error(s)"),
        "{text}"
    );
}

#[test]
fn json_output() {
    let input = VALID.replace("size: 3", "size: 12");
    let out = validate_stdin(input.as_bytes(), &["-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["valid"], false);
    assert_eq!(v[0]["problems"][0]["path"], "spec.size");
    assert_eq!(v[0]["problems"][0]["severity"], "error");
}

#[test]
fn unreadable_or_non_yaml_input_exits_2() {
    let missing = validate_files(&[Path::new("/definitely/not/here.yaml")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("cannot read /definitely/not/here.yaml"),
        "{}",
        stderr(&missing)
    );

    let broken = validate_stdin(b"spec:\n  size: [3\n", &[]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains("not valid YAML: line "),
        "{}",
        stderr(&broken)
    );

    let binary = validate_stdin(&[0xff, 0xfe, 0x00, 0x81], &[]);
    assert_eq!(binary.status.code(), Some(2));

    let empty = validate_stdin(b"# nothing here\n", &[]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("no YAML documents"),
        "{}",
        stderr(&empty)
    );
}

#[test]
fn yaml_that_is_not_a_resource_exits_1() {
    let out = validate_stdin(b"just a string\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    let out = validate_stdin(b"apiVersion: acko.io/v1alpha1\nspec: {}\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error: kind: the document has no kind"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn names_kubernetes_would_refuse_are_rejected_with_path_and_limit() {
    let out = validate_stdin(VALID.replace("name: demo", "name: 1abc").as_bytes(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error: metadata.name: \"1abc\" is not a DNS-1035 label"),
        "{text}"
    );
    let long = "a".repeat(55);
    let out = validate_stdin(
        VALID
            .replace("name: demo", &format!("name: {long}"))
            .as_bytes(),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error: metadata.name: name is too long (55 characters, the limit is 50)"),
        "{text}"
    );
}
