//! Faults, against the fake (skipped with a notice against a real cluster: nodes cannot be
//! stopped from here):
//! - a node that leaves while a client pages through a set never makes a page short or a
//!   record appear twice or go missing; a request may fail with `incomplete_page` (the client
//!   retries with the same cursor), and nothing else;
//! - an unreachable seed and a cluster that stops answering fail the request (502 / 504)
//!   instead of hanging;
//! - an export that loses its node midway ends with a last line `{"$error": ...}`; an export
//!   that loses one of three nodes never sends a record twice (the client re-reads the lost
//!   node's partitions and re-sends what it had buffered: the manager drops the copies);
//! - a read-only database file stops the manager at start with a message saying so.
//!
//! No timed assertions: `tokio::time::timeout` only guards against a hang, far above the
//! configured timeouts.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use axum::body::Body;
use common::*;
use http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Far above every timeout configured here: reaching it means the request hung.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// One page: `Ok((keys, next cursor))`, or the problem `code` of a failed request.
async fn page(
    f: &Fixture,
    set: &str,
    size: usize,
    cursor: Option<&str>,
) -> Result<(Vec<String>, Option<String>), String> {
    let mut uri = f.url(&format!(
        "/namespaces/test/sets/{set}/records?pageSize={size}"
    ));
    if let Some(c) = cursor {
        uri.push_str(&format!("&cursor={c}"));
    }
    let r = get(&f.app, &uri).await;
    if r.status != 200 {
        return Err(r.json()["code"].as_str().unwrap_or("(no code)").to_string());
    }
    let j = r.json();
    let keys = j["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"]["userKey"].as_str().unwrap().to_string())
        .collect();
    Ok((keys, j["nextCursor"].as_str().map(str::to_string)))
}

#[tokio::test]
async fn a_node_leaving_mid_scan_keeps_pages_full_and_exactly_once() {
    let f = cluster(3).await;
    let Some(fake) = f.fake.clone() else {
        eprintln!("SKIPPED: stopping a node needs the fake cluster (AEROSPIKE_HOSTS is set)");
        return;
    };
    let (n, size) = (3_000, 100);
    let set = set_name("leave");
    f.load(&set, n).await;

    let (mut keys, mut cursor) = page(&f, &set, size, None).await.expect("first page");
    assert_eq!(keys.len(), size);
    fake.stop_node(2).await.unwrap();

    let mut retries = 0;
    while let Some(c) = cursor.clone() {
        match page(&f, &set, size, Some(&c)).await {
            Ok((page_keys, next)) => {
                if next.is_some() {
                    assert_eq!(page_keys.len(), size, "short page with a next cursor");
                }
                keys.extend(page_keys);
                cursor = next;
            }
            Err(code) => {
                // The only acceptable failure: the client may retry with the same cursor.
                assert_eq!(code, "incomplete_page", "page after the node left");
                retries += 1;
                assert!(retries < 20, "incomplete_page forever");
            }
        }
    }
    let unique: HashSet<&String> = keys.iter().collect();
    assert_eq!(unique.len(), keys.len(), "a record was returned twice");
    assert_eq!(keys.len(), n, "records returned in total");
}

/// A profile with short timeouts for `hosts`; returns its id.
async fn profile(app: &axum::Router, name: &str, hosts: &str, timeout_ms: u32) -> i64 {
    let list: Vec<&str> = hosts.split(',').collect();
    let r = post(
        app,
        "/api/v1/profiles",
        serde_json::json!({"name": name, "hosts": list, "connectTimeoutMs": 500,
            "timeoutMs": timeout_ms}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn an_unreachable_seed_fails_with_502_instead_of_hanging() {
    let (app, _) = app().await;
    // Accepts TCP connections (the kernel completes the handshake) but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hosts = silent.local_addr().unwrap().to_string();
    let id = profile(&app, "silent", &hosts, 1000).await;
    let uri = format!("/api/v1/clusters/{id}/namespaces/test/sets/s/records?pageSize=10");
    let r = tokio::time::timeout(HANG_GUARD, get(&app, &uri))
        .await
        .expect("the page request hung on a node that never answers");
    let p = r.problem(502, "cluster_unreachable");
    assert!(p["detail"].as_str().unwrap().contains(&hosts), "{p}");
    drop(silent);
}

#[tokio::test]
async fn a_cluster_that_stops_answering_fails_the_page_with_504_instead_of_hanging() {
    let f = cluster(1).await;
    let Some(fake) = f.fake.clone() else {
        eprintln!("SKIPPED: a silent node needs the fake cluster (AEROSPIKE_HOSTS is set)");
        return;
    };
    let set = set_name("silent");
    f.load(&set, 50).await;
    let id = profile(&f.app, "slow", &f.hosts, 500).await;
    let uri = format!("/api/v1/clusters/{id}/namespaces/test/sets/{set}/records?pageSize=10");
    get(&f.app, &uri).await;
    // Every data request now waits an hour before its reply; info (tending) still answers.
    fake.set_latency("msg", Duration::from_secs(3600));
    let r = tokio::time::timeout(HANG_GUARD, get(&f.app, &uri))
        .await
        .expect("the page request hung on a silent cluster");
    let p = r.problem(504, "timeout");
    assert!(p["detail"].as_str().unwrap().contains("same cursor"), "{p}");
}

/// `n` records of about 8 KiB each (bins `i` and `big`), keys `0..n`.
async fn load_big(f: &Fixture, set: &str, n: usize) {
    let client = std::sync::Arc::new(f.client().await);
    let big = "x".repeat(8 * 1024);
    for chunk in (0..n).collect::<Vec<usize>>().chunks(500) {
        let futs = chunk.iter().map(|&i| {
            let client = client.clone();
            let key =
                aerospike::Key::new("test", set.to_string(), aerospike::Value::from(i as i64))
                    .unwrap();
            let bins = [
                aerospike::Bin::new("i", aerospike::Value::Int(i as i64)),
                aerospike::Bin::new("big", aerospike::Value::String(big.clone())),
            ];
            async move {
                client
                    .put(&aerospike::WritePolicy::default(), &key, &bins)
                    .await
                    .unwrap();
            }
        });
        futures::future::join_all(futs).await;
    }
}

/// Exports `set` as NDJSON and stops fake node `node` once the first chunk arrived; returns
/// the whole body as text and whether it ended with a transfer error.
async fn export_losing_node(
    f: &Fixture,
    fake: &aerospike_fake::FakeCluster,
    set: &str,
    node: usize,
) -> (String, bool) {
    let uri = f.url(&format!("/namespaces/test/sets/{set}/export"));
    let resp = f
        .app
        .clone()
        .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    let mut bytes = Vec::new();
    let first = body.frame().await.expect("a first chunk").expect("chunk");
    bytes.extend_from_slice(&first.into_data().unwrap());
    fake.stop_node(node).await.unwrap();
    let mut broken = false;
    while let Some(frame) = tokio::time::timeout(HANG_GUARD, body.frame())
        .await
        .expect("the export hung after a node stopped")
    {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    bytes.extend_from_slice(&data);
                }
            }
            Err(_) => {
                broken = true;
                break;
            }
        }
    }
    (String::from_utf8(bytes).unwrap(), broken)
}

