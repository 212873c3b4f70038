//! Info-command injection: every route that puts a name into an info command (or into a
//! request the client turns into one) is called with names carrying `\n`, `;`, `:` and `=`.
//! Each call must answer 4xx, and aerospike-fake's log of received info commands must
//! show that nothing but the intended commands reached the node (always the fake: the
//! log is what proves it).

mod common;

use std::sync::Arc;

use aerospike_fake::{FakeCluster, FakeOptions};
use common::*;
use http::Method;
use serde_json::{Value as J, json};

/// Marker carried by every payload: no command the node receives may contain it.
const MARK: &str = "zzinj";

/// The decoded payloads and their percent-encoded form for a URL.
fn payloads() -> Vec<(String, String)> {
    vec![
        (
            format!("test\ntruncate-namespace:namespace={MARK}"),
            format!("test%0Atruncate-namespace%3Anamespace%3D{MARK}"),
        ),
        (format!("test;{MARK}=1"), format!("test%3B{MARK}%3D1")),
        (format!("test:{MARK}"), format!("test%3A{MARK}")),
        (format!("test={MARK}"), format!("test%3D{MARK}")),
        (format!("test\r{MARK}"), format!("test%0D{MARK}")),
    ]
}

struct Env {
    app: axum::Router,
    pid: i64,
    fake: Arc<FakeCluster>,
}

