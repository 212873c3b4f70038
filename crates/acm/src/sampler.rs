//! Metrics from real server counters: a background sampler per connected profile,
//! a bounded in-memory history and a broadcast channel for Server-Sent Events.
//!
//! TPS and success rates are computed from deltas of the namespace counters between two
//! samples of the same node; a counter that went down (node restart) contributes nothing
//! for that interval. Reads and writes come from `client_read_*` / `client_write_*`; the
//! other traffic has its own series with the CE 8.1 counter names (see [`ns_raw`]):
//! batch sub-transactions (`batch_sub_*`), deletes (`client_delete_*`), UDF calls
//! (`client_udf_*`) and queries/scans (`pi_query_*` primary-index, `si_query_*`
//! secondary-index).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use serde::Serialize;
use tokio::sync::broadcast;
use utoipa::ToSchema;

use crate::clients::Conn;

/// Raw counters of one namespace on one node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NsRaw {
    /// `client_read_success` + `client_read_not_found` (a miss is a served read).
    pub read_success: u64,
    /// `client_read_error` (+ `client_read_timeout`).
    pub read_error: u64,
    /// `client_write_success`.
    pub write_success: u64,
    /// `client_write_error` (+ `client_write_timeout`).
    pub write_error: u64,
    /// Batch sub-transactions that succeeded (`batch_sub_{read,write,delete}_success`,
    /// `batch_sub_{read,delete}_not_found`, `batch_sub_udf_complete`).
    pub batch_success: u64,
    /// Batch sub-transactions that failed (`batch_sub_*_error`, `batch_sub_*_timeout`).
    pub batch_error: u64,
    /// `client_delete_success` + `client_delete_not_found`.
    pub delete_success: u64,
    /// `client_delete_error` + `client_delete_timeout`.
    pub delete_error: u64,
    /// `client_udf_complete`.
    pub udf_success: u64,
    /// `client_udf_error` + `client_udf_timeout`.
    pub udf_error: u64,
    /// Finished queries and scans (`pi_query_*_complete` + `si_query_*_complete`).
    pub query_success: u64,
    /// Failed queries and scans (`*_error`, `*_abort`, `*_timeout` of `pi_query_*` /
    /// `si_query_*`).
    pub query_error: u64,
    /// `master_objects`.
    pub master_objects: u64,
    /// `data_used_bytes`.
    pub data_used_bytes: u64,
    /// `data_total_bytes`.
    pub data_total_bytes: u64,
}

/// Raw counters of one node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeRaw {
    /// Address.
    pub address: String,
    /// `client_connections`.
    pub client_connections: u64,
    /// `uptime` seconds.
    pub uptime: u64,
    /// Per namespace.
    pub namespaces: BTreeMap<String, NsRaw>,
    /// Latency histograms from `latencies:` (name → (ops/s, pct over 1/8/64 ms)).
    pub latencies: BTreeMap<String, LatencyPoint>,
}

/// One point of a latency histogram.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LatencyPoint {
    /// Operations per second reported by the server.
    pub ops_per_sec: f64,
    /// Percent of operations slower than 1 ms.
    pub pct_over_1ms: f64,
    /// Percent slower than 8 ms.
    pub pct_over_8ms: f64,
    /// Percent slower than 64 ms.
    pub pct_over_64ms: f64,
}

/// One raw snapshot of a cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawSnapshot {
    /// Unix time in ms.
    pub ts_ms: i64,
    /// Per node id.
    pub nodes: BTreeMap<String, NodeRaw>,
}

