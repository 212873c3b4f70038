//! OpenAPI v3 schema handling for custom resources, as the apiserver does it on every write:
//! `default`s filled in, unknown fields pruned (unless `x-kubernetes-preserve-unknown-fields`),
//! then type / required / enum / bounds / length / item-count checks; every violation becomes a
//! cause of one 422 with its field path; then the CRD's CEL rules ([`crate::cel`]).

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::kinds::{self, ResourceType};
use crate::store::{Inner, name_of};

/// Default, prune and validate a custom resource against its CRD schema (no-op for built-ins).
pub fn object(inner: &Inner, rt: &ResourceType, obj: &mut Value) -> ApiResult<()> {
    object_update(inner, rt, obj, None)
}

/// [`object`], then the CRD's CEL rules (transition rules against `old` on updates).
pub fn object_update(
    inner: &Inner,
    rt: &ResourceType,
    obj: &mut Value,
    old: Option<&Value>,
) -> ApiResult<()> {
    metadata(rt, obj)?;
    crate::events_view::validate(rt, obj, old)?;
    if !rt.custom {
        return Ok(());
    }
    let crd_rt = inner
        .types
        .iter()
        .find(|t| t.kind == "CustomResourceDefinition")
        .cloned()
        .expect("CRD kind is built in");
    let crd_key = (String::new(), format!("{}.{}", rt.plural, rt.group));
    let Some(crd) = inner.bucket(&crd_rt).and_then(|b| b.get(&crd_key)) else {
        return Ok(());
    };
    let Some(schema) = kinds::crd_schema(crd, &rt.version) else {
        return Ok(());
    };
    let metadata = obj.get("metadata").cloned();
    let mut causes = Vec::new();
    walk(schema, obj, "", &mut causes, true);
    if let Some(md) = metadata {
        obj["metadata"] = md;
    }
    let mut all: Vec<crate::cel::Cause> = causes
        .into_iter()
        .map(|(f, m)| (reason_of(&m).to_string(), f, m))
        .collect();
    // these schema errors stop the CEL rules, as in the apiserver
    let blocking = all.iter().any(|(r, _, _)| {
        matches!(
            r.as_str(),
            "FieldValueRequired"
                | "FieldValueNotSupported"
                | "FieldValueTooLong"
                | "FieldValueTooMany"
                | "FieldValueTypeInvalid"
        )
    });
    if blocking && crate::cel::has_rules(schema) {
        all.push((
            "FieldValueInvalid".into(),
            "<nil>".into(),
            format!("Invalid value: null: {}", crate::cel::NOT_CHECKED),
        ));
    } else if !blocking {
        let key = format!(
            "{}/{}/{}",
            name_of(crd),
            rt.version,
            crd["metadata"]["resourceVersion"]
                .as_str()
                .unwrap_or_default()
        );
        all.extend(crate::cel::check(&key, schema, obj, old));
    }
    if all.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_causes(
            &rt.group,
            &rt.kind,
            name_of(obj),
            all,
        ))
    }
}

/// Metadata rules of every kind: complete ownerReferences (a uid is required), label values.
pub fn metadata(rt: &ResourceType, obj: &Value) -> ApiResult<()> {
    let mut causes = Vec::new();
    for (i, r) in obj["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for f in ["apiVersion", "kind", "name", "uid"] {
            if r[f].as_str().is_none_or(str::is_empty) {
                causes.push((
                    format!("metadata.ownerReferences[{i}].{f}"),
                    format!("Invalid value: \"\": {f} must not be empty"),
                ));
            }
        }
    }
    for (k, v) in obj["metadata"]["labels"].as_object().into_iter().flatten() {
        let Some(v) = v.as_str() else {
            causes.push((
                format!("metadata.labels.{k}"),
                "Invalid value: must be a string".into(),
            ));
            continue;
        };
        let ok = v.len() <= 63
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && (v.is_empty()
                || (v.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && v.ends_with(|c: char| c.is_ascii_alphanumeric())));
        if !ok {
            causes.push((format!("metadata.labels.{k}"), format!("Invalid value: {v:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)")));
        }
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_in(
            &rt.group,
            &rt.kind,
            name_of(obj),
            causes,
        ))
    }
}

fn type_ok(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        _ => true,
    }
}

