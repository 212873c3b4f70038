//! `kube-sim`: serve a simulated Kubernetes API until Ctrl-C.

use std::time::Duration;

use clap::Parser;

/// A Kubernetes API simulator for tests and demos (pods of AerospikeClusters run aerospike-fake nodes).
#[derive(Debug, Parser)]
#[command(name = "kube-sim", version)]
struct Args {
    /// Number of simulated Nodes.
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// Zones assigned to the Nodes round-robin.
    #[arg(long, value_delimiter = ',', default_value = "a,b,c")]
    zones: Vec<String>,
    /// Write a kubeconfig for the simulator to this file.
    #[arg(long)]
    kubeconfig_out: Option<std::path::PathBuf>,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Milliseconds before a LoadBalancer Service gets an address.
    #[arg(long, default_value_t = 200)]
    lb_delay_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    kube_sim::install_crypto();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let args = Args::parse();
    if args.nodes == 0 {
        anyhow::bail!("--nodes must be at least 1");
    }
    let config = kube_sim::SimConfig {
        nodes: args.nodes,
        zones: args.zones,
        port: args.port,
        lb_delay: Duration::from_millis(args.lb_delay_ms),
        ..Default::default()
    };
    let (_client, sim) = kube_sim::Sim::start_with(config).await?;
    if let Some(path) = &args.kubeconfig_out {
        std::fs::write(path, sim.kubeconfig_yaml()).map_err(|e| {
            anyhow::anyhow!("cannot write the kubeconfig to {}: {e}", path.display())
        })?;
        println!("kubeconfig written to {}", path.display());
    }
    println!("kube-sim serving {} (Ctrl-C to stop)", sim.url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