/// Rates of one namespace over one interval, summed over nodes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceRates {
    /// Namespace.
    pub namespace: String,
    /// Successful + failed reads per second.
    pub read_tps: f64,
    /// Successful + failed writes per second.
    pub write_tps: f64,
    /// Successful reads / all reads in the interval (1.0 when idle).
    pub read_success_rate: f64,
    /// Successful writes / all writes in the interval (1.0 when idle).
    pub write_success_rate: f64,
    /// Batch sub-transactions per second (`batch_sub_*`).
    #[serde(default)]
    pub batch_tps: f64,
    /// Deletes per second (`client_delete_*`).
    #[serde(default)]
    pub delete_tps: f64,
    /// UDF calls per second (`client_udf_*`).
    #[serde(default)]
    pub udf_tps: f64,
    /// Queries and scans finished per second (`pi_query_*`, `si_query_*`).
    #[serde(default)]
    pub query_tps: f64,
    /// Master objects (cluster total).
    pub objects: u64,
    /// Data bytes used (cluster total).
    pub data_used_bytes: u64,
    /// Data bytes total (cluster total).
    pub data_total_bytes: u64,
}

/// Per-node gauges of one sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeGauges {
    /// Node id.
    pub node: String,
    /// Address.
    pub address: String,
    /// Open client connections.
    pub client_connections: u64,
    /// Uptime seconds.
    pub uptime: u64,
    /// Latency histograms by name (e.g. `{test}-read`).
    pub latencies: BTreeMap<String, LatencyPoint>,
}

/// One metrics sample, as kept in history and pushed over SSE.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// Unix time in ms.
    pub ts_ms: i64,
    /// Length of the interval the rates cover, in ms (0 for the first sample).
    pub interval_ms: i64,
    /// Reads per second, all namespaces.
    pub read_tps: f64,
    /// Writes per second, all namespaces.
    pub write_tps: f64,
    /// Batch sub-transactions per second, all namespaces.
    #[serde(default)]
    pub batch_tps: f64,
    /// Deletes per second, all namespaces.
    #[serde(default)]
    pub delete_tps: f64,
    /// UDF calls per second, all namespaces.
    #[serde(default)]
    pub udf_tps: f64,
    /// Queries and scans finished per second, all namespaces.
    #[serde(default)]
    pub query_tps: f64,
    /// Client connections, all nodes.
    pub client_connections: u64,
    /// Per namespace.
    pub namespaces: Vec<NamespaceRates>,
    /// Per node.
    pub nodes: Vec<NodeGauges>,
}

fn delta(cur: u64, prev: u64) -> u64 {
    cur.saturating_sub(prev)
}

fn rate(ok: u64, err: u64) -> f64 {
    if ok + err == 0 {
        1.0
    } else {
        ok as f64 / (ok + err) as f64
    }
}

