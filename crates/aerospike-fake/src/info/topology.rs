//! Identity and topology commands: node, build, generations, peers, services, replicas,
//! cluster-stable, features.

use base64::Engine as _;

use super::{error, param, split_command};
use crate::state::ClusterState;
use crate::store::PARTITIONS;

/// Build reported by the fake (matches the captured CE server).
pub const BUILD: &str = "8.1.2.0";
/// Edition reported by the fake.
pub const EDITION: &str = "Aerospike Community Edition";
/// Features advertised (same list as CE 8.1.2).
pub const FEATURES: &str = "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;sindex-exists;peers;pipelining;pquery;pscans;query-show;relaxed-sc;replicas;replicas-all;replicas-master;replicas-max;truncate-namespace;udf";

fn addr_text(addr: &std::net::SocketAddr) -> String {
    if addr.port() == 3000 {
        addr.ip().to_string()
    } else {
        addr.to_string()
    }
}

/// `<gen>,3000,[[id,,[addr]],...]` for the given node indexes.
fn peers_list(st: &ClusterState, generation: u64, nodes: &[usize]) -> String {
    let items: Vec<String> = nodes
        .iter()
        .map(|i| {
            let n = &st.nodes[*i];
            format!("[{},,[{}]]", n.name(), addr_text(&n.addr))
        })
        .collect();
    format!("{generation},3000,[{}]", items.join(","))
}

/// Base64 bitmap of the partitions for which `pick(pid)` holds.
pub fn bitmap(pick: impl Fn(usize) -> bool) -> String {
    let mut bytes = vec![0u8; PARTITIONS / 8];
    for p in 0..PARTITIONS {
        if pick(p) {
            bytes[p >> 3] |= 0x80 >> (p & 7);
        }
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn replicas(st: &ClusterState, node: usize, max: Option<usize>) -> String {
    let map = st.replica_map(node);
    let rf = st.effective_rf().min(max.unwrap_or(usize::MAX)).max(1);
    st.store
        .order
        .iter()
        .map(|ns| {
            let maps: Vec<String> = (0..rf).map(|r| bitmap(|p| map[p] == Some(r))).collect();
            format!("{ns}:0,{rf},{}", maps.join(","))
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn cluster_stable(st: &mut ClusterState, cmd: &str) -> String {
    let (_, params) = split_command(cmd);
    if let Some(size) = param(&params, &["size"]) {
        let Ok(size) = size.parse::<usize>() else {
            return error(4, "bad size");
        };
        if size != st.live().len() {
            return error(7, "cluster not specified size");
        }
    }
    if let Some(ns) = param(&params, &["namespace"])
        && !st.store.namespaces.contains_key(ns)
    {
        return error(20, "namespace not found");
    }
    let ignore = param(&params, &["ignore-migrations"]);
    let ignore = match ignore {
        None | Some("false") | Some("no") => false,
        Some("true") | Some("yes") => true,
        Some(_) => return error(4, "bad ignore-migrations"),
    };
    let remaining = st.scenario.poll_migrations();
    if remaining > 0 && !ignore {
        return error(7, "unstable cluster");
    }
    format!("{:X}", st.cluster_key)
}

/// Answers identity/topology commands; `None` when `cmd` is not one of them.
pub fn answer(st: &mut ClusterState, node: usize, cmd: &str) -> Option<String> {
    let me = st.nodes.get(node)?.clone();
    let others: Vec<usize> = st.live().into_iter().filter(|i| *i != node).collect();
    let (verb, params) = split_command(cmd);
    let v = match cmd {
        "node" | "name" => me.name(),
        "build" => BUILD.to_string(),
        "edition" => EDITION.to_string(),
        "version" => format!("{EDITION} build {BUILD}"),
        "release" => format!(
            "edition={EDITION};version={BUILD};os=fake;arch={};sha=aerospike-fake",
            std::env::consts::ARCH
        ),
        "compatibility-id" => "15".to_string(),
        "cluster-name" => st.cluster_name.clone(),
        "partition-generation" => me.partition_generation.to_string(),
        "peers-generation" => me.peers_generation.to_string(),
        "rebalance-generation" => st.cluster_generation.to_string(),
        "features" => FEATURES.to_string(),
        "status" => "ok".to_string(),
        "partitions" => PARTITIONS.to_string(),
        "get-sl" => st
            .live()
            .iter()
            .map(|i| st.nodes[*i].id)
            .max()
            .map(|id| format!("{id:X}"))
            .unwrap_or_default(),
        "service" | "service-clear-std" | "service-clear-alt" => me.addr.to_string(),
        "service-tls-std" | "service-tls-alt" => String::new(),
        "services" | "services-alternate" => others
            .iter()
            .map(|i| st.nodes[*i].addr.to_string())
            .collect::<Vec<_>>()
            .join(";"),
        "services-alumni" => me
            .alumni
            .iter()
            .map(|i| st.nodes[*i].addr.to_string())
            .collect::<Vec<_>>()
            .join(";"),
        "peers-clear-std" | "peers-clear-alt" => peers_list(st, me.peers_generation, &others),
        "alumni-clear-std" | "alumni-tls-std" => peers_list(st, me.peers_generation, &me.alumni),
        "replicas" => replicas(st, node, None),
        "replicas-all" => {
            let map = st.replica_map(node);
            let rf = st.effective_rf();
            st.store
                .order
                .iter()
                .map(|ns| {
                    let maps: Vec<String> =
                        (0..rf).map(|r| bitmap(|p| map[p] == Some(r))).collect();
                    format!("{ns}:{rf},{}", maps.join(","))
                })
                .collect::<Vec<_>>()
                .join(";")
        }
        "replicas-master" => {
            let m = st.master_map(node);
            st.store
                .order
                .iter()
                .map(|ns| format!("{ns}:{}", bitmap(|p| m[p])))
                .collect::<Vec<_>>()
                .join(";")
        }
        _ => match verb {
            "replicas" => {
                let max = param(&params, &["max"]).and_then(|m| m.parse().ok());
                replicas(st, node, max)
            }
            "cluster-stable" => cluster_stable(st, cmd),
            _ => return None,
        },
    };
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bitmap_is_684_chars_and_msb_first() {
        let all = bitmap(|_| true);
        assert_eq!(all.len(), 684);
        assert!(all.starts_with("////"));
        let first = bitmap(|p| p == 0);
        assert!(first.starts_with("gA"));
    }
}
