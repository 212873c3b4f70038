//! Manager benchmark (run on demand: `cargo bench -p acm --bench manager`).
//!
//! Starts an in-process fake Aerospike cluster of `ACKO_BENCH_NODES` nodes (default 1) or
//! uses `AEROSPIKE_HOSTS`, loads 10k and 100k records of 8 bins (strings, ints, a float, a
//! list, a map), then runs the real `aerospike-cluster-manager` binary as a child
//! process and measures, against it:
//! - export throughput over HTTP (NDJSON) vs a raw client scan of the same set;
//! - the manager's peak RSS (VmHWM) while exporting 10k and 100k records (fresh process
//!   each), plus idle RSS and RSS after the paging load;
//! - 100-record page latency (p50/p99) and throughput with 8 concurrent clients;
//! - a 10,000-record secondary-index range query: first page of 1000 and the whole result;
//! - serialising a 10,000-record result to JSON (in-process) and reading it over HTTP.
//!
//! `scripts/bench.sh` runs it for 1 and 3 nodes and records the figures in docs/benchmarks.md.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aerospike::{Bins, Client, ClientPolicy, PartitionFilter, QueryPolicy, Statement};
use futures::StreamExt;
use support::{Manager, load, rss_kb, start_manager};

async fn raw_scan(client: &Client, set: &str) -> (usize, Duration) {
    let start = Instant::now();
    let rs = client
        .query(
            &QueryPolicy::default(),
            PartitionFilter::all(),
            Statement::new("test", set, Bins::All),
        )
        .await
        .unwrap();
    let mut s = rs.into_stream();
    let mut n = 0;
    while let Some(r) = s.next().await {
        r.unwrap();
        n += 1;
    }
    (n, start.elapsed())
}

async fn http_export(http: &reqwest::Client, m: &Manager, id: i64, set: &str) -> (usize, Duration) {
    let start = Instant::now();
    let resp = http
        .get(format!(
            "{}/api/v1/clusters/{id}/namespaces/test/sets/{set}/export",
            m.base
        ))
        .send()
        .await
        .unwrap();
    let mut body = resp.bytes_stream();
    let mut lines = 0;
    while let Some(chunk) = body.next().await {
        lines += chunk.unwrap().iter().filter(|b| **b == b'\n').count();
    }
    (lines, start.elapsed())
}

