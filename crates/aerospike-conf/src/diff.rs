//! Differences between two configurations, classified for the restart decision.
//!
//! [`changed_keys`] flattens both models into `(stanza path, key) → values` and reports
//! every key whose lines differ. A change is [`ChangeKind::Dynamic`] only when all of:
//! - the key is known dynamic in its context ([`crate::knowledge::dynamism`]);
//! - the key is not repeated in either config (repeated keys are lists, e.g. `device`);
//! - the stanza holding it exists in both configs (a new namespace or set needs a restart);
//! - the key is present in the new config (removing a key means "back to the default",
//!   which the operator cannot know, so it is static).
//!
//! Everything else is [`ChangeKind::Static`]; a node can apply a diff without a restart only
//! when every change is dynamic. Stanzas added or removed are reported as changes of the
//! pseudo-key `{}` (static).

use std::collections::BTreeMap;

use crate::knowledge::{self, Dynamism, dynamic_keys::Command};
use crate::model::{AerospikeConf, Item};

/// Whether a change can be applied on a running node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum ChangeKind {
    /// Can be applied with `set-config`/`log-set` (see [`ConfigChange::set_config_command`]).
    Dynamic,
    /// Needs a restart.
    Static,
}

/// One changed key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConfigChange {
    /// The stanza path with arguments, e.g. `namespace[test].storage-engine[device]`
    /// (empty for top-level stanzas added/removed).
    pub stanza: String,
    /// The key (`{}` for a stanza that was added or removed; `stanza` then names it).
    pub key: String,
    /// The old lines' values (one entry per line; empty when absent).
    pub old: Vec<String>,
    /// The new lines' values (one entry per line; empty when absent).
    pub new: Vec<String>,
    /// Dynamic or static.
    pub kind: ChangeKind,
}

/// The pseudo-key used for added or removed stanzas.
pub const STANZA_KEY: &str = "{}";

type Flat = BTreeMap<(String, String), Vec<String>>;

fn flatten(items: &[Item], prefix: &str, out: &mut Flat, stanzas: &mut Vec<String>) {
    for item in items {
        match item {
            Item::Line(l) => out
                .entry((prefix.to_string(), l.key.clone()))
                .or_default()
                .push(l.value_text()),
            Item::Stanza(s) => {
                let mut p = if prefix.is_empty() {
                    s.name.clone()
                } else {
                    format!("{prefix}.{}", s.name)
                };
                if !s.args.is_empty() {
                    p.push('[');
                    p.push_str(&s.args.join(" "));
                    p.push(']');
                }
                stanzas.push(p.clone());
                flatten(&s.items, &p, out, stanzas);
            }
        }
    }
}

/// Lists every key that differs between `old` and `new`, sorted by stanza path and key.
pub fn changed_keys(old: &AerospikeConf, new: &AerospikeConf) -> Vec<ConfigChange> {
    let (mut fo, mut so) = (Flat::new(), Vec::new());
    let (mut fnew, mut sn) = (Flat::new(), Vec::new());
    flatten(&old.items, "", &mut fo, &mut so);
    flatten(&new.items, "", &mut fnew, &mut sn);

    let mut changes = Vec::new();
    for s in so.iter().filter(|s| !sn.contains(s)) {
        changes.push(stanza_change(s, true));
    }
    for s in sn.iter().filter(|s| !so.contains(s)) {
        changes.push(stanza_change(s, false));
    }
    let keys: std::collections::BTreeSet<&(String, String)> =
        fo.keys().chain(fnew.keys()).collect();
    let empty = Vec::new();
    for k in keys {
        let o = fo.get(k).unwrap_or(&empty);
        let n = fnew.get(k).unwrap_or(&empty);
        if o == n {
            continue;
        }
        let (stanza, key) = k;
        let stanza_in_both = stanza.is_empty() || (so.contains(stanza) && sn.contains(stanza));
        let dynamic = stanza_in_both
            && o.len() <= 1
            && n.len() == 1
            && context_dynamic(stanza, key, n.first().map(String::as_str));
        changes.push(ConfigChange {
            stanza: stanza.clone(),
            key: key.clone(),
            old: o.clone(),
            new: n.clone(),
            kind: if dynamic {
                ChangeKind::Dynamic
            } else {
                ChangeKind::Static
            },
        });
    }
    changes.sort_by(|a, b| (&a.stanza, &a.key).cmp(&(&b.stanza, &b.key)));
    changes
}

