//! `/api/v1/auth/...`: sign-in and sign-out, the caller's session, password change and
//! re-authentication, API tokens, and (admins) the manager's users.

use axum::extract::{ConnectInfo, State};
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::audit::NewEntry;
use crate::auth::store::{ApiToken, User};
use crate::auth::{AuthVia, Principal, Role, now_unix};
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiResult, Problem};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth_config))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(change_own_password))
        .routes(routes!(reauth))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(delete_token))
        .routes(routes!(list_manager_users, create_manager_user))
        .routes(routes!(update_manager_user, delete_manager_user))
}

/// How the manager authenticates (public: the UI reads it before sign-in).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthConfig {
    /// False when authentication is off (`--no-auth`, or `--demo` on loopback).
    pub auth_enabled: bool,
    /// Whether single sign-on (OIDC) is configured.
    pub oidc_enabled: bool,
    /// Whether the manager is served over TLS.
    pub tls: bool,
}

/// Report how sign-in works.
#[utoipa::path(get, path = "/auth/config", tag = "auth",
    responses((status = 200, body = AuthConfig)))]
async fn auth_config(State(state): State<AppState>) -> Json<AuthConfig> {
    Json(AuthConfig {
        auth_enabled: state.auth.enabled,
        oidc_enabled: state.auth.enabled && state.auth.oidc.is_some(),
        tls: state.auth.tls,
    })
}

/// Sign-in request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// User name.
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    /// Password.
    #[schema(max_length = 1024)]
    pub password: String,
}

/// The caller and their session.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// User name (`local` when authentication is off).
    pub name: String,
    /// Role.
    pub role: Role,
    /// How the caller authenticated.
    pub via: AuthVia,
    /// Echo this in the `X-CSRF-Token` header of every write made with the session cookie.
    pub csrf_token: Option<String>,
    /// Whether authentication is on.
    pub auth_enabled: bool,
}

fn info(state: &AppState, p: &Principal) -> SessionInfo {
    SessionInfo {
        name: p.name.clone(),
        role: p.role,
        via: p.via,
        csrf_token: p.csrf.clone(),
        auth_enabled: state.auth.enabled,
    }
}

pub(crate) fn ip_of(ext: &Extensions) -> Option<String> {
    ext.get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

pub(crate) fn with_cookie(cookie: &str, body: impl IntoResponse) -> Response {
    let mut r = body.into_response();
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

pub(crate) fn auth_disabled() -> ApiError {
    ApiError::conflict(
        "auth_disabled",
        "authentication is off on this manager (--no-auth or --demo on loopback); there is \
         nothing to sign in to",
    )
}

/// 429 `too_many_attempts` with `Retry-After`: the sign-in throttle (password and single
/// sign-on share it, see [`crate::auth::ratelimit`]).
pub(crate) fn throttled(wait: i64) -> Response {
    let mut r = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!("too many failed sign-ins; try again in {wait} seconds"),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "unknown user name or wrong password",
    )
}

/// Sign in with a user name and password: sets the session cookie (HttpOnly,
/// SameSite=Strict, Secure under TLS) and returns the CSRF token. Repeated failures for a
/// user name or client address are refused with 429 for 15 minutes.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo, headers(("set-cookie" = String, description = "The session cookie"))),
              (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "authentication is off", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "too many failed attempts", body = Problem, content_type = "application/problem+json")))]
async fn login(
    State(state): State<AppState>,
    ext: Extensions,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    if !state.auth.enabled {
        return Err(auth_disabled());
    }
    let ip = ip_of(&ext);
    let audit = |status: u16, detail: &str| NewEntry {
        actor: req.username.chars().take(64).collect(),
        method: "POST".into(),
        route: "/api/v1/auth/login".into(),
        target: "/api/v1/auth/login".into(),
        status,
        ip: ip.clone(),
        detail: detail.into(),
    };
    let now = now_unix();
    if let Some(wait) = state
        .auth
        .limiter
        .blocked_for(&req.username, ip.as_deref(), now)
    {
        state
            .auth
            .audit
            .record(audit(429, "sign-in throttled"))
            .await;
        return Ok(throttled(wait));
    }
    let Some(user) = state
        .auth
        .users
        .verify(&req.username, &req.password)
        .await?
    else {
        state.auth.limiter.failed(&req.username, ip.as_deref(), now);
        state
            .auth
            .audit
            .record(audit(401, "wrong user name or password"))
            .await;
        return Err(invalid_credentials());
    };
    state.auth.limiter.succeeded(&req.username);
    let session = state.auth.users.start_session(&user).await?;
    state.auth.audit.record(audit(200, "signed in")).await;
    let p = Principal {
        user_id: user.id,
        name: user.name.clone(),
        role: user.role,
        via: AuthVia::Session,
        session: None,
        reauth_at: None,
        csrf: Some(session.csrf.clone()),
    };
    let cookie = state
        .auth
        .session_cookie(&session.id, session.expires_at - now);
    Ok(with_cookie(&cookie, Json(info(&state, &p))))
}

