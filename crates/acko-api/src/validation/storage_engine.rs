//! Rules for a namespace's typed stanzas: `storage-engine` (its type, Enterprise-only and
//! removed keys, and whether its devices and files live on the pod's volumes) and
//! `index-type` / `sindex-type` (CE accepts only some types).
//!
//! Which types CE accepts comes from [`aerospike_conf::knowledge::ENTERPRISE_ONLY_VALUES`].

use aerospike_conf::knowledge::{enterprise_only_value, typed_stanza_entry};
use serde_json::Value;

use crate::problem::Problems;
use crate::validation::config::{enterprise_key, kind, removed};

/// Validates `storage-engine` at `path`; `volumes` are `(aerospike path, is_block)` of the pod
/// volumes.
pub(crate) fn validate_storage_engine(
    v: &Value,
    volumes: &[(String, bool)],
    path: &str,
    p: &mut Problems,
) {
    let engine = match v {
        Value::String(s) => {
            if s != "memory" {
                p.error(
                    path,
                    format!("storage-engine {s:?} needs settings"),
                    "write `storage-engine: {type: device, device: [...]}` or use memory",
                );
            }
            return;
        }
        Value::Object(o) => o,
        other => {
            p.error(
                path,
                format!("storage-engine must be a mapping, got {}", kind(other)),
                "write `storage-engine: {type: memory, data-size: 1073741824}`",
            );
            return;
        }
    };
    let ty = engine.get("type").and_then(Value::as_str);
    match ty {
        Some("memory" | "device") => {}
        Some(t) if let Some(e) = enterprise_only_value("namespace.storage-engine", t) => p.error(
            format!("{path}.type"),
            format!("storage-engine {t} is an Enterprise Edition type; Aerospike CE refuses to start with it"),
            e.hint,
        ),
        Some(other) => p.error(
            format!("{path}.type"),
            format!("unknown storage-engine type {other:?}"),
            "use memory or device",
        ),
        None => p.error(
            format!("{path}.type"),
            "storage-engine needs a type",
            "add `type: memory` or `type: device`",
        ),
    }
    for key in engine.keys() {
        let key_path = format!("{path}.{key}");
        if !enterprise_key("namespace.storage-engine", key, &key_path, p) {
            removed("namespace.storage-engine", key, &key_path, p);
        }
    }
    let paths = |key: &str| -> Vec<(usize, String)> {
        match engine.get(key) {
            Some(Value::String(s)) => vec![(0, s.clone())],
            Some(Value::Array(a)) => a
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (i, s.to_string())))
                .collect(),
            _ => Vec::new(),
        }
    };
    let index_path = |key: &str, i: usize| match engine.get(key) {
        Some(Value::Array(_)) => format!("{path}.{key}[{i}]"),
        _ => format!("{path}.{key}"),
    };
    for (i, device) in paths("devices").into_iter().chain(paths("device")) {
        let key = if engine.contains_key("devices") {
            "devices"
        } else {
            "device"
        };
        if !volumes.iter().any(|(vp, block)| *block && *vp == device) {
            p.error(
                index_path(key, i),
                format!("device {device:?} is not a Block volume of the pod"),
                "add a persistentVolume with volumeMode: Block and aerospike.path set to this device path",
            );
        }
    }
    for (i, file) in paths("files").into_iter().chain(paths("file")) {
        let key = if engine.contains_key("files") {
            "files"
        } else {
            "file"
        };
        let on_volume = volumes.iter().any(|(vp, block)| {
            !*block && file.starts_with(&format!("{}/", vp.trim_end_matches('/')))
        });
        if !on_volume {
            p.warning(
                index_path(key, i),
                format!("file {file:?} is not on a volume: its data is lost when the pod restarts"),
                "put the file under the aerospike.path of a persistent volume",
            );
        }
    }
}

/// Validates `index-type` or `sindex-type` (`key`) of a namespace at `path`: written as a
/// word (`index-type: mem`) or a map (`index-type: {type: flash, mounts: [...]}`). `mem` is
/// what CE runs with; `shmem`, `pmem` and `flash` are Enterprise-only.
pub(crate) fn validate_index_type(key: &str, v: &Value, path: &str, p: &mut Problems) {
    let context = format!("namespace.{key}");
    let Some(entry) = typed_stanza_entry(&context) else {
        return;
    };
    let (ty, ty_path) = match v {
        Value::String(s) => (s.as_str(), path.to_string()),
        Value::Object(o) => match o.get("type") {
            Some(Value::String(s)) => (s.as_str(), format!("{path}.type")),
            _ => {
                p.error(
                    format!("{path}.type"),
                    format!("{key} needs a type"),
                    format!("add `type: mem` or write `{key}: mem`"),
                );
                return;
            }
        },
        other => {
            p.error(
                path,
                format!("{key} must be a word or a mapping, got {}", kind(other)),
                format!("write `{key}: mem`"),
            );
            return;
        }
    };
    if let Some(e) = enterprise_only_value(&context, ty) {
        p.error(
            ty_path,
            format!(
                "{key} {ty} is an Enterprise Edition type; Aerospike CE refuses to start with it"
            ),
            e.hint,
        );
    } else if !entry.community.contains(&ty) {
        p.error(
            ty_path,
            format!("unknown {key} {ty:?}"),
            format!("use {}", entry.community.join(" or ")),
        );
    }
}
