//! Plugin mode and argument errors of the cluster-facing commands (no Kubernetes needed).

use std::process::{Command, Output};

fn run(bin: &std::path::Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

fn acko(args: &[&str]) -> Output {
    run(std::path::Path::new(env!("CARGO_BIN_EXE_acko")), args)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn named_kubectl_acko_the_binary_presents_itself_as_the_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("kubectl-acko");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_acko"), &link).unwrap();
    let out = run(&link, &["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(help.contains("Usage: kubectl acko <COMMAND>"), "{help}");
    for cmd in [
        "status",
        "restart",
        "pause",
        "resume",
        "collectinfo",
        "render",
        "validate",
        "install",
    ] {
        assert!(
            help.contains(&format!("\n  {cmd} ")),
            "{cmd} missing:\n{help}"
        );
    }
    let plain = text(&acko(&["--help"]).stdout);
    assert!(plain.contains("Usage: acko <COMMAND>"), "{plain}");
}

#[test]
fn bad_names_and_configuration_are_usage_errors_before_any_call() {
    let out = acko(&[
        "status",
        "Bad_Name",
        "-n",
        "db",
        "--kubeconfig",
        "/nonexistent",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("\"Bad_Name\" is not a valid AerospikeCluster name"));
    let out = acko(&[
        "pause",
        "demo",
        "-n",
        "Bad/ns",
        "--kubeconfig",
        "/nonexistent",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a valid namespace name"));
    let out = acko(&[
        "status",
        "demo",
        "-n",
        "db",
        "--kubeconfig",
        "/nonexistent/kc",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot read the kubeconfig /nonexistent/kc"),
        "{err}"
    );
    let out = acko(&["uninstall", "--delete-clusters", "--keep-crds"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the two choices exclude each other"
    );
}

#[test]
fn an_unreachable_api_server_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kc");
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        &kc,
        format!("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u}}\ncurrent-context: c\nusers:\n- name: u\n  user: {{}}\n"),
    )
    .unwrap();
    let out = acko(&[
        "status",
        "demo",
        "-n",
        "db",
        "--kubeconfig",
        kc.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("AerospikeCluster db/demo: cannot reach the Kubernetes API"),
        "{err}"
    );
}
