//! Scaling. Up: one rack at a time, straight to its desired size (adding nodes never loses a
//! copy; existing pods keep their config hash because mesh seeds do not depend on `size`).
//! Down: `scaleDownBatchSize` pods (capped at replication-factor − 1, so no partition can lose
//! every copy), one rack at a time, only when the cluster is settled (all pods Ready, every node
//! sees the current size, `cluster-stable` agrees, zero migrations); never below the
//! replication factor; the next batch waits for the cluster size to converge again.
//! Removed racks are scaled to 0 the same way before their objects are pruned.

use acko_api::ClusterPhase;

use super::objects::{owner_uid, with_replicas};
use super::{Plan, Step, safety};
use crate::desired::{Desired, Knobs};
use crate::observed::Observed;

/// Target replicas per rack: desired racks at their size, removed racks at 0.
pub fn targets(observed: &Observed, desired: &Desired) -> Vec<(i32, u32, u32)> {
    let mut out: Vec<(i32, u32, u32)> = desired
        .racks
        .iter()
        .filter_map(|r| {
            observed
                .racks
                .get(&r.id)
                .map(|s| (r.id, s.replicas, r.size))
        })
        .collect();
    out.extend(
        observed
            .racks
            .iter()
            .filter(|(id, _)| desired.rack(**id).is_none())
            .map(|(id, s)| (*id, s.replicas, 0)),
    );
    out
}

/// The full StatefulSet with `to` replicas, or `None` for a removed rack (whose replicas the
/// shell patches alone: applying a partial object would drop the fields it omits).
fn sts_object(desired: &Desired, rack: i32, to: u32) -> Option<serde_json::Value> {
    desired
        .objects
        .iter()
        .find(|o| o.key.kind == "StatefulSet" && o.rack == Some(rack))
        .map(|o| with_replicas(o, to, &owner_uid(&o.value)))
}

pub(super) fn scale_up(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let (rack, from, to) = targets(observed, desired)
        .into_iter()
        .find(|(_, current, target)| current < target)?;
    let object = sts_object(desired, rack, to);
    Some(Plan::new(
        Step::ScaleRack {
            rack,
            from,
            to,
            object,
        },
        ClusterPhase::ScalingUp,
        format!("scaling up rack {rack} from {from} to {to} pods"),
    ))
}

/// The largest number of pods removed at once.
pub fn down_batch(knobs: &Knobs, current_total: u32, excess: u32) -> u32 {
    let copies_cap = knobs.replication_factor.saturating_sub(1).max(1);
    let floor_cap = current_total.saturating_sub(knobs.replication_factor.max(1));
    knobs
        .scale_down_batch
        .min(copies_cap)
        .min(excess)
        .min(floor_cap)
}

pub(super) fn scale_down(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let (rack, from, target) = targets(observed, desired)
        .into_iter()
        .find(|(_, current, target)| current > target)?;
    if let Err(why) = safety::settled(observed) {
        let phase = if safety::migrations_remaining(observed) > 0 {
            ClusterPhase::WaitingForMigration
        } else {
            ClusterPhase::ScalingDown
        };
        return Some(Plan::new(
            Step::Wait,
            phase,
            format!("scale-down of rack {rack} ({from} → {target}) waits: {why}"),
        ));
    }
    let total = observed.total_replicas();
    let batch = down_batch(&desired.knobs, total, from - target);
    if batch == 0 {
        return Some(Plan::new(
            Step::Wait,
            ClusterPhase::Error,
            format!(
                "cannot scale rack {rack} down: {total} pods would fall below the replication factor {}",
                desired.knobs.replication_factor
            ),
        ));
    }
    let to = from - batch;
    let object = sts_object(desired, rack, to);
    Some(Plan::new(
        Step::ScaleRack {
            rack,
            from,
            to,
            object,
        },
        ClusterPhase::ScalingDown,
        format!("scaling down rack {rack} from {from} to {to} pods (target {target})"),
    ))
}

/// `(volume, rack, ordinal)` of a cluster PVC named `<volume>-<cluster>-<rack>-<ordinal>`
/// whose volume has cascadeDelete.
pub fn claim_volume(claim: &str, cluster: &str, knobs: &Knobs) -> Option<(String, i32, u32)> {
    knobs.cascade_volumes.iter().find_map(|v| {
        let rest = claim.strip_prefix(v.as_str())?.strip_prefix('-')?;
        let rest = rest.strip_prefix(cluster)?.strip_prefix('-')?;
        let (rack, ordinal) = rest.split_once('-')?;
        Some((v.clone(), rack.parse().ok()?, ordinal.parse().ok()?))
    })
}

pub(super) fn delete_claims(observed: &Observed, desired: &Desired) -> Option<Plan> {
    let claims: Vec<String> = observed
        .claims
        .iter()
        .filter(|c| {
            claim_volume(&c.name, &observed.name, &desired.knobs).is_some_and(|(_, rack, ord)| {
                let pod = acko_render::names::pod(&observed.name, rack, ord as i32);
                let replicas = observed.racks.get(&rack).map_or(0, |s| s.replicas);
                ord >= replicas && !observed.pods.contains_key(&pod)
            })
        })
        .map(|c| c.name.clone())
        .collect();
    if claims.is_empty() {
        return None;
    }
    Some(Plan::new(
        Step::DeleteClaims {
            claims: claims.clone(),
        },
        ClusterPhase::ScalingDown,
        format!(
            "deleting PVCs of removed pods (cascadeDelete): {}",
            claims.join(", ")
        ),
    ))
}
