//! `/api/v1/auth/oidc/...`: single sign-on. `login` redirects the browser to the identity
//! provider (PKCE S256, `state`, `nonce`) and binds the `state` to the browser with a
//! short-lived cookie; `callback` checks that binding, exchanges the code, verifies the ID
//! token, maps the groups to a role, upserts the user and starts a normal session (the
//! same cookie as a password sign-in), then redirects to the UI. Every callback outcome
//! is audited; refusals are 403 with a plain reason.
//!
//! Both routes are public, so both go through the sign-in throttle of password logins, by
//! client address ([`crate::auth::ratelimit`]): a started sign-in counts as a failure until
//! its callback signs the user in, and so does a callback that finishes no sign-in of this
//! browser; past `--login-max-failures` in 15 minutes they answer 429 with `Retry-After`.

use axum::extract::State;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::{auth_disabled, ip_of, throttled};
use crate::auth::audit::NewEntry;
use crate::auth::oidc::{Oidc, PENDING_TTL_SECS, Pending, Refusal};
use crate::auth::{ct_eq, now_unix};
use crate::error::{ApiError, ApiQuery, ApiResult};
use crate::state::AppState;

/// Cookie binding a started sign-in to the browser (SameSite=Lax: it must come back on the
/// identity provider's top-level redirect).
pub const STATE_COOKIE: &str = "acm_oidc_state";
const CALLBACK: &str = "/api/v1/auth/oidc/callback";
const LOGIN: &str = "/api/v1/auth/oidc/login";

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(oidc_login))
        .routes(routes!(oidc_callback))
}

fn configured(state: &AppState) -> ApiResult<std::sync::Arc<Oidc>> {
    if !state.auth.enabled {
        return Err(auth_disabled());
    }
    state.auth.oidc.clone().ok_or_else(|| {
        ApiError::not_found(
            "oidc_disabled",
            "single sign-on is not configured on this manager (start it with --oidc-issuer, \
             --oidc-client-id and --oidc-redirect-url)",
        )
    })
}

fn state_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.auth.tls { "; Secure" } else { "" };
    format!(
        "{STATE_COOKIE}={value}; Path=/api/v1/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    )
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn redirect(to: &str, cookies: &[String]) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

/// Start single sign-on: redirects (302) to the identity provider's authorization
/// endpoint with `code_challenge` (S256), `state` and `nonce`, and sets a short-lived
/// cookie binding the `state` to this browser.
#[utoipa::path(get, path = "/auth/oidc/login", tag = "auth",
    responses((status = 302, description = "Redirect to the identity provider",
                headers(("location" = String, description = "The authorization URL"),
                        ("set-cookie" = String, description = "The state-binding cookie"))),
              (status = 404, description = "single sign-on is not configured", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 409, description = "authentication is off", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 429, description = "too many unfinished or failed sign-ins from this address (a browser is redirected to `/?ssoError=throttled`)",
                body = crate::error::Problem, content_type = "application/problem+json",
                headers(("retry-after" = i64, description = "Seconds until another attempt is allowed"))),
              (status = 502, description = "the identity provider cannot be reached", body = crate::error::Problem, content_type = "application/problem+json")))]
async fn oidc_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    ext: Extensions,
) -> ApiResult<Response> {
    let oidc = configured(&state)?;
    let ip = ip_of(&ext);
    let now = now_unix();
    if let Some(wait) = state.auth.limiter.blocked_for_address(ip.as_deref(), now) {
        state
            .auth
            .audit
            .record(NewEntry {
                actor: "anonymous".into(),
                method: "GET".into(),
                route: LOGIN.into(),
                target: LOGIN.into(),
                status: 429,
                ip,
                detail: "single sign-on throttled".into(),
            })
            .await;
        return Ok(throttled_for(&state, &headers, wait));
    }
    // Counts until the callback signs the user in (then it is forgiven).
    state.auth.limiter.failed_address(ip.as_deref(), now);
    let (url, st) = oidc.begin().await?;
    Ok(redirect(
        &url,
        &[state_cookie(&state, &st, PENDING_TTL_SECS)],
    ))
}

