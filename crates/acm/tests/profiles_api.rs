//! Profiles, health, OpenAPI, errors: HTTP-level tests that need no cluster except for
//! the connection tests.

mod common;

use common::*;
use http::{Method, Request, header};
use serde_json::json;

#[tokio::test]
async fn health_and_request_ids() {
    let (app, _) = app().await;
    let r = get(&app, "/api/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
    assert!(
        r.headers
            .get("x-request-id")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("acm-")
    );
    // an incoming request id is propagated
    let req = Request::builder()
        .uri("/api/health")
        .header("x-request-id", "abc-123")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = raw(&app, req).await;
    assert_eq!(r.headers.get("x-request-id").unwrap(), "abc-123");
}

#[tokio::test]
async fn profile_crud_never_returns_passwords() {
    let (app, state) = app().await;
    let body = json!({"name": "prod", "hosts": ["10.0.0.1:3000", "db2"], "user": "u", "password": "secret",
                      "clusterName": "prod-eu", "labels": {"env": "prod"}, "useServicesAlternate": true});
    let r = post(&app, "/api/v1/profiles", body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(!r.text().contains("secret"));
    let p = r.json();
    assert_eq!(p["hasPassword"], true);
    assert_eq!(p["useServicesAlternate"], true);
    let id = p["id"].as_i64().unwrap();
    let list = get(&app, "/api/v1/profiles").await;
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    assert!(!list.text().contains("secret"));
    // duplicate name
    post(&app, "/api/v1/profiles", body.clone())
        .await
        .problem(409, "profile_name_taken");
    // update keeps password when omitted
    let mut upd = body.clone();
    upd.as_object_mut().unwrap().remove("password");
    upd["description"] = json!("eu cluster");
    let r = put(&app, &format!("/api/v1/profiles/{id}"), upd).await;
    assert_eq!(r.json()["hasPassword"], true);
    assert_eq!(r.json()["description"], "eu cluster");
    assert_eq!(
        state
            .store
            .get_with_secret(id)
            .await
            .unwrap()
            .password
            .as_deref(),
        Some("secret")
    );
    // export without and with passwords
    let e = get(&app, "/api/v1/profiles/export").await;
    assert!(!e.text().contains("secret"));
    let e = get(&app, "/api/v1/profiles/export?includePasswords=true").await;
    assert!(e.text().contains("secret"));
    let bundle = e.json();
    // delete then import back
    assert_eq!(
        delete(&app, &format!("/api/v1/profiles/{id}")).await.status,
        204
    );
    get(&app, &format!("/api/v1/profiles/{id}"))
        .await
        .problem(404, "profile_not_found");
    let r = post(&app, "/api/v1/profiles/import", bundle.clone()).await;
    assert_eq!(r.json()["created"], json!(["prod"]));
    let r = post(&app, "/api/v1/profiles/import", bundle.clone()).await;
    assert_eq!(r.json()["skipped"], json!(["prod"]));
    let r = post(&app, "/api/v1/profiles/import?onConflict=replace", bundle).await;
    assert_eq!(r.json()["replaced"], json!(["prod"]));
}

#[tokio::test]
async fn bad_profile_input_is_a_field_level_problem() {
    let (app, _) = app().await;
    let r = post(
        &app,
        "/api/v1/profiles",
        json!({"name": "x", "hosts": ["h:99999"], "color": "red"}),
    )
    .await;
    let p = r.problem(400, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["hosts[0]", "color"]);
    // wrong JSON type names the field
    let p = post(&app, "/api/v1/profiles", json!({"name": "x", "hosts": [3]}))
        .await
        .problem(400, "invalid_body");
    assert_eq!(p["errors"][0]["field"], "hosts[0]");
    // unknown field
    post(
        &app,
        "/api/v1/profiles",
        json!({"name": "x", "hosts": ["a"], "pasword": "typo"}),
    )
    .await
    .problem(400, "invalid_body");
    // malformed JSON
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/profiles")
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from("{\"name\": "))
        .unwrap();
    raw(&app, req).await.problem(400, "malformed_json");
    // bad path parameter
    get(&app, "/api/v1/profiles/abc")
        .await
        .problem(400, "invalid_path");
    // unknown API route
    get(&app, "/api/v1/nope")
        .await
        .problem(404, "route_not_found");
}

#[tokio::test]
async fn body_limit_gives_413_problem() {
    let mut cfg = acm::Config::for_tests();
    cfg.body_limit = 1024;
    let state = state_with(cfg).await;
    let app = acm::app(state);
    let big = "x".repeat(4096);
    let r = post(
        &app,
        "/api/v1/profiles",
        json!({"name": big, "hosts": ["a"]}),
    )
    .await;
    r.problem(413, "payload_too_large");
}

#[tokio::test]
async fn unknown_profile_is_404_everywhere() {
    let (app, _) = app().await;
    for uri in [
        "/api/v1/clusters/99/nodes",
        "/api/v1/clusters/99/namespaces",
        "/api/v1/clusters/99/udfs",
        "/api/v1/clusters/99/metrics",
        "/api/v1/profiles/99/status",
    ] {
        get(&app, uri).await.problem(404, "profile_not_found");
    }
}

#[tokio::test]
async fn unreachable_cluster_is_502_with_advice() {
    let (app, _) = app().await;
    // a port nobody listens on
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let body =
        json!({"name": "gone", "hosts": [format!("127.0.0.1:{port}")], "connectTimeoutMs": 500});
    let p = post(&app, "/api/v1/profiles/test", body.clone())
        .await
        .problem(502, "cluster_unreachable");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("useServicesAlternate")
    );
    let id = post(&app, "/api/v1/profiles", body).await.json()["id"]
        .as_i64()
        .unwrap();
    get(&app, &format!("/api/v1/clusters/{id}/nodes"))
        .await
        .problem(502, "cluster_unreachable");
}

