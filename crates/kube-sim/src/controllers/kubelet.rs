//! Kubelet: starts scheduled pods (pod IP on its own 127.10.x.y loopback address, hostIP = the
//! Node's InternalIP, container statuses, logs), keeps `Ready` in line with the Node, the
//! readiness gates, the pod's TCP readiness probe (for pods running a fake Aerospike node)
//! and injected faults, and restarts containers on request (`restartCount`).

use serde_json::{Value, json};

use super::{Action, Ctx, set_condition};
use crate::store::{name_of, now, ns_of};

const MANAGER: &str = "kubelet";

/// The pod's IP for allocation index `n`.
pub fn pod_ip(n: u32) -> String {
    format!("127.10.{}.{}", (n / 250) % 250, n % 250 + 1)
}

fn node_ready(node: Option<&Value>) -> bool {
    node.is_some_and(|n| {
        n["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}

/// One pass over every scheduled pod.
pub fn pass(cx: &mut Ctx) -> bool {
    let pod_rt = cx.rt("v1", "Pod");
    let node_rt = cx.rt("v1", "Node");
    let pods = cx
        .inner
        .list(&pod_rt, None, &Default::default(), &Default::default());
    let mut changed = false;
    let mut alive = std::collections::HashSet::new();
    for pod in pods {
        let (ns, name) = (ns_of(&pod).to_string(), name_of(&pod).to_string());
        let uid = pod["metadata"]["uid"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        alive.insert(uid.clone());
        let Some(node_name) = pod["spec"]["nodeName"]
            .as_str()
            .filter(|n| !n.is_empty())
            .map(String::from)
        else {
            continue;
        };
        if pod["metadata"].get("deletionTimestamp").is_some() {
            continue;
        }
        let node = cx.inner.try_get(&node_rt, "", &node_name);
        let host_ip = node
            .as_ref()
            .and_then(|n| n["status"]["addresses"].as_array().cloned())
            .into_iter()
            .flatten()
            .find(|a| a["type"] == "InternalIP")
            .and_then(|a| a["address"].as_str().map(String::from))
            .unwrap_or_else(|| "127.0.1.1".into());
        if pod["status"]["podIP"].is_null() {
            let ip = cx.state.runtime.allocate_ip();
            let containers: Vec<Value> = pod["spec"]["containers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let statuses: Vec<Value> = containers
                .iter()
                .map(|c| json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": false, "started": true,
                    "restartCount": 0, "state": {"running": {"startedAt": now()}}}))
                .collect();
            let inits: Vec<Value> = pod["spec"]["initContainers"].as_array().into_iter().flatten()
                .map(|c| json!({"name": c["name"], "image": c["image"], "imageID": "", "ready": true, "restartCount": 0,
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now(), "finishedAt": now()}}}))
                .collect();
            let r = cx
                .inner
                .mutate(cx.tx, &pod_rt, &ns, &name, "status", MANAGER, |p| {
                    p["status"]["phase"] = json!("Running");
                    p["status"]["podIP"] = json!(ip);
                    p["status"]["podIPs"] = json!([{"ip": ip}]);
                    p["status"]["hostIP"] = json!(host_ip);
                    p["status"]["hostIPs"] = json!([{"ip": host_ip}]);
                    p["status"]["startTime"] = json!(now());
                    p["status"]["containerStatuses"] = json!(statuses);
                    if !inits.is_empty() {
                        p["status"]["initContainerStatuses"] = json!(inits);
                    }
                    set_condition(p, "Initialized", "True", "", "");
                    set_condition(
                        p,
                        "ContainersReady",
                        "False",
                        "ContainersNotReady",
                        "containers are starting",
                    );
                    set_condition(
                        p,
                        "Ready",
                        "False",
                        "ContainersNotReady",
                        "containers are starting",
                    );
                });
            if let Ok(p) = r {
                let mut text = String::new();
                for c in &containers {
                    text.push_str(&format!(
                        "kube-sim: started container {} (image {})\n",
                        c["name"].as_str().unwrap_or_default(),
                        c["image"].as_str().unwrap_or_default()
                    ));
                }
                crate::logs::append(cx.state, &ns, &name, &text);
                cx.event(
                    &p,
                    "Started",
                    &format!("Started pod {name} on {node_name} with IP {ip}"),
                    "Normal",
                );
                cx.actions.push(Action::PodStarted { pod: p });
                changed = true;
            }
            continue;
        }
        // readiness
        let gates_ok = pod["spec"]["readinessGates"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|g| {
                pod["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == g["conditionType"] && c["status"] == "True")
            });
        let never = cx
            .state
            .faults
            .never_ready
            .lock()
            .contains(&(ns.clone(), name.clone()));
        let probe_ok = cx.state.runtime.probe_ok(&uid);
        let containers_ready = node_ready(node.as_ref()) && !never && probe_ok;
        let ready = containers_ready && gates_ok;
        let cond = |t: &str| {
            pod["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["type"] == t)
                .map(|c| c["status"] == "True")
        };
        if cond("Ready") != Some(ready) || cond("ContainersReady") != Some(containers_ready) {
            let r = cx
                .inner
                .mutate(cx.tx, &pod_rt, &ns, &name, "status", MANAGER, |p| {
                    let (s, reason) = if containers_ready {
                        ("True", "")
                    } else {
                        ("False", "ContainersNotReady")
                    };
                    set_condition(p, "ContainersReady", s, reason, "");
                    let (s, reason) = match (containers_ready, gates_ok) {
                        (true, true) => ("True", ""),
                        (true, false) => ("False", "ReadinessGatesNotReady"),
                        _ => ("False", "ContainersNotReady"),
                    };
                    set_condition(p, "Ready", s, reason, "");
                    for c in p["status"]["containerStatuses"]
                        .as_array_mut()
                        .into_iter()
                        .flatten()
                    {
                        c["ready"] = json!(containers_ready);
                    }
                });
            changed |= r.is_ok();
        }
    }
    cx.actions.extend(
        cx.state
            .runtime
            .gone(&alive)
            .into_iter()
            .map(|uid| Action::PodGone { uid }),
    );
    changed
}