#[tokio::test]
async fn an_export_that_loses_one_of_three_nodes_never_repeats_a_record() {
    let f = cluster(3).await;
    let Some(fake) = f.fake.clone() else {
        eprintln!("SKIPPED: stopping a node needs the fake cluster (AEROSPIKE_HOSTS is set)");
        return;
    };
    let set = set_name("exportleave");
    let n = 6_000;
    load_big(&f, &set, n).await;
    // The client reads the stopped node's partitions from the others (the fake keeps every
    // record): the export completes, or ends with an error line; either way no record twice.
    let (text, _) = export_losing_node(&f, &fake, &set, 2).await;
    let mut keys = HashSet::new();
    let mut error = None;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v.get("$error").is_some() {
            error = Some(v);
            continue;
        }
        assert!(error.is_none(), "a record after the error line: {line}");
        let i = v["bins"]["i"].as_i64().expect("a record line");
        assert!(keys.insert(i), "record {i} exported twice");
    }
    if error.is_none() {
        assert_eq!(
            keys.len(),
            n,
            "the export ended cleanly without every record"
        );
    }
}

#[tokio::test]
async fn an_export_that_loses_its_node_ends_with_an_error_line() {
    let f = cluster(1).await;
    let Some(fake) = f.fake.clone() else {
        eprintln!("SKIPPED: stopping a node needs the fake cluster (AEROSPIKE_HOSTS is set)");
        return;
    };
    // ~64 MB: far more than the socket buffers, the client's record queue and the export's
    // chunks in flight hold, so most of the scan is still on the node when it stops.
    let set = set_name("exportloss");
    let n = 8_000;
    load_big(&f, &set, n).await;
    let (text, broken) = export_losing_node(&f, &fake, &set, 0).await;
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.len() < n,
        "every record arrived: the node stopped too late"
    );
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let problem = &last["$error"];
    assert!(problem.is_object(), "last line is not an error: {last}");
    assert!(problem["status"].as_u64().unwrap() >= 500, "{problem}");
    assert!(!problem["detail"].as_str().unwrap().is_empty(), "{problem}");
    for line in &lines[..lines.len() - 1] {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            rec["bins"]["i"].is_number(),
            "a partial record line: {line}"
        );
    }
    assert!(
        broken,
        "the body must end with a transfer error after the error line"
    );
}

#[tokio::test]
async fn a_read_only_database_stops_the_manager_at_start_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("acm.db");
    let db_path = db.to_str().unwrap().to_string();
    // A database created and migrated by a first start.
    let mut cfg = acm::Config::for_tests();
    cfg.db = db_path.clone();
    cfg.key_file = dir.path().join("acm.key").to_str().unwrap().to_string();
    let state = state_with(cfg).await;
    state.store.pool().close().await;
    drop(state);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    // The key file stays usable by the second start (only the database is read-only).
    std::fs::set_permissions(
        dir.path().join("acm.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    // root writes read-only files anyway: run the binary as `nobody` then (copied next to
    // the database, since the target directory may be private to root).
    let bin = dir.path().join("manager");
    std::fs::copy(env!("CARGO_BIN_EXE_aerospike-cluster-manager"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let is_root = std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    let mut cmd = if is_root {
        let mut c = tokio::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        tokio::process::Command::new(&bin)
    };
    cmd.args(["--listen", "127.0.0.1:0", "--db", &db_path, "--key-file"])
        .arg(dir.path().join("acm.key"))
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    let out = tokio::time::timeout(HANG_GUARD, cmd.output())
        .await
        .expect("the manager kept running on a read-only database")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "started on a read-only database: {stderr}"
    );
    assert!(stderr.contains("read-only"), "{stderr}");
    assert!(stderr.contains(&db_path), "{stderr}");
    assert!(stderr.contains("--db"), "{stderr}");
}
