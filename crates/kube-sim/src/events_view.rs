//! `events.k8s.io/v1` Events as the real apiserver serves them: not a kind of their own but a
//! second representation of the core `v1` Events. Only core Events are stored; every verb on
//! `events.k8s.io/v1` converts on the way in and out, so both views share one object (same
//! name, uid and resourceVersion) and a watch on either sees writes through the other.
//!
//! The field mapping is upstream's (`pkg/apis/events/v1` conversion): `regarding` ↔
//! `involvedObject`, `note` ↔ `message`, `reportingController` ↔ `reportingComponent`,
//! `deprecatedSource` ↔ `source`, `deprecated{First,Last}Timestamp` ↔ `{first,last}Timestamp`,
//! `deprecatedCount` ↔ `count`; `eventTime`, `series`, `action`, `reason`, `type`, `related`
//! and `reportingInstance` keep their names. Field selectors are converted the same way
//! (`regarding.name` selects on `involvedObject.name`).

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::kinds::ResourceType;
use crate::selectors::FieldSelector;
use crate::store::TypeKey;

/// The API group of the second view.
pub const GROUP: &str = "events.k8s.io";

/// (events.k8s.io/v1 name, core v1 name) of every renamed field.
const RENAMED: [(&str, &str); 7] = [
    ("regarding", "involvedObject"),
    ("note", "message"),
    ("reportingController", "reportingComponent"),
    ("deprecatedSource", "source"),
    ("deprecatedFirstTimestamp", "firstTimestamp"),
    ("deprecatedLastTimestamp", "lastTimestamp"),
    ("deprecatedCount", "count"),
];

/// Fields with the same name in both representations.
const SHARED: [&str; 8] = [
    "metadata",
    "eventTime",
    "series",
    "action",
    "reason",
    "type",
    "related",
    "reportingInstance",
];

/// Whether `rt` is the `events.k8s.io` view of core Events.
pub fn is_view(rt: &ResourceType) -> bool {
    rt.group == GROUP && rt.plural == "events"
}

/// Where objects of `rt` are stored: core `events` for the view, `(group, plural)` otherwise.
pub fn storage_key(rt: &ResourceType) -> TypeKey {
    if is_view(rt) {
        (String::new(), "events".into())
    } else {
        (rt.group.clone(), rt.plural.clone())
    }
}

fn convert(from: &Value, pairs: impl Iterator<Item = (&'static str, &'static str)>) -> Value {
    let mut out = Map::new();
    let Some(src) = from.as_object() else {
        return Value::Object(out);
    };
    for (a, b) in pairs {
        if let Some(v) = src.get(a) {
            out.insert(b.to_string(), v.clone());
        }
    }
    Value::Object(out)
}

fn shared() -> impl Iterator<Item = (&'static str, &'static str)> {
    SHARED.iter().map(|s| (*s, *s))
}

/// A stored core Event as `events.k8s.io/v1` serves it (fields that view lacks are dropped).
pub fn to_view(core: &Value) -> Value {
    let mut v = convert(core, shared().chain(RENAMED.iter().map(|(v, c)| (*c, *v))));
    v["apiVersion"] = json!(format!("{GROUP}/v1"));
    v["kind"] = json!("Event");
    v
}

/// An `events.k8s.io/v1` Event as the core Event it is stored as (unknown fields are dropped,
/// as the apiserver's decoder drops them).
pub fn to_core(view: &Value) -> Value {
    let mut c = convert(view, shared().chain(RENAMED.iter().copied()));
    c["apiVersion"] = json!("v1");
    c["kind"] = json!("Event");
    c
}

