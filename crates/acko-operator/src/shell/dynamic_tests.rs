use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;

use super::*;
use crate::observed::NodeFacts;
use crate::plan::dynamic_config::classify;
use crate::shell::agent::WarmFiles;

/// Nodes by address, each a flat `key → value` config; `refuse` = (addr, key) pairs whose
/// set-config answers an error; `refuse_undo` refuses restoring that value too.
#[derive(Default)]
struct Nodes {
    config: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    refuse: BTreeSet<(String, String)>,
    refuse_undo: Option<String>,
    log: Mutex<Vec<String>>,
}

impl PodAgent for Nodes {
    fn probe(&self, _: String, _: usize) -> BoxFuture<'_, NodeFacts> {
        unreachable!("not probed")
    }
    fn read_warm_files<'a>(&'a self, _: &'a Pod) -> BoxFuture<'a, Result<WarmFiles, String>> {
        unreachable!()
    }
    fn request_warm_restart<'a>(
        &'a self,
        _: &'a Pod,
        _: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        unreachable!()
    }
    fn info<'a>(
        &'a self,
        addr: &'a str,
        command: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            self.log.lock().unwrap().push(format!("{addr} {command}"));
            let mut all = self.config.lock().unwrap();
            let node = all.entry(addr.to_owned()).or_default();
            if command.starts_with("get-config") {
                return Ok(node
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(";"));
            }
            let (key, value) = command.rsplit(';').next().unwrap().split_once('=').unwrap();
            let key = key.trim_start_matches("set-config:");
            if self.refuse.contains(&(addr.to_owned(), key.to_owned()))
                && self.refuse_undo.as_deref() != Some(value)
                && node.get(key).map(String::as_str) != Some(value)
            {
                return Ok("ERROR:4:invalid set-config parameter".to_owned());
            }
            if self.refuse_undo.as_deref() == Some(value) {
                return Ok("ERROR:4:refused".to_owned());
            }
            node.insert(key.to_owned(), value.to_owned());
            Ok("ok".to_owned())
        })
    }
}

const OLD: &str = "service {\n    migrate-threads 1\n    proto-fd-idle-ms 60000\n}\n";

fn changes() -> Vec<DynChange> {
    let new = OLD
        .replace("migrate-threads 1", "migrate-threads 4")
        .replace("proto-fd-idle-ms 60000", "proto-fd-idle-ms 70000");
    classify(OLD, &new).unwrap()
}

fn nodes(refuse: &[(&str, &str)], refuse_undo: Option<&str>) -> Nodes {
    let mut config = BTreeMap::new();
    for a in ["a:3000", "b:3000", "c:3000"] {
        let mut m = BTreeMap::new();
        m.insert("migrate-threads".to_owned(), "1".to_owned());
        m.insert("proto-fd-idle-ms".to_owned(), "60000".to_owned());
        config.insert(a.to_owned(), m);
    }
    Nodes {
        config: Mutex::new(config),
        refuse: refuse
            .iter()
            .map(|(a, k)| ((*a).into(), (*k).into()))
            .collect(),
        refuse_undo: refuse_undo.map(str::to_owned),
        log: Mutex::default(),
    }
}

fn pods() -> Vec<(String, String)> {
    ["a", "b", "c"]
        .iter()
        .map(|p| (format!("pod-{p}"), format!("{p}:3000")))
        .collect()
}

fn value(n: &Nodes, addr: &str, key: &str) -> String {
    n.config.lock().unwrap()[addr][key].clone()
}

#[tokio::test]
async fn every_node_gets_every_change_verified() {
    let n = nodes(&[], None);
    let out = apply(&n, &pods(), &changes()).await;
    assert_eq!(out.failure, None);
    for addr in ["a:3000", "b:3000", "c:3000"] {
        assert_eq!(value(&n, addr, "migrate-threads"), "4");
        assert_eq!(value(&n, addr, "proto-fd-idle-ms"), "70000");
    }
    assert!(
        out.pods
            .values()
            .all(|p| p.status == DynamicConfigStatus::Applied)
    );
    // Each set-config is read back.
    let log = n.log.lock().unwrap().clone();
    assert_eq!(log.iter().filter(|l| l.contains("get-config")).count(), 6);
}

#[tokio::test]
async fn a_refusal_on_one_node_rolls_back_the_others_and_names_the_key() {
    let n = nodes(&[("c:3000", "proto-fd-idle-ms")], None);
    let out = apply(&n, &pods(), &changes()).await;
    let failure = out.failure.clone().unwrap();
    assert!(
        failure.starts_with("pod-c: service.proto-fd-idle-ms"),
        "{failure}"
    );
    assert!(
        failure.contains("invalid set-config parameter"),
        "{failure}"
    );
    assert!(!out.rollback_failed);
    for addr in ["a:3000", "b:3000", "c:3000"] {
        assert_eq!(
            value(&n, addr, "migrate-threads"),
            "1",
            "{addr} rolled back"
        );
        assert_eq!(value(&n, addr, "proto-fd-idle-ms"), "60000", "{addr}");
    }
    let c = &out.pods["pod-c"];
    assert_eq!(c.status, DynamicConfigStatus::Failed);
    let results: Vec<(&str, &str)> = c
        .changes
        .iter()
        .map(|x| (x.path.as_str(), x.result.as_deref().unwrap()))
        .collect();
    assert_eq!(
        results,
        [
            ("service.migrate-threads", "RolledBack"),
            ("service.proto-fd-idle-ms", "Failed")
        ]
    );
    assert!(
        c.changes[1]
            .message
            .as_deref()
            .unwrap()
            .contains("invalid set-config")
    );
    assert_eq!(
        out.pods["pod-a"].changes[0].result.as_deref(),
        Some("RolledBack")
    );
    assert_eq!(
        out.pods["pod-a"].status,
        DynamicConfigStatus::Failed,
        "never a partial success"
    );
}

#[tokio::test]
async fn a_refused_rollback_is_reported() {
    // b refuses migrate-threads; restoring "1" is refused everywhere.
    let n = nodes(&[("b:3000", "migrate-threads")], Some("1"));
    let out = apply(&n, &pods(), &changes()).await;
    assert!(out.rollback_failed);
    assert_eq!(
        out.pods["pod-a"].changes[0].result.as_deref(),
        Some("RollbackFailed")
    );
    assert_eq!(
        out.pods["pod-c"].changes[0].result.as_deref(),
        Some("NotAttempted")
    );
}