/// Sign out: ends the session and clears the cookie.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out")))]
async fn logout(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Response> {
    if let Some(s) = &p.session {
        state.auth.users.end_session(s).await?;
    }
    Ok(with_cookie(
        &state.auth.clear_cookie(),
        StatusCode::NO_CONTENT,
    ))
}

/// The caller: name, role, and the CSRF token of the session.
#[utoipa::path(get, path = "/auth/me", tag = "auth",
    responses((status = 200, body = SessionInfo)))]
async fn me(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> Json<SessionInfo> {
    Json(info(&state, &p))
}

/// Password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    #[schema(max_length = 1024)]
    pub current_password: String,
    /// The new password (at least 12 characters).
    #[schema(min_length = 12, max_length = 1024)]
    pub new_password: String,
}

/// Change your own password. Every session of the user ends; the caller gets a new one.
#[utoipa::path(put, path = "/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 200, body = SessionInfo),
              (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "authentication is off", body = Problem, content_type = "application/problem+json")))]
async fn change_own_password(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<Response> {
    if p.via == AuthVia::None {
        return Err(auth_disabled());
    }
    if !state
        .auth
        .users
        .check_password(p.user_id, &req.current_password)
        .await?
    {
        return Err(invalid_credentials());
    }
    if let Some(w) = crate::auth::password::weakness(&req.new_password) {
        return Err(ApiError::field("newPassword", w));
    }
    state
        .auth
        .users
        .set_password(&p.name, &req.new_password)
        .await?;
    let user = state.auth.users.get(&p.name).await?;
    let session = state.auth.users.start_session(&user).await?;
    let cookie = state
        .auth
        .session_cookie(&session.id, session.expires_at - now_unix());
    let fresh = Principal {
        csrf: Some(session.csrf),
        via: AuthVia::Session,
        ..p
    };
    Ok(with_cookie(&cookie, Json(info(&state, &fresh))))
}

/// Re-authentication.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reauth {
    /// Your password.
    #[schema(max_length = 1024)]
    pub password: String,
}

/// How long a re-authentication counts, in seconds.
pub const REAUTH_SECS: i64 = 300;

/// Confirm your password again; for 5 minutes the session may then do what needs a fresh
/// sign-in (exporting profiles with passwords).
#[utoipa::path(post, path = "/auth/reauth", tag = "auth", request_body = Reauth,
    responses((status = 204, description = "Confirmed"),
              (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "authentication is off, or not a session", body = Problem, content_type = "application/problem+json")))]
async fn reauth(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiJson(req): ApiJson<Reauth>,
) -> ApiResult<StatusCode> {
    let Some(session) = &p.session else {
        return Err(if p.via == AuthVia::None {
            auth_disabled()
        } else {
            ApiError::conflict(
                "session_required",
                "re-authentication needs a browser session, not an API token",
            )
        });
    };
    if !state
        .auth
        .users
        .check_password(p.user_id, &req.password)
        .await?
    {
        state.auth.limiter.failed(&p.name, None, now_unix());
        return Err(invalid_credentials());
    }
    state.auth.users.mark_reauth(session).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the caller may receive decrypted passwords now: admin, and either authentication
/// is off or the session re-authenticated within [`REAUTH_SECS`].
pub fn may_export_secrets(p: &Principal) -> ApiResult<()> {
    if p.role < Role::Admin {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "exporting passwords needs the admin role; yours is `{}`",
                p.role
            ),
        ));
    }
    match p.via {
        AuthVia::None => Ok(()),
        _ if p.reauth_at.is_some_and(|t| now_unix() - t <= REAUTH_SECS) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "reauth_required",
            "exporting passwords needs a fresh confirmation of your password: POST \
             /api/v1/auth/reauth in this session first (valid 5 minutes)",
        )),
    }
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Role (default: yours; never above yours).
    #[serde(default)]
    pub role: Option<Role>,
    /// Days until it expires (default: never).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

