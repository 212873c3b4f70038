//! Writes are checked with acko-api before anything reaches Kubernetes: the same decoding
//! (type errors, unknown fields), template merge and rules as `acko validate`, plus the update
//! rules for changes. Every error comes back at once as `422 validation_failed` with one
//! `{field, message}` per problem. Also: JSON merge patches (RFC 7386) and the minimal merge
//! patch between two specs, for diff-based PATCH.

use acko_api::parse::{Resource, parse_value};
use acko_api::update::validate_update;
use acko_api::validation::{validate_cluster, validate_template};
use acko_api::{AerospikeCluster, AerospikeClusterTemplate, Problems};
use axum::http::StatusCode;
use kube::Api;
use serde_json::{Map, Value};

use super::conn::Kube;
use crate::error::{ApiError, ApiResult, FieldError};

/// A request path for an acko-api path: metadata fields are top-level in our requests.
pub fn request_path(path: &str) -> String {
    for (from, to) in [
        ("metadata.name", "name"),
        ("metadata.namespace", "namespace"),
        ("metadata.labels", "labels"),
        ("metadata.annotations", "annotations"),
    ] {
        if let Some(rest) = path.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    path.to_string()
}

fn field(p: &acko_api::Problem) -> FieldError {
    FieldError {
        field: request_path(&p.path),
        message: if p.hint.is_empty() {
            p.message.clone()
        } else {
            format!("{} (hint: {})", p.message, p.hint)
        },
    }
}

/// `422 validation_failed` listing every error of `problems`; `None` when there is none.
pub fn problems_error(problems: &Problems) -> Option<ApiError> {
    let fields: Vec<FieldError> = problems.errors().map(field).collect();
    if fields.is_empty() {
        return None;
    }
    let mut e = ApiError::fields(fields);
    e.status = StatusCode::UNPROCESSABLE_ENTITY;
    Some(e)
}

/// The warnings of `problems` as field messages (returned on success).
pub fn warnings(problems: &Problems) -> Vec<FieldError> {
    problems.warnings().map(field).collect()
}

/// A single-field 422.
pub fn invalid(path: &str, message: impl Into<String>) -> ApiError {
    let mut e = ApiError::field(path, message);
    e.status = StatusCode::UNPROCESSABLE_ENTITY;
    e
}

/// Decode and validate a cluster document (`apiVersion`, `kind`, `metadata`, `spec`) exactly as
/// `acko validate` does, reading the referenced template from Kubernetes; with `old`, the update
/// rules too. Returns the typed cluster and the warnings.
pub async fn check_cluster(
    kube: &Kube,
    doc: Value,
    old: Option<&AerospikeCluster>,
) -> ApiResult<(AerospikeCluster, Vec<FieldError>)> {
    let parsed = parse_value(1, doc);
    let mut problems = parsed.problems.clone();
    let Some(Resource::Cluster(cluster)) = parsed.resource else {
        return Err(problems_error(&problems)
            .unwrap_or_else(|| invalid("spec", "the cluster could not be decoded")));
    };
    let cluster = *cluster;
    match &cluster.spec.template_ref {
        None => problems.extend(validate_cluster(&cluster)),
        Some(r) => {
            let api: Api<AerospikeClusterTemplate> = Api::all(kube.client.clone());
            let what = format!("AerospikeClusterTemplate {}", r.name);
            match kube.call_opt(&what, api.get(&r.name)).await? {
                None => {
                    problems.extend(validate_cluster(&cluster));
                    problems.error(
                        "spec.templateRef.name",
                        format!("template {:?} does not exist", r.name),
                        "create the template first or pick one from GET /api/v1/k8s/templates",
                    );
                }
                Some(t) => match acko_render::merge_template(&cluster, &[t]) {
                    Ok(resolved) => problems.extend(validate_cluster(&resolved)),
                    Err(e) => {
                        problems.extend(validate_cluster(&cluster));
                        problems.error(
                            "spec.overrides",
                            format!("cannot merge the template: {e}"),
                            "fix spec.overrides",
                        );
                    }
                },
            }
        }
    }
    if let Some(old) = old {
        problems.extend(validate_update(old, &cluster));
    }
    if let Some(e) = problems_error(&problems) {
        return Err(e);
    }
    Ok((cluster, warnings(&problems)))
}

/// Decode and validate a template document.
pub fn check_template(doc: Value) -> ApiResult<(AerospikeClusterTemplate, Vec<FieldError>)> {
    let parsed = parse_value(1, doc);
    let mut problems = parsed.problems.clone();
    let Some(Resource::Template(t)) = parsed.resource else {
        return Err(problems_error(&problems)
            .unwrap_or_else(|| invalid("spec", "the template could not be decoded")));
    };
    problems.extend(validate_template(&t));
    if let Some(e) = problems_error(&problems) {
        return Err(e);
    }
    Ok((*t, warnings(&problems)))
}

/// Apply a JSON merge patch (RFC 7386) to `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let t = target.as_object_mut().expect("made an object above");
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// The smallest merge patch turning `old` into `new` (`None` when they are equal).
pub fn merge_diff(old: &Value, new: &Value) -> Option<Value> {
    if old == new {
        return None;
    }
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let mut out = Map::new();
            for (k, ov) in o {
                match n.get(k) {
                    None => {
                        out.insert(k.clone(), Value::Null);
                    }
                    Some(nv) => {
                        if let Some(d) = merge_diff(ov, nv) {
                            out.insert(k.clone(), d);
                        }
                    }
                }
            }
            for (k, nv) in n {
                if !o.contains_key(k) {
                    out.insert(k.clone(), nv.clone());
                }
            }
            Some(Value::Object(out))
        }
        _ => Some(new.clone()),
    }
}

