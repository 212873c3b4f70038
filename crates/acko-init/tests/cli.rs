//! The real `acko-init` binary, end to end: offline `prepare`, its one-line errors, and
//! `supervise` driven by the trigger file, SIGHUP and SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

const BIN: &str = env!("CARGO_BIN_EXE_acko-init");

fn write_config(dir: &Path, hash: &str, proto_fd_max: u32, network: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("acko-init.json"),
        format!(r#"{{"configHash": "{hash}", "network": {network}}}"#),
    )
    .unwrap();
    std::fs::write(
        dir.join("aerospike.conf"),
        format!("service {{\n    proto-fd-max {proto_fd_max}\n}}\nnetwork {{\n    service {{\n        port 3000\n    }}\n    fabric {{\n        port 3001\n    }}\n}}\n"),
    )
    .unwrap();
}

fn base(cmd: &mut Command, root: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("POD_NAME", "demo-0-0")
        .env("POD_NAMESPACE", "aerospike")
        .env("POD_IP", "127.0.0.1")
        .env("NODE_NAME", "worker-1")
        .env("HOST_IP", "127.0.0.1")
        .arg("--config-dir")
        .arg(root.join("config"))
        .arg("--conf-out")
        .arg(root.join("etc/aerospike.conf"))
        .arg("--run-dir")
        .arg(root.join("run"))
        .arg("--annotations-file")
        .arg(root.join("annotations"));
}

#[test]
fn prepare_dry_run_prints_the_final_conf() {
    let root = tempfile::tempdir().unwrap();
    write_config(
        &root.path().join("config"),
        "h1",
        15000,
        r#"{"accessType": "hostExternal", "alternateAccessType": "hostInternal"}"#,
    );
    let node = root.path().join("node.json");
    std::fs::write(
        &node,
        r#"{"metadata": {"name": "worker-1"}, "status": {"addresses": [
            {"type": "InternalIP", "address": "172.18.0.3"}, {"type": "ExternalIP", "address": "34.1.2.3"}]}}"#,
    )
    .unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("prepare");
    base(&mut cmd, root.path());
    let out = cmd
        .arg("--dry-run")
        .arg("--node-file")
        .arg(&node)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    assert!(!root.path().join("etc/aerospike.conf").exists());
}

#[test]
fn prepare_failure_is_one_line_and_exit_1() {
    let root = tempfile::tempdir().unwrap();
    write_config(
        &root.path().join("config"),
        "h1",
        1,
        r#"{"accessType": "configuredIP", "customAccessNetworkNames": ["sriov"]}"#,
    );
    let mut cmd = Command::new(BIN);
    cmd.arg("prepare");
    base(&mut cmd, root.path());
    // No Multus annotation will appear: do not wait the default 120 s for it.
    let out = cmd
        .args(["--no-copy-binary", "--external-timeout-seconds", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let last = stderr.lines().last().unwrap();
    assert_eq!(
        last,
        "acko-init: pod annotation k8s.v1.cni.cncf.io/network-status: expected the Multus network \
         status listing customAccessNetworkNames [\"sriov\"] (needed by accessType: configuredIP), \
         found no such annotation (is Multus installed and the pod attached to the networks?)"
    );
}

#[test]
fn prepare_writes_conf_hash_and_copies_itself() {
    let root = tempfile::tempdir().unwrap();
    write_config(&root.path().join("config"), "h1", 1, "{}");
    let mut cmd = Command::new(BIN);
    cmd.arg("prepare");
    base(&mut cmd, root.path());
    let out = cmd
        .arg("--bin-dir")
        .arg(root.path().join("bin"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conf = std::fs::read_to_string(root.path().join("etc/aerospike.conf")).unwrap();
    assert!(conf.contains("access-address 127.0.0.1"), "{conf}");
    assert_eq!(
        std::fs::read_to_string(root.path().join("run/applied-config-hash")).unwrap(),
        "h1\n"
    );
    let copied = std::fs::read(root.path().join("bin/acko-init")).unwrap();
    assert_eq!(copied, std::fs::read(BIN).unwrap());
}

#[test]
fn supervise_exits_with_the_child_status() {
    let root = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("supervise");
    base(&mut cmd, root.path());
    let status = cmd
        .args(["--", "sh", "-c", "exit 7"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(7));
}

/// Reads stderr lines until one contains `needle`; returns it.
fn wait_for_line(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    needle: &str,
) -> String {
    for line in lines {
        let line = line.unwrap();
        if line.contains(needle) {
            return line;
        }
    }
    panic!("stderr ended before a line containing {needle:?}");
}

#[test]
fn supervise_warm_restarts_on_trigger_file_and_sighup_then_stops_on_sigterm() {
    let root = tempfile::tempdir().unwrap();
    let config = root.path().join("config");
    write_config(&config, "h1", 1, "{}");
    let mut cmd = Command::new(BIN);
    cmd.arg("supervise");
    base(&mut cmd, root.path());
    let mut child = cmd
        .args(["--trigger-poll-ms", "20", "--", "sleep", "1000"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = Pid::from_raw(child.id() as i32);
    // Safety net only: never let a broken supervisor hang the test run.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            done_rx.recv_timeout(std::time::Duration::from_secs(120))
        {
            let _ = kill(pid, Signal::SIGKILL);
        }
    });
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    wait_for_line(&mut lines, "started");

    // Trigger file with the new hash: the ConfigMap is updated first.
    write_config(&config, "h2", 2, "{}");
    std::fs::create_dir_all(root.path().join("run")).unwrap();
    std::fs::write(root.path().join("run/restart-request"), "h2\n").unwrap();
    let line = wait_for_line(&mut lines, "warm restart applied config hash");
    assert!(line.contains("h2"), "{line}");
    let conf = std::fs::read_to_string(root.path().join("etc/aerospike.conf")).unwrap();
    assert!(conf.contains("proto-fd-max 2"), "{conf}");
    assert_eq!(
        std::fs::read_to_string(root.path().join("run/applied-config-hash")).unwrap(),
        "h2\n"
    );

    // SIGHUP: restart with whatever the ConfigMap holds now.
    write_config(&config, "h3", 3, "{}");
    kill(pid, Signal::SIGHUP).unwrap();
    let line = wait_for_line(&mut lines, "warm restart applied config hash");
    assert!(line.contains("h3"), "{line}");

    kill(pid, Signal::SIGTERM).unwrap();
    let status = child.wait().unwrap();
    let _ = done_tx.send(());
    assert_eq!(
        status.code(),
        Some(143),
        "sleep killed by the forwarded SIGTERM"
    );
}
