//! Single sign-on with OpenID Connect: the authorization code flow with PKCE (S256), `state`
//! and `nonce`, against one configured issuer. The issuer's metadata
//! (`/.well-known/openid-configuration`) and keys (JWKS) are fetched on first use and
//! cached; an ID token with an unknown `kid` refetches the keys once (key rotation).
//!
//! A signed-in user is upserted as an `oidc` user whose role comes from the groups claim
//! through `--oidc-role-map`; a user none of whose groups maps to a role is refused.

pub mod jwt;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::Value;

use super::{Role, now_unix, random_token};
use crate::error::ApiError;

/// How long a started sign-in may take until the callback, in seconds.
pub const PENDING_TTL_SECS: i64 = 600;
/// Most sign-ins in flight at once (older ones are dropped beyond it).
const PENDING_MAX: usize = 10_000;
/// Largest response accepted from the identity provider.
const MAX_RESPONSE: usize = 1024 * 1024;
/// Time limit of one request to the identity provider.
const IDP_TIMEOUT: Duration = Duration::from_secs(10);

/// The issuer metadata this manager uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// Issuer identifier (must equal the configured issuer).
    pub issuer: String,
    /// Where the browser is sent to sign in.
    pub authorization_endpoint: String,
    /// Where the code is exchanged.
    pub token_endpoint: String,
    /// The signing keys.
    pub jwks_uri: String,
}

/// A sign-in started by `/auth/oidc/login`, waiting for its callback.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Nonce expected in the ID token.
    pub nonce: String,
    /// PKCE code verifier.
    pub verifier: String,
    /// Unix seconds it was started.
    pub created: i64,
}

/// Why the callback refused a sign-in (403, shown and audited) or could not finish (502).
#[derive(Debug)]
pub enum Refusal {
    /// The user is not let in; the message says why.
    Refused(String),
    /// The identity provider could not be reached or answered nonsense.
    Provider(String),
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Refused(m) => ApiError::new(StatusCode::FORBIDDEN, "oidc_refused", m),
            Refusal::Provider(m) => {
                ApiError::new(StatusCode::BAD_GATEWAY, "oidc_provider_error", m)
            }
        }
    }
}

/// The OIDC relying party.
pub struct Oidc {
    /// Issuer URL, as configured (compared exactly with `iss`).
    pub issuer: String,
    /// Client id registered at the issuer.
    pub client_id: String,
    client_secret: Option<String>,
    /// This manager's callback URL, as registered at the issuer.
    pub redirect_url: String,
    /// Claim holding the user's groups.
    pub groups_claim: String,
    /// Claim holding the user name (falls back to `email`, then `sub`).
    pub username_claim: String,
    /// Scopes requested.
    pub scopes: String,
    /// Group → role; the highest role of the user's groups wins.
    pub role_map: Vec<(String, Role)>,
    http: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    discovery: tokio::sync::Mutex<Option<Discovery>>,
    jwks: parking_lot::Mutex<Arc<jwt::Jwks>>,
    pending: parking_lot::Mutex<HashMap<String, Pending>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("redirect_url", &self.redirect_url)
            .field("role_map", &self.role_map)
            .finish_non_exhaustive()
    }
}

/// Parse `group=role,group=role`.
pub fn parse_role_map(items: &[String]) -> anyhow::Result<Vec<(String, Role)>> {
    let mut out = vec![];
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let Some((group, role)) = item.rsplit_once('=') else {
            anyhow::bail!(
                "--oidc-role-map entry `{item}` is not `group=role` (e.g. `admins=admin,devs=operator`)"
            );
        };
        let role = Role::parse(role).ok_or_else(|| {
            anyhow::anyhow!(
                "--oidc-role-map entry `{item}`: unknown role `{role}` (viewer, operator or admin)"
            )
        })?;
        out.push((group.trim().to_string(), role));
    }
    Ok(out)
}