/// The field selector of a request, in terms of the stored object: for the view, its field
/// labels converted to the core ones (an unsupported label is a 400, as upstream); for core
/// Events, `source` means `source.component` (upstream's field label).
pub fn storage_field_selector(rt: &ResourceType, fs: FieldSelector) -> ApiResult<FieldSelector> {
    if is_view(rt) {
        fs.map_paths(|p| {
            let core = match p {
                "metadata.name" | "metadata.namespace" | "reason" | "type" => p.to_string(),
                "reportingController" => "reportingComponent".to_string(),
                _ => match p.strip_prefix("regarding.") {
                    Some(
                        f @ ("kind" | "namespace" | "name" | "uid" | "apiVersion"
                        | "resourceVersion" | "fieldPath"),
                    ) => format!("involvedObject.{f}"),
                    _ => {
                        return Err(ApiError::bad_request(format!(
                            "field label not supported: {p} (events.k8s.io/v1 Events select on metadata.name, metadata.namespace, regarding.{{kind,namespace,name,uid,apiVersion,resourceVersion,fieldPath}}, reason, reportingController, type)"
                        )));
                    }
                },
            };
            Ok(core)
        })
    } else if rt.group.is_empty() && rt.plural == "events" {
        fs.map_paths(|p| {
            Ok(if p == "source" {
                "source.component".to_string()
            } else {
                p.to_string()
            })
        })
    } else {
        Ok(fs)
    }
}

/// Length limits of upstream's Event validation (bytes).
const REPORTING_INSTANCE_MAX: usize = 128;
const ACTION_MAX: usize = 128;
const REASON_MAX: usize = 128;
const NOTE_MAX: usize = 1024;

fn text<'a>(o: &'a Value, field: &str) -> &'a str {
    o[field].as_str().unwrap_or_default()
}

/// Go's zero value: absent, null, "", 0, false and {} are all "unset".
fn unset(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::Bool(b)) => !b,
        Some(Value::Object(m)) => m.values().all(|v| unset(Some(v))),
        Some(Value::Array(a)) => a.is_empty(),
    }
}

/// Equal as Go compares the typed fields: unset values are equal, timestamps by instant.
fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    if unset(a) && unset(b) {
        return true;
    }
    match (a, b) {
        (Some(Value::String(x)), Some(Value::String(y))) => {
            x == y
                || matches!(
                    (x.parse::<jiff::Timestamp>(), y.parse::<jiff::Timestamp>()),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            x.keys().chain(y.keys()).all(|k| same(x.get(k), y.get(k)))
        }
        _ => a == b,
    }
}

/// `[prefix/]name` with name ≤ 63 of alphanumerics, `-`, `_`, `.` (alphanumeric at both ends).
fn qualified_name_problem(s: &str) -> Option<&'static str> {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if name.is_empty()
        || name.len() > 63
        || !alnum(name.chars().next())
        || !alnum(name.chars().last())
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Some(
            "a qualified name must be at most 63 alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        );
    }
    if let Some(p) = prefix {
        let ok = !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !l.starts_with('-')
                    && !l.ends_with('-')
            });
        if !ok {
            return Some("the prefix of a qualified name must be a lowercase DNS subdomain");
        }
    }
    None
}

