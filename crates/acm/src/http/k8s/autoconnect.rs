//! Auto-connect: a connection profile for each cluster the manager creates. Its seeds follow
//! `--k8s-connect-via` ([`reach`]): the headless Service inside the cluster; the seeds
//! LoadBalancer and per-pod LoadBalancer/NodePort Services with services-alternate outside it;
//! or pod IPs on a flat network. The link is stored in SQLite (`k8s_profile_links`), so deleting
//! the cluster removes exactly the profiles it created, and a profile deleted by hand is
//! forgotten. Addresses that appear later (LoadBalancer ingress, pod IPs) are written into the
//! profile by [`refresh`], which [`run`] calls whenever the cluster, its pods or its Services
//! change.

use std::collections::BTreeSet;

use acko_api::{AerospikeCluster, AerospikeClusterSpec};
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, Pod, Service};
use kube::Api;
use kube::api::ListParams;
use kube::runtime::{WatchStreamExt, watcher};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use utoipa::ToSchema;

use super::conn::Kube;
use super::reach::{self, ConnectVia, Observed, Reach};
use crate::error::ApiResult;
use crate::profiles::{Profile, ProfileInput};
use crate::state::AppState;

/// Profile label holding the address mode of an auto-connect profile.
pub const LABEL_CONNECT: &str = "k8s.connect";

/// What auto-connect did.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AutoConnect {
    /// The created profile, when it was created.
    pub profile_id: Option<i64>,
    /// Seed address of the profile (the first seed).
    pub host: String,
    /// Every seed of the profile.
    pub hosts: Vec<String>,
    /// How the profile reaches the cluster: `headless`, `external` or `pod-ip`.
    pub via: ConnectVia,
    /// Whether the profile uses services-alternate (external addresses).
    pub use_services_alternate: bool,
    /// Why the seeds are provisional (e.g. waiting for LoadBalancer addresses); the profile is
    /// updated when the addresses appear.
    pub note: Option<String>,
    /// Why no profile was created (the cluster itself was created).
    pub error: Option<String>,
}