/// `https://`, or `http://` to a loopback host only (a test or local identity provider).
fn check_url(what: &str, u: &str) -> anyhow::Result<url::Url> {
    let parsed = url::Url::parse(u).map_err(|e| anyhow::anyhow!("{what} `{u}`: {e}"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => anyhow::bail!("{what} `{u}` must be an https:// URL (http:// only for loopback)"),
    }
}

impl Oidc {
    /// Build from the configuration; `None` when no issuer is configured.
    pub fn from_config(c: &crate::Config) -> anyhow::Result<Option<Oidc>> {
        let Some(issuer) = c.oidc_issuer.as_deref().filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        check_url("--oidc-issuer", issuer)?;
        let client_id = c
            .oidc_client_id
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| anyhow::anyhow!("--oidc-issuer needs --oidc-client-id"))?;
        let redirect_url = c.oidc_redirect_url.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "--oidc-issuer needs --oidc-redirect-url (https://<manager>/api/v1/auth/oidc/callback)"
            )
        })?;
        check_url("--oidc-redirect-url", &redirect_url)?;
        let client_secret = match &c.oidc_client_secret_file {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .map_err(|e| anyhow::anyhow!("--oidc-client-secret-file {}: {e}", p.display()))?
                    .trim()
                    .to_string(),
            ),
            None => None,
        };
        let role_map = parse_role_map(&c.oidc_role_map)?;
        if role_map.is_empty() {
            tracing::warn!(
                "OIDC is configured without --oidc-role-map: every single sign-on will be refused"
            );
        }
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(Arc::new(rustls::crypto::ring::default_provider()))
            .map_err(|e| anyhow::anyhow!("TLS roots for OIDC: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Some(Oidc {
            issuer: issuer.to_string(),
            client_id,
            client_secret,
            redirect_url,
            groups_claim: c.oidc_groups_claim.clone(),
            username_claim: c.oidc_username_claim.clone(),
            scopes: c.oidc_scopes.clone(),
            role_map,
            http: Client::builder(TokioExecutor::new()).build(tls),
            discovery: tokio::sync::Mutex::new(None),
            jwks: parking_lot::Mutex::new(Arc::new(jwt::Jwks::default())),
            pending: parking_lot::Mutex::new(HashMap::new()),
        }))
    }

    async fn send(&self, req: http::Request<Full<Bytes>>) -> Result<(StatusCode, Value), String> {
        let uri = req.uri().to_string();
        let resp = tokio::time::timeout(IDP_TIMEOUT, self.http.request(req))
            .await
            .map_err(|_| format!("{uri}: no answer within {}s", IDP_TIMEOUT.as_secs()))?
            .map_err(|e| format!("{uri}: {e}"))?;
        let status = resp.status();
        let body = tokio::time::timeout(
            IDP_TIMEOUT,
            Limited::new(resp.into_body(), MAX_RESPONSE).collect(),
        )
        .await
        .map_err(|_| format!("{uri}: body not received within {}s", IDP_TIMEOUT.as_secs()))?
        .map_err(|e| format!("{uri}: {e}"))?
        .to_bytes();
        let json = serde_json::from_slice(&body)
            .map_err(|e| format!("{uri} answered {status} with no JSON: {e}"))?;
        Ok((status, json))
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let req = http::Request::get(url)
            .header(http::header::ACCEPT, "application/json")
            .body(Full::new(Bytes::new()))
            .map_err(|e| format!("{url}: {e}"))?;
        match self.send(req).await? {
            (s, v) if s.is_success() => Ok(v),
            (s, _) => Err(format!("{url} answered {s}")),
        }
    }

    /// The issuer's metadata (fetched once).
    pub async fn discovery(&self) -> Result<Discovery, Refusal> {
        let mut cached = self.discovery.lock().await;
        if let Some(d) = &*cached {
            return Ok(d.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let v = self.get_json(&url).await.map_err(Refusal::Provider)?;
        let d: Discovery =
            serde_json::from_value(v).map_err(|e| Refusal::Provider(format!("{url}: {e}")))?;
        if d.issuer != self.issuer {
            return Err(Refusal::Provider(format!(
                "the discovery document names issuer `{}`, not the configured `{}`",
                d.issuer, self.issuer
            )));
        }
        *cached = Some(d.clone());
        Ok(d)
    }

    /// Start a sign-in: the authorization URL to redirect to, and its `state`.
    pub async fn begin(&self) -> Result<(String, String), ApiError> {
        let d = self.discovery().await?;
        let gen_err = |e: anyhow::Error| ApiError::internal(e.to_string());
        let state = random_token("").map_err(gen_err)?;
        let nonce = random_token("").map_err(gen_err)?;
        let verifier = random_token("").map_err(gen_err)?;
        let challenge = {
            use sha2::Digest;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(verifier.as_bytes()))
        };
        let mut url = url::Url::parse(&d.authorization_endpoint).map_err(|e| {
            Refusal::Provider(format!(
                "authorization_endpoint `{}`: {e}",
                d.authorization_endpoint
            ))
        })?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_url)
            .append_pair("scope", &self.scopes)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        let now = now_unix();
        let mut pending = self.pending.lock();
        pending.retain(|_, p| now - p.created < PENDING_TTL_SECS);
        if pending.len() >= PENDING_MAX
            && let Some(oldest) = pending
                .iter()
                .min_by_key(|(_, p)| p.created)
                .map(|(k, _)| k.clone())
        {
            pending.remove(&oldest);
        }
        pending.insert(
            state.clone(),
            Pending {
                nonce,
                verifier,
                created: now,
            },
        );
        Ok((url.into(), state))
    }

    /// Take (once) the sign-in started with `state`, unless it expired.
    pub fn take(&self, state: &str) -> Option<Pending> {
        let p = self.pending.lock().remove(state)?;
        (now_unix() - p.created < PENDING_TTL_SECS).then_some(p)
    }

    /// Exchange the code for the ID token at the token endpoint.
    pub async fn exchange(&self, code: &str, verifier: &str) -> Result<String, Refusal> {
        let d = self.discovery().await?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", &self.redirect_url)
            .append_pair("code_verifier", verifier)
            .append_pair("client_id", &self.client_id)
            .finish();
        let mut req = http::Request::post(&d.token_endpoint)
            .header(http::header::ACCEPT, "application/json")
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        if let Some(secret) = &self.client_secret {
            // client_secret_basic: both parts form-encoded (RFC 6749 §2.3.1)
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let basic = base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                enc(&self.client_id),
                enc(secret)
            ));
            req = req.header(http::header::AUTHORIZATION, format!("Basic {basic}"));
        }
        let req = req
            .body(Full::new(Bytes::from(form)))
            .map_err(|e| Refusal::Provider(e.to_string()))?;
        let (status, v) = self.send(req).await.map_err(Refusal::Provider)?;
        if status.is_client_error() {
            let err = v["error"].as_str().unwrap_or("unknown error");
            let desc = v["error_description"].as_str().unwrap_or_default();
            return Err(Refusal::Refused(format!(
                "the identity provider refused the authorization code: {err} {desc}"
            )));
        }
        if !status.is_success() {
            return Err(Refusal::Provider(format!(
                "the token endpoint answered {status}"
            )));
        }
        v["id_token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| Refusal::Provider("the token response has no id_token".into()))
    }

    async fn fetch_jwks(&self) -> Result<Arc<jwt::Jwks>, Refusal> {
        let d = self.discovery().await?;
        let v = self
            .get_json(&d.jwks_uri)
            .await
            .map_err(Refusal::Provider)?;
        let keys: jwt::Jwks = serde_json::from_value(v)
            .map_err(|e| Refusal::Provider(format!("{}: {e}", d.jwks_uri)))?;
        let keys = Arc::new(keys);
        *self.jwks.lock() = keys.clone();
        Ok(keys)
    }

    /// Verify the ID token (refetching the keys once on an unknown key) and return its claims.
    pub async fn verify(&self, id_token: &str, nonce: &str) -> Result<Value, Refusal> {
        let expect = jwt::Expect {
            issuer: &self.issuer,
            client_id: &self.client_id,
            nonce,
            now: now_unix(),
        };
        let cached = self.jwks.lock().clone();
        let first = if cached.keys.is_empty() {
            Err(jwt::TokenError::UnknownKey(String::new()))
        } else {
            jwt::verify(id_token, &cached, &expect)
        };
        let result = match first {
            Err(jwt::TokenError::UnknownKey(_)) => {
                let fresh = self.fetch_jwks().await?;
                jwt::verify(id_token, &fresh, &expect)
            }
            other => other,
        };
        result.map_err(|e| Refusal::Refused(e.to_string()))
    }

    /// The user name of the claims: the configured claim, else `email`, else `sub`.
    pub fn username(&self, claims: &Value) -> Option<String> {
        [self.username_claim.as_str(), "email", "sub"]
            .iter()
            .find_map(|c| claims[*c].as_str().filter(|s| !s.is_empty()))
            .map(str::to_string)
    }

    /// The groups of the claims (an array of strings, or one string).
    pub fn groups(&self, claims: &Value) -> Vec<String> {
        match &claims[self.groups_claim.as_str()] {
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => vec![],
        }
    }

    /// The highest role any of `groups` maps to.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        self.role_map
            .iter()
            .filter(|(g, _)| groups.iter().any(|have| have == g))
            .map(|(_, r)| *r)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_map_parses_and_names_mistakes() {
        let m = parse_role_map(&["admins=admin".into(), " devs = operator ".into()]).unwrap();
        assert_eq!(
            m,
            vec![
                ("admins".into(), Role::Admin),
                ("devs".into(), Role::Operator)
            ]
        );
        let e = parse_role_map(&["admins".into()]).unwrap_err().to_string();
        assert!(e.contains("group=role"), "{e}");
        let e = parse_role_map(&["a=root".into()]).unwrap_err().to_string();
        assert!(e.contains("unknown role `root`"), "{e}");
    }

    #[test]
    fn issuer_must_be_https_unless_loopback() {
        assert!(check_url("x", "https://idp.example").is_ok());
        assert!(check_url("x", "http://127.0.0.1:8080").is_ok());
        assert!(check_url("x", "http://localhost:1").is_ok());
        assert!(check_url("x", "http://idp.example").is_err());
    }
}
