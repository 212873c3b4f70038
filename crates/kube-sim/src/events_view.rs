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
}
