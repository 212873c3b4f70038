//! Storage: pod volumes, volume claim templates, mounts and devices, and the volume part of
//! `acko-init.json`.
//!
//! - `persistentVolume` volumes become StatefulSet `volumeClaimTemplates` (named after the
//!   volume, labelled with the rack labels so the operator can find the PVCs).
//! - Other sources (`emptyDir`, `secret`, `configMap`, `hostPath`) become pod volumes.
//! - A `volumeMode: Block` volume is attached as a raw device (`volumeDevices` with
//!   `devicePath`), never as a mount: a Block PVC cannot be mounted.
//! - The operator's `acko-init` container gets every persistent volume that has an Aerospike
//!   path, at that same path (read-write, so it can initialise/wipe it).

use std::collections::BTreeMap;

use acko_api::{
    AerospikeStorageSpec, AerospikeVolumeAttachment, VolumeAttachment, VolumeMode, VolumeSpec,
};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, Volume, VolumeDevice, VolumeMount,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::labels;

/// A container's attachments: filesystem mounts and raw block devices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attachments {
    /// `volumeMounts`.
    pub mounts: Vec<VolumeMount>,
    /// `volumeDevices`.
    pub devices: Vec<VolumeDevice>,
}

/// One volume entry of `acko-init.json` (defined once in [`acko_api::contract`]).
pub use acko_api::contract::VolumeSettings;

/// Everything a storage spec contributes to a rack's StatefulSet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderedStorage {
    /// Pod volumes (non-persistent sources).
    pub volumes: Vec<Volume>,
    /// Volume claim templates (persistent sources).
    pub claim_templates: Vec<PersistentVolumeClaim>,
    /// Attachments of the Aerospike container.
    pub aerospike: Attachments,
    /// Attachments of the acko-init container.
    pub init: Attachments,
    /// Attachments of user sidecars, by container name.
    pub sidecars: BTreeMap<String, Attachments>,
    /// Attachments of user init containers, by container name.
    pub init_containers: BTreeMap<String, Attachments>,
    /// The `volumes` of `acko-init.json`.
    pub init_settings: Vec<VolumeSettings>,
}

fn is_block(v: &VolumeSpec) -> bool {
    v.source
        .persistent_volume
        .as_ref()
        .is_some_and(|pv| pv.volume_mode == Some(VolumeMode::Block))
}

/// Where and how a volume is attached to one container.
struct Target<'a> {
    path: &'a str,
    read_only: Option<bool>,
    sub_path: Option<&'a String>,
    sub_path_expr: Option<&'a String>,
    mount_propagation: Option<&'a String>,
}

impl<'a> Target<'a> {
    fn whole(path: &'a str) -> Self {
        Target {
            path,
            read_only: None,
            sub_path: None,
            sub_path_expr: None,
            mount_propagation: None,
        }
    }
}

fn attach(out: &mut Attachments, name: &str, block: bool, t: Target<'_>) {
    if block {
        out.devices.push(VolumeDevice {
            name: name.to_owned(),
            device_path: t.path.to_owned(),
        });
    } else {
        out.mounts.push(VolumeMount {
            name: name.to_owned(),
            mount_path: t.path.to_owned(),
            read_only: t.read_only.filter(|r| *r),
            sub_path: t.sub_path.cloned(),
            sub_path_expr: t.sub_path_expr.cloned(),
            mount_propagation: t.mount_propagation.cloned(),
            ..VolumeMount::default()
        });
    }
}

fn attach_aerospike(out: &mut Attachments, name: &str, block: bool, a: &AerospikeVolumeAttachment) {
    let target = Target {
        path: &a.path,
        read_only: a.read_only,
        sub_path: a.sub_path.as_ref(),
        sub_path_expr: a.sub_path_expr.as_ref(),
        mount_propagation: a.mount_propagation.as_ref(),
    };
    attach(out, name, block, target);
}

fn attach_other(
    out: &mut BTreeMap<String, Attachments>,
    name: &str,
    block: bool,
    list: Option<&Vec<VolumeAttachment>>,
) {
    for a in list.into_iter().flatten() {
        let target = Target {
            path: &a.path,
            read_only: a.read_only,
            sub_path: a.sub_path.as_ref(),
            sub_path_expr: a.sub_path_expr.as_ref(),
            mount_propagation: a.mount_propagation.as_ref(),
        };
        attach(
            out.entry(a.container_name.clone()).or_default(),
            name,
            block,
            target,
        );
    }
}

fn pod_volume(v: &VolumeSpec) -> Option<Volume> {
    let s = &v.source;
    if s.persistent_volume.is_some() {
        return None;
    }
    Some(Volume {
        name: v.name.clone(),
        empty_dir: s.empty_dir.clone(),
        secret: s.secret.clone(),
        config_map: s.config_map.clone(),
        host_path: s.host_path.clone(),
        ..Volume::default()
    })
}