/// A created token with its secret (shown only now).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    /// The token.
    pub token: ApiToken,
    /// The secret to send as `Authorization: Bearer <secret>`; it cannot be shown again.
    pub secret: String,
}

/// Your API tokens (admins: everyone's).
#[utoipa::path(get, path = "/auth/tokens", tag = "auth",
    responses((status = 200, body = Vec<ApiToken>)))]
async fn list_tokens(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
) -> ApiResult<Json<Vec<ApiToken>>> {
    let owner = (p.role < Role::Admin).then_some(p.user_id);
    Ok(Json(state.auth.users.tokens(owner).await?))
}

/// Create an API token for scripts (stored hashed; the secret is returned once).
#[utoipa::path(post, path = "/auth/tokens", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = CreatedToken),
              (status = 409, description = "authentication is off", body = Problem, content_type = "application/problem+json")))]
async fn create_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    if p.via == AuthVia::None {
        return Err(auth_disabled());
    }
    if req
        .expires_in_days
        .is_some_and(|d| !(1..=3650).contains(&d))
    {
        return Err(ApiError::field("expiresInDays", "between 1 and 3650"));
    }
    let (token, secret) = state
        .auth
        .users
        .create_token(&p, &req.name, req.role, req.expires_in_days)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// Revoke an API token (yours; admins: anyone's).
#[utoipa::path(delete, path = "/auth/tokens/{id}", tag = "auth",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"),
              (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_token(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let owner = (p.role < Role::Admin).then_some(p.user_id);
    state.auth.users.delete_token(id, owner).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new manager user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Login name: 1–64 letters, digits, `.`, `_`, `-`, `@`.
    #[schema(min_length = 1, max_length = 64)]
    pub name: String,
    /// Role.
    pub role: Role,
    /// Password (at least 12 characters).
    #[schema(min_length = 12, max_length = 1024)]
    pub password: String,
}

/// Changes to a manager user (absent fields stay).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// New role.
    #[serde(default)]
    pub role: Option<Role>,
    /// Disable (sessions and tokens stop working) or enable.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// New password (ends the user's sessions).
    #[serde(default)]
    #[schema(min_length = 12, max_length = 1024)]
    pub password: Option<String>,
}

/// The manager's users.
#[utoipa::path(get, path = "/auth/users", tag = "auth",
    responses((status = 200, body = Vec<User>)))]
async fn list_manager_users(State(state): State<AppState>) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(state.auth.users.list().await?))
}

/// Create a manager user.
#[utoipa::path(post, path = "/auth/users", tag = "auth", request_body = NewUser,
    responses((status = 201, body = User),
              (status = 409, description = "the name is taken", body = Problem, content_type = "application/problem+json")))]
async fn create_manager_user(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let u = state
        .auth
        .users
        .create(&req.name, req.role, &req.password)
        .await?;
    Ok((StatusCode::CREATED, Json(u)))
}

/// Change a manager user's role, password or disabled flag. The last enabled admin cannot
/// be demoted or disabled.
#[utoipa::path(put, path = "/auth/users/{name}", tag = "auth", request_body = UserUpdate,
    params(("name" = String, Path, description = "User name")),
    responses((status = 200, body = User),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "would leave no admin", body = Problem, content_type = "application/problem+json")))]
async fn update_manager_user(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<UserUpdate>,
) -> ApiResult<Json<User>> {
    let users = &state.auth.users;
    users.get(&name).await?;
    if let Some(pw) = &req.password {
        users.set_password(&name, pw).await?;
    }
    Ok(Json(users.update(&name, req.role, req.disabled).await?))
}

/// Delete a manager user (their sessions and tokens end). The last enabled admin stays.
#[utoipa::path(delete, path = "/auth/users/{name}", tag = "auth",
    params(("name" = String, Path, description = "User name")),
    responses((status = 204, description = "Deleted"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "would leave no admin", body = Problem, content_type = "application/problem+json")))]
async fn delete_manager_user(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    state.auth.users.delete(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}
