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
    /// Serve the validating admission webhook (HTTPS) on this address, e.g. 0.0.0.0:9443.
    #[arg(long, env = "ACKO_WEBHOOK_ADDR")]
    webhook_addr: Option<SocketAddr>,
    /// Directory holding the webhook's tls.crt and tls.key (re-read when they change, e.g.
    /// a cert-manager Secret mounted there).
    #[arg(
        long,
        default_value = "/var/run/acko/webhook",
        env = "ACKO_WEBHOOK_CERT_DIR"
    )]
    webhook_cert_dir: PathBuf,
    /// Generate and rotate the webhook certificate in a Secret of --lease-namespace and patch
    /// its CA into the ValidatingWebhookConfiguration (instead of mounted files).
    #[arg(long, default_value_t = false, env = "ACKO_WEBHOOK_SELF_SIGNED")]
    webhook_self_signed: bool,
    /// Secret of the self-managed webhook certificate.
    #[arg(long, default_value = "acko-webhook-cert")]
    webhook_secret: String,
    /// Service the API server calls the webhook through (named in the certificate).
    #[arg(long, default_value = "acko-webhook")]
    webhook_service: String,
    /// ValidatingWebhookConfiguration whose CA bundle is patched.
    #[arg(long, default_value = "acko-operator")]
    webhook_config: String,
}

/// Starts the admission webhook: self-managed certificates first (when asked), then HTTPS.
async fn start_webhook(args: &Args, addr: SocketAddr, client: &Client) -> anyhow::Result<()> {
    use acko_operator::webhook::{certs, server, tls};
    if args.webhook_self_signed {
        let cfg = certs::SelfManaged {
            namespace: args.lease_namespace.clone(),
            secret: args.webhook_secret.clone(),
            service: args.webhook_service.clone(),
            webhook_config: args.webhook_config.clone(),
            cluster_domain: args.cluster_domain.clone(),
            dir: args.webhook_cert_dir.clone(),
        };
        certs::ensure(client, &cfg, jiff::Timestamp::now().as_second())
            .await
            .context("preparing the webhook certificate")?;
        let client = client.clone();
        // Re-checked twice a day: rotates 30 days before expiry, picks up another replica's
        // rotation from the shared Secret.
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(12 * 3600)).await;
                if let Err(e) =
                    certs::ensure(&client, &cfg, jiff::Timestamp::now().as_second()).await
                {
                    tracing::warn!(error = %e, "webhook certificate check failed");
                }
            }
        });
    }
    let resolver = Arc::new(tls::ReloadingResolver::load(&args.webhook_cert_dir)?);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the webhook to {addr}"))?;
    let app = server::router(server::WebhookState {
        client: Some(client.clone()),
    });
    tracing::info!(%addr, "serving the admission webhook (HTTPS) at {}", server::VALIDATE_PATH);
    tokio::spawn(async move {
        if let Err(e) = server::serve(listener, resolver, app, std::future::pending()).await {
            tracing::error!(error = %e, "webhook server stopped");
        }
    });
    Ok(())
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

    if let Some(addr) = args.webhook_addr {
        start_webhook(&args, addr, &client).await?;
    }

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
