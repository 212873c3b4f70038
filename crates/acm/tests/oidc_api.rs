//! Single sign-on end to end against a tiny OpenID Connect provider served by the test on
//! 127.0.0.1 (discovery, JWKS, authorize, token; RS256 and ES256 keys made by the test).
//! The provider enforces PKCE (S256) and the client secret at its token endpoint, so a
//! manager that skips either never gets a token. Then: the session works with the mapped
//! role, and each refusal (state, nonce, audience, expiry, signature, unmapped group,
//! provider error) is a 403 with a plain reason, sets no session, and is audited.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use acm::Config;
use acm::auth::Role;
use acm::auth::audit::{AuditEntry, AuditQuery};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use clap::Parser;
use common::auth::{Call, app_with};
use http::{HeaderMap, Method, StatusCode, header};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use serde_json::{Value, json};

const CLIENT_ID: &str = "acm-test";
const SECRET: &str = "s3cret/with:specials";
const REDIRECT: &str = "http://localhost:8080/api/v1/auth/oidc/callback";

/// What the next ID token looks like.
#[derive(Clone, Default)]
struct Tweak {
    groups: Vec<&'static str>,
    es256: bool,
    aud: Option<&'static str>,
    nonce: Option<&'static str>,
    exp_offset: i64,
    wrong_key: bool,
    /// Sign with the key published (after rotation) as `ec-2`.
    rotated: bool,
}

struct Idp {
    issuer: String,
    rsa: RsaKeyPair,
    ec: EcdsaKeyPair,
    other_ec: EcdsaKeyPair,
    tweak: Mutex<Tweak>,
    /// Whether the JWKS also publishes `other_ec` as `ec-2` (a key rotation).
    rotated: std::sync::atomic::AtomicBool,
    /// code → (nonce, code_challenge)
    codes: Mutex<HashMap<String, (String, String)>>,
}

fn rsa_key(dir: &std::path::Path) -> RsaKeyPair {
    let path = dir.join("rsa.der");
    let out = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .args(["-outform", "DER", "-out"])
        .arg(&path)
        .output()
        .expect("the openssl tool is needed for this test (apt-get install openssl)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    RsaKeyPair::from_der(&std::fs::read(path).unwrap()).unwrap()
}

fn ec_key() -> EcdsaKeyPair {
    let rng = SystemRandom::new();
    let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
    EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap()
}

impl Idp {
    fn jwks(&self) -> Value {
        let rsa = signature::RsaPublicKeyComponents::<Vec<u8>>::from(self.rsa.public());
        let point = self.ec.public_key().as_ref();
        let other = self.other_ec.public_key().as_ref();
        let mut keys = json!({"keys": [
            {"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256",
             "n": B64.encode(&rsa.n), "e": B64.encode(&rsa.e)},
            {"kty": "EC", "kid": "ec-1", "use": "sig", "crv": "P-256",
             "x": B64.encode(&point[1..33]), "y": B64.encode(&point[33..65])},
        ]});
        if self.rotated.load(std::sync::atomic::Ordering::SeqCst) {
            keys["keys"]
                .as_array_mut()
                .unwrap()
                .push(json!({"kty": "EC", "kid": "ec-2",
                "crv": "P-256", "x": B64.encode(&other[1..33]), "y": B64.encode(&other[33..65])}));
        }
        keys
    }

    fn id_token(&self, nonce: &str) -> String {
        let t = self.tweak.lock().unwrap().clone();
        let now = jiff::Timestamp::now().as_second();
        // a wrong key signs under the published EC kid
        let ec = t.es256 || t.wrong_key || t.rotated;
        let (alg, kid) = match (ec, t.rotated) {
            (_, true) => ("ES256", "ec-2"),
            (true, _) => ("ES256", "ec-1"),
            _ => ("RS256", "rsa-1"),
        };
        let header = json!({"alg": alg, "kid": kid, "typ": "JWT"});
        let claims = json!({
            "iss": self.issuer, "sub": "user-123", "preferred_username": "alice",
            "aud": t.aud.unwrap_or(CLIENT_ID), "iat": now, "exp": now + 300 + t.exp_offset,
            "nonce": t.nonce.unwrap_or(nonce), "groups": t.groups,
        });
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let rng = SystemRandom::new();
        let sig = if ec {
            let key = if t.wrong_key || t.rotated {
                &self.other_ec
            } else {
                &self.ec
            };
            key.sign(&rng, input.as_bytes()).unwrap().as_ref().to_vec()
        } else {
            let mut sig = vec![0; self.rsa.public().modulus_len()];
            self.rsa
                .sign(
                    &signature::RSA_PKCS1_SHA256,
                    &rng,
                    input.as_bytes(),
                    &mut sig,
                )
                .unwrap();
            sig
        };
        format!("{input}.{}", B64.encode(sig))
    }
}

async fn discovery(State(idp): State<Arc<Idp>>) -> axum::Json<Value> {
    axum::Json(json!({
        "issuer": idp.issuer,
        "authorization_endpoint": format!("{}/authorize", idp.issuer),
        "token_endpoint": format!("{}/token", idp.issuer),
        "jwks_uri": format!("{}/jwks", idp.issuer),
        "response_types_supported": ["code"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    }))
}

async fn jwks(State(idp): State<Arc<Idp>>) -> axum::Json<Value> {
    axum::Json(idp.jwks())
}

async fn authorize(
    State(idp): State<Arc<Idp>>,
    Query(q): Query<HashMap<String, String>>,
) -> Redirect {
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["redirect_uri"], REDIRECT);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    let code = format!("code-{}", idp.codes.lock().unwrap().len());
    idp.codes.lock().unwrap().insert(
        code.clone(),
        (q["nonce"].clone(), q["code_challenge"].clone()),
    );
    let mut back = url::Url::parse(&q["redirect_uri"]).unwrap();
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &q["state"]);
    Redirect::to(back.as_str())
}

