//! CEL rules of custom resources (`x-kubernetes-validations`), evaluated on create and update
//! like the apiserver does after schema validation: transition rules (`oldSelf`) on updates
//! only, `messageExpression`, `fieldPath` and `reason`; each failed rule is one cause of the
//! 422, `<path>: Invalid value: <message>` (with the value, `Invalid value: "x": <message>`,
//! when the rule sits on a scalar), as the reference apiserver (k8s 1.36) words it. Evaluation is kube's own CEL
//! (`kube::core::cel`, the `kube-cel` crate on the `cel` interpreter). Compiled schemas are
//! cached per CRD version and resourceVersion.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use kube::core::cel::{CompiledSchema, ErrorKind, compile_schema, validate_compiled};
use parking_lot::Mutex;
use serde_json::Value;

/// One failed rule: (reason, field path, message) as the apiserver reports it.
pub type Cause = (String, String, String);

/// Message the apiserver adds when type errors stop CEL rules from running.
pub const NOT_CHECKED: &str = "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation";

type Cache = Mutex<HashMap<String, Arc<CompiledSchema>>>;

static CACHE: LazyLock<Cache> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether a schema (or any part of it) carries CEL rules.
pub fn has_rules(schema: &Value) -> bool {
    match schema {
        Value::Object(m) => {
            m.get("x-kubernetes-validations")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
                || m.values().any(has_rules)
        }
        Value::Array(a) => a.iter().any(has_rules),
        _ => false,
    }
}

fn compiled(key: &str, schema: &Value) -> Arc<CompiledSchema> {
    if let Some(c) = CACHE.lock().get(key) {
        return c.clone();
    }
    let c = Arc::new(compile_schema(schema));
    let mut g = CACHE.lock();
    if g.len() > 64 {
        g.clear();
    }
    g.insert(key.to_string(), c.clone());
    c
}

/// The schema `type` of the node that carries `rule` ("object" when not found).
fn rule_node_type(schema: &Value, rule: &str) -> Option<String> {
    match schema {
        Value::Object(m) => {
            let here = m
                .get("x-kubernetes-validations")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|r| r["rule"] == rule));
            if here {
                return Some(
                    m.get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("object")
                        .into(),
                );
            }
            m.values().find_map(|v| rule_node_type(v, rule))
        }
        Value::Array(a) => a.iter().find_map(|v| rule_node_type(v, rule)),
        _ => None,
    }
}

/// The value at a field path like `spec.racks[0].name`.
fn value_at<'a>(obj: &'a Value, path: &str) -> &'a Value {
    let mut v = obj;
    for seg in path.split('.').filter(|x| !x.is_empty()) {
        let (name, rest) = match seg.find('[') {
            Some(i) => (&seg[..i], &seg[i..]),
            None => (seg, ""),
        };
        v = &v[name];
        for idx in rest.split(['[', ']']).filter(|x| !x.is_empty()) {
            v = match idx.parse::<usize>() {
                Ok(i) => &v[i],
                Err(_) => &v[idx.trim_matches('"')],
            };
        }
    }
    v
}

/// Evaluate the rules of `schema` on `obj` (and `old` for transition rules). `key` names the
/// schema for the cache (CRD name, version, resourceVersion).
pub fn check(key: &str, schema: &Value, obj: &Value, old: Option<&Value>) -> Vec<Cause> {
    if !has_rules(schema) {
        return Vec::new();
    }
    let c = compiled(key, schema);
    let Err(errors) = validate_compiled(&c, obj, old) else {
        return Vec::new();
    };
    errors
        .into_vec()
        .into_iter()
        .filter(|e| {
            // a rule that does not compile was the CRD author's error; the apiserver refuses
            // such a CRD, so it never reaches objects
            !matches!(
                e.kind,
                ErrorKind::CompilationFailure | ErrorKind::InvalidRule
            )
        })
        .map(|e| {
            let path = e.field_path.trim_start_matches('.').to_string();
            let (reason, message) = match e.reason.as_deref() {
                Some("FieldValueForbidden") => {
                    ("FieldValueForbidden", format!("Forbidden: {}", e.message))
                }
                Some("FieldValueRequired") => (
                    "FieldValueRequired",
                    format!("Required value: {}", e.message),
                ),
                Some("FieldValueDuplicate") => (
                    "FieldValueDuplicate",
                    format!("Duplicate value: {}", e.message),
                ),
                _ => {
                    // the apiserver shows the value of a scalar rule node, never of an object
                    let scalar = rule_node_type(schema, &e.rule)
                        .is_some_and(|t| t != "object" && t != "array");
                    let shown = if scalar {
                        format!("{}: ", value_at(obj, &path))
                    } else {
                        String::new()
                    };
                    (
                        "FieldValueInvalid",
                        format!("Invalid value: {shown}{}", e.message),
                    )
                }
            };
            let field = if path.is_empty() {
                "<nil>".to_string()
            } else {
                path
            };
            (reason.to_string(), field, message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {"spec": {"type": "object",
            "x-kubernetes-validations": [
                {"rule": "self.size <= 8", "message": "size must be at most 8", "fieldPath": ".size"},
                {"rule": "self.image == oldSelf.image", "message": "image is immutable"}],
            "properties": {"size": {"type": "integer"}, "image": {"type": "string"}}}}})
    }

    #[test]
    fn failed_rules_become_causes_with_paths() {
        let obj = json!({"spec": {"size": 9, "image": "a"}});
        let causes = check("t1", &schema(), &obj, None);
        assert_eq!(
            causes,
            vec![(
                "FieldValueInvalid".to_string(),
                "spec.size".to_string(),
                "Invalid value: size must be at most 8".to_string()
            )]
        );
    }

    #[test]
    fn transition_rules_run_on_updates_only() {
        let new = json!({"spec": {"size": 1, "image": "b"}});
        let old = json!({"spec": {"size": 1, "image": "a"}});
        assert!(check("t2", &schema(), &new, None).is_empty());
        let causes = check("t2", &schema(), &new, Some(&old));
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].1, "spec");
        assert_eq!(causes[0].2, "Invalid value: image is immutable");
    }

    #[test]
    fn schemas_without_rules_cost_nothing() {
        assert!(!has_rules(&json!({"type": "object"})));
        assert!(has_rules(&schema()));
    }
}
