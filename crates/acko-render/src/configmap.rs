//! The per-rack ConfigMap `<cluster>-<rackId>-config` and the config hash.
//!
//! Keys (see docs/pod-contract.md): `aerospike.conf` (the rack's effective configuration without
//! per-pod addresses) and `acko-init.json` ([`InitSettings`]).
//!
//! The config hash is the SHA-256 of the `aerospike.conf` text, a NUL byte, and the canonical
//! JSON of the [`InitSettings`] with `configHash` empty: everything
//! that determines the final aerospike.conf a pod runs with, and nothing else. It never depends
//! on the cluster size (see `seeds`), so scaling does not restart existing pods.

use std::collections::BTreeMap;

use acko_api::{AerospikeConfig, AerospikeNetworkPolicy};
use aerospike_conf::{AerospikeConf, deep_merge};
use k8s_openapi::api::core::v1::ConfigMap;
use serde_json::Value;

use crate::error::RenderError;
use crate::hash;
use crate::labels;
use crate::names;
use crate::services::AerospikePorts;

pub use acko_api::contract::{
    CONF_KEY, INIT_SETTINGS_KEY, InitSettings, NetworkSettings, PodServiceSettings,
};
/// How long acko-init waits for a LoadBalancer address or node port (the guide's 120 s).
pub const EXTERNAL_ADDRESS_TIMEOUT_SECONDS: u64 =
    acko_api::contract::DEFAULT_EXTERNAL_ADDRESS_TIMEOUT_SECONDS;

/// The `network` settings from the (defaulted) policy and the rack's ports.
pub fn network_settings(
    policy: Option<&AerospikeNetworkPolicy>,
    ports: AerospikePorts,
) -> NetworkSettings {
    let p = policy.cloned().unwrap_or_default();
    NetworkSettings {
        access_type: p.access_type.unwrap_or_default(),
        alternate_access_type: p.alternate_access_type.unwrap_or_default(),
        fabric_type: p.fabric_type.unwrap_or_default(),
        custom_access_network_names: p.custom_access_network_names.unwrap_or_default(),
        custom_alternate_access_network_names: p
            .custom_alternate_access_network_names
            .unwrap_or_default(),
        custom_fabric_network_names: p.custom_fabric_network_names.unwrap_or_default(),
        service_port: ports.service,
        fabric_port: ports.fabric,
        heartbeat_port: ports.heartbeat,
    }
}

/// A rack's effective aerospike.conf: cluster config deep-merged with the rack override,
/// with the stable mesh seeds set.
pub fn rack_conf(
    rack_id: i32,
    cluster_config: Option<&AerospikeConfig>,
    rack_config: Option<&AerospikeConfig>,
    seeds: &[(String, u16)],
) -> Result<AerospikeConf, RenderError> {
    let base = cluster_config.map_or(Value::Null, |m| Value::Object(m.clone()));
    let overlay = rack_config.map_or(Value::Null, |m| Value::Object(m.clone()));
    let merged = match (&base, &overlay) {
        (Value::Null, Value::Null) => Value::Object(serde_json::Map::new()),
        (Value::Null, o) => o.clone(),
        (b, o) => deep_merge(b, o),
    };
    let mut conf = AerospikeConf::from_spec(&merged)
        .map_err(|source| RenderError::Config { rack_id, source })?;
    if !seeds.is_empty() {
        conf.set_mesh_seeds(seeds)
            .map_err(|source| RenderError::Config { rack_id, source })?;
    }
    Ok(conf)
}

/// The ports of a conf, with Aerospike's defaults for absent ones.
pub fn ports_of(conf: &AerospikeConf) -> AerospikePorts {
    let p = conf.ports();
    let d = AerospikePorts::default();
    AerospikePorts {
        service: p.service.unwrap_or(d.service),
        fabric: p.fabric.unwrap_or(d.fabric),
        heartbeat: p.heartbeat.unwrap_or(d.heartbeat),
    }
}