async fn token(
    State(idp): State<Arc<Idp>>,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let refuse = |why: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant", "error_description": why})),
        )
            .into_response()
    };
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            enc(CLIENT_ID),
            enc(SECRET)
        ))
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(basic.as_str())
    {
        return refuse("bad client credentials");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code")
        || form.get("redirect_uri").map(String::as_str) != Some(REDIRECT)
    {
        return refuse("bad grant_type or redirect_uri");
    }
    let Some((nonce, challenge)) = form
        .get("code")
        .and_then(|c| idp.codes.lock().unwrap().remove(c))
    else {
        return refuse("unknown code");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if B64.encode(ring::digest::digest(
        &ring::digest::SHA256,
        verifier.as_bytes(),
    )) != challenge
    {
        return refuse("PKCE verification failed");
    }
    axum::Json(
        json!({"access_token": "at", "token_type": "Bearer", "id_token": idp.id_token(&nonce)}),
    )
    .into_response()
}

async fn start_idp() -> (Arc<Idp>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let idp = Arc::new(Idp {
        issuer,
        rsa: rsa_key(dir.path()),
        ec: ec_key(),
        other_ec: ec_key(),
        tweak: Mutex::new(Tweak::default()),
        rotated: std::sync::atomic::AtomicBool::new(false),
        codes: Mutex::new(HashMap::new()),
    });
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .with_state(idp.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (idp, dir)
}

async fn manager(idp: &Idp, dir: &std::path::Path) -> (axum::Router, acm::AppState) {
    let secret = dir.join("client-secret");
    std::fs::write(&secret, format!("{SECRET}\n")).unwrap();
    let config = Config::parse_from([
        "acm",
        "--db",
        ":memory:",
        "--oidc-issuer",
        &idp.issuer,
        "--oidc-client-id",
        CLIENT_ID,
        "--oidc-client-secret-file",
        secret.to_str().unwrap(),
        "--oidc-redirect-url",
        REDIRECT,
        "--oidc-role-map",
        "admins=admin,devs=operator,staff=viewer",
    ]);
    app_with(config).await
}

fn set_cookies(h: &HeaderMap) -> Vec<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

/// `/auth/oidc/login` → the provider's authorize → back: (callback path, state cookie).
async fn start_sign_in(app: &axum::Router, idp: &Idp) -> (String, String) {
    start_sign_in_from(app, idp, None).await
}

/// [`start_sign_in`] from a client address.
async fn start_sign_in_from(app: &axum::Router, idp: &Idp, peer: Option<&str>) -> (String, String) {
    let mut call = Call::new(Method::GET, "/api/v1/auth/oidc/login");
    if let Some(p) = peer {
        call = call.peer(p);
    }
    let r = call.send(app).await;
    assert_eq!(r.status, 302, "{}", r.text());
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let url = url::Url::parse(&location).unwrap();
    assert_eq!(
        url.as_str().split('?').next(),
        Some(format!("{}/authorize", idp.issuer).as_str())
    );
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43, "{location}");
    assert!(
        q["state"].len() >= 43 && q["nonce"].len() >= 43,
        "{location}"
    );
    assert_ne!(q["state"], q["nonce"]);
    assert!(q["scope"].split(' ').any(|s| s == "openid"), "{location}");
    let cookies = set_cookies(&r.headers);
    let bind = cookies
        .iter()
        .find(|c| c.starts_with("acm_oidc_state="))
        .unwrap_or_else(|| panic!("no state cookie in {cookies:?}"));
    assert!(
        bind.contains("HttpOnly") && bind.contains("SameSite=Lax"),
        "{bind}"
    );
    let bind = bind.split(';').next().unwrap().to_string();
    assert_eq!(bind, format!("acm_oidc_state={}", q["state"]));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let back = client.get(&location).send().await.unwrap();
    assert_eq!(
        back.status().as_u16(),
        303,
        "the test provider redirects back"
    );
    let back = back.headers()[header::LOCATION].to_str().unwrap();
    let path = back
        .strip_prefix("http://localhost:8080")
        .unwrap()
        .to_string();
    (path, bind)
}

async fn sign_in(app: &axum::Router, idp: &Idp, tweak: Tweak) -> common::Resp {
    *idp.tweak.lock().unwrap() = tweak;
    let (path, bind) = start_sign_in(app, idp).await;
    Call::new(Method::GET, &path).cookie(&bind).send(app).await
}

async fn last_audit(state: &acm::AppState) -> AuditEntry {
    state
        .auth
        .audit
        .query(&AuditQuery {
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap()
        .entries
        .into_iter()
        .next()
        .expect("an audit entry")
}

fn session_cookie(r: &common::Resp) -> String {
    let cookies = set_cookies(&r.headers);
    let s = cookies
        .iter()
        .find(|c| c.starts_with("acm_session="))
        .unwrap_or_else(|| panic!("no session cookie in {cookies:?}"));
    assert!(
        s.contains("HttpOnly") && s.contains("SameSite=Strict"),
        "{s}"
    );
    s.split(';').next().unwrap().to_string()
}

async fn me(app: &axum::Router, cookie: &str) -> Value {
    let r = Call::new(Method::GET, "/api/v1/auth/me")
        .cookie(cookie)
        .send(app)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn sso_sign_in_with_pkce_issues_a_session_with_the_mapped_role() {
    let (idp, dir) = start_idp().await;
    let (app, state) = manager(&idp, dir.path()).await;
    let cfg = Call::new(Method::GET, "/api/v1/auth/config")
        .send(&app)
        .await;
    assert_eq!(cfg.json()["oidcEnabled"], true);

    // RS256, groups devs + staff: the highest mapped role wins
    let r = sign_in(
        &app,
        &idp,
        Tweak {
            groups: vec!["staff", "devs", "other"],
            ..Tweak::default()
        },
    )
    .await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(r.headers[header::LOCATION], "/");
    assert!(
        set_cookies(&r.headers)
            .iter()
            .any(|c| c.starts_with("acm_oidc_state=;") && c.contains("Max-Age=0")),
        "the state cookie is cleared"
    );
    let cookie = session_cookie(&r);
    let j = me(&app, &cookie).await;
    assert_eq!(
        (j["name"].as_str(), j["role"].as_str(), j["via"].as_str()),
        (Some("alice"), Some("operator"), Some("session"))
    );
    let user = state.auth.users.get("alice").await.unwrap();
    assert_eq!((user.source.as_str(), user.role), ("oidc", Role::Operator));
    let e = last_audit(&state).await;
    assert_eq!(
        (
            e.actor.as_str(),
            e.route.as_str(),
            e.status,
            e.detail.as_str()
        ),
        (
            "alice",
            "/api/v1/auth/oidc/callback",
            302,
            "signed in with single sign-on"
        )
    );
    // the session writes like a password session: CSRF token from /auth/me
    let csrf = j["csrfToken"].as_str().unwrap().to_string();
    let w = Call::new(Method::POST, "/api/v1/auth/tokens")
        .cookie(&cookie)
        .csrf(&csrf)
        .json(json!({"name": "ci"}))
        .send(&app)
        .await;
    assert!(w.status.is_success(), "{}", w.text());

    // ES256, now in admins: the same user's role follows the groups
    let r = sign_in(
        &app,
        &idp,
        Tweak {
            groups: vec!["admins"],
            es256: true,
            ..Tweak::default()
        },
    )
    .await;
    assert_eq!(r.status, 302, "{}", r.text());
    let j = me(&app, &session_cookie(&r)).await;
    assert_eq!(
        (j["name"].as_str(), j["role"].as_str()),
        (Some("alice"), Some("admin"))
    );

    // the provider rotates its key: a token under a kid the manager has not cached yet makes
    // it fetch the JWKS again (the cache holds rsa-1 and ec-1 from the sign-ins above)
    idp.rotated.store(true, std::sync::atomic::Ordering::SeqCst);
    let r = sign_in(
        &app,
        &idp,
        Tweak {
            groups: vec!["admins"],
            rotated: true,
            ..Tweak::default()
        },
    )
    .await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(me(&app, &session_cookie(&r)).await["role"], "admin");

    // an admin disabled the SSO user: no session, a plain reason
    state
        .auth
        .users
        .create("root", Role::Admin, common::auth::PASSWORD)
        .await
        .unwrap();
    state
        .auth
        .users
        .update("alice", None, Some(true))
        .await
        .unwrap();
    let r = sign_in(
        &app,
        &idp,
        Tweak {
            groups: vec!["devs"],
            ..Tweak::default()
        },
    )
    .await;
    let p = r.problem(403, "oidc_refused");
    assert!(p["detail"].as_str().unwrap().contains("is disabled"), "{p}");
    assert!(
        !set_cookies(&r.headers)
            .iter()
            .any(|c| c.starts_with("acm_session="))
    );
    state
        .auth
        .users
        .update("alice", None, Some(false))
        .await
        .unwrap();

    // a callback is single-use: replaying it is refused
    *idp.tweak.lock().unwrap() = Tweak {
        groups: vec!["admins"],
        ..Tweak::default()
    };
    let (path, bind) = start_sign_in(&app, &idp).await;
    let first = Call::new(Method::GET, &path).cookie(&bind).send(&app).await;
    assert_eq!(first.status, 302, "{}", first.text());
    let again = Call::new(Method::GET, &path).cookie(&bind).send(&app).await;
    let p = again.problem(403, "oidc_refused");
    assert!(
        p["detail"].as_str().unwrap().contains("already used"),
        "{p}"
    );
}

#[tokio::test]
async fn sso_refusals_are_403_with_a_reason_and_audited() {
    let (idp, dir) = start_idp().await;
    let (app, state) = manager(&idp, dir.path()).await;
    let devs = || Tweak {
        groups: vec!["devs"],
        ..Tweak::default()
    };
    let cases: Vec<(&str, Tweak, &str)> = vec![
        (
            "wrong nonce",
            Tweak {
                nonce: Some("another-login"),
                ..devs()
            },
            "nonce does not match",
        ),
        (
            "wrong audience",
            Tweak {
                aud: Some("some-other-app"),
                ..devs()
            },
            "audience",
        ),
        (
            "expired",
            Tweak {
                exp_offset: -3600,
                ..devs()
            },
            "expired",
        ),
        (
            "bad signature",
            Tweak {
                wrong_key: true,
                ..devs()
            },
            "signature does not verify",
        ),
        (
            "unmapped group",
            Tweak {
                groups: vec!["guests"],
                ..Tweak::default()
            },
            "none of your groups",
        ),
    ];
    for (what, tweak, reason) in cases {
        let r = sign_in(&app, &idp, tweak).await;
        let p = r.problem(403, "oidc_refused");
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains(reason), "{what}: {detail}");
        assert!(
            !set_cookies(&r.headers)
                .iter()
                .any(|c| c.starts_with("acm_session=")),
            "{what}: no session"
        );
        let e = last_audit(&state).await;
        assert_eq!(
            (e.route.as_str(), e.status, e.detail.as_str()),
            ("/api/v1/auth/oidc/callback", 403, detail),
            "{what}"
        );
    }
    assert!(
        state.auth.users.get("alice").await.is_err(),
        "a refused user is not created"
    );

    // a state that is not this browser's (login CSRF / mixed-up tabs)
    *idp.tweak.lock().unwrap() = devs();
    let (path, _bind) = start_sign_in(&app, &idp).await;
    let (_, other_bind) = start_sign_in(&app, &idp).await;
    let r = Call::new(Method::GET, &path)
        .cookie(&other_bind)
        .send(&app)
        .await;
    let p = r.problem(403, "oidc_refused");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("state does not match"),
        "{p}"
    );
    assert_eq!(last_audit(&state).await.status, 403);
    let r = Call::new(Method::GET, &path).send(&app).await;
    r.problem(403, "oidc_refused");

    // the provider's own refusal
    let r = Call::new(
        Method::GET,
        "/api/v1/auth/oidc/callback?error=access_denied&error_description=user+cancelled",
    )
    .send(&app)
    .await;
    let p = r.problem(403, "oidc_refused");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("access_denied user cancelled"),
        "{p}"
    );
    assert_eq!(
        last_audit(&state).await.detail,
        p["detail"].as_str().unwrap()
    );

    // a browser is sent back to the sign-in page with a fixed reason, and it is still audited
    *idp.tweak.lock().unwrap() = Tweak {
        groups: vec!["guests"],
        ..Tweak::default()
    };
    let (path, bind) = start_sign_in(&app, &idp).await;
    let r = Call::new(Method::GET, &path)
        .cookie(&bind)
        .header("accept", "text/html,application/xhtml+xml")
        .send(&app)
        .await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(r.headers[header::LOCATION], "/?ssoError=role");
    assert!(
        !set_cookies(&r.headers)
            .iter()
            .any(|c| c.starts_with("acm_session="))
    );
    let e = last_audit(&state).await;
    assert_eq!(e.status, 403);
    assert!(e.detail.contains("none of your groups"), "{}", e.detail);

    // a name taken by a local user cannot be claimed through SSO
    state
        .auth
        .users
        .create("alice", Role::Viewer, common::auth::PASSWORD)
        .await
        .unwrap();
    let r = sign_in(
        &app,
        &idp,
        Tweak {
            groups: vec!["admins"],
            ..Tweak::default()
        },
    )
    .await;
    r.problem(409, "user_exists");
    assert_eq!(
        state.auth.users.get("alice").await.unwrap().role,
        Role::Viewer
    );
}

#[tokio::test]
async fn sso_routes_say_when_sso_is_not_configured() {
    let (app, _state) = app_with(Config::for_auth_tests()).await;
    let cfg = Call::new(Method::GET, "/api/v1/auth/config")
        .send(&app)
        .await;
    assert_eq!(cfg.json()["oidcEnabled"], false);
    for uri in [
        "/api/v1/auth/oidc/login",
        "/api/v1/auth/oidc/callback?code=c&state=s",
    ] {
        let p = Call::new(Method::GET, uri)
            .send(&app)
            .await
            .problem(404, "oidc_disabled");
        assert!(
            p["detail"].as_str().unwrap().contains("--oidc-issuer"),
            "{p}"
        );
    }
    let bad = Config::try_parse_from([
        "acm",
        "--db",
        ":memory:",
        "--oidc-issuer",
        "http://idp.example",
    ])
    .unwrap();
    let e = acm::auth::oidc::Oidc::from_config(&bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("https://"), "{e}");
}

#[tokio::test]
async fn sso_never_demotes_the_last_enabled_admin() {
    let (idp, dir) = start_idp().await;
    let (app, state) = manager(&idp, dir.path()).await;
    let admins = || Tweak {
        groups: vec!["admins"],
        ..Tweak::default()
    };
    let devs = || Tweak {
        groups: vec!["devs"],
        ..Tweak::default()
    };
    let r = sign_in(&app, &idp, admins()).await;
    assert_eq!(me(&app, &session_cookie(&r)).await["role"], "admin");

    // the IdP moved alice to devs, but she is the manager's only admin: she keeps admin,
    // is signed in, and the audit log says why
    let r = sign_in(&app, &idp, devs()).await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(me(&app, &session_cookie(&r)).await["role"], "admin");
    assert_eq!(
        state.auth.users.get("alice").await.unwrap().role,
        Role::Admin
    );
    let e = last_audit(&state).await;
    assert_eq!((e.actor.as_str(), e.status), ("alice", 302));
    assert!(
        e.detail.contains("WARNING") && e.detail.contains("last enabled admin"),
        "{}",
        e.detail
    );
    assert!(e.detail.contains("operator"), "{}", e.detail);

    // with another enabled admin, the groups apply again
    state
        .auth
        .users
        .create("root", Role::Admin, common::auth::PASSWORD)
        .await
        .unwrap();
    let r = sign_in(&app, &idp, devs()).await;
    assert_eq!(me(&app, &session_cookie(&r)).await["role"], "operator");
    assert_eq!(
        last_audit(&state).await.detail,
        "signed in with single sign-on"
    );
}

fn retry_after(r: &common::Resp) -> i64 {
    let wait: i64 = r
        .headers
        .get(header::RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    wait
}

#[tokio::test]
async fn sso_entries_are_throttled_per_client_address() {
    let (idp, dir) = start_idp().await;
    let (app, state) = manager(&idp, dir.path()).await;
    *idp.tweak.lock().unwrap() = Tweak {
        groups: vec!["devs"],
        ..Tweak::default()
    };
    const A: &str = "10.0.0.1:40000";
    // finished sign-ins are forgiven: three of them leave the whole budget (5) ...
    for _ in 0..3 {
        let (path, bind) = start_sign_in_from(&app, &idp, Some(A)).await;
        let r = Call::new(Method::GET, &path)
            .cookie(&bind)
            .peer(A)
            .send(&app)
            .await;
        assert_eq!(r.status, 302, "{}", r.text());
        session_cookie(&r);
    }
    // ... for five sign-ins that are started and never finished
    let mut last = None;
    for _ in 0..5 {
        last = Some(start_sign_in_from(&app, &idp, Some(A)).await);
    }
    let r = Call::new(Method::GET, "/api/v1/auth/oidc/login")
        .peer(A)
        .send(&app)
        .await;
    r.problem(429, "too_many_attempts");
    retry_after(&r);
    let e = last_audit(&state).await;
    assert_eq!(
        (e.route.as_str(), e.status, e.ip.as_deref()),
        ("/api/v1/auth/oidc/login", 429, Some("10.0.0.1"))
    );
    // another address is not affected
    start_sign_in_from(&app, &idp, Some("10.0.0.2:40000")).await;
    // a sign-in started before the limit still finishes (it was counted at its start)
    let (path, bind) = last.unwrap();
    let r = Call::new(Method::GET, &path)
        .cookie(&bind)
        .peer(A)
        .send(&app)
        .await;
    assert_eq!(r.status, 302, "{}", r.text());
    session_cookie(&r);

    // callbacks that finish no sign-in of this browser count, then are refused with 429
    const B: &str = "10.0.0.3:40000";
    for _ in 0..5 {
        Call::new(
            Method::GET,
            "/api/v1/auth/oidc/callback?code=c&state=forged",
        )
        .peer(B)
        .send(&app)
        .await
        .problem(403, "oidc_refused");
    }
    let r = Call::new(
        Method::GET,
        "/api/v1/auth/oidc/callback?error=access_denied",
    )
    .peer(B)
    .send(&app)
    .await;
    r.problem(429, "too_many_attempts");
    retry_after(&r);
    assert_eq!(last_audit(&state).await.status, 429);
    // a browser is sent to the sign-in page, which explains it
    let r = Call::new(
        Method::GET,
        "/api/v1/auth/oidc/callback?code=c&state=forged",
    )
    .peer(B)
    .header("accept", "text/html")
    .send(&app)
    .await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(r.headers[header::LOCATION], "/?ssoError=throttled");
    // one budget per address: SSO and password sign-ins share it
    Call::new(Method::GET, "/api/v1/auth/oidc/login")
        .peer(B)
        .send(&app)
        .await
        .problem(429, "too_many_attempts");
    let r = Call::new(Method::GET, "/api/v1/auth/oidc/login")
        .peer(B)
        .header("accept", "text/html")
        .send(&app)
        .await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(r.headers[header::LOCATION], "/?ssoError=throttled");
    Call::new(Method::POST, "/api/v1/auth/login")
        .peer(B)
        .json(json!({"username": "alice", "password": "whatever it is"}))
        .send(&app)
        .await
        .problem(429, "too_many_attempts");
}
