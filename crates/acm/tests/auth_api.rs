//! Authentication end to end over the HTTP API: sign-in, session cookie attributes, CSRF,
//! Origin checks, throttling, session expiry, password change, re-authentication for
//! exporting passwords, API tokens, the admin bootstrap, the Host allow-list, security
//! headers, per-route body limits and the connection-target allow-list.

mod common;

use acm::Config;
use acm::auth::Role;
use clap::Parser;
use common::auth::{Call, PASSWORD, app_with, login, token};
use http::{Method, header};
use serde_json::json;

async fn app_with_admin() -> (axum::Router, acm::AppState) {
    let (app, state) = app_with(Config::for_auth_tests()).await;
    state
        .auth
        .users
        .create("root", Role::Admin, PASSWORD)
        .await
        .unwrap();
    (app, state)
}

#[tokio::test]
async fn sign_in_session_cookie_csrf_and_sign_out() {
    let (app, _state) = app_with_admin().await;
    // Nothing without signing in; public routes stay public.
    Call::new(Method::GET, "/api/v1/profiles")
        .send(&app)
        .await
        .problem(401, "unauthenticated");
    assert_eq!(
        Call::new(Method::GET, "/api/health")
            .send(&app)
            .await
            .status,
        200
    );
    let cfg = Call::new(Method::GET, "/api/v1/auth/config")
        .send(&app)
        .await;
    assert_eq!(cfg.json()["authEnabled"], true);

    let bad = Call::new(Method::POST, "/api/v1/auth/login")
        .json(json!({"username": "root", "password": "wrong password here"}))
        .send(&app)
        .await;
    bad.problem(401, "invalid_credentials");
    assert!(bad.headers.get(header::SET_COOKIE).is_none());

    let r = Call::new(Method::POST, "/api/v1/auth/login")
        .json(json!({"username": "root", "password": PASSWORD}))
        .send(&app)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let set = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(set.starts_with("acm_session="), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "plain HTTP: not Secure ({set})");
    let j = r.json();
    assert_eq!(
        (j["name"].as_str(), j["role"].as_str(), j["via"].as_str()),
        (Some("root"), Some("admin"), Some("session"))
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let csrf = j["csrfToken"].as_str().unwrap().to_string();

    let me = Call::new(Method::GET, "/api/v1/auth/me")
        .cookie(&cookie)
        .send(&app)
        .await;
    assert_eq!(me.json()["csrfToken"], csrf.as_str());

    let profile = json!({"name": "p", "hosts": ["127.0.0.1:1"]});
    // a cookie-authenticated write without the CSRF header is refused, with a wrong one too
    Call::new(Method::POST, "/api/v1/profiles")
        .cookie(&cookie)
        .json(profile.clone())
        .send(&app)
        .await
        .problem(403, "csrf_failed");
    Call::new(Method::POST, "/api/v1/profiles")
        .cookie(&cookie)
        .csrf("nope")
        .json(profile.clone())
        .send(&app)
        .await
        .problem(403, "csrf_failed");
    // a cross-site Origin is refused even with the token
    Call::new(Method::POST, "/api/v1/profiles")
        .cookie(&cookie)
        .csrf(&csrf)
        .header("origin", "http://evil.example")
        .header("host", "127.0.0.1:8080")
        .json(profile.clone())
        .send(&app)
        .await
        .problem(403, "origin_not_allowed");
    let ok = Call::new(Method::POST, "/api/v1/profiles")
        .cookie(&cookie)
        .csrf(&csrf)
        .header("origin", "http://127.0.0.1:8080")
        .header("host", "127.0.0.1:8080")
        .json(profile)
        .send(&app)
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());

    let out = Call::new(Method::POST, "/api/v1/auth/logout")
        .cookie(&cookie)
        .csrf(&csrf)
        .send(&app)
        .await;
    assert_eq!(out.status, 204);
    assert!(
        out.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    Call::new(Method::GET, "/api/v1/auth/me")
        .cookie(&cookie)
        .send(&app)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_and_audited() {
    let (app, state) = app_with_admin().await;
    for _ in 0..5 {
        Call::new(Method::POST, "/api/v1/auth/login")
            .json(json!({"username": "root", "password": "wrong password here"}))
            .send(&app)
            .await
            .problem(401, "invalid_credentials");
    }
    // now even the right password waits
    let r = Call::new(Method::POST, "/api/v1/auth/login")
        .json(json!({"username": "root", "password": PASSWORD}))
        .send(&app)
        .await;
    r.problem(429, "too_many_attempts");
    let wait: i64 = r
        .headers
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    // another user is not affected (no client address in these in-process requests)
    state
        .auth
        .users
        .create("ann", Role::Viewer, PASSWORD)
        .await
        .unwrap();
    login(&app, "ann", PASSWORD).await;
    // every attempt is in the audit log
    let admin = token(&state, Role::Admin).await;
    let page = Call::new(Method::GET, "/api/v1/audit?route=/auth/login&actor=root")
        .token(Some(&admin))
        .send(&app)
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    let entries = page.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 6);
    assert_eq!(entries[0]["status"], 429);
    assert_eq!(entries[0]["outcome"], "denied");
    assert!(entries[1..].iter().all(|e| e["status"] == 401));
    let ok = Call::new(Method::GET, "/api/v1/audit?actor=ann&outcome=ok")
        .token(Some(&admin))
        .send(&app)
        .await;
    assert_eq!(ok.json()["entries"][0]["detail"], "signed in");
    Call::new(Method::GET, "/api/v1/audit?outcome=maybe")
        .token(Some(&admin))
        .send(&app)
        .await
        .problem(400, "validation_failed");
}

#[tokio::test]
async fn sessions_expire_and_password_changes_end_them() {
    let (app, state) = app_with_admin().await;
    let (cookie, csrf) = login(&app, "root", PASSWORD).await;
    let (other, _) = login(&app, "root", PASSWORD).await;
    // wrong current password
    Call::new(Method::PUT, "/api/v1/auth/password")
        .cookie(&cookie)
        .csrf(&csrf)
        .json(json!({"currentPassword": "not my password", "newPassword": "another long password"}))
        .send(&app)
        .await
        .problem(401, "invalid_credentials");
    Call::new(Method::PUT, "/api/v1/auth/password")
        .cookie(&cookie)
        .csrf(&csrf)
        .json(json!({"currentPassword": PASSWORD, "newPassword": "short"}))
        .send(&app)
        .await
        .problem(400, "validation_failed");
    let r = Call::new(Method::PUT, "/api/v1/auth/password")
        .cookie(&cookie)
        .csrf(&csrf)
        .json(json!({"currentPassword": PASSWORD, "newPassword": "another long password"}))
        .send(&app)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let fresh = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // every old session ended, the new one works
    Call::new(Method::GET, "/api/v1/auth/me")
        .cookie(&cookie)
        .send(&app)
        .await
        .problem(401, "unauthenticated");
    Call::new(Method::GET, "/api/v1/auth/me")
        .cookie(&other)
        .send(&app)
        .await
        .problem(401, "unauthenticated");
    assert_eq!(
        Call::new(Method::GET, "/api/v1/auth/me")
            .cookie(&fresh)
            .send(&app)
            .await
            .status,
        200
    );
    login(&app, "root", "another long password").await;
    // expiry: a session past its end is refused
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(state.store.pool())
        .await
        .unwrap();
    Call::new(Method::GET, "/api/v1/auth/me")
        .cookie(&fresh)
        .send(&app)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn exporting_passwords_needs_admin_and_reauthentication() {
    let (app, state) = app_with_admin().await;
    let admin_token = token(&state, Role::Admin).await;
    let viewer_token = token(&state, Role::Viewer).await;
    let r = Call::new(Method::POST, "/api/v1/profiles")
        .token(Some(&admin_token))
        .json(json!({"name": "p", "hosts": ["127.0.0.1:1"], "user": "u", "password": "secret-pw"}))
        .send(&app)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let url = "/api/v1/profiles/export?includePasswords=true";
    // without passwords anyone may export
    let plain = Call::new(Method::GET, "/api/v1/profiles/export")
        .token(Some(&viewer_token))
        .send(&app)
        .await;
    assert_eq!(plain.status, 200);
    assert!(!plain.text().contains("secret-pw"));
    Call::new(Method::GET, url)
        .token(Some(&viewer_token))
        .send(&app)
        .await
        .problem(403, "forbidden");
    Call::new(Method::GET, url)
        .token(Some(&admin_token))
        .send(&app)
        .await
        .problem(403, "reauth_required");
    let (cookie, csrf) = login(&app, "root", PASSWORD).await;
    Call::new(Method::GET, url)
        .cookie(&cookie)
        .send(&app)
        .await
        .problem(403, "reauth_required");
    Call::new(Method::POST, "/api/v1/auth/reauth")
        .cookie(&cookie)
        .csrf(&csrf)
        .json(json!({"password": "wrong password!!"}))
        .send(&app)
        .await
        .problem(401, "invalid_credentials");
    let ok = Call::new(Method::POST, "/api/v1/auth/reauth")
        .cookie(&cookie)
        .csrf(&csrf)
        .json(json!({"password": PASSWORD}))
        .send(&app)
        .await;
    assert_eq!(ok.status, 204, "{}", ok.text());
    let r = Call::new(Method::GET, url).cookie(&cookie).send(&app).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["profiles"][0]["password"], "secret-pw");
    // audited, with the query
    let page = Call::new(
        Method::GET,
        "/api/v1/audit?route=/profiles/export&outcome=ok",
    )
    .token(Some(&admin_token))
    .send(&app)
    .await;
    let e = &page.json()["entries"][0];
    assert_eq!(e["actor"], "root");
    assert_eq!(e["target"], url);
}

#[tokio::test]
async fn api_tokens_are_hashed_scoped_and_revocable() {
    let (app, state) = app_with_admin().await;
    let (cookie, csrf) = login(&app, "root", PASSWORD).await;
    let r = Call::new(Method::POST, "/api/v1/auth/tokens")
        .cookie(&cookie)
        .csrf(&csrf)
        .json(json!({"name": "ci", "role": "viewer", "expiresInDays": 30}))
        .send(&app)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let j = r.json();
    let secret = j["secret"].as_str().unwrap().to_string();
    let id = j["token"]["id"].as_i64().unwrap();
    assert_eq!(j["token"]["role"], "viewer");
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE id = ?")
        .bind(id)
        .fetch_one(state.store.pool())
        .await
        .unwrap();
    assert_ne!(stored, secret);
    assert!(!stored.contains(&secret[4..]));
    // the token acts with its role, needs no CSRF header, and cannot write as viewer
    let me = Call::new(Method::GET, "/api/v1/auth/me")
        .token(Some(&secret))
        .send(&app)
        .await;
    assert_eq!(
        (me.json()["role"].as_str(), me.json()["via"].as_str()),
        (Some("viewer"), Some("token"))
    );
    Call::new(Method::POST, "/api/v1/profiles")
        .token(Some(&secret))
        .json(json!({"name": "x", "hosts": ["h"]}))
        .send(&app)
        .await
        .problem(403, "forbidden");
    let list = Call::new(Method::GET, "/api/v1/auth/tokens")
        .token(Some(&secret))
        .send(&app)
        .await;
    assert!(!list.text().contains(&secret), "the secret is never listed");
    let del = Call::new(Method::DELETE, &format!("/api/v1/auth/tokens/{id}"))
        .cookie(&cookie)
        .csrf(&csrf)
        .send(&app)
        .await;
    assert_eq!(del.status, 204);
    Call::new(Method::GET, "/api/v1/auth/me")
        .token(Some(&secret))
        .send(&app)
        .await
        .problem(401, "unauthenticated");
    Call::new(Method::GET, "/api/v1/auth/me")
        .token(Some("acm_forged"))
        .send(&app)
        .await
        .problem(401, "unauthenticated");
}

#[tokio::test]
async fn admins_manage_users_and_the_last_admin_stays() {
    let (app, state) = app_with_admin().await;
    let admin = token(&state, Role::Admin).await;
    let r = Call::new(Method::POST, "/api/v1/auth/users")
        .token(Some(&admin))
        .json(json!({"name": "val", "role": "viewer", "password": PASSWORD}))
        .send(&app)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(!r.text().contains("argon2"));
    Call::new(Method::POST, "/api/v1/auth/users")
        .token(Some(&admin))
        .json(json!({"name": "val", "role": "viewer", "password": PASSWORD}))
        .send(&app)
        .await
        .problem(409, "user_exists");
    let (vc, _) = login(&app, "val", PASSWORD).await;
    let r = Call::new(Method::PUT, "/api/v1/auth/users/val")
        .token(Some(&admin))
        .json(json!({"disabled": true}))
        .send(&app)
        .await;
    assert_eq!(r.json()["disabled"], true);
    Call::new(Method::GET, "/api/v1/auth/me")
        .cookie(&vc)
        .send(&app)
        .await
        .problem(401, "unauthenticated");
    Call::new(Method::POST, "/api/v1/auth/login")
        .json(json!({"username": "val", "password": PASSWORD}))
        .send(&app)
        .await
        .problem(401, "invalid_credentials");
    Call::new(Method::DELETE, "/api/v1/auth/users/root")
        .token(Some(&admin))
        .send(&app)
        .await;
    // the admin-user of the token remains the last admin
    let r = Call::new(Method::PUT, "/api/v1/auth/users/admin-user")
        .token(Some(&admin))
        .json(json!({"role": "viewer"}))
        .send(&app)
        .await;
    r.problem(409, "last_admin");
}

#[tokio::test]
async fn admin_password_file_and_no_auth_rules() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("admin.pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let cfg = Config::parse_from([
        "acm",
        "--db",
        ":memory:",
        "--admin-password-file",
        pw.to_str().unwrap(),
    ]);
    let (app, _) = app_with(cfg).await;
    login(&app, "admin", PASSWORD).await;
    std::fs::write(&pw, "short").unwrap();
    let cfg = Config::parse_from([
        "acm",
        "--db",
        ":memory:",
        "--admin-password-file",
        pw.to_str().unwrap(),
    ]);
    common::init();
    let e = acm::AppState::new(cfg).await.unwrap_err().to_string();
    assert!(e.contains("at least 12"), "{e}");
    let cfg = Config::parse_from([
        "acm",
        "--db",
        ":memory:",
        "--no-auth",
        "--listen",
        "0.0.0.0:8080",
    ]);
    let e = acm::AppState::new(cfg).await.unwrap_err().to_string();
    assert!(e.contains("loopback"), "{e}");
    // --no-auth on loopback: everything is open, as the `local` admin
    let (app, _) = app_with(Config::parse_from(["acm", "--db", ":memory:", "--no-auth"])).await;
    let me = Call::new(Method::GET, "/api/v1/auth/me").send(&app).await;
    assert_eq!(
        (me.json()["name"].as_str(), me.json()["role"].as_str()),
        (Some("local"), Some("admin"))
    );
    Call::new(Method::POST, "/api/v1/auth/login")
        .json(json!({"username": "a", "password": "b"}))
        .send(&app)
        .await
        .problem(409, "auth_disabled");
}

