//! Server-side apply and `metadata.managedFields`.
//!
//! Field sets are sets of paths to leaves (scalars, atomic lists, empty maps) plus one path per
//! item of an associative list. A list is associative when every item is a map with a `name`
//! (the common `x-kubernetes-list-map-keys: [name]` case); every other list is atomic (owned as
//! a whole). Conflicts: a field the applier sets to a different value than the live one while
//! another manager owns it → 409 listing the fields, unless `force=true`, which moves ownership.
//! Fields the applier applied before and no longer applies are removed unless another manager
//! owns them. Non-apply writes (create/update/patch) move ownership of the fields they change
//! to their manager (operation `Update`).

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    /// A map field.
    F(String),
    /// An associative list item, by its `name`.
    K(String),
}

/// A field path.
pub type Path = Vec<Seg>;
/// A set of field paths.
pub type FieldSet = BTreeSet<Path>;

/// One `managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Manager {
    /// Manager name.
    pub manager: String,
    /// "Apply" or "Update".
    pub operation: String,
    /// "" or "status" / "scale".
    pub subresource: String,
    /// apiVersion of the write.
    pub api_version: String,
    /// Time of the last write.
    pub time: String,
    /// Owned fields.
    pub fields: FieldSet,
}

fn is_assoc(list: &[Value]) -> bool {
    !list.is_empty()
        && list
            .iter()
            .all(|i| i.get("name").is_some_and(Value::is_string))
}

fn skip_top(path: &[Seg], sub: &str) -> bool {
    let top = |i: usize| match path.get(i) {
        Some(Seg::F(s)) => s.as_str(),
        _ => "",
    };
    match sub {
        "status" => top(0) != "status",
        _ => {
            matches!(top(0), "apiVersion" | "kind")
                || (top(0) == "metadata"
                    && matches!(
                        top(1),
                        "name"
                            | "namespace"
                            | "uid"
                            | "resourceVersion"
                            | "generation"
                            | "creationTimestamp"
                            | "managedFields"
                            | "deletionTimestamp"
                            | "deletionGracePeriodSeconds"
                            | "selfLink"
                            | "generateName"
                    ))
        }
    }
}

/// The field set of an object (what it sets).
pub fn field_set(obj: &Value, sub: &str, status_is_sub: bool) -> FieldSet {
    let mut out = FieldSet::new();
    walk(obj, &mut Vec::new(), &mut out);
    out.retain(|p| {
        let status_on_main =
            sub.is_empty() && status_is_sub && p.first() == Some(&Seg::F("status".into()));
        !(skip_top(p, sub) || status_on_main)
    });
    out
}

fn walk(v: &Value, path: &mut Path, out: &mut FieldSet) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                path.push(Seg::F(k.clone()));
                walk(c, path, out);
                path.pop();
            }
        }
        Value::Array(a) if is_assoc(a) => {
            for item in a {
                let key = item["name"].as_str().unwrap_or_default().to_string();
                path.push(Seg::K(key));
                out.insert(path.clone());
                if let Value::Object(m) = item {
                    for (k, c) in m {
                        path.push(Seg::F(k.clone()));
                        walk(c, path, out);
                        path.pop();
                    }
                }
                path.pop();
            }
        }
        _ => {
            out.insert(path.clone());
        }
    }
}

/// The value at a path (None when absent).
pub fn get<'a>(obj: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    let mut cur = obj;
    for s in path {
        cur = match s {
            Seg::F(f) => cur.get(f)?,
            Seg::K(k) => cur
                .as_array()?
                .iter()
                .find(|i| i["name"].as_str() == Some(k))?,
        };
    }
    Some(cur)
}

