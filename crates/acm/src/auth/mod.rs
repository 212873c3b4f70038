//! Access control of the manager: who is calling ([`Principal`]), what each route needs
//! ([`policy`]), the middleware that enforces both ([`guard`]), local users, sessions and
//! API tokens in SQLite ([`store`]), argon2id passwords ([`password`]), login throttling
//! ([`ratelimit`]) and the audit log ([`audit`]).
//!
//! Authentication is on by default. `--no-auth` is accepted only on a loopback listen
//! address (and logs a warning); `--demo` on loopback runs without authentication unless
//! `--require-auth` is given. Every request of an authenticated route then carries a
//! [`Principal`] extension; with authentication off it is [`Principal::local`], an admin.

pub mod audit;
pub mod guard;
pub mod hardening;
pub mod oidc;
pub mod password;
pub mod policy;
pub mod ratelimit;
pub mod store;
pub mod targets;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A role of a manager user. Ordered: every role can do what the roles before it can.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read everything except secrets.
    Viewer,
    /// Viewer + record writes and operations (indexes, UDF execution, queries that write).
    Operator,
    /// Everything: profiles, manager users, cluster configuration, truncation, Kubernetes.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// The stored / wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// Parse a stored / wire name.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Some(Role::Viewer),
            "operator" => Some(Role::Operator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthVia {
    /// Authentication is off (`--no-auth`, or `--demo` on loopback).
    None,
    /// A session cookie (browser); writes need the CSRF header.
    Session,
    /// An API token (`Authorization: Bearer acm_...`).
    Token,
}

/// The authenticated caller of a request (a request extension set by [`guard`]).
#[derive(Debug, Clone)]
pub struct Principal {
    /// User id (0 for the local pseudo-user when authentication is off).
    pub user_id: i64,
    /// User name.
    pub name: String,
    /// Effective role (a token's role never exceeds its user's).
    pub role: Role,
    /// How the caller authenticated.
    pub via: AuthVia,
    /// Session id hash, for session-bound actions (logout, re-authentication).
    pub session: Option<String>,
    /// Unix seconds of the last password re-entry in this session.
    pub reauth_at: Option<i64>,
    /// The session's CSRF token.
    pub csrf: Option<String>,
}

impl Principal {
    /// The caller when authentication is off: an admin named `local`.
    pub fn local() -> Self {
        Self {
            user_id: 0,
            name: "local".into(),
            role: Role::Admin,
            via: AuthVia::None,
            session: None,
            reauth_at: None,
            csrf: None,
        }
    }
}

/// Access-control state shared by the middleware and the auth routes.
#[derive(Debug)]
pub struct AuthState {
    /// Whether sign-in is required.
    pub enabled: bool,
    /// Users, sessions, tokens.
    pub users: store::UserStore,
    /// The audit log.
    pub audit: audit::AuditLog,
    /// Login throttling.
    pub limiter: ratelimit::LoginLimiter,
    /// Host header allow-list.
    pub hosts: hardening::HostAllowList,
    /// Served over TLS (cookies are `Secure`, HSTS is sent).
    pub tls: bool,
    /// Single sign-on, when an issuer is configured.
    pub oidc: Option<std::sync::Arc<oidc::Oidc>>,
}

/// Window of the login throttle, in seconds.
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;

impl AuthState {
    /// Build from the configuration (after [`crate::Config::auth_decision`]).
    pub fn new(
        config: &crate::Config,
        enabled: bool,
        pool: sqlx::SqlitePool,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            enabled,
            users: store::UserStore::new(
                pool.clone(),
                i64::try_from(config.session_ttl.as_secs()).unwrap_or(i64::MAX / 2),
            ),
            audit: audit::AuditLog::new(pool),
            limiter: ratelimit::LoginLimiter::new(
                config.login_max_failures.max(1),
                LOGIN_WINDOW_SECS,
            ),
            hosts: hardening::HostAllowList::new(&config.allowed_hosts, config.listen),
            tls: config.tls_cert.is_some(),
            oidc: oidc::Oidc::from_config(config)?.map(std::sync::Arc::new),
        })
    }

    /// The session cookie's name (`__Host-` prefixed under TLS).
    pub fn cookie_name(&self) -> &'static str {
        if self.tls {
            guard::COOKIE_TLS
        } else {
            guard::COOKIE
        }
    }

    /// The `Set-Cookie` value of a new session.
    pub fn session_cookie(&self, id: &str, max_age: i64) -> String {
        let secure = if self.tls { "; Secure" } else { "" };
        format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
            self.cookie_name()
        )
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clear_cookie(&self) -> String {
        self.session_cookie("", 0)
    }
}

/// Current unix time in seconds.
pub fn now_unix() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// 32 random bytes as URL-safe base64 (no padding) with a prefix: session ids, CSRF and API
/// tokens.
pub fn random_token(prefix: &str) -> anyhow::Result<String> {
    use base64::Engine;
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    Ok(format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
    ))
}

/// SHA-256 hex of a secret (session ids and tokens are stored only as this).
pub fn sha256_hex(secret: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(secret.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time equality of two strings (CSRF tokens).
pub fn ct_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        assert!(Role::Viewer < Role::Operator && Role::Operator < Role::Admin);
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token("acm_").unwrap();
        let b = random_token("acm_").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("acm_") && a.len() == 4 + 43);
        assert_eq!(sha256_hex("abc").len(), 64);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(ct_eq("abc", "abc"));
        assert!(!ct_eq("abc", "abd"));
        assert!(!ct_eq("abc", "abcd"));
    }
}
