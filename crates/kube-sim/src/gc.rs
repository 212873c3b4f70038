//! Garbage collection: ownerReference cascades (background, foreground, orphan) and namespace
//! termination. Runs after every batch of changes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::ops::DeleteOpts;
use crate::store::{Store, name_of, ns_of};

fn has_finalizer(o: &Value, f: &str) -> bool {
    o["metadata"]["finalizers"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == f))
}

/// One garbage-collection pass. Returns whether anything changed.
pub fn pass(store: &Store) -> bool {
    store.with_mut(|inner, tx| {
        let mut by_uid: HashMap<&str, &Value> = HashMap::new();
        let mut dependents: HashMap<String, usize> = HashMap::new();
        for (_, o) in inner.all() {
            if let Some(u) = o["metadata"]["uid"].as_str() {
                by_uid.insert(u, o);
            }
            for r in o["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if let Some(u) = r["uid"].as_str() {
                    *dependents.entry(u.to_string()).or_default() += 1;
                }
            }
        }
        let terminating_ns: HashSet<String> = by_uid
            .values()
            .filter(|o| o["kind"] == "Namespace" && o["apiVersion"] == "v1")
            .filter(|o| o["metadata"].get("deletionTimestamp").is_some())
            .map(|o| name_of(o).to_string())
            .collect();
        let mut deletes = Vec::new();
        let mut edits: Vec<(crate::store::TypeKey, String, String, Value)> = Vec::new();
        let mut ns_nonempty: HashSet<String> = HashSet::new();
        for (key, o) in inner.all() {
            let ns = ns_of(o).to_string();
            let name = name_of(o).to_string();
            if !ns.is_empty() && terminating_ns.contains(&ns) {
                ns_nonempty.insert(ns.clone());
                if o["metadata"].get("deletionTimestamp").is_none() {
                    deletes.push((key.clone(), ns.clone(), name.clone()));
                }
                continue;
            }
            let refs = o["metadata"]["ownerReferences"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if refs.is_empty() {
                continue;
            }
            let mut kept = Vec::new();
            let mut any_alive = false;
            let mut foreground_owner = false;
            for r in &refs {
                match r["uid"].as_str().and_then(|u| by_uid.get(u).copied()) {
                    Some(owner)
                        if owner["metadata"].get("deletionTimestamp").is_some()
                            && has_finalizer(owner, "orphan") => {}
                    Some(owner) => {
                        if owner["metadata"].get("deletionTimestamp").is_some()
                            && has_finalizer(owner, "foregroundDeletion")
                        {
                            foreground_owner = true;
                        } else {
                            any_alive = true;
                        }
                        kept.push(r.clone());
                    }
                    None => kept.push(r.clone()),
                }
            }
            if kept.len() != refs.len() {
                let mut n = o.clone();
                n["metadata"]["ownerReferences"] = json!(kept);
                edits.push((key.clone(), ns.clone(), name.clone(), n));
                continue;
            }
            if !any_alive && o["metadata"].get("deletionTimestamp").is_none() {
                let _ = foreground_owner;
                deletes.push((key.clone(), ns, name));
            }
        }
        // owners whose foreground / orphan finalizer can go
        for (key, o) in inner.all() {
            if o["metadata"].get("deletionTimestamp").is_none() {
                continue;
            }
            let uid = o["metadata"]["uid"].as_str().unwrap_or_default();
            let deps = dependents.get(uid).copied().unwrap_or(0);
            let is_ns = key.0.is_empty() && key.1 == "namespaces";
            let mut fins: Vec<Value> = o["metadata"]["finalizers"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let before = fins.len();
            if deps == 0 {
                fins.retain(|f| f != "foregroundDeletion");
            }
            // no object names it as owner any more (counted once above, not rescanned)
            if deps == 0 {
                fins.retain(|f| f != "orphan");
            }
            if is_ns && !ns_nonempty.contains(name_of(o)) {
                fins.retain(|f| f != "kubernetes");
            }
            if fins.len() != before {
                let mut n = o.clone();
                n["metadata"]["finalizers"] = json!(fins);
                edits.push((key.clone(), ns_of(o).to_string(), name_of(o).to_string(), n));
            }
        }
        let changed = !deletes.is_empty() || !edits.is_empty();
        for (key, ns, name, new) in edits {
            if let Some(rt) = inner.type_of(&key) {
                let _ = inner.mutate(tx, &rt, &ns, &name, "", "garbage-collector", |o| {
                    o["metadata"]["ownerReferences"] = new["metadata"]["ownerReferences"].clone();
                    o["metadata"]["finalizers"] = new["metadata"]["finalizers"].clone();
                    for k in ["ownerReferences", "finalizers"] {
                        if o["metadata"][k].is_null() {
                            o["metadata"].as_object_mut().map(|m| m.remove(k));
                        }
                    }
                });
            }
        }
        for (key, ns, name) in deletes {
            if let Some(rt) = inner.type_of(&key) {
                let _ = inner.delete(tx, &rt, &ns, &name, &DeleteOpts::default());
            }
        }
        changed
    })
}

/// Run the collector until the store's channel closes.
pub async fn run(store: Arc<Store>) {
    let mut rx = store.subscribe();
    loop {
        match rx.recv().await {
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(_) => return,
        }
        // batch a burst of changes into one pass
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        while rx.try_recv().is_ok() {}
        while pass(&store) {
            while rx.try_recv().is_ok() {}
        }
    }
}
