//! Admission decisions for every class of bad input the API server alone lets through.

use serde_json::{Value, json};

use super::*;

fn cluster(spec_patch: Value) -> Value {
    let mut c = json!({
        "apiVersion": "acko.io/v1alpha1",
        "kind": "AerospikeCluster",
        "metadata": {"name": "demo", "namespace": "default"},
        "spec": {
            "size": 3,
            "image": "aerospike:ce-8.1.1.1",
            "aerospikeConfig": {"namespaces": [
                {"name": "test", "replication-factor": 2,
                 "storage-engine": {"type": "memory", "data-size": 1073741824}}
            ]}
        }
    });
    merge(&mut c["spec"], &spec_patch);
    c
}

fn merge(into: &mut Value, patch: &Value) {
    match (into, patch) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                if v.is_null() {
                    a.remove(k);
                } else {
                    merge(a.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

fn request(operation: &str, object: Value, old: Option<Value>) -> AdmissionRequest {
    AdmissionRequest {
        uid: "uid-1".into(),
        operation: operation.into(),
        object: Some(object),
        old_object: old,
    }
}

fn create(object: Value) -> AdmissionResponse {
    review(&request("CREATE", object, None), &[])
}

fn denied_message(r: &AdmissionResponse) -> String {
    assert!(!r.allowed, "expected a denial, got {r:?}");
    assert_eq!(r.uid, "uid-1");
    r.status.as_ref().expect("denial status").message.clone()
}

#[test]
fn a_valid_cluster_is_admitted() {
    let r = create(cluster(json!({})));
    assert!(r.allowed, "{r:?}");
    assert_eq!(r.uid, "uid-1");
    assert!(r.status.is_none());
}

/// Each class: (what, spec patch, path that must be named in the denial).
fn bad_classes() -> Vec<(&'static str, Value, &'static str)> {
    let ns = |extra: Value| {
        let mut n = json!({"name": "test", "replication-factor": 2,
            "storage-engine": {"type": "memory", "data-size": 1073741824}});
        merge(&mut n, &extra);
        json!({"aerospikeConfig": {"namespaces": [n]}})
    };
    vec![
        (
            "duplicate rack ids",
            json!({"rackConfig": {"racks": [{"id": 1}, {"id": 1}]}}),
            "spec.rackConfig.racks",
        ),
        (
            "Enterprise image",
            json!({"image": "aerospike/aerospike-server-enterprise:8.1.0.0"}),
            "spec.image",
        ),
        (
            "three namespaces",
            json!({"aerospikeConfig": {"namespaces": [
                {"name": "a", "replication-factor": 1, "storage-engine": {"type": "memory", "data-size": 1073741824}},
                {"name": "b", "replication-factor": 1, "storage-engine": {"type": "memory", "data-size": 1073741824}},
                {"name": "c", "replication-factor": 1, "storage-engine": {"type": "memory", "data-size": 1073741824}}
            ]}}),
            "spec.aerospikeConfig.namespaces",
        ),
        (
            "security section",
            json!({"aerospikeConfig": {"security": {}}}),
            "spec.aerospikeConfig.security",
        ),
        (
            "xdr section",
            json!({"aerospikeConfig": {"xdr": {}}}),
            "spec.aerospikeConfig.xdr",
        ),
        (
            "tls section",
            json!({"aerospikeConfig": {"network": {"tls": {"name": "x"}}}}),
            "spec.aerospikeConfig.network.tls",
        ),
        (
            "strong consistency",
            ns(json!({"strong-consistency": true})),
            "spec.aerospikeConfig.namespaces[0].strong-consistency",
        ),
        (
            "replication factor out of range",
            ns(json!({"replication-factor": 0})),
            "spec.aerospikeConfig.namespaces[0].replication-factor",
        ),
        ("size above the CE limit", json!({"size": 9}), "spec.size"),
        (
            "bad CIDR",
            json!({"seedsFinderServices": {"loadBalancer": {"loadBalancerSourceRanges": ["not-a-cidr"]}}}),
            "spec.seedsFinderServices.loadBalancer.loadBalancerSourceRanges",
        ),
        (
            "heartbeat not mesh",
            json!({"aerospikeConfig": {"network": {"heartbeat": {"mode": "multicast"}}}}),
            "spec.aerospikeConfig.network.heartbeat.mode",
        ),
        (
            "bad batch size",
            json!({"rackConfig": {"rollingUpdateBatchSize": "abc%"}}),
            "spec.rackConfig.rollingUpdateBatchSize",
        ),
        (
            "wrong type (schema decode)",
            json!({"size": "three"}),
            "spec.size",
        ),
    ]
}

#[test]
fn every_bad_input_class_is_denied_naming_its_path() {
    for (what, patch, path) in bad_classes() {
        let r = create(cluster(patch));
        let msg = denied_message(&r);
        assert!(msg.contains(path), "{what}: {path} not in {msg}");
        let status = r.status.unwrap();
        assert_eq!(
            (status.code, status.reason.as_str()),
            (422, "Invalid"),
            "{what}"
        );
    }
}

#[test]
fn all_problems_are_listed_in_one_denial() {
    let r = create(cluster(json!({
        "image": "aerospike/aerospike-server-enterprise:8.1.0.0",
        "rackConfig": {"racks": [{"id": 1}, {"id": 1}]},
        "aerospikeConfig": {"xdr": {}}
    })));
    let msg = denied_message(&r);
    for path in [
        "spec.image",
        "spec.rackConfig.racks",
        "spec.aerospikeConfig.xdr",
    ] {
        assert!(msg.contains(path), "{path} missing: {msg}");
    }
    assert!(msg.contains("3 problems"), "{msg}");
}

#[test]
fn update_rules_apply_on_update() {
    let old = cluster(json!({"rackConfig": {"racks": [{"id": 1}]}}));
    let new = cluster(json!({"rackConfig": {"racks": [{"id": 2}]}}));
    let r = review(&request("UPDATE", new, Some(old)), &[]);
    let msg = denied_message(&r);
    assert!(msg.contains("spec.rackConfig.racks"), "{msg}");
    // The same change is a valid creation.
    assert!(create(cluster(json!({"rackConfig": {"racks": [{"id": 2}]}}))).allowed);
}

#[test]
fn metadata_only_updates_of_an_invalid_cluster_are_admitted() {
    // A cluster stored before the webhook existed must still be deletable.
    let bad = cluster(json!({"aerospikeConfig": {"xdr": {}}}));
    let mut without_finalizer = bad.clone();
    without_finalizer["metadata"]["finalizers"] = json!([]);
    let r = review(
        &request("UPDATE", without_finalizer, Some(bad.clone())),
        &[],
    );
    assert!(r.allowed, "{r:?}");
    let r = review(&request("DELETE", bad, None), &[]);
    assert!(r.allowed);
}

#[test]
fn warnings_are_passed_on() {
    // RF above the size is legal but worth a warning.
    let r = create(cluster(
        json!({"size": 2, "aerospikeConfig": {"namespaces": [
        {"name": "test", "replication-factor": 3,
         "storage-engine": {"type": "memory", "data-size": 1073741824}}]}}),
    ));
    assert!(r.allowed, "{r:?}");
    assert!(
        r.warnings.iter().any(|w| w.contains("replication-factor")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn templates_are_merged_before_validation() {
    let template: AerospikeClusterTemplate = serde_json::from_value(json!({
        "apiVersion": "acko.io/v1alpha1",
        "kind": "AerospikeClusterTemplate",
        "metadata": {"name": "base"},
        "spec": {"image": "aerospike/aerospike-server-enterprise:8.1.0.0"}
    }))
    .unwrap();
    let mut c = cluster(json!({"image": null, "templateRef": {"name": "base"}}));
    c["spec"].as_object_mut().unwrap().remove("image");
    let r = review(
        &request("CREATE", c.clone(), None),
        std::slice::from_ref(&template),
    );
    assert!(denied_message(&r).contains("image"));
    // Template absent: admitted with a warning that says what was not checked.
    let r = review(&request("CREATE", c, None), &[]);
    assert!(r.allowed, "{r:?}");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("spec.templateRef.name"))
    );
}

#[test]
fn bad_templates_are_denied() {
    let t = json!({
        "apiVersion": "acko.io/v1alpha1",
        "kind": "AerospikeClusterTemplate",
        "metadata": {"name": "base"},
        "spec": {"aerospikeConfig": {"security": {}}}
    });
    let msg = denied_message(&create(t));
    assert!(msg.contains("security"), "{msg}");
}

#[test]
fn bodies_that_are_not_reviews_are_a_clear_400_error() {
    for body in [
        &b"not json"[..],
        br#"{"apiVersion":"v1","kind":"Pod"}"#,
        br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#,
    ] {
        let e = parse_review(body).unwrap_err().to_string();
        assert!(e.contains("AdmissionReview"), "{e}");
    }
    let ok = json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "u", "operation": "CREATE", "object": cluster(json!({}))}});
    let req = parse_review(ok.to_string().as_bytes()).unwrap();
    assert_eq!(req.uid, "u");
    let out = serde_json::to_value(envelope(review(&req, &[]))).unwrap();
    assert_eq!(out["response"]["allowed"], true);
    assert_eq!(out["response"]["uid"], "u");
    assert_eq!(out["apiVersion"], "admission.k8s.io/v1");
    assert!(out.get("request").is_none());
}
