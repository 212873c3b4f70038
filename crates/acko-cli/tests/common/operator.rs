//! The operator as the installed Deployment runs it (kube-sim has no Deployment controller).

use std::sync::Arc;
use std::time::Duration;

use acko_operator::shell::agent::KubeAgent;
use acko_operator::shell::{Context, controller, kinds, leader};
use k8s_openapi::api::core::v1::{Namespace, Pod};
use kube::api::{Api, PostParams};
use serde_json::{Value, json};

use super::{Env, WAIT};

/// Plays the Deployment's ReplicaSet and kubelet (kube-sim runs neither for Deployments): a Pod
/// from the template, and the operator in this process with the container's args and env.
pub async fn run_installed_operator(env: &Env) -> tokio::task::JoinHandle<()> {
    let dep = env
        .sim
        .get_json("apps/v1", "Deployment", "acko-system", "acko-operator")
        .expect("installed Deployment");
    let template = &dep["spec"]["template"];
    let container = &template["spec"]["containers"][0];
    let mut leader_elect = false;
    for arg in container["args"].as_array().expect("args") {
        match arg.as_str().unwrap_or_default() {
            "--leader-elect" => leader_elect = true,
            // kube-sim stores admission webhook configurations but never calls them.
            a if a.starts_with("--webhook") => {}
            other => panic!("the Deployment passes {other:?}: teach this test what it means"),
        }
    }
    assert!(leader_elect, "the installed operator elects a leader");
    let env_var = |name: &str| {
        container["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("env {name} missing"))
    };
    assert_eq!(
        env_var("POD_NAMESPACE")["valueFrom"]["fieldRef"]["fieldPath"],
        "metadata.namespace"
    );
    let init_image = env_var("ACKO_INIT_IMAGE")["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        init_image,
        format!("ghcr.io/acko/acko-init:{}", env!("CARGO_PKG_VERSION"))
    );

    let pod_name = "acko-operator-5d9c7-x2x4q";
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": template["metadata"].clone(), "spec": template["spec"].clone()});
    pod["metadata"]["name"] = json!(pod_name);
    pod["metadata"]["namespace"] = json!("acko-system");
    let pods: Api<Pod> = Api::namespaced(env.client.clone(), "acko-system");
    pods.create(
        &PostParams::default(),
        &serde_json::from_value(pod).unwrap(),
    )
    .await
    .expect("operator pod created");

    acko_operator::install_crypto_provider();
    let client = env.client.clone();
    let available = kinds::discover_optional(&client).await;
    let render_options = acko_render::RenderOptions {
        init_image,
        ..Default::default()
    };
    let agent = Arc::new(KubeAgent::new(client.clone(), Duration::from_millis(2000)));
    let ctx = Arc::new(Context::new(
        client.clone(),
        agent,
        available,
        render_options,
    ));
    // --leader-elect with POD_NAMESPACE = the Deployment's namespace and POD_NAME as identity.
    let mut leading = leader::elect(client, "acko-system", pod_name.into())
        .await
        .expect("lease manager");
    tokio::time::timeout(WAIT, async {
        while !*leading.borrow() {
            leading.changed().await.expect("lease manager runs");
        }
    })
    .await
    .expect("leadership within the bound");
    tokio::spawn(async move {
        controller::run(ctx, None, std::future::pending::<()>()).await;
    })
}

/// `acko install`, the operator running, and `examples/minimal.yaml` (`aerospike/demo`) Ready.
pub async fn demo_ready(env: &Env) -> tokio::task::JoinHandle<()> {
    env.acko_ok(&["install"]).await;
    let operator = run_installed_operator(env).await;
    let nss: Api<Namespace> = Api::all(env.client.clone());
    nss.create(
        &PostParams::default(),
        &serde_json::from_value(json!({"metadata": {"name": "aerospike"}})).unwrap(),
    )
    .await
    .unwrap();
    let example = std::fs::read_to_string(super::repo().join("examples/minimal.yaml")).unwrap();
    let example: Value = serde_saphyr::from_str(&example).unwrap();
    let clusters: Api<kube::api::DynamicObject> = Api::namespaced_with(
        env.client.clone(),
        "aerospike",
        &kube::api::ApiResource::erase::<acko_api::AerospikeCluster>(&()),
    );
    clusters
        .create(
            &PostParams::default(),
            &serde_json::from_value(example).unwrap(),
        )
        .await
        .expect("example cluster created");
    env.sim
        .wait_json(
            "acko.io/v1alpha1",
            "AerospikeCluster",
            "aerospike",
            "demo",
            WAIT,
            |c| {
                c.and_then(|c| c["status"]["conditions"].as_array())
                    .is_some_and(|a| {
                        a.iter()
                            .any(|x| x["type"] == "Ready" && x["status"] == "True")
                    })
            },
        )
        .await
        .expect("the example cluster becomes Ready");
    operator
}
