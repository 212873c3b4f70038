//! Shared by the manager benches: the manager binary as a child process, loading the
//! 8-bin benchmark records, RSS of a process.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use aerospike::{Bin, Client, Key, Value, WritePolicy};

pub const MANAGER: &str = env!("CARGO_BIN_EXE_aerospike-cluster-manager");

/// A field of `/proc/<pid>/status` in KB (`VmRSS:`, `VmHWM:`), 0 when unreadable.
pub fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// The manager binary, killed on drop.
pub struct Manager {
    pub child: Child,
    pub base: String,
}

impl Drop for Manager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the manager on a free port with an in-memory database and a profile for `hosts`;
/// returns it and the profile id.
pub async fn start_manager(http: &reqwest::Client, hosts: &str) -> (Manager, i64) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let child = Command::new(MANAGER)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--db",
            ":memory:",
            "--sample-interval",
            "2s",
            // Sign-in is on by default; the bench drives the API anonymously on loopback.
            "--no-auth",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start manager");
    let base = format!("http://127.0.0.1:{port}");
    let m = Manager { child, base };
    for _ in 0..400 {
        if http
            .get(format!("{}/api/health", m.base))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let hosts: Vec<&str> = hosts.split(',').collect();
    let r = http
        .post(format!("{}/api/v1/profiles", m.base))
        .json(&serde_json::json!({"name": "bench", "hosts": hosts, "timeoutMs": 60000}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body = r.json::<serde_json::Value>().await.unwrap();
    assert_eq!(status, 201, "creating the bench profile: {body}");
    let id = body["id"].as_i64().expect("the new profile's id");
    http.get(format!("{}/api/v1/profiles/{id}/status", m.base))
        .send()
        .await
        .unwrap();
    (m, id)
}

/// The 8 bins of benchmark record `k`: 2 strings, 3 integers, a float, a list, a map.
pub fn bins(k: usize) -> [Bin; 8] {
    let attrs: std::collections::HashMap<Value, Value> = [
        (
            Value::from("plan".to_string()),
            Value::from(["free", "pro", "team"][k % 3].to_string()),
        ),
        (
            Value::from("logins".to_string()),
            Value::Int((k % 1000) as i64),
        ),
    ]
    .into_iter()
    .collect();
    [
        Bin::new("name", Value::String(format!("name-{k}"))),
        Bin::new("age", Value::Int((k % 90) as i64)),
        Bin::new("score", Value::from(k as f64 / 7.0)),
        Bin::new(
            "tags",
            Value::List(vec![Value::String("a".into()), Value::Int(k as i64)]),
        ),
        Bin::new("attrs", Value::HashMap(attrs)),
        Bin::new("city", Value::String(format!("city-{}", k % 500))),
        Bin::new("visits", Value::Int((k * 7 % 10_000) as i64)),
        Bin::new("created", Value::Int(1_700_000_000 + k as i64)),
    ]
}

/// Writes records `user0000000..` of `set` in namespace `test`, 500 at a time.
pub async fn load(client: &Arc<Client>, set: &str, n: usize) {
    let wp = Arc::new(WritePolicy::default());
    let mut i = 0;
    while i < n {
        let end = (i + 500).min(n);
        let futs = (i..end).map(|k| {
            let client = client.clone();
            let wp = wp.clone();
            let set = set.to_string();
            async move {
                let key = Key::new("test", set, Value::String(format!("user{k:07}"))).unwrap();
                client.put(&wp, &key, &bins(k)).await.unwrap();
            }
        });
        futures::future::join_all(futs).await;
        i = end;
    }
}
