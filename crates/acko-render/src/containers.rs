//! Containers of the Aerospike pod and the operator's volumes, as defined by
//! docs/pod-contract.md:
//!
//! - init container `acko-init` running `acko-init prepare` (address resolution, final
//!   aerospike.conf, volume init/wipe; it also copies itself to `/acko/bin`);
//! - `aerospike-server` running `/acko/bin/acko-init supervise -- /usr/bin/asd --foreground
//!   --config-file /etc/aerospike/aerospike.conf` (the supervisor is PID 1, so a warm restart
//!   re-renders the config and restarts asd instead of crashing it);
//! - the exporter sidecar when monitoring is enabled; user sidecars and init containers.
//!
//! Probes: readiness is a TCP check of the service port (asd listens only once it has loaded
//! its namespaces); there is no liveness probe on asd, because a database that is slowly
//! rebuilding its index must not be killed by a heuristic, and the supervisor exits (so the
//! kubelet restarts the container) when asd dies.

use std::collections::BTreeMap;

use acko_api::{AerospikeMonitoringSpec, EXPORTER_CONTAINER_NAME};
use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, Container, ContainerPort, DownwardAPIVolumeFile,
    DownwardAPIVolumeSource, EmptyDirVolumeSource, EnvVar, EnvVarSource, ObjectFieldSelector,
    Probe, TCPSocketAction, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::names;
use crate::services::AerospikePorts;
use crate::storage::Attachments;

/// Name of the operator's init container.
pub const INIT_CONTAINER: &str = acko_api::pod_spec::ACKO_INIT_CONTAINER_NAME;
/// Name of the Aerospike server container.
pub const AEROSPIKE_CONTAINER: &str = acko_api::pod_spec::AEROSPIKE_CONTAINER_NAME;
pub use acko_api::names::{VOLUME_BIN, VOLUME_CONF, VOLUME_CONFIG, VOLUME_PODINFO, VOLUME_RUN};
/// Mount path of the ConfigMap.
pub const CONFIG_DIR: &str = "/etc/acko/config";
/// Mount path of the downward-API files.
pub const PODINFO_DIR: &str = "/etc/acko/podinfo";
/// Directory of the final aerospike.conf.
pub const CONF_DIR: &str = "/etc/aerospike";
/// Directory of the acko-init binary.
pub const BIN_DIR: &str = "/acko/bin";
/// Directory of the supervisor state.
pub const RUN_DIR: &str = "/acko/run";

fn field_env(name: &str, path: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                api_version: None,
                field_path: path.to_owned(),
            }),
            ..EnvVarSource::default()
        }),
    }
}

fn literal_env(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        value_from: None,
    }
}

/// The environment of both operator containers. `external_service_type` is `Some("NodePort")`
/// or `Some("LoadBalancer")` when per-pod Services of that type exist.
pub fn operator_env(external_service_type: Option<&str>) -> Vec<EnvVar> {
    let mut env = vec![
        field_env("POD_NAME", "metadata.name"),
        field_env("POD_NAMESPACE", "metadata.namespace"),
        field_env("POD_IP", "status.podIP"),
        field_env("NODE_NAME", "spec.nodeName"),
        field_env("HOST_IP", "status.hostIP"),
    ];
    if let Some(t) = external_service_type {
        env.push(literal_env("EXTERNAL_SERVICE_TYPE", t));
    }
    env.push(literal_env("ACKO_CONFIG_DIR", CONFIG_DIR));
    env
}

