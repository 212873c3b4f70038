//! `acko-operator`: reconciles `AerospikeCluster` resources.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use acko_operator::shell::agent::KubeAgent;
use acko_operator::shell::http::{Health, router};
use acko_operator::shell::{Context, controller, kinds, leader};
use anyhow::Context as _;
use clap::Parser;
use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};

/// The acko Kubernetes operator for Aerospike Community Edition.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Kubeconfig file (default: in-cluster config, then $KUBECONFIG / ~/.kube/config).
    #[arg(long, env = "ACKO_KUBECONFIG")]
    kubeconfig: Option<PathBuf>,
    /// Watch only this namespace (default: all namespaces).
    #[arg(long, env = "ACKO_WATCH_NAMESPACE")]
    namespace: Option<String>,
    /// Address of /metrics, /healthz and /readyz.
    #[arg(long, default_value = "0.0.0.0:8080", env = "ACKO_METRICS_ADDR")]
    metrics_addr: SocketAddr,
    /// Compete for a Lease so that only one replica reconciles.
    #[arg(long, default_value_t = false, env = "ACKO_LEADER_ELECT")]
    leader_elect: bool,
    /// Namespace of the leader Lease.
    #[arg(long, default_value = "default", env = "POD_NAMESPACE")]
    lease_namespace: String,
    /// Image of the acko-init init container.
    #[arg(long, env = "ACKO_INIT_IMAGE")]
    init_image: Option<String>,
    /// Kubernetes cluster DNS domain (mesh seed names).
    #[arg(long, default_value = "cluster.local")]
    cluster_domain: String,
    /// Timeout of one info request to an Aerospike node, in milliseconds.
    #[arg(long, default_value_t = 2000)]
    info_timeout_ms: u64,
    /// Consecutive failed reconciles that open a cluster's circuit breaker (phase
    /// BackoffActive; reset with the acko.io/reset-circuit-breaker annotation).
    #[arg(long, default_value_t = acko_api::contract::operator::BREAKER_THRESHOLD, value_parser = clap::value_parser!(i32).range(1..))]
    breaker_threshold: i32,
}

async fn client(args: &Args) -> anyhow::Result<Client> {
    match &args.kubeconfig {
        Some(path) => {
            let kc = Kubeconfig::read_from(path)
                .with_context(|| format!("reading kubeconfig {}", path.display()))?;
            let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
                .await
                .with_context(|| format!("kubeconfig {}", path.display()))?;
            Ok(Client::try_from(config)?)
        }
        None => Ok(Client::try_default()
            .await
            .context("no Kubernetes configuration: pass --kubeconfig")?),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    acko_operator::install_crypto_provider();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,kube=warn".into()),
        )
        .init();
    let args = Args::parse();
    let client = client(&args).await?;
    let available = kinds::discover_optional(&client).await;
    tracing::info!(?available, "optional kinds discovered");
    let mut render_options = acko_render::RenderOptions {
        cluster_domain: args.cluster_domain.clone(),
        ..Default::default()
    };
    if let Some(image) = &args.init_image {
        render_options.init_image = image.clone();
    }
    let agent = Arc::new(KubeAgent::new(
        client.clone(),
        Duration::from_millis(args.info_timeout_ms),
    ));
    let mut ctx = Context::new(client.clone(), agent, available, render_options);
    ctx.breaker_threshold = args.breaker_threshold;
    let ctx = Arc::new(ctx);

    let health = Health::default();
    let listener = tokio::net::TcpListener::bind(args.metrics_addr)
        .await
        .with_context(|| format!("binding {}", args.metrics_addr))?;
    tracing::info!(addr = %args.metrics_addr, "serving /metrics, /healthz, /readyz");
    let app = router(ctx.metrics.clone(), health.clone());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "http server stopped");
        }
    });

    if args.leader_elect {
        let identity = std::env::var("POD_NAME")
            .unwrap_or_else(|_| format!("acko-operator-{}", std::process::id()));
        let mut leading = leader::elect(client.clone(), &args.lease_namespace, identity)
            .await
            .map_err(anyhow::Error::msg)?;
        health.ready.store(true, Ordering::Relaxed);
        tracing::info!("waiting for leadership");
        while !*leading.borrow() {
            tokio::select! {
                r = leading.changed() => r.context("lease manager stopped")?,
                () = shutdown_signal() => return Ok(()),
            }
        }
        tracing::info!("leading: starting the controller");
        let lost = async move {
            tokio::select! {
                () = shutdown_signal() => {},
                _ = async { while leading.changed().await.is_ok() && *leading.borrow() {} } => {
                    tracing::warn!("leadership lost: stopping");
                },
            }
        };
        controller::run(ctx, args.namespace.clone(), lost).await;
    } else {
        health.ready.store(true, Ordering::Relaxed);
        controller::run(ctx, args.namespace.clone(), shutdown_signal()).await;
    }
    tracing::info!("stopped");
    Ok(())
}
