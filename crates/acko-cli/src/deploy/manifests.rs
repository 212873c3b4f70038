//! The `deploy/` manifests, compiled in: the same objects `kubectl kustomize deploy/base` (and
//! `deploy/overlays/manager`) renders (tests/install_cli.rs compares them), for any namespace.

use serde_json::Value;

const BASE: &[&str] = &[
    include_str!("../../../../deploy/base/namespace.yaml"),
    include_str!("../../../../deploy/base/rbac.yaml"),
    include_str!("../../../../deploy/base/operator.yaml"),
];
const MANAGER: &str = include_str!("../../../../deploy/overlays/manager/manager.yaml");

/// Namespace of the operator unless `--namespace` says otherwise.
pub const DEFAULT_NAMESPACE: &str = "acko-system";

/// Every object, CRDs first, then the Namespace, then the rest in file order, placed in
/// `namespace`.
pub fn objects(with_manager: bool, namespace: &str) -> Result<Vec<Value>, String> {
    let mut docs: Vec<Value> =
        serde_saphyr::from_multiple(&acko_api::crds_yaml().map_err(|e| format!("CRDs: {e}"))?)
            .map_err(|e| format!("CRDs: {e}"))?;
    let mut texts: Vec<&str> = BASE.to_vec();
    if with_manager {
        texts.push(MANAGER);
    }
    for t in texts {
        let more: Vec<Value> =
            serde_saphyr::from_multiple(t).map_err(|e| format!("embedded manifest: {e}"))?;
        docs.extend(more.into_iter().filter(|d| !d.is_null()));
    }
    for d in &mut docs {
        if d["kind"] == "Namespace" {
            d["metadata"]["name"] = Value::from(namespace);
        } else if d["metadata"].get("namespace").is_some() {
            d["metadata"]["namespace"] = Value::from(namespace);
        }
        if let Some(subjects) = d.get_mut("subjects").and_then(Value::as_array_mut) {
            for s in subjects {
                s["namespace"] = Value::from(namespace);
            }
        }
        // An admission webhook's Service moves too (as kustomize's `namespace:` does).
        if let Some(hooks) = d.get_mut("webhooks").and_then(Value::as_array_mut) {
            for h in hooks {
                if let Some(svc) = h.pointer_mut("/clientConfig/service") {
                    svc["namespace"] = Value::from(namespace);
                }
            }
        }
    }
    docs.iter_mut().for_each(integral_floats_as_integers);
    Ok(docs)
}

/// `30000.0` → `30000`, as the API server returns numbers and `kubectl kustomize` prints them
/// (so values applied by `acko install` and by `kubectl apply -k` are the same bytes).
fn integral_floats_as_integers(v: &mut Value) {
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                && n.is_f64()
            {
                *v = Value::from(f as i64);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(o) => o.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// `kind/name` (and `namespace`) of a manifest, for messages.
pub fn label(d: &Value) -> String {
    let kind = d["kind"].as_str().unwrap_or("?").to_ascii_lowercase();
    let name = d["metadata"]["name"].as_str().unwrap_or("?");
    match d["metadata"]["namespace"].as_str() {
        Some(ns) => format!("{kind}/{name} (namespace {ns})"),
        None => format!("{kind}/{name}"),
    }
}

/// Whether a manifest is a CustomResourceDefinition.
pub fn is_crd(d: &Value) -> bool {
    d["kind"] == "CustomResourceDefinition"
}
