//! `acko collectinfo NAME`: one `.tar.gz` with everything needed to diagnose a cluster — the
//! AerospikeCluster, the status report, its events, its objects (StatefulSets, Services,
//! ConfigMaps, PDBs, PVCs, Pods), every container's log, the operator's logs, and every
//! reachable node's key info replies — plus `manifest.json` listing each file and each item
//! that could not be collected (and why). Collection never stops at the first failure.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Event, PersistentVolumeClaim, Pod, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::api::{Api, ListParams, LogParams};
use kube::{Client, Resource as _, ResourceExt};
use serde::Serialize;
use serde_json::{Value, json};

use crate::kube_access::{ClusterTarget, block_on, describe};

/// Info commands collected from every node (namespace details are added per namespace).
pub const INFO_COMMANDS: &[&str] = &[
    "build",
    "edition",
    "node",
    "cluster-name",
    "service-clear-std",
    "peers-clear-std",
    "statistics",
    "namespaces",
    "sets",
    "sindex-list",
    "get-config",
    "cluster-stable",
    "health-outliers",
    "best-practices",
];

/// Arguments of `acko collectinfo`.
#[derive(Debug, clap::Args)]
pub struct CollectInfoArgs {
    #[command(flatten)]
    pub target: ClusterTarget,
    /// Output file (default: `collectinfo-NAMESPACE-NAME-TIME.tar.gz` in the current directory).
    #[arg(short = 'o', long = "output", value_name = "FILE.tar.gz")]
    pub output: Option<PathBuf>,
    /// Namespace of the operator, for its logs.
    #[arg(long, default_value = crate::deploy::manifests::DEFAULT_NAMESPACE)]
    pub operator_namespace: String,
    /// Timeout of each info request to an Aerospike node, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3)]
    pub info_timeout: u64,
    /// Do not connect to the Aerospike nodes (only Kubernetes data).
    #[arg(long)]
    pub no_info: bool,
}

/// One file of the bundle, as listed in `manifest.json`.
#[derive(Debug, Serialize, PartialEq)]
pub struct FileEntry {
    pub path: String,
    pub bytes: usize,
}

/// Something that could not be collected.
#[derive(Debug, Serialize, PartialEq)]
pub struct Missing {
    pub item: String,
    pub error: String,
}

/// The files being collected.
#[derive(Debug, Default)]
pub struct Bundle {
    files: Vec<(String, Vec<u8>)>,
    missing: Vec<Missing>,
}

impl Bundle {
    /// Adds a file.
    pub fn add(&mut self, path: impl Into<String>, data: impl Into<Vec<u8>>) {
        self.files.push((path.into(), data.into()));
    }

    /// Records an item that could not be collected.
    pub fn miss(&mut self, item: impl Into<String>, error: impl Into<String>) {
        self.missing.push(Missing {
            item: item.into(),
            error: error.into(),
        });
    }

    /// Adds objects as one multi-document YAML file.
    pub fn add_yaml<T: Serialize>(&mut self, path: &str, objects: &[T]) {
        let mut text = String::new();
        for o in objects {
            match serde_saphyr::to_string(o) {
                Ok(y) => {
                    text.push_str("---\n");
                    text.push_str(&y);
                }
                Err(e) => self.miss(path, format!("cannot encode as YAML: {e}")),
            }
        }
        self.add(path, text);
    }

    /// The `.tar.gz`: every file under `root/`, `manifest.json` first.
    pub fn to_tar_gz(&self, root: &str, manifest: &Value) -> std::io::Result<Vec<u8>> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        let mtime = jiff::Timestamp::now().as_second().max(0).unsigned_abs();
        let manifest = serde_json::to_vec_pretty(manifest).map_err(std::io::Error::other)?;
        let all = std::iter::once(("manifest.json", manifest.as_slice()))
            .chain(self.files.iter().map(|(p, d)| (p.as_str(), d.as_slice())));
        for (path, data) in all {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(mtime);
            h.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut h, format!("{root}/{path}"), data)?;
        }
        tar.into_inner()?.finish()
    }

    /// `manifest.json`: what was collected and what was not.
    pub fn manifest(&self, namespace: &str, name: &str, collected_at: &str) -> Value {
        let files: Vec<FileEntry> = self
            .files
            .iter()
            .map(|(p, d)| FileEntry {
                path: p.clone(),
                bytes: d.len(),
            })
            .collect();
        json!({
            "tool": "acko collectinfo",
            "version": env!("CARGO_PKG_VERSION"),
            "cluster": {"namespace": namespace, "name": name},
            "collectedAt": collected_at,
            "files": files,
            "notCollected": self.missing,
        })
    }
}

