//! Defaulting: a pure function that makes every implicit value explicit.
//!
//! Only unset fields are filled; user values are never changed, and applying the defaults twice
//! gives the same result as applying them once. Every default is also documented on its field.
//!
//! | field | default |
//! |---|---|
//! | `aerospikeConfig.service.cluster-name` | `metadata.name` |
//! | `aerospikeConfig.service.proto-fd-max` | 15000 |
//! | `aerospikeConfig.logging` (when absent) | `[{name: console, any: info}]`: asd logs nothing without it; console is what `kubectl logs` shows |
//! | `aerospikeConfig.namespaces` (when absent) | one in-memory namespace `test`, 1 GiB, replication-factor [`DEFAULT_REPLICATION_FACTOR`] (2, whatever the size: scaling never changes it) |
//! | `aerospikeConfig.network.service.port` | 3000 |
//! | `aerospikeConfig.network.fabric.port` | 3001 |
//! | `aerospikeConfig.network.heartbeat.port` / `.mode` | 3002 / `mesh` |
//! | `aerospikeNetworkPolicy.{accessType,alternateAccessType,fabricType}` | `pod` |
//! | `seedsFinderServices.loadBalancer.{port,targetPort}` | 3000 |
//! | `podService.serviceType` | `ClusterIP` |
//! | `networkPolicyConfig.type` | `kubernetes` |
//! | `monitoring.exporterImage` / `.port` (when enabled) | [`DEFAULT_EXPORTER_IMAGE`] / 9145 |
//! | `monitoring.serviceMonitor.interval` | `30s` |
//! | `podSpec.terminationGracePeriodSeconds` | 60 |
//! | `podSpec.readinessGateEnabled` | true |
//! | `podSpec.podManagementPolicy` | `Parallel` |
//! | `podSpec.multiPodPerHost` / `.dnsPolicy` (with `hostNetwork: true`) | false / `ClusterFirstWithHostNet` |
//! | `rollingUpdateBatchSize` | 1 |
//! | `maxUnavailable` | 1 |
//! | `storage.cleanupThreads` | 1 |
//! | persistent volume `volumeMode` / `accessModes` | `Filesystem` / `[ReadWriteOnce]` |
//! | volume `initMethod`/`wipeMethod`/`cascadeDelete` (persistent) | the matching volume policy, else `none`/`none`/false |
//! | `rackConfig.scaleDownBatchSize` / `.maxIgnorablePods` | 1 / 0 |
//!
//! Template defaults ([`apply_template_defaults`]): `scheduling.podAntiAffinityLevel`
//! `preferred`, `storage.volumeMode` `Filesystem`, `storage.accessModes` `[ReadWriteOnce]`.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Map, Value};

use crate::cluster::{AerospikeCluster, AerospikeClusterSpec};
use crate::monitoring::{DEFAULT_EXPORTER_IMAGE, DEFAULT_EXPORTER_PORT, DEFAULT_SCRAPE_INTERVAL};
use crate::network::{NetworkAccessType, NetworkPolicyType, PodServiceType};
use crate::pod_spec::PodManagementPolicy;
use crate::storage::{AerospikeStorageSpec, VolumeInitMethod, VolumeMode, VolumeWipeMethod};
use crate::template::{AerospikeClusterTemplateSpec, PodAntiAffinityLevel};

/// Aerospike service (client) port.
pub const SERVICE_PORT: i64 = 3000;
/// Aerospike fabric port.
pub const FABRIC_PORT: i64 = 3001;
/// Aerospike heartbeat port.
pub const HEARTBEAT_PORT: i64 = 3002;
/// Aerospike admin/info port of CE 8.1 (reserved: the operator does not configure it).
pub const ADMIN_PORT: i64 = 3003;
/// Default `service.proto-fd-max`.
pub const DEFAULT_PROTO_FD_MAX: i64 = 15000;
/// Name of the namespace added when `aerospikeConfig.namespaces` is absent.
pub const DEFAULT_NAMESPACE: &str = "test";
/// `data-size` of the default namespace (1 GiB, in memory).
pub const DEFAULT_NAMESPACE_DATA_SIZE: i64 = 1 << 30;
/// Default `terminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS: i64 = 60;
/// Default seeds LoadBalancer port and target port.
pub const DEFAULT_LOAD_BALANCER_PORT: i32 = 3000;

