//! `aerospike-cluster-manager`: parse flags, set up logging, serve until Ctrl-C/SIGTERM, or
//! run a `user` subcommand.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = acm::Config::parse();
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,aerospike_core=warn,sqlx=warn"));
    if config.log_json {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .json()
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    if let Some(acm::config::Command::User(cmd)) = &config.command {
        println!("{}", acm::user_cmd::run(&config, cmd).await?);
        return Ok(());
    }
    acm::serve(config).await
}
