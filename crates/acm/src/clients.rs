//! One Aerospike client per profile: connected lazily, rebuilt on update, closed on delete.

use std::collections::HashMap;
use std::sync::Arc;

use aerospike::{AdminPolicy, AuthMode, Client, ClientPolicy};
use axum::http::StatusCode;
use parking_lot::Mutex;
use tokio::sync::OnceCell;

use crate::db::{ProfileStore, ProfileWithSecret};
use crate::error::{ApiError, ApiResult};
use crate::profiles::{ProfileInput, parse_host};

type Cell = Arc<OnceCell<Arc<Conn>>>;

/// A connected client with the profile settings handlers need.
pub struct Conn {
    /// The Aerospike client.
    pub client: Client,
    /// Profile id.
    pub profile_id: i64,
    /// Profile name (metric labels).
    pub profile_name: String,
    /// Per-request total timeout (ms).
    pub timeout_ms: u32,
    /// Last time a request used this client (tokio clock, so tests can pause it).
    last_used: Mutex<tokio::time::Instant>,
}

impl Conn {
    /// A connected client for a profile, used now.
    pub fn new(client: Client, profile_id: i64, profile_name: String, timeout_ms: u32) -> Self {
        Self {
            client,
            profile_id,
            profile_name,
            timeout_ms,
            last_used: Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// Mark the client as used by a request now.
    pub fn touch(&self) {
        *self.last_used.lock() = tokio::time::Instant::now();
    }

    /// Time since a request last used the client.
    pub fn idle_for(&self) -> std::time::Duration {
        self.last_used.lock().elapsed()
    }

    /// The policy of info and admin calls: the profile's request timeout.
    pub fn admin_policy(&self) -> AdminPolicy {
        admin(self.timeout_ms)
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("profile_id", &self.profile_id)
            .field("profile_name", &self.profile_name)
            .finish_non_exhaustive()
    }
}

/// Registry of connected clients keyed by profile id.
#[derive(Default)]
pub struct Clients {
    cells: Mutex<HashMap<i64, Cell>>,
    /// Addresses profiles may connect to (`--allowed-targets`).
    pub targets: crate::auth::targets::TargetAllowList,
}

impl Clients {
    /// A registry whose connections must reach only `targets`.
    pub fn with_targets(targets: crate::auth::targets::TargetAllowList) -> Self {
        Self {
            cells: Mutex::default(),
            targets,
        }
    }
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clients")
            .field("profiles", &self.cells.lock().len())
            .finish()
    }
}

/// The connection parameters of a profile.
#[derive(Debug, Clone)]
pub struct ConnectSpec {
    /// `host:port,...` in the client's format.
    pub hosts: String,
    /// Expected cluster name.
    pub cluster_name: Option<String>,
    /// Credentials.
    pub user: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// Use alternate addresses.
    pub use_services_alternate: bool,
    /// Connect timeout (ms).
    pub connect_timeout_ms: u32,
}

impl ConnectSpec {
    /// From a validated input.
    pub fn from_input(p: &ProfileInput) -> ApiResult<Self> {
        let seeds = p.validate()?;
        Ok(Self {
            hosts: seeds
                .iter()
                .map(|s| seed_address(&s.host, s.port))
                .collect::<Vec<_>>()
                .join(","),
            cluster_name: p.cluster_name.clone(),
            user: p.user.clone(),
            password: p.password.clone(),
            use_services_alternate: p.use_services_alternate,
            connect_timeout_ms: p.connect_timeout_ms,
        })
    }

    /// From a stored profile.
    pub fn from_stored(p: &ProfileWithSecret) -> ApiResult<Self> {
        let pr = &p.profile;
        let mut hosts = Vec::new();
        for h in &pr.hosts {
            let s = parse_host(h, pr.port).map_err(ApiError::bad_request)?;
            hosts.push(seed_address(&s.host, s.port));
        }
        Ok(Self {
            hosts: hosts.join(","),
            cluster_name: pr.cluster_name.clone(),
            user: pr.user.clone(),
            password: p.password.clone(),
            use_services_alternate: pr.use_services_alternate,
            connect_timeout_ms: pr.connect_timeout_ms,
        })
    }