/// Dotted paths of every leaf a merge patch changes (for responses and drift reports).
pub fn patch_paths(patch: &Value, base: &str, out: &mut Vec<String>) {
    match patch {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let p = if base.is_empty() {
                    k.clone()
                } else {
                    format!("{base}.{k}")
                };
                patch_paths(v, &p, out);
            }
        }
        _ => out.push(base.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc7386() {
        let mut t = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut t, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(t, json!({"a": "z", "c": {"d": "e"}}));
        let mut t = json!({"a": [1, 2]});
        merge_patch(&mut t, &json!({"a": [3]}));
        assert_eq!(t, json!({"a": [3]}));
    }

    #[test]
    fn diff_is_minimal() {
        let old = json!({"size": 3, "image": "a", "podSpec": {"x": 1, "y": 2}});
        let new = json!({"size": 4, "image": "a", "podSpec": {"x": 1}});
        let d = merge_diff(&old, &new).unwrap();
        assert_eq!(d, json!({"size": 4, "podSpec": {"y": null}}));
        assert_eq!(merge_diff(&old, &old), None);
        let mut paths = Vec::new();
        patch_paths(&d, "spec", &mut paths);
        paths.sort();
        assert_eq!(paths, ["spec.podSpec.y", "spec.size"]);
    }

    #[test]
    fn metadata_paths_are_request_fields() {
        assert_eq!(request_path("metadata.name"), "name");
        assert_eq!(request_path("metadata.labels.x"), "labels.x");
        assert_eq!(request_path("spec.size"), "spec.size");
    }

    fn json_tree() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            any::<i32>().prop_map(|i| json!(i)),
            "[a-c]{0,2}".prop_map(Value::String),
            any::<bool>().prop_map(Value::Bool),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop::collection::btree_map("[a-d]", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
        })
    }

    proptest! {
        #[test]
        fn diff_then_patch_round_trips(old in json_tree(), new in json_tree()) {
            // Merge patches cannot express null values; the trees above have none.
            let mut patched = old.clone();
            if let Some(d) = merge_diff(&old, &new) {
                merge_patch(&mut patched, &d);
            }
            prop_assert_eq!(patched, new);
        }
    }
}
