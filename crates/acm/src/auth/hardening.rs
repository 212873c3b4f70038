//! HTTP hardening for every response: the Host allow-list (defeats DNS rebinding) and the
//! security headers (CSP with `frame-ancestors 'none'`, nosniff, referrer policy, HSTS
//! under TLS, no caching of API answers).

use std::net::SocketAddr;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// The UI and Swagger UI load only same-origin scripts; styles may be inline (the UI's
/// components set style attributes); nothing may frame the manager.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Host names (without port) the manager answers to; `None` = any.
#[derive(Debug, Clone, Default)]
pub struct HostAllowList(Option<Vec<String>>);

impl HostAllowList {
    /// From `--allowed-hosts`; when empty: the loopback names for a loopback listen
    /// address, the address itself (and loopback names) for a specific one, any host for an
    /// unspecified address (0.0.0.0 / ::), where names cannot be known — authentication
    /// is required there anyway.
    pub fn new(configured: &[String], listen: SocketAddr) -> Self {
        let configured: Vec<String> = configured
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if configured.iter().any(|h| h == "*") {
            return Self(None);
        }
        if !configured.is_empty() {
            return Self(Some(configured));
        }
        let ip = listen.ip();
        if ip.is_unspecified() {
            return Self(None);
        }
        let mut v: Vec<String> = ["localhost", "127.0.0.1", "::1"]
            .into_iter()
            .map(String::from)
            .collect();
        if !ip.is_loopback() {
            v.push(ip.to_string());
        }
        Self(Some(v))
    }

    /// Whether a `Host` header value is allowed.
    pub fn allows(&self, host_header: &str) -> bool {
        let Some(list) = &self.0 else { return true };
        let h = host_header.trim().to_ascii_lowercase();
        let name = if let Some(rest) = h.strip_prefix('[') {
            rest.split(']').next().unwrap_or_default().to_string()
        } else {
            h.rsplit_once(':')
                .map_or(h.as_str(), |(n, p)| {
                    if p.chars().all(|c| c.is_ascii_digit()) {
                        n
                    } else {
                        h.as_str()
                    }
                })
                .to_string()
        };
        list.contains(&name)
    }

    /// True when every host is accepted.
    pub fn is_open(&self) -> bool {
        self.0.is_none()
    }
}

fn set(resp: &mut Response, name: header::HeaderName, value: &'static str) {
    if !resp.headers().contains_key(&name) {
        resp.headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
}

/// The middleware.
pub async fn harden(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        && !state.auth.hosts.allows(host)
    {
        let shown: String = host.chars().take(100).collect();
        return ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "host_not_allowed",
            format!(
                "this manager does not answer to the host `{shown}`; an administrator can add \
                 it with --allowed-hosts"
            ),
        )
        .into_response();
    }
    let api = req.uri().path().starts_with("/api/");
    let limit = state.config.request_timeout;
    let mut resp = match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request_timeout",
            format!(
                "the request took longer than {}s to start answering (--request-timeout)",
                limit.as_secs()
            ),
        )
        .into_response(),
    };
    set(&mut resp, header::CONTENT_SECURITY_POLICY, CSP);
    set(&mut resp, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(&mut resp, header::X_FRAME_OPTIONS, "DENY");
    set(&mut resp, header::REFERRER_POLICY, "no-referrer");
    set(
        &mut resp,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if state.auth.tls {
        set(
            &mut resp,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
    if api {
        set(&mut resp, header::CACHE_CONTROL, "no-store");
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_allow_list() {
        let lo: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let l = HostAllowList::new(&[], lo);
        assert!(l.allows("127.0.0.1:8080"));
        assert!(l.allows("LOCALHOST"));
        assert!(l.allows("[::1]:8080"));
        assert!(!l.allows("evil.example:8080"));
        assert!(!l.allows("127.0.0.1.evil.example"));
        let any = HostAllowList::new(&[], "0.0.0.0:80".parse().unwrap());
        assert!(any.is_open() && any.allows("whatever"));
        let named = HostAllowList::new(&["acm.example.com".into()], "0.0.0.0:80".parse().unwrap());
        assert!(named.allows("acm.example.com:443"));
        assert!(!named.allows("localhost"));
        let ip = HostAllowList::new(&[], "10.0.0.5:80".parse().unwrap());
        assert!(ip.allows("10.0.0.5") && ip.allows("localhost") && !ip.allows("10.0.0.6"));
        assert!(HostAllowList::new(&["*".into()], lo).is_open());
    }
}
