//! `pods/exec` over WebSocket with the unchanged `kube::Api::exec` (and `kubectl exec`): the
//! operator's warm-restart scripts reach the simulated acko-init supervisor.

mod common;

use common::deploy::deploy;
use common::{WAIT, sim};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams};
use tokio::io::AsyncReadExt;

const CLUSTER: &str = r#"
apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata:
  name: ex
  namespace: exec
spec:
  size: 1
  image: aerospike:ce-8.1.1.1
  podSpec:
    readinessGateEnabled: false
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 1
        storage-engine:
          type: memory
          data-size: 1073741824
"#;

const POD: &str = "ex-0-0";

/// Run `sh -c script` in the aerospike container; (stdout, status of the process).
async fn sh(pods: &Api<Pod>, script: &str) -> (String, Result<(), String>) {
    let params = AttachParams::default()
        .container("aerospike-server")
        .stdout(true)
        .stderr(false);
    let mut proc = pods
        .exec(POD, ["sh", "-c", script], &params)
        .await
        .expect("exec upgrades");
    let mut out = String::new();
    proc.stdout()
        .expect("stdout")
        .read_to_string(&mut out)
        .await
        .unwrap();
    let status = proc.take_status().expect("status").await;
    proc.join().await.unwrap();
    let result = match status {
        Some(s) if s.status.as_deref() == Some("Success") => Ok(()),
        other => Err(format!("{other:?}")),
    };
    (out, result)
}

const READ: &str = "cat /acko/run/applied-config-hash 2>/dev/null; echo '--acko--'; cat /acko/run/last-restart-error 2>/dev/null; true";

#[tokio::test]
async fn the_operators_warm_restart_scripts_reach_the_supervisor() {
    let (client, sim) = sim().await;
    deploy(&client, CLUSTER).await;
    sim.wait_for::<Pod>("exec", POD, WAIT, |p| {
        p.is_some_and(|p| kube_sim::controllers::is_ready(&serde_json::to_value(p).unwrap()))
    })
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "exec");
    let (hash, _) = sim.aerospike_conf("exec", POD).expect("node runs");

    let (out, status) = sh(&pods, READ).await;
    assert_eq!(status, Ok(()));
    assert_eq!(out, format!("{hash}--acko--\n"));

    // a request for a hash the ConfigMap does not carry: the supervisor reports it
    let seen = sim.supervisor_runs();
    let (_, status) = sh(
        &pods,
        "printf %s 0badc0de > /acko/run/.rr && mv /acko/run/.rr /acko/run/restart-request",
    )
    .await;
    assert_eq!(status, Ok(()));
    sim.wait_supervisor(seen, WAIT).await.unwrap();
    let (out, _) = sh(&pods, READ).await;
    assert!(
        out.starts_with(&format!("{hash}--acko--\n")) && out.contains("not the requested 0badc0de"),
        "{out}"
    );

    // the current hash: warm restart, the error file is gone, the node logs the restart
    let seen = sim.supervisor_runs();
    let (_, status) = sh(
        &pods,
        &format!("printf %s {hash} > /acko/run/.rr && mv /acko/run/.rr /acko/run/restart-request"),
    )
    .await;
    assert_eq!(status, Ok(()));
    sim.wait_supervisor(seen, WAIT).await.unwrap();
    assert_eq!(sh(&pods, READ).await.0, format!("{hash}--acko--\n"));
    let logs = pods.logs(POD, &Default::default()).await.unwrap();
    assert!(
        logs.contains(&format!("warm restart applied config hash {hash}")),
        "{logs}"
    );

    // failures carry the exit code like the kubelet reports it
    let (_, status) = sh(&pods, "cat /acko/run/nothing").await;
    let err = status.unwrap_err();
    assert!(err.contains("NonZeroExitCode"), "{err}");
}

#[tokio::test]
async fn kubectl_exec_works() {
    let (client, sim) = sim().await;
    deploy(&client, CLUSTER).await;
    sim.wait_for::<Pod>("exec", POD, WAIT, |p| {
        p.is_some_and(|p| kube_sim::controllers::is_ready(&serde_json::to_value(p).unwrap()))
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("kubeconfig");
    std::fs::write(&cfg, sim.kubeconfig_yaml()).unwrap();
    let out = tokio::process::Command::new("kubectl")
        .args([
            "--kubeconfig",
            cfg.to_str().unwrap(),
            "-n",
            "exec",
            "exec",
            POD,
            "-c",
            "aerospike-server",
            "--",
            "cat",
            "/acko/run/applied-config-hash",
        ])
        .output()
        .await
        .expect("kubectl is installed");
    let (hash, _) = sim.aerospike_conf("exec", POD).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        hash,
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn pod_logs_tail_timestamps_and_follow() {
    use futures::{AsyncBufReadExt, TryStreamExt};
    use kube::api::LogParams;
    let (client, sim) = sim().await;
    deploy(&client, CLUSTER).await;
    sim.wait_for::<Pod>("exec", POD, WAIT, |p| {
        p.is_some_and(|p| kube_sim::controllers::is_ready(&serde_json::to_value(p).unwrap()))
    })
    .await
    .unwrap();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "exec");
    let all = pods.logs(POD, &LogParams::default()).await.unwrap();
    assert!(all.lines().count() > 2, "{all}");
    let last = pods
        .logs(
            POD,
            &LogParams {
                tail_lines: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(last, format!("{}\n", all.lines().last().unwrap()));
    let stamped = pods
        .logs(
            POD,
            &LogParams {
                tail_lines: Some(1),
                timestamps: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (ts, rest) = stamped.split_once(' ').unwrap();
    assert!(ts.parse::<jiff::Timestamp>().is_ok(), "{stamped}");
    assert_eq!(rest, last);

    // follow: new lines arrive on the open stream
    let mut lines = pods
        .log_stream(
            POD,
            &LogParams {
                follow: true,
                tail_lines: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .lines();
    sim.restart_containers("exec", POD).unwrap();
    let line = tokio::time::timeout(WAIT, lines.try_next())
        .await
        .expect("a followed line in time")
        .unwrap();
    assert_eq!(line.as_deref(), Some("kube-sim: containers restarted"));
}