/// A file-name-safe version of a name (pod and command names become paths).
pub fn safe_path_part(s: &str) -> String {
    let part: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // `.` and `..` (or any hidden name) never become path components.
    if part.is_empty() || part.starts_with('.') {
        format!("_{part}")
    } else {
        part
    }
}

async fn list<K>(client: &Client, namespace: &str, lp: &ListParams) -> Result<Vec<K>, kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
    K::DynamicType: Default,
{
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    Ok(api.list(lp).await?.items)
}

macro_rules! collect_kind {
    ($bundle:expr, $client:expr, $ns:expr, $lp:expr, $ty:ty, $file:expr) => {
        match list::<$ty>($client, $ns, $lp).await {
            Ok(items) => {
                let items: Vec<$ty> = items
                    .into_iter()
                    .map(|mut o| {
                        o.meta_mut().managed_fields = None;
                        o
                    })
                    .collect();
                $bundle.add_yaml($file, &items);
                items
            }
            Err(e) => {
                $bundle.miss($file, describe($file, &e));
                Vec::new()
            }
        }
    };
}

/// Logs of every container (init containers too) of `pod`, under `dir/`.
async fn pod_logs(bundle: &mut Bundle, client: &Client, pod: &Pod, dir: &str) {
    let ns = pod.namespace().unwrap_or_default();
    let name = pod.name_any();
    let api: Api<Pod> = Api::namespaced(client.clone(), &ns);
    let spec = pod.spec.clone().unwrap_or_default();
    let restarted: Vec<String> = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.restart_count > 0)
        .map(|c| c.name)
        .collect();
    let containers = spec
        .init_containers
        .unwrap_or_default()
        .into_iter()
        .chain(spec.containers)
        .map(|c| c.name);
    for c in containers {
        let path = format!("{dir}/{}/{}.log", safe_path_part(&name), safe_path_part(&c));
        let lp = LogParams {
            container: Some(c.clone()),
            ..LogParams::default()
        };
        match api.logs(&name, &lp).await {
            Ok(text) => bundle.add(path, text),
            Err(e) => bundle.miss(path, describe(&format!("logs of {name}/{c}"), &e)),
        }
        if restarted.contains(&c) {
            let path = format!(
                "{dir}/{}/{}.previous.log",
                safe_path_part(&name),
                safe_path_part(&c)
            );
            let lp = LogParams {
                container: Some(c.clone()),
                previous: true,
                ..LogParams::default()
            };
            match api.logs(&name, &lp).await {
                Ok(text) => bundle.add(path, text),
                Err(e) => bundle.miss(path, describe(&format!("previous logs of {name}/{c}"), &e)),
            }
        }
    }
}

/// The address of a pod's Aerospike service port: status.pods[pod].podPort, else 3000.
fn node_address(cluster: &Value, pod: &Pod) -> Option<String> {
    let ip = pod.status.as_ref()?.pod_ip.clone()?;
    let port = cluster["status"]["pods"][pod.name_any()]["podPort"]
        .as_i64()
        .unwrap_or(3000);
    Some(if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    })
}

/// Info replies of one node, under `info/<pod>/`.
async fn node_info(bundle: &mut Bundle, pod: &str, addr: &str, timeout: Duration) {
    let client = asinfo::Client::with_config(
        addr,
        asinfo::ClientConfig {
            timeout,
            ..asinfo::ClientConfig::default()
        },
    );
    let dir = format!("info/{}", safe_path_part(pod));
    let mut namespaces: Vec<String> = Vec::new();
    for cmd in INFO_COMMANDS {
        match client.info_one(cmd).await {
            Ok(reply) => {
                if *cmd == "namespaces" {
                    namespaces = reply
                        .split(';')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned)
                        .collect();
                }
                bundle.add(format!("{dir}/{}.txt", safe_path_part(cmd)), reply);
            }
            Err(e) => {
                bundle.miss(
                    format!("{dir}/{}.txt", safe_path_part(cmd)),
                    format!("node {addr}: {e}"),
                );
                if *cmd == "build" {
                    // The first command failed: the node is unreachable, do not wait on each
                    // of the others.
                    bundle.miss(
                        format!("{dir}/*"),
                        format!("node {addr} did not answer `build`; skipped its other commands (run collectinfo where the pod IPs are reachable, e.g. inside the cluster)"),
                    );
                    return;
                }
            }
        }
    }
    for ns in namespaces {
        let path = format!("{dir}/namespace_{}.txt", safe_path_part(&ns));
        let Ok(cmd) = asinfo::command::InfoCommand::path("namespace", &[&ns]) else {
            bundle.miss(path, format!("namespace name {ns:?} is not safe to send"));
            continue;
        };
        match client.info_one(cmd.as_str()).await {
            Ok(reply) => bundle.add(path, reply),
            Err(e) => bundle.miss(path, format!("node {addr}: {e}")),
        }
    }
}

