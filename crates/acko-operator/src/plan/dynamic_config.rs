//! Dynamic configuration (pure decisions). With `enableDynamicConfigUpdate`, a change of a
//! rack's aerospike.conf is classified with `aerospike-conf`'s diff and dynamic-key knowledge:
//! when every change is dynamic, expressible as `set-config`, verifiable with `get-config` and
//! reversible, and every target node runs a server version the knowledge covers, the pods are
//! updated in place (the shell sends the changes node by node, reads each back, and rolls the
//! already-changed nodes back when any node refuses: `shell::dynamic`). Anything else — a
//! static key, a node that refused before, a pod that is not Ready — falls through to the
//! rolling restart (warm where only the config changed). Never a partial, silent success.

use std::collections::BTreeMap;

use acko_api::validation::ValidatedCluster;
use acko_api::{ClusterPhase, DynamicConfigStatus};
use aerospike_conf::diff::{ChangeKind, changed_keys};

use super::{Plan, Step};
use crate::desired::{Day2, Desired, DesiredObject};
use crate::observed::{Observed, PodFacts};

/// Server versions the dynamic-key table describes (`aerospike_conf::knowledge::dynamic_keys`
/// is transcribed from the server 8.x configuration reference and proven on CE 8.1.2 replies).
/// A node running another major version gets the restart path.
pub const KNOWLEDGE_MAJOR_VERSIONS: &[u32] = &[8];

/// One dynamic change, with the commands that apply, verify and undo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynChange {
    /// Config path, e.g. `service.migrate-threads` or `namespace[test].default-ttl`.
    pub path: String,
    /// Value before.
    pub old: String,
    /// Value after.
    pub new: String,
    /// `set-config` applying `new`.
    pub set: String,
    /// `set-config` restoring `old`.
    pub rollback: String,
    /// `get-config` whose reply holds the key.
    pub get: String,
    /// The key in the `get-config` reply.
    pub key: String,
}

/// Day-2 inputs of a validated cluster (rendering-independent parts).
pub fn day2_inputs(v: &ValidatedCluster) -> Day2 {
    let spec = v.spec();
    Day2 {
        operation: spec.operations.as_ref().and_then(|o| o.first().cloned()),
        dynamic_config: spec.enable_dynamic_config_update.unwrap_or(false),
        block_list: spec
            .k8s_node_block_list
            .iter()
            .flatten()
            .filter(|n| !n.is_empty())
            .cloned()
            .collect(),
        ..Day2::default()
    }
}

/// The aerospike.conf template of every rack, from the rendered ConfigMaps.
pub fn rack_conf_texts(objects: &[DesiredObject]) -> BTreeMap<i32, String> {
    objects
        .iter()
        .filter(|o| o.key.kind == "ConfigMap")
        .filter_map(|o| {
            let text = o
                .value
                .pointer("/data")?
                .get(acko_api::contract::CONF_KEY)?
                .as_str()?;
            Some((o.rack?, text.to_owned()))
        })
        .collect()
}

/// Whether the dynamic-key knowledge covers a node's `build` (e.g. `8.1.2.0`).
pub fn knowledge_covers(build: &str) -> bool {
    build
        .trim()
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| KNOWLEDGE_MAJOR_VERSIONS.contains(&m))
}

/// The `get-config` command and reply key that verify a `set-config` command; `None` when the
/// change cannot be read back (set-level keys): such a change takes the restart path.
pub fn verify_command(set: &str) -> Option<(String, String)> {
    let params = set.strip_prefix("set-config:")?;
    let parts: Vec<(&str, &str)> = params
        .split(';')
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let (key, _) = *parts.last()?;
    let context = parts.iter().find(|(k, _)| *k == "context")?.1;
    if parts.iter().any(|(k, _)| *k == "set") {
        return None;
    }
    match context {
        "service" | "network" => Some((format!("get-config:context={context}"), key.to_owned())),
        "namespace" => {
            let id = parts.iter().find(|(k, _)| *k == "id")?.1;
            Some((
                format!("get-config:context=namespace;id={id}"),
                key.to_owned(),
            ))
        }
        _ => None,
    }
}

