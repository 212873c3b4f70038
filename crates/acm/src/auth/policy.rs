//! What every route needs: the lowest role allowed, whether it writes, and how large a body
//! it accepts. One table, keyed by method and route template; `tests/authz_matrix.rs` fails
//! when a route of the OpenAPI document has no entry here.
//!
//! Kubernetes routes (`/api/v1/k8s/...`) follow one rule instead of entries, so routes
//! added there are covered the day they appear: reads need `viewer`, every write
//! (create, patch, delete, scale, operations, HPA, templates) needs `admin`.

use axum::http::Method;

use super::Role;

/// What a route does to the cluster or the manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads only (including POST routes that only read, like queries).
    Read,
    /// Changes something; refused on read-only profiles, audited.
    Write,
    /// Reads or writes depending on the body (info console, AQL): the handler checks
    /// [`super::guard::WriteAccess`]; audited.
    Mixed,
}

/// Request body size class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Small JSON (64 KiB).
    Small,
    /// Records, UDF sources, imports, scripts, manifests: the configured `--body-limit`.
    Large,
}

/// Bytes of a [`Body::Small`] request body.
pub const SMALL_BODY: usize = 64 * 1024;

/// The access rule of one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Lowest role allowed; `None` = public (no sign-in needed).
    pub role: Option<Role>,
    /// What it does.
    pub effect: Effect,
    /// Body size class.
    pub body: Body,
    /// Whether calls are written to the audit log.
    pub audit: bool,
}

const fn rule(role: Option<Role>, effect: Effect, body: Body) -> Rule {
    Rule {
        role,
        effect,
        body,
        audit: !matches!(effect, Effect::Read),
    }
}

use Body::{Large, Small};
use Effect::{Mixed, Read, Write};
use Role::{Admin, Operator, Viewer};

const PUBLIC: Option<Role> = None;
const V: Option<Role> = Some(Viewer);
const O: Option<Role> = Some(Operator);
const A: Option<Role> = Some(Admin);

/// Every route except `/api/v1/k8s/...`: (method, template, rule).
pub const TABLE: &[(&str, &str, Rule)] = &[
    // system
    ("GET", "/api/health", rule(PUBLIC, Read, Small)),
    ("GET", "/metrics", rule(V, Read, Small)),
    ("GET", "/api/v1/settings", rule(V, Read, Small)),
    // sign-in and self-service
    ("GET", "/api/v1/auth/config", rule(PUBLIC, Read, Small)),
    (
        "POST",
        "/api/v1/auth/login",
        Rule {
            audit: false,
            ..rule(PUBLIC, Write, Small)
        },
    ),
    // single sign-on; the callback audits every outcome itself
    ("GET", "/api/v1/auth/oidc/login", rule(PUBLIC, Read, Small)),
    (
        "GET",
        "/api/v1/auth/oidc/callback",
        rule(PUBLIC, Read, Small),
    ),
    ("POST", "/api/v1/auth/logout", rule(V, Write, Small)),
    ("GET", "/api/v1/auth/me", rule(V, Read, Small)),
    ("PUT", "/api/v1/auth/password", rule(V, Write, Small)),
    ("POST", "/api/v1/auth/reauth", rule(V, Write, Small)),
    ("GET", "/api/v1/auth/tokens", rule(V, Read, Small)),
    ("POST", "/api/v1/auth/tokens", rule(V, Write, Small)),
    ("DELETE", "/api/v1/auth/tokens/{id}", rule(V, Write, Small)),
    ("GET", "/api/v1/auth/users", rule(A, Read, Small)),
    ("POST", "/api/v1/auth/users", rule(A, Write, Small)),
    ("PUT", "/api/v1/auth/users/{name}", rule(A, Write, Small)),
    ("DELETE", "/api/v1/auth/users/{name}", rule(A, Write, Small)),
    ("GET", "/api/v1/audit", rule(A, Read, Small)),
    // connection profiles
    ("GET", "/api/v1/profiles", rule(V, Read, Small)),
    ("POST", "/api/v1/profiles", rule(A, Write, Small)),
    // Exporting passwords additionally needs admin + a fresh re-authentication (handler).
    (
        "GET",
        "/api/v1/profiles/export",
        Rule {
            audit: true,
            ..rule(V, Read, Small)
        },
    ),
    ("POST", "/api/v1/profiles/import", rule(A, Write, Large)),
    (
        "POST",
        "/api/v1/profiles/test",
        Rule {
            audit: true,
            ..rule(A, Read, Small)
        },
    ),
    ("GET", "/api/v1/profiles/{id}", rule(V, Read, Small)),
    ("PUT", "/api/v1/profiles/{id}", rule(A, Write, Small)),
    ("DELETE", "/api/v1/profiles/{id}", rule(A, Write, Small)),
    ("GET", "/api/v1/profiles/{id}/status", rule(V, Read, Small)),
    // cluster reads
    ("GET", "/api/v1/clusters/{id}/config", rule(V, Read, Small)),
    ("GET", "/api/v1/clusters/{id}/indexes", rule(V, Read, Small)),
    ("GET", "/api/v1/clusters/{id}/metrics", rule(V, Read, Small)),
    (
        "GET",
        "/api/v1/clusters/{id}/metrics/stream",
        rule(V, Read, Small),
    ),
    (
        "GET",
        "/api/v1/clusters/{id}/namespaces",
        rule(V, Read, Small),
    ),
    (
        "GET",
        "/api/v1/clusters/{id}/namespaces/{ns}",
        rule(V, Read, Small),
    ),
    (
        "GET",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets",
        rule(V, Read, Small),
    ),
    (
        "GET",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/export",
        rule(V, Read, Small),
    ),
    (
        "GET",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record",
        rule(V, Read, Small),
    ),
    (
        "GET",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/records",
        rule(V, Read, Small),
    ),
    ("GET", "/api/v1/clusters/{id}/nodes", rule(V, Read, Small)),
    ("GET", "/api/v1/clusters/{id}/roles", rule(V, Read, Small)),
    ("GET", "/api/v1/clusters/{id}/udfs", rule(V, Read, Small)),
    (
        "GET",
        "/api/v1/clusters/{id}/udfs/{filename}",
        rule(V, Read, Small),
    ),
    ("GET", "/api/v1/clusters/{id}/users", rule(V, Read, Small)),
    ("POST", "/api/v1/clusters/{id}/query", rule(V, Read, Small)),
    ("POST", "/api/v1/clusters/{id}/export", rule(V, Read, Small)),
    // read or write by content: the handler refuses writes for viewers and read-only profiles
    ("POST", "/api/v1/clusters/{id}/info", rule(V, Mixed, Small)),
    ("POST", "/api/v1/clusters/{id}/aql", rule(V, Mixed, Large)),
    // record writes and operations
    (
        "PUT",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record",
        rule(O, Write, Large),
    ),
    (
        "DELETE",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record",
        rule(O, Write, Small),
    ),
    (
        "DELETE",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record/bins/{bin}",
        rule(O, Write, Small),
    ),
    (
        "POST",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/record/duplicate",
        rule(O, Write, Small),
    ),
    (
        "POST",
        "/api/v1/clusters/{id}/indexes",
        rule(O, Write, Small),
    ),
    (
        "DELETE",
        "/api/v1/clusters/{id}/indexes/{ns}/{name}",
        rule(O, Write, Small),
    ),
    (
        "POST",
        "/api/v1/clusters/{id}/udfs/{filename}/execute",
        rule(O, Write, Small),
    ),
    // cluster administration
    (
        "POST",
        "/api/v1/clusters/{id}/config",
        rule(A, Write, Small),
    ),
    (
        "POST",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/truncate",
        rule(A, Write, Small),
    ),
    (
        "POST",
        "/api/v1/clusters/{id}/namespaces/{ns}/sets/{set}/truncate-token",
        rule(A, Write, Small),
    ),
    (
        "PUT",
        "/api/v1/clusters/{id}/udfs/{filename}",
        rule(A, Write, Large),
    ),
    (
        "DELETE",
        "/api/v1/clusters/{id}/udfs/{filename}",
        rule(A, Write, Small),
    ),
    ("POST", "/api/v1/clusters/{id}/users", rule(A, Write, Small)),
    (
        "DELETE",
        "/api/v1/clusters/{id}/users/{user}",
        rule(A, Write, Small),
    ),
    (
        "PUT",
        "/api/v1/clusters/{id}/users/{user}/password",
        rule(A, Write, Small),
    ),
    (
        "POST",
        "/api/v1/clusters/{id}/users/{user}/roles",
        rule(A, Write, Small),
    ),
    ("POST", "/api/v1/clusters/{id}/roles", rule(A, Write, Small)),
    (
        "DELETE",
        "/api/v1/clusters/{id}/roles/{role}",
        rule(A, Write, Small),
    ),
    (
        "POST",
        "/api/v1/clusters/{id}/roles/{role}/privileges",
        rule(A, Write, Small),
    ),
];