/// Whether an event is about the cluster or an object named after it (pods, StatefulSets, PVCs).
fn about(name: &str, object: Option<&str>) -> bool {
    object.is_some_and(|n| n == name || n.strip_prefix(name).is_some_and(|r| r.starts_with('-')))
}

/// Events of the cluster and its objects: `events.yaml` from `events.k8s.io/v1` (what the
/// operator writes), `events-core.yaml` from `v1` without the ones already listed (the API
/// server serves every event through both APIs under the same uid).
async fn collect_events(bundle: &mut Bundle, client: &Client, ns: &str, name: &str) {
    let mut seen = std::collections::BTreeSet::new();
    match list::<k8s_openapi::api::events::v1::Event>(client, ns, &ListParams::default()).await {
        Ok(events) => {
            let mut mine: Vec<_> = events
                .into_iter()
                .filter(|e| about(name, e.regarding.as_ref().and_then(|r| r.name.as_deref())))
                .map(|mut e| {
                    e.metadata.managed_fields = None;
                    seen.extend(e.metadata.uid.clone());
                    e
                })
                .collect();
            mine.sort_by(|a, b| a.event_time.cmp(&b.event_time));
            bundle.add_yaml("events.yaml", &mine);
        }
        Err(e) => bundle.miss("events.yaml", describe("events (events.k8s.io/v1)", &e)),
    }
    match list::<Event>(client, ns, &ListParams::default()).await {
        Ok(events) => {
            let mut mine: Vec<Event> = events
                .into_iter()
                .filter(|e| about(name, e.involved_object.name.as_deref()))
                .filter(|e| e.metadata.uid.as_ref().is_none_or(|u| !seen.contains(u)))
                .map(|mut e| {
                    e.metadata.managed_fields = None;
                    e
                })
                .collect();
            mine.sort_by(|a, b| a.last_timestamp.cmp(&b.last_timestamp));
            bundle.add_yaml("events-core.yaml", &mine);
        }
        Err(e) => bundle.miss("events-core.yaml", describe("events (v1)", &e)),
    }
}

/// Collects everything about the cluster into a bundle.
pub async fn collect(client: &Client, args: &CollectInfoArgs, ns: &str) -> Result<Bundle, String> {
    let name = &args.target.name;
    let mut bundle = Bundle::default();
    let (cluster, pod_values) = super::status::fetch(client, ns, name).await?;
    let mut c = cluster.clone();
    if let Some(m) = c["metadata"].as_object_mut() {
        m.remove("managedFields");
    }
    bundle.add_yaml("cluster.yaml", &[c]);
    bundle.add(
        "status.txt",
        super::status::render_text(&super::status::summarize(&cluster, &pod_values)),
    );
    let lp =
        ListParams::default().labels(&format!("{}={name}", acko_render::labels::LABEL_CLUSTER));
    collect_kind!(
        bundle,
        client,
        ns,
        &lp,
        StatefulSet,
        "objects/statefulsets.yaml"
    );
    collect_kind!(bundle, client, ns, &lp, Service, "objects/services.yaml");
    collect_kind!(
        bundle,
        client,
        ns,
        &lp,
        ConfigMap,
        "objects/configmaps.yaml"
    );
    collect_kind!(
        bundle,
        client,
        ns,
        &lp,
        PodDisruptionBudget,
        "objects/poddisruptionbudgets.yaml"
    );
    collect_kind!(
        bundle,
        client,
        ns,
        &lp,
        PersistentVolumeClaim,
        "objects/persistentvolumeclaims.yaml"
    );
    let pods = collect_kind!(bundle, client, ns, &lp, Pod, "objects/pods.yaml");
    collect_events(&mut bundle, client, ns, name).await;
    for p in &pods {
        pod_logs(&mut bundle, client, p, "logs").await;
    }
    let op_lp = ListParams::default().labels("app.kubernetes.io/name=acko-operator");
    match list::<Pod>(client, &args.operator_namespace, &op_lp).await {
        Ok(ops) if ops.is_empty() => bundle.miss(
            "operator/",
            format!(
                "no operator pod (label app.kubernetes.io/name=acko-operator) in namespace {}; pass --operator-namespace",
                args.operator_namespace
            ),
        ),
        Ok(ops) => {
            for p in &ops {
                pod_logs(&mut bundle, client, p, "operator").await;
            }
        }
        Err(e) => bundle.miss("operator/", describe("operator pods", &e)),
    }
    if args.no_info {
        bundle.miss("info/", "skipped (--no-info)");
    } else {
        let timeout = Duration::from_secs(args.info_timeout.max(1));
        for p in &pods {
            match node_address(&cluster, p) {
                Some(addr) => node_info(&mut bundle, &p.name_any(), &addr, timeout).await,
                None => bundle.miss(
                    format!("info/{}/", safe_path_part(&p.name_any())),
                    "the pod has no IP yet",
                ),
            }
        }
    }
    Ok(bundle)
}

