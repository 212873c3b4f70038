//! Benchmark: N AerospikeClusters × 3 pods (rendered by acko-render, applied through the API)
//! created on the simulator and watched with a kube-runtime reflector until every pod is
//! Ready. Prints the time to Ready and the process RSS (simulator + fake nodes + client).
//!
//! `cargo run -p kube-sim --bin kube-sim-bench -- --clusters 100`

use std::time::Instant;

use clap::Parser;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use kube::discovery::{ApiResource, Discovery, Scope};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use serde_json::{Value, json};

#[derive(Debug, Parser)]
struct Args {
    /// Number of AerospikeClusters (3 pods each).
    #[arg(long, default_value_t = 100)]
    clusters: usize,
    /// Nodes of the simulated cluster.
    #[arg(long, default_value_t = 10)]
    nodes: usize,
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn is_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    kube_sim::install_crypto();
    let args = Args::parse();
    let rss0 = rss_kib();
    let config = kube_sim::SimConfig {
        nodes: args.nodes,
        zones: vec!["a".into(), "b".into(), "c".into()],
        ..Default::default()
    };
    let (client, sim) = kube_sim::Sim::start_with(config).await?;
    Api::<k8s_openapi::api::core::v1::Namespace>::all(client.clone())
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "bench"}}))?,
        )
        .await?;
    let discovery = Discovery::new(client.clone()).run().await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "bench");
    let (reader, writer) = reflector::store();
    let watch = tokio::spawn(
        reflector(writer, watcher(pods, watcher::Config::default()))
            .applied_objects()
            .for_each(|_| async {}),
    );
    let start = Instant::now();
    let pp = PatchParams::apply("bench").force();
    for i in 0..args.clusters {
        let cluster = json!({"apiVersion": "acko.io/v1alpha1", "kind": "AerospikeCluster",
            "metadata": {"name": format!("c{i}"), "namespace": "bench"},
            "spec": {"size": 3, "image": "aerospike:ce-8.1.1.1",
            // no operator sets the acko.io/aerospike-ready gate here: plain TCP readiness
            "podSpec": {"readinessGateEnabled": false}, "aerospikeConfig": {"namespaces": [
                {"name": "test", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824u64}}]}}});
        let ar = ApiResource::erase::<acko_api::AerospikeCluster>(&());
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "bench", &ar);
        let created = api
            .patch(&format!("c{i}"), &pp, &Patch::Apply(&cluster))
            .await?;
        let uid = created.metadata.uid.clone().unwrap_or_default();
        let typed: acko_api::AerospikeCluster =
            serde_json::from_value(serde_json::to_value(&created)?)?;
        let validated = acko_api::validation::ValidatedCluster::new(&typed)
            .map_err(|p| anyhow::anyhow!("{p:?}"))?;
        for mut o in acko_render::render_validated(&validated, &Default::default())?.to_list() {
            for r in o["metadata"]["ownerReferences"]
                .as_array_mut()
                .into_iter()
                .flatten()
            {
                r["uid"] = json!(uid);
            }
            let tm: kube::core::TypeMeta = serde_json::from_value(o.clone())?;
            let gvk = kube::core::GroupVersionKind::try_from(&tm)?;
            let Some((ar, caps)) = discovery.resolve_gvk(&gvk) else {
                continue;
            };
            let name = o["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let api: Api<DynamicObject> = if caps.scope == Scope::Namespaced {
                Api::namespaced_with(client.clone(), "bench", &ar)
            } else {
                Api::all_with(client.clone(), &ar)
            };
            let _: Value = serde_json::to_value(api.patch(&name, &pp, &Patch::Apply(&o)).await?)?;
        }
    }
    let applied = start.elapsed();
    let want = args.clusters * 3;
    let deadline = Instant::now() + std::time::Duration::from_secs(600);
    let mut rx = sim.state.store.subscribe();
    loop {
        let ready = reader.state().iter().filter(|p| is_ready(p)).count();
        if ready >= want {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {ready}/{want} pods Ready after 600 s"
        );
        let _ = tokio::time::timeout(std::time::Duration::from_millis(500), rx.recv()).await;
    }
    let all_ready = start.elapsed();
    println!(
        "kube-sim bench: {} AerospikeClusters x 3 pods on {} nodes",
        args.clusters, args.nodes
    );
    println!(
        "  objects applied in        {:>8.2} s",
        applied.as_secs_f64()
    );
    println!(
        "  all {want} pods Ready after {:>8.2} s (watched by a kube-runtime reflector)",
        all_ready.as_secs_f64()
    );
    println!("  store resourceVersion     {:>8}", sim.state.store.rv());
    println!(
        "  RSS before / after        {:>8} KiB / {} KiB",
        rss0,
        rss_kib()
    );
    watch.abort();
    Ok(())
}
