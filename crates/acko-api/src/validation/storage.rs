//! Storage rules: volume sources, paths, attachments, init/wipe methods and local storage.

use std::collections::HashSet;

use crate::cluster::AerospikeClusterSpec;
use crate::problem::Problems;
use crate::storage::{AerospikeStorageSpec, VolumeAttachment, VolumeMode, VolumeSpec};
use crate::validation::fields;

/// Volume names the operator uses itself (defined in [`crate::names`]).
pub use crate::names::RESERVED_VOLUME_NAMES;
/// Mount paths the operator uses itself.
pub const RESERVED_PATH_PREFIXES: &[&str] = &["/etc/aerospike", "/etc/acko", "/acko"];

const ACCESS_MODES: &[&str] = &[
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

/// `(aerospike path, is_block)` of every volume of the cluster and its racks.
pub(crate) fn all_volumes(spec: &AerospikeClusterSpec) -> Vec<(String, bool)> {
    let rack_storages = spec
        .rack_config
        .iter()
        .flat_map(|rc| rc.racks.iter().filter_map(|r| r.storage.as_ref()));
    spec.storage
        .iter()
        .chain(rack_storages)
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| {
            let path = v.aerospike.as_ref()?.path.clone();
            Some((path, is_block(v)))
        })
        .collect()
}

fn is_block(v: &VolumeSpec) -> bool {
    v.source
        .persistent_volume
        .as_ref()
        .is_some_and(|pv| pv.volume_mode == Some(VolumeMode::Block))
}

/// Validates a storage spec at `base`; `containers` are `(sidecar names, init container names)`.
pub(crate) fn validate_storage(
    storage: &AerospikeStorageSpec,
    containers: &(Vec<String>, Vec<String>),
    base: &str,
    p: &mut Problems,
) {
    if let Some(t) = storage.cleanup_threads
        && t < 1
    {
        p.error(
            format!("{base}.cleanupThreads"),
            "cleanupThreads must be at least 1",
            "remove it to use 1",
        );
    }
    if storage.delete_local_storage_on_restart == Some(true)
        && storage
            .local_storage_classes
            .as_ref()
            .is_none_or(Vec::is_empty)
    {
        p.error(
            format!("{base}.deleteLocalStorageOnRestart"),
            "deleteLocalStorageOnRestart needs localStorageClasses to know which claims are local",
            "list the node-local StorageClasses in localStorageClasses",
        );
    }
    for (name, policy) in [
        ("filesystemVolumePolicy", &storage.filesystem_volume_policy),
        ("blockVolumePolicy", &storage.block_volume_policy),
    ] {
        let Some(policy) = policy else { continue };
        let block = name == "blockVolumePolicy";
        if let Some(m) = policy.init_method
            && m.is_block_only() != block
            && m != crate::storage::VolumeInitMethod::None
        {
            p.error(
                format!("{base}.{name}.initMethod"),
                format!(
                    "initMethod {} does not apply to {} volumes",
                    yaml_name(&m),
                    if block { "Block" } else { "Filesystem" }
                ),
                method_hint(block),
            );
        }
        if let Some(m) = policy.wipe_method
            && m.is_block_only() != block
            && m != crate::storage::VolumeWipeMethod::None
        {
            p.error(
                format!("{base}.{name}.wipeMethod"),
                format!(
                    "wipeMethod {} does not apply to {} volumes",
                    yaml_name(&m),
                    if block { "Block" } else { "Filesystem" }
                ),
                method_hint(block),
            );
        }
    }
    let volumes = storage.volumes.as_deref().unwrap_or_default();
    let mut aerospike_paths = HashSet::new();
    for (i, v) in volumes.iter().enumerate() {
        let vp = format!("{base}.volumes[{i}]");
        fields::dns_label(&v.name, &format!("{vp}.name"), p);
        if RESERVED_VOLUME_NAMES.contains(&v.name.as_str()) {
            p.error(
                format!("{vp}.name"),
                format!("volume name {:?} is used by the operator", v.name),
                format!(
                    "choose a name other than {}",
                    RESERVED_VOLUME_NAMES.join(", ")
                ),
            );
        }
        let sources = v.source.set_sources();
        match sources.len() {
            0 => p.error(
                format!("{vp}.source"),
                "the volume has no source",
                "set exactly one of persistentVolume, emptyDir, secret, configMap or hostPath",
            ),
            1 => {}
            _ => p.error(
                format!("{vp}.source"),
                format!(
                    "the volume has {} sources ({}); exactly one is allowed",
                    sources.len(),
                    sources.join(", ")
                ),
                "keep one source per volume",
            ),
        }
        let block = is_block(v);
        if let Some(pv) = &v.source.persistent_volume {
            fields::positive_quantity(&pv.size, &format!("{vp}.source.persistentVolume.size"), p);
            for (j, mode) in pv.access_modes.iter().flatten().enumerate() {
                if !ACCESS_MODES.contains(&mode.as_str()) {
                    p.error(
                        format!("{vp}.source.persistentVolume.accessModes[{j}]"),
                        format!("unknown access mode {mode:?}"),
                        format!("use one of {}", ACCESS_MODES.join(", ")),
                    );
                }
            }
            if let Some(meta) = &pv.metadata {
                fields::labels(
                    meta.labels.as_ref(),
                    &format!("{vp}.source.persistentVolume.metadata.labels"),
                    p,
                );
                fields::annotations(
                    meta.annotations.as_ref(),
                    &format!("{vp}.source.persistentVolume.metadata.annotations"),
                    p,
                );
            }
        } else if v.cascade_delete == Some(true) {
            p.warning(
                format!("{vp}.cascadeDelete"),
                "cascadeDelete only applies to persistentVolume volumes",
                "remove cascadeDelete",
            );
        }
        if v.source.host_path.is_some() {
            p.warning(
                format!("{vp}.source.hostPath"),
                "hostPath data stays on one node and is lost if the pod moves",
                "prefer a persistentVolume (with a local StorageClass if you need node-local disks)",
            );
        }
        if let Some(m) = v.init_method
            && m != crate::storage::VolumeInitMethod::None
            && m.is_block_only() != block
        {
            p.error(
                format!("{vp}.initMethod"),
                format!("initMethod {} does not apply to this volume", yaml_name(&m)),
                method_hint(block),
            );
        }
        if let Some(m) = v.wipe_method
            && m != crate::storage::VolumeWipeMethod::None
            && m.is_block_only() != block
        {
            p.error(
                format!("{vp}.wipeMethod"),
                format!("wipeMethod {} does not apply to this volume", yaml_name(&m)),
                method_hint(block),
            );
        }
        if let Some(a) = &v.aerospike {
            let ap = format!("{vp}.aerospike");
            check_path(&a.path, &format!("{ap}.path"), p);
            if !aerospike_paths.insert(a.path.trim_end_matches('/')) {
                p.error(
                    format!("{ap}.path"),
                    format!("another volume is already mounted at {:?}", a.path),
                    "give each volume its own path",
                );
            }
            check_sub_path(
                a.sub_path.as_deref(),
                a.sub_path_expr.as_deref(),
                block,
                &ap,
                p,
            );
        } else if v.sidecars.as_ref().is_none_or(Vec::is_empty)
            && v.init_containers.as_ref().is_none_or(Vec::is_empty)
        {
            p.warning(
                vp.clone(),
                format!("volume {:?} is not mounted anywhere", v.name),
                "add aerospike.path (or a sidecar/initContainer attachment), or remove it",
            );
        }
        attachments(
            v.sidecars.as_deref(),
            &containers.0,
            "sidecars",
            &vp,
            block,
            p,
        );
        attachments(
            v.init_containers.as_deref(),
            &containers.1,
            "initContainers",
            &vp,
            block,
            p,
        );
    }
    fields::unique(
        volumes.iter().map(|v| v.name.as_str()),
        &format!("{base}.volumes"),
        "volume name",
        p,
    );
}