#[tokio::test]
async fn hardening_headers_host_allow_list_and_body_limits() {
    let (app, state) = app_with_admin().await;
    let r = Call::new(Method::GET, "/api/health")
        .header("host", "127.0.0.1:8080")
        .send(&app)
        .await;
    assert_eq!(r.status, 200);
    let h = |n: &str| {
        r.headers
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert!(h("content-security-policy").contains("script-src 'self'"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("x-frame-options"), "DENY");
    assert_eq!(h("referrer-policy"), "no-referrer");
    assert_eq!(h("cache-control"), "no-store");
    assert_eq!(
        h("strict-transport-security"),
        "",
        "no HSTS over plain HTTP"
    );
    // the UI page gets them too
    let ui = Call::new(Method::GET, "/").send(&app).await;
    assert!(ui.headers.get("content-security-policy").is_some());
    // DNS rebinding: a foreign Host is refused
    Call::new(Method::GET, "/api/health")
        .header("host", "attacker.example:8080")
        .send(&app)
        .await
        .problem(421, "host_not_allowed");
    Call::new(Method::GET, "/")
        .header("host", "attacker.example")
        .send(&app)
        .await
        .problem(421, "host_not_allowed");
    // small JSON routes take 64 KiB, record writes the configured limit
    let admin = token(&state, Role::Admin).await;
    let big = "x".repeat(100 * 1024);
    Call::new(Method::POST, "/api/v1/profiles")
        .token(Some(&admin))
        .json(json!({"name": "p", "hosts": ["h"], "description": big}))
        .send(&app)
        .await
        .problem(413, "payload_too_large");
    let r = Call::new(
        Method::PUT,
        "/api/v1/clusters/999/namespaces/test/sets/s/record?key=k",
    )
    .token(Some(&admin))
    .json(json!({"bins": {"b": big}}))
    .send(&app)
    .await;
    assert_ne!(
        r.status,
        413,
        "record writes take large bodies: {}",
        r.text()
    );
}

#[tokio::test]
async fn tls_cookies_are_secure_and_host_prefixed() {
    let mut cfg = Config::for_auth_tests();
    cfg.tls_cert = Some("unused.pem".into());
    let (app, state) = app_with(cfg).await;
    state
        .auth
        .users
        .create("root", Role::Admin, PASSWORD)
        .await
        .unwrap();
    let r = Call::new(Method::POST, "/api/v1/auth/login")
        .json(json!({"username": "root", "password": PASSWORD}))
        .send(&app)
        .await;
    let set = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.starts_with("__Host-acm_session=") && set.contains("; Secure"),
        "{set}"
    );
    assert_eq!(
        r.headers.get("strict-transport-security").unwrap(),
        "max-age=31536000"
    );
    let cookie = set.split(';').next().unwrap();
    assert_eq!(
        Call::new(Method::GET, "/api/v1/auth/me")
            .cookie(cookie)
            .send(&app)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn connection_targets_outside_the_allow_list_are_refused() {
    let cfg = Config::parse_from([
        "acm",
        "--db",
        ":memory:",
        "--no-auth",
        "--allowed-targets",
        "10.0.0.0/8",
    ]);
    let (app, _) = app_with(cfg).await;
    let r = Call::new(Method::POST, "/api/v1/profiles/test")
        .json(json!({"name": "t", "hosts": ["127.0.0.1:3000"]}))
        .send(&app)
        .await;
    let j = r.problem(403, "target_not_allowed");
    assert!(j["detail"].as_str().unwrap().contains("127.0.0.1"), "{j}");
    let r = Call::new(Method::POST, "/api/v1/profiles")
        .json(json!({"name": "t", "hosts": ["127.0.0.1:3000"]}))
        .send(&app)
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    Call::new(Method::GET, &format!("/api/v1/clusters/{id}/nodes"))
        .send(&app)
        .await
        .problem(403, "target_not_allowed");
}
