//! Helpers of the validation rule tests: JSON merge patches over a small valid cluster.

#![allow(dead_code)]

use acko_api::parse::{Resource, parse_value};
use acko_api::validation::{validate_cluster, validate_template};
pub use acko_api::{Problems, Severity};
pub use serde_json::{Value, json};

pub fn base() -> Value {
    json!({
        "apiVersion": "acko.io/v1alpha1",
        "kind": "AerospikeCluster",
        "metadata": {"name": "demo", "namespace": "db"},
        "spec": {
            "size": 3,
            "image": "aerospike:ce-8.1.1.1",
            "aerospikeConfig": {"namespaces": [{"name": "test", "replication-factor": 2,
                "storage-engine": {"type": "memory", "data-size": 1073741824}}]}
        }
    })
}

/// RFC 7386 merge patch: objects merge, `null` removes, everything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

pub fn problems(patch: Value) -> Problems {
    let mut doc = base();
    merge(&mut doc, &patch);
    let parsed = parse_value(1, doc);
    let mut all = parsed.problems.clone();
    match &parsed.resource {
        Some(Resource::Cluster(c)) => all.extend(validate_cluster(c)),
        Some(Resource::Template(t)) => all.extend(validate_template(t)),
        None => {}
    }
    all
}

#[track_caller]
pub fn accepts(patch: Value) {
    let p = problems(patch.clone());
    assert!(
        !p.has_errors(),
        "expected {patch} to be accepted, got:\n{p}"
    );
}

#[track_caller]
pub fn rejects(patch: Value, path: &str) {
    let p = problems(patch.clone());
    assert!(
        p.errors().any(|e| e.path == path),
        "expected an error at {path} for {patch}, got:\n{p}"
    );
}

#[track_caller]
pub fn warns(patch: Value, path: &str) {
    let p = problems(patch.clone());
    assert!(!p.has_errors(), "{p}");
    assert!(
        p.warnings()
            .any(|w| w.path == path && w.severity == Severity::Warning),
        "expected a warning at {path}, got:\n{p}"
    );
}

pub fn ns(extra: Value) -> Value {
    let mut n = json!({"name": "test", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824}});
    merge(&mut n, &extra);
    json!({"spec": {"aerospikeConfig": {"namespaces": [n]}}})
}
