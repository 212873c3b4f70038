//! Apply set and pruning: which desired objects differ from what exists (by the
//! `acko.io/desired-hash` annotation, so a no-op reconcile writes nothing), and which existing
//! objects are no longer desired.

use std::collections::BTreeSet;

use acko_api::ClusterPhase;
use serde_json::Value;

use super::{Plan, Step};
use crate::desired::{Desired, DesiredObject, desired_hash, finish};
use crate::observed::{ObjectKey, Observed, OptionalKind};

/// The StatefulSet of a rack with its replicas set to `replicas` (re-hashed).
pub fn with_replicas(object: &DesiredObject, replicas: u32, uid: &str) -> Value {
    let mut value = object.value.clone();
    value["spec"]["replicas"] = Value::from(replicas);
    finish(value, uid)
}

/// Owner uid stamped in a desired object (empty for cluster-scoped objects).
pub fn owner_uid(value: &Value) -> String {
    value
        .pointer("/metadata/ownerReferences/0/uid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Desired objects whose kind is available, with StatefulSet replicas pinned to what exists
/// (replica changes are separate, safety-checked steps). New StatefulSets start at their
/// desired size.
pub fn effective_objects(observed: &Observed, desired: &Desired) -> Vec<Value> {
    desired
        .objects
        .iter()
        .filter(|o| {
            OptionalKind::from_kind(&o.key.kind)
                .is_none_or(|k| observed.available_kinds.contains(&k))
        })
        .map(|o| {
            if o.key.kind == "StatefulSet"
                && let Some(rack) = o.rack.and_then(|r| observed.racks.get(&r))
            {
                return with_replicas(o, rack.replicas, &owner_uid(&o.value));
            }
            o.value.clone()
        })
        .collect()
}

/// Kinds of desired objects skipped because their CRD is not installed.
pub fn missing_kinds(observed: &Observed, desired: &Desired) -> BTreeSet<OptionalKind> {
    desired
        .objects
        .iter()
        .filter_map(|o| OptionalKind::from_kind(&o.key.kind))
        .filter(|k| !observed.available_kinds.contains(k))
        .collect()
}

/// Objects to apply: those missing or whose desired hash differs.
pub fn changed(observed: &Observed, desired: &Desired) -> Vec<Value> {
    effective_objects(observed, desired)
        .into_iter()
        .filter(|v| {
            let Some(key) = ObjectKey::of(v) else {
                return false;
            };
            match observed.objects.get(&key) {
                None => true,
                Some(existing) => existing.desired_hash.as_deref() != desired_hash(v),
            }
        })
        .collect()
}

pub(super) fn apply_changed(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let objects = changed(observed, desired);
    if objects.is_empty() {
        return None;
    }
    let names: Vec<String> = objects
        .iter()
        .filter_map(ObjectKey::of)
        .map(|k| k.to_string())
        .collect();
    Some(Plan::new(
        Step::Apply { objects },
        ClusterPhase::InProgress,
        format!("applying {}", names.join(", ")),
    ))
}

/// Existing objects the operator created that are no longer desired, except those still in
/// use: a removed rack's StatefulSet and ConfigMap while it has pods or replicas, and a pod
/// Service while its pod exists.
pub fn prunable(observed: &Observed, desired: &Desired) -> Vec<ObjectKey> {
    let wanted: BTreeSet<ObjectKey> = effective_objects(observed, desired)
        .iter()
        .filter_map(ObjectKey::of)
        .collect();
    observed
        .objects
        .values()
        .filter(|o| o.owned && !wanted.contains(&o.key))
        .filter(|o| {
            let in_use_rack = o.rack.is_some_and(|r| {
                observed.racks.get(&r).is_some_and(|s| s.replicas > 0)
                    || observed.pods.values().any(|p| p.rack == r)
            });
            let rack_object = matches!(o.key.kind.as_str(), "StatefulSet" | "ConfigMap");
            let pod_alive = o.key.kind == "Service"
                && o.key
                    .name
                    .strip_suffix("-pod")
                    .is_some_and(|pod| observed.pods.contains_key(pod));
            !(pod_alive || rack_object && in_use_rack)
        })
        .map(|o| o.key.clone())
        .collect()
}

pub(super) fn prune(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let objects = prunable(observed, desired);
    if objects.is_empty() {
        return None;
    }
    let names: Vec<String> = objects.iter().map(ToString::to_string).collect();
    Some(Plan::new(
        Step::Prune { objects },
        ClusterPhase::InProgress,
        format!("deleting objects no longer desired: {}", names.join(", ")),
    ))
}