async fn env() -> Env {
    let (app, _state) = app().await;
    let fake = Arc::new(
        FakeCluster::start(1, FakeOptions::default())
            .await
            .expect("fake"),
    );
    let r = post(
        &app,
        "/api/v1/profiles",
        json!({"name": "inj", "hosts": [fake.hosts()]}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let pid = r.json()["id"].as_i64().unwrap();
    // Connect once, so the calls below only add their own commands to the log.
    assert_eq!(
        get(&app, &format!("/api/v1/clusters/{pid}/nodes"))
            .await
            .status,
        200
    );
    Env { app, pid, fake }
}

impl Env {
    fn url(&self, tail: &str) -> String {
        format!("/api/v1/clusters/{}{tail}", self.pid)
    }

    /// Call a route with logging on; return the status and the commands received.
    async fn call(
        &self,
        method: Method,
        tail: &str,
        body: Option<J>,
    ) -> (u16, String, Vec<String>) {
        self.fake.log_info_commands(true);
        let r = call(&self.app, method, &self.url(tail), body).await;
        let cmds = self
            .fake
            .info_commands()
            .into_iter()
            .map(|c| c.command)
            .collect();
        self.fake.log_info_commands(false);
        (r.status.as_u16(), r.text(), cmds)
    }

    /// The route must refuse the payload (4xx) and no command may carry the marker.
    async fn refused(&self, method: Method, tail: &str, body: Option<J>) {
        let (status, text, cmds) = self.call(method.clone(), tail, body.clone()).await;
        assert!(
            (400..500).contains(&status),
            "{method} {tail} {body:?} answered {status}: {text}"
        );
        let leaked: Vec<&String> = cmds
            .iter()
            .filter(|c| c.contains(MARK) || c.starts_with("truncate"))
            .collect();
        assert!(
            leaked.is_empty(),
            "{method} {tail} {body:?} sent {leaked:?} to the node"
        );
    }
}

#[tokio::test]
async fn the_log_shows_exactly_the_intended_command() {
    let e = env().await;
    let (status, text, cmds) = e.call(Method::GET, "/namespaces/test", None).await;
    assert_eq!(status, 200, "{text}");
    assert!(cmds.iter().any(|c| c == "namespace/test"), "{cmds:?}");
    assert!(cmds.iter().any(|c| c == "sets/test"), "{cmds:?}");
    // Before the fix this GET ran a truncate of another namespace.
    let (status, _, cmds) = e
        .call(
            Method::GET,
            "/namespaces/test%0Atruncate-namespace%3Anamespace%3Dbar",
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert!(cmds.iter().all(|c| !c.starts_with("truncate")), "{cmds:?}");
}

#[tokio::test]
async fn path_names_with_separators_never_reach_the_node() {
    let e = env().await;
    for (_, enc) in payloads() {
        for (method, tail, body) in [
            (Method::GET, format!("/namespaces/{enc}"), None),
            (Method::GET, format!("/namespaces/{enc}/sets"), None),
            (
                Method::GET,
                format!("/namespaces/{enc}/sets/s/records"),
                None,
            ),
            (
                Method::GET,
                format!("/namespaces/test/sets/{enc}/records"),
                None,
            ),
            (
                Method::GET,
                format!("/namespaces/{enc}/sets/s/export"),
                None,
            ),
            (
                Method::GET,
                format!("/namespaces/test/sets/{enc}/export"),
                None,
            ),
            (
                Method::POST,
                format!("/namespaces/{enc}/sets/s/truncate-token"),
                None,
            ),
            (
                Method::POST,
                format!("/namespaces/test/sets/{enc}/truncate-token"),
                None,
            ),
            (
                Method::POST,
                format!("/namespaces/test/sets/{enc}/truncate"),
                Some(json!({"confirmToken": "1.x"})),
            ),
            (
                Method::GET,
                format!("/namespaces/{enc}/sets/s/record?key=k"),
                None,
            ),
            (
                Method::GET,
                format!("/namespaces/test/sets/{enc}/record?key=k"),
                None,
            ),
            (
                Method::DELETE,
                format!("/namespaces/test/sets/s/record/bins/{enc}?key=k"),
                None,
            ),
            (
                Method::GET,
                format!("/config?context=namespace&namespace={enc}"),
                None,
            ),
            (Method::GET, format!("/config?context={enc}"), None),
            (Method::GET, format!("/indexes?namespace={enc}"), None),
            (Method::DELETE, format!("/indexes/{enc}/idx"), None),
            (Method::DELETE, format!("/indexes/test/{enc}"), None),
            (Method::GET, format!("/udfs/{enc}.lua"), None),
            (Method::DELETE, format!("/udfs/{enc}.lua"), None),
            (
                Method::PUT,
                format!("/udfs/{enc}.lua"),
                Some(json!({"content": "return 1"})),
            ),
            (
                Method::GET,
                format!("/namespaces/test/sets/s/records?bins={enc}"),
                None,
            ),
        ] {
            e.refused(method, &tail, body).await;
        }
    }
}

#[tokio::test]
async fn body_names_with_separators_never_reach_the_node() {
    let e = env().await;
    for (raw, _) in payloads() {
        let cases = [
            (
                "/config",
                json!({"context": "namespace", "namespace": raw, "params": {"default-ttl": "10"}}),
            ),
            (
                "/config",
                json!({"context": "service", "params": {"proto-fd-max": raw}}),
            ),
            (
                "/indexes",
                json!({"namespace": raw, "name": "i", "bin": "b", "type": "numeric"}),
            ),
            (
                "/indexes",
                json!({"namespace": "test", "set": raw, "name": "i", "bin": "b", "type": "numeric"}),
            ),
            (
                "/indexes",
                json!({"namespace": "test", "name": raw, "bin": "b", "type": "numeric"}),
            ),
            (
                "/indexes",
                json!({"namespace": "test", "name": "i", "bin": raw, "type": "numeric"}),
            ),
            ("/query", json!({"namespace": raw})),
            ("/query", json!({"namespace": "test", "set": raw})),
            ("/query", json!({"namespace": "test", "bins": [raw]})),
            ("/export", json!({"namespace": raw})),
            (
                "/udfs/m.lua/execute",
                json!({"namespace": raw, "set": "s", "key": "k", "function": "f"}),
            ),
            (
                "/udfs/m.lua/execute",
                json!({"namespace": "test", "set": raw, "key": "k", "function": "f"}),
            ),
        ];
        for (tail, body) in cases {
            e.refused(Method::POST, tail, Some(body)).await;
        }
        e.refused(
            Method::POST,
            "/namespaces/test/sets/s/record/duplicate",
            Some(json!({"key": "k", "newKey": "k2", "newSet": raw})),
        )
        .await;
        e.refused(
            Method::PUT,
            "/namespaces/test/sets/s/record",
            Some(json!({"key": "k", "bins": {raw.clone(): 1}})),
        )
        .await;
    }
}

#[tokio::test]
async fn the_console_runs_one_command_only() {
    let e = env().await;
    for sep in ["\n", "\r", "\t"] {
        let body =
            json!({"command": format!("statistics{sep}truncate-namespace:namespace={MARK}")});
        e.refused(Method::POST, "/info", Some(body)).await;
    }
    // A read-only command runs, and only it reaches the node.
    let (status, text, cmds) = e
        .call(
            Method::POST,
            "/info",
            Some(json!({"command": "namespace/test"})),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert!(cmds.iter().any(|c| c == "namespace/test"), "{cmds:?}");
    assert_eq!(
        serde_json::from_str::<J>(&text).unwrap()["readOnly"],
        true,
        "{text}"
    );
}
