//! `acko-init prepare`: everything the init container does, and the re-rendering a warm
//! restart repeats.
//!
//! 1. read `acko-init.json` and the `aerospike.conf` template from the ConfigMap directory;
//! 2. read the Node and/or poll the per-pod Service when the policy needs them;
//! 3. resolve the addresses ([`crate::resolve`]) and apply them ([`crate::conf`]);
//! 4. initialise / wipe volumes ([`crate::volumes`]) — not on a warm restart;
//! 5. write the final aerospike.conf atomically and the applied config hash;
//! 6. copy this binary to `/acko/bin/acko-init` for the supervisor.

use std::fmt::Write as _;
use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::api::core::v1::{Node, Service};
use tokio::sync::OnceCell;

use crate::conf::{self, FinalConf};
use crate::error::InitError;
use crate::external::{self, Poll};
use crate::facts::PodFacts;
use crate::k8s::{self, ClusterApi, KubeApi};
use crate::network_status::NETWORK_STATUS_ANNOTATION;
use crate::resolve::{self, Resolved};
use crate::settings::{InitSettings, ServiceType};
use crate::volumes::{self, Owner, VolumeReport};

/// The ConfigMap key holding the template (defined in [`acko_api::contract`]).
pub const CONF_KEY: &str = acko_api::contract::CONF_KEY;
/// The ConfigMap key holding [`InitSettings`] (defined in [`acko_api::contract`]).
pub const SETTINGS_KEY: &str = acko_api::contract::INIT_SETTINGS_KEY;

/// Extra time after `externalAddressTimeoutSeconds` before `prepare` gives up on the API.
pub const API_DEADLINE_GRACE: Duration = Duration::from_secs(5);

/// Where things are read and written (defaults from docs/pod-contract.md).
#[derive(Debug, Clone)]
pub struct Paths {
    /// The mounted ConfigMap (`/etc/acko/config`).
    pub config_dir: PathBuf,
    /// The final aerospike.conf (`/etc/aerospike/aerospike.conf`).
    pub conf_out: PathBuf,
    /// Supervisor state (`/acko/run`); `applied-config-hash` is written here.
    pub run_dir: PathBuf,
    /// Where to copy this binary (`/acko/bin`); `None` to skip.
    pub bin_dir: Option<PathBuf>,
    /// The downward-API annotations file, re-read while waiting for Multus's
    /// `network-status` annotation (configuredIP); `None` to never wait.
    pub annotations_file: Option<PathBuf>,
}

impl Paths {
    /// `<run_dir>/applied-config-hash`.
    pub fn applied_hash_file(&self) -> PathBuf {
        self.run_dir.join("applied-config-hash")
    }
}

/// Behaviour switches.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Compute and report only: write nothing, touch no volume.
    pub dry_run: bool,
    /// Skip volume initialisation (warm restarts).
    pub skip_volumes: bool,
    /// Override `externalAddressTimeoutSeconds`.
    pub external_timeout: Option<Duration>,
    /// Time between Service polls.
    pub poll_interval: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dry_run: false,
            skip_volumes: false,
            external_timeout: None,
            poll_interval: Duration::from_secs(2),
        }
    }
}

/// The ConfigMap content.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    /// Parsed `acko-init.json`.
    pub settings: InitSettings,
    /// The `aerospike.conf` template text.
    pub template: String,
}

impl ConfigSource {
    /// The two keys of a rack ConfigMap as text (`data["acko-init.json"]`,
    /// `data["aerospike.conf"]`): how another crate (e.g. kube-sim) feeds a rendered
    /// ConfigMap to [`build`] without files.
    pub fn from_texts(settings_json: &str, template: &str) -> Result<ConfigSource, InitError> {
        Ok(ConfigSource {
            settings: crate::settings::from_json(settings_json, SETTINGS_KEY)?,
            template: template.to_owned(),
        })
    }

    /// Reads both keys from the mounted ConfigMap directory.
    pub fn load(config_dir: &Path) -> Result<ConfigSource, InitError> {
        let settings = crate::settings::load(&config_dir.join(SETTINGS_KEY))?;
        let conf_path = config_dir.join(CONF_KEY);
        let template = std::fs::read_to_string(&conf_path).map_err(|e| {
            InitError::input(
                conf_path.display().to_string(),
                "the aerospike.conf template (ConfigMap key `aerospike.conf`)",
                e.to_string(),
            )
        })?;
        Ok(ConfigSource { settings, template })
    }
}