/// Compute a sample from two snapshots (pure).
pub fn compute(prev: Option<&RawSnapshot>, cur: &RawSnapshot) -> Sample {
    let dt_ms = prev.map_or(0, |p| (cur.ts_ms - p.ts_ms).max(0));
    let secs = dt_ms as f64 / 1000.0;
    // Per namespace: the summed deltas of every counter, and the rates being built.
    let mut per_ns: BTreeMap<&str, (NsRaw, NamespaceRates)> = BTreeMap::new();
    for (node, raw) in &cur.nodes {
        let prev_node = prev.and_then(|p| p.nodes.get(node));
        for (ns, c) in &raw.namespaces {
            let (d, r) = per_ns.entry(ns.as_str()).or_default();
            r.objects += c.master_objects;
            r.data_used_bytes += c.data_used_bytes;
            r.data_total_bytes += c.data_total_bytes;
            if let Some(p) = prev_node.and_then(|n| n.namespaces.get(ns)) {
                d.read_success += delta(c.read_success, p.read_success);
                d.read_error += delta(c.read_error, p.read_error);
                d.write_success += delta(c.write_success, p.write_success);
                d.write_error += delta(c.write_error, p.write_error);
                d.batch_success += delta(c.batch_success, p.batch_success);
                d.batch_error += delta(c.batch_error, p.batch_error);
                d.delete_success += delta(c.delete_success, p.delete_success);
                d.delete_error += delta(c.delete_error, p.delete_error);
                d.udf_success += delta(c.udf_success, p.udf_success);
                d.udf_error += delta(c.udf_error, p.udf_error);
                d.query_success += delta(c.query_success, p.query_success);
                d.query_error += delta(c.query_error, p.query_error);
            }
        }
    }
    let per_sec = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
    let namespaces: Vec<NamespaceRates> = per_ns
        .into_iter()
        .map(|(ns, (d, mut r))| {
            r.namespace = ns.to_string();
            r.read_tps = per_sec(d.read_success + d.read_error);
            r.write_tps = per_sec(d.write_success + d.write_error);
            r.batch_tps = per_sec(d.batch_success + d.batch_error);
            r.delete_tps = per_sec(d.delete_success + d.delete_error);
            r.udf_tps = per_sec(d.udf_success + d.udf_error);
            r.query_tps = per_sec(d.query_success + d.query_error);
            r.read_success_rate = rate(d.read_success, d.read_error);
            r.write_success_rate = rate(d.write_success, d.write_error);
            r
        })
        .collect();
    let nodes: Vec<NodeGauges> = cur
        .nodes
        .iter()
        .map(|(n, raw)| NodeGauges {
            node: n.clone(),
            address: raw.address.clone(),
            client_connections: raw.client_connections,
            uptime: raw.uptime,
            latencies: raw.latencies.clone(),
        })
        .collect();
    let sum = |f: fn(&NamespaceRates) -> f64| namespaces.iter().map(f).sum::<f64>();
    Sample {
        ts_ms: cur.ts_ms,
        interval_ms: dt_ms,
        read_tps: sum(|n| n.read_tps),
        write_tps: sum(|n| n.write_tps),
        batch_tps: sum(|n| n.batch_tps),
        delete_tps: sum(|n| n.delete_tps),
        udf_tps: sum(|n| n.udf_tps),
        query_tps: sum(|n| n.query_tps),
        client_connections: nodes.iter().map(|n| n.client_connections).sum(),
        namespaces,
        nodes,
    }
}

/// Counter names of CE 8.1 (checked against the fixture `namespace_test.txt`).
const BATCH_OK: &[&str] = &[
    "batch_sub_read_success",
    "batch_sub_read_not_found",
    "batch_sub_write_success",
    "batch_sub_delete_success",
    "batch_sub_delete_not_found",
    "batch_sub_udf_complete",
];
const BATCH_ERR: &[&str] = &[
    "batch_sub_read_error",
    "batch_sub_read_timeout",
    "batch_sub_write_error",
    "batch_sub_write_timeout",
    "batch_sub_delete_error",
    "batch_sub_delete_timeout",
    "batch_sub_udf_error",
    "batch_sub_udf_timeout",
];
/// Query kinds, each counted under `pi_query_` and `si_query_`.
const QUERY_KINDS: &[&str] = &["short_basic", "long_basic", "aggr", "udf_bg", "ops_bg"];

fn ns_raw(reply: &str) -> NsRaw {
    let f = asinfo::parse::kv::semicolon_pairs(reply);
    let g = |k: &str| f.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let sum = |keys: &[&str]| keys.iter().map(|k| g(k)).sum::<u64>();
    let (mut query_success, mut query_error) = (0, 0);
    for index in ["pi", "si"] {
        for kind in QUERY_KINDS {
            let base = format!("{index}_query_{kind}");
            query_success += g(&format!("{base}_complete"));
            query_error += g(&format!("{base}_error"))
                + g(&format!("{base}_abort"))
                + g(&format!("{base}_timeout"));
        }
    }
    NsRaw {
        read_success: g("client_read_success") + g("client_read_not_found"),
        read_error: g("client_read_error") + g("client_read_timeout"),
        write_success: g("client_write_success"),
        write_error: g("client_write_error") + g("client_write_timeout"),
        batch_success: sum(BATCH_OK),
        batch_error: sum(BATCH_ERR),
        delete_success: g("client_delete_success") + g("client_delete_not_found"),
        delete_error: g("client_delete_error") + g("client_delete_timeout"),
        udf_success: g("client_udf_complete"),
        udf_error: g("client_udf_error") + g("client_udf_timeout"),
        query_success,
        query_error,
        master_objects: g("master_objects"),
        data_used_bytes: g("data_used_bytes"),
        data_total_bytes: g("data_total_bytes"),
    }
}