/// Remove the field at a path (no-op when absent).
pub fn remove(obj: &mut Value, path: &[Seg]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for s in parent {
        let next = match s {
            Seg::F(f) => cur.get_mut(f),
            Seg::K(k) => cur
                .as_array_mut()
                .and_then(|a| a.iter_mut().find(|i| i["name"].as_str() == Some(k))),
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match last {
        Seg::F(f) => {
            if let Some(m) = cur.as_object_mut() {
                m.remove(f);
            }
        }
        Seg::K(k) => {
            if let Some(a) = cur.as_array_mut() {
                a.retain(|i| i["name"].as_str() != Some(k));
            }
        }
    }
}

/// Merge an applied configuration into the live object (maps merge, associative lists merge
/// by name, everything else is replaced).
pub fn merge(live: &mut Value, applied: &Value) {
    match (live, applied) {
        (Value::Object(l), Value::Object(a)) => {
            for (k, v) in a {
                match l.get_mut(k) {
                    Some(lv) => merge(lv, v),
                    None => {
                        l.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(l), Value::Array(a)) if is_assoc(a) && (l.is_empty() || is_assoc(l)) => {
            for item in a {
                match l.iter_mut().find(|i| i["name"] == item["name"]) {
                    Some(li) => merge(li, item),
                    None => l.push(item.clone()),
                }
            }
        }
        (l, a) => *l = a.clone(),
    }
}

fn path_string(p: &[Seg]) -> String {
    p.iter()
        .map(|s| match s {
            Seg::F(f) => format!(".{f}"),
            Seg::K(k) => format!("[name=\"{k}\"]"),
        })
        .collect()
}

/// Server-side apply of `applied` onto `live` (None = create). Returns the new object; updates
/// `managers`. Errors with 409 on conflicts unless `force`.
#[allow(clippy::too_many_arguments)]
pub fn apply(
    live: Option<&Value>,
    applied: &Value,
    managers: &mut Vec<Manager>,
    manager: &str,
    sub: &str,
    force: bool,
    status_is_sub: bool,
    now: &str,
) -> Result<Value, ApiError> {
    let new_set = field_set(applied, sub, status_is_sub);
    let mut conflicts = Vec::new();
    if let Some(live) = live {
        for m in managers.iter_mut() {
            if m.manager == manager && m.operation == "Apply" {
                continue;
            }
            let clash: Vec<Path> = m
                .fields
                .iter()
                .filter(|p| new_set.contains(*p))
                .filter(|p| !matches!(p.last(), Some(Seg::K(_))))
                .filter(|p| get(live, p) != get(applied, p))
                .cloned()
                .collect();
            for p in clash {
                if force {
                    m.fields.remove(&p);
                } else {
                    conflicts.push((m.manager.clone(), p));
                }
            }
        }
    }
    if !conflicts.is_empty() {
        let msg = conflicts
            .iter()
            .map(|(m, p)| format!("conflict with \"{m}\": {}", path_string(p)))
            .collect::<Vec<_>>()
            .join("\n- ");
        let causes: Vec<Value> = conflicts
            .iter()
            .map(|(m, p)| json!({"reason": "FieldManagerConflict", "message": format!("conflict with \"{m}\""), "field": path_string(p)}))
            .collect();
        return Err(ApiError::new(
            409,
            "Conflict",
            format!(
                "Apply failed with {} conflict(s): - {msg} (use force=true to take ownership)",
                conflicts.len()
            ),
        )
        .with_details(json!({"causes": causes})));
    }
    let mut out = live.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    let old_set = managers
        .iter()
        .find(|m| m.manager == manager && m.operation == "Apply" && m.subresource == sub)
        .map(|m| m.fields.clone())
        .unwrap_or_default();
    let mut applied_clean = applied.clone();
    if let Some(md) = applied_clean
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
    {
        md.remove("managedFields");
        md.remove("resourceVersion");
    }
    merge(&mut out, &applied_clean);
    // remove fields this manager stopped applying and no one else owns (deepest first)
    let mut dropped: Vec<&Path> = old_set.difference(&new_set).collect();
    dropped.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in dropped {
        let owned_elsewhere = managers.iter().any(|m| {
            !(m.manager == manager && m.operation == "Apply")
                && m.fields.iter().any(|q| q.starts_with(p))
        });
        if !owned_elsewhere {
            remove(&mut out, p);
        }
    }
    managers.retain(|m| !(m.manager == manager && m.operation == "Apply" && m.subresource == sub));
    managers.push(Manager {
        manager: manager.into(),
        operation: "Apply".into(),
        subresource: sub.into(),
        api_version: applied["apiVersion"].as_str().unwrap_or_default().into(),
        time: now.into(),
        fields: new_set,
    });
    managers.retain(|m| !m.fields.is_empty());
    Ok(out)
}

/// Record a non-apply write: fields changed from `old` to `new` move to `manager` (Update).
pub fn record_update(
    old: Option<&Value>,
    new: &Value,
    managers: &mut Vec<Manager>,
    manager: &str,
    sub: &str,
    status_is_sub: bool,
    now: &str,
) {
    let new_set = field_set(new, sub, status_is_sub);
    let changed: FieldSet = match old {
        None => new_set.clone(),
        Some(o) => new_set
            .iter()
            .filter(|p| get(o, p) != get(new, p))
            .cloned()
            .collect(),
    };
    for m in managers.iter_mut() {
        m.fields
            .retain(|p| !changed.contains(p) || matches!(p.last(), Some(Seg::K(_))));
        // fields removed from the object are owned by no one
        m.fields.retain(|p| get(new, p).is_some());
    }
    if !changed.is_empty() {
        if let Some(m) = managers
            .iter_mut()
            .find(|m| m.manager == manager && m.operation == "Update" && m.subresource == sub)
        {
            m.fields.extend(changed);
            m.time = now.into();
        } else {
            managers.push(Manager {
                manager: manager.into(),
                operation: "Update".into(),
                subresource: sub.into(),
                api_version: new["apiVersion"].as_str().unwrap_or_default().into(),
                time: now.into(),
                fields: changed,
            });
        }
    }
    managers.retain(|m| !m.fields.is_empty());
}

fn seg_key(s: &Seg) -> String {
    match s {
        Seg::F(f) => format!("f:{f}"),
        Seg::K(k) => format!("k:{{\"name\":{}}}", Value::String(k.clone())),
    }
}

fn parse_key(k: &str) -> Option<Seg> {
    if let Some(f) = k.strip_prefix("f:") {
        return Some(Seg::F(f.into()));
    }
    let j: Value = serde_json::from_str(k.strip_prefix("k:")?).ok()?;
    Some(Seg::K(j["name"].as_str()?.into()))
}

/// A field set as `fieldsV1` JSON.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Map::new();
    for p in set {
        let mut cur = &mut root;
        for (i, s) in p.iter().enumerate() {
            let e = cur
                .entry(seg_key(s))
                .or_insert_with(|| Value::Object(Map::new()));
            let m = e.as_object_mut().expect("fieldsV1 nodes are maps");
            if i + 1 == p.len() && matches!(s, Seg::K(_)) {
                m.insert(".".into(), json!({}));
            }
            cur = m;
        }
    }
    Value::Object(root)
}

fn from_fields_v1(v: &Value, path: &mut Path, out: &mut FieldSet) {
    let Some(m) = v.as_object() else { return };
    if m.is_empty() || m.contains_key(".") {
        out.insert(path.clone());
    }
    for (k, c) in m {
        if let Some(s) = parse_key(k) {
            path.push(s);
            from_fields_v1(c, path, out);
            path.pop();
        }
    }
}

/// Read `metadata.managedFields` of an object.
pub fn read_managers(obj: &Value) -> Vec<Manager> {
    obj["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let mut fields = FieldSet::new();
            from_fields_v1(&e["fieldsV1"], &mut Vec::new(), &mut fields);
            fields.remove(&Vec::new());
            Manager {
                manager: e["manager"].as_str().unwrap_or_default().into(),
                operation: e["operation"].as_str().unwrap_or("Update").into(),
                subresource: e["subresource"].as_str().unwrap_or_default().into(),
                api_version: e["apiVersion"].as_str().unwrap_or_default().into(),
                time: e["time"].as_str().unwrap_or_default().into(),
                fields,
            }
        })
        .collect()
}

/// Write `metadata.managedFields` of an object.
pub fn write_managers(obj: &mut Value, managers: &[Manager]) {
    let entries: Vec<Value> = managers
        .iter()
        .map(|m| {
            let mut e = json!({
                "manager": m.manager,
                "operation": m.operation,
                "apiVersion": m.api_version,
                "time": m.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": to_fields_v1(&m.fields),
            });
            if !m.subresource.is_empty() {
                e["subresource"] = json!(m.subresource);
            }
            e
        })
        .collect();
    if let Some(md) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        if entries.is_empty() {
            md.remove("managedFields");
        } else {
            md.insert("managedFields".into(), Value::Array(entries));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data})
    }

    #[test]
    fn apply_removes_dropped_fields_and_detects_conflicts() {
        let mut ms = Vec::new();
        let o = apply(
            None,
            &cm(json!({"a": "1", "b": "2"})),
            &mut ms,
            "m1",
            "",
            false,
            false,
            "t",
        )
        .unwrap();
        let o = apply(
            Some(&o),
            &cm(json!({"a": "1"})),
            &mut ms,
            "m1",
            "",
            false,
            false,
            "t",
        )
        .unwrap();
        assert_eq!(o["data"], json!({"a": "1"}));
        let err = apply(
            Some(&o),
            &cm(json!({"a": "9"})),
            &mut ms,
            "m2",
            "",
            false,
            false,
            "t",
        )
        .unwrap_err();
        assert_eq!(err.code, 409);
        assert!(err.message.contains("m1"), "{}", err.message);
        // same value: shared ownership, no conflict
        apply(
            Some(&o),
            &cm(json!({"a": "1"})),
            &mut ms.clone(),
            "m2",
            "",
            false,
            false,
            "t",
        )
        .unwrap();
        let o = apply(
            Some(&o),
            &cm(json!({"a": "9"})),
            &mut ms,
            "m2",
            "",
            true,
            false,
            "t",
        )
        .unwrap();
        assert_eq!(o["data"]["a"], "9");
        assert!(ms.iter().all(|m| m.manager == "m2"));
    }

    #[test]
    fn fields_v1_round_trip() {
        let o = json!({"spec": {"containers": [{"name": "a", "image": "x"}], "replicas": 1}});
        let set = field_set(&o, "", false);
        let mut back = FieldSet::new();
        from_fields_v1(&to_fields_v1(&set), &mut Vec::new(), &mut back);
        back.remove(&Vec::new());
        assert_eq!(set, back);
    }
}
