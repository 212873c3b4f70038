//! StatefulSet controller: ordered create (OrderedReady) or all at once (Parallel), ordered
//! scale-down from the highest ordinal, RollingUpdate (highest ordinal first, down to
//! `partition`) and OnDelete, PVCs from volumeClaimTemplates kept or deleted per
//! `persistentVolumeClaimRetentionPolicy`, ControllerRevisions, and status.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Ctx, is_ready, owner_ref};
use crate::ops::DeleteOpts;
use crate::selectors::LabelSelector;
use crate::store::{name_of, ns_of};

const MANAGER: &str = "statefulset-controller";

/// Revision name of a pod template.
pub fn revision(sts_name: &str, template: &Value) -> String {
    let h = Sha256::digest(serde_json::to_vec(template).unwrap_or_default());
    let hex: String = h.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{sts_name}-{hex}")
}

fn ordinal(sts: &str, pod: &str) -> Option<i64> {
    pod.strip_prefix(sts)?.strip_prefix('-')?.parse().ok()
}

/// One pass over every StatefulSet. Returns whether anything changed.
pub fn pass(cx: &mut Ctx) -> bool {
    let sts_rt = cx.rt("apps/v1", "StatefulSet");
    let all = cx
        .inner
        .list(&sts_rt, None, &Default::default(), &Default::default());
    let mut changed = false;
    for sts in all {
        if sts["metadata"].get("deletionTimestamp").is_some() {
            continue;
        }
        changed |= reconcile(cx, &sts);
    }
    changed
}

fn pod_from(sts: &Value, template: &Value, ord: i64, rev: &str) -> Value {
    let name = format!("{}-{ord}", name_of(sts));
    let mut md = template["metadata"].clone();
    if !md.is_object() {
        md = json!({});
    }
    md["name"] = json!(name);
    md["labels"]["statefulset.kubernetes.io/pod-name"] = json!(name);
    md["labels"]["apps.kubernetes.io/pod-index"] = json!(ord.to_string());
    md["labels"]["controller-revision-hash"] = json!(rev);
    md["ownerReferences"] = json!([owner_ref(sts, "apps/v1", "StatefulSet")]);
    let mut spec = template["spec"].clone();
    spec["hostname"] = json!(name);
    if let Some(svc) = sts["spec"]["serviceName"].as_str() {
        spec["subdomain"] = json!(svc);
    }
    let mut vols: Vec<Value> = spec["volumes"].as_array().cloned().unwrap_or_default();
    for t in sts["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let tn = name_of(t);
        vols.retain(|v| v["name"] != tn);
        vols.push(
            json!({"name": tn, "persistentVolumeClaim": {"claimName": format!("{tn}-{name}")}}),
        );
    }
    if !vols.is_empty() {
        spec["volumes"] = json!(vols);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec})
}