/// The operator's pod volumes (ConfigMap, downward API, emptyDirs).
pub fn operator_volumes(cluster: &str, rack_id: i32) -> Vec<Volume> {
    let empty = |name: &str| Volume {
        name: name.to_owned(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    };
    let downward = |file: &str, field: &str| DownwardAPIVolumeFile {
        path: file.to_owned(),
        field_ref: Some(ObjectFieldSelector {
            api_version: None,
            field_path: field.to_owned(),
        }),
        ..DownwardAPIVolumeFile::default()
    };
    vec![
        Volume {
            name: VOLUME_CONFIG.to_owned(),
            config_map: Some(ConfigMapVolumeSource {
                name: names::config_map(cluster, rack_id),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        },
        Volume {
            name: VOLUME_PODINFO.to_owned(),
            downward_api: Some(DownwardAPIVolumeSource {
                items: Some(vec![
                    downward("annotations", "metadata.annotations"),
                    downward("labels", "metadata.labels"),
                ]),
                ..DownwardAPIVolumeSource::default()
            }),
            ..Volume::default()
        },
        empty(VOLUME_CONF),
        empty(VOLUME_BIN),
        empty(VOLUME_RUN),
    ]
}

fn mount(name: &str, path: &str, read_only: bool) -> VolumeMount {
    VolumeMount {
        name: name.to_owned(),
        mount_path: path.to_owned(),
        read_only: read_only.then_some(true),
        ..VolumeMount::default()
    }
}

fn with_attachments(
    mut mounts: Vec<VolumeMount>,
    extra: &Attachments,
) -> (
    Vec<VolumeMount>,
    Option<Vec<k8s_openapi::api::core::v1::VolumeDevice>>,
) {
    mounts.extend(extra.mounts.iter().cloned());
    let devices = (!extra.devices.is_empty()).then(|| extra.devices.clone());
    (mounts, devices)
}

/// The `acko-init` init container.
pub fn init_container(image: &str, env: Vec<EnvVar>, volumes: &Attachments) -> Container {
    let (mounts, devices) = with_attachments(
        vec![
            mount(VOLUME_CONFIG, CONFIG_DIR, true),
            mount(VOLUME_PODINFO, PODINFO_DIR, true),
            mount(VOLUME_CONF, CONF_DIR, false),
            mount(VOLUME_BIN, BIN_DIR, false),
            mount(VOLUME_RUN, RUN_DIR, false),
        ],
        volumes,
    );
    Container {
        name: INIT_CONTAINER.to_owned(),
        image: Some(image.to_owned()),
        command: Some(vec!["acko-init".to_owned(), "prepare".to_owned()]),
        env: Some(env),
        volume_mounts: Some(mounts),
        volume_devices: devices,
        ..Container::default()
    }
}

/// Whether the service port is also published on the node's IP (`hostPort`): needed when
/// clients are told a host address (`accessType`/`alternateAccessType` `hostInternal` or
/// `hostExternal`) and the pod does not use `hostNetwork`; otherwise the advertised address
/// would point at a port nothing listens on. Fabric and heartbeat never get a host port:
/// acko-init binds the fabric to its address, so host fabric types need `hostNetwork` anyway.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostPorts {
    /// Publish the service port on the node.
    pub service: bool,
}

fn container_port(name: &str, port: u16, host: bool) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_owned()),
        container_port: i32::from(port),
        host_port: host.then_some(i32::from(port)),
        protocol: Some("TCP".to_owned()),
        ..ContainerPort::default()
    }
}

/// The `aerospike-server` container (without resources/securityContext, set by the caller).
pub fn aerospike_container(
    image: &str,
    ports: AerospikePorts,
    host_ports: HostPorts,
    env: Vec<EnvVar>,
    volumes: &Attachments,
) -> Container {
    let (mounts, devices) = with_attachments(
        vec![
            mount(VOLUME_CONFIG, CONFIG_DIR, true),
            mount(VOLUME_PODINFO, PODINFO_DIR, true),
            mount(VOLUME_CONF, CONF_DIR, false),
            mount(VOLUME_BIN, BIN_DIR, true),
            mount(VOLUME_RUN, RUN_DIR, false),
        ],
        volumes,
    );
    let command = [
        "/acko/bin/acko-init",
        "supervise",
        "--",
        "/usr/bin/asd",
        "--foreground",
        "--config-file",
        "/etc/aerospike/aerospike.conf",
    ];
    Container {
        name: AEROSPIKE_CONTAINER.to_owned(),
        image: Some(image.to_owned()),
        command: Some(command.iter().map(|s| (*s).to_owned()).collect()),
        ports: Some(vec![
            container_port("service", ports.service, host_ports.service),
            container_port("fabric", ports.fabric, false),
            container_port("heartbeat", ports.heartbeat, false),
        ]),
        env: Some(env),
        volume_mounts: Some(mounts),
        volume_devices: devices,
        readiness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(i32::from(ports.service)),
                host: None,
            }),
            initial_delay_seconds: Some(5),
            period_seconds: Some(10),
            failure_threshold: Some(3),
            ..Probe::default()
        }),
        ..Container::default()
    }
}