/// Returns a copy of `cluster` with every default applied.
pub fn with_defaults(cluster: &AerospikeCluster) -> AerospikeCluster {
    let mut out = cluster.clone();
    apply_defaults(&mut out);
    out
}

/// Applies every default to `cluster` in place (see the module docs for the list).
pub fn apply_defaults(cluster: &mut AerospikeCluster) {
    let name = cluster.metadata.name.clone();
    apply_spec_defaults(&mut cluster.spec, name.as_deref());
}

/// Applies the defaults to a spec; `name` is the resource name (used for `cluster-name`).
pub fn apply_spec_defaults(spec: &mut AerospikeClusterSpec, name: Option<&str>) {
    let size = spec.size.unwrap_or(1);
    default_aerospike_config(spec.aerospike_config.get_or_insert_with(Map::new), name);
    default_namespace(spec.aerospike_config.get_or_insert_with(Map::new), size);

    let np = spec
        .aerospike_network_policy
        .get_or_insert_with(Default::default);
    np.access_type.get_or_insert(NetworkAccessType::Pod);
    np.alternate_access_type
        .get_or_insert(NetworkAccessType::Pod);
    np.fabric_type.get_or_insert(NetworkAccessType::Pod);

    if let Some(lb) = spec
        .seeds_finder_services
        .as_mut()
        .and_then(|s| s.load_balancer.as_mut())
    {
        lb.port.get_or_insert(DEFAULT_LOAD_BALANCER_PORT);
        lb.target_port.get_or_insert(DEFAULT_LOAD_BALANCER_PORT);
    }
    if let Some(ps) = spec.pod_service.as_mut() {
        ps.service_type.get_or_insert(PodServiceType::ClusterIP);
    }
    if let Some(npc) = spec.network_policy_config.as_mut() {
        npc.policy_type.get_or_insert(NetworkPolicyType::Kubernetes);
    }
    if let Some(m) = spec.monitoring.as_mut() {
        if m.is_enabled() {
            m.exporter_image
                .get_or_insert_with(|| DEFAULT_EXPORTER_IMAGE.to_string());
            m.port.get_or_insert(DEFAULT_EXPORTER_PORT);
        }
        if let Some(sm) = m.service_monitor.as_mut() {
            sm.interval
                .get_or_insert_with(|| DEFAULT_SCRAPE_INTERVAL.to_string());
        }
    }

    let pod = spec.pod_spec.get_or_insert_with(Default::default);
    pod.readiness_gate_enabled.get_or_insert(true);
    pod.termination_grace_period_seconds
        .get_or_insert(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    pod.pod_management_policy
        .get_or_insert(PodManagementPolicy::Parallel);
    if pod.host_network == Some(true) {
        pod.multi_pod_per_host.get_or_insert(false);
        pod.dns_policy
            .get_or_insert_with(|| "ClusterFirstWithHostNet".to_string());
    }

    spec.rolling_update_batch_size.get_or_insert(1);
    spec.max_unavailable.get_or_insert(IntOrString::Int(1));

    if let Some(storage) = spec.storage.as_mut() {
        default_storage(storage);
    }
    if let Some(rc) = spec.rack_config.as_mut() {
        rc.scale_down_batch_size.get_or_insert(IntOrString::Int(1));
        rc.max_ignorable_pods.get_or_insert(IntOrString::Int(0));
        for rack in &mut rc.racks {
            if let Some(storage) = rack.storage.as_mut() {
                default_storage(storage);
            }
        }
    }
}

/// Fills the `service` and `network` defaults of an Aerospike config tree. Keys whose parent is
/// not an object are left alone (validation reports them).
pub fn default_aerospike_config(config: &mut Map<String, Value>, name: Option<&str>) {
    // Without a logging stanza asd logs nothing at all (kubectl logs would be empty).
    config
        .entry("logging")
        .or_insert_with(aerospike_conf::knowledge::logging::default_container_logging);
    if let Some(service) = object_entry(config, "service") {
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            service
                .entry("cluster-name")
                .or_insert_with(|| Value::from(name));
        }
        service
            .entry("proto-fd-max")
            .or_insert_with(|| Value::from(DEFAULT_PROTO_FD_MAX));
    }
    if let Some(network) = object_entry(config, "network") {
        if let Some(s) = object_entry(network, "service") {
            s.entry("port").or_insert_with(|| Value::from(SERVICE_PORT));
        }
        if let Some(f) = object_entry(network, "fabric") {
            f.entry("port").or_insert_with(|| Value::from(FABRIC_PORT));
        }
        if let Some(h) = object_entry(network, "heartbeat") {
            h.entry("mode").or_insert_with(|| Value::from("mesh"));
            h.entry("port")
                .or_insert_with(|| Value::from(HEARTBEAT_PORT));
        }
    }
}