/// Classifies the change of a rack's conf text: `Ok(changes)` when every change can be applied
/// and verified at runtime; `Err(why)` when a restart is needed.
pub fn classify(old_text: &str, new_text: &str) -> Result<Vec<DynChange>, String> {
    let old = aerospike_conf::parse::parse(old_text).map_err(|e| format!("old config: {e}"))?;
    let new = aerospike_conf::parse::parse(new_text).map_err(|e| format!("new config: {e}"))?;
    let mut out = Vec::new();
    for c in changed_keys(&old, &new) {
        let path = if c.stanza.is_empty() {
            c.key.clone()
        } else {
            format!("{}.{}", c.stanza, c.key)
        };
        if c.kind != ChangeKind::Dynamic {
            return Err(format!("{path} cannot be changed at runtime"));
        }
        let (Some(set), [old_value], [new_value]) =
            (c.set_config_command(), c.old.as_slice(), c.new.as_slice())
        else {
            return Err(format!("{path} has no reversible set-config form"));
        };
        let mut undo = c.clone();
        undo.new = vec![old_value.clone()];
        let Some(rollback) = undo.set_config_command() else {
            return Err(format!("{path} cannot be rolled back at runtime"));
        };
        let Some((get, key)) = verify_command(&set) else {
            return Err(format!("{path} cannot be read back with get-config"));
        };
        out.push(DynChange {
            path,
            old: old_value.clone(),
            new: new_value.clone(),
            set,
            rollback,
            get,
            key,
        });
    }
    Ok(out)
}

/// The value of `key` in a `get-config` reply (`k=v;k=v`).
pub fn read_back<'a>(reply: &'a str, key: &str) -> Option<&'a str> {
    reply
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Whether a read-back value is the configured one (booleans and numbers compare by value).
pub fn same_value(read: &str, wanted: &str) -> bool {
    let (r, w) = (read.trim(), wanted.trim());
    if r == w {
        return true;
    }
    let bool_of = |s: &str| match s {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    };
    match (bool_of(r), bool_of(w)) {
        (Some(a), Some(b)) => a == b,
        _ => matches!((r.parse::<f64>(), w.parse::<f64>()), (Ok(a), Ok(b)) if a == b),
    }
}

fn dynamic_failed_before(observed: &Observed, pod: &str) -> bool {
    observed
        .status
        .as_ref()
        .and_then(|s| s.pods.as_ref())
        .and_then(|p| p.get(pod))
        .is_some_and(|p| p.dynamic_config_status == Some(DynamicConfigStatus::Failed))
}

fn eligible(pod: &PodFacts, previous_hash: &str, observed: &Observed) -> bool {
    pod.ready
        && pod.running
        && !pod.terminating
        && pod.config_hash.as_deref() == Some(previous_hash)
        && pod.node.as_ref().is_some_and(|n| {
            n.observation.state.is_ok() && n.build.as_deref().is_some_and(knowledge_covers)
        })
        && !dynamic_failed_before(observed, &pod.name)
}

/// The next dynamic update, if a rack's config-only change can be applied in place to some of
/// its pods (the others are left to the rolling restart).
pub(super) fn plan_dynamic(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let d2 = &desired.day2;
    if !d2.dynamic_config {
        return None;
    }
    for rack in &desired.racks {
        let (Some((previous_hash, previous_conf)), Some(conf)) =
            (d2.previous_racks.get(&rack.id), d2.rack_confs.get(&rack.id))
        else {
            continue;
        };
        let pods: Vec<String> = observed
            .rack_pods(rack.id)
            .into_iter()
            .filter(|p| p.ordinal < rack.size && p.warm.requested_hash.is_none())
            .filter(|p| p.pod_spec_hash.as_deref() == Some(rack.pod_spec_hash.as_str()))
            .filter(|p| p.config_hash.as_deref() != Some(rack.config_hash.as_str()))
            .filter(|p| eligible(p, previous_hash, observed))
            .map(|p| p.name.clone())
            .collect();
        if pods.is_empty() {
            continue;
        }
        let Ok(changes) = classify(previous_conf, conf) else {
            continue;
        };
        if changes.is_empty() {
            continue;
        }
        let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        let reason = format!(
            "applying {} dynamic change(s) to rack {} without restart ({}): {}",
            changes.len(),
            rack.id,
            pods.join(", "),
            paths.join(", ")
        );
        return Some(Plan::new(
            Step::DynamicConfig {
                rack: rack.id,
                hash: rack.config_hash.clone(),
                pods,
                changes,
            },
            ClusterPhase::InProgress,
            reason,
        ));
    }
    None
}

#[cfg(test)]
#[path = "dynamic_config_tests.rs"]
mod tests;
