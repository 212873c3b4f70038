//! Benchmark: the `acko-operator` binary reconciling N AerospikeClusters (3 pods each, real
//! aerospike-fake nodes behind the pods) on an in-process kube-sim.
//!
//! Measures (1) the time until every cluster is `Completed`, (2) the operator process's RSS
//! when settled and its peak (VmHWM, from /proc/<pid>/status: the operator runs as a child
//! process, so the simulator and the fake nodes are not counted), and (3) the time of one
//! no-op reconcile (observe → plan → status compare), run in this process after the operator
//! stopped, with the write calls counted at the HTTP layer (must be zero).
//!
//! `cargo bench -p acko-operator --bench operator_100 -- --clusters 100`

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use acko_api::{AerospikeCluster, ClusterPhase};
use acko_operator::shell::agent::KubeAgent;
use acko_operator::shell::{self, Context};
use kube::api::{Api, ListParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::json;

struct Args {
    clusters: usize,
    nodes: usize,
    rounds: usize,
}

fn args() -> Args {
    let mut a = Args {
        clusters: 100,
        nodes: 10,
        rounds: 5,
    };
    let argv: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < argv.len() {
        let value = argv.get(i + 1).and_then(|v| v.parse().ok());
        match (argv[i].as_str(), value) {
            ("--clusters", Some(v)) => a.clusters = v,
            ("--nodes", Some(v)) => a.nodes = v,
            ("--rounds", Some(v)) => a.rounds = v,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    a
}

fn proc_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn counting_client(
    yaml: &str,
    writes: Arc<AtomicUsize>,
    paths: Arc<std::sync::Mutex<Vec<String>>>,
) -> anyhow::Result<kube::Client> {
    let kc = Kubeconfig::from_yaml(yaml)?;
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default()).await?;
    let layer = tower::util::MapRequestLayer::new(move |req: http::Request<kube::client::Body>| {
        if req.method() != http::Method::GET {
            writes.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut p) = paths.lock() {
                p.push(format!("{} {}", req.method(), req.uri().path()));
            }
        }
        req
    });
    Ok(kube::client::ClientBuilder::try_from(config)?
        .with_layer(&layer)
        .build())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    acko_operator::install_crypto_provider();
    let args = args();
    let (admin, sim) = kube_sim::Sim::start_with(kube_sim::SimConfig {
        nodes: args.nodes,
        ..Default::default()
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let kubeconfig = dir.path().join("sim.kubeconfig");
    std::fs::write(&kubeconfig, sim.kubeconfig_yaml())?;
    Api::<k8s_openapi::api::core::v1::Namespace>::all(admin.clone())
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "bench"}}))?,
        )
        .await?;

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_acko-operator"))
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .args(["--metrics-addr", "127.0.0.1:0", "--info-timeout-ms", "2000"])
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()?;
    let pid = child.id().unwrap_or(0);

    let clusters: Api<AerospikeCluster> = Api::namespaced(admin.clone(), "bench");
    let start = Instant::now();
    for i in 0..args.clusters {
        let c: AerospikeCluster = serde_json::from_value(json!({
            "apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": format!("c{i}"), "namespace": "bench"},
            "spec": {"size": 3, "image": "aerospike:ce-8.1.1.1", "aerospikeConfig": {"namespaces": [
                {"name": "test", "replication-factor": 2,
                 "storage-engine": {"type": "memory", "data-size": 1073741824u64}}]}}
        }))?;
        clusters.create(&PostParams::default(), &c).await?;
    }
    let mut rx = sim.state.store.subscribe();
    let deadline = Instant::now() + Duration::from_secs(1800);
    loop {
        let list = clusters.list(&ListParams::default()).await?.items;
        let done = list
            .iter()
            .filter(|c| {
                c.status.as_ref().and_then(|s| s.phase) == Some(ClusterPhase::Completed)
                    && c.status.as_ref().and_then(|s| s.observed_generation)
                        == c.metadata.generation
            })
            .count();
        if done == args.clusters {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {done}/{} clusters Completed after 30 min",
            args.clusters
        );
        // Wake on the next change (at most every 2 s re-list).
        let _ = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await;
        while rx.try_recv().is_ok() {}
    }
    let to_completed = start.elapsed();
    let rss_settled = proc_kib(pid, "VmRSS:");
    let rss_peak = proc_kib(pid, "VmHWM:");
    child.start_kill()?;
    let _ = child.wait().await;

    // No-op reconciles, in this process, writes counted.
    let writes = Arc::new(AtomicUsize::new(0));
    let paths = Arc::new(std::sync::Mutex::new(Vec::new()));
    let client = counting_client(&sim.kubeconfig_yaml(), writes.clone(), paths.clone()).await?;
    let agent = Arc::new(KubeAgent::new(client.clone(), Duration::from_secs(2)));
    let available = shell::kinds::discover_optional(&client).await;
    let ctx = Arc::new(Context::new(
        client.clone(),
        agent,
        available,
        Default::default(),
    ));
    let list = Api::<AerospikeCluster>::namespaced(client.clone(), "bench")
        .list(&ListParams::default())
        .await?
        .items;
    let api = Api::<AerospikeCluster>::namespaced(client.clone(), "bench");
    let mut times = Vec::new();
    for _ in 0..args.rounds {
        for c in &list {
            let name = c.metadata.name.clone().unwrap_or_default();
            // The controller hands reconcile its cached object; a fresh GET stands in for it.
            let current = api.get(&name).await?;
            let before = writes.load(Ordering::SeqCst);
            let t = Instant::now();
            shell::reconcile(Arc::new(current.clone()), ctx.clone())
                .await
                .map_err(|e| anyhow::anyhow!("reconcile {name}: {e}"))?;
            times.push(t.elapsed());
            if writes.load(Ordering::SeqCst) != before && std::env::var("BENCH_DEBUG").is_ok() {
                let after = api.get(&name).await?;
                eprintln!(
                    "{name} status changed:\n  before {}\n  after  {}",
                    serde_json::to_string(&current.status)?,
                    serde_json::to_string(&after.status)?
                );
            }
        }
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| clusters × pods | {} × 3 (kube-sim, {} nodes, aerospike-fake) |",
        args.clusters, args.nodes
    );
    println!(
        "| time until all Completed | {:.1} s |",
        to_completed.as_secs_f64()
    );
    println!(
        "| operator RSS settled / peak | {:.1} MiB / {:.1} MiB |",
        rss_settled as f64 / 1024.0,
        rss_peak as f64 / 1024.0
    );
    println!(
        "| no-op reconcile ({} calls) mean / p50 / p99 | {:.2} / {:.2} / {:.2} ms |",
        times.len(),
        mean.as_secs_f64() * 1e3,
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "| write calls during the no-op reconciles | {} |",
        writes.load(Ordering::SeqCst)
    );
    anyhow::ensure!(
        writes.load(Ordering::SeqCst) == 0,
        "a no-op reconcile wrote: {:?}",
        paths
            .lock()
            .map(|p| p.iter().take(10).cloned().collect::<Vec<_>>())
    );
    Ok(())
}