fn latency_points(reply: &str) -> BTreeMap<String, LatencyPoint> {
    let mut out = BTreeMap::new();
    if let Ok(list) = asinfo::parse::parse_latencies(reply) {
        for l in list {
            let over = |ms: u64| {
                l.buckets
                    .iter()
                    .find(|b| b.threshold == ms)
                    .map_or(0.0, |b| b.pct_over)
            };
            out.insert(
                l.name.clone(),
                LatencyPoint {
                    ops_per_sec: l.ops_per_sec.unwrap_or(0.0),
                    pct_over_1ms: over(1),
                    pct_over_8ms: over(8),
                    pct_over_64ms: over(64),
                },
            );
        }
    }
    out
}

/// Read one raw snapshot from every node of a connected cluster.
pub async fn snapshot(conn: &Conn) -> RawSnapshot {
    let mut snap = RawSnapshot {
        ts_ms: jiff::Timestamp::now().as_millisecond(),
        nodes: BTreeMap::new(),
    };
    let policy = conn.admin_policy();
    for node in conn.client.nodes() {
        let Ok(base) = node
            .info(&policy, &["statistics", "namespaces", "latencies:"])
            .await
        else {
            continue;
        };
        let stats = base
            .get("statistics")
            .map(|s| asinfo::parse::kv::semicolon_pairs(s))
            .unwrap_or_default();
        let g = |k: &str| {
            stats
                .get(k)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let mut raw = NodeRaw {
            address: node.address().to_string(),
            client_connections: g("client_connections"),
            uptime: g("uptime"),
            latencies: base
                .get("latencies:")
                .map(|l| latency_points(l))
                .unwrap_or_default(),
            ..NodeRaw::default()
        };
        let names: Vec<String> = base
            .get("namespaces")
            .and_then(|n| asinfo::parse::parse_namespaces(n).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|n| crate::names::namespace("namespace", n).is_ok())
            .collect();
        let cmds: Vec<String> = names.iter().map(|n| format!("namespace/{n}")).collect();
        let refs: Vec<&str> = cmds.iter().map(String::as_str).collect();
        if let Ok(replies) = node.info(&policy, &refs).await {
            for (n, c) in names.iter().zip(&cmds) {
                if let Some(r) = replies.get(c) {
                    raw.namespaces.insert(n.clone(), ns_raw(r));
                }
            }
        }
        snap.nodes.insert(node.name().to_string(), raw);
    }
    snap
}

struct Series {
    name: String,
    last: Option<RawSnapshot>,
    history: VecDeque<Arc<Sample>>,
    tx: broadcast::Sender<Arc<Sample>>,
}

/// The sampler: history and broadcast per profile.
pub struct Sampler {
    interval: Duration,
    capacity: usize,
    series: Mutex<HashMap<i64, Series>>,
}

impl Sampler {
    /// A sampler keeping `history` worth of samples taken every `interval`.
    pub fn new(interval: Duration, history: Duration) -> Self {
        let capacity =
            (history.as_millis() / interval.as_millis().max(1)).clamp(1, 1_000_000) as usize;
        Self {
            interval,
            capacity,
            series: Mutex::new(HashMap::new()),
        }
    }

    /// Sampling interval.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Record a raw snapshot for a profile and return the computed sample.
    pub fn record(&self, profile: i64, name: &str, snap: RawSnapshot) -> Arc<Sample> {
        let mut all = self.series.lock();
        let s = all.entry(profile).or_insert_with(|| Series {
            name: name.to_string(),
            last: None,
            history: VecDeque::new(),
            tx: broadcast::channel(64).0,
        });
        let sample = Arc::new(compute(s.last.as_ref(), &snap));
        s.last = Some(snap);
        s.name = name.to_string();
        if s.history.len() >= self.capacity {
            s.history.pop_front();
        }
        s.history.push_back(sample.clone());
        let _ = s.tx.send(sample.clone());
        sample
    }

    /// Samples of a profile newer than `since_ms`.
    pub fn history(&self, profile: i64, since_ms: Option<i64>) -> Vec<Arc<Sample>> {
        self.series.lock().get(&profile).map_or_else(Vec::new, |s| {
            s.history
                .iter()
                .filter(|x| since_ms.is_none_or(|t| x.ts_ms > t))
                .cloned()
                .collect()
        })
    }

    /// Subscribe to new samples of a profile.
    pub fn subscribe(&self, profile: i64) -> broadcast::Receiver<Arc<Sample>> {
        let mut all = self.series.lock();
        all.entry(profile)
            .or_insert_with(|| Series {
                name: String::new(),
                last: None,
                history: VecDeque::new(),
                tx: broadcast::channel(64).0,
            })
            .tx
            .subscribe()
    }

    /// Latest sample of each profile, with the profile name (for `/metrics`).
    pub fn latest(&self) -> Vec<(i64, String, Arc<Sample>)> {
        self.series
            .lock()
            .iter()
            .filter_map(|(id, s)| s.history.back().map(|x| (*id, s.name.clone(), x.clone())))
            .collect()
    }

    /// Whether a live metrics stream (SSE) of the profile is open.
    pub fn has_subscribers(&self, profile: i64) -> bool {
        self.series
            .lock()
            .get(&profile)
            .is_some_and(|s| s.tx.receiver_count() > 0)
    }

    /// Forget profiles that are no longer connected.
    pub fn retain(&self, live: &[i64]) {
        self.series
            .lock()
            .retain(|id, s| live.contains(id) || s.tx.receiver_count() > 0);
    }

    /// Sample every connected profile once.
    pub async fn tick(&self, conns: &[Arc<Conn>]) {
        let snaps = futures::future::join_all(
            conns
                .iter()
                .map(|c| async move { (c.profile_id, c.profile_name.clone(), snapshot(c).await) }),
        )
        .await;
        for (id, name, snap) in snaps {
            if !snap.nodes.is_empty() {
                self.record(id, &name, snap);
            }
        }
        let live: Vec<i64> = conns.iter().map(|c| c.profile_id).collect();
        self.retain(&live);
    }
}

/// Run the sampler until the token is cancelled.
pub async fn run(state: crate::state::AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(state.sampler.interval());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                state
                    .clients
                    .release_idle(state.config.client_idle, |id| state.sampler.has_subscribers(id));
                let conns = state.clients.connected();
                state.sampler.tick(&conns).await;
            }
            _ = shutdown.changed() => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(ts: i64, rs: u64, re: u64, ws: u64) -> RawSnapshot {
        let mut ns = BTreeMap::new();
        ns.insert(
            "test".to_string(),
            NsRaw {
                read_success: rs,
                read_error: re,
                write_success: ws,
                master_objects: 10,
                ..NsRaw::default()
            },
        );
        let mut nodes = BTreeMap::new();
        nodes.insert(
            "A".to_string(),
            NodeRaw {
                namespaces: ns,
                client_connections: 3,
                ..NodeRaw::default()
            },
        );
        RawSnapshot { ts_ms: ts, nodes }
    }

    #[test]
    fn rates_come_from_counter_deltas() {
        let a = snap(1_000, 100, 0, 50);
        let b = snap(3_000, 300, 100, 90);
        let s = compute(Some(&a), &b);
        assert_eq!(s.interval_ms, 2000);
        let ns = &s.namespaces[0];
        assert!((ns.read_tps - 150.0).abs() < 1e-9);
        assert!((ns.write_tps - 20.0).abs() < 1e-9);
        assert!((ns.read_success_rate - 200.0 / 300.0).abs() < 1e-9);
        assert!((ns.write_success_rate - 1.0).abs() < 1e-9);
        assert_eq!(s.client_connections, 3);
        // first sample has no rates
        let first = compute(None, &a);
        assert_eq!(first.read_tps, 0.0);
        // counter reset (restart) does not go negative
        let c = snap(5_000, 10, 0, 0);
        assert_eq!(compute(Some(&b), &c).read_tps, 0.0);
    }

    #[test]
    fn history_is_bounded_and_broadcast() {
        let s = Sampler::new(Duration::from_secs(1), Duration::from_secs(3));
        let mut rx = s.subscribe(1);
        for i in 0..5 {
            s.record(1, "p", snap(i * 1000, 0, 0, 0));
        }
        assert_eq!(s.history(1, None).len(), 3);
        assert_eq!(s.history(1, Some(3000)).len(), 1);
        assert_eq!(rx.try_recv().unwrap().ts_ms, 0);
        assert_eq!(s.latest()[0].1, "p");
    }

    /// Every counter name the sampler reads exists in a real CE 8.1 `namespace/<ns>`
    /// reply, and the real reply's batch/query/UDF traffic is counted.
    #[test]
    fn traffic_counters_use_the_real_names() {
        let Some(reply) =
            asinfo::fixtures::ce81_value("acm sampler counters", "namespace_test.txt")
        else {
            return;
        };
        let real = asinfo::parse::kv::semicolon_pairs(&reply);
        let mut names: Vec<String> = BATCH_OK
            .iter()
            .chain(BATCH_ERR)
            .map(|s| s.to_string())
            .collect();
        for index in ["pi", "si"] {
            for kind in QUERY_KINDS {
                names.push(format!("{index}_query_{kind}_complete"));
                names.push(format!("{index}_query_{kind}_error"));
            }
        }
        for n in [
            "client_delete_success",
            "client_delete_not_found",
            "client_delete_error",
            "client_delete_timeout",
            "client_udf_complete",
            "client_udf_error",
            "client_udf_timeout",
        ] {
            names.push(n.to_string());
        }
        let missing: Vec<&String> = names.iter().filter(|n| !real.contains_key(*n)).collect();
        assert!(missing.is_empty(), "not in the real reply: {missing:?}");
        // The capture: 958,700 batch reads, 1 UDF call, 1 + 4 + 1 finished queries.
        let raw = ns_raw(&reply);
        assert_eq!(raw.batch_success, 958_700);
        assert_eq!(raw.udf_success, 1);
        assert_eq!(raw.query_success, 6);
        // Rates: from zero to the capture over 10 s.
        let at = |ts: i64, ns: NsRaw| RawSnapshot {
            ts_ms: ts,
            nodes: [(
                "A".to_string(),
                NodeRaw {
                    namespaces: [("test".to_string(), ns)].into(),
                    ..NodeRaw::default()
                },
            )]
            .into(),
        };
        let s = compute(Some(&at(0, NsRaw::default())), &at(10_000, raw));
        assert!((s.batch_tps - 95_870.0).abs() < 1e-6);
        assert!((s.query_tps - 0.6).abs() < 1e-9);
        assert!((s.namespaces[0].udf_tps - 0.1).abs() < 1e-9);
        assert_eq!(s.delete_tps, 0.0);
    }

    #[test]
    fn parses_real_namespace_and_latencies() {
        let ns = ns_raw(
            "objects=5;master_objects=3;client_read_success=7;client_read_error=1;client_read_timeout=1;data_used_bytes=9",
        );
        assert_eq!(ns.master_objects, 3);
        assert_eq!(ns.read_error, 2);
        assert_eq!(ns.data_used_bytes, 9);
    }
}