/// The config hash of a rack (see the module docs). `settings.config_hash` is ignored.
pub fn config_hash(conf_text: &str, settings: &InitSettings) -> String {
    let mut normalized = settings.clone();
    normalized.config_hash = String::new();
    let mut bytes = conf_text.as_bytes().to_vec();
    bytes.push(0);
    bytes.extend_from_slice(hash::canonical_json_hash(&normalized).as_bytes());
    hash::sha256_hex(&bytes)
}

/// The rendered ConfigMap of a rack and its config hash.
#[derive(Debug, Clone, PartialEq)]
pub struct RackConfigMap {
    /// The ConfigMap.
    pub config_map: ConfigMap,
    /// Its config hash.
    pub config_hash: String,
}

/// Builds the ConfigMap of a rack from its conf text and init settings (the hash is computed
/// and written into the settings).
pub fn build(
    cluster: &str,
    namespace: &str,
    rack_id: i32,
    conf_text: String,
    mut settings: InitSettings,
) -> RackConfigMap {
    let config_hash = config_hash(&conf_text, &settings);
    settings.config_hash = config_hash.clone();
    let settings_json = serde_json::to_string_pretty(&settings).unwrap_or_default();
    let config_map = ConfigMap {
        metadata: labels::object_meta(
            names::config_map(cluster, rack_id),
            namespace,
            cluster,
            labels::rack_labels(cluster, rack_id),
            BTreeMap::from([(
                labels::ANNOTATION_CONFIG_HASH.to_owned(),
                config_hash.clone(),
            )]),
        ),
        data: Some(BTreeMap::from([
            (CONF_KEY.to_owned(), conf_text),
            (INIT_SETTINGS_KEY.to_owned(), settings_json + "\n"),
        ])),
        ..ConfigMap::default()
    };
    RackConfigMap {
        config_map,
        config_hash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use acko_api::NetworkAccessType;
    use serde_json::json;

    fn settings() -> InitSettings {
        InitSettings {
            config_hash: String::new(),
            network: network_settings(None, AerospikePorts::default()),
            pod_service: None,
            external_address_timeout_seconds: EXTERNAL_ADDRESS_TIMEOUT_SECONDS,
            volumes: Vec::new(),
        }
    }

    #[test]
    fn hash_ignores_its_own_field_and_follows_conf() {
        let a = config_hash("service {\n}\n", &settings());
        let mut other = settings();
        other.config_hash = "x".into();
        assert_eq!(a, config_hash("service {\n}\n", &other));
        assert_ne!(
            a,
            config_hash("service {\n    proto-fd-max 1\n}\n", &settings())
        );
        let mut net = settings();
        net.network.access_type = NetworkAccessType::HostExternal;
        assert_ne!(a, config_hash("service {\n}\n", &net));
    }

    #[test]
    fn rack_override_is_deep_merged_and_seeds_are_set() {
        let cluster = json!({"service": {"proto-fd-max": 15000},
            "network": {"heartbeat": {"mode": "mesh", "port": 3002}}});
        let rack = json!({"service": {"proto-fd-max": 20000}});
        let seeds = vec![("a-0-0.a-headless.ns.svc.cluster.local".to_owned(), 3002)];
        let conf = rack_conf(1, cluster.as_object(), rack.as_object(), &seeds).unwrap();
        let text = conf.render();
        assert!(text.contains("proto-fd-max 20000"), "{text}");
        assert!(
            text.contains("mesh-seed-address-port a-0-0.a-headless.ns.svc.cluster.local 3002"),
            "{text}"
        );
        let cm = build("a", "ns", 1, text, settings());
        assert_eq!(cm.config_map.metadata.name.as_deref(), Some("a-1-config"));
        let data = cm.config_map.data.unwrap();
        assert!(data[INIT_SETTINGS_KEY].contains(&cm.config_hash));
    }
}