/// Runs `acko collectinfo` and returns the exit code.
pub fn run(args: CollectInfoArgs) -> i32 {
    block_on("collectinfo", async move {
        let (client, ns) = match args.target.connect().await {
            Ok(c) => c,
            Err(e) => {
                eprintln!("acko collectinfo: {e}");
                return 2;
            }
        };
        let bundle = match collect(&client, &args, &ns).await {
            Ok(b) => b,
            Err(e) => {
                eprintln!("acko collectinfo: {e}");
                return 1;
            }
        };
        let now = jiff::Timestamp::now();
        let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let root = format!("collectinfo-{ns}-{}-{stamp}", args.target.name);
        let path = args
            .output
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{root}.tar.gz")));
        let manifest = bundle.manifest(&ns, &args.target.name, &now.to_string());
        let bytes = match bundle.to_tar_gz(&root, &manifest) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("acko collectinfo: cannot build the archive: {e}");
                return 1;
            }
        };
        if let Err(e) = std::fs::File::create(&path).and_then(|mut f| f.write_all(&bytes)) {
            eprintln!(
                "acko collectinfo: cannot write {}: {e} (choose another file with -o)",
                path.display()
            );
            return 1;
        }
        say!(
            "wrote {} ({} files, {} bytes)",
            path.display(),
            bundle.files.len() + 1,
            bytes.len()
        );
        for m in &bundle.missing {
            say!("  not collected: {}: {}", m.item, m.error);
        }
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn the_archive_holds_the_manifest_and_every_file_under_one_root() {
        let mut b = Bundle::default();
        b.add("cluster.yaml", "kind: AerospikeCluster\n");
        b.add("info/a-0-0/build.txt", "8.1.2.0");
        b.miss("info/a-0-1/*", "unreachable");
        let manifest = b.manifest("ns", "a", "2026-01-01T00:00:00Z");
        let bytes = b.to_tar_gz("root", &manifest).unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut seen = Vec::new();
        for e in archive.entries().unwrap() {
            let mut e = e.unwrap();
            let path = e.path().unwrap().display().to_string();
            let mut text = String::new();
            e.read_to_string(&mut text).unwrap();
            seen.push((path, text));
        }
        assert_eq!(seen[0].0, "root/manifest.json");
        let m: Value = serde_json::from_str(&seen[0].1).unwrap();
        assert_eq!(m["files"][1]["path"], "info/a-0-0/build.txt");
        assert_eq!(m["files"][1]["bytes"], 7);
        assert_eq!(m["notCollected"][0]["error"], "unreachable");
        assert_eq!(
            seen[2],
            ("root/info/a-0-0/build.txt".into(), "8.1.2.0".into())
        );
    }

    #[test]
    fn events_about_the_cluster_and_its_objects_only() {
        assert!(about("demo", Some("demo")));
        assert!(about("demo", Some("demo-0-1")));
        assert!(!about("demo", Some("demo2-0-0")));
        assert!(!about("demo", Some("other")));
        assert!(!about("demo", None));
    }

    #[test]
    fn path_parts_cannot_escape_the_bundle() {
        assert_eq!(safe_path_part("../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_path_part(".."), "_..");
        assert_eq!(safe_path_part("namespace/test"), "namespace_test");
    }
}
