//! kubectl 1.32+ against the simulator: apply, get, label selectors, wait, server-side apply,
//! delete. Skipped with a notice when kubectl is not installed (a failure under CI=true).

mod common;

use std::io::Write;

use common::sim;

async fn kubectl(kubeconfig: &std::path::Path, args: &[&str]) -> (bool, String) {
    let out = tokio::process::Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .output()
        .await
        .expect("kubectl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn kubectl_present() -> bool {
    let found = std::process::Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "kubectl is required under CI=true"
        );
        eprintln!("NOTICE: kubectl not installed; kubectl test skipped");
    }
    found
}

const MANIFEST: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {app: web}}
data: {mode: fast}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: "nginx:1"}]
"#;

#[tokio::test]
async fn kubectl_apply_get_wait_delete() {
    if !kubectl_present() {
        return;
    }
    let (_client, sim) = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("sim.kubeconfig");
    std::fs::write(&kc, sim.kubeconfig_yaml()).unwrap();
    let manifest = dir.path().join("m.yaml");
    std::fs::File::create(&manifest)
        .unwrap()
        .write_all(MANIFEST.as_bytes())
        .unwrap();
    let m = manifest.to_str().unwrap();

    let (ok, out) = kubectl(&kc, &["get", "nodes", "-L", "topology.kubernetes.io/zone"]).await;
    assert!(ok && out.contains("sim-node-3"), "{out}");
    // validation on (kubectl's default): kubectl learns from /openapi/v3 that the server
    // validates fields itself
    let (ok, out) = kubectl(&kc, &["apply", "-f", m]).await;
    assert!(
        ok && out.contains("pod/web created") && out.contains("configmap/settings created"),
        "{out}"
    );
    let (ok, out) = kubectl(&kc, &["apply", "-f", m]).await;
    assert!(
        ok && out.contains("unchanged"),
        "re-apply is a no-op: {out}"
    );
    let (ok, out) = kubectl(
        &kc,
        &["wait", "--for=condition=Ready", "pod/web", "--timeout=20s"],
    )
    .await;
    assert!(ok && out.contains("condition met"), "{out}");
    let (ok, out) = kubectl(
        &kc,
        &[
            "get",
            "pods",
            "-l",
            "app=web",
            "-o",
            "jsonpath={.items[*].status.podIP}",
        ],
    )
    .await;
    assert!(ok && out.starts_with("127.10."), "{out}");
    let (ok, out) = kubectl(
        &kc,
        &["apply", "--server-side", "--field-manager=ops", "-f", m],
    )
    .await;
    assert!(ok && out.contains("serverside-applied"), "{out}");
    let (ok, out) = kubectl(
        &kc,
        &["get", "crd", "aerospikeclusters.acko.io", "-o", "name"],
    )
    .await;
    assert!(ok && out.contains("aerospikeclusters.acko.io"), "{out}");
    let (ok, out) = kubectl(&kc, &["logs", "web"]).await;
    assert!(ok && out.contains("started container web"), "{out}");
    let (ok, out) = kubectl(&kc, &["logs", "web", "--tail=1", "--timestamps"]).await;
    assert!(
        ok && out.lines().count() == 1 && out.contains("Z "),
        "{out}"
    );
    // a custom resource with validation on
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/minimal.yaml");
    let (ok, out) = kubectl(&kc, &["create", "namespace", "aerospike"]).await;
    assert!(
        !ok && out.contains("protobuf"),
        "generators speak protobuf, which kube-sim does not: {out}"
    );
    let ns = dir.path().join("ns.yaml");
    std::fs::write(
        &ns,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: aerospike}\n",
    )
    .unwrap();
    let (ok, out) = kubectl(&kc, &["apply", "-f", ns.to_str().unwrap(), "-f", example]).await;
    assert!(
        ok && out.contains("aerospikecluster.acko.io/demo created"),
        "{out}"
    );
    let (ok, out) = kubectl(&kc, &["delete", "-f", m, "--wait=true"]).await;
    assert!(ok && out.contains("deleted"), "{out}");
    let (ok, out) = kubectl(&kc, &["get", "pod", "web"]).await;
    assert!(!ok && out.contains("NotFound"), "{out}");
}

/// `kubectl create --raw /sim/v1/faults -f RULE`.
async fn post_fault(kubeconfig: &std::path::Path, rule: &std::path::Path) -> (bool, String) {
    kubectl(
        kubeconfig,
        &[
            "create",
            "--raw",
            "/sim/v1/faults",
            "-f",
            rule.to_str().unwrap(),
        ],
    )
    .await
}

