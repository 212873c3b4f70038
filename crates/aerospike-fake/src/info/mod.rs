//! Info protocol (proto type 1): one handler per command family.
//!
//! Framing reuses `asinfo::proto` (request splitting and `cmd\tvalue\n` reply encoding). Error
//! values follow the CE 8.1 conventions: `ERROR:<code>:<message>` (code 1 is `ERROR::msg`).

pub mod admin;
pub mod stats;
pub mod topology;

use std::collections::BTreeMap;

use crate::state::ClusterState;

/// Formats an info error value the way the server does.
pub fn error(code: u32, msg: &str) -> String {
    if code == 1 {
        format!("ERROR::{msg}")
    } else {
        format!("ERROR:{code}:{msg}")
    }
}

/// `ERROR:4:unrecognized command`.
pub fn unrecognized() -> String {
    error(4, "unrecognized command")
}

/// Splits `verb:k=v;k=v` into the verb and its parameters (in order).
pub fn split_command(cmd: &str) -> (&str, Vec<(String, String)>) {
    let (verb, rest) = match cmd.split_once(':') {
        Some((v, r)) => (v, r),
        None => (cmd, ""),
    };
    let params = rest
        .split(';')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect();
    (verb, params)
}

/// Parameter lookup helper.
pub fn param<'a>(params: &'a [(String, String)], keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        params
            .iter()
            .find(|(pk, _)| pk == k)
            .map(|(_, v)| v.as_str())
    })
}

/// Formats `k=v;k=v`.
pub fn kv_join(items: &[(String, String)]) -> String {
    items
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// Formats a map as `k=v;k=v`.
pub fn map_join(items: &BTreeMap<String, String>) -> String {
    items
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// The verb of a command, used for failure injection and latency.
pub fn verb_of(cmd: &str) -> &str {
    let end = cmd.find([':', '/']).unwrap_or(cmd.len());
    &cmd[..end]
}

/// Answers one info command on `node`.
pub fn answer(st: &mut ClusterState, node: usize, peer: &str, cmd: &str) -> String {
    if let Some(n) = st.nodes.get_mut(node) {
        n.bump("info_complete");
    }
    if let Some(reply) = st.scenario.take_info_failure(verb_of(cmd), node) {
        return reply;
    }
    if let Some(v) = topology::answer(st, node, cmd) {
        return v;
    }
    if let Some(v) = stats::answer(st, node, cmd) {
        return v;
    }
    if let Some(v) = admin::answer(st, node, peer, cmd) {
        return v;
    }
    unrecognized()
}

/// Answers a whole info request body and returns the reply frame.
pub fn answer_request(st: &mut ClusterState, node: usize, peer: &str, body: &[u8]) -> Vec<u8> {
    let commands = asinfo::proto::decode_info_request(body);
    if let Some(log) = st.scenario.info_log.as_mut() {
        log.extend(commands.iter().map(|c| crate::scenario::ReceivedInfo {
            node,
            command: c.clone(),
        }));
    }
    let pairs: Vec<(String, String)> = if body.is_empty() {
        vec![]
    } else {
        commands
            .iter()
            .map(|c| {
                let v = answer(st, node, peer, c).replace('\n', " ");
                (c.clone(), v)
            })
            .collect()
    };
    if body.is_empty() {
        // The legacy summary: a few identity lines.
        let summary = [
            "node",
            "build",
            "edition",
            "version",
            "cluster-name",
            "partition-generation",
            "statistics",
        ];
        let pairs: Vec<(String, String)> = summary
            .iter()
            .map(|c| (c.to_string(), answer(st, node, peer, c)))
            .collect();
        return asinfo::proto::encode_info_reply(&pairs).unwrap_or_default();
    }
    asinfo::proto::encode_info_reply(&pairs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_commands() {
        let (v, p) = split_command("set-config:context=namespace;id=test;default-ttl=0");
        assert_eq!(v, "set-config");
        assert_eq!(param(&p, &["id", "namespace"]), Some("test"));
        assert_eq!(split_command("statistics").1, vec![]);
        assert_eq!(verb_of("namespace/test"), "namespace");
    }

    #[test]
    fn error_format_matches_the_server() {
        assert_eq!(error(4, "bad size"), "ERROR:4:bad size");
        assert_eq!(error(1, "x"), "ERROR::x");
    }
}
