//! End to end on kube-sim: `acko install` applies the manifests, the operator runs exactly as
//! the installed Deployment says (args, env, leader election in its namespace), reconciles the
//! example cluster to Ready, and every day-2 command works on it — `kubectl acko ...` found by
//! kubectl's plugin discovery on PATH: status, collectinfo, pause/resume, restart,
//! reset-breaker, resync-template, and finally `acko uninstall --delete-clusters`.

mod common;

use common::operator::run_installed_operator;

use std::io::Read as _;

use common::{Env, WAIT, start, text};
use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

const NS: &str = "aerospike";

fn condition(c: &Value, type_: &str) -> Option<String> {
    c["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|x| x["type"] == type_)
        .and_then(|x| x["status"].as_str().map(str::to_owned))
}

async fn wait_cluster(env: &Env, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    env.sim
        .wait_json(
            "acko.io/v1alpha1",
            "AerospikeCluster",
            NS,
            "demo",
            WAIT,
            |c| c.is_some_and(&pred),
        )
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .unwrap()
}

async fn kubectl_acko(env: &Env, args: &[&str]) -> Option<(i32, String, String)> {
    let mut all = vec!["acko"];
    all.extend_from_slice(args);
    let out = env.kubectl(&all).await?;
    Some((
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    ))
}

fn tar_entries(path: &std::path::Path) -> Vec<(String, String)> {
    let bytes = std::fs::read(path).expect("archive written");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let p = e.path().unwrap().display().to_string();
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            // Drop the `collectinfo-...` root directory.
            (p.split_once('/').unwrap().1.to_owned(), s)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn installed_operator_reconciles_the_example_and_the_plugin_operates_it() {
    let env = start(true).await;
    env.acko_ok(&["install"]).await;
    let _operator = run_installed_operator(&env).await;

    let nss: Api<Namespace> = Api::all(env.client.clone());
    nss.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": NS}})).unwrap(),
    )
    .await
    .unwrap();
    let example = std::fs::read_to_string(common::repo().join("examples/minimal.yaml")).unwrap();
    let example: Value = serde_saphyr::from_str(&example).unwrap();
    let clusters: Api<kube::api::DynamicObject> = Api::namespaced_with(
        env.client.clone(),
        NS,
        &kube::api::ApiResource::erase::<acko_api::AerospikeCluster>(&()),
    );
    clusters
        .create(
            &PostParams::default(),
            &serde_json::from_value(example).unwrap(),
        )
        .await
        .expect("example cluster created");
    let ready = wait_cluster(&env, "Ready", |c| {
        condition(c, "Ready").as_deref() == Some("True")
    })
    .await;
    assert_eq!(ready["status"]["phase"], "Completed");

    // status -o json: every pod ready, gate satisfied, hashes present.
    let js: Value = serde_json::from_str(
        &env.acko_ok(&["status", "demo", "-n", NS, "-o", "json"])
            .await,
    )
    .unwrap();
    let pods = js["pods"].as_array().unwrap();
    assert_eq!(pods.len(), 3, "{js:#}");
    for p in pods {
        assert_eq!(p["ready"], true, "{p}");
        assert_eq!(p["gate"], true, "{p}");
        assert!(
            p["configHash"].as_str().is_some_and(|h| !h.is_empty()),
            "{p}"
        );
        assert!(
            p["podSpecHash"].as_str().is_some_and(|h| !h.is_empty()),
            "{p}"
        );
    }
    assert_eq!(js["observedGeneration"], js["generation"]);
    let pod_names: Vec<String> = pods
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();

    // kubectl finds the plugin on PATH.
    let Some((code, list, _)) = env
        .kubectl(&["plugin", "list"])
        .await
        .map(|o| (o.status.code(), text(&o.stdout), ()))
    else {
        return;
    };
    assert_eq!(code, Some(0));
    assert!(list.contains("kubectl-acko"), "{list}");
    let (code, out, err) = kubectl_acko(&env, &["status", "demo", "-n", NS])
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("AerospikeCluster aerospike/demo"), "{out}");
    assert!(out.contains("phase:        Completed"), "{out}");
    assert!(out.contains("reconcile:    healthy"), "{out}");
    for name in &pod_names {
        let row = out
            .lines()
            .find(|l| l.starts_with(name.as_str()))
            .unwrap_or_else(|| panic!("{name} row:\n{out}"));
        assert!(row.contains("Running  yes    yes"), "{row}");
    }
    let (code, _, err) = kubectl_acko(&env, &["status", "nosuch", "-n", NS])
        .await
        .unwrap();
    assert_eq!(code, 1);
    assert!(
        err.contains("AerospikeCluster aerospike/nosuch not found"),
        "{err}"
    );

    // collectinfo: CR, status, events, objects, pod and operator logs, info from every node.
    let archive = env.dir.path().join("bundle.tar.gz");
    let (code, out, err) = kubectl_acko(
        &env,
        &[
            "collectinfo",
            "demo",
            "-n",
            NS,
            "-o",
            archive.to_str().unwrap(),
        ],
    )
    .await
    .unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote "), "{out}");
    let entries = tar_entries(&archive);
    let file = |p: &str| {
        entries
            .iter()
            .find(|(n, _)| n == p)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| {
                panic!(
                    "{p} not in the archive: {:?}",
                    entries.iter().map(|e| &e.0).collect::<Vec<_>>()
                )
            })
    };
    let manifest: Value = serde_json::from_str(&file("manifest.json")).unwrap();
    assert_eq!(
        manifest["cluster"],
        json!({"namespace": NS, "name": "demo"})
    );
    assert_eq!(
        manifest["files"].as_array().unwrap().len() + 1,
        entries.len()
    );
    assert!(file("cluster.yaml").contains("kind: AerospikeCluster"));
    assert!(file("status.txt").contains("Completed"));
    // One storage, two APIs (as on a real API server): events.k8s.io/v1 lists the operator's
    // events and the simulated kubelet's/scheduler's core ones alike, so the core list adds
    // none that are already in events.yaml.
    let events = file("events.yaml");
    assert!(events.contains("reason: FinalizerAdded"), "{events}");
    assert!(events.contains("reportingController: kube-sim"), "{events}");
    assert!(
        !file("events-core.yaml").contains("involvedObject"),
        "{}",
        file("events-core.yaml")
    );
    assert!(file("objects/statefulsets.yaml").contains("kind: StatefulSet"));
    assert!(file("objects/pods.yaml").contains(&pod_names[0]));
    assert!(
        file("operator/acko-operator-5d9c7-x2x4q/operator.log")
            .contains("started container operator")
    );
    for name in &pod_names {
        assert!(
            file(&format!("info/{name}/build.txt")).starts_with('8'),
            "build of {name}"
        );
        assert!(file(&format!("info/{name}/statistics.txt")).contains("cluster_size=3"));
        assert!(file(&format!("info/{name}/namespace_test.txt")).contains("replication-factor=2"));
        assert!(
            entries
                .iter()
                .any(|(n, _)| n.starts_with(&format!("logs/{name}/")))
        );
    }

    // pause → the operator reports Paused; resume → Completed again.
    let (code, out, err) = kubectl_acko(&env, &["pause", "demo", "-n", NS])
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("paused"), "{out}");
    wait_cluster(&env, "Paused", |c| c["status"]["phase"] == "Paused").await;
    let (_, again, _) = kubectl_acko(&env, &["pause", "demo", "-n", NS])
        .await
        .unwrap();
    assert!(again.contains("already paused"), "{again}");
    assert!(
        env.acko_ok(&["status", "demo", "-n", NS])
            .await
            .contains("paused:       yes")
    );
    kubectl_acko(&env, &["resume", "demo", "-n", NS])
        .await
        .unwrap();
    let resumed = wait_cluster(&env, "Completed after resume", |c| {
        c["status"]["phase"] == "Completed" && c["spec"].get("paused").is_none()
    })
    .await;
    assert!(
        resumed["spec"].get("paused").is_none(),
        "resume removes the field"
    );

    // restart: an unknown pod is refused; a warm restart of one pod is written as the operation.
    let (code, _, err) = kubectl_acko(
        &env,
        &["restart", "demo", "-n", NS, "--warm", "--pods", "demo-9-9"],
    )
    .await
    .unwrap();
    assert_eq!(code, 1);
    assert!(err.contains("not pods of this cluster: demo-9-9"), "{err}");
    let (code, out, err) = kubectl_acko(
        &env,
        &[
            "restart",
            "demo",
            "-n",
            NS,
            "--warm",
            "--pods",
            &pod_names[1],
            "--id",
            "w1",
        ],
    )
    .await
    .unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("WarmRestart operation w1 requested"), "{out}");
    let c = env
        .sim
        .get_json("acko.io/v1alpha1", "AerospikeCluster", NS, "demo")
        .unwrap();
    assert_eq!(
        c["spec"]["operations"],
        json!([{"kind": "WarmRestart", "id": "w1", "podList": [pod_names[1]]}])
    );
    let (code, _, err) = kubectl_acko(&env, &["restart", "demo", "-n", NS, "--id", "w1"])
        .await
        .unwrap();
    assert_eq!(code, 1, "the same id twice is refused");
    assert!(err.contains("already used"), "{err}");

    // The breaker reset and the template resync are annotations; no template here.
    let (code, _, err) = kubectl_acko(&env, &["reset-breaker", "demo", "-n", NS])
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    let c = env
        .sim
        .get_json("acko.io/v1alpha1", "AerospikeCluster", NS, "demo")
        .unwrap();
    assert!(c["metadata"]["annotations"]["acko.io/reset-circuit-breaker"].is_string());
    let (code, _, err) = kubectl_acko(&env, &["resync-template", "demo", "-n", NS])
        .await
        .unwrap();
    assert_eq!(code, 1);
    assert!(err.contains("references no template"), "{err}");

    // Uninstall while the operator runs: the cluster goes first (the operator removes its
    // finalizer), then the operator.
    let out = env.acko_ok(&["uninstall", "--delete-clusters"]).await;
    assert!(
        out.contains("AerospikeCluster aerospike/demo deletion requested"),
        "{out}"
    );
    assert!(
        out.contains("customresourcedefinition/aerospikeclusters.acko.io deleted"),
        "{out}"
    );
    assert!(
        env.sim
            .get_json("acko.io/v1alpha1", "AerospikeCluster", NS, "demo")
            .is_none()
    );
}
