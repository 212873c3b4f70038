//! Statistics commands: statistics, namespaces, namespace/<ns>, sets, latencies, query-show.
//! Values are computed from the live store and the per-node counters.

use std::collections::HashMap;

use super::{error, param, split_command};
use crate::state::ClusterState;
use crate::store::{now_cl_millis, now_cl_secs};

/// Per-namespace client counters reported (0 until traffic arrives).
const NS_COUNTERS: &[&str] = &[
    "client_read_success",
    "client_read_error",
    "client_read_not_found",
    "client_read_filtered_out",
    "client_write_success",
    "client_write_error",
    "client_write_filtered_out",
    "client_delete_success",
    "client_delete_error",
    "client_delete_not_found",
    "client_delete_filtered_out",
    "client_udf_complete",
    "client_udf_error",
    "batch_sub_read_success",
    "batch_sub_read_error",
    "batch_sub_read_not_found",
    "batch_sub_read_filtered_out",
    "batch_sub_write_success",
    "batch_sub_write_error",
    "batch_sub_delete_success",
    "batch_sub_delete_not_found",
    "batch_sub_udf_error",
    "pi_query_long_basic_complete",
    "si_query_long_basic_complete",
];

/// (objects, bytes) per set held by `node` (master or replica copies).
fn usage(st: &ClusterState, node: usize, ns: &str) -> HashMap<String, (u64, u64)> {
    let holds = st.replica_map(node);
    match st.store.namespaces.get(ns) {
        Some(n) => n.set_usage(&|p| holds[p].is_some()),
        None => HashMap::new(),
    }
}

fn master_objects(st: &ClusterState, node: usize, ns: &str) -> u64 {
    let m = st.master_map(node);
    st.store
        .namespaces
        .get(ns)
        .map(|n| n.set_usage(&|p| m[p]).values().map(|(o, _)| o).sum())
        .unwrap_or(0)
}

fn statistics(st: &mut ClusterState, node: usize) -> String {
    let remaining = st.scenario.poll_migrations();
    let live = st.live();
    let principal = live
        .iter()
        .map(|i| st.nodes[*i].id)
        .max()
        .map(|id| format!("{id:X}"))
        .unwrap_or_default();
    let ns_names: Vec<String> = st.store.namespaces.keys().cloned().collect();
    let objects: u64 = ns_names
        .iter()
        .map(|ns| usage(st, node, ns).values().map(|(o, _)| o).sum::<u64>())
        .sum();
    let n = &st.nodes[node];
    let stat = |k: &str| n.stats.get(k).copied().unwrap_or(0);
    let items = vec![
        ("fake".to_string(), "true".to_string()),
        ("cluster_size".into(), live.len().to_string()),
        ("cluster_key".into(), format!("{:X}", st.cluster_key)),
        (
            "cluster_generation".into(),
            st.cluster_generation.to_string(),
        ),
        ("cluster_principal".into(), principal.clone()),
        ("cluster_min_compatibility_id".into(), "15".into()),
        ("cluster_max_compatibility_id".into(), "15".into()),
        ("cluster_integrity".into(), "true".into()),
        ("cluster_is_member".into(), "true".into()),
        ("cluster_duplicate_nodes".into(), "null".into()),
        ("cluster_clock_skew_stop_writes_sec".into(), "0".into()),
        ("cluster_clock_skew_ms".into(), "0".into()),
        ("uptime".into(), n.started.elapsed().as_secs().to_string()),
        ("objects".into(), objects.to_string()),
        ("tombstones".into(), "0".into()),
        (
            "client_connections".into(),
            stat("client_connections").to_string(),
        ),
        (
            "client_connections_opened".into(),
            stat("client_connections_opened").to_string(),
        ),
        (
            "client_connections_closed".into(),
            stat("client_connections_closed").to_string(),
        ),
        ("info_complete".into(), stat("info_complete").to_string()),
        (
            "demarshal_error".into(),
            stat("demarshal_error").to_string(),
        ),
        (
            "batch_index_initiate".into(),
            stat("batch_index_initiate").to_string(),
        ),
        (
            "batch_index_complete".into(),
            stat("batch_index_complete").to_string(),
        ),
        ("batch_index_error".into(), "0".into()),
        ("paxos_principal".into(), principal),
        ("migrate_allowed".into(), "true".into()),
        ("migrate_partitions_remaining".into(), remaining.to_string()),
    ];
    super::kv_join(&items)
}

