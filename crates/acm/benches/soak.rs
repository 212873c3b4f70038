//! Soak (run on demand: `scripts/soak.sh`, or `cargo bench -p acm --bench soak`).
//!
//! Starts a 3-node aerospike-fake with 20,000 records of 8 bins and a secondary index, runs
//! the real `aerospike-cluster-manager` binary and drives it for `SOAK_SECONDS` (default
//! 600) with mixed load: 3 clients paging through the set, 1 secondary-index query client,
//! 1 client exporting the set as NDJSON over and over, 1 writer, 2 SSE metric subscribers.
//! The manager's RSS is sampled every `SOAK_SAMPLE_SECONDS` (default 10). At the end it
//! prints every sample, the request counts and errors, short pages (must be 0), and the
//! least-squares RSS slope after the first minute (warm-up): "flat" when the growth it
//! projects over the measured span is under 5% of the mean RSS (at least 2 MB).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aerospike::{Client, ClientPolicy};
use futures::StreamExt;
use support::{load, rss_kb, start_manager};

#[derive(Default)]
struct Counters {
    pages: AtomicU64,
    short_pages: AtomicU64,
    queries: AtomicU64,
    exports: AtomicU64,
    exported_records: AtomicU64,
    writes: AtomicU64,
    sse_events: AtomicU64,
    errors: AtomicU64,
}

