//! The manager's ClusterRole (deploy/overlays/manager/manager.yaml) grants every Kubernetes call
//! the `/k8s/` routes and the auto-connect refresher make, and nothing for Secrets (CE has no
//! ACL). The table below lists those calls; a route that starts a new kind of call adds its row.

use serde_json::Value;

/// (verb, API group, resource) of every call of `crates/acm/src/http/k8s/`.
const CALLS: &[(&str, &str, &str)] = &[
    // clusters.rs, operations.rs, health.rs, yaml.rs, stream.rs (watch), autoconnect.rs (watch)
    ("get", "acko.io", "aerospikeclusters"),
    ("list", "acko.io", "aerospikeclusters"),
    ("watch", "acko.io", "aerospikeclusters"),
    ("create", "acko.io", "aerospikeclusters"),
    ("patch", "acko.io", "aerospikeclusters"),
    ("delete", "acko.io", "aerospikeclusters"),
    // templates.rs, validate.rs (template of a cluster)
    ("get", "acko.io", "aerospikeclustertemplates"),
    ("list", "acko.io", "aerospikeclustertemplates"),
    ("create", "acko.io", "aerospikeclustertemplates"),
    ("delete", "acko.io", "aerospikeclustertemplates"),
    // clusters.rs (pods of a cluster), logs.rs, stream.rs and autoconnect.rs (watch)
    ("get", "", "pods"),
    ("list", "", "pods"),
    ("watch", "", "pods"),
    ("get", "", "pods/log"),
    // events.rs, stream.rs (watch)
    ("list", "", "events"),
    ("watch", "", "events"),
    // autoconnect.rs: LoadBalancer / NodePort Services, and the Node of a NodePort
    ("list", "", "services"),
    ("watch", "", "services"),
    ("get", "", "nodes"),
    // pickers.rs
    ("list", "", "namespaces"),
    ("list", "", "nodes"),
    ("list", "storage.k8s.io", "storageclasses"),
    // hpa.rs: create, or replace the existing one
    ("get", "autoscaling", "horizontalpodautoscalers"),
    ("create", "autoscaling", "horizontalpodautoscalers"),
    ("update", "autoscaling", "horizontalpodautoscalers"),
    ("delete", "autoscaling", "horizontalpodautoscalers"),
];

fn has(list: &Value, want: &str) -> bool {
    list.as_array()
        .is_some_and(|l| l.iter().any(|v| v == want || v == "*"))
}

fn allows(rules: &[Value], verb: &str, group: &str, resource: &str) -> bool {
    rules.iter().any(|r| {
        has(&r["verbs"], verb) && has(&r["apiGroups"], group) && has(&r["resources"], resource)
    })
}

fn manager_cluster_role() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/overlays/manager/manager.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the manager manifest");
    let role = text
        .split("\n---")
        .map(|d| serde_saphyr::from_str::<Value>(d).expect("YAML document"))
        .find(|d| {
            d["kind"] == "ClusterRole" && d["metadata"]["name"] == "aerospike-cluster-manager"
        })
        .expect("the manager's ClusterRole");
    role["rules"].as_array().cloned().expect("rules")
}

#[test]
fn the_manager_cluster_role_grants_every_call_of_the_k8s_routes() {
    let rules = manager_cluster_role();
    let missing: Vec<String> = CALLS
        .iter()
        .filter(|(v, g, r)| !allows(&rules, v, g, r))
        .map(|(v, g, r)| format!("{v} {g}/{r}"))
        .collect();
    assert!(
        missing.is_empty(),
        "deploy/overlays/manager/manager.yaml lacks: {missing:?}"
    );
    for verb in ["get", "list", "watch"] {
        assert!(
            !allows(&rules, verb, "", "secrets"),
            "no Secrets for the manager (CE has no ACL)"
        );
    }
}
