//! `aerospike-fake`: run a FAKE in-memory Aerospike CE cluster on 127.0.0.1 for tests and
//! demos. Not a database: data lives in memory and is lost on exit.

use clap::Parser;

use aerospike_fake::{FakeCluster, FakeOptions};

/// Run a fake Aerospike CE cluster (test and demo tool, not a database).
#[derive(Debug, Parser)]
#[command(name = "aerospike-fake", version)]
struct Args {
    /// Number of nodes.
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// Port of the first node (next nodes use the following ports); 0 = any free port.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Load the demo dataset (sets, indexes, one UDF module).
    #[arg(long)]
    demo: bool,
    /// cluster-name reported by the nodes.
    #[arg(long, default_value = "fake-cluster")]
    cluster_name: String,
    /// Namespaces (comma separated, at most 2 on CE).
    #[arg(long, default_value = "test,bar", value_delimiter = ',')]
    namespaces: Vec<String>,
    /// Replication factor.
    #[arg(long, default_value_t = 2)]
    replication_factor: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    let opts = FakeOptions {
        cluster_name: args.cluster_name,
        namespaces: args.namespaces,
        replication_factor: args.replication_factor,
        base_port: args.port,
        ..FakeOptions::default()
    };
    let cluster = FakeCluster::start(args.nodes, opts).await?;
    println!(
        "aerospike-fake: FAKE Aerospike CE 8.1.2.0 cluster for tests and demos (not a database)"
    );
    for (addr, name) in cluster.addrs().iter().zip(cluster.node_names()) {
        println!("  node {name} listening on {addr}");
    }
    if args.demo {
        let summary = cluster.load_demo();
        for (ns, set, n) in &summary.sets {
            println!("  demo data: {ns}/{set}: {n} records");
        }
        println!("  demo indexes: {}", summary.indexes.join(", "));
    }
    println!("seed hosts: {}", cluster.hosts());
    println!("press Ctrl-C to stop");
    tokio::signal::ctrl_c().await?;
    cluster.shutdown().await;
    Ok(())
}
