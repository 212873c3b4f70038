//! The authorization matrix: every route of the OpenAPI document × every caller
//! (anonymous, viewer, operator, admin) gets the status its access rule promises, and every
//! audited route leaves an audit entry for each call — allowed or denied. A route without an
//! entry in `acm::auth::policy` fails here.

mod common;

use acm::auth::Role;
use acm::auth::audit::AuditQuery;
use acm::auth::policy::{self, Effect};
use acm::{AppState, Config};
use common::auth::{Call, app_with, token};
use http::Method;

/// Every (method, path template) of the OpenAPI document.
fn spec_routes() -> Vec<(Method, String)> {
    let doc = acm::openapi();
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (m, present) in [
            (Method::GET, item.get.is_some()),
            (Method::POST, item.post.is_some()),
            (Method::PUT, item.put.is_some()),
            (Method::DELETE, item.delete.is_some()),
            (Method::PATCH, item.patch.is_some()),
        ] {
            if present {
                out.push((m, path.clone()));
            }
        }
    }
    out
}

/// A concrete path for a template: ids that do not exist, names that are valid.
fn concrete(template: &str) -> String {
    template
        .replace("{id}", "999999")
        .replace("{ns}", "test")
        .replace("{set}", "s")
        .replace("{bin}", "b")
        .replace("{name}", "nobody")
        .replace("{namespace}", "default")
        .replace("{filename}", "x.lua")
        .replace("{user}", "u")
        .replace("{role}", "r")
        .replace("{pod}", "p")
}

async fn last_audit(state: &AppState) -> Option<acm::auth::audit::AuditEntry> {
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
}

#[tokio::test]
async fn every_route_has_an_access_rule() {
    let missing: Vec<String> = spec_routes()
        .into_iter()
        .filter(|(m, p)| policy::explicit(m, p).is_none())
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an access rule (add them to TABLE in crates/acm/src/auth/policy.rs): {missing:#?}"
    );
    // and no stale entries
    let spec: Vec<(String, String)> = spec_routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    for (m, p, _) in policy::TABLE {
        assert!(
            spec.iter().any(|(sm, sp)| sm == m && sp == p),
            "policy entry {m} {p} names no route of the OpenAPI document"
        );
    }
}