fn namespace(st: &mut ClusterState, node: usize, ns: &str) -> String {
    if !st.store.namespaces.contains_key(ns) {
        return "type=unknown".to_string();
    }
    let remaining = st.scenario.poll_migrations();
    let per_node = remaining / st.live().len().max(1) as u64;
    let use_ = usage(st, node, ns);
    let objects: u64 = use_.values().map(|(o, _)| o).sum();
    let bytes: u64 = use_.values().map(|(_, b)| b).sum();
    let master = master_objects(st, node, ns);
    let n = &st.nodes[node];
    let Some(nsd) = st.store.namespaces.get(ns) else {
        return "type=unknown".to_string();
    };
    let mut items: Vec<(String, String)> = vec![
        ("ns_cluster_size".into(), st.live().len().to_string()),
        (
            "effective_replication_factor".into(),
            st.effective_rf().to_string(),
        ),
        ("objects".into(), objects.to_string()),
        ("tombstones".into(), "0".into()),
        ("master_objects".into(), master.to_string()),
        (
            "prole_objects".into(),
            (objects - master.min(objects)).to_string(),
        ),
        ("dead_partitions".into(), "0".into()),
        ("unavailable_partitions".into(), "0".into()),
        ("stop_writes".into(), "false".into()),
        ("hwm_breached".into(), "false".into()),
        ("current_time".into(), now_cl_secs().to_string()),
        ("truncate_lut".into(), nsd.truncate_lut.to_string()),
        ("truncating".into(), "false".into()),
        ("data_total_bytes".into(), "1073741824".into()),
        ("data_used_bytes".into(), bytes.to_string()),
        (
            "data_used_pct".into(),
            (bytes * 100 / 1_073_741_824).to_string(),
        ),
        ("data_avail_pct".into(), "99".into()),
        (
            "migrate_tx_partitions_remaining".into(),
            per_node.to_string(),
        ),
        (
            "migrate_rx_partitions_remaining".into(),
            per_node.to_string(),
        ),
    ];
    for c in NS_COUNTERS {
        items.push((c.to_string(), n.ns_stat(ns, c).to_string()));
    }
    for (k, v) in &nsd.config {
        items.push((k.clone(), v.clone()));
    }
    super::kv_join(&items)
}

fn set_line(st: &ClusterState, ns: &str, set: &str, objects: u64, bytes: u64) -> String {
    let nsd = &st.store.namespaces[ns];
    let lut = nsd.sets.get(set).map_or(0, |m| m.truncate_lut);
    let sindexes = st
        .sindexes
        .values()
        .filter(|i| i.ns == ns && i.set.as_deref() == Some(set))
        .count();
    format!(
        "objects={objects}:tombstones=0:data_used_bytes={bytes}:truncate_lut={lut}:sindexes={sindexes}:index_populating=false:truncating=false:default-read-touch-ttl-pct=0:default-ttl=0:disable-eviction=false:enable-index=false:stop-writes-count=0:stop-writes-size=0"
    )
}