fn context_dynamic(stanza: &str, key: &str, new_value: Option<&str>) -> bool {
    // Logging levels: the key is `context` and the value `<context> <level>`; the change
    // is dynamic only if the context name stays (same first word) — handled as one key
    // per line, so a level change shows as old ["any info"] → new ["any debug"].
    if key == "context" {
        return knowledge::dynamism(stanza, key) == Dynamism::Dynamic && new_value.is_some();
    }
    knowledge::dynamism(stanza, key) == Dynamism::Dynamic
}

fn stanza_change(path: &str, removed: bool) -> ConfigChange {
    let marker = vec![STANZA_KEY.to_string()];
    ConfigChange {
        stanza: path.to_string(),
        key: STANZA_KEY.to_string(),
        old: if removed { marker.clone() } else { Vec::new() },
        new: if removed { Vec::new() } else { marker },
        kind: ChangeKind::Static,
    }
}

impl ConfigChange {
    /// The info command that applies this change on a running node, when it is dynamic
    /// and expressible as `set-config`:
    /// - `service` → `set-config:context=service;<key>=<v>`
    /// - `network.<sub>` → `set-config:context=network;<sub>.<key>=<v>`
    /// - `namespace[<ns>]` and `namespace[<ns>].storage-engine[..]` →
    ///   `set-config:context=namespace;id=<ns>;<key>=<v>` (storage keys take no prefix)
    /// - `namespace[<ns>].geo2dsphere-within` →
    ///   `set-config:context=namespace;id=<ns>;geo2dsphere-within-<key>=<v>`
    /// - `namespace[<ns>].set[<set>]` → `set-config:context=namespace;id=<ns>;set=<set>;<key>=<v>`
    ///
    /// These are the forms the fixtures show for service and namespace keys, and the forms
    /// the server's handlers (`as/src/base/cfg_info.c`) and Aerospike's management library
    /// (`aerospike-management-lib`, `asconfig/as_setconfig.go`) use for the others. `None`
    /// for static changes and for logging levels, which need `log-set:id=<sink id>` with the
    /// id from the `logs` command.
    pub fn set_config_command(&self) -> Option<String> {
        if self.kind != ChangeKind::Dynamic {
            return None;
        }
        let value = self.new.first()?;
        let ctx = knowledge::normalize_context(&self.stanza);
        let entry = knowledge::DYNAMIC_KEYS
            .iter()
            .find(|d| d.context == ctx && d.key == self.key)?;
        if entry.command != Command::SetConfig {
            return None;
        }
        let segments = crate::edit::parse_path(&self.stanza).ok()?;
        let value = format!("{}={value}", self.key);
        match segments.as_slice() {
            [s] if s.name == "service" && s.args.is_empty() => {
                Some(format!("set-config:context=service;{value}"))
            }
            [n, s] if n.name == "network" && s.args.is_empty() => {
                Some(format!("set-config:context=network;{}.{value}", s.name))
            }
            [ns, rest @ ..] if ns.name == "namespace" && ns.args.len() == 1 => {
                let base = format!("set-config:context=namespace;id={}", ns.args[0]);
                match rest {
                    [] => Some(format!("{base};{value}")),
                    [se] if se.name == "storage-engine" => Some(format!("{base};{value}")),
                    [geo] if geo.name == "geo2dsphere-within" && geo.args.is_empty() => {
                        Some(format!("{base};geo2dsphere-within-{value}"))
                    }
                    [set] if set.name == "set" && set.args.len() == 1 => {
                        Some(format!("{base};set={};{value}", set.args[0]))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
