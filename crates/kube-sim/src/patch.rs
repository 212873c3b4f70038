//! Patch formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a documented subset of
//! strategic merge patch.
//!
//! Strategic merge patch subset: maps merge recursively, `null` deletes a key; lists whose field
//! name is in [`merge_key`] merge item by item on that key (`containers`/`volumes`/`env` by
//! `name`, container `ports` by `containerPort`, `volumeMounts` by `mountPath`, conditions by
//! `type`, `ownerReferences` by `uid`); `metadata.finalizers` merges as a set; an item
//! `{"$patch": "delete", <key>: ..}` removes that item; `{"$patch": "replace"}` in a map
//! replaces the map; other `$` directives (`$setElementOrder`, `$retainKeys`,
//! `$deleteFromPrimitiveList`) are accepted and ignored. Every other list is replaced.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// Apply an RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    json_patch::merge(target, patch);
}

/// Apply an RFC 6902 JSON patch.
pub fn json_patch(target: &mut Value, patch: &Value) -> ApiResult<()> {
    let p: json_patch::Patch = serde_json::from_value(patch.clone())
        .map_err(|e| ApiError::bad_request(format!("invalid JSON patch: {e}")))?;
    json_patch::patch(target, &p).map_err(|e| {
        ApiError::new(
            422,
            "Invalid",
            format!("the JSON patch could not be applied: {e}"),
        )
    })
}

/// The merge key of a list field in strategic merge patch (None = replace the list).
pub fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "containerStatuses"
        | "initContainerStatuses" => "name",
        "ports" => "containerPort",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "conditions" => "type",
        "ownerReferences" => "uid",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        _ => return None,
    })
}

/// Apply a strategic merge patch (documented subset, see module docs).
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    smp_value(target, patch, None);
}

fn smp_value(target: &mut Value, patch: &Value, field: Option<&str>) {
    match patch {
        Value::Object(pm) => {
            if pm.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut m = pm.clone();
                m.remove("$patch");
                *target = Value::Object(m);
                return;
            }
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let tm = target.as_object_mut().expect("object");
            for (k, v) in pm {
                if k.starts_with('$') {
                    continue;
                }
                if v.is_null() {
                    tm.remove(k);
                    continue;
                }
                match (tm.get_mut(k), v) {
                    (Some(t), Value::Array(items)) => smp_list(t, items, k),
                    (Some(t), Value::Object(_)) if t.is_object() => smp_value(t, v, Some(k)),
                    _ => {
                        tm.insert(k.clone(), strip_directives(v));
                    }
                }
            }
        }
        other => {
            let _ = field;
            *target = other.clone();
        }
    }
}

fn smp_list(target: &mut Value, items: &[Value], field: &str) {
    if field == "finalizers" {
        let mut cur: Vec<Value> = target.as_array().cloned().unwrap_or_default();
        for i in items {
            if !cur.contains(i) {
                cur.push(i.clone());
            }
        }
        *target = Value::Array(cur);
        return;
    }
    let Some(key) = merge_key(field) else {
        *target = Value::Array(items.iter().map(strip_directives).collect());
        return;
    };
    let mut cur: Vec<Value> = target.as_array().cloned().unwrap_or_default();
    for item in items {
        let Some(kv) = item.get(key) else {
            cur.push(strip_directives(item));
            continue;
        };
        let pos = cur.iter().position(|c| c.get(key) == Some(kv));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(p), true) => {
                cur.remove(p);
            }
            (None, true) => {}
            (Some(p), false) => smp_value(&mut cur[p], item, None),
            (None, false) => cur.push(strip_directives(item)),
        }
    }
    *target = Value::Array(cur);
}

fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), strip_directives(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_directives).collect()),
        o => o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn smp_merges_containers_by_name_and_deletes() {
        let mut t = json!({"spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "1"}],
                                     "tolerations": [{"key": "x"}]}});
        strategic_merge(
            &mut t,
            &json!({"spec": {"containers": [{"name": "a", "image": "2"}, {"name": "b", "$patch": "delete"}, {"name": "c", "image": "3"}],
                             "tolerations": [{"key": "y"}], "$setElementOrder/containers": []}}),
        );
        assert_eq!(
            t,
            json!({"spec": {"containers": [{"name": "a", "image": "2"}, {"name": "c", "image": "3"}], "tolerations": [{"key": "y"}]}})
        );
    }

    #[test]
    fn smp_finalizers_are_a_set_and_null_deletes() {
        let mut t = json!({"metadata": {"finalizers": ["a"], "labels": {"x": "1", "y": "2"}}});
        strategic_merge(
            &mut t,
            &json!({"metadata": {"finalizers": ["a", "b"], "labels": {"x": null}}}),
        );
        assert_eq!(
            t,
            json!({"metadata": {"finalizers": ["a", "b"], "labels": {"y": "2"}}})
        );
    }
}