/// `replication-factor` of the default namespace, independent of `spec.size`.
pub const DEFAULT_REPLICATION_FACTOR: i64 = 2;

/// Adds [`DEFAULT_NAMESPACE`] when the config has no `namespaces` key: an in-memory namespace
/// `test` with `data-size` 1 GiB and `replication-factor` [`DEFAULT_REPLICATION_FACTOR`].
///
/// The factor does not depend on the size on purpose: it is part of every pod's
/// aerospike.conf, so a size-dependent default would change the config hash of running pods
/// on every scale (1→2 would restart the only node). Aerospike keeps
/// min(replication-factor, cluster size) copies, so 2 on a one-node cluster is one copy until
/// a second node joins. `size` is unused and kept for API stability.
pub fn default_namespace(config: &mut Map<String, Value>, size: i32) {
    let _ = size;
    if !config.contains_key("namespaces") {
        let rf = DEFAULT_REPLICATION_FACTOR;
        config.insert(
            "namespaces".into(),
            serde_json::json!([{
                "name": DEFAULT_NAMESPACE,
                "replication-factor": rf,
                "storage-engine": {"type": "memory", "data-size": DEFAULT_NAMESPACE_DATA_SIZE}
            }]),
        );
    }
}

/// The object under `key`, created when missing; `None` when it exists but is not an object.
fn object_entry<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    map.entry(key)
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
}

fn default_storage(storage: &mut AerospikeStorageSpec) {
    storage.cleanup_threads.get_or_insert(1);
    let fs_policy = storage.filesystem_volume_policy.clone().unwrap_or_default();
    let block_policy = storage.block_volume_policy.clone().unwrap_or_default();
    for volume in storage.volumes.iter_mut().flatten() {
        let Some(pv) = volume.source.persistent_volume.as_mut() else {
            continue;
        };
        let mode = *pv.volume_mode.get_or_insert(VolumeMode::Filesystem);
        pv.access_modes
            .get_or_insert_with(|| vec!["ReadWriteOnce".to_string()]);
        let policy = match mode {
            VolumeMode::Filesystem => &fs_policy,
            VolumeMode::Block => &block_policy,
        };
        volume
            .init_method
            .get_or_insert(policy.init_method.unwrap_or(VolumeInitMethod::None));
        volume
            .wipe_method
            .get_or_insert(policy.wipe_method.unwrap_or(VolumeWipeMethod::None));
        volume
            .cascade_delete
            .get_or_insert(policy.cascade_delete.unwrap_or(false));
    }
}

