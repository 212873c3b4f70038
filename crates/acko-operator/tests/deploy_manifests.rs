//! `kubectl kustomize deploy/base` and `deploy/overlays/manager` render; every object
//! deserialises into its k8s-openapi type; the operator's ClusterRole and Role are exactly the
//! table in `acko_operator::rbac`; the Deployment probes the operator's health endpoints and
//! runs restricted. kubectl missing: skipped with a notice, a failure under CI=true.

use std::path::Path;
use std::process::Command;

use acko_operator::rbac::{self, CLUSTER, LEADER_ELECTION};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::Value;

fn kustomize(dir: &str) -> Option<Vec<Value>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let out = match Command::new("kubectl").arg("kustomize").arg(&path).output() {
        Ok(o) => o,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "kubectl is required under CI=true: {e}"
            );
            eprintln!("SKIPPED: kubectl not found ({e}); deploy manifests not rendered");
            return None;
        }
    };
    assert!(
        out.status.success(),
        "kubectl kustomize {dir}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let docs: Vec<Value> = serde_saphyr::from_multiple(&text).expect("YAML");
    Some(docs)
}

/// Deserialises every object into its typed form (unknown fields are not an error in
/// k8s-openapi, so the round trip is compared too).
fn typed(obj: &Value) {
    fn check<K: serde::de::DeserializeOwned + serde::Serialize>(obj: &Value) {
        let k: K = serde_json::from_value(obj.clone())
            .unwrap_or_else(|e| panic!("{} {}: {e}", obj["kind"], obj["metadata"]["name"]));
        // CRD schemas carry numbers whose JSON form changes (30000 -> 30000.0): typed only.
        if obj["kind"] != "CustomResourceDefinition" {
            let back = serde_json::to_value(&k).expect("serialise");
            assert_eq!(&back, obj, "{} lost or changed fields", obj["kind"]);
        }
    }
    match obj["kind"].as_str().unwrap_or_default() {
        "CustomResourceDefinition" => check::<CustomResourceDefinition>(obj),
        "Namespace" => check::<Namespace>(obj),
        "ServiceAccount" => check::<ServiceAccount>(obj),
        "ClusterRole" => check::<ClusterRole>(obj),
        "ClusterRoleBinding" => check::<ClusterRoleBinding>(obj),
        "Role" => check::<Role>(obj),
        "RoleBinding" => check::<RoleBinding>(obj),
        "Deployment" => check::<Deployment>(obj),
        "Service" => check::<Service>(obj),
        "ValidatingWebhookConfiguration" => check::<
            k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration,
        >(obj),
        other => panic!("unexpected kind {other}"),
    }
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{kind} {name} missing"))
}

#[test]
fn base_renders_typed_objects_and_the_role_is_the_rbac_table() {
    let Some(docs) = kustomize("deploy/base") else {
        return;
    };
    for d in &docs {
        typed(d);
        if d["kind"] != "Namespace"
            && d["kind"] != "ClusterRole"
            && d["kind"] != "ClusterRoleBinding"
            && d["kind"] != "CustomResourceDefinition"
            && d["kind"] != "ValidatingWebhookConfiguration"
        {
            assert_eq!(d["metadata"]["namespace"], "acko-system", "{d}");
        }
    }
    assert_eq!(docs.len(), 11);
    // The admission webhook: fail closed, quick, no side effects, served by the operator.
    let vwc = find(&docs, "ValidatingWebhookConfiguration", "acko-operator");
    let hook = &vwc["webhooks"][0];
    assert_eq!(hook["failurePolicy"], "Fail");
    assert_eq!(hook["sideEffects"], "None");
    assert!(hook["timeoutSeconds"].as_i64().unwrap() <= 10);
    assert_eq!(
        hook["clientConfig"]["service"]["path"],
        acko_operator::webhook::server::VALIDATE_PATH
    );
    let svc = find(&docs, "Service", "acko-webhook");
    assert_eq!(
        hook["clientConfig"]["service"]["name"],
        svc["metadata"]["name"]
    );
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], "webhook");
    let role: ClusterRole =
        serde_json::from_value(find(&docs, "ClusterRole", "acko-operator").clone()).unwrap();
    assert_eq!(
        role.rules.unwrap(),
        rbac::rules(CLUSTER),
        "deploy/base/rbac.yaml != rbac::CLUSTER"
    );
    let lease: Role =
        serde_json::from_value(find(&docs, "Role", "acko-operator-leader-election").clone())
            .unwrap();
    assert_eq!(lease.rules.unwrap(), rbac::rules(LEADER_ELECTION));

    let dep = find(&docs, "Deployment", "acko-operator");
    let c = &dep["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(
        c["ports"][0]["containerPort"], 8080,
        "the operator's --metrics-addr default"
    );
    assert!(
        c["args"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "--leader-elect")
    );
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
    let args: Vec<&str> = c["args"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(
        args.contains(&"--webhook-self-signed")
            && args.iter().any(|a| a.starts_with("--webhook-addr="))
    );
    assert!(
        c["ports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "webhook" && p["containerPort"] == 9443)
    );
    assert_eq!(
        c["volumeMounts"][0]["mountPath"], "/var/run/acko/webhook",
        "the writable certificate directory (--webhook-cert-dir default)"
    );
    assert_eq!(
        dep["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"],
        true
    );
    assert!(c["resources"]["requests"]["cpu"].is_string());
    assert_eq!(
        c["image"],
        format!("ghcr.io/acko/acko-operator:{}", env!("CARGO_PKG_VERSION"))
    );
    let init = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "ACKO_INIT_IMAGE")
        .expect("init image env");
    assert_eq!(
        init["value"],
        acko_render::RenderOptions::default().init_image,
        "the operator's init image and acko-render's default agree"
    );
}

#[test]
fn manager_overlay_adds_the_manager_with_kubernetes_management() {
    let Some(docs) = kustomize("deploy/overlays/manager") else {
        return;
    };
    docs.iter().for_each(typed);
    assert_eq!(docs.len(), 16);
    let dep = find(&docs, "Deployment", "aerospike-cluster-manager");
    let c = &dep["spec"]["template"]["spec"]["containers"][0];
    assert!(
        c["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "K8S_MANAGEMENT_ENABLED" && e["value"] == "true")
    );
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    find(&docs, "Service", "aerospike-cluster-manager");
    let role: ClusterRole =
        serde_json::from_value(find(&docs, "ClusterRole", "aerospike-cluster-manager").clone())
            .unwrap();
    let rules = role.rules.unwrap();
    assert!(rbac::allows(
        &rules,
        "create",
        "acko.io",
        "aerospikeclusters",
        None
    ));
    assert!(
        !rbac::allows(&rules, "get", "", "secrets", None),
        "CE has no ACL: no Secrets"
    );
    assert!(
        !rbac::allows(&rules, "create", "apps", "statefulsets", None),
        "the operator's job"
    );
}
