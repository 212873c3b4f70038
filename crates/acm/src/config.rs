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

    /// With --demo: write a kubeconfig for the simulated Kubernetes to this file, so that
    /// `kubectl` can look at it (and end-to-end tests can inject API faults through its
    /// `/sim/v1/faults` route). Ignored without the demo Kubernetes.
    #[arg(long, env = "ACM_DEMO_K8S_KUBECONFIG", value_name = "FILE")]
    pub demo_k8s_kubeconfig: Option<std::path::PathBuf>,

    /// Log as JSON lines instead of human-readable text.
    #[arg(long, env = "ACM_LOG_JSON", default_value_t = false)]
    pub log_json: bool,

    /// Turn authentication off. Accepted only on a loopback listen address (anyone who can
    /// reach the port can then do everything); a warning is logged.
    #[arg(long, env = "ACM_NO_AUTH", default_value_t = false)]
    pub no_auth: bool,

    /// Require sign-in even with --demo on loopback (which otherwise runs without it).
    #[arg(
        long,
        env = "ACM_REQUIRE_AUTH",
        default_value_t = false,
        conflicts_with = "no_auth"
    )]
    pub require_auth: bool,

    /// File holding the password of the first admin (user `--admin-user`): created at
    /// start when missing, its password set from the file otherwise.
    #[arg(long, env = "ACM_ADMIN_PASSWORD_FILE")]
    pub admin_password_file: Option<std::path::PathBuf>,

    /// Name of the admin created from --admin-password-file.
    #[arg(long, env = "ACM_ADMIN_USER", default_value = "admin")]
    pub admin_user: String,

    /// Lifetime of a sign-in session, e.g. `12h`.
    #[arg(long, env = "ACM_SESSION_TTL", default_value = "12h", value_parser = parse_duration)]
    pub session_ttl: Duration,

    /// Failed sign-ins per user name or client address within 15 minutes before further
    /// attempts are refused (429) for the rest of the window. Single sign-on counts by
    /// address: a started sign-in counts until its callback signs the user in.
    #[arg(long, env = "ACM_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: usize,

    /// Comma-separated host names the manager answers to (Host header; defeats DNS
    /// rebinding). Empty: loopback names on a loopback address, the address itself on a
    /// specific one, any on 0.0.0.0. `*` allows any.
    #[arg(
        long,
        env = "ACM_ALLOWED_HOSTS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub allowed_hosts: Vec<String>,

    /// Comma-separated CIDR blocks that connection profiles and connection tests may reach,
    /// e.g. `10.0.0.0/8,192.168.0.0/16`. Empty: any address.
    #[arg(
        long,
        env = "ACM_ALLOWED_TARGETS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub allowed_targets: Vec<String>,

    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(long, env = "ACM_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(long, env = "ACM_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,

    /// Longest time a request may take until its response starts (streams then continue),
    /// e.g. `120s`; slower requests get 503.
    #[arg(long, env = "ACM_REQUEST_TIMEOUT", default_value = "120s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// OpenID Connect issuer URL for single sign-on (e.g. `https://idp.example/realms/x`);
    /// its `/.well-known/openid-configuration` is fetched on first sign-in. Unset: no SSO.
    #[arg(long, env = "ACM_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,

    /// Client id of this manager at the OIDC issuer.
    #[arg(long, env = "ACM_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,

    /// File holding the OIDC client secret (omit for a public client; PKCE is always used).
    #[arg(long, env = "ACM_OIDC_CLIENT_SECRET_FILE")]
    pub oidc_client_secret_file: Option<std::path::PathBuf>,

    /// This manager's callback URL as registered at the issuer:
    /// `https://<manager>/api/v1/auth/oidc/callback`.
    #[arg(long, env = "ACM_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,

    /// ID token claim holding the user's groups.
    #[arg(long, env = "ACM_OIDC_GROUPS_CLAIM", default_value = "groups")]
    pub oidc_groups_claim: String,

    /// ID token claim used as the user name (falls back to `email`, then `sub`).
    #[arg(
        long,
        env = "ACM_OIDC_USERNAME_CLAIM",
        default_value = "preferred_username"
    )]
    pub oidc_username_claim: String,

    /// Scopes requested at sign-in (space-separated; add e.g. `groups` if your issuer needs it).
    #[arg(long, env = "ACM_OIDC_SCOPES", default_value = "openid profile email")]
    pub oidc_scopes: String,

    /// Group to role mapping, e.g. `admins=admin,devs=operator,staff=viewer`; the highest
    /// role of the user's groups wins. A user with no mapped group is refused.
    #[arg(
        long,
        env = "ACM_OIDC_ROLE_MAP",
        value_delimiter = ',',
        default_value = ""
    )]
    pub oidc_role_map: Vec<String>,

    /// Subcommand (none: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands besides serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Manage the manager's own users (in the database of --db).
    #[command(subcommand)]
    User(UserCommand),
}

