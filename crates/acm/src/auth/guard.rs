//! The access middleware: authenticate (session cookie or API token), check CSRF on
//! cookie-authenticated writes, check the route's role, refuse writes on read-only
//! profiles, bound the body, then audit the outcome. It runs after routing, so it knows the
//! route template ([`MatchedPath`]) and applies [`super::policy`] to every route — the
//! Kubernetes routes included — without any handler doing it itself.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::audit::NewEntry;
use super::policy::{self, Body as BodyClass, CLUSTER_PREFIX, Effect, SMALL_BODY};
use super::{AuthVia, Principal, Role, ct_eq};
use crate::error::ApiError;
use crate::state::AppState;

/// Header carrying the CSRF token on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Session cookie name over plain HTTP.
pub const COOKIE: &str = "acm_session";
/// Session cookie name over TLS (`__Host-` binds it to this host, Secure, path `/`).
pub const COOKIE_TLS: &str = "__Host-acm_session";

/// For routes that read or write depending on the request (info console, AQL): whether
/// this caller may write to this profile, and if not, why.
#[derive(Debug, Clone)]
pub struct WriteAccess {
    /// Why writes are refused; `None` when they are allowed.
    pub refused: Option<String>,
}

impl WriteAccess {
    /// Allowed.
    pub fn allowed() -> Self {
        Self { refused: None }
    }
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn client_ip(req: &Request) -> Option<String> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", detail)
}

fn forbidden(code: &'static str, detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, code, detail)
}

/// Who is calling: `Ok(None)` when no credentials were sent, `Err` for bad credentials.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    if !state.auth.enabled {
        return Ok(Some(Principal::local()));
    }
    if let Some(v) = headers.get(header::AUTHORIZATION) {
        let token = v
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| unauthenticated("the Authorization header must be `Bearer acm_...`"))?;
        return match state.auth.users.token(token).await? {
            Some(p) => Ok(Some(p)),
            None => Err(unauthenticated(
                "the API token is unknown, revoked or expired; create a new one under your user menu",
            )),
        };
    }
    let name = state.auth.cookie_name();
    match cookie(headers, name) {
        Some(c) => Ok(state.auth.users.session(c).await?),
        None => Ok(None),
    }
}

/// Whether an `Origin` header (when present) names this server (or a CORS origin).
fn origin_ok(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if state.config.cors_origins.iter().any(|o| o.trim() == origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
}

/// The profile id of a `/api/v1/clusters/{id}/...` path.
fn profile_id(path: &str) -> Option<i64> {
    path.strip_prefix("/api/v1/clusters/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

async fn profile_read_only(state: &AppState, path: &str) -> bool {
    match profile_id(path) {
        Some(id) => state
            .store
            .get(id)
            .await
            .is_ok_and(|p| crate::profiles::is_read_only(&p)),
        None => false,
    }
}

/// The decision for one request: the principal to attach, or the refusal (with the name of
/// the caller when known, for the audit log).
async fn decide(
    state: &AppState,
    req: &mut Request,
    route: &str,
    rule: policy::Rule,
) -> Result<Option<Principal>, (ApiError, Option<String>)> {
    let principal = authenticate(state, req.headers())
        .await
        .map_err(|e| (e, None))?;
    let name = principal.as_ref().map(|p| p.name.clone());
    check(state, req, route, rule, principal)
        .await
        .map_err(|e| (e, name))
}

async fn check(
    state: &AppState,
    req: &mut Request,
    route: &str,
    rule: policy::Rule,
    principal: Option<Principal>,
) -> Result<Option<Principal>, ApiError> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if state.auth.enabled && writes && !origin_ok(state, req.headers()) {
        return Err(forbidden(
            "origin_not_allowed",
            "the request's Origin is not this server; cross-site writes are refused",
        ));
    }
    let Some(need) = rule.role else {
        return Ok(principal);
    };
    let Some(p) = principal else {
        return Err(unauthenticated(
            "sign in first (POST /api/v1/auth/login), or send an API token as \
             `Authorization: Bearer acm_...`",
        ));
    };
    if p.via == AuthVia::Session && writes {
        let sent = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        let ok = matches!((sent, p.csrf.as_deref()), (Some(s), Some(c)) if ct_eq(s, c));
        if !ok {
            return Err(forbidden(
                "csrf_failed",
                format!(
                    "missing or wrong {CSRF_HEADER} header: cookie-authenticated writes must \
                     echo the csrfToken from sign-in (GET /api/v1/auth/me returns it)"
                ),
            ));
        }
    }
    if p.role < need {
        return Err(forbidden(
            "forbidden",
            format!(
                "your role `{}` may not {} {route}; it needs `{need}`",
                p.role,
                req.method()
            ),
        ));
    }
    if route.starts_with(CLUSTER_PREFIX) {
        match rule.effect {
            Effect::Write => {
                if profile_read_only(state, req.uri().path()).await {
                    return Err(forbidden(
                        "profile_read_only",
                        "this connection profile is read-only (label `read-only: true`); \
                         an admin can change that in the profile",
                    ));
                }
            }
            Effect::Mixed => {
                let refused = if p.role < Role::Operator {
                    Some(format!("your role `{}` may only read", p.role))
                } else if profile_read_only(state, req.uri().path()).await {
                    Some("the profile is read-only (label `read-only: true`)".to_string())
                } else {
                    None
                };
                req.extensions_mut().insert(WriteAccess { refused });
            }
            Effect::Read => {}
        }
    }
    Ok(Some(p))
}

/// The middleware (see the module documentation).
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(route) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
    else {
        return next.run(req).await;
    };
    let rule = policy::lookup(req.method(), &route);
    let method = req.method().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), ToString::to_string);
    let ip = client_ip(&req);
    let decision = decide(&state, &mut req, &route, rule).await;
    let (actor, response) = match decision {
        Ok(principal) => {
            let actor = principal.as_ref().map(|p| p.name.clone());
            if let Some(p) = principal {
                req.extensions_mut().insert(p);
            }
            if req.extensions().get::<WriteAccess>().is_none() {
                req.extensions_mut().insert(WriteAccess::allowed());
            }
            let limit = match rule.body {
                BodyClass::Small => SMALL_BODY.min(state.config.body_limit),
                BodyClass::Large => state.config.body_limit,
            };
            let req = req.map(|b| Body::new(http_body_util::Limited::new(b, limit)));
            (actor, next.run(req).await)
        }
        Err((e, actor)) => (actor, e.into_response()),
    };
    if rule.audit {
        state
            .auth
            .audit
            .record(NewEntry {
                actor: actor.unwrap_or_else(|| "anonymous".into()),
                method,
                route,
                target,
                status: response.status().as_u16(),
                ip,
                detail: String::new(),
            })
            .await;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_profile_ids() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; acm_session=xyz; b=2".parse().unwrap());
        assert_eq!(cookie(&h, "acm_session"), Some("xyz"));
        assert_eq!(cookie(&h, "acm"), None);
        assert_eq!(profile_id("/api/v1/clusters/12/namespaces"), Some(12));
        assert_eq!(profile_id("/api/v1/clusters/x/namespaces"), None);
        assert_eq!(profile_id("/api/v1/profiles/3"), None);
    }
}
