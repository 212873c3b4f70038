//! Talking to the pods: Aerospike facts over the info protocol (`asinfo`) and the pod
//! contract's warm-restart files through exec. Behind a trait so tests can substitute it.

use std::time::Duration;

use asinfo::ClientConfig;
use futures::future::BoxFuture;
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use kube::api::{Api, AttachParams};
use tokio::io::AsyncReadExt;

use crate::observed::NodeFacts;

/// Container that runs asd under the acko-init supervisor (pod contract).
pub const AEROSPIKE_CONTAINER: &str = "aerospike-server";

/// Supervisor files read through exec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WarmFiles {
    /// `/acko/run/applied-config-hash`, trimmed.
    pub applied_hash: Option<String>,
    /// `/acko/run/last-restart-error`, trimmed.
    pub last_error: Option<String>,
}

/// What the shell needs from a pod besides the Kubernetes API objects.
pub trait PodAgent: Send + Sync + 'static {
    /// Aerospike facts of the node at `addr` (`host:port`), expecting a cluster of `expected`.
    fn probe(&self, addr: String, expected: usize) -> BoxFuture<'_, NodeFacts>;
    /// Reads the warm-restart files of a pod.
    fn read_warm_files<'a>(&'a self, pod: &'a Pod) -> BoxFuture<'a, Result<WarmFiles, String>>;
    /// Writes `restart-request` with `hash` (atomically: temp file + rename).
    fn request_warm_restart<'a>(
        &'a self,
        pod: &'a Pod,
        hash: &'a str,
    ) -> BoxFuture<'a, Result<(), String>>;
    /// Sends one info command (`set-config`, `get-config`) to the node at `addr` and returns
    /// the raw reply (an `ERROR:...` reply is `Ok`: the caller reads it).
    fn info<'a>(
        &'a self,
        addr: &'a str,
        command: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        let _ = (addr, command);
        Box::pin(async { Err("this agent cannot send info commands".to_owned()) })
    }
}

/// `host:port` of a pod's info port: its IP and the `service` port of the Aerospike container.
pub fn info_addr(pod: &Pod) -> Option<String> {
    let ip = pod.status.as_ref()?.pod_ip.as_deref()?;
    let port = pod
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == AEROSPIKE_CONTAINER)
        .and_then(|c| c.ports.as_ref())
        .and_then(|ports| ports.iter().find(|p| p.name.as_deref() == Some("service")))
        .map_or(3000, |p| p.container_port);
    Some(if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    })
}

/// The real agent: asinfo over TCP and exec through the API server.
#[derive(Clone)]
pub struct KubeAgent {
    client: Client,
    timeout: Duration,
}

impl KubeAgent {
    /// An agent using `client` for exec; info calls time out after `timeout`.
    pub fn new(client: Client, timeout: Duration) -> Self {
        KubeAgent { client, timeout }
    }

    async fn exec(&self, pod: &Pod, script: String) -> Result<String, String> {
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
        let api: Api<Pod> = Api::namespaced(self.client.clone(), ns);
        let params = AttachParams::default()
            .container(AEROSPIKE_CONTAINER)
            .stdout(true)
            .stderr(false);
        let run = async {
            let mut proc = api
                .exec(name, ["sh", "-c", script.as_str()], &params)
                .await
                .map_err(|e| format!("exec in {name}: {e}"))?;
            let mut out = String::new();
            if let Some(mut stdout) = proc.stdout() {
                stdout
                    .read_to_string(&mut out)
                    .await
                    .map_err(|e| format!("exec in {name}: reading stdout: {e}"))?;
            }
            proc.join()
                .await
                .map_err(|e| format!("exec in {name}: {e}"))?;
            Ok(out)
        };
        tokio::time::timeout(self.timeout * 5, run)
            .await
            .map_err(|_| format!("exec in {name}: timed out"))?
    }
}

impl PodAgent for KubeAgent {
    fn probe(&self, addr: String, expected: usize) -> BoxFuture<'_, NodeFacts> {
        Box::pin(async move {
            let client = asinfo::Client::with_config(
                addr,
                ClientConfig {
                    timeout: self.timeout,
                    ..ClientConfig::default()
                },
            );
            let observation = asinfo::probe::observe(&client, expected).await;
            let (edition, access_endpoints, build) = if observation.state.is_ok() {
                match client
                    .info(&["edition", "service-clear-std", "build"])
                    .await
                {
                    Ok(v) => (
                        v.first()
                            .map(|e| e.trim().to_owned())
                            .filter(|e| !e.is_empty()),
                        v.get(1)
                            .map(|s| {
                                s.split(';')
                                    .filter(|a| !a.is_empty())
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default(),
                        v.get(2)
                            .map(|b| b.trim().to_owned())
                            .filter(|b| !b.is_empty()),
                    ),
                    Err(_) => (None, Vec::new(), None),
                }
            } else {
                (None, Vec::new(), None)
            };
            client.close_idle();
            NodeFacts {
                observation,
                edition,
                access_endpoints,
                build,
            }
        })
    }

    fn read_warm_files<'a>(&'a self, pod: &'a Pod) -> BoxFuture<'a, Result<WarmFiles, String>> {
        Box::pin(async move {
            let out = self
                .exec(
                    pod,
                    "cat /acko/run/applied-config-hash 2>/dev/null; echo '--acko--'; \
                     cat /acko/run/last-restart-error 2>/dev/null; true"
                        .to_owned(),
                )
                .await?;
            Ok(parse_warm_files(&out))
        })
    }

    fn request_warm_restart<'a>(
        &'a self,
        pod: &'a Pod,
        hash: &'a str,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            if !hash.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(format!("refusing a non-hex config hash {hash:?}"));
            }
            self.exec(
                pod,
                format!(
                    "printf %s {hash} > /acko/run/.rr && mv /acko/run/.rr /acko/run/restart-request"
                ),
            )
            .await
            .map(|_| ())
        })
    }

    fn info<'a>(
        &'a self,
        addr: &'a str,
        command: &'a str,
    ) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            let client = asinfo::Client::with_config(
                addr.to_owned(),
                ClientConfig {
                    timeout: self.timeout,
                    ..ClientConfig::default()
                },
            );
            let reply = client
                .info_one(command)
                .await
                .map_err(|e| format!("{addr}: {e}"));
            client.close_idle();
            reply
        })
    }
}

/// Parses the output of the warm-files script (`<applied>\n--acko--\n<error>`).
pub fn parse_warm_files(out: &str) -> WarmFiles {
    let (applied, error) = out.split_once("--acko--").unwrap_or((out, ""));
    let clean = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    WarmFiles {
        applied_hash: clean(applied),
        last_error: clean(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warm_files_are_parsed_and_trimmed() {
        assert_eq!(
            parse_warm_files("abc\n--acko--\n"),
            WarmFiles {
                applied_hash: Some("abc".into()),
                last_error: None
            }
        );
        assert_eq!(
            parse_warm_files("abc\n--acko--\nhash never arrived\n").last_error,
            Some("hash never arrived".into())
        );
        assert_eq!(parse_warm_files("--acko--\n"), WarmFiles::default());
    }

    #[test]
    fn info_address_uses_the_service_port_and_brackets_ipv6() {
        let pod: Pod = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "aerospike-server",
                "ports": [{"name": "service", "containerPort": 4000}]}]},
            "status": {"podIP": "fd00::1"}
        }))
        .unwrap();
        assert_eq!(info_addr(&pod).as_deref(), Some("[fd00::1]:4000"));
    }
}
