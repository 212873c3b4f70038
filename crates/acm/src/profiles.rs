//! Connection profiles: request/response types and their validation (pure).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, FieldError};

/// Default Aerospike service port.
pub const DEFAULT_PORT: u16 = 3000;
/// Default profile color.
pub const DEFAULT_COLOR: &str = "#0097D3";

fn default_port() -> u16 {
    DEFAULT_PORT
}
fn default_color() -> String {
    DEFAULT_COLOR.to_string()
}
fn default_connect_timeout() -> u32 {
    5000
}
fn default_timeout() -> u32 {
    10000
}

/// A profile as sent by the client to create, update, test or import.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileInput {
    /// Unique display name (1–255 characters).
    pub name: String,
    /// Seed hosts, each `host` or `host:port` (`[v6]:port` for IPv6).
    pub hosts: Vec<String>,
    /// Port used for hosts given without one.
    #[serde(default = "default_port")]
    pub port: u16,
    /// Expected cluster name: the manager refuses to talk to a cluster with another name.
    #[serde(default)]
    pub cluster_name: Option<String>,
    /// User name (Enterprise clusters only; CE has no security).
    #[serde(default)]
    pub user: Option<String>,
    /// Password. Write-only: stored encrypted, never returned. On update, omit to keep
    /// the stored one, send `""` to clear it.
    #[serde(default)]
    pub password: Option<String>,
    /// Color `#RRGGBB`.
    #[serde(default = "default_color")]
    pub color: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Labels, e.g. `{"env": "prod"}`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Connect through the nodes' alternate addresses (`services-alternate`), e.g. the
    /// LoadBalancer/NodePort addresses of an operator-managed cluster.
    #[serde(default)]
    pub use_services_alternate: bool,
    /// Connection timeout in milliseconds (100–60000).
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_ms: u32,
    /// Per-request total timeout in milliseconds (100–600000).
    #[serde(default = "default_timeout")]
    pub timeout_ms: u32,
}

/// A stored profile as returned by the API (never contains the password).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Identifier.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Seed hosts.
    pub hosts: Vec<String>,
    /// Default port.
    pub port: u16,
    /// Expected cluster name.
    pub cluster_name: Option<String>,
    /// User name.
    pub user: Option<String>,
    /// Whether a password is stored.
    pub has_password: bool,
    /// Color.
    pub color: String,
    /// Description.
    pub description: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Use alternate addresses.
    pub use_services_alternate: bool,
    /// Connect timeout (ms).
    pub connect_timeout_ms: u32,
    /// Request timeout (ms).
    pub timeout_ms: u32,
    /// True for the in-process demo node started by `--demo`.
    pub demo: bool,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last update time (RFC 3339).
    pub updated_at: String,
}

/// The label that makes a profile read-only: every write route refuses it (403
/// `profile_read_only`), the AQL terminal and info console run reads only.
pub const READ_ONLY_LABEL: &str = "read-only";

/// Whether a profile carries `read-only: true`.
pub fn is_read_only(p: &Profile) -> bool {
    p.labels
        .get(READ_ONLY_LABEL)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// Export/import document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProfileBundle {
    /// Format version, currently 1.
    pub version: u32,
    /// The profiles. `password` is present only when the export asked for it.
    pub profiles: Vec<ProfileInput>,
}

/// Parsed seed host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedHost {
    /// Host name or IP.
    pub host: String,
    /// Port.
    pub port: u16,
}

/// An IPv6 address (when bracketed), an IPv4 address, or a DNS name (RFC 1123 labels; `_` is
/// accepted as some resolvers and Kubernetes service records use it).
fn valid_host(host: &str, bracketed: bool) -> bool {
    if bracketed {
        return host.parse::<std::net::Ipv6Addr>().is_ok();
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Parse `host`, `host:port`, `[v6]` or `[v6]:port`.
pub fn parse_host(text: &str, default_port: u16) -> Result<SeedHost, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("host is empty".into());
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (h, tail) = rest
            .split_once(']')
            .ok_or("IPv6 address is missing the closing `]`")?;
        let port = match tail.strip_prefix(':') {
            Some(p) => Some(p),
            None if tail.is_empty() => None,
            None => return Err(format!("unexpected `{tail}` after `]`")),
        };
        (h.to_string(), port)
    } else if text.matches(':').count() > 1 {
        return Err("write IPv6 addresses in brackets, e.g. `[::1]:3000`".into());
    } else {
        match text.split_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (text.to_string(), None),
        }
    };
    if !valid_host(&host, text.starts_with('[')) {
        return Err(format!(
            "`{}` is not an IP address or a DNS name (letters, digits, `-`, `_` and dots; \
             labels of 1 to 63 characters)",
            host.escape_debug()
        ));
    }
    let port = match port {
        None => default_port,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("port `{p}` must be a number between 1 and 65535")),
        },
    };
    Ok(SeedHost { host, port })
}