/// A secondary-index range query selecting ~10,000 of the 100k records (`age` 0..=8):
/// time to the first page of 1000, and to the whole result in pages of 1000.
async fn sindex_query(http: &reqwest::Client, client: &Client, m: &Manager, id: i64) {
    client
        .create_index_on_bin(
            &aerospike::AdminPolicy::default(),
            "test",
            "b100k",
            "age",
            "bench_age",
            aerospike::IndexType::Numeric,
            aerospike::CollectionIndexType::Default,
            None,
        )
        .await
        .unwrap();
    let mut first = None;
    let mut cursor: Option<String> = None;
    let mut n = 0;
    let t = Instant::now();
    loop {
        let mut body = serde_json::json!({"namespace": "test", "set": "b100k", "pageSize": 1000,
            "predicate": {"bin": "age", "op": "range", "value": 0, "end": 8}});
        if let Some(c) = &cursor {
            body["cursor"] = serde_json::Value::String(c.clone());
        }
        let r = http
            .post(format!("{}/api/v1/clusters/{id}/query", m.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "sindex query: {}", r.status());
        let j: serde_json::Value = r.json().await.unwrap();
        n += j["records"].as_array().map_or(0, Vec::len);
        first.get_or_insert(t.elapsed());
        cursor = j["nextCursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    println!(
        "sindex range query (age 0..=8): {n} records; first page of 1000 in {:.1} ms, whole result in {:.0} ms",
        first.unwrap_or_default().as_secs_f64() * 1000.0,
        t.elapsed().as_secs_f64() * 1000.0
    );
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p) as usize]
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let fake;
    let hosts = match std::env::var("AEROSPIKE_HOSTS") {
        Ok(h) if !h.is_empty() => h,
        _ => {
            let nodes: usize = std::env::var("ACKO_BENCH_NODES")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            println!("target: aerospike-fake, {nodes} node(s)");
            fake =
                aerospike_fake::FakeCluster::start(nodes, aerospike_fake::FakeOptions::default())
                    .await
                    .unwrap();
            fake.hosts()
        }
    };
    let client = Arc::new(
        Client::new(&ClientPolicy::default(), &hosts.as_str())
            .await
            .unwrap(),
    );
    let t = Instant::now();
    load(&client, "b10k", 10_000).await;
    load(&client, "b100k", 100_000).await;
    println!("loaded 110k records in {:.1}s", t.elapsed().as_secs_f64());

    // Export 10k vs 100k, each in a fresh manager process (peak RSS).
    for set in ["b10k", "b100k"] {
        let (m, id) = start_manager(&http, &hosts).await;
        let pid = m.child.id();
        let idle = rss_kb(pid, "VmRSS:");
        let (raw_n, raw_t) = raw_scan(&client, set).await;
        let (http_n, http_t) = http_export(&http, &m, id, set).await;
        let raw_rate = raw_n as f64 / raw_t.as_secs_f64();
        let http_rate = http_n as f64 / http_t.as_secs_f64();
        println!(
            "export {set}: raw scan {raw_n} rec in {:.0} ms = {raw_rate:.0} rec/s; HTTP NDJSON {http_n} rec in {:.0} ms = {http_rate:.0} rec/s ({:.2}x); manager RSS idle {} KB, peak {} KB",
            raw_t.as_secs_f64() * 1000.0,
            http_t.as_secs_f64() * 1000.0,
            http_rate / raw_rate,
            idle,
            rss_kb(pid, "VmHWM:"),
        );
    }

    // Paging: one client, then 8 concurrent clients, reading 100-record pages.
    let (m, id) = start_manager(&http, &hosts).await;
    let pid = m.child.id();
    let idle = rss_kb(pid, "VmRSS:");
    let base = Arc::new(format!(
        "{}/api/v1/clusters/{id}/namespaces/test/sets/b100k/records?pageSize=100",
        m.base
    ));
    let mut single = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..500 {
        let url = match &cursor {
            Some(c) => format!("{base}&cursor={c}"),
            None => base.to_string(),
        };
        let t = Instant::now();
        let j: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
        single.push(t.elapsed());
        cursor = j["nextCursor"].as_str().map(str::to_string);
    }
    single.sort();
    println!(
        "pages, 1 client: {} x 100 records; p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        single.len(),
        pct(&single, 0.5).as_secs_f64() * 1000.0,
        pct(&single, 0.9).as_secs_f64() * 1000.0,
        pct(&single, 0.99).as_secs_f64() * 1000.0
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let http = http.clone();
            let base = base.clone();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut cursor: Option<String> = None;
                while Instant::now() < deadline {
                    let url = match &cursor {
                        Some(c) => format!("{base}&cursor={c}"),
                        None => base.to_string(),
                    };
                    let t = Instant::now();
                    let j: serde_json::Value =
                        http.get(url).send().await.unwrap().json().await.unwrap();
                    lat.push(t.elapsed());
                    assert_eq!(j["records"].as_array().map(Vec::len), Some(100));
                    cursor = j["nextCursor"].as_str().map(str::to_string);
                }
                lat
            })
        })
        .collect();
    let start = Instant::now();
    let mut lat: Vec<Duration> = Vec::new();
    for t in tasks {
        lat.extend(t.await.unwrap());
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort();
    println!(
        "pages: {} x 100 records with 8 clients in {secs:.1}s = {:.0} pages/s; p50 {:.2} ms, p99 {:.2} ms",
        lat.len(),
        lat.len() as f64 / secs,
        pct(&lat, 0.5).as_secs_f64() * 1000.0,
        pct(&lat, 0.99).as_secs_f64() * 1000.0
    );
    // 10k records through the query endpoint (10 pages of 1000).
    let t = Instant::now();
    let mut cursor: Option<String> = None;
    let mut n = 0;
    loop {
        let mut body = serde_json::json!({"namespace": "test", "set": "b10k", "pageSize": 1000});
        if let Some(c) = &cursor {
            body["cursor"] = serde_json::Value::String(c.clone());
        }
        let j: serde_json::Value = http
            .post(format!("{}/api/v1/clusters/{id}/query", m.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        n += j["records"].as_array().map_or(0, Vec::len);
        cursor = j["nextCursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    println!(
        "query 10k over HTTP (10 pages of 1000): {n} records in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    sindex_query(&http, &client, &m, id).await;
    println!(
        "manager RSS idle {idle} KB, after paging load {} KB (peak {} KB)",
        rss_kb(pid, "VmRSS:"),
        rss_kb(pid, "VmHWM:")
    );

    // Serialising 10,000 records to JSON (in-process, the handler's code path).
    let rs = client
        .query(
            &QueryPolicy::default(),
            PartitionFilter::all(),
            Statement::new("test", "b10k", Bins::All),
        )
        .await
        .unwrap();
    let mut records = Vec::new();
    let mut s = rs.into_stream();
    while let Some(r) = s.next().await {
        records.push(r.unwrap());
    }
    let t = Instant::now();
    let bytes = serde_json::to_vec(&acm::scan::PageJson {
        records: &records,
        namespace: "test",
        set: "b10k",
        next_cursor: None,
        page_size: records.len(),
        estimated_total: None,
    })
    .unwrap();
    println!(
        "serialise {} records to JSON: {:.1} ms ({} KB)",
        records.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        bytes.len() / 1024
    );
}
