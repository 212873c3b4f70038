//! Kubernetes name rules, checked before a name reaches the API (in a path, a selector or an
//! object): RFC 1123 labels for namespaces and cluster names, RFC 1123 subdomains for other
//! objects.

use crate::error::{ApiError, ApiResult};

fn label_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Whether `s` is an RFC 1123 label (namespaces, cluster names).
pub fn is_dns_label(s: &str) -> bool {
    label_ok(s)
}

/// Whether `s` is an RFC 1123 subdomain (pods, secrets, templates, ...).
pub fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(label_ok)
}

fn bad(field: &str, what: &str, value: &str, rule: &str) -> ApiError {
    let mut e = ApiError::field(
        field,
        format!("{what} {value:?} is not a valid Kubernetes name: {rule}"),
    );
    e.code = "invalid_path";
    e
}

/// A namespace or cluster name in a path (400 `invalid_path` otherwise).
pub fn label(field: &str, what: &str, value: &str) -> ApiResult<()> {
    if is_dns_label(value) {
        Ok(())
    } else {
        Err(bad(
            field,
            what,
            value,
            "use 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit",
        ))
    }
}

/// An object name in a path (400 `invalid_path` otherwise).
pub fn subdomain(field: &str, what: &str, value: &str) -> ApiResult<()> {
    if is_dns_subdomain(value) {
        Ok(())
    } else {
        Err(bad(
            field,
            what,
            value,
            "use at most 253 characters: lowercase letters, digits, '-' and '.'",
        ))
    }
}

/// Namespace and cluster name of a cluster path.
pub fn cluster_path(namespace: &str, name: &str) -> ApiResult<()> {
    label("namespace", "namespace", namespace)?;
    label("name", "cluster name", name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_name_rules() {
        assert!(is_dns_label("demo-1"));
        assert!(!is_dns_label("Demo"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label("a-"));
        assert!(!is_dns_label(""));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(!is_dns_label("a.b"));
        assert!(is_dns_subdomain("a.b-c"));
        assert!(!is_dns_subdomain("a..b"));
        assert!(!is_dns_subdomain("a/b"));
        assert!(!is_dns_subdomain("a b"));
        assert_eq!(cluster_path("x", "Bad").unwrap_err().code, "invalid_path");
    }
}
