//! Scheduler: binds Pending pods to Ready, schedulable Nodes honouring `nodeSelector`,
//! required node affinity (`In`/`NotIn`/`Exists`/`DoesNotExist`/`Gt`/`Lt`, `matchFields` on
//! `metadata.name`), taints/tolerations (`NoSchedule`/`NoExecute`) and required pod
//! anti-affinity; spreads by pod count. Unschedulable pods stay `Pending` with a
//! `PodScheduled=False` condition (reason `Unschedulable`) and a `FailedScheduling` event.

use serde_json::{Value, json};

use super::Ctx;
use crate::selectors::{LabelSelector, labels_of};
use crate::store::{name_of, now, ns_of};

fn expr_matches(e: &Value, value: Option<&str>) -> bool {
    let vals: Vec<&str> = e["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match e["operator"].as_str().unwrap_or_default() {
        "In" => value.is_some_and(|v| vals.contains(&v)),
        "NotIn" => value.is_none_or(|v| !vals.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => value
            .and_then(|v| v.parse::<i64>().ok())
            .zip(vals.first().and_then(|x| x.parse::<i64>().ok()))
            .is_some_and(|(a, b)| a > b),
        "Lt" => value
            .and_then(|v| v.parse::<i64>().ok())
            .zip(vals.first().and_then(|x| x.parse::<i64>().ok()))
            .is_some_and(|(a, b)| a < b),
        _ => false,
    }
}

fn term_matches(term: &Value, node: &Value) -> bool {
    let labels = labels_of(node);
    term["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|e| {
            let key = e["key"].as_str().unwrap_or_default();
            expr_matches(e, labels.get(key).map(String::as_str))
        })
        && term["matchFields"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|e| {
                let v = if e["key"] == "metadata.name" {
                    Some(name_of(node))
                } else {
                    None
                };
                expr_matches(e, v)
            })
}

fn tolerated(taint: &Value, tolerations: &[Value]) -> bool {
    let effect = taint["effect"].as_str().unwrap_or_default();
    if effect == "PreferNoSchedule" {
        return true;
    }
    tolerations.iter().any(|t| {
        let key_ok = t["key"]
            .as_str()
            .is_none_or(|k| k.is_empty() || Some(k) == taint["key"].as_str());
        let op_exists = t["operator"] == "Exists";
        let val_ok = op_exists
            || t["value"].as_str().unwrap_or_default()
                == taint["value"].as_str().unwrap_or_default();
        let eff_ok = t["effect"]
            .as_str()
            .is_none_or(|e| e.is_empty() || e == effect);
        key_ok && val_ok && eff_ok && (t.get("key").is_some() || op_exists)
    })
}

/// Why a node cannot take a pod (None = it can).
pub fn reject(pod: &Value, node: &Value, pods: &[Value], nodes: &[Value]) -> Option<&'static str> {
    if node["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Ready" && c["status"] != "True")
    {
        return Some("node(s) were not ready");
    }
    if node["spec"]["unschedulable"] == true {
        return Some("node(s) were unschedulable");
    }
    let labels = labels_of(node);
    if let Some(sel) = pod["spec"]["nodeSelector"].as_object() {
        if !sel
            .iter()
            .all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str())
        {
            return Some("node(s) didn't match Pod's node affinity/selector");
        }
    }
    let req = &pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"];
    if let Some(terms) = req.as_array() {
        if !terms.is_empty() && !terms.iter().any(|t| term_matches(t, node)) {
            return Some("node(s) didn't match Pod's node affinity/selector");
        }
    }
    let tols: Vec<Value> = pod["spec"]["tolerations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for t in node["spec"]["taints"].as_array().into_iter().flatten() {
        if !tolerated(t, &tols) {
            return Some("node(s) had untolerated taint");
        }
    }
    let anti = &pod["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
    for term in anti.as_array().into_iter().flatten() {
        let key = term["topologyKey"]
            .as_str()
            .unwrap_or("kubernetes.io/hostname");
        let Some(domain) = labels.get(key) else {
            continue;
        };
        let sel = LabelSelector::from_json(&term["labelSelector"]);
        let clash = pods.iter().any(|p| {
            p["metadata"]["uid"] != pod["metadata"]["uid"]
                && ns_of(p) == ns_of(pod)
                && sel.matches(p)
                && p["spec"]["nodeName"]
                    .as_str()
                    .and_then(|n| nodes.iter().find(|x| name_of(x) == n))
                    .is_some_and(|n| labels_of(n).get(key) == Some(domain))
        });
        if clash {
            return Some("node(s) didn't match pod anti-affinity rules");
        }
    }
    None
}

/// One pass: schedule every unscheduled pod.
pub fn pass(cx: &mut Ctx) -> bool {
    let pod_rt = cx.rt("v1", "Pod");
    let node_rt = cx.rt("v1", "Node");
    let nodes = cx
        .inner
        .list(&node_rt, None, &Default::default(), &Default::default());
    let mut pods = cx
        .inner
        .list(&pod_rt, None, &Default::default(), &Default::default());
    let mut changed = false;
    for i in 0..pods.len() {
        let pod = pods[i].clone();
        if pod["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
            || pod["metadata"].get("deletionTimestamp").is_some()
        {
            continue;
        }
        let mut reasons: Vec<&str> = Vec::new();
        let mut best: Option<(usize, String)> = None;
        for n in &nodes {
            match reject(&pod, n, &pods, &nodes) {
                Some(r) => reasons.push(r),
                None => {
                    let load = pods
                        .iter()
                        .filter(|p| p["spec"]["nodeName"] == name_of(n))
                        .count();
                    if best.as_ref().is_none_or(|(l, _)| load < *l) {
                        best = Some((load, name_of(n).to_string()));
                    }
                }
            }
        }
        let (ns, name) = (ns_of(&pod).to_string(), name_of(&pod).to_string());
        match best {
            Some((_, node)) => {
                let r = cx
                    .inner
                    .mutate(cx.tx, &pod_rt, &ns, &name, "", "kube-scheduler", |p| {
                        p["spec"]["nodeName"] = json!(node);
                    });
                if let Ok(p) = r {
                    let _ = cx.inner.mutate(
                        cx.tx,
                        &pod_rt,
                        &ns,
                        &name,
                        "status",
                        "kube-scheduler",
                        |p| {
                            super::set_condition(p, "PodScheduled", "True", "", "");
                        },
                    );
                    cx.event(
                        &p,
                        "Scheduled",
                        &format!("Successfully assigned {ns}/{name} to {node}"),
                        "Normal",
                    );
                    pods[i] = p;
                    changed = true;
                }
            }
            None => {
                let mut counts: Vec<(usize, &str)> = Vec::new();
                for r in reasons {
                    match counts.iter_mut().find(|(_, x)| *x == r) {
                        Some(c) => c.0 += 1,
                        None => counts.push((1, r)),
                    }
                }
                let msg = format!(
                    "0/{} nodes are available: {}.",
                    nodes.len(),
                    counts
                        .iter()
                        .map(|(n, r)| format!("{n} {r}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let already = pod["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "PodScheduled" && c["message"] == msg.as_str());
                if !already {
                    let _ = cx.inner.mutate(
                        cx.tx,
                        &pod_rt,
                        &ns,
                        &name,
                        "status",
                        "kube-scheduler",
                        |p| {
                            p["status"]["phase"] = json!("Pending");
                            super::set_condition(p, "PodScheduled", "False", "Unschedulable", &msg);
                        },
                    );
                    cx.event(&pod, "FailedScheduling", &msg, "Warning");
                    changed = true;
                }
            }
        }
    }
    let _ = now;
    changed
}
