//! Rules for a namespace's `storage-engine`: its type, Enterprise-only and removed keys, and
//! whether its devices and files live on the pod's volumes.

use aerospike_conf::knowledge::enterprise::ENTERPRISE_ONLY_STORAGE_ENGINES;
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
        Some(t) if ENTERPRISE_ONLY_STORAGE_ENGINES.contains(&t) => p.error(
            format!("{path}.type"),
            format!("storage-engine {t} is Enterprise-only"),
            "use memory or device",
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