#[tokio::test]
async fn cors_allow_list() {
    let mut cfg = acm::Config::for_tests();
    cfg.cors_origins = vec!["http://ui.example".into()];
    let app = acm::app(state_with(cfg).await);
    let req = Request::builder()
        .uri("/api/health")
        .header("origin", "http://ui.example")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = raw(&app, req).await;
    assert_eq!(
        r.headers.get("access-control-allow-origin").unwrap(),
        "http://ui.example"
    );
    let req = Request::builder()
        .uri("/api/health")
        .header("origin", "http://evil.example")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = raw(&app, req).await;
    assert!(r.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn swagger_ui_and_spa_fallback() {
    let (app, _) = app().await;
    let r = get(&app, "/api/docs/").await;
    assert_eq!(r.status, 200);
    assert!(r.text().to_lowercase().contains("swagger"));
    let r = get(&app, "/clusters/1/anything").await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("<html"));
}

#[tokio::test]
async fn openapi_snapshot_is_up_to_date() {
    let (app, _) = app().await;
    let r = get(&app, "/api/openapi.json").await;
    assert_eq!(r.status, 200);
    let served = r.json();
    assert_eq!(served, serde_json::to_value(acm::openapi()).unwrap());
    let pretty = serde_json::to_string_pretty(&served).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &pretty).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == pretty,
        "crates/acm/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p acm --test profiles_api openapi` and commit it"
    );
    // every operation documents its problems and has a tag
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["tags"].is_array(), "{method} {path} has no tag");
        }
    }
}

#[tokio::test]
async fn prometheus_metrics_include_http_metrics() {
    let (app, _) = app().await;
    get(&app, "/api/health").await;
    let r = get(&app, "/metrics").await;
    assert_eq!(r.status, 200);
    assert!(
        r.headers
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let t = r.text();
    assert!(
        t.contains("acm_http_requests_total{method=\"GET\",route=\"/api/health\",status=\"200\"}"),
        "{t}"
    );
    assert!(t.trim_end().ends_with("# EOF"));
}

/// Every property of every schema in the API is camelCase (the one naming of the API), and
/// so is every query parameter.
#[test]
fn every_api_property_is_camel_case() {
    fn camel(name: &str) -> bool {
        let mut chars = name.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '$')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '$')
    }
    fn walk(v: &serde_json::Value, at: &str, bad: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                    for k in props.keys() {
                        if !camel(k) {
                            bad.push(format!("{at}.{k}"));
                        }
                    }
                }
                for (k, child) in m {
                    walk(child, &format!("{at}/{k}"), bad);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    walk(child, &format!("{at}[{i}]"), bad);
                }
            }
            _ => {}
        }
    }
    let doc = serde_json::to_value(acm::openapi()).unwrap();
    let mut bad = Vec::new();
    walk(&doc["components"], "components", &mut bad);
    walk(&doc["paths"], "paths", &mut bad);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                // The OIDC callback's parameters are named by OAuth 2.0 (RFC 6749 §4.1.2.1).
                let protocol =
                    path == "/api/v1/auth/oidc/callback" && p["name"] == "error_description";
                if p["in"] == "query" && !camel(p["name"].as_str().unwrap()) && !protocol {
                    bad.push(format!("{path} ?{}", p["name"]));
                }
            }
        }
    }
    assert!(bad.is_empty(), "not camelCase: {bad:?}");
}

/// Responses are compressed as the client accepts (brotli or gzip); the UI's page is
/// revalidated on every load.
#[tokio::test]
async fn responses_are_compressed_and_the_page_revalidated() {
    let (app, _) = app().await;
    let plain = get(&app, "/api/openapi.json").await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    for enc in ["br", "gzip"] {
        let r = raw(
            &app,
            http::Request::get("/api/openapi.json")
                .header(header::ACCEPT_ENCODING, enc)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers.get(header::CONTENT_ENCODING).unwrap(), enc);
        assert!(
            r.bytes.len() * 4 < plain.bytes.len(),
            "{enc}: {} of {} bytes",
            r.bytes.len(),
            plain.bytes.len()
        );
    }
    let r = raw(
        &app,
        http::Request::get("/")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-cache");
}