// How the exporter image reads its environment (aerospike/aerospike-prometheus-exporter):
// `docker-entrypoint.sh` exports defaults (`AGENT_BIND_PORT=${AGENT_BIND_PORT:-9145}`,
// `METRIC_LABELS=${METRIC_LABELS:-""}`, `AS_HOST`, `AS_PORT=${AS_PORT:-3000}`, and in recent
// releases `USE_MOCK_DATASOURCE=${USE_MOCK_DATASOURCE:-"true"}`), then runs `envsubst` over
// `/etc/aerospike-prometheus-exporter/ape.toml.template` (`configs/ape.toml.template`), whose
// `[Agent]` table has `labels = {${METRIC_LABELS}}`, `bind = "${AGENT_BIND_HOST}:${AGENT_BIND_PORT}"`
// and `use_mock_datasource = ${USE_MOCK_DATASOURCE}`. So METRIC_LABELS must be the inside of a
// TOML inline table (`key="value",key2="value2"`), and the port must be passed as
// AGENT_BIND_PORT or the exporter keeps listening on 9145 whatever the probe and Service say.

/// Escapes a value for a TOML basic string (`"..."`).
fn toml_basic_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `METRIC_LABELS` of the exporter: the inside of the TOML inline table `labels = {...}` of
/// the image's config template: `key="value"` pairs sorted by key, comma separated. Keys are
/// Prometheus label names (validated), which are TOML bare keys; values are TOML strings.
pub fn metric_labels(labels: Option<&BTreeMap<String, String>>) -> Option<String> {
    let labels = labels.filter(|l| !l.is_empty())?;
    Some(
        labels
            .iter()
            .map(|(k, v)| format!("{k}={}", toml_basic_string(v)))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// The exporter sidecar (CE has no security, so no credentials are passed).
pub fn exporter_container(
    monitoring: &AerospikeMonitoringSpec,
    service_port: u16,
    metrics_port: u16,
) -> Container {
    let mut env = vec![
        literal_env("AS_HOST", "localhost"),
        literal_env("AS_PORT", &service_port.to_string()),
        literal_env("AGENT_BIND_PORT", &metrics_port.to_string()),
        // Recent images default to a mock data source; never serve made-up metrics.
        literal_env("USE_MOCK_DATASOURCE", "false"),
    ];
    if let Some(labels) = metric_labels(monitoring.metric_labels.as_ref()) {
        env.push(literal_env("METRIC_LABELS", &labels));
    }
    env.extend(monitoring.env.iter().flatten().cloned());
    Container {
        name: EXPORTER_CONTAINER_NAME.to_owned(),
        image: Some(
            monitoring
                .exporter_image
                .clone()
                .unwrap_or_else(|| acko_api::DEFAULT_EXPORTER_IMAGE.to_owned()),
        ),
        ports: Some(vec![container_port("metrics", metrics_port, false)]),
        env: Some(env),
        resources: monitoring.resources.clone(),
        liveness_probe: Some(Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(i32::from(metrics_port)),
                host: None,
            }),
            initial_delay_seconds: Some(10),
            period_seconds: Some(30),
            ..Probe::default()
        }),
        ..Container::default()
    }
}