fn claim_template(cluster: &str, rack_id: i32, v: &VolumeSpec) -> Option<PersistentVolumeClaim> {
    let pv = v.source.persistent_volume.as_ref()?;
    let user = pv.metadata.as_ref();
    let claim_labels = labels::merge_user_labels(
        labels::rack_labels(cluster, rack_id),
        user.and_then(|m| m.labels.as_ref()),
    );
    Some(PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(v.name.clone()),
            labels: Some(claim_labels),
            annotations: user
                .and_then(|m| m.annotations.clone())
                .filter(|a| !a.is_empty()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(
                pv.access_modes
                    .clone()
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| vec!["ReadWriteOnce".to_owned()]),
            ),
            storage_class_name: pv.storage_class.clone(),
            volume_mode: Some(
                match pv.volume_mode.unwrap_or_default() {
                    VolumeMode::Block => "Block",
                    VolumeMode::Filesystem => "Filesystem",
                }
                .to_owned(),
            ),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".to_owned(), pv.size.clone())])),
                limits: None,
            }),
            selector: pv.selector.clone(),
            ..PersistentVolumeClaimSpec::default()
        }),
        status: None,
    })
}

/// Renders a (rack's effective) storage spec. `None` means no user volumes.
pub fn render(
    cluster: &str,
    rack_id: i32,
    storage: Option<&AerospikeStorageSpec>,
) -> RenderedStorage {
    let mut out = RenderedStorage::default();
    let volumes = storage
        .and_then(|s| s.volumes.as_deref())
        .unwrap_or_default();
    for v in volumes {
        let block = is_block(v);
        out.volumes.extend(pod_volume(v));
        out.claim_templates
            .extend(claim_template(cluster, rack_id, v));
        if let Some(a) = &v.aerospike {
            attach_aerospike(&mut out.aerospike, &v.name, block, a);
            if v.source.persistent_volume.is_some() {
                // acko-init sees the whole volume at the same path as asd (no subPath: it
                // initialises the volume, not a sub-directory), read-write.
                attach(&mut out.init, &v.name, block, Target::whole(&a.path));
                out.init_settings.push(VolumeSettings {
                    name: v.name.clone(),
                    path: a.path.clone(),
                    block,
                    init_method: v.init_method.unwrap_or_default().into(),
                    wipe_method: v.wipe_method.unwrap_or_default().into(),
                });
            }
        }
        attach_other(&mut out.sidecars, &v.name, block, v.sidecars.as_ref());
        attach_other(
            &mut out.init_containers,
            &v.name,
            block,
            v.init_containers.as_ref(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use acko_api::{PersistentVolumeSpec, VolumeInitMethod, VolumeSource};
    use k8s_openapi::api::core::v1::EmptyDirVolumeSource;
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    fn pv(name: &str, mode: VolumeMode, path: &str) -> VolumeSpec {
        VolumeSpec {
            name: name.to_owned(),
            source: VolumeSource {
                persistent_volume: Some(PersistentVolumeSpec {
                    volume_mode: Some(mode),
                    size: Quantity("10Gi".to_owned()),
                    ..PersistentVolumeSpec::default()
                }),
                ..VolumeSource::default()
            },
            aerospike: Some(AerospikeVolumeAttachment {
                path: path.to_owned(),
                ..AerospikeVolumeAttachment::default()
            }),
            init_method: Some(VolumeInitMethod::Blkdiscard),
            ..VolumeSpec::default()
        }
    }

    #[test]
    fn block_volumes_are_devices_not_mounts() {
        let storage = AerospikeStorageSpec {
            volumes: Some(vec![
                pv("ssd", VolumeMode::Block, "/dev/xvdb"),
                pv("data", VolumeMode::Filesystem, "/opt/aerospike/data"),
            ]),
            ..AerospikeStorageSpec::default()
        };
        let r = render("c", 1, Some(&storage));
        assert_eq!(r.aerospike.devices.len(), 1);
        assert_eq!(r.aerospike.devices[0].device_path, "/dev/xvdb");
        assert_eq!(r.aerospike.mounts.len(), 1);
        assert_eq!(r.aerospike.mounts[0].mount_path, "/opt/aerospike/data");
        assert_eq!(r.init.devices.len(), 1);
        assert_eq!(r.claim_templates.len(), 2);
        let spec = r.claim_templates[0].spec.as_ref().unwrap();
        assert_eq!(spec.volume_mode.as_deref(), Some("Block"));
        assert_eq!(
            spec.access_modes.as_deref(),
            Some(&["ReadWriteOnce".to_owned()][..])
        );
        assert!(r.volumes.is_empty());
        assert_eq!(
            r.init_settings[0].init_method,
            VolumeInitMethod::Blkdiscard.into()
        );
        assert!(r.init_settings[0].block);
    }

    #[test]
    fn non_persistent_volumes_are_pod_volumes_and_reach_sidecars() {
        let storage = AerospikeStorageSpec {
            volumes: Some(vec![VolumeSpec {
                name: "scratch".to_owned(),
                source: VolumeSource {
                    empty_dir: Some(EmptyDirVolumeSource::default()),
                    ..VolumeSource::default()
                },
                sidecars: Some(vec![VolumeAttachment {
                    container_name: "backup".to_owned(),
                    path: "/scratch".to_owned(),
                    read_only: Some(true),
                    ..VolumeAttachment::default()
                }]),
                ..VolumeSpec::default()
            }]),
            ..AerospikeStorageSpec::default()
        };
        let r = render("c", 0, Some(&storage));
        assert_eq!(r.volumes.len(), 1);
        assert!(r.claim_templates.is_empty());
        assert!(r.init_settings.is_empty());
        assert_eq!(r.sidecars["backup"].mounts[0].read_only, Some(true));
    }
}