impl ProfileInput {
    /// Validate, returning every problem with its field path.
    pub fn validate(&self) -> Result<Vec<SeedHost>, ApiError> {
        let mut errs = Vec::new();
        let mut err = |field: String, message: String| errs.push(FieldError { field, message });
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 255 {
            err("name".into(), "must be 1 to 255 characters".into());
        }
        if self.hosts.is_empty() {
            err(
                "hosts".into(),
                "give at least one seed host (`host` or `host:port`)".into(),
            );
        }
        let mut seeds = Vec::new();
        for (i, h) in self.hosts.iter().enumerate() {
            match parse_host(h, self.port) {
                Ok(s) => seeds.push(s),
                Err(m) => err(format!("hosts[{i}]"), m),
            }
        }
        if self.port == 0 {
            err("port".into(), "must be between 1 and 65535".into());
        }
        if !is_color(&self.color) {
            err("color".into(), "must be `#RRGGBB`, e.g. `#0097D3`".into());
        }
        if !(100..=60_000).contains(&self.connect_timeout_ms) {
            err(
                "connectTimeoutMs".into(),
                "must be between 100 and 60000".into(),
            );
        }
        if !(100..=600_000).contains(&self.timeout_ms) {
            err("timeoutMs".into(), "must be between 100 and 600000".into());
        }
        if let Some(c) = &self.cluster_name
            && (c.is_empty() || c.contains(char::is_whitespace))
        {
            err(
                "clusterName".into(),
                "must be non-empty without spaces (or omitted)".into(),
            );
        }
        if self.password.as_deref().is_some_and(|p| !p.is_empty()) && self.user.is_none() {
            err("user".into(), "a password needs a user name".into());
        }
        for k in self.labels.keys() {
            if k.is_empty() || k.len() > 63 {
                err(
                    format!("labels.{k}"),
                    "label keys must be 1 to 63 characters".into(),
                );
            }
        }
        if errs.is_empty() {
            Ok(seeds)
        } else {
            Err(ApiError::fields(errs))
        }
    }
}

fn is_color(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn input(hosts: &[&str]) -> ProfileInput {
        serde_json::from_value(serde_json::json!({"name": "p", "hosts": hosts})).unwrap()
    }

    #[test]
    fn hosts_parse() {
        assert_eq!(
            parse_host("a.b:3100", 3000).unwrap(),
            SeedHost {
                host: "a.b".into(),
                port: 3100
            }
        );
        assert_eq!(parse_host("10.0.0.1", 3000).unwrap().port, 3000);
        assert_eq!(parse_host("[::1]:4000", 3000).unwrap().host, "::1");
        assert_eq!(parse_host("[::1]", 3000).unwrap().port, 3000);
        assert!(parse_host("::1", 3000).is_err());
        assert!(parse_host("a:0", 3000).is_err());
        assert!(parse_host("a:x", 3000).is_err());
        assert!(parse_host("", 3000).is_err());
        assert!(parse_host("a b", 3000).is_err());
    }

    #[test]
    fn validation_collects_field_errors() {
        let mut p = input(&["ok:3000", "bad:99999"]);
        p.color = "blue".into();
        p.timeout_ms = 5;
        let e = p.validate().unwrap_err();
        let fields: Vec<_> = e.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["hosts[1]", "color", "timeoutMs"]);
        assert!(input(&["a"]).validate().is_ok());
        assert!(input(&[]).validate().is_err());
    }

    #[test]
    fn defaults_apply() {
        let p = input(&["h"]);
        assert_eq!(p.port, 3000);
        assert_eq!(p.color, DEFAULT_COLOR);
        assert_eq!(p.connect_timeout_ms, 5000);
        assert!(!p.use_services_alternate);
    }
}