#[tokio::test]
async fn every_route_times_every_role() {
    let (app, state) = app_with(Config::for_auth_tests()).await;
    let tokens = [
        (Role::Viewer, token(&state, Role::Viewer).await),
        (Role::Operator, token(&state, Role::Operator).await),
        (Role::Admin, token(&state, Role::Admin).await),
    ];
    let routes = spec_routes();
    assert!(routes.len() > 70, "the spec lists {} routes", routes.len());
    let mut checked = 0;
    for (method, template) in &routes {
        let rule = policy::explicit(method, template).expect("rule (see the other test)");
        let uri = concrete(template);
        let callers: Vec<(Option<Role>, Option<&str>)> = std::iter::once((None, None))
            .chain(tokens.iter().map(|(r, t)| (Some(*r), Some(t.as_str()))))
            .collect();
        for (role, tok) in callers {
            let mut call = Call::new(method.clone(), &uri).token(tok);
            if *method != Method::GET {
                call = call.json(serde_json::json!({}));
            }
            let before = last_audit(&state).await.map_or(0, |e| e.id);
            let r = call.send(&app).await;
            let s = r.status.as_u16();
            let who = role.map_or("anonymous", Role::as_str);
            match (rule.role, role) {
                (None, _) => assert!(
                    s != 401 && s != 403,
                    "{method} {template} is public, {who} got {s}: {}",
                    r.text()
                ),
                (Some(_), None) => {
                    r.problem(401, "unauthenticated");
                }
                (Some(need), Some(have)) if have < need => {
                    let j = r.problem(403, "forbidden");
                    assert!(j["detail"].as_str().unwrap().contains(need.as_str()), "{j}");
                }
                (Some(_), Some(_)) => assert!(
                    s != 401 && s != 403,
                    "{method} {template}: {who} is allowed but got {s}: {}",
                    r.text()
                ),
            }
            if rule.audit {
                let e = last_audit(&state)
                    .await
                    .unwrap_or_else(|| panic!("{method} {template} ({who}) left no audit entry"));
                assert!(
                    e.id > before,
                    "{method} {template} ({who}) left no new audit entry"
                );
                assert_eq!(e.route, *template);
                assert_eq!(e.method, method.as_str());
                assert_eq!(e.status, s);
                assert_eq!(
                    e.actor,
                    role.map_or("anonymous".to_string(), |r| format!("{}-user", r.as_str()))
                );
                assert_eq!(e.target, uri);
            } else {
                let after = last_audit(&state).await.map_or(0, |e| e.id);
                assert_eq!(
                    after, before,
                    "{method} {template} is not audited but wrote an entry"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * 4);
}

#[tokio::test]
async fn every_write_route_refuses_a_read_only_profile() {
    let (app, state) = app_with(Config::for_auth_tests()).await;
    let admin = token(&state, Role::Admin).await;
    let r = Call::new(Method::POST, "/api/v1/profiles")
        .token(Some(&admin))
        .json(serde_json::json!({"name": "prod", "hosts": ["127.0.0.1:1"], "labels": {"read-only": "true"}}))
        .send(&app)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().unwrap();
    let mut writes = 0;
    for (method, template) in spec_routes() {
        let rule = policy::explicit(&method, &template).unwrap();
        if !template.starts_with(policy::CLUSTER_PREFIX) || rule.effect != Effect::Write {
            continue;
        }
        let uri = concrete(&template).replace("999999", &id.to_string());
        let r = Call::new(method.clone(), &uri)
            .token(Some(&admin))
            .json(serde_json::json!({}))
            .send(&app)
            .await;
        r.problem(403, "profile_read_only");
        writes += 1;
    }
    assert!(writes >= 15, "only {writes} write routes found");
    // Routes that read or write by content refuse the writes and say why.
    let r = Call::new(Method::POST, &format!("/api/v1/clusters/{id}/info"))
        .token(Some(&admin))
        .json(serde_json::json!({"command": "truncate:namespace=test"}))
        .send(&app)
        .await;
    let j = r.problem(403, "read_only");
    assert!(j["detail"].as_str().unwrap().contains("read-only"), "{j}");
    let r = Call::new(Method::POST, &format!("/api/v1/clusters/{id}/aql"))
        .token(Some(&admin))
        .json(serde_json::json!({"script": "DELETE FROM test.s WHERE PK = 'k'"}))
        .send(&app)
        .await;
    let j = r.problem(403, "read_only");
    assert!(j["detail"].as_str().unwrap().contains("read-only"), "{j}");
}

#[tokio::test]
async fn viewers_may_only_read_in_the_console_and_aql() {
    let (app, state) = app_with(Config::for_auth_tests()).await;
    let admin = token(&state, Role::Admin).await;
    let viewer = token(&state, Role::Viewer).await;
    let r = Call::new(Method::POST, "/api/v1/profiles")
        .token(Some(&admin))
        .json(serde_json::json!({"name": "dev", "hosts": ["127.0.0.1:1"]}))
        .send(&app)
        .await;
    let id = r.json()["id"].as_i64().unwrap();
    let r = Call::new(Method::POST, &format!("/api/v1/clusters/{id}/aql"))
        .token(Some(&viewer))
        .json(serde_json::json!({"script": "INSERT INTO test.s (PK, a) VALUES ('k', 1)"}))
        .send(&app)
        .await;
    let j = r.problem(403, "read_only");
    assert!(j["detail"].as_str().unwrap().contains("viewer"), "{j}");
    let r = Call::new(Method::POST, &format!("/api/v1/clusters/{id}/info"))
        .token(Some(&viewer))
        .json(serde_json::json!({"command": "set-config:context=service;proto-fd-max=100"}))
        .send(&app)
        .await;
    let j = r.problem(403, "read_only");
    assert!(j["detail"].as_str().unwrap().contains("viewer"), "{j}");
}
