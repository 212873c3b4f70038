//! `acko install` / `acko uninstall` against kube-sim over real HTTP: server-side apply with the
//! field manager `acko-install`, CRDs first and Established before the rest, idempotence
//! (a second run writes nothing), conflicts, and an uninstall that never deletes custom
//! resources silently. Also `kubectl apply -k deploy/base` against the same simulator.

mod common;

use common::{Env, start, text};
use serde_json::json;

fn lines(out: &str) -> Vec<&str> {
    out.lines().collect()
}

fn position(out: &[&str], needle: &str) -> usize {
    out.iter()
        .position(|l| l.starts_with(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in output:\n{}", out.join("\n")))
}

fn managers(obj: &serde_json::Value) -> Vec<(String, String)> {
    obj["metadata"]["managedFields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| {
                    (
                        m["manager"].as_str().unwrap_or_default().to_owned(),
                        m["operation"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

const CRD_V: &str = "apiextensions.k8s.io/v1";
const CRD_K: &str = "CustomResourceDefinition";
const CLUSTERS_CRD: &str = "aerospikeclusters.acko.io";

#[tokio::test(flavor = "multi_thread")]
async fn install_applies_crds_first_then_the_rest_and_a_second_run_writes_nothing() {
    let env = start(false).await;
    let out = env.acko_ok(&["install"]).await;
    let l = lines(&out);
    // Order: both CRDs applied, then Established, then the Namespace, then the objects in it.
    let crd = position(
        &l,
        "customresourcedefinition/aerospikeclusters.acko.io created",
    );
    let tpl = position(
        &l,
        "customresourcedefinition/aerospikeclustertemplates.acko.io created",
    );
    let est = position(
        &l,
        "customresourcedefinition/aerospikeclusters.acko.io established",
    );
    let ns = position(&l, "namespace/acko-system created");
    let dep = position(
        &l,
        "deployment/acko-operator (namespace acko-system) created",
    );
    assert!(crd < est && tpl < est && est < ns && ns < dep, "{out}");
    for needle in [
        "clusterrole/acko-operator created",
        "clusterrolebinding/acko-operator created",
        "role/acko-operator-leader-election (namespace acko-system) created",
        "rolebinding/acko-operator-leader-election (namespace acko-system) created",
        "serviceaccount/acko-operator (namespace acko-system) created",
    ] {
        position(&l, needle);
    }
    assert!(
        !out.contains("aerospike-cluster-manager"),
        "the manager is only installed with --with-manager"
    );

    // The objects are there, owned by the acko-install field manager through Apply.
    let crd = env
        .sim
        .get_json(CRD_V, CRD_K, "", CLUSTERS_CRD)
        .expect("CRD stored");
    assert!(
        managers(&crd).contains(&("acko-install".into(), "Apply".into())),
        "{:?}",
        managers(&crd)
    );
    let dep = env
        .sim
        .get_json("apps/v1", "Deployment", "acko-system", "acko-operator")
        .expect("Deployment stored");
    assert!(managers(&dep).contains(&("acko-install".into(), "Apply".into())));
    assert_eq!(
        dep["spec"]["template"]["spec"]["serviceAccountName"],
        "acko-operator"
    );
    let role = env
        .sim
        .get_json(
            "rbac.authorization.k8s.io/v1",
            "ClusterRole",
            "",
            "acko-operator",
        )
        .expect("ClusterRole stored");
    assert!(!role["rules"].as_array().unwrap().is_empty());

    // Idempotent: every object unchanged and not one write on the server.
    let rv = env.resource_version().await;
    let again = env.acko_ok(&["install"]).await;
    for line in again
        .lines()
        .filter(|l| l.contains('/') && !l.contains("established") && !l.starts_with("installed"))
    {
        assert!(
            line.ends_with(" unchanged"),
            "second run changed {line:?}:\n{again}"
        );
    }
    let objects: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(&env.acko_ok(&["install", "--dry-run"]).await).unwrap();
    assert_eq!(
        again.matches(" unchanged").count(),
        objects.len(),
        "{again}"
    );
    assert_eq!(
        env.resource_version().await,
        rv,
        "the second install wrote to the server"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn install_with_manager_into_another_namespace_moves_every_object_and_subject() {
    let env = start(false).await;
    let kc = env.kubeconfig.display().to_string();
    // --kubeconfig instead of KUBECONFIG: both work.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_acko"))
        .args([
            "install",
            "--with-manager",
            "-n",
            "ops",
            "--kubeconfig",
            &kc,
        ])
        .env_remove("KUBECONFIG")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let so = text(&out.stdout);
    assert!(
        so.contains("deployment/aerospike-cluster-manager (namespace ops) created"),
        "{so}"
    );
    assert!(
        so.contains("service/aerospike-cluster-manager (namespace ops) created"),
        "{so}"
    );
    assert!(env.sim.get_json("v1", "Namespace", "", "ops").is_some());
    assert!(
        env.sim
            .get_json("v1", "Namespace", "", "acko-system")
            .is_none()
    );
    let binding = env
        .sim
        .get_json(
            "rbac.authorization.k8s.io/v1",
            "ClusterRoleBinding",
            "",
            "aerospike-cluster-manager",
        )
        .unwrap();
    assert_eq!(binding["subjects"][0]["namespace"], "ops");
    let dep = env
        .sim
        .get_json("apps/v1", "Deployment", "ops", "aerospike-cluster-manager")
        .unwrap();
    let env_vars = &dep["spec"]["template"]["spec"]["containers"][0]["env"];
    assert!(
        env_vars
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "K8S_MANAGEMENT_ENABLED" && e["value"] == "true")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_field_set_by_another_manager_is_a_named_conflict_until_force_conflicts() {
    let env = start(false).await;
    env.acko_ok(&["install"]).await;
    // Someone else takes the image with their own server-side apply.
    let api: kube::Api<k8s_openapi::api::apps::v1::Deployment> =
        kube::Api::namespaced(env.client.clone(), "acko-system");
    let patch = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "acko-operator", "namespace": "acko-system"},
        "spec": {"template": {"spec": {"containers": [{"name": "operator", "image": "example.com/fork:1"}]}}}
    });
    api.patch(
        "acko-operator",
        &kube::api::PatchParams::apply("someone-else").force(),
        &kube::api::Patch::Apply(&patch),
    )
    .await
    .expect("other manager applies");
    let out = env.acko(&["install"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(err.contains("deployment/acko-operator"), "{err}");
    assert!(err.contains("--force-conflicts"), "{err}");
    let forced = env.acko_ok(&["install", "--force-conflicts"]).await;
    assert!(
        forced.contains("deployment/acko-operator (namespace acko-system) configured"),
        "{forced}"
    );
    let dep = env
        .sim
        .get_json("apps/v1", "Deployment", "acko-system", "acko-operator")
        .unwrap();
    assert_eq!(
        dep["spec"]["template"]["spec"]["containers"][0]["image"],
        "ghcr.io/acko/acko-operator:0.1.0"
    );
}

async fn create_cluster(env: &Env, ns: &str, name: &str, finalizer: bool) {
    let api: kube::Api<k8s_openapi::api::core::v1::Namespace> = kube::Api::all(env.client.clone());
    let _ = api
        .create(
            &kube::api::PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": ns}})).unwrap(),
        )
        .await;
    let mut c = json!({
        "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"size": 1, "image": "aerospike:ce-8.1.1.1"}
    });
    if finalizer {
        c["metadata"]["finalizers"] = json!(["acko.io/finalizer"]);
    }
    let clusters = acko_cli_clusters(env, ns);
    clusters
        .create(
            &kube::api::PostParams::default(),
            &serde_json::from_value(c).unwrap(),
        )
        .await
        .expect("cluster created");
}

fn acko_cli_clusters(env: &Env, ns: &str) -> kube::Api<kube::api::DynamicObject> {
    let ar = kube::api::ApiResource::erase::<acko_api::AerospikeCluster>(&());
    kube::Api::namespaced_with(env.client.clone(), ns, &ar)
}

#[tokio::test(flavor = "multi_thread")]
async fn uninstall_refuses_while_clusters_exist_and_deletes_nothing() {
    let env = start(false).await;
    env.acko_ok(&["install"]).await;
    create_cluster(&env, "db", "prod", false).await;
    let rv = env.resource_version().await;
    let out = env.acko(&["uninstall"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    for needle in [
        "AerospikeCluster db/prod",
        "--delete-clusters",
        "--keep-crds",
        "Nothing was deleted",
    ] {
        assert!(err.contains(needle), "{needle:?} missing:\n{err}");
    }
    assert_eq!(
        env.resource_version().await,
        rv,
        "a refused uninstall wrote something"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uninstall_keep_crds_removes_only_the_operator() {
    let env = start(false).await;
    env.acko_ok(&["install"]).await;
    create_cluster(&env, "acko-system", "prod", false).await;
    let out = env.acko_ok(&["uninstall", "--keep-crds"]).await;
    assert!(
        out.contains("deployment/acko-operator (namespace acko-system) deleted"),
        "{out}"
    );
    assert!(
        out.contains("namespace/acko-system kept: AerospikeClusters run in it"),
        "{out}"
    );
    assert!(out.contains("nothing manages them"), "{out}");
    assert!(
        env.sim
            .get_json("apps/v1", "Deployment", "acko-system", "acko-operator")
            .is_none()
    );
    assert!(
        env.sim
            .get_json(
                "rbac.authorization.k8s.io/v1",
                "ClusterRole",
                "",
                "acko-operator"
            )
            .is_none()
    );
    assert!(env.sim.get_json(CRD_V, CRD_K, "", CLUSTERS_CRD).is_some());
    assert!(
        env.sim
            .get_json(
                "acko.io/v1alpha1",
                "AerospikeCluster",
                "acko-system",
                "prod"
            )
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uninstall_delete_clusters_deletes_them_first_then_everything() {
    let env = start(false).await;
    env.acko_ok(&["install", "--with-manager"]).await;
    create_cluster(&env, "db", "a", false).await;
    create_cluster(&env, "db", "b", false).await;
    let out = env.acko_ok(&["uninstall", "--delete-clusters"]).await;
    let l = lines(&out);
    let first = position(&l, "AerospikeCluster db/a deletion requested");
    let op = position(
        &l,
        "deployment/acko-operator (namespace acko-system) deleted",
    );
    let crd = position(
        &l,
        "customresourcedefinition/aerospikeclusters.acko.io deleted",
    );
    assert!(first < op && op < crd, "{out}");
    position(
        &l,
        "deployment/aerospike-cluster-manager (namespace acko-system) deleted",
    );
    assert!(env.sim.get_json(CRD_V, CRD_K, "", CLUSTERS_CRD).is_none());
    assert!(
        env.sim
            .get_json(
                "rbac.authorization.k8s.io/v1",
                "ClusterRole",
                "",
                "aerospike-cluster-manager"
            )
            .is_none()
    );
    // A second uninstall finds nothing and still succeeds.
    let again = env.acko_ok(&["uninstall"]).await;
    assert!(
        again.contains("deployment/acko-operator (namespace acko-system) not found"),
        "{again}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uninstall_says_which_clusters_a_finalizer_holds_and_keeps_the_operator() {
    let env = start(false).await;
    env.acko_ok(&["install"]).await;
    // No operator runs here, so nobody removes the finalizer.
    create_cluster(&env, "db", "held", true).await;
    let out = env
        .acko(&["uninstall", "--delete-clusters", "--timeout", "1"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("AerospikeCluster db/held (finalizers: acko.io/finalizer)"),
        "{err}"
    );
    assert!(err.contains("must be running"), "{err}");
    assert!(
        env.sim
            .get_json("apps/v1", "Deployment", "acko-system", "acko-operator")
            .is_some(),
        "the operator stays so that it can finish the deletion"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_apply_of_the_kustomization_and_acko_install_agree() {
    let env = start(false).await;
    let base = common::repo().join("deploy/base").display().to_string();
    let Some(out) = env
        .kubectl(&["apply", "--server-side", "--validate=false", "-k", &base])
        .await
    else {
        return;
    };
    assert!(
        out.status.success(),
        "kubectl apply -k: {}",
        text(&out.stderr)
    );
    let so = text(&out.stdout);
    assert!(
        so.contains("deployment.apps/acko-operator serverside-applied"),
        "{so}"
    );
    let wait = env
        .kubectl(&[
            "wait",
            "--for=condition=Established",
            "crd/aerospikeclusters.acko.io",
            "--timeout=60s",
        ])
        .await
        .unwrap();
    assert!(wait.status.success(), "{}", text(&wait.stderr));
    // The same values from acko install: no conflict with kubectl's fields, nothing created.
    let again = env.acko_ok(&["install"]).await;
    assert!(
        !again.contains(" created"),
        "kubectl and acko install differ:\n{again}"
    );
    // And kubectl sees the objects acko install manages.
    let get = env
        .kubectl(&[
            "-n",
            "acko-system",
            "get",
            "deployment,serviceaccount,role,rolebinding",
            "-o",
            "name",
        ])
        .await
        .unwrap();
    let names = text(&get.stdout);
    for n in [
        "deployment.apps/acko-operator",
        "serviceaccount/acko-operator",
        "role.rbac.authorization.k8s.io/acko-operator-leader-election",
        "rolebinding.rbac.authorization.k8s.io/acko-operator-leader-election",
    ] {
        assert!(names.contains(n), "{n} missing: {names}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn uninstall_from_the_wrong_namespace_touches_nothing() {
    let env = start(false).await;
    env.acko_ok(&["install", "-n", "ops"]).await;
    let rv = env.resource_version().await;
    let out = env.acko(&["uninstall"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("installed in namespace ops"), "{err}");
    assert!(err.contains("acko uninstall --namespace ops"), "{err}");
    assert_eq!(env.resource_version().await, rv, "nothing was deleted");
    let out = env.acko_ok(&["uninstall", "-n", "ops"]).await;
    assert!(
        out.contains("deployment/acko-operator (namespace ops) deleted"),
        "{out}"
    );
    assert!(env.sim.get_json(CRD_V, CRD_K, "", CLUSTERS_CRD).is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upgrade_reapplies_with_the_same_field_manager_and_drops_what_the_new_version_no_longer_sets()
 {
    let env = start(false).await;
    env.acko_ok(&["install"]).await;
    // Play the previous version: its Deployment, applied by the same field manager, had an
    // older image and one more env var.
    let manifests: Vec<serde_json::Value> =
        serde_saphyr::from_multiple(&env.acko_ok(&["install", "--dry-run"]).await).unwrap();
    let mut old = manifests
        .into_iter()
        .find(|d| d["kind"] == "Deployment")
        .expect("the Deployment manifest");
    let container = &mut old["spec"]["template"]["spec"]["containers"][0];
    container["image"] = json!("ghcr.io/acko/acko-operator:0.0.9");
    container["env"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "OLD_FLAG", "value": "1"}));
    let api: kube::Api<kube::api::DynamicObject> = kube::Api::namespaced_with(
        env.client.clone(),
        "acko-system",
        &kube::api::ApiResource::erase::<k8s_openapi::api::apps::v1::Deployment>(&()),
    );
    api.patch(
        "acko-operator",
        &kube::api::PatchParams::apply("acko-install"),
        &kube::api::Patch::Apply(&old),
    )
    .await
    .expect("the old version applied");

    let out = env.acko_ok(&["install"]).await;
    assert!(
        out.contains("deployment/acko-operator (namespace acko-system) configured"),
        "{out}"
    );
    assert_eq!(
        out.matches(" configured").count(),
        1,
        "only the Deployment changed:\n{out}"
    );
    let dep = env
        .sim
        .get_json("apps/v1", "Deployment", "acko-system", "acko-operator")
        .unwrap();
    let c = &dep["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "ghcr.io/acko/acko-operator:0.1.0");
    assert!(
        !c["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "OLD_FLAG"),
        "a field the new version no longer sets is removed: {c}"
    );
}
