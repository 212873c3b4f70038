//! Command-line flags and environment variables.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;

/// Aerospike Cluster Manager: REST API, metrics and web UI for Aerospike CE clusters.
#[derive(Debug, Clone, Parser)]
#[command(name = "aerospike-cluster-manager", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ACM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// SQLite database file for connection profiles (`:memory:` for none).
    #[arg(long, env = "ACM_DB", default_value = "./data/acm.db")]
    pub db: String,

    /// File holding the key that encrypts stored passwords (created with mode 0600).
    #[arg(long, env = "ACM_KEY_FILE", default_value = "./data/acm.key")]
    pub key_file: String,

    /// Base64 32-byte key for stored passwords; overrides --key-file.
    #[arg(long, env = "ACM_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// Comma-separated origins allowed by CORS (empty: same-origin only).
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',', default_value = "")]
    pub cors_origins: Vec<String>,

    /// Seed host: when set, a profile named `default` is created for it at start.
    #[arg(long, env = "AEROSPIKE_HOST")]
    pub aerospike_host: Option<String>,

    /// Port for --aerospike-host.
    #[arg(long, env = "AEROSPIKE_PORT", default_value_t = 3000)]
    pub aerospike_port: u16,

    /// Metrics sampling interval, e.g. `2s`, `500ms`.
    #[arg(long, env = "ACM_SAMPLE_INTERVAL", default_value = "2s", value_parser = parse_duration)]
    pub sample_interval: Duration,

    /// How long metric history is kept in memory, e.g. `1h`, `30m`.
    #[arg(long, env = "ACM_HISTORY", default_value = "1h", value_parser = parse_duration)]
    pub history: Duration,

    /// Close a cluster's client (and stop sampling it) when no request and no live
    /// metrics stream used it for this long, e.g. `10m`; the next request reconnects.
    #[arg(long, env = "ACM_CLIENT_IDLE", default_value = "10m", value_parser = parse_duration)]
    pub client_idle: Duration,

    /// Allow info commands that change state (set-config, truncate, ...) in the console.
    #[arg(long, env = "ACM_ALLOW_INFO_WRITES", default_value_t = false)]
    pub allow_info_writes: bool,

    /// Maximum request body size in bytes.
    #[arg(long, env = "ACM_BODY_LIMIT", default_value_t = 8 * 1024 * 1024)]
    pub body_limit: usize,

    /// Start an in-process demo Aerospike node with sample data and a profile for it.
    #[arg(long, env = "ACM_DEMO", default_value_t = false)]
    pub demo: bool,

    /// With --demo: operations per second of synthetic client load (reads of the demo
    /// records, writes to its own `demo_traffic` set) sent to the fake demo node so the
    /// dashboard charts move; 0 turns it off. Ignored without --demo.
    #[arg(long, env = "ACM_DEMO_TRAFFIC", default_value_t = 50, value_name = "OPS_PER_SEC",
          value_parser = clap::value_parser!(u32).range(0..=i64::from(crate::demo_traffic::MAX_OPS_PER_SEC)))]
    pub demo_traffic: u32,

    /// Enable the Kubernetes management endpoints (`/api/v1/k8s/...`); the manager then uses
    /// its in-cluster service account or KUBECONFIG.
    #[arg(long, env = "K8S_MANAGEMENT_ENABLED", default_value_t = false)]
    pub k8s_management_enabled: bool,

    /// Bound of each Kubernetes API call, e.g. `10s` (an unreachable API answers 503 then).
    #[arg(long, env = "ACM_K8S_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub k8s_timeout: Duration,

    /// Kubeconfig file to use instead of the in-cluster configuration or `KUBECONFIG`.
    #[arg(long, env = "ACM_KUBECONFIG")]
    pub kubeconfig: Option<std::path::PathBuf>,

    /// Addresses of the connection profiles auto-connect creates: `headless` (the cluster's
    /// DNS, manager inside the cluster), `external` (seeds LoadBalancer and per-pod
    /// LoadBalancer/NodePort Services with services-alternate), `pod-ip` (pod IPs, flat
    /// network), `auto` (`headless` in a pod, `external` elsewhere).
    #[arg(long, env = "ACM_K8S_CONNECT_VIA", value_enum, default_value = "auto")]
    pub k8s_connect_via: crate::http::k8s::reach::ConnectVia,

    /// With --demo: also start an in-process Kubernetes simulator (kube-sim, 3 zones) with the
    /// acko operator and one example AerospikeCluster, and manage it (`false` to skip).
    #[arg(long, env = "ACM_DEMO_K8S", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_k8s: bool,

    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "ACM_LOG_JSON", default_value_t = false)]
    pub log_json: bool,
}

impl Config {
    /// A configuration for tests: in-memory DB, random key, no CORS.
    pub fn for_tests() -> Self {
        Self::parse_from(["acm", "--db", ":memory:"])
    }
}

/// Parse `500ms`, `2s`, `5m`, `1h` or plain seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map_or((s, "s"), |i| (&s[..i], &s[i..]));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration like 500ms, 2s, 5m or 1h"))?;
    let d = match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => return Err(format!("unknown unit in `{s}`; use ms, s, m or h")),
    };
    if d.is_zero() {
        return Err("duration must be greater than zero".into());
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_duration("7").unwrap(), Duration::from_secs(7));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("2d").is_err());
        assert!(parse_duration("x").is_err());
    }

    #[test]
    fn defaults() {
        let c = Config::parse_from(["acm"]);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.sample_interval, Duration::from_secs(2));
        assert_eq!(c.history, Duration::from_secs(3600));
        assert!(!c.allow_info_writes);
        assert_eq!(c.client_idle, Duration::from_secs(600));
        assert_eq!(c.demo_traffic, 50);
        let c = Config::parse_from(["acm", "--demo-traffic", "0"]);
        assert_eq!(c.demo_traffic, 0);
        assert!(Config::try_parse_from(["acm", "--demo-traffic", "5001"]).is_err());
        assert!(Config::try_parse_from(["acm", "--demo-traffic", "-1"]).is_err());
        let c = Config::parse_from(["acm", "--cors-origins", "http://a,http://b"]);
        assert_eq!(c.cors_origins, ["http://a", "http://b"]);
    }
}
