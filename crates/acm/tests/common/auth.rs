//! Helpers for tests with authentication on: users of each role and their API tokens,
//! and sign-in through the HTTP API.
#![allow(dead_code)]

use acm::auth::{AuthVia, Principal, Role};
use acm::{AppState, Config};
use axum::Router;
use axum::body::Body;
use http::{Method, Request, header};
use serde_json::Value as J;

use super::{Resp, raw, state_with};

pub const PASSWORD: &str = "a long enough password";

/// An app with authentication on.
pub async fn app_with(config: Config) -> (Router, AppState) {
    let state = state_with(config).await;
    (acm::app(state.clone()), state)
}

/// Create a user of `role` named after it and return an API token with that role.
pub async fn token(state: &AppState, role: Role) -> String {
    let name = format!("{}-user", role.as_str());
    let user = state
        .auth
        .users
        .create(&name, role, PASSWORD)
        .await
        .expect("user");
    let owner = Principal {
        user_id: user.id,
        name,
        role,
        via: AuthVia::Session,
        session: None,
        reauth_at: None,
        csrf: None,
    };
    state
        .auth
        .users
        .create_token(&owner, "test", None, None)
        .await
        .expect("token")
        .1
}

/// A request with optional bearer token, cookie, CSRF header and JSON body.
pub struct Call<'a> {
    pub method: Method,
    pub uri: &'a str,
    pub token: Option<&'a str>,
    pub cookie: Option<&'a str>,
    pub csrf: Option<&'a str>,
    pub body: Option<J>,
    pub headers: Vec<(&'static str, String)>,
    /// The client address the handler sees (as behind `into_make_service_with_connect_info`).
    pub peer: Option<std::net::SocketAddr>,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, uri: &'a str) -> Self {
        Self {
            method,
            uri,
            token: None,
            cookie: None,
            csrf: None,
            body: None,
            headers: vec![],
            peer: None,
        }
    }
    pub fn token(mut self, t: Option<&'a str>) -> Self {
        self.token = t;
        self
    }
    pub fn cookie(mut self, c: &'a str) -> Self {
        self.cookie = Some(c);
        self
    }
    pub fn csrf(mut self, c: &'a str) -> Self {
        self.csrf = Some(c);
        self
    }
    pub fn json(mut self, b: J) -> Self {
        self.body = Some(b);
        self
    }
    pub fn header(mut self, k: &'static str, v: impl Into<String>) -> Self {
        self.headers.push((k, v.into()));
        self
    }
    pub fn peer(mut self, addr: &str) -> Self {
        self.peer = Some(addr.parse().expect("ip:port"));
        self
    }
    pub async fn send(self, app: &Router) -> Resp {
        let mut req = Request::builder().method(self.method).uri(self.uri);
        if let Some(a) = self.peer {
            req = req.extension(axum::extract::ConnectInfo(a));
        }
        if let Some(t) = self.token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(c) = self.cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(c) = self.csrf {
            req = req.header("x-csrf-token", c);
        }
        for (k, v) in self.headers {
            req = req.header(k, v);
        }
        let body = match self.body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(&b).unwrap())
            }
            None => Body::empty(),
        };
        raw(app, req.body(body).unwrap()).await
    }
}

/// Sign in; returns (`name=value` cookie, CSRF token).
pub async fn login(app: &Router, user: &str, password: &str) -> (String, String) {
    let r = Call::new(Method::POST, "/api/v1/auth/login")
        .json(serde_json::json!({"username": user, "password": password}))
        .send(app)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let set = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    let cookie = set.split(';').next().unwrap().to_string();
    let csrf = r.json()["csrfToken"].as_str().unwrap().to_string();
    (cookie, csrf)
}