    fn policy(&self, with_cluster_name: bool) -> ClientPolicy {
        let mut policy = ClientPolicy {
            timeout: self.connect_timeout_ms,
            connect_timeout: self.connect_timeout_ms,
            login_timeout: self.connect_timeout_ms,
            use_services_alternate: self.use_services_alternate,
            fail_if_not_connected: true,
            ..ClientPolicy::default()
        };
        if with_cluster_name {
            policy.cluster_name.clone_from(&self.cluster_name);
        }
        if let Some(user) = &self.user {
            policy.auth_mode =
                AuthMode::Internal(user.clone(), self.password.clone().unwrap_or_default());
        }
        policy
    }
}

/// `host:port` for the client's seed list, with IPv6 hosts in brackets.
pub fn seed_address(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The policy of info and admin calls with this timeout (the one place it is built).
pub fn admin(timeout_ms: u32) -> AdminPolicy {
    AdminPolicy {
        timeout: timeout_ms,
    }
}

/// Connect, enforcing the expected cluster name with a specific error.
pub async fn connect(spec: &ConnectSpec) -> ApiResult<Client> {
    let result = Client::new(&spec.policy(true), &spec.hosts.as_str()).await;
    match result {
        Ok(c) if !c.nodes().is_empty() => Ok(c),
        Ok(c) => {
            let _ = c.close().await;
            Err(unreachable_err(spec, "no node answered"))
        }
        Err(e) => {
            // Tell a cluster-name mismatch apart from an unreachable cluster.
            if let Some(expected) = &spec.cluster_name
                && let Ok(probe) = Client::new(&spec.policy(false), &spec.hosts.as_str()).await
            {
                let actual = probe
                    .info(&admin(spec.connect_timeout_ms), &["cluster-name"])
                    .await
                    .ok()
                    .and_then(|m| m.get("cluster-name").cloned());
                let _ = probe.close().await;
                if let Some(actual) = actual
                    && &actual != expected
                {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        "cluster_name_mismatch",
                        format!(
                            "the cluster at {} is named `{actual}`, but the profile expects \
                             `{expected}`; fix the hosts or the expected cluster name",
                            spec.hosts
                        ),
                    ));
                }
            }
            Err(unreachable_err(spec, &e.to_string()))
        }
    }
}

fn unreachable_err(spec: &ConnectSpec, why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "cluster_unreachable",
        format!(
            "cannot connect to Aerospike at {}: {why}. Check the hosts and ports, that the \
             nodes are running and reachable from the manager{}",
            spec.hosts,
            if spec.use_services_alternate {
                ""
            } else {
                " (for operator clusters behind LoadBalancer/NodePort, enable useServicesAlternate)"
            }
        ),
    )
}

impl Clients {
    /// The client of profile `id`, connecting on first use.
    pub async fn get(&self, store: &ProfileStore, id: i64) -> ApiResult<Arc<Conn>> {
        let existing = self.cells.lock().get(&id).and_then(|c| c.get().cloned());
        if let Some(conn) = existing {
            conn.touch();
            return Ok(conn);
        }
        let stored = store.get_with_secret(id).await?;
        let cell = self.cells.lock().entry(id).or_default().clone();
        let res = cell
            .get_or_try_init(|| async {
                let spec = ConnectSpec::from_stored(&stored)?;
                self.targets.check(&spec.hosts).await?;
                tracing::info!(profile = id, hosts = %spec.hosts, "connecting");
                let client = connect(&spec).await?;
                Ok::<_, ApiError>(Arc::new(Conn::new(
                    client,
                    id,
                    stored.profile.name.clone(),
                    stored.profile.timeout_ms,
                )))
            })
            .await
            .cloned();
        if res.is_err() {
            let mut cells = self.cells.lock();
            if cells.get(&id).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                cells.remove(&id);
            }
        }
        res
    }

    /// Forget (and close) the client of a profile; the next use reconnects.
    pub fn invalidate(&self, id: i64) {
        let cell = self.cells.lock().remove(&id);
        if let Some(conn) = cell.and_then(|c| c.get().cloned()) {
            tokio::spawn(async move {
                let _ = conn.client.close().await;
            });
        }
    }

    /// Currently connected clients.
    pub fn connected(&self) -> Vec<Arc<Conn>> {
        self.cells
            .lock()
            .values()
            .filter_map(|c| c.get().cloned())
            .collect()
    }

    /// Close the clients no request used for `idle` or longer, except those `in_use`
    /// says are still wanted (a live metrics stream). Returns the released profile ids;
    /// their next request reconnects, and the sampler stops sampling them.
    pub fn release_idle(
        &self,
        idle: std::time::Duration,
        in_use: impl Fn(i64) -> bool,
    ) -> Vec<i64> {
        let released: Vec<(i64, Arc<Conn>)> = {
            let mut cells = self.cells.lock();
            let ids: Vec<i64> = cells
                .iter()
                .filter_map(|(id, c)| {
                    let conn = c.get()?;
                    (conn.idle_for() >= idle && !in_use(*id)).then_some(*id)
                })
                .collect();
            ids.into_iter()
                .filter_map(|id| {
                    let conn = cells.remove(&id)?.get()?.clone();
                    Some((id, conn))
                })
                .collect()
        };
        for (id, conn) in &released {
            tracing::info!(profile = id, "closing an idle client");
            let conn = conn.clone();
            tokio::spawn(async move {
                let _ = conn.client.close().await;
            });
        }
        released.into_iter().map(|(id, _)| id).collect()
    }

    /// Close every client (shutdown).
    pub async fn close_all(&self) {
        let all: Vec<Cell> = self.cells.lock().drain().map(|(_, c)| c).collect();
        for c in all {
            if let Some(conn) = c.get() {
                let _ = conn.client.close().await;
            }
        }
    }
}