/// A user container with the storage attachments declared for it appended.
pub fn user_container(container: &Container, attachments: Option<&Attachments>) -> Container {
    let mut c = container.clone();
    if let Some(a) = attachments {
        if !a.mounts.is_empty() {
            c.volume_mounts
                .get_or_insert_with(Vec::new)
                .extend(a.mounts.iter().cloned());
        }
        if !a.devices.is_empty() {
            c.volume_devices
                .get_or_insert_with(Vec::new)
                .extend(a.devices.iter().cloned());
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `[Agent]` lines of the image's `ape.toml.template` that use our variables, with
    /// `${VAR}` replaced as its entrypoint's `envsubst` does.
    fn substituted_agent_table(env: &[EnvVar]) -> String {
        let template = "[Agent]\nlabels = {${METRIC_LABELS}}\nbind = \"${AGENT_BIND_HOST}:${AGENT_BIND_PORT}\"\nuse_mock_datasource = ${USE_MOCK_DATASOURCE}\n[Aerospike]\ndb_host = \"${AS_HOST}\"\ndb_port = ${AS_PORT}\n";
        let get = |name: &str| {
            env.iter()
                .find(|e| e.name == name)
                .and_then(|e| e.value.clone())
                .unwrap_or_default()
        };
        let mut out = template.to_owned();
        for name in [
            "METRIC_LABELS",
            "AGENT_BIND_HOST",
            "AGENT_BIND_PORT",
            "USE_MOCK_DATASOURCE",
            "AS_HOST",
            "AS_PORT",
        ] {
            out = out.replace(&format!("${{{name}}}"), &get(name));
        }
        out
    }

    #[test]
    fn metric_labels_and_port_reach_the_exporter_toml() {
        let labels = BTreeMap::from([
            ("zone".to_owned(), "asia-south1-a".to_owned()),
            (
                "platform".to_owned(),
                "google \"compute\" engine\\x".to_owned(),
            ),
        ]);
        assert_eq!(
            metric_labels(Some(&labels)).as_deref(),
            Some(r#"platform="google \"compute\" engine\\x",zone="asia-south1-a""#)
        );
        assert_eq!(metric_labels(None), None);
        let m = AerospikeMonitoringSpec {
            enabled: Some(true),
            metric_labels: Some(labels),
            ..AerospikeMonitoringSpec::default()
        };
        let c = exporter_container(&m, 3100, 9200);
        let text = substituted_agent_table(c.env.as_ref().unwrap());
        let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{e}\n{text}"));
        let agent = doc["Agent"].as_table().unwrap();
        let parsed = agent["labels"].as_table().unwrap();
        assert_eq!(parsed["zone"].as_str(), Some("asia-south1-a"));
        assert_eq!(
            parsed["platform"].as_str(),
            Some("google \"compute\" engine\\x")
        );
        assert_eq!(agent["bind"].as_str(), Some(":9200"));
        assert_eq!(agent["use_mock_datasource"].as_bool(), Some(false));
        assert_eq!(doc["Aerospike"]["db_port"].as_integer(), Some(3100));
        // The probe and the container port use the same port.
        assert_eq!(c.ports.as_ref().unwrap()[0].container_port, 9200);
        assert_eq!(
            c.liveness_probe.unwrap().tcp_socket.unwrap().port,
            IntOrString::Int(9200)
        );
    }

    #[test]
    fn operator_env_follows_the_contract() {
        let env = operator_env(Some("LoadBalancer"));
        let names: Vec<&str> = env.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "POD_NAME",
                "POD_NAMESPACE",
                "POD_IP",
                "NODE_NAME",
                "HOST_IP",
                "EXTERNAL_SERVICE_TYPE",
                "ACKO_CONFIG_DIR"
            ]
        );
        let ip = env[2]
            .value_from
            .as_ref()
            .unwrap()
            .field_ref
            .as_ref()
            .unwrap();
        assert_eq!(ip.field_path, "status.podIP");
        assert!(
            !operator_env(None)
                .iter()
                .any(|e| e.name == "EXTERNAL_SERVICE_TYPE")
        );
    }

    #[test]
    fn exporter_talks_to_localhost_without_credentials() {
        let m = AerospikeMonitoringSpec {
            enabled: Some(true),
            ..AerospikeMonitoringSpec::default()
        };
        let c = exporter_container(&m, 3000, 9145);
        let env = c.env.unwrap();
        assert_eq!(env[0].value.as_deref(), Some("localhost"));
        assert_eq!(env[1].value.as_deref(), Some("3000"));
        assert!(!env.iter().any(|e| e.name.starts_with("AS_AUTH")));
    }
}