/// The result of a prepare run.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// `configHash` of the settings used.
    pub config_hash: String,
    /// The per-pod Service type used.
    pub service_type: ServiceType,
    /// The resolved addresses.
    pub resolved: Resolved,
    /// The final config.
    pub conf: FinalConf,
    /// Volume actions (empty when skipped).
    pub volumes: Vec<VolumeReport>,
}

/// Resolves the addresses for `source` and builds the final config (no writes).
pub async fn build(
    source: &ConfigSource,
    facts: &PodFacts,
    api: &impl ClusterApi,
    opts: &Options,
) -> Result<(ServiceType, Resolved, FinalConf), InitError> {
    let settings = &source.settings;
    let net = &settings.network;
    let service_type = settings.service_type(facts.external_service_type);
    let node = if resolve::needs_node(net) {
        let name = facts.node_name.as_deref().ok_or_else(|| {
            InitError::input(
                "NODE_NAME (--node-name)",
                "the node name from the downward API (spec.nodeName), needed by hostInternal/hostExternal",
                "nothing",
            )
        })?;
        Some(k8s::node_addresses(&api.get_node(name).await?))
    } else {
        None
    };
    let external = if service_type.is_external() {
        let timeout = opts.external_timeout.unwrap_or(Duration::from_secs(
            settings.external_address_timeout_seconds,
        ));
        let poll = Poll {
            timeout,
            interval: opts.poll_interval,
        };
        Some(
            external::wait_for_endpoint(
                api,
                &facts.namespace,
                &facts.pod_service_name(),
                service_type,
                net.service_port,
                poll,
            )
            .await?,
        )
    } else {
        None
    };
    let resolved = resolve::resolve(net, service_type, facts, node.as_ref(), external.as_ref())?;
    let conf = conf::apply(&source.template, &resolved)?;
    Ok((service_type, resolved, conf))
}

/// Checks that asd can bind the fabric to each address: an address of another host
/// (a node IP without hostNetwork, a NATed external IP) would make asd fail at start.
pub fn check_fabric_bindable(resolved: &Resolved) -> Result<(), InitError> {
    for addr in &resolved.fabric_address {
        let Ok(ip) = addr.parse::<IpAddr>() else {
            continue;
        };
        if let Err(e) = TcpListener::bind((ip, 0))
            && e.kind() == std::io::ErrorKind::AddrNotAvailable
        {
            return Err(InitError::input(
                "network.fabric.address (fabricType)",
                "an address of this pod that asd can bind the fabric to (host* fabric types need hostNetwork: true; hostExternal is usually NATed: prefer pod or configuredIP)",
                format!("{ip}, which is not an address of this pod"),
            ));
        }
    }
    Ok(())
}

