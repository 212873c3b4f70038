//! Shared test setup: an app over an in-memory database, optionally a fake (or real,
//! with `AEROSPIKE_HOSTS`) cluster with a profile pointing at it.
#![allow(dead_code)]

pub mod auth;

use std::sync::Arc;

use acm::{AppState, Config};
use aerospike::{Bin, Client, ClientPolicy, Key, Value, WritePolicy};
use aerospike_fake::{FakeCluster, FakeOptions};
use axum::Router;
use axum::body::Body;
use http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value as J;
use tower::ServiceExt;

pub fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub async fn state_with(config: Config) -> AppState {
    init();
    AppState::new(config).await.expect("state")
}

pub async fn app() -> (Router, AppState) {
    let state = state_with(Config::for_tests()).await;
    (acm::app(state.clone()), state)
}

/// A response.
pub struct Resp {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> J {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    /// Assert a problem response with this status and code; returns the body.
    pub fn problem(&self, status: u16, code: &str) -> J {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json"
        );
        let j = self.json();
        assert_eq!(j["code"], code, "body: {j}");
        assert_eq!(j["status"], status);
        j
    }
}

pub async fn call(app: &Router, method: Method, uri: &str, body: Option<J>) -> Resp {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(b) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(serde_json::to_vec(&b).unwrap())
        }
        None => Body::empty(),
    };
    raw(app, req.body(body).unwrap()).await
}

pub async fn raw(app: &Router, req: Request<Body>) -> Resp {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Resp {
        status,
        headers,
        bytes,
    }
}

pub async fn get(app: &Router, uri: &str) -> Resp {
    call(app, Method::GET, uri, None).await
}
pub async fn post(app: &Router, uri: &str, body: J) -> Resp {
    call(app, Method::POST, uri, Some(body)).await
}
pub async fn put(app: &Router, uri: &str, body: J) -> Resp {
    call(app, Method::PUT, uri, Some(body)).await
}
pub async fn delete(app: &Router, uri: &str) -> Resp {
    call(app, Method::DELETE, uri, None).await
}

/// A cluster under test with a profile for it.
pub struct Fixture {
    pub app: Router,
    pub state: AppState,
    pub pid: i64,
    pub hosts: String,
    pub fake: Option<Arc<FakeCluster>>,
    pub ns: String,
    pub real: bool,
}

/// `nodes` fake nodes, or the real cluster of `AEROSPIKE_HOSTS`.
pub async fn cluster(nodes: usize) -> Fixture {
    let (app, state) = app().await;
    let (hosts, fake, real) = match std::env::var("AEROSPIKE_HOSTS") {
        Ok(h) if !h.is_empty() => (h, None, true),
        _ => {
            let f = FakeCluster::start(nodes, FakeOptions::default())
                .await
                .expect("fake cluster");
            (f.hosts(), Some(Arc::new(f)), false)
        }
    };
    let list: Vec<&str> = hosts.split(',').collect();
    let r = post(
        &app,
        "/api/v1/profiles",
        serde_json::json!({"name": "c", "hosts": list}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let pid = r.json()["id"].as_i64().unwrap();
    Fixture {
        app,
        state,
        pid,
        hosts,
        fake,
        ns: "test".into(),
        real,
    }
}

impl Fixture {
    pub fn url(&self, tail: &str) -> String {
        format!("/api/v1/clusters/{}{tail}", self.pid)
    }

    pub async fn client(&self) -> Client {
        Client::new(&ClientPolicy::default(), &self.hosts.as_str())
            .await
            .expect("client")
    }

    /// Put `n` records `k0..k{n-1}` (string keys stored) with bins `i` (int) and `s`.
    pub async fn load(&self, set: &str, n: usize) {
        let client = Arc::new(self.client().await);
        let wp = Arc::new(WritePolicy {
            send_key: true,
            ..WritePolicy::default()
        });
        for chunk in (0..n).collect::<Vec<_>>().chunks(200) {
            let futs = chunk.iter().map(|&i| {
                let client = client.clone();
                let wp = wp.clone();
                let ns = self.ns.clone();
                let set = set.to_string();
                async move {
                    let key = Key::new(ns, set, Value::String(format!("k{i}"))).unwrap();
                    client
                        .put(
                            &wp,
                            &key,
                            &[
                                Bin::new("i", Value::Int(i as i64)),
                                Bin::new("s", Value::String(format!("v{i}"))),
                            ],
                        )
                        .await
                        .unwrap();
                }
            });
            futures::future::join_all(futs).await;
        }
        let _ = client.close().await;
    }
}

/// A set name unique to this test run (for real servers).
pub fn set_name(base: &str) -> String {
    format!("{base}{}", std::process::id() % 100_000)
}