/// Applies the template defaults in place (see the module docs).
pub fn apply_template_defaults(spec: &mut AerospikeClusterTemplateSpec) {
    if let Some(s) = spec.scheduling.as_mut() {
        s.pod_anti_affinity_level
            .get_or_insert(PodAntiAffinityLevel::Preferred);
    }
    if let Some(st) = spec.storage.as_mut() {
        st.volume_mode.get_or_insert(VolumeMode::Filesystem);
        st.access_modes
            .get_or_insert_with(|| vec!["ReadWriteOnce".to_string()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{LoadBalancerSpec, PodServiceSpec, SeedsFinderServices};

    fn minimal() -> AerospikeCluster {
        AerospikeCluster::new(
            "demo",
            AerospikeClusterSpec {
                size: Some(3),
                image: Some("aerospike:ce-8.1.1.1".into()),
                ..Default::default()
            },
        )
    }

    #[test]
    fn fills_config_ports_and_cluster_name() {
        let c = with_defaults(&minimal());
        let conf = Value::Object(c.spec.aerospike_config.unwrap());
        assert_eq!(conf["service"]["cluster-name"], "demo");
        assert_eq!(conf["service"]["proto-fd-max"], 15000);
        assert_eq!(conf["network"]["service"]["port"], 3000);
        assert_eq!(conf["network"]["fabric"]["port"], 3001);
        assert_eq!(conf["network"]["heartbeat"]["port"], 3002);
        assert_eq!(conf["network"]["heartbeat"]["mode"], "mesh");
        assert_eq!(conf["namespaces"][0]["name"], "test");
        assert_eq!(conf["namespaces"][0]["replication-factor"], 2);
    }

    #[test]
    fn keeps_user_values() {
        let mut c = minimal();
        c.spec.aerospike_config = Some(
            serde_json::json!({"service": {"cluster-name": "mine", "proto-fd-max": 20000}})
                .as_object()
                .cloned()
                .unwrap(),
        );
        let c = with_defaults(&c);
        let conf = c.spec.aerospike_config.unwrap();
        assert_eq!(conf["service"]["cluster-name"], "mine");
        assert_eq!(conf["service"]["proto-fd-max"], 20000);
    }

    #[test]
    fn fills_access_types_services_and_pod_spec() {
        let mut c = minimal();
        c.spec.seeds_finder_services = Some(SeedsFinderServices {
            load_balancer: Some(LoadBalancerSpec::default()),
        });
        c.spec.pod_service = Some(PodServiceSpec::default());
        c.spec.network_policy_config = Some(Default::default());
        c.spec.pod_spec = Some(crate::AerospikePodSpec {
            host_network: Some(true),
            ..Default::default()
        });
        let c = with_defaults(&c);
        let np = c.spec.aerospike_network_policy.unwrap();
        assert_eq!(np.access_type, Some(NetworkAccessType::Pod));
        assert_eq!(np.alternate_access_type, Some(NetworkAccessType::Pod));
        assert_eq!(np.fabric_type, Some(NetworkAccessType::Pod));
        let lb = c.spec.seeds_finder_services.unwrap().load_balancer.unwrap();
        assert_eq!((lb.port, lb.target_port), (Some(3000), Some(3000)));
        assert_eq!(
            c.spec.pod_service.unwrap().service_type,
            Some(PodServiceType::ClusterIP)
        );
        assert_eq!(
            c.spec.network_policy_config.unwrap().policy_type,
            Some(NetworkPolicyType::Kubernetes)
        );
        let pod = c.spec.pod_spec.unwrap();
        assert_eq!(pod.multi_pod_per_host, Some(false));
        assert_eq!(pod.dns_policy.as_deref(), Some("ClusterFirstWithHostNet"));
        assert_eq!(pod.termination_grace_period_seconds, Some(60));
        assert_eq!(c.spec.rolling_update_batch_size, Some(1));
        assert_eq!(c.spec.max_unavailable, Some(IntOrString::Int(1)));
    }

    #[test]
    fn monitoring_defaults_only_when_enabled() {
        let mut c = minimal();
        c.spec.monitoring = Some(crate::AerospikeMonitoringSpec {
            enabled: Some(true),
            ..Default::default()
        });
        let m = with_defaults(&c).spec.monitoring.unwrap();
        assert_eq!(m.exporter_image.as_deref(), Some(DEFAULT_EXPORTER_IMAGE));
        assert_eq!(m.port, Some(9145));
        c.spec.monitoring = Some(Default::default());
        assert_eq!(with_defaults(&c).spec.monitoring.unwrap().port, None);
    }

    #[test]
    fn defaulting_is_idempotent() {
        let once = with_defaults(&minimal());
        assert_eq!(with_defaults(&once), once);
    }
}
