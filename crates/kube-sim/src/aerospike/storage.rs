//! Where a pod's Aerospike data lives, so it survives exactly as long as real data would.
//!
//! A node's data is durable when its namespaces store on devices or files (`storage-engine
//! device`/`pmem`, or `memory` with `file`s) whose paths sit on volumes backed by
//! PersistentVolumeClaims. The node's *disk* is then the identity (uid) of those claims:
//! * the pod is deleted and recreated with the same claims → the node rejoins with its data;
//! * a claim was deleted (and recreated by the StatefulSet) → the node starts on fresh storage
//!   and its copies are lost (the fake cluster loses the records no other node holds);
//! * the rack ConfigMap holds a wipe request for the pod (`wipe-<pod>.json`, the pod contract)
//!   with a request id this disk has not seen → acko-init wipes it: same as fresh storage;
//! * no durable storage (in-memory namespace, emptyDir) → the node's copies go with the pod.

use serde_json::Value;

use crate::store::{Inner, ns_of};

/// The storage identity of a pod's node: `None` when its data is not durable.
pub fn disk_of(inner: &Inner, pod: &Value, storage_paths: &[String]) -> Option<String> {
    if storage_paths.is_empty() {
        return None;
    }
    let pvc_rt = inner.find_kind("v1", "PersistentVolumeClaim")?;
    let mut volumes: Vec<&str> = Vec::new();
    for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
        let mounts = c["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| (&m["name"], &m["mountPath"]));
        let devices = c["volumeDevices"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| (&m["name"], &m["devicePath"]));
        for (name, path) in mounts.chain(devices) {
            let (Some(name), Some(path)) = (name.as_str(), path.as_str()) else {
                continue;
            };
            let path = path.trim_end_matches('/');
            let holds = storage_paths
                .iter()
                .any(|s| s == path || s.starts_with(&format!("{path}/")));
            if holds && !volumes.contains(&name) {
                volumes.push(name);
            }
        }
    }
    let mut ids = Vec::new();
    for v in volumes {
        let claim = pod["spec"]["volumes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x["name"] == v)
            .and_then(|x| x["persistentVolumeClaim"]["claimName"].as_str())?;
        let pvc = inner.try_get(&pvc_rt, ns_of(pod), claim)?;
        ids.push(format!(
            "{claim}={}",
            pvc["metadata"]["uid"].as_str().unwrap_or_default()
        ));
    }
    if ids.is_empty() {
        return None;
    }
    ids.sort();
    Some(ids.join(","))
}

/// The id of the pod's wipe request in its rack ConfigMap's `data`, if there is one.
pub fn wipe_request_id(cm_data: &Value, pod: &str) -> Option<String> {
    let text = cm_data[acko_api::contract::wipe_request_key(pod)].as_str()?;
    let req: acko_api::contract::WipeRequest = serde_json::from_str(text).ok()?;
    (req.pod == pod && !req.volumes.is_empty()).then_some(req.request_id)
}

/// Paths of the namespaces' devices and files in a final aerospike.conf.
pub fn storage_paths(conf: &aerospike_conf::AerospikeConf) -> Vec<String> {
    conf.namespaces()
        .into_iter()
        .flat_map(|n| n.devices.into_iter().chain(n.files))
        .map(|d| d.split_whitespace().next().unwrap_or_default().to_string())
        .filter(|d| !d.is_empty())
        .collect()
}
