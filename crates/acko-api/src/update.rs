//! Update rules: what may change between an accepted cluster and its next version.
//!
//! [`validate_update`] only reports transition problems; the new cluster must also pass
//! [`crate::validation::validate_cluster`].
//!
//! * Persistent-volume storage is immutable (cluster level and per rack): StatefulSet volume
//!   claim templates cannot change, and a pod whose claims do not match would never start. To
//!   change storage, add a new rack with the new storage, then remove the old rack.
//! * Racks cannot be added and removed in the same update (the implicit rack 0 of a cluster
//!   without racks counts), so data always has somewhere to migrate to.
//! * `operations` cannot change while one is in progress.
//! * `templateRef` cannot be added, removed or changed.

use std::collections::BTreeSet;

use crate::cluster::{AerospikeCluster, AerospikeClusterSpec};
use crate::problem::Problems;
use crate::status::OperationPhase;
use crate::storage::{AerospikeStorageSpec, VolumeSpec};

/// Problems of changing `old` into `new`.
pub fn validate_update(old: &AerospikeCluster, new: &AerospikeCluster) -> Problems {
    let mut p = Problems::new();
    storage_immutable(
        old.spec.storage.as_ref(),
        new.spec.storage.as_ref(),
        "spec.storage",
        &mut p,
    );
    let old_racks = rack_ids(&old.spec);
    let new_racks = rack_ids(&new.spec);
    for (i, rack) in new
        .spec
        .rack_config
        .iter()
        .flat_map(|rc| rc.racks.iter())
        .enumerate()
    {
        if let Some(old_rack) = old
            .spec
            .rack_config
            .iter()
            .flat_map(|rc| rc.racks.iter())
            .find(|r| r.id == rack.id)
        {
            // A rack without its own storage uses the cluster storage.
            let old_storage = old_rack.storage.as_ref().or(old.spec.storage.as_ref());
            let new_storage = rack.storage.as_ref().or(new.spec.storage.as_ref());
            if old_rack.storage.is_some() || rack.storage.is_some() {
                storage_immutable(
                    old_storage,
                    new_storage,
                    &format!("spec.rackConfig.racks[{i}].storage"),
                    &mut p,
                );
            }
        }
    }
    let added: Vec<i32> = new_racks.difference(&old_racks).copied().collect();
    let removed: Vec<i32> = old_racks.difference(&new_racks).copied().collect();
    if !added.is_empty() && !removed.is_empty() {
        p.error(
            "spec.rackConfig.racks",
            format!("racks {added:?} are added and racks {removed:?} removed in one update"),
            "add the new racks first, wait for the cluster to be Completed, then remove the old ones",
        );
    }
    let in_progress = old
        .status
        .as_ref()
        .and_then(|s| s.operation_status.as_ref())
        .is_some_and(|o| o.phase == OperationPhase::InProgress);
    if in_progress && old.spec.operations != new.spec.operations {
        p.error(
            "spec.operations",
            "operations cannot change while an operation is in progress",
            "wait until status.operationStatus.phase is Completed or Failed",
        );
    }
    if old.spec.template_ref != new.spec.template_ref {
        p.error(
            "spec.templateRef",
            "templateRef is immutable: it cannot be added, removed or changed",
            "create a new cluster to use another template",
        );
    }
    p
}

/// Rack ids of a spec; a cluster without racks has the implicit rack 0.
fn rack_ids(spec: &AerospikeClusterSpec) -> BTreeSet<i32> {
    let ids: BTreeSet<i32> = spec
        .rack_config
        .iter()
        .flat_map(|rc| rc.racks.iter().map(|r| r.id))
        .collect();
    if ids.is_empty() {
        BTreeSet::from([0])
    } else {
        ids
    }
}

fn pv_volumes(storage: Option<&AerospikeStorageSpec>) -> Vec<&VolumeSpec> {
    storage
        .into_iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter(|v| v.source.persistent_volume.is_some())
        .collect()
}

fn storage_immutable(
    old: Option<&AerospikeStorageSpec>,
    new: Option<&AerospikeStorageSpec>,
    path: &str,
    p: &mut Problems,
) {
    let old_pv = pv_volumes(old);
    let new_pv = pv_volumes(new);
    for v in &new_pv {
        match old_pv.iter().find(|o| o.name == v.name) {
            None => p.error(
                format!("{path}.volumes"),
                format!("persistent volume {:?} is added; volume claims of existing pods cannot change", v.name),
                "add a new rack with the new storage, then remove the old rack",
            ),
            Some(o) if o.source.persistent_volume != v.source.persistent_volume => p.error(
                format!("{path}.volumes"),
                format!("persistent volume {:?} is changed; volume claims cannot change", v.name),
                "revert the change, or add a new rack with the new storage and remove the old rack",
            ),
            Some(o) if o.aerospike.as_ref().map(|a| &a.path) != v.aerospike.as_ref().map(|a| &a.path) => p.error(
                format!("{path}.volumes"),
                format!("the mount path of persistent volume {:?} is changed; the data would not be found", v.name),
                "keep the path, or migrate with a new rack",
            ),
            Some(_) => {}
        }
    }
    for o in &old_pv {
        if !new_pv.iter().any(|v| v.name == o.name) {
            p.error(
                format!("{path}.volumes"),
                format!("persistent volume {:?} is removed; volume claims of existing pods cannot change", o.name),
                "keep the volume, or move to a new rack without it and remove the old rack",
            );
        }
    }
}