/// The simulator's fault routes (`/sim/v1/faults`) work from outside the process, and a rule
/// scoped to a namespace and name hits only that object, only `times` times.
#[tokio::test]
async fn kubectl_raw_fault_routes_inject_and_clear_api_errors() {
    if !kubectl_present() {
        return;
    }
    let (_client, sim) = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("sim.kubeconfig");
    std::fs::write(&kc, sim.kubeconfig_yaml()).unwrap();
    let manifest = dir.path().join("m.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
    )
    .unwrap();
    let (ok, out) = kubectl(&kc, &["apply", "-f", manifest.to_str().unwrap()]).await;
    assert!(ok, "{out}");

    let rule = dir.path().join("fault.json");
    std::fs::write(
        &rule,
        r#"{"verb":"get","resource":"configmaps","namespace":"default","name":"a","code":503,"times":2}"#,
    )
    .unwrap();
    let (ok, out) = post_fault(&kc, &rule).await;
    assert!(ok && out.contains(r#""times":2"#), "{out}");
    let (ok, out) = kubectl(&kc, &["get", "--raw", "/sim/v1/faults"]).await;
    assert!(ok && out.contains(r#""name":"a""#), "{out}");

    let (ok, out) = kubectl(&kc, &["get", "configmap", "b", "-o", "name"]).await;
    assert!(
        ok && out.contains("configmap/b"),
        "another name is untouched: {out}"
    );
    for _ in 0..2 {
        let (ok, out) = kubectl(&kc, &["get", "configmap", "a", "-o", "name"]).await;
        assert!(!ok && out.contains("kube-sim injected fault"), "{out}");
    }
    let (ok, out) = kubectl(&kc, &["get", "configmap", "a", "-o", "name"]).await;
    assert!(
        ok && out.contains("configmap/a"),
        "spent after two hits: {out}"
    );

    std::fs::write(&rule, r#"{"verb":"get","code":500}"#).unwrap();
    let (ok, out) = post_fault(&kc, &rule).await;
    assert!(ok, "{out}");
    let (ok, _) = kubectl(&kc, &["get", "configmap", "b", "-o", "name"]).await;
    assert!(!ok, "an unscoped rule hits every get");
    let (ok, out) = kubectl(&kc, &["delete", "--raw", "/sim/v1/faults"]).await;
    assert!(ok, "{out}");
    let (ok, out) = kubectl(&kc, &["get", "configmap", "b", "-o", "name"]).await;
    assert!(ok && out.contains("configmap/b"), "cleared: {out}");

    // A rule that would do nothing, or answer a success, is refused with the reason.
    for (body, says) in [
        (r#"{"verb":"get"}"#, "needs `code`"),
        (r#"{"code":200}"#, "400-599"),
        (r#"{"code":500,"times":0}"#, "at least 1"),
        (r#"{"code":500,"colour":"red"}"#, "unknown field"),
    ] {
        std::fs::write(&rule, body).unwrap();
        let (ok, out) = kubectl(
            &kc,
            &[
                "create",
                "--raw",
                "/sim/v1/faults",
                "-f",
                rule.to_str().unwrap(),
            ],
        )
        .await;
        assert!(!ok && out.contains(says), "{body}: {out}");
    }
}

/// One event written through `events.k8s.io/v1` (as kube-runtime's recorder writes them) is
/// listed by `kubectl get events` (core v1) and by `kubectl get events.v1.events.k8s.io`, each
/// in its own shape.
#[tokio::test]
async fn kubectl_lists_an_events_k8s_io_event_through_both_apis() {
    if !kubectl_present() {
        return;
    }
    let (client, sim) = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("sim.kubeconfig");
    std::fs::write(&kc, sim.kubeconfig_yaml()).unwrap();
    let api: kube::Api<k8s_openapi::api::events::v1::Event> =
        kube::Api::namespaced(client, "default");
    let ev = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "demo.17f3", "namespace": "default"},
        "eventTime": "2026-01-02T03:04:05.000000Z",
        "regarding": {"kind": "AerospikeCluster", "name": "demo", "namespace": "default"},
        "note": "breaker reset after a good reconcile", "reason": "CircuitBreakerReset",
        "action": "Reconcile", "type": "Normal",
        "reportingController": "acko-operator", "reportingInstance": "acko-operator-0",
    }))
    .unwrap();
    api.create(&kube::api::PostParams::default(), &ev)
        .await
        .unwrap();
    let (ok, out) = kubectl(&kc, &["get", "events", "-o", "name"]).await;
    assert!(ok && out.contains("event/demo.17f3"), "{out}");
    let (ok, out) = kubectl(
        &kc,
        &[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=demo",
            "-o",
            "jsonpath={.items[*].message}|{.items[*].reportingComponent}",
        ],
    )
    .await;
    assert!(
        ok && out == "breaker reset after a good reconcile|acko-operator",
        "{out}"
    );
    let (ok, out) = kubectl(&kc, &["get", "events.v1.events.k8s.io", "-o", "name"]).await;
    assert!(ok && out.contains("event.events.k8s.io/demo.17f3"), "{out}");
    let (ok, out) = kubectl(
        &kc,
        &[
            "get",
            "events.v1.events.k8s.io",
            "demo.17f3",
            "-o",
            "jsonpath={.note}|{.regarding.kind}",
        ],
    )
    .await;
    assert!(
        ok && out == "breaker reset after a good reconcile|AerospikeCluster",
        "{out}"
    );
    let (ok, out) = kubectl(&kc, &["get", "events"]).await;
    assert!(ok && out.contains("demo.17f3"), "{out}");
    let (ok, out) = kubectl(&kc, &["get", "events.v1.events.k8s.io"]).await;
    assert!(ok && out.contains("demo.17f3"), "{out}");
}