/// `user` subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum UserCommand {
    /// Create a user, or with --update set an existing user's password and role. The
    /// password is read from --password-file, or from standard input (one line).
    Add {
        /// Login name.
        name: String,
        /// Role: viewer, operator or admin.
        #[arg(long, default_value = "admin")]
        role: String,
        /// File holding the password.
        #[arg(long)]
        password_file: Option<std::path::PathBuf>,
        /// Update the user when it exists.
        #[arg(long, default_value_t = false)]
        update: bool,
    },
    /// List users.
    List,
}

/// Whether sign-in is required, from the flags and the listen address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthDecision {
    /// Sign-in required.
    Required,
    /// Off, with the reason to log as a warning.
    Off(&'static str),
}

impl Config {
    /// Decide whether authentication is on; `Err` explains a refused combination.
    pub fn auth_decision(&self) -> Result<AuthDecision, String> {
        let loopback = self.listen.ip().is_loopback();
        if self.no_auth {
            if !loopback {
                return Err(format!(
                    "--no-auth is accepted only on a loopback address, not {}: on a shared \
                     network create users instead (aerospike-cluster-manager user add, or \
                     --admin-password-file)",
                    self.listen
                ));
            }
            return Ok(AuthDecision::Off(
                "authentication is OFF (--no-auth): anyone who can reach this port is admin",
            ));
        }
        if self.demo && loopback && !self.require_auth {
            return Ok(AuthDecision::Off(
                "demo on loopback: authentication is off (pass --require-auth to turn it on)",
            ));
        }
        Ok(AuthDecision::Required)
    }
}

impl Config {
    /// A configuration for tests: in-memory DB, random key, no CORS, authentication off
    /// (the access-control tests build theirs with [`Config::for_auth_tests`]).
    pub fn for_tests() -> Self {
        Self::parse_from(["acm", "--db", ":memory:", "--no-auth"])
    }

    /// A configuration for tests with authentication on.
    pub fn for_auth_tests() -> Self {
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

    #[test]
    fn auth_is_required_unless_loopback_says_otherwise() {
        let d = |args: &[&str]| {
            let mut v = vec!["acm"];
            v.extend_from_slice(args);
            Config::parse_from(v).auth_decision()
        };
        assert_eq!(d(&[]), Ok(AuthDecision::Required));
        assert_eq!(d(&["--listen", "0.0.0.0:80"]), Ok(AuthDecision::Required));
        assert!(matches!(d(&["--no-auth"]), Ok(AuthDecision::Off(_))));
        assert!(
            d(&["--no-auth", "--listen", "0.0.0.0:80"])
                .unwrap_err()
                .contains("loopback")
        );
        assert!(d(&["--no-auth", "--listen", "[::]:80"]).is_err());
        assert!(matches!(d(&["--demo"]), Ok(AuthDecision::Off(_))));
        assert_eq!(d(&["--demo", "--require-auth"]), Ok(AuthDecision::Required));
        assert_eq!(
            d(&["--demo", "--listen", "0.0.0.0:80"]),
            Ok(AuthDecision::Required)
        );
        assert!(Config::try_parse_from(["acm", "--no-auth", "--require-auth"]).is_err());
        assert!(Config::try_parse_from(["acm", "--tls-cert", "c.pem"]).is_err());
    }
}