/// The whole `prepare` step.
pub async fn run(
    paths: &Paths,
    facts: &PodFacts,
    api: &impl ClusterApi,
    opts: &Options,
) -> Result<Prepared, InitError> {
    let source = ConfigSource::load(&paths.config_dir)?;
    let mut facts = facts.clone();
    if let Some(file) = &paths.annotations_file
        && !opts.dry_run
        && uses_configured_ip(&source.settings.network)
        && !facts.annotations.contains_key(NETWORK_STATUS_ANNOTATION)
    {
        let timeout = opts.external_timeout.unwrap_or(Duration::from_secs(
            source.settings.external_address_timeout_seconds,
        ));
        if let Some(annotations) =
            wait_for_network_status(file, timeout, opts.poll_interval).await?
        {
            facts.annotations = annotations;
        }
    }
    let facts = &facts;
    // All API work (Node read, Service polling, with their retries) is bounded by
    // externalAddressTimeoutSeconds; the grace lets the polling report its own, more precise
    // timeout first.
    let budget = opts.external_timeout.unwrap_or(Duration::from_secs(
        source.settings.external_address_timeout_seconds,
    ));
    let (service_type, resolved, conf) = match tokio::time::timeout(
        budget + API_DEADLINE_GRACE,
        build(&source, facts, api, opts),
    )
    .await
    {
        Ok(result) => result?,
        Err(_) => {
            return Err(InitError::Api {
                object: "the pod's Node / per-pod Service".to_owned(),
                message: format!(
                    "no answer within externalAddressTimeoutSeconds ({} s); check that the API server is reachable from the pod",
                    budget.as_secs()
                ),
            });
        }
    };
    if !opts.dry_run {
        check_fabric_bindable(&resolved)?;
    }
    for note in &conf.replaced {
        tracing::warn!(%note, "template value replaced by the network policy");
    }
    let volumes = if opts.skip_volumes {
        Vec::new()
    } else {
        let owner = Owner {
            pod: facts.pod_name.clone(),
            namespace: facts.namespace.clone(),
        };
        let wipe = crate::settings::load_wipe_request(&paths.config_dir, &facts.pod_name)?;
        volumes::prepare_all(
            &source.settings.volumes,
            wipe.as_ref(),
            &owner,
            opts.dry_run,
        )?
    };
    for v in &volumes {
        for w in &v.warnings {
            tracing::warn!(volume = %v.volume, warning = %w, "volume");
        }
        tracing::info!(volume = %v.volume, action = ?v.action, "volume prepared");
    }
    let config_hash = source.settings.config_hash.clone();
    if !opts.dry_run {
        conf::write_atomically(&paths.conf_out, conf.text.as_bytes())?;
        conf::write_atomically(
            &paths.applied_hash_file(),
            format!("{config_hash}\n").as_bytes(),
        )?;
        if let Some(bin_dir) = &paths.bin_dir {
            copy_self(bin_dir)?;
        }
        tracing::info!(
            config_hash = %config_hash,
            conf_sha256 = %conf::sha256_hex(&conf.text),
            path = %paths.conf_out.display(),
            "aerospike.conf written"
        );
    }
    Ok(Prepared {
        config_hash,
        service_type,
        resolved,
        conf,
        volumes,
    })
}

/// True when any address type is `configuredIP`.
pub fn uses_configured_ip(net: &crate::settings::NetworkSettings) -> bool {
    [net.access_type, net.alternate_access_type, net.fabric_type]
        .contains(&crate::settings::AccessType::ConfiguredIp)
}

/// Re-reads the downward-API annotations file until it carries Multus's `network-status`
/// annotation: Multus adds it while the pod sandbox is created, and the kubelet may have
/// written the file before that (it refreshes it within its sync period). Returns the
/// annotations once present, `None` after `timeout` (resolution then reports the absence).
pub async fn wait_for_network_status(
    file: &Path,
    timeout: Duration,
    interval: Duration,
) -> Result<Option<std::collections::BTreeMap<String, String>>, InitError> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match std::fs::read_to_string(file) {
            Ok(text) => {
                let annotations = crate::facts::parse_annotations(&text)?;
                if annotations.contains_key(NETWORK_STATUS_ANNOTATION) {
                    return Ok(Some(annotations));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(InitError::io("reading", file, e)),
        }
        let now = tokio::time::Instant::now();
        if now >= deadline {
            tracing::warn!(file = %file.display(), seconds = timeout.as_secs(), "no network-status annotation appeared");
            return Ok(None);
        }
        tracing::info!(file = %file.display(), "waiting for the Multus network-status annotation");
        tokio::time::sleep(interval.min(deadline - now)).await;
    }
}

/// Copies the running executable to `<bin_dir>/acko-init` (mode 0755), atomically.
pub fn copy_self(bin_dir: &Path) -> Result<(), InitError> {
    use std::os::unix::fs::PermissionsExt;
    let me = std::env::current_exe()
        .map_err(|e| InitError::io("locating the running binary", "/proc/self/exe", e))?;
    let target = bin_dir.join("acko-init");
    if std::fs::canonicalize(&target).ok() == std::fs::canonicalize(&me).ok() {
        return Ok(());
    }
    let bytes = std::fs::read(&me).map_err(|e| InitError::io("reading", &me, e))?;
    conf::write_atomically(&target, &bytes)?;
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| InitError::io("chmod", &target, e))
}

