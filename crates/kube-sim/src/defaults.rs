//! Server-side defaults of built-in kinds (the subset clients observe): pod phase, service
//! cluster IPs and node ports, StatefulSet strategy and retention policy, CRD conditions.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::kinds::ResourceType;
use crate::store::Inner;

fn set_default(obj: &mut Value, key: &str, v: Value) {
    if let Some(m) = obj.as_object_mut() {
        if m.get(key).is_none_or(Value::is_null) {
            m.insert(key.to_string(), v);
        }
    } else {
        *obj = json!({ key: v });
    }
}

fn used_node_ports(inner: &Inner) -> BTreeSet<i64> {
    inner
        .objects
        .get(&(String::new(), "services".to_string()))
        .into_iter()
        .flat_map(|b| b.values())
        .flat_map(|s| s["spec"]["ports"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["nodePort"].as_i64())
        .collect()
}

fn service_defaults(inner: &mut Inner, obj: &mut Value, old: Option<&Value>) {
    if !obj["spec"].is_object() {
        obj["spec"] = json!({});
    }
    let spec = &mut obj["spec"];
    set_default(spec, "type", json!("ClusterIP"));
    set_default(spec, "sessionAffinity", json!("None"));
    let ty = spec["type"].as_str().unwrap_or("ClusterIP").to_string();
    if ty != "ExternalName" {
        let keep = old.and_then(|o| o["spec"]["clusterIP"].as_str().map(String::from));
        if spec["clusterIP"].as_str().is_none_or(str::is_empty) {
            let ip = keep.unwrap_or_else(|| {
                let n = inner.rv + 10;
                format!("10.96.{}.{}", (n / 250) % 250, n % 250 + 1)
            });
            spec["clusterIP"] = json!(ip);
        }
        spec["clusterIPs"] = json!([spec["clusterIP"].clone()]);
    }
    let mut used = used_node_ports(inner);
    let old_ports: Vec<Value> = old
        .and_then(|o| o["spec"]["ports"].as_array().cloned())
        .unwrap_or_default();
    for p in spec["ports"].as_array_mut().into_iter().flatten() {
        set_default(p, "protocol", json!("TCP"));
        if p.get("targetPort").is_none() {
            p["targetPort"] = p["port"].clone();
        }
        if (ty == "NodePort" || ty == "LoadBalancer") && p.get("nodePort").is_none() {
            let prev = old_ports
                .iter()
                .find(|o| o["port"] == p["port"] && o["protocol"] == p["protocol"])
                .and_then(|o| o["nodePort"].as_i64());
            let port = prev
                .unwrap_or_else(|| (30000..=32767).find(|n| !used.contains(n)).unwrap_or(30000));
            used.insert(port);
            p["nodePort"] = json!(port);
        }
    }
}

/// Defaults applied on create.
pub fn on_create(inner: &mut Inner, rt: &ResourceType, obj: &mut Value) {
    if !rt.group.is_empty() && rt.group != "apps" && rt.group != "apiextensions.k8s.io" {
        return;
    }
    match rt.kind.as_str() {
        "Namespace" => {
            obj["spec"] = json!({"finalizers": ["kubernetes"]});
            obj["status"] = json!({"phase": "Active"});
        }
        "Pod" => {
            if !obj["spec"].is_object() {
                obj["spec"] = json!({});
            }
            let spec = &mut obj["spec"];
            set_default(spec, "restartPolicy", json!("Always"));
            set_default(spec, "schedulerName", json!("default-scheduler"));
            set_default(spec, "terminationGracePeriodSeconds", json!(30));
            set_default(spec, "dnsPolicy", json!("ClusterFirst"));
            obj["status"] = json!({"phase": "Pending", "qosClass": "BestEffort"});
        }
        "Service" => {
            service_defaults(inner, obj, None);
            obj["status"] = json!({"loadBalancer": {}});
        }
        "PersistentVolumeClaim" => {
            let req = obj["spec"]["resources"]["requests"].clone();
            obj["status"] = json!({"phase": "Bound", "accessModes": obj["spec"]["accessModes"], "capacity": req});
            set_default(&mut obj["spec"], "volumeMode", json!("Filesystem"));
        }
        "StatefulSet" => {
            if !obj["spec"].is_object() {
                obj["spec"] = json!({});
            }
            let spec = &mut obj["spec"];
            set_default(spec, "replicas", json!(1));
            set_default(spec, "podManagementPolicy", json!("OrderedReady"));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(
                spec,
                "updateStrategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
            );
            set_default(
                spec,
                "persistentVolumeClaimRetentionPolicy",
                json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
            );
            obj["status"] = json!({"replicas": 0, "availableReplicas": 0});
        }
        "CustomResourceDefinition" => {
            obj["status"] = json!({
                "acceptedNames": obj["spec"]["names"].clone(),
                "storedVersions": obj["spec"]["versions"].as_array().into_iter().flatten()
                    .filter(|v| v["storage"].as_bool() == Some(true)).map(|v| v["name"].clone()).collect::<Vec<_>>(),
                "conditions": [
                    {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": crate::store::now()},
                    {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": crate::store::now()},
                ],
            });
        }
        _ => {}
    }
}

/// Defaults applied on update (kept server-assigned values).
pub fn on_update(inner: &mut Inner, rt: &ResourceType, old: &Value, obj: &mut Value) {
    if rt.group.is_empty() && rt.kind == "Service" {
        service_defaults(inner, obj, Some(old));
    }
}
