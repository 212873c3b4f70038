//! Deep merge of JSON, used to apply a rack's `aerospikeConfig` override on top of the
//! cluster-level `spec.aerospikeConfig`.
//!
//! Semantics of `deep_merge(base, overlay)`:
//! - map + map: keys are merged recursively; keys only in `base` are kept, keys only in
//!   `overlay` are added (at the end, in overlay order);
//! - a `null` value in an overlay map removes that key from the result;
//! - list + list where every element of both lists is a map with a `name` (namespaces,
//!   logging sinks, sets): merged by `name`. Entries of `base` keep their order and are
//!   deep-merged with the overlay entry of the same name; overlay entries with a new name
//!   are appended in overlay order. An overlay cannot delete one named entry; an empty
//!   overlay list `[]` replaces the whole list (drops every entry);
//! - any other combination (scalars, lists of scalars, type changes): the overlay value
//!   replaces the base value;
//! - an overlay that is `null` at the top level means "no override": `base` is returned.
//!
//! The result is a new value; neither input is modified. Nulls that come from `base`
//! are kept (rendering skips them anyway).

use serde_json::{Map, Value};

/// Merges `overlay` on top of `base` (see the module documentation for the rules).
pub fn deep_merge(base: &Value, overlay: &Value) -> Value {
    match (base, overlay) {
        (_, Value::Null) => base.clone(),
        (Value::Object(b), Value::Object(o)) => Value::Object(merge_maps(b, o)),
        (Value::Array(b), Value::Array(o)) if all_named(b) && all_named(o) => {
            Value::Array(merge_named_lists(b, o))
        }
        (_, o) => strip_nulls(o),
    }
}

fn merge_maps(base: &Map<String, Value>, overlay: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in base {
        match overlay.get(k) {
            None => {
                out.insert(k.clone(), v.clone());
            }
            Some(Value::Null) => {}
            Some(o) => {
                out.insert(k.clone(), deep_merge(v, o));
            }
        }
    }
    for (k, o) in overlay {
        if !base.contains_key(k) && !o.is_null() {
            out.insert(k.clone(), strip_nulls(o));
        }
    }
    out
}

fn name_key(v: &Value) -> Option<&Value> {
    v.as_object()
        .and_then(|m| m.get("name"))
        .filter(|n| n.is_string() || n.is_number())
}

fn all_named(list: &[Value]) -> bool {
    !list.is_empty() && list.iter().all(|v| name_key(v).is_some())
}

fn merge_named_lists(base: &[Value], overlay: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(base.len() + overlay.len());
    for b in base {
        let name = name_key(b);
        match overlay.iter().find(|o| name_key(o) == name) {
            Some(o) => out.push(deep_merge(b, o)),
            None => out.push(b.clone()),
        }
    }
    for o in overlay {
        let name = name_key(o);
        if !base.iter().any(|b| name_key(b) == name) {
            out.push(strip_nulls(o));
        }
    }
    out
}

/// Overlay values that land where the base had nothing: drop null map entries so that
/// "remove" markers never reach the result.
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Value::Array(l) => Value::Array(l.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}