/// Aerospike service port of a spec (`aerospikeConfig.network.service.port`, default 3000).
pub fn service_port(spec: &AerospikeClusterSpec) -> u16 {
    spec.aerospike_config
        .as_ref()
        .and_then(|c| c.get("network"))
        .and_then(|n| n.get("service"))
        .and_then(|s| s.get("port"))
        .and_then(serde_json::Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(3000)
}

/// Cluster name the nodes report (`service.cluster-name`, default: the resource name).
pub fn cluster_name(spec: &AerospikeClusterSpec, name: &str) -> String {
    spec.aerospike_config
        .as_ref()
        .and_then(|c| c.get("service"))
        .and_then(|s| s.get("cluster-name"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or(name)
        .to_string()
}

/// `<name>-headless.<namespace>.svc.cluster.local:<port>`.
pub fn headless_host(name: &str, namespace: &str, port: u16) -> String {
    reach::headless_host(name, namespace, port)
}

/// Profile name for a cluster: `k8s-<namespace>-<name>`.
pub fn profile_name(name: &str, namespace: &str) -> String {
    format!("k8s-{namespace}-{name}")
}

/// The concrete address mode of this manager (`--k8s-connect-via`, `auto` resolved).
pub fn connect_via(state: &AppState) -> ConnectVia {
    state
        .config
        .k8s_connect_via
        .concrete(reach::in_cluster(state.config.kubeconfig.is_some()))
}

fn description(namespace: &str, name: &str, r: &Reach) -> String {
    let base = format!("created with AerospikeCluster {namespace}/{name} (auto-connect)");
    match &r.note {
        Some(n) => format!("{base}; {n}"),
        None => base,
    }
}

/// Create the profile of a new cluster and record the link. Its seeds are those known now
/// (see [`refresh`] for the ones that appear later).
pub async fn create(
    state: &AppState,
    kube: &Kube,
    namespace: &str,
    name: &str,
    spec: &AerospikeClusterSpec,
) -> AutoConnect {
    let via = connect_via(state);
    let port = service_port(spec);
    let observed = match via {
        ConnectVia::Headless => Observed::default(),
        _ => observe(kube, namespace, name, spec)
            .await
            .unwrap_or_default(),
    };
    let r = reach::resolve(via, name, namespace, port, &observed);
    let input = ProfileInput {
        name: profile_name(name, namespace),
        hosts: r.hosts.clone(),
        port,
        cluster_name: Some(cluster_name(spec, name)),
        user: None,
        password: None,
        color: crate::profiles::DEFAULT_COLOR.to_string(),
        description: description(namespace, name, &r),
        labels: [
            ("k8s.namespace".to_string(), namespace.to_string()),
            ("k8s.cluster".to_string(), name.to_string()),
            (LABEL_CONNECT.to_string(), via.as_str().to_string()),
        ]
        .into(),
        use_services_alternate: r.services_alternate,
        connect_timeout_ms: 5000,
        timeout_ms: 10000,
    };
    let mut out = AutoConnect {
        profile_id: None,
        host: r.hosts.first().cloned().unwrap_or_default(),
        hosts: r.hosts.clone(),
        via,
        use_services_alternate: r.services_alternate,
        note: r.note.clone(),
        error: None,
    };
    let created = match state.store.create(&input, false).await {
        Ok(p) => p,
        Err(e) => {
            out.error = Some(e.detail);
            return out;
        }
    };
    let res = sqlx::query(
        "INSERT INTO k8s_profile_links (profile_id, namespace, cluster, created_at) VALUES (?,?,?,?)",
    )
    .bind(created.id)
    .bind(namespace)
    .bind(name)
    .bind(jiff::Timestamp::now().to_string())
    .execute(state.store.pool())
    .await;
    out.profile_id = Some(created.id);
    out.error = res
        .err()
        .map(|e| format!("profile created but not linked: {e}"));
    out
}

fn service_port_of(svc: &Service) -> Option<(i32, Option<i32>)> {
    let ports = svc.spec.as_ref()?.ports.as_ref()?;
    let p = ports
        .iter()
        .find(|p| p.name.as_deref() == Some("service"))
        .or_else(|| ports.first())?;
    Some((p.port, p.node_port))
}

fn ingress_host(svc: &Service) -> Option<String> {
    let ing = svc
        .status
        .as_ref()?
        .load_balancer
        .as_ref()?
        .ingress
        .as_ref()?
        .first()?;
    ing.ip
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| ing.hostname.clone().filter(|s| !s.is_empty()))
}

fn join_host(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A Node's address for NodePorts: its ExternalIP, else its InternalIP.
fn node_address(node: &Node) -> Option<String> {
    let addrs = node.status.as_ref()?.addresses.as_ref()?;
    ["ExternalIP", "InternalIP"].iter().find_map(|t| {
        addrs
            .iter()
            .find(|a| a.type_ == *t)
            .map(|a| a.address.clone())
    })
}

/// Read what a cluster's addresses are now: its Services, pods and (for NodePorts) Nodes.
pub async fn observe(
    kube: &Kube,
    namespace: &str,
    name: &str,
    spec: &AerospikeClusterSpec,
) -> ApiResult<Observed> {
    let spec_json = serde_json::to_value(spec).unwrap_or(Value::Null);
    let mut o = Observed {
        wants_seeds_lb: spec_json["seedsFinderServices"]["loadBalancer"].is_object(),
        pod_service_type: spec_json["podService"].is_object().then(|| {
            spec_json["podService"]["serviceType"]
                .as_str()
                .unwrap_or("ClusterIP")
                .to_string()
        }),
        ..Observed::default()
    };
    let selector = format!("{}={name}", acko_render::labels::LABEL_CLUSTER);
    let lp = ListParams::default().labels(&selector);
    let what = super::clusters::what(namespace, name);
    let pods: Api<Pod> = Api::namespaced(kube.client.clone(), namespace);
    let pods = kube
        .call(&format!("pods of {what}"), pods.list(&lp))
        .await?
        .items;
    let port = service_port(spec);
    let mut pod_ips = BTreeSet::new();
    for p in &pods {
        let status = p.status.as_ref();
        let running = status.and_then(|s| s.phase.as_deref()) == Some("Running");
        let gone = p.metadata.deletion_timestamp.is_some();
        if let (true, false, Some(ip)) = (running, gone, status.and_then(|s| s.pod_ip.as_deref())) {
            pod_ips.insert(join_host(ip, i32::from(port)));
        }
    }
    o.pod_ips = pod_ips.into_iter().collect();

    let services: Api<Service> = Api::namespaced(kube.client.clone(), namespace);
    let services = kube
        .call(&format!("Services of {what}"), services.list(&lp))
        .await?
        .items;
    let seeds_name = acko_api::names::seeds_lb_service(name);
    let mut pod_services = BTreeSet::new();
    for svc in &services {
        let svc_name = svc.metadata.name.as_deref().unwrap_or_default();
        let svc_type = svc.spec.as_ref().and_then(|s| s.type_.as_deref());
        let Some((svc_port, node_port)) = service_port_of(svc) else {
            continue;
        };
        if svc_name == seeds_name {
            o.seeds_lb = ingress_host(svc).map(|h| join_host(&h, svc_port));
            continue;
        }
        let Some(pod_name) = svc
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(acko_render::labels::LABEL_POD_SERVICE))
        else {
            continue;
        };
        match svc_type {
            Some("LoadBalancer") => {
                if let Some(h) = ingress_host(svc) {
                    pod_services.insert(join_host(&h, svc_port));
                }
            }
            Some("NodePort") => {
                let node_name = pods
                    .iter()
                    .find(|p| p.metadata.name.as_deref() == Some(pod_name.as_str()))
                    .and_then(|p| p.spec.as_ref())
                    .and_then(|s| s.node_name.clone());
                if let (Some(node_name), Some(np)) = (node_name, node_port) {
                    let nodes: Api<Node> = Api::all(kube.client.clone());
                    let node = kube
                        .call_opt(&format!("Node {node_name}"), nodes.get(&node_name))
                        .await?;
                    if let Some(addr) = node.as_ref().and_then(node_address) {
                        pod_services.insert(join_host(&addr, np));
                    }
                }
            }
            _ => {}
        }
    }
    o.pod_services = pod_services.into_iter().collect();
    Ok(o)
}

/// Bring the seeds of a cluster's auto-connect profiles up to date (pod IPs, LoadBalancer
/// addresses that appeared since creation). Returns the ids of the profiles it changed.
pub async fn refresh(
    state: &AppState,
    kube: &Kube,
    namespace: &str,
    name: &str,
) -> ApiResult<Vec<i64>> {
    let ids = linked(state, namespace, name).await?;
    if ids.is_empty() {
        return Ok(ids);
    }
    let api: Api<AerospikeCluster> = Api::namespaced(kube.client.clone(), namespace);
    let Some(cluster) = kube
        .call_opt(&super::clusters::what(namespace, name), api.get(name))
        .await?
    else {
        return Ok(Vec::new());
    };
    let mut observed: Option<Observed> = None;
    let mut changed = Vec::new();
    for id in ids {
        let Ok(profile) = state.store.get(id).await else {
            continue;
        };
        let via = profile
            .labels
            .get(LABEL_CONNECT)
            .and_then(|v| ConnectVia::parse(v))
            .unwrap_or(ConnectVia::Headless);
        if via == ConnectVia::Headless {
            continue;
        }
        let o = match &observed {
            Some(o) => o.clone(),
            None => {
                let o = observe(kube, namespace, name, &cluster.spec).await?;
                observed = Some(o.clone());
                o
            }
        };
        let r = reach::resolve(via, name, namespace, profile.port, &o);
        let desc = description(namespace, name, &r);
        if r.hosts == profile.hosts
            && r.services_alternate == profile.use_services_alternate
            && desc == profile.description
        {
            continue;
        }
        let mut input = input_of(&profile);
        input.hosts = r.hosts;
        input.use_services_alternate = r.services_alternate;
        input.description = desc;
        state.store.update(id, &input).await?;
        state.clients.invalidate(id);
        tracing::info!(profile = id, cluster = %format!("{namespace}/{name}"), hosts = ?input.hosts, "auto-connect profile re-pointed");
        changed.push(id);
    }
    Ok(changed)
}

fn input_of(p: &Profile) -> ProfileInput {
    ProfileInput {
        name: p.name.clone(),
        hosts: p.hosts.clone(),
        port: p.port,
        cluster_name: p.cluster_name.clone(),
        user: p.user.clone(),
        password: None,
        color: p.color.clone(),
        description: p.description.clone(),
        labels: p.labels.clone(),
        use_services_alternate: p.use_services_alternate,
        connect_timeout_ms: p.connect_timeout_ms,
        timeout_ms: p.timeout_ms,
    }
}

/// Every (namespace, cluster) with an auto-connect profile.
pub async fn linked_clusters(state: &AppState) -> ApiResult<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT DISTINCT namespace, cluster FROM k8s_profile_links")
        .fetch_all(state.store.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("namespace")?, r.try_get("cluster")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Keep auto-connect profiles pointed at their clusters until `stop` turns true: a refresh
/// of every linked cluster at start, then one per change of a cluster, or of a pod or Service
/// labelled with a cluster. Watch failures back off and resume (kube-runtime's watcher).
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    if !state.k8s.enabled() || connect_via(&state) == ConnectVia::Headless {
        return;
    }
    let kube = loop {
        match state.k8s.client().await {
            Ok(client) => {
                break Kube {
                    client,
                    timeout: state.k8s.timeout(),
                };
            }
            Err(e) => {
                tracing::warn!(error = %e.detail, "auto-connect refresher: no Kubernetes client yet");
                tokio::select! {
                    () = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    };
    if let Ok(all) = linked_clusters(&state).await {
        for (ns, name) in all {
            let _ = refresh(&state, &kube, &ns, &name).await;
        }
    }
    let label = acko_render::labels::LABEL_CLUSTER;
    let cfg = || watcher::Config::default();
    let by_label = |labels: Option<&std::collections::BTreeMap<String, String>>,
                    ns: Option<&String>| {
        let c = labels.and_then(|l| l.get(label)).cloned();
        c.zip(ns.cloned())
    };
    let clusters = watcher(Api::<AerospikeCluster>::all(kube.client.clone()), cfg())
        .default_backoff()
        .applied_objects()
        .map(|r| {
            r.ok()
                .and_then(|c| c.metadata.namespace.clone().zip(c.metadata.name.clone()))
        });
    let pods = watcher(Api::<Pod>::all(kube.client.clone()), cfg().labels(label))
        .default_backoff()
        .applied_objects()
        .map(move |r| {
            r.ok().and_then(|p| {
                by_label(p.metadata.labels.as_ref(), p.metadata.namespace.as_ref())
                    .map(|(c, ns)| (ns, c))
            })
        });
    let services = watcher(
        Api::<Service>::all(kube.client.clone()),
        cfg().labels(label),
    )
    .default_backoff()
    .applied_objects()
    .map(move |r| {
        r.ok().and_then(|s| {
            by_label(s.metadata.labels.as_ref(), s.metadata.namespace.as_ref())
                .map(|(c, ns)| (ns, c))
        })
    });
    let mut events = std::pin::pin!(futures::stream::select(
        clusters,
        futures::stream::select(pods, services),
    ));
    loop {
        tokio::select! {
            ev = events.next() => match ev {
                Some(Some((ns, name))) => {
                    if let Err(e) = refresh(&state, &kube, &ns, &name).await {
                        tracing::debug!(cluster = %format!("{ns}/{name}"), error = %e.detail, "auto-connect refresh failed");
                    }
                }
                Some(None) => {}
                None => return,
            },
            _ = stop.changed() => return,
        }
    }
}

/// Profiles created for a cluster.
pub async fn linked(state: &AppState, namespace: &str, name: &str) -> ApiResult<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT profile_id FROM k8s_profile_links WHERE namespace = ? AND cluster = ? ORDER BY profile_id",
    )
    .bind(namespace)
    .bind(name)
    .fetch_all(state.store.pool())
    .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>("profile_id").map_err(Into::into))
        .collect()
}

/// Delete the profiles created for a cluster (and close their clients); returns their ids.
pub async fn remove(state: &AppState, namespace: &str, name: &str) -> ApiResult<Vec<i64>> {
    let ids = linked(state, namespace, name).await?;
    for id in &ids {
        state.clients.invalidate(*id);
        // Already gone is fine: the link cascades away with the profile.
        let _ = state.store.delete(*id).await;
    }
    Ok(ids)
}