/// What the identity provider sends back.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// Authorization code.
    pub code: Option<String>,
    /// The `state` of the sign-in.
    pub state: Option<String>,
    /// Error code when the identity provider did not sign the user in.
    pub error: Option<String>,
    /// Its explanation.
    pub error_description: Option<String>,
}

/// Finish single sign-on: checks `state` against the browser's cookie, exchanges the code
/// (with the PKCE verifier), verifies the ID token (signature by the issuer's JWKS, `iss`,
/// `aud`, `exp`, `nonce`), maps the groups claim to a role (`--oidc-role-map`), then sets
/// the session cookie and redirects (302) to the UI. Refusals are 403 with the reason; a
/// browser (`Accept: text/html`) is instead redirected (302) to `/?ssoError=<reason>`.
#[utoipa::path(get, path = "/auth/oidc/callback", tag = "auth", params(CallbackQuery),
    responses((status = 302, description = "Signed in (or, for a browser, refused): redirect to the UI",
                headers(("location" = String, description = "The UI"),
                        ("set-cookie" = String, description = "The session cookie"))),
              (status = 400, description = "malformed callback", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 403, description = "sign-in refused (state, token or role)", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 404, description = "single sign-on is not configured", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 409, description = "authentication is off, or the name belongs to a local user", body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 429, description = "too many failed sign-ins from this address (a browser is redirected to `/?ssoError=throttled`)",
                body = crate::error::Problem, content_type = "application/problem+json",
                headers(("retry-after" = i64, description = "Seconds until another attempt is allowed"))),
              (status = 502, description = "the identity provider cannot be reached", body = crate::error::Problem, content_type = "application/problem+json")))]
async fn oidc_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    ext: Extensions,
    ApiQuery(q): ApiQuery<CallbackQuery>,
) -> ApiResult<Response> {
    let oidc = configured(&state)?;
    let ip = ip_of(&ext);
    let now = now_unix();
    // The sign-in this callback finishes: this browser's (the state cookie) and still live.
    let bound = q.state.as_deref().is_some_and(|st| {
        let c = cookie_value(&headers, STATE_COOKIE).unwrap_or_default();
        !c.is_empty() && ct_eq(c, st)
    });
    let pending = if bound {
        q.state.as_deref().and_then(|st| oidc.take(st))
    } else {
        None
    };
    let audit = |actor: &str, status: u16, detail: String| NewEntry {
        actor: actor.chars().take(64).collect(),
        method: "GET".into(),
        route: CALLBACK.into(),
        target: CALLBACK.into(),
        status,
        ip: ip.clone(),
        detail,
    };
    if pending.is_none() {
        // A started sign-in was counted at /login; anything else counts now.
        if let Some(wait) = state.auth.limiter.blocked_for_address(ip.as_deref(), now) {
            state
                .auth
                .audit
                .record(audit("anonymous", 429, "single sign-on throttled".into()))
                .await;
            return Ok(throttled_for(&state, &headers, wait));
        }
        state.auth.limiter.failed_address(ip.as_deref(), now);
    }
    let mut actor = String::from("anonymous");
    let result = finish(&state, &oidc, bound, pending, &q, &mut actor).await;
    let (status, detail) = match &result {
        Ok((_, note)) => (302, note.clone()),
        Err((e, _)) => (e.status.as_u16(), e.detail.clone()),
    };
    state.auth.audit.record(audit(&actor, status, detail)).await;
    match result {
        Ok((r, _)) => {
            state.auth.limiter.forgive_address(ip.as_deref());
            Ok(r)
        }
        // A browser gets the sign-in page with a fixed reason (not the free text, which the
        // query string would let anyone forge); the details are in the audit log.
        Err((_, reason)) if wants_html(&headers) => Ok(redirect(
            &format!("/?ssoError={reason}"),
            &[state_cookie(&state, "", 0)],
        )),
        Err((e, _)) => Err(e),
    }
}