fn reconcile(cx: &mut Ctx, sts: &Value) -> bool {
    let ns = ns_of(sts).to_string();
    let name = name_of(sts).to_string();
    let spec = &sts["spec"];
    let replicas = spec["replicas"].as_i64().unwrap_or(1);
    let template = spec["template"].clone();
    let update_rev = revision(&name, &template);
    let parallel = spec["podManagementPolicy"] == "Parallel";
    let on_delete = spec["updateStrategy"]["type"] == "OnDelete";
    let partition = spec["updateStrategy"]["rollingUpdate"]["partition"]
        .as_i64()
        .unwrap_or(0);
    let current_rev = sts["status"]["currentRevision"]
        .as_str()
        .unwrap_or(&update_rev)
        .to_string();
    let pod_rt = cx.rt("v1", "Pod");
    let pvc_rt = cx.rt("v1", "PersistentVolumeClaim");
    let cr_rt = cx.rt("apps/v1", "ControllerRevision");
    let sel = LabelSelector::from_json(&spec["selector"]);
    let uid = sts["metadata"]["uid"].clone();
    let mut changed = false;

    // ControllerRevision of the update revision (holds the template to roll back to)
    if cx.inner.try_get(&cr_rt, &ns, &update_rev).is_none() {
        let cr = json!({"metadata": {"name": update_rev, "labels": spec["selector"]["matchLabels"].clone(),
            "ownerReferences": [owner_ref(sts, "apps/v1", "StatefulSet")]},
            "data": {"spec": {"template": template}}, "revision": sts["metadata"]["generation"].clone()});
        changed |= cx.create(&cr_rt, &ns, cr, MANAGER);
    }
    let template_of = |cx: &Ctx, rev: &str| -> Value {
        cx.inner
            .try_get(&cr_rt, &ns, rev)
            .map(|c| c["data"]["spec"]["template"].clone())
            .unwrap_or_else(|| template.clone())
    };

    let mut pods: Vec<(i64, Value)> = cx
        .inner
        .list_name_prefix(&pod_rt, &ns, &format!("{name}-"))
        .into_iter()
        .filter(|p| sel.matches(p))
        .filter(|p| {
            p["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["uid"] == uid)
        })
        .filter_map(|p| ordinal(&name, name_of(&p)).map(|o| (o, p)))
        .collect();
    pods.sort_by_key(|(o, _)| *o);
    let terminating = pods
        .iter()
        .any(|(_, p)| p["metadata"].get("deletionTimestamp").is_some());
    let all_ready_below = |pods: &[(i64, Value)], n: i64| {
        pods.iter()
            .filter(|(o, _)| *o < n)
            .all(|(_, p)| is_ready(p))
    };

    // create missing pods (and their PVCs)
    let mut blocked = terminating && !parallel;
    for ord in 0..replicas {
        if blocked {
            break;
        }
        if let Some((_, p)) = pods.iter().find(|(o, _)| *o == ord) {
            if !parallel && !is_ready(p) {
                blocked = true;
            }
            continue;
        }
        let pod_name = format!("{name}-{ord}");
        for t in spec["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let claim = format!("{}-{pod_name}", name_of(t));
            if cx.inner.try_get(&pvc_rt, &ns, &claim).is_none() {
                let mut pvc = json!({"metadata": {"name": claim, "labels": spec["selector"]["matchLabels"].clone()},
                    "spec": t["spec"].clone()});
                if spec["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] == "Delete" {
                    pvc["metadata"]["ownerReferences"] =
                        json!([owner_ref(sts, "apps/v1", "StatefulSet")]);
                }
                if pvc["spec"]["storageClassName"].is_null() {
                    pvc["spec"]["storageClassName"] = json!("standard");
                }
                changed |= cx.create(&pvc_rt, &ns, pvc, MANAGER);
            }
        }
        let rev = if !on_delete && ord < partition {
            current_rev.clone()
        } else {
            update_rev.clone()
        };
        let pod = pod_from(sts, &template_of(cx, &rev), ord, &rev);
        if cx.create(&pod_rt, &ns, pod, MANAGER) {
            cx.event(
                sts,
                "SuccessfulCreate",
                &format!("create Pod {pod_name} in StatefulSet {name} successful"),
                "Normal",
            );
            changed = true;
        }
        if !parallel {
            blocked = true;
        }
    }

    // scale down: highest ordinal first, one at a time (OrderedReady)
    let excess: Vec<&(i64, Value)> = pods.iter().filter(|(o, _)| *o >= replicas).collect();
    if let Some((ord, p)) = excess.last() {
        let ok = parallel || (!terminating && all_ready_below(&pods, *ord));
        if ok && p["metadata"].get("deletionTimestamp").is_none() {
            let pn = name_of(p).to_string();
            if cx
                .inner
                .delete(cx.tx, &pod_rt, &ns, &pn, &DeleteOpts::default())
                .is_ok()
            {
                cx.event(
                    sts,
                    "SuccessfulDelete",
                    &format!("delete Pod {pn} in StatefulSet {name} successful"),
                    "Normal",
                );
                changed = true;
            }
        }
    }
    // PVCs of removed ordinals when whenScaled=Delete
    if spec["persistentVolumeClaimRetentionPolicy"]["whenScaled"] == "Delete" {
        for t in spec["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let prefix = format!("{}-{name}-", name_of(t));
            let claims: Vec<String> = cx
                .inner
                .list_name_prefix(&pvc_rt, &ns, &prefix)
                .iter()
                .map(|c| name_of(c).to_string())
                .filter(|c| {
                    c.strip_prefix(&prefix)
                        .and_then(|o| o.parse::<i64>().ok())
                        .is_some_and(|o| o >= replicas)
                })
                .collect();
            for c in claims {
                let ord: i64 = c[prefix.len()..].parse().unwrap_or(0);
                if !pods.iter().any(|(o, _)| *o == ord) {
                    changed |= cx
                        .inner
                        .delete(cx.tx, &pvc_rt, &ns, &c, &DeleteOpts::default())
                        .is_ok();
                }
            }
        }
    }

    // rolling update: highest ordinal first, down to partition, one at a time, all Ready first
    if !on_delete && !terminating && pods.len() as i64 >= replicas.min(pods.len() as i64) {
        let all_ready = pods
            .iter()
            .filter(|(o, _)| *o < replicas)
            .all(|(_, p)| is_ready(p))
            && pods.iter().filter(|(o, _)| *o < replicas).count() as i64 == replicas;
        if all_ready {
            if let Some((_, p)) = pods
                .iter()
                .rev()
                .filter(|(o, _)| *o < replicas && *o >= partition)
                .find(|(_, p)| {
                    p["metadata"]["labels"]["controller-revision-hash"] != update_rev.as_str()
                })
            {
                let pn = name_of(p).to_string();
                changed |= cx
                    .inner
                    .delete(cx.tx, &pod_rt, &ns, &pn, &DeleteOpts::default())
                    .is_ok();
            }
        }
    }

    // status
    let live: Vec<&Value> = pods.iter().map(|(_, p)| p).collect();
    let ready = live.iter().filter(|p| is_ready(p)).count();
    let updated = live
        .iter()
        .filter(|p| p["metadata"]["labels"]["controller-revision-hash"] == update_rev.as_str())
        .count();
    let current = live
        .iter()
        .filter(|p| p["metadata"]["labels"]["controller-revision-hash"] == current_rev.as_str())
        .count();
    let new_current = if updated as i64 == replicas && live.len() as i64 == replicas {
        update_rev.clone()
    } else {
        current_rev.clone()
    };
    let status = json!({
        "observedGeneration": sts["metadata"]["generation"],
        "replicas": live.len(),
        "readyReplicas": ready,
        "availableReplicas": ready,
        "currentReplicas": if new_current == update_rev { updated } else { current },
        "updatedReplicas": updated,
        "currentRevision": new_current,
        "updateRevision": update_rev,
        "collisionCount": 0,
    });
    if sts["status"] != status {
        let r = cx.inner.mutate(
            cx.tx,
            &cx.rt("apps/v1", "StatefulSet"),
            &ns,
            &name,
            "status",
            MANAGER,
            |o| {
                o["status"] = status.clone();
            },
        );
        changed |= r.is_ok();
    }
    changed
}
