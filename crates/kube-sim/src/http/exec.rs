//! `pods/exec` over WebSocket, the way `kube::Api::exec` and `kubectl exec` speak it:
//! `v5.channel.k8s.io` (or `v4.channel.k8s.io`) binary frames whose first byte is the channel
//! (1 stdout, 2 stderr, 3 the final `Status`). Commands run in the tiny shell of
//! [`crate::exec_shell`] over the pod's supervisor files (`/acko/run`): `applied-config-hash`
//! is the hash of the config the pod's fake node runs, and a `restart-request` written by the
//! command is picked up like acko-init's supervisor does: the node is warm-restarted when the
//! rack ConfigMap carries the requested hash, else `last-restart-error` says why not.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::SimState;
use crate::error::ApiError;
use crate::exec_shell::{self, Files, Output};

const RUN_DIR: &str = "/acko/run";
const PROTOCOLS: [&str; 2] = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            x => out.push(x),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// The supervisor files of one pod (by uid), as the exec shell sees them.
struct PodFiles<'a> {
    state: &'a SimState,
    ns: String,
    pod: String,
    files: BTreeMap<String, String>,
}

impl Files for PodFiles<'_> {
    fn read(&self, path: &str) -> Option<String> {
        if path == format!("{RUN_DIR}/applied-config-hash") {
            return self
                .state
                .runtime
                .aerospike
                .rendered(&self.ns, &self.pod)
                .map(|(hash, _)| hash);
        }
        self.files.get(path).cloned()
    }
    fn write(&mut self, path: &str, content: &str) {
        self.files.insert(path.to_string(), content.to_string());
    }
    fn remove(&mut self, path: &str) -> bool {
        self.files.remove(path).is_some()
    }
}

fn status_of(out: &Output) -> Value {
    if out.code == 0 {
        json!({"metadata": {}, "status": "Success"})
    } else {
        json!({"metadata": {}, "status": "Failure",
            "message": format!("command terminated with non-zero exit code: exit status {}", out.code),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": out.code.to_string()}]}})
    }
}

/// What acko-init's supervisor does with a `restart-request`.
async fn supervise(state: Arc<SimState>, ns: String, pod: String, uid: String, want: String) {
    let err_path = format!("{RUN_DIR}/last-restart-error");
    let cm_hash = state.runtime.aerospike.rendered(&ns, &pod).map(|(h, _)| h);
    let result = crate::aerospike::warm_restart(&state, &ns, &pod).await;
    let error = match result {
        Ok(applied) if want.is_empty() || applied == want => None,
        Ok(applied) => Some(format!(
            "the rack ConfigMap carries config hash {applied}, not the requested {want} (before: {})",
            cm_hash.unwrap_or_default()
        )),
        Err(e) => Some(e),
    };
    let mut g = state.runtime.exec_files.lock();
    let files = g.entry(uid).or_default();
    match error {
        Some(e) => {
            files.insert(err_path, e);
        }
        None => {
            files.remove(&err_path);
        }
    }
    drop(g);
    state
        .runtime
        .supervisor_runs
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    state.runtime.supervisor_done.notify_waiters();
}

/// `GET|POST /api/v1/namespaces/{ns}/pods/{name}/exec`.
pub async fn handle(
    State(state): State<Arc<SimState>>,
    Path((ns, name)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    mut req: Request,
) -> Response {
    let q = query_pairs(raw.as_deref().unwrap_or(""));
    let param = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let argv: Vec<String> = q
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.clone())
        .collect();
    let pod_rt = state.store.find_kind("v1", "Pod").expect("built in");
    let Some(pod) = state.store.with(|i| i.try_get(&pod_rt, &ns, &name)) else {
        return ApiError::not_found("pods", &name).into_response();
    };
    let containers: Vec<&str> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str())
        .collect();
    let container = param("container").unwrap_or(containers.first().copied().unwrap_or(""));
    if !containers.contains(&container) {
        return ApiError::bad_request(format!("container {container} is not valid for pod {name}"))
            .into_response();
    }
    if pod["status"]["phase"] != "Running" {
        return ApiError::bad_request(format!(
            "unable to upgrade connection: container not found (\"{container}\")"
        ))
        .into_response();
    }
    if argv.is_empty() {
        return ApiError::bad_request("you must specify at least 1 command").into_response();
    }
    let headers = req.headers();
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .map(|k| derive_accept_key(k.as_bytes()));
    let offered: Vec<String> = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let protocol = offered
        .iter()
        .find(|p| PROTOCOLS.contains(&p.as_str()))
        .cloned();
    let (Some(accept), Some(protocol), Some(on_upgrade)) = (
        key,
        protocol,
        req.extensions_mut().remove::<hyper::upgrade::OnUpgrade>(),
    ) else {
        return ApiError::bad_request(format!(
            "Upgrade request required: exec needs a WebSocket upgrade with one of the subprotocols {}",
            PROTOCOLS.join(", ")
        ))
        .into_response();
    };

    // run the command now (the shell is pure); stream the result after the upgrade
    let uid = pod["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let files = state
        .runtime
        .exec_files
        .lock()
        .get(&uid)
        .cloned()
        .unwrap_or_default();
    let mut pf = PodFiles {
        state: &state,
        ns: ns.clone(),
        pod: name.clone(),
        files,
    };
    let out = exec_shell::run(&argv, &mut pf);
    let mut files = pf.files;
    let request = files.remove(&format!("{RUN_DIR}/restart-request"));
    state.runtime.exec_files.lock().insert(uid.clone(), files);
    if let Some(want) = request {
        tokio::spawn(supervise(
            state.clone(),
            ns,
            name,
            uid,
            want.trim().to_string(),
        ));
    }
    let want_stdout = param("stdout").is_some_and(|v| v == "true" || v == "1");
    let want_stderr = param("stderr").is_some_and(|v| v == "true" || v == "1");
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let io = hyper_util::rt::TokioIo::new(upgraded);
        let mut ws = WebSocketStream::from_raw_socket(io, Role::Server, None).await;
        let frame = |ch: u8, data: &[u8]| {
            let mut b = Vec::with_capacity(data.len() + 1);
            b.push(ch);
            b.extend_from_slice(data);
            Message::Binary(b.into())
        };
        if want_stdout && !out.stdout.is_empty() {
            let _ = ws.send(frame(1, out.stdout.as_bytes())).await;
        }
        if want_stderr && !out.stderr.is_empty() {
            let _ = ws.send(frame(2, out.stderr.as_bytes())).await;
        }
        let _ = ws
            .send(frame(3, status_of(&out).to_string().as_bytes()))
            .await;
        // a normal closure (1000): client-go treats anything else as a broken stream
        let _ = ws
            .close(Some(CloseFrame {
                code: CloseCode::Normal,
                reason: "".into(),
            }))
            .await;
    });
    let mut resp = StatusCode::SWITCHING_PROTOCOLS.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(v) = HeaderValue::from_str(&accept) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    if let Ok(v) = HeaderValue::from_str(&protocol) {
        h.insert(header::SEC_WEBSOCKET_PROTOCOL, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_with_repeated_commands_decode() {
        let q =
            query_pairs("command=sh&command=-c&command=cat+%2Facko%2Frun%2Fx%3B+true&stdout=true");
        let cmds: Vec<&str> = q
            .iter()
            .filter(|(k, _)| k == "command")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(cmds, ["sh", "-c", "cat /acko/run/x; true"]);
    }
}