fn method_hint(block: bool) -> &'static str {
    if block {
        "Block volumes use dd, blkdiscard, headerCleanup (or blkdiscardWithHeaderCleanup to wipe)"
    } else {
        "dd, blkdiscard and headerCleanup need a persistentVolume with volumeMode: Block; filesystem volumes use deleteFiles"
    }
}

fn check_path(path: &str, field: &str, p: &mut Problems) {
    fields::absolute_path(path, field, p);
    let trimmed = path.trim_end_matches('/');
    if let Some(prefix) = RESERVED_PATH_PREFIXES
        .iter()
        .find(|r| trimmed == **r || trimmed.starts_with(&format!("{r}/")))
    {
        p.error(
            field,
            format!("{path:?} is under {prefix}, which the operator uses"),
            "mount the volume elsewhere, e.g. /opt/aerospike/data",
        );
    }
}

fn check_sub_path(
    sub: Option<&str>,
    expr: Option<&str>,
    block: bool,
    base: &str,
    p: &mut Problems,
) {
    if sub.is_some() && expr.is_some() {
        p.error(
            format!("{base}.subPathExpr"),
            "subPath and subPathExpr are mutually exclusive",
            "keep one of them",
        );
    }
    if let Some(s) = sub
        && (s.starts_with('/') || s.split('/').any(|seg| seg == ".."))
    {
        p.error(
            format!("{base}.subPath"),
            format!("subPath {s:?} must be relative and stay inside the volume"),
            "use a relative path without '..'",
        );
    }
    if block && (sub.is_some() || expr.is_some()) {
        p.error(
            format!("{base}.subPath"),
            "Block volumes are raw devices and have no sub-paths",
            "remove subPath/subPathExpr",
        );
    }
}

fn attachments(
    list: Option<&[VolumeAttachment]>,
    known: &[String],
    field: &str,
    vp: &str,
    block: bool,
    p: &mut Problems,
) {
    let Some(list) = list else { return };
    for (j, a) in list.iter().enumerate() {
        let ap = format!("{vp}.{field}[{j}]");
        if !known.contains(&a.container_name) {
            p.error(
                format!("{ap}.containerName"),
                format!("no container {:?} in podSpec.{field}", a.container_name),
                format!("name one of the containers in spec.podSpec.{field}"),
            );
        }
        check_path(&a.path, &format!("{ap}.path"), p);
        check_sub_path(
            a.sub_path.as_deref(),
            a.sub_path_expr.as_deref(),
            block,
            &ap,
            p,
        );
    }
    fields::unique(
        list.iter().map(|a| a.container_name.as_str()),
        &format!("{vp}.{field}"),
        "container",
        p,
    );
}

/// The YAML spelling of an enum value (e.g. `blkdiscard`).
fn yaml_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