/// The throttle's answer: 429 with `Retry-After`, or for a browser the sign-in page, which
/// explains it (`/?ssoError=throttled`).
fn throttled_for(state: &AppState, headers: &HeaderMap, wait: i64) -> Response {
    if wants_html(headers) {
        redirect("/?ssoError=throttled", &[state_cookie(state, "", 0)])
    } else {
        throttled(wait)
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// A refusal and its reason for the sign-in page: `state`, `token`, `role`, `user`,
/// `provider` (and, before [`finish`], `throttled`).
type Failure = (ApiError, &'static str);

fn tag<E: Into<ApiError>>(reason: &'static str) -> impl FnOnce(E) -> Failure {
    move |e| (e.into(), reason)
}

/// The rest of the callback, after the throttle: the redirect with the session cookie and
/// the audit note, or the refusal.
async fn finish(
    state: &AppState,
    oidc: &Oidc,
    bound: bool,
    pending: Option<Pending>,
    q: &CallbackQuery,
    actor: &mut String,
) -> Result<(Response, String), Failure> {
    let refused = |m: String| ApiError::from(Refusal::Refused(m));
    if let Some(err) = &q.error {
        return Err((
            refused(format!(
                "the identity provider did not sign you in: {err} {}",
                q.error_description.as_deref().unwrap_or_default()
            )),
            "provider",
        ));
    }
    let (Some(code), Some(_)) = (q.code.as_deref(), q.state.as_deref()) else {
        return Err((
            ApiError::bad_request(
                "the callback needs `code` and `state` query parameters (start at /api/v1/auth/oidc/login)",
            ),
            "state",
        ));
    };
    if !bound {
        return Err((
            refused(
                "the sign-in state does not match this browser's; start again from the sign-in page"
                    .into(),
            ),
            "state",
        ));
    }
    let Some(pending) = pending else {
        return Err((
            refused(
                "this sign-in is unknown, already used or older than 10 minutes; start again"
                    .into(),
            ),
            "state",
        ));
    };
    let id_token = oidc
        .exchange(code, &pending.verifier)
        .await
        .map_err(tag("provider"))?;
    let claims = oidc
        .verify(&id_token, &pending.nonce)
        .await
        .map_err(tag("token"))?;
    let Some(name) = oidc.username(&claims) else {
        return Err((
            refused("the ID token names no user (no username, email or sub claim)".into()),
            "token",
        ));
    };
    *actor = name.clone();
    let groups = oidc.groups(&claims);
    let Some(role) = oidc.role_for(&groups) else {
        return Err((
            refused(format!(
                "none of your groups {groups:?} (claim `{}`) is mapped to a role; ask an admin \
                 to add one to --oidc-role-map",
                oidc.groups_claim
            )),
            "role",
        ));
    };
    let (user, not_applied) = state
        .auth
        .users
        .upsert_oidc(&name, role)
        .await
        .map_err(tag("user"))?;
    let note = match not_applied {
        None => "signed in with single sign-on".to_string(),
        Some(mapped) => {
            tracing::warn!(
                user = %name,
                mapped = %mapped,
                "single sign-on: the groups map to {mapped}, but {name} is the last enabled \
                 admin of this manager and keeps admin; make another user admin"
            );
            format!(
                "signed in with single sign-on; WARNING: the groups map to {mapped}, but this \
                 is the last enabled admin, so the role stays admin (make another user admin; \
                 the next sign-in then applies {mapped})"
            )
        }
    };
    if user.disabled {
        return Err((
            refused(format!(
                "the manager account `{name}` is disabled; ask an admin to enable it"
            )),
            "user",
        ));
    }
    let session = state
        .auth
        .users
        .start_session(&user)
        .await
        .map_err(tag("provider"))?;
    let cookie = state
        .auth
        .session_cookie(&session.id, session.expires_at - now_unix());
    Ok((redirect("/", &[cookie, state_cookie(state, "", 0)]), note))
}