fn walk(schema: &Value, v: &mut Value, path: &str, causes: &mut Vec<(String, String)>, root: bool) {
    let field = if path.is_empty() {
        "<root>".to_string()
    } else {
        path.to_string()
    };
    if v.is_null() && schema["nullable"].as_bool() == Some(true) {
        return;
    }
    let int_or_string = schema["x-kubernetes-int-or-string"].as_bool() == Some(true);
    if let Some(ty) = schema["type"].as_str() {
        if !int_or_string && !type_ok(ty, v) {
            let actual = json_type(v);
            causes.push((
                field.clone(),
                format!("Invalid value: \"{actual}\": {field} in body must be of type {ty}: \"{actual}\""),
            ));
            return;
        }
    }
    if let Some(e) = schema["enum"].as_array() {
        if !e.contains(v) {
            let allowed: Vec<String> = e.iter().map(|x| x.to_string()).collect();
            causes.push((
                field.clone(),
                format!(
                    "Unsupported value: {}: supported values: {}",
                    short(v),
                    allowed.join(", ")
                ),
            ));
        }
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = schema["minimum"].as_f64() {
            if n < min {
                causes.push((
                    field.clone(),
                    format!(
                        "Invalid value: {}: {field} in body should be greater than or equal to {}",
                        short(v),
                        num(&schema["minimum"])
                    ),
                ));
            }
        }
        if let Some(max) = schema["maximum"].as_f64() {
            if n > max {
                causes.push((
                    field.clone(),
                    format!(
                        "Invalid value: {}: {field} in body should be less than or equal to {}",
                        short(v),
                        num(&schema["maximum"])
                    ),
                ));
            }
        }
    }
    if let Some(s) = v.as_str() {
        let len = s.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|m| len < m) {
            causes.push((
                field.clone(),
                format!(
                    "Invalid value: {}: {field} in body should be at least {} chars long",
                    short(v),
                    schema["minLength"]
                ),
            ));
        }
        if schema["maxLength"].as_u64().is_some_and(|m| len > m) {
            causes.push((
                field.clone(),
                format!(
                    "Too long: may not be more than {} bytes",
                    schema["maxLength"]
                ),
            ));
        }
    }
    match v {
        Value::Object(m) => walk_object(schema, m, path, causes, root),
        Value::Array(items) => {
            let n = items.len() as u64;
            if schema["minItems"].as_u64().is_some_and(|m| n < m) {
                causes.push((
                    field.clone(),
                    format!(
                        "Invalid value: {n}: {field} in body should have at least {} items",
                        schema["minItems"]
                    ),
                ));
            }
            if schema["maxItems"].as_u64().is_some_and(|m| n > m) {
                causes.push((
                    field,
                    format!(
                        "Too many: {n}: must have at most {} items",
                        schema["maxItems"]
                    ),
                ));
            }
            if let Some(is) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    walk(is, item, &format!("{path}[{i}]"), causes, false);
                }
            }
        }
        _ => {}
    }
}

fn walk_object(
    schema: &Value,
    m: &mut Map<String, Value>,
    path: &str,
    causes: &mut Vec<(String, String)>,
    root: bool,
) {
    let props = schema["properties"].as_object();
    if let Some(props) = props {
        for (k, ps) in props {
            if !m.contains_key(k) {
                if let Some(d) = ps.get("default") {
                    m.insert(k.clone(), d.clone());
                }
            }
        }
    }
    for r in schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !m.contains_key(r) {
            causes.push((join(path, r), "Required value".into()));
        }
    }
    let preserve = schema["x-kubernetes-preserve-unknown-fields"].as_bool() == Some(true);
    let additional = schema.get("additionalProperties").filter(|a| a.is_object());
    let keys: Vec<String> = m.keys().cloned().collect();
    for k in keys {
        if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
            continue;
        }
        let sub = props.and_then(|p| p.get(&k)).or(additional);
        match sub {
            Some(s) => {
                if let Some(v) = m.get_mut(&k) {
                    walk(s, v, &join(path, &k), causes, false);
                }
            }
            None if preserve
                || (props.is_none()
                    && schema
                        .get("additionalProperties")
                        .is_some_and(|a| a == &Value::Bool(true))) => {}
            None if props.is_none() && additional.is_none() && schema.get("type").is_none() => {}
            None => {
                m.remove(&k);
            }
        }
    }
}

fn join(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_string()
    } else {
        format!("{path}.{k}")
    }
}

/// A schema bound as Go prints it (`5`, not `5.0`, for whole numbers).
fn num(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => v.to_string(),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The apiserver's cause reason for a message (its prefix is derived from the reason).
fn reason_of(message: &str) -> &'static str {
    if message.starts_with("Required value") {
        "FieldValueRequired"
    } else if message.starts_with("Unsupported value") {
        "FieldValueNotSupported"
    } else if message.starts_with("Too long") {
        "FieldValueTooLong"
    } else if message.starts_with("Too many") {
        "FieldValueTooMany"
    } else if message.contains(" in body must be of type ") {
        "FieldValueTypeInvalid"
    } else {
        "FieldValueInvalid"
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}...", s.chars().take(57).collect::<String>())
    } else {
        s
    }
}