/// Prefix of the Kubernetes routes (one rule for all of them).
pub const K8S_PREFIX: &str = "/api/v1/k8s/";

/// Prefix of the routes that act on one connection profile's cluster.
pub const CLUSTER_PREFIX: &str = "/api/v1/clusters/{id}";

/// The rule of a route template, or `None` when the table has no entry.
pub fn explicit(method: &Method, route: &str) -> Option<Rule> {
    let m = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    if route.starts_with(K8S_PREFIX) {
        return Some(if m == "GET" {
            rule(V, Read, Small)
        } else {
            rule(A, Write, Large)
        });
    }
    TABLE
        .iter()
        .find(|(tm, tr, _)| *tm == m && *tr == route)
        .map(|(_, _, r)| *r)
}

/// The rule the guard applies: the table's, else fail closed for API routes (admin only)
/// and public for everything else (the UI's static files, the OpenAPI document, Swagger UI).
pub fn lookup(method: &Method, route: &str) -> Rule {
    explicit(method, route).unwrap_or_else(|| {
        if route.starts_with("/api/v1/") || route == "/metrics" {
            rule(A, Write, Small)
        } else {
            rule(PUBLIC, Read, Small)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_no_duplicates_and_heads_are_gets() {
        let mut seen = std::collections::HashSet::new();
        for (m, r, _) in TABLE {
            assert!(seen.insert((m, r)), "duplicate entry {m} {r}");
        }
        assert_eq!(
            lookup(&Method::HEAD, "/api/v1/profiles"),
            lookup(&Method::GET, "/api/v1/profiles")
        );
    }

    #[test]
    fn unknown_api_routes_fail_closed() {
        let r = lookup(&Method::POST, "/api/v1/something-new");
        assert_eq!(r.role, Some(Role::Admin));
        assert_eq!(lookup(&Method::GET, "/api/docs/{*rest}").role, None);
        assert_eq!(
            lookup(&Method::DELETE, "/api/v1/k8s/templates/{name}").role,
            Some(Role::Admin)
        );
        assert_eq!(
            lookup(&Method::GET, "/api/v1/k8s/anything/new").role,
            Some(Role::Viewer)
        );
    }
}