fn secs_env(name: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

/// Least-squares slope of `(seconds, KB)` in KB per minute.
fn slope_kb_per_min(samples: &[(f64, f64)]) -> f64 {
    let n = samples.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mx = samples.iter().map(|s| s.0).sum::<f64>() / n;
    let my = samples.iter().map(|s| s.1).sum::<f64>() / n;
    let num: f64 = samples.iter().map(|s| (s.0 - mx) * (s.1 - my)).sum();
    let den: f64 = samples.iter().map(|s| (s.0 - mx).powi(2)).sum();
    if den == 0.0 { 0.0 } else { num / den * 60.0 }
}

async fn browse(http: reqwest::Client, base: String, until: Instant, c: Arc<Counters>) {
    let mut cursor: Option<String> = None;
    while Instant::now() < until {
        let url = match &cursor {
            Some(k) => format!("{base}&cursor={k}"),
            None => base.clone(),
        };
        let j: serde_json::Value = match http.get(url).send().await {
            Ok(r) if r.status().is_success() => r.json().await.unwrap_or_default(),
            _ => {
                c.errors.fetch_add(1, Ordering::Relaxed);
                cursor = None;
                continue;
            }
        };
        let n = j["records"].as_array().map_or(0, Vec::len);
        cursor = j["nextCursor"].as_str().map(str::to_string);
        if cursor.is_some() && n != 100 {
            c.short_pages.fetch_add(1, Ordering::Relaxed);
        }
        c.pages.fetch_add(1, Ordering::Relaxed);
    }
}

async fn query(http: reqwest::Client, url: String, until: Instant, c: Arc<Counters>) {
    while Instant::now() < until {
        let mut cursor: Option<String> = None;
        loop {
            let mut body = serde_json::json!({"namespace": "test", "set": "soak",
                "pageSize": 1000, "predicate": {"bin": "age", "op": "range", "value": 0, "end": 8}});
            if let Some(k) = &cursor {
                body["cursor"] = serde_json::Value::String(k.clone());
            }
            let j: serde_json::Value = match http.post(&url).json(&body).send().await {
                Ok(r) if r.status().is_success() => r.json().await.unwrap_or_default(),
                _ => {
                    c.errors.fetch_add(1, Ordering::Relaxed);
                    break;
                }
            };
            let n = j["records"].as_array().map_or(0, Vec::len);
            cursor = j["nextCursor"].as_str().map(str::to_string);
            if cursor.is_some() && n != 1000 {
                c.short_pages.fetch_add(1, Ordering::Relaxed);
            }
            if cursor.is_none() || Instant::now() >= until {
                break;
            }
        }
        c.queries.fetch_add(1, Ordering::Relaxed);
    }
}

async fn export(http: reqwest::Client, url: String, until: Instant, c: Arc<Counters>) {
    while Instant::now() < until {
        let Ok(r) = http.get(&url).send().await else {
            c.errors.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        let mut body = r.bytes_stream();
        let mut lines = 0u64;
        let mut ok = true;
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(b) => lines += b.iter().filter(|x| **x == b'\n').count() as u64,
                Err(_) => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            c.errors.fetch_add(1, Ordering::Relaxed);
        }
        c.exports.fetch_add(1, Ordering::Relaxed);
        c.exported_records.fetch_add(lines, Ordering::Relaxed);
    }
}

async fn write(http: reqwest::Client, url: String, until: Instant, c: Arc<Counters>) {
    let mut k = 0u64;
    while Instant::now() < until {
        let body = serde_json::json!({"key": format!("w{}", k % 5000),
            "bins": {"n": k, "s": format!("value-{k}"), "l": [1, 2, k]}});
        match http.put(&url).json(&body).send().await {
            Ok(r) if r.status().is_success() => {
                c.writes.fetch_add(1, Ordering::Relaxed);
            }
            _ => {
                c.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        k += 1;
    }
}

async fn subscribe(http: reqwest::Client, url: String, until: Instant, c: Arc<Counters>) {
    while Instant::now() < until {
        let Ok(r) = http.get(&url).send().await else {
            c.errors.fetch_add(1, Ordering::Relaxed);
            continue;
        };
        let mut body = r.bytes_stream();
        // Reconnect every minute: subscriptions come and go in a real UI.
        let leave = (Instant::now() + Duration::from_secs(60)).min(until);
        while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(leave.into(), body.next()).await {
            let events = chunk.windows(6).filter(|w| w == b"event:").count();
            c.sse_events.fetch_add(events as u64, Ordering::Relaxed);
        }
    }
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let duration = secs_env("SOAK_SECONDS", 600);
    let every = secs_env("SOAK_SAMPLE_SECONDS", 10);
    let fake = aerospike_fake::FakeCluster::start(3, aerospike_fake::FakeOptions::default())
        .await
        .unwrap();
    let hosts = fake.hosts();
    let client = Arc::new(
        Client::new(&ClientPolicy::default(), &hosts.as_str())
            .await
            .unwrap(),
    );
    load(&client, "soak", 20_000).await;
    client
        .create_index_on_bin(
            &aerospike::AdminPolicy::default(),
            "test",
            "soak",
            "age",
            "soak_age",
            aerospike::IndexType::Numeric,
            aerospike::CollectionIndexType::Default,
            None,
        )
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let (m, id) = start_manager(&http, &hosts).await;
    let pid = m.child.id();
    let api = format!("{}/api/v1/clusters/{id}", m.base);
    println!(
        "soak: 3-node aerospike-fake, 20,000 records x 8 bins; {}s of mixed load, RSS every {}s",
        duration.as_secs(),
        every.as_secs()
    );
    println!("manager RSS idle: {} KB", rss_kb(pid, "VmRSS:"));

    let start = Instant::now();
    let until = start + duration;
    let c = Arc::new(Counters::default());
    let mut tasks = Vec::new();
    for _ in 0..3 {
        tasks.push(tokio::spawn(browse(
            http.clone(),
            format!("{api}/namespaces/test/sets/soak/records?pageSize=100"),
            until,
            c.clone(),
        )));
    }
    tasks.push(tokio::spawn(query(
        http.clone(),
        format!("{api}/query"),
        until,
        c.clone(),
    )));
    tasks.push(tokio::spawn(export(
        http.clone(),
        format!("{api}/namespaces/test/sets/soak/export"),
        until,
        c.clone(),
    )));
    tasks.push(tokio::spawn(write(
        http.clone(),
        format!("{api}/namespaces/test/sets/soakw/record"),
        until,
        c.clone(),
    )));
    for _ in 0..2 {
        tasks.push(tokio::spawn(subscribe(
            http.clone(),
            format!("{api}/metrics/stream"),
            until,
            c.clone(),
        )));
    }

    let mut samples: Vec<(f64, f64)> = Vec::new();
    let mut next = start + every;
    while next <= until {
        tokio::time::sleep_until(next.into()).await;
        let t = start.elapsed().as_secs_f64();
        let rss = rss_kb(pid, "VmRSS:");
        println!(
            "t={t:>5.0}s rss={rss} KB pages={} queries={} exports={} writes={} sse={} errors={}",
            c.pages.load(Ordering::Relaxed),
            c.queries.load(Ordering::Relaxed),
            c.exports.load(Ordering::Relaxed),
            c.writes.load(Ordering::Relaxed),
            c.sse_events.load(Ordering::Relaxed),
            c.errors.load(Ordering::Relaxed),
        );
        samples.push((t, rss as f64));
        next += every;
    }
    for t in tasks {
        t.await.unwrap();
    }

    let after: Vec<(f64, f64)> = samples.iter().copied().filter(|s| s.0 >= 60.0).collect();
    let slope = slope_kb_per_min(&after);
    let mean = after.iter().map(|s| s.1).sum::<f64>() / after.len().max(1) as f64;
    let span_min = after.last().map_or(0.0, |l| l.0 - after[0].0) / 60.0;
    let projected = slope * span_min;
    let allowed = (mean * 0.05).max(2048.0);
    let (min, max) = samples
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), s| (lo.min(s.1), hi.max(s.1)));
    println!(
        "totals: {} pages ({} short), {} sindex queries, {} exports ({} records), {} writes, {} SSE events, {} errors",
        c.pages.load(Ordering::Relaxed),
        c.short_pages.load(Ordering::Relaxed),
        c.queries.load(Ordering::Relaxed),
        c.exports.load(Ordering::Relaxed),
        c.exported_records.load(Ordering::Relaxed),
        c.writes.load(Ordering::Relaxed),
        c.sse_events.load(Ordering::Relaxed),
        c.errors.load(Ordering::Relaxed),
    );
    println!(
        "RSS: min {min:.0} KB, max {max:.0} KB, last {:.0} KB, peak (VmHWM) {} KB",
        samples.last().map_or(0.0, |s| s.1),
        rss_kb(pid, "VmHWM:")
    );
    println!(
        "RSS slope after the first minute: {slope:+.1} KB/min over {span_min:.1} min \
         ({projected:+.0} KB projected, limit {allowed:.0} KB): {}",
        if projected.abs() <= allowed {
            "FLAT"
        } else {
            "GROWING"
        }
    );
    drop(m);
}