/// Upstream's checks of an Event write (`ValidateEventCreate` / `ValidateEventUpdate`): the
/// legacy rules for every Event, and for writes through `events.k8s.io/v1` the strict ones
/// (a create sets `eventTime` and none of the deprecated fields; an update may change only
/// metadata and `series`). `obj` and `old` are in the representation of `rt`; the causes
/// name the fields of that representation.
pub fn validate(rt: &ResourceType, obj: &Value, old: Option<&Value>) -> ApiResult<()> {
    let core_kind = rt.group.is_empty() && rt.plural == "events";
    if !core_kind && !is_view(rt) {
        return Ok(());
    }
    let (c, old_c) = if is_view(rt) {
        (to_core(obj), old.map(to_core))
    } else {
        (obj.clone(), old.cloned())
    };
    let mut causes: Vec<(&str, String)> = Vec::new();
    let ns = c["metadata"]["namespace"].as_str().unwrap_or_default();
    let inv_ns = text(&c["involvedObject"], "namespace");
    let mismatch =
        || format!("Invalid value: {inv_ns:?}: does not match the Event's namespace {ns:?}");
    if unset(c.get("eventTime")) {
        let ok = if inv_ns.is_empty() {
            ns.is_empty() || ns == "default"
        } else {
            ns == inv_ns
        };
        if !ok {
            causes.push(("involvedObject.namespace", mismatch()));
        }
    } else {
        if inv_ns.is_empty() && ns != "default" && ns != "kube-system" {
            causes.push(("involvedObject.namespace", mismatch()));
        }
        let ctl = text(&c, "reportingComponent");
        if ctl.is_empty() {
            causes.push(("reportingComponent", "Required value".into()));
        } else if let Some(p) = qualified_name_problem(ctl) {
            causes.push(("reportingComponent", format!("Invalid value: {ctl:?}: {p}")));
        }
        for (field, max) in [
            ("reportingInstance", REPORTING_INSTANCE_MAX),
            ("action", ACTION_MAX),
            ("reason", REASON_MAX),
        ] {
            let v = text(&c, field);
            if v.is_empty() {
                causes.push((field, "Required value".into()));
            } else if v.len() > max {
                causes.push((
                    field,
                    format!("Invalid value: can have at most {max} bytes"),
                ));
            }
        }
        if text(&c, "message").len() > NOTE_MAX {
            causes.push((
                "message",
                format!("Invalid value: can have at most {NOTE_MAX} bytes (shorten the text)"),
            ));
        }
    }
    if is_view(rt) {
        let series_changed = old_c
            .as_ref()
            .is_none_or(|o| !same(o.get("series"), c.get("series")));
        if series_changed && !unset(c.get("series")) {
            if c["series"]["count"].as_i64().unwrap_or(0) < 2 {
                causes.push(("series.count", "Invalid value: should be at least 2".into()));
            }
            if unset(c["series"].get("lastObservedTime")) {
                causes.push(("series.lastObservedTime", "Required value".into()));
            }
        }
        match &old_c {
            None => {
                if unset(c.get("eventTime")) {
                    causes.push(("eventTime", "Required value".into()));
                }
                let ty = text(&c, "type");
                if ty != "Normal" && ty != "Warning" {
                    causes.push((
                        "type",
                        format!("Invalid value: {ty:?}: use Normal or Warning"),
                    ));
                }
                for f in ["firstTimestamp", "lastTimestamp", "count", "source"] {
                    if !unset(c.get(f)) {
                        causes.push((f, "Invalid value: needs to be unset".into()));
                    }
                }
            }
            Some(o) => {
                for f in [
                    "involvedObject",
                    "reason",
                    "message",
                    "source",
                    "firstTimestamp",
                    "lastTimestamp",
                    "count",
                    "type",
                    "eventTime",
                    "action",
                    "related",
                    "reportingComponent",
                    "reportingInstance",
                ] {
                    if !same(o.get(f), c.get(f)) {
                        causes.push((
                            f,
                            "Invalid value: field is immutable (only metadata and series of an Event can change)".into(),
                        ));
                    }
                }
            }
        }
    }
    if causes.is_empty() {
        return Ok(());
    }
    let shown = |core: &str| -> String {
        if !is_view(rt) {
            return core.to_string();
        }
        let (head, tail) = core.split_once('.').unwrap_or((core, ""));
        let head = RENAMED
            .iter()
            .find(|(_, c)| *c == head)
            .map_or(head, |(v, _)| *v);
        if tail.is_empty() {
            head.to_string()
        } else {
            format!("{head}.{tail}")
        }
    };
    let name = obj["metadata"]["name"].as_str().unwrap_or_default();
    Err(ApiError::invalid_in(
        &rt.group,
        &rt.kind,
        name,
        causes.into_iter().map(|(f, m)| (shown(f), m)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core_event() -> Value {
        json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": "web.1", "namespace": "default", "uid": "u1", "resourceVersion": "7"},
            "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
            "message": "pulled", "reason": "Pulled", "type": "Normal",
            "source": {"component": "kubelet", "host": "n1"},
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:01:00Z",
            "count": 3, "eventTime": null, "reportingComponent": "kubelet",
            "reportingInstance": "n1", "action": "Pull",
            "series": {"count": 2, "lastObservedTime": "2026-01-01T00:01:00.000000Z"},
            "related": {"kind": "Node", "name": "n1"},
        })
    }

    #[test]
    fn core_to_view_renames_every_field_and_back_is_the_identity() {
        let v = to_view(&core_event());
        assert_eq!(v["apiVersion"], "events.k8s.io/v1");
        assert_eq!(v["regarding"]["name"], "web");
        assert_eq!(v["note"], "pulled");
        assert_eq!(v["reportingController"], "kubelet");
        assert_eq!(v["reportingInstance"], "n1");
        assert_eq!(v["deprecatedSource"]["component"], "kubelet");
        assert_eq!(v["deprecatedFirstTimestamp"], "2026-01-01T00:00:00Z");
        assert_eq!(v["deprecatedLastTimestamp"], "2026-01-01T00:01:00Z");
        assert_eq!(v["deprecatedCount"], 3);
        assert_eq!(v["series"]["count"], 2);
        assert_eq!(v["related"]["kind"], "Node");
        assert_eq!(v["metadata"]["uid"], "u1");
        for gone in [
            "involvedObject",
            "message",
            "source",
            "count",
            "reportingComponent",
        ] {
            assert!(v.get(gone).is_none(), "{gone} leaked into the view: {v}");
        }
        assert_eq!(to_core(&v), core_event());
    }

    #[test]
    fn unknown_fields_are_dropped_not_smuggled_across() {
        let c = to_core(&json!({"note": "n", "message": "not a view field", "bogus": 1}));
        assert_eq!(c["message"], "n");
        assert!(c.get("bogus").is_none());
    }

    #[test]
    fn view_field_selectors_are_converted_and_unknown_labels_refused() {
        let rt = crate::kinds::builtin()
            .into_iter()
            .find(is_view)
            .expect("the view is served");
        let fs = FieldSelector::parse("regarding.name=web,reportingController=acko").unwrap();
        let fs = storage_field_selector(&rt, fs).unwrap();
        let mut by_acko = core_event();
        by_acko["reportingComponent"] = json!("acko");
        assert!(fs.matches(&by_acko));
        assert!(!fs.matches(&core_event()));
        let bad = FieldSelector::parse("involvedObject.name=web").unwrap();
        let e = storage_field_selector(&rt, bad).unwrap_err();
        assert_eq!(e.code, 400);
        assert!(e.message.contains("involvedObject.name"), "{}", e.message);
    }

    #[test]
    fn legacy_rules_hold_for_core_writes_and_timestamps_compare_by_instant() {
        let rt = crate::kinds::builtin()
            .into_iter()
            .find(|t| t.group.is_empty() && t.plural == "events")
            .expect("core events are served");
        let mut e = core_event();
        validate(&rt, &e, None).expect("a consistent core event");
        e["involvedObject"]["namespace"] = json!("other");
        let err = validate(&rt, &e, None).unwrap_err();
        assert_eq!(err.code, 422);
        assert!(
            err.message.contains("involvedObject.namespace"),
            "{}",
            err.message
        );
        // with an eventTime the new-style fields are required, whichever API wrote it
        let mut e = core_event();
        e["eventTime"] = json!("2026-01-01T00:00:00.000000Z");
        e["action"] = json!("");
        let err = validate(&rt, &e, None).unwrap_err();
        assert!(
            err.message.contains("action: Required value"),
            "{}",
            err.message
        );
        assert!(same(
            Some(&json!("2026-01-01T00:00:00Z")),
            Some(&json!("2026-01-01T00:00:00.000000Z"))
        ));
        assert!(same(None, Some(&json!({"count": 0}))));
        assert!(!same(Some(&json!("a")), Some(&json!("b"))));
    }
}