fn sets(
    st: &ClusterState,
    node: usize,
    ns_filter: Option<&str>,
    set_filter: Option<&str>,
) -> String {
    if let Some(ns) = ns_filter
        && !st.store.namespaces.contains_key(ns)
    {
        return "ns_type=unknown".to_string();
    }
    let mut out = String::new();
    for (name, nsd) in &st.store.namespaces {
        if ns_filter.is_some_and(|f| f != name) {
            continue;
        }
        let use_ = usage(st, node, name);
        for set in nsd.sets.keys() {
            if set_filter.is_some_and(|f| f != set) {
                continue;
            }
            let (o, b) = use_.get(set).copied().unwrap_or((0, 0));
            let line = set_line(st, name, set, o, b);
            if set_filter.is_some() {
                out.push_str(&line);
            } else {
                out.push_str(&format!("ns={name}:set={set}:{line}"));
            }
            out.push(';');
        }
    }
    out
}

fn latencies(st: &ClusterState, node: usize, cmd: &str) -> String {
    let now = std::time::Instant::now();
    let period = st.nodes[node].started.elapsed().min(crate::latency::WINDOW);
    let mut names = vec!["batch-index".to_string()];
    for ns in st.store.namespaces.keys() {
        for h in [
            "read",
            "write",
            "udf",
            "batch-sub-read",
            "batch-sub-write",
            "batch-sub-udf",
            "pi-query",
            "si-query",
        ] {
            names.push(format!("{{{ns}}}-{h}"));
        }
    }
    let line = |name: &str| {
        let samples = st
            .latency
            .get(node)
            .map(|h| h.recent(name, now))
            .unwrap_or_default();
        crate::latency::format_line(name, &samples, period)
    };
    let (_, params) = split_command(cmd);
    if let Some(h) = param(&params, &["hist"]) {
        return match names.iter().find(|name| *name == h) {
            Some(name) => line(name),
            None => error(4, "bad hist name"),
        };
    }
    names.iter().map(|n| line(n)).collect::<Vec<_>>().join(";")
}

fn query_show(st: &ClusterState, node: usize, cmd: &str) -> String {
    let (_, params) = split_command(cmd);
    let n = &st.nodes[node];
    let line = |j: &crate::state::QueryJob| {
        let sindex = j
            .sindex
            .as_ref()
            .map(|s| format!(":sindex-name={s}"))
            .unwrap_or_default();
        format!(
            "trid={}:ns={}:set={}{sindex}:n-pids-requested={}:rps=0:active-threads=0:status=done(ok):job-progress=100.00:run-time=0:time-since-done=0:recs-throttled=0:recs-filtered-meta=0:recs-filtered-bins=0:recs-succeeded={}:recs-failed=0:from={}:job-type=basic:net-io-bytes=0",
            j.trid,
            j.ns,
            if j.set.is_empty() { "null" } else { &j.set },
            j.n_pids,
            j.recs_succeeded,
            j.from
        )
    };
    if let Some(id) = param(&params, &["trid", "id"]) {
        return n
            .jobs
            .iter()
            .rev()
            .find(|j| j.trid.to_string() == id)
            .map_or_else(|| error(2, "job not found"), line);
    }
    n.jobs.iter().rev().map(line).collect::<Vec<_>>().join(";")
}

/// Answers statistics commands; `None` when `cmd` is not one of them.
pub fn answer(st: &mut ClusterState, node: usize, cmd: &str) -> Option<String> {
    let (verb, _) = split_command(cmd);
    let path: Vec<&str> = cmd.split('/').collect();
    let v = match (verb, path.as_slice()) {
        ("statistics", _) => statistics(st, node),
        ("namespaces", _) => st.store.order.join(";"),
        (_, ["namespace", ns]) => namespace(st, node, ns),
        ("sets", _) => sets(st, node, None, None),
        (_, ["sets", ns]) => sets(st, node, Some(ns), None),
        (_, ["sets", ns, set]) => sets(st, node, Some(ns), Some(set)),
        ("latencies", _) => latencies(st, node, cmd),
        ("query-show", _) => query_show(st, node, cmd),
        ("objects", _) => {
            let total: u64 = st
                .store
                .namespaces
                .keys()
                .map(|ns| master_objects(st, node, ns))
                .sum();
            total.to_string()
        }
        ("current-time", _) => now_cl_millis().to_string(),
        _ => return None,
    };
    Some(v)
}