/// The `--dry-run` report: the decisions as comments, then the final aerospike.conf.
pub fn dry_run_report(p: &Prepared) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# acko-init prepare --dry-run (nothing was written)");
    let _ = writeln!(out, "# configHash: {}", p.config_hash);
    let _ = writeln!(out, "# podService: {:?}", p.service_type);
    let r = &p.resolved;
    let _ = writeln!(out, "# access-address: {}", r.access_address.join(" "));
    let _ = writeln!(
        out,
        "# alternate-access-address: {}",
        r.alternate_access_address.join(" ")
    );
    if let Some(port) = r.alternate_access_port {
        let _ = writeln!(out, "# alternate-access-port: {port}");
    }
    let _ = writeln!(out, "# fabric address: {}", r.fabric_address.join(" "));
    for note in &p.conf.replaced {
        let _ = writeln!(out, "# replaced template value: {note}");
    }
    for v in &p.volumes {
        let action = match &v.action {
            volumes::VolumeAction::Initialized { method } => {
                format!("would initialise with {}", method.as_str())
            }
            volumes::VolumeAction::Wiped { method } => {
                format!("would wipe (wipe request) with {}", method.as_str())
            }
            volumes::VolumeAction::Skipped { reason } => format!("left alone: {reason}"),
        };
        let _ = writeln!(out, "# volume {}: {action}", v.volume);
        for w in &v.warnings {
            let _ = writeln!(out, "#   warning: {w}");
        }
    }
    out.push_str(&p.conf.text);
    out
}

/// Node/Service from JSON files (`kubectl get -o json`), for offline runs.
#[derive(Debug, Clone, Default)]
pub struct FileApi {
    /// `--node-file`.
    pub node: Option<PathBuf>,
    /// `--service-file`.
    pub service: Option<PathBuf>,
}

fn read_json<T: serde::de::DeserializeOwned>(
    path: Option<&PathBuf>,
    what: &str,
    flag: &str,
) -> Result<T, InitError> {
    let path = path.ok_or_else(|| {
        InitError::input(
            flag,
            format!("a JSON file with the {what} (kubectl get -o json) in offline mode"),
            "no file given",
        )
    })?;
    let text = std::fs::read_to_string(path).map_err(|e| InitError::io("reading", path, e))?;
    serde_json::from_str(&text).map_err(|e| {
        InitError::input(
            path.display().to_string(),
            format!("a {what} as JSON"),
            e.to_string(),
        )
    })
}

impl ClusterApi for FileApi {
    async fn get_node(&self, _name: &str) -> Result<Node, InitError> {
        read_json(self.node.as_ref(), "Node", "--node-file")
    }

    async fn get_service(&self, _namespace: &str, _name: &str) -> Result<Service, InitError> {
        read_json(self.service.as_ref(), "Service", "--service-file")
    }
}

/// The in-cluster API, connected on first use (a `pod`-only policy never connects).
#[derive(Default)]
pub struct LazyKube {
    cell: OnceCell<KubeApi>,
}

impl LazyKube {
    async fn api(&self) -> Result<&KubeApi, InitError> {
        self.cell.get_or_try_init(KubeApi::in_cluster).await
    }
}

impl ClusterApi for LazyKube {
    async fn get_node(&self, name: &str) -> Result<Node, InitError> {
        self.api().await?.get_node(name).await
    }

    async fn get_service(&self, namespace: &str, name: &str) -> Result<Service, InitError> {
        self.api().await?.get_service(namespace, name).await
    }
}

/// Either source of Node/Service objects, chosen at startup.
pub enum AnyApi {
    /// Offline files.
    Files(FileApi),
    /// The in-cluster API.
    Kube(LazyKube),
}

impl ClusterApi for AnyApi {
    async fn get_node(&self, name: &str) -> Result<Node, InitError> {
        match self {
            AnyApi::Files(f) => f.get_node(name).await,
            AnyApi::Kube(k) => k.get_node(name).await,
        }
    }

    async fn get_service(&self, namespace: &str, name: &str) -> Result<Service, InitError> {
        match self {
            AnyApi::Files(f) => f.get_service(namespace, name).await,
            AnyApi::Kube(k) => k.get_service(namespace, name).await,
        }
    }
}

#[cfg(test)]
#[path = "prepare_tests.rs"]
pub(crate) mod tests;
