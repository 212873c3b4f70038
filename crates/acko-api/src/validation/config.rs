//! Rules for the free-form `aerospikeConfig` tree.
//!
//! Which keys are Enterprise-only comes from `aerospike-conf`'s cited knowledge tables and
//! which keys the server removed from [`super::config_keys`]; this module walks the JSON and
//! reports them at the path the user wrote.

use std::path::Path;

use serde_json::{Map, Value};

use crate::defaults::{FABRIC_PORT, HEARTBEAT_PORT, SERVICE_PORT};
use crate::problem::Problems;
use crate::validation::config_keys::{enterprise_only, removed_key};
use crate::validation::{storage_engine, ttl};

/// Top-level sections of `aerospike.conf`.
pub const KNOWN_SECTIONS: &[&str] = &[
    "service",
    "logging",
    "network",
    "namespaces",
    "mod-lua",
    "security",
    "xdr",
];

/// Keys that must differ per node, so a cluster-wide config cannot set them: the operator
/// derives them per pod (addresses from `aerospikeNetworkPolicy` and `podService`).
pub const PER_NODE_KEYS: &[(&str, &str, &str)] = &[
    (
        "service",
        "node-id",
        "remove it; every node would get the same id and the cluster would not form",
    ),
    (
        "network.service",
        "access-address",
        "remove it and choose the address with spec.aerospikeNetworkPolicy.accessType",
    ),
    (
        "network.service",
        "alternate-access-address",
        "remove it and use spec.aerospikeNetworkPolicy.alternateAccessType or spec.podService",
    ),
    (
        "network.service",
        "access-port",
        "remove it; the operator advertises port 3000",
    ),
    (
        "network.service",
        "alternate-access-port",
        "remove it; the operator sets it for NodePort pod services",
    ),
    (
        "network.fabric",
        "access-address",
        "remove it and choose the address with spec.aerospikeNetworkPolicy.fabricType",
    ),
];

/// Most namespaces a CE server accepts.
pub const MAX_NAMESPACES: usize = 2;

/// Validates an Aerospike config tree at `base`.
///
/// `size` is the cluster size when known (for the replication-factor bound); `volumes` are
/// `(aerospike path, is_block)` of the pod volumes; `fragment` is true for rack-level configs that
/// are merged over the cluster config (then `namespaces` may be partial).
pub(crate) fn validate_config(
    config: &Map<String, Value>,
    size: Option<i32>,
    volumes: &[(String, bool)],
    base: &str,
    fragment: bool,
    p: &mut Problems,
) {
    for (key, value) in config {
        let path = format!("{base}.{key}");
        if enterprise_key("", key, &path, p) {
            continue;
        }
        if let Some(e) = enterprise_only("network", key) {
            p.error(
                path,
                format!("`{key}` is an Enterprise Edition feature (and belongs under `network`); Aerospike CE refuses to start with it"),
                e.hint,
            );
            continue;
        }
        match key.as_str() {
            "service" => validate_service(value, &path, p),
            "network" => validate_network(value, &path, p),
            "namespaces" => validate_namespaces(value, size, volumes, &path, fragment, p),
            "logging" => validate_logging(value, volumes, &path, fragment, p),
            "mod-lua" => {
                expect_object(value, &path, p);
            }
            _ => p.error(
                path,
                format!("unknown top-level section `{key}`"),
                format!(
                    "use one of: {} (namespaces is a list)",
                    KNOWN_SECTIONS[..5].join(", ")
                ),
            ),
        }
    }
}

fn expect_object<'a>(
    value: &'a Value,
    path: &str,
    p: &mut Problems,
) -> Option<&'a Map<String, Value>> {
    let obj = value.as_object();
    if obj.is_none() {
        p.error(
            path,
            format!("must be a mapping, got {}", kind(value)),
            "write the stanza as `key: value` pairs",
        );
    }
    obj
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Reports `key` of the config `context` when it is Enterprise-only; true when reported.
pub(super) fn enterprise_key(context: &str, key: &str, path: &str, p: &mut Problems) -> bool {
    match enterprise_only(context, key) {
        Some(e) => {
            let what = if e.stanza { "section" } else { "key" };
            p.error(
                path,
                format!(
                    "`{key}` is an Enterprise Edition {what}; Aerospike CE refuses to start with it"
                ),
                e.hint,
            );
            true
        }
        None => false,
    }
}

/// Reports `key` of the config `context` when the server removed it; true when reported.
pub(super) fn removed(context: &str, key: &str, path: &str, p: &mut Problems) -> bool {
    match removed_key(context, key) {
        Some(r) => {
            p.error(
                path,
                format!(
                    "`{key}` was removed in Aerospike server {} and is rejected by CE 8",
                    r.removed_in
                ),
                r.hint,
            );
            true
        }
        None => false,
    }
}

fn per_node_key(stanza: &str, key: &str, path: &str, p: &mut Problems) -> bool {
    match PER_NODE_KEYS
        .iter()
        .find(|(s, k, _)| *s == stanza && *k == key)
    {
        Some((_, _, hint)) => {
            p.error(
                path,
                format!("`{key}` must differ per node and cannot be set for the whole cluster"),
                *hint,
            );
            true
        }
        None => false,
    }
}

fn validate_service(value: &Value, path: &str, p: &mut Problems) {
    let Some(service) = expect_object(value, path, p) else {
        return;
    };
    for (key, v) in service {
        let key_path = format!("{path}.{key}");
        if enterprise_key("service", key, &key_path, p)
            || removed("service", key, &key_path, p)
            || per_node_key("service", key, &key_path, p)
        {
        } else if key == "cluster-name" && v.as_str().is_none_or(str::is_empty) {
            p.error(
                key_path,
                "cluster-name must be a non-empty string",
                "remove it to use the resource name",
            );
        } else if key == "proto-fd-max" && v.as_i64().is_none_or(|n| n < 1) {
            p.error(
                key_path,
                "proto-fd-max must be a positive integer",
                "remove it to use the default 15000",
            );
        }
    }
}

fn validate_network(value: &Value, path: &str, p: &mut Problems) {
    let Some(network) = expect_object(value, path, p) else {
        return;
    };
    let fixed = [
        ("service", SERVICE_PORT),
        ("fabric", FABRIC_PORT),
        ("heartbeat", HEARTBEAT_PORT),
    ];
    for (key, v) in network {
        let sub_path = format!("{path}.{key}");
        if enterprise_key("network", key, &sub_path, p) {
            continue;
        }
        if !matches!(
            key.as_str(),
            "service" | "fabric" | "heartbeat" | "admin" | "info"
        ) {
            p.error(
                sub_path,
                format!("unknown network stanza `{key}`"),
                "use service, fabric, heartbeat or admin",
            );
            continue;
        }
        let Some(stanza) = expect_object(v, &sub_path, p) else {
            continue;
        };
        let stanza_name = format!("network.{key}");
        for k in stanza.keys() {
            let key_path = format!("{sub_path}.{k}");
            if !enterprise_key(&stanza_name, k, &key_path, p) {
                per_node_key(&stanza_name, k, &key_path, p);
            }
        }
        if key == "heartbeat" && stanza.contains_key("mesh-seed-address-port") {
            p.warning(
                format!("{sub_path}.mesh-seed-address-port"),
                "mesh seeds are managed by the operator; this value is replaced",
                "remove mesh-seed-address-port",
            );
        }
        if let Some(port) = stanza.get("port") {
            let port_path = format!("{sub_path}.port");
            match (fixed.iter().find(|(n, _)| n == key), port.as_i64()) {
                (_, None) => p.error(port_path, format!("port must be an integer, got {}", kind(port)), "remove it to use the default"),
                (Some((_, want)), Some(got)) if got != *want => p.error(
                    port_path,
                    format!("{key} port {got} is not supported: the operator wires containers, services and network policies to port {want}"),
                    format!("remove the key or set {want}"),
                ),
                (None, Some(got)) if !(1..=65535).contains(&got) || (SERVICE_PORT..=HEARTBEAT_PORT).contains(&got) => p.error(
                    port_path,
                    format!("{key} port {got} is invalid or collides with ports 3000-3002"),
                    "remove it to use the default 3003",
                ),
                _ => {}
            }
        }
        if key == "heartbeat" {
            if let Some(mode) = stanza.get("mode")
                && mode.as_str() != Some("mesh")
            {
                p.error(
                    format!("{sub_path}.mode"),
                    format!("heartbeat mode {mode} does not work on Kubernetes"),
                    "use `mode: mesh`; the operator fills in the mesh seeds",
                );
            }
            for k in ["interval", "timeout"] {
                if let Some(v) = stanza.get(k)
                    && v.as_i64().is_none_or(|n| n < 1)
                {
                    p.error(
                        format!("{sub_path}.{k}"),
                        format!("{k} must be a positive integer"),
                        "remove it to use the server default",
                    );
                }
            }
        }
    }
}

fn validate_logging(
    value: &Value,
    volumes: &[(String, bool)],
    path: &str,
    fragment: bool,
    p: &mut Problems,
) {
    let Some(sinks) = value.as_array() else {
        p.error(
            path,
            format!("logging must be a list of sinks, got {}", kind(value)),
            "write e.g. `logging: [{name: console, any: info}]`",
        );
        return;
    };
    for (i, sink) in sinks.iter().enumerate() {
        let sink_path = format!("{path}[{i}]");
        match sink
            .as_object()
            .map(|s| s.get("name").and_then(Value::as_str))
        {
            None => p.error(
                sink_path,
                "a logging sink must be a mapping",
                "write e.g. `{name: console, any: info}`",
            ),
            Some(None) | Some(Some("")) => p.error(
                format!("{sink_path}.name"),
                "a logging sink needs a name",
                "use `console`, `syslog` or a file path such as /var/log/aerospike/aerospike.log",
            ),
            Some(Some(name)) => {
                let on_volume = volumes.iter().any(|(vp, block)| {
                    !block && Path::new(name).starts_with(Path::new(vp.as_str()))
                });
                if let Some(advice) =
                    aerospike_conf::knowledge::logging::container_advice(name, on_volume)
                {
                    p.warning(
                        format!("{sink_path}.name"),
                        format!("log sink {name:?}: {advice}"),
                        "add `{name: console, any: info}` (kubectl logs) or mount a volume at the log directory",
                    );
                }
            }
        }
    }
    let has_console = sinks.iter().any(|s| {
        s.get("name")
            .and_then(Value::as_str)
            .map(aerospike_conf::knowledge::logging::sink_kind)
            == Some(aerospike_conf::knowledge::logging::SinkKind::Console)
    });
    // A rack fragment is merged (by sink name) over the cluster's sinks.
    if !has_console && !fragment {
        p.warning(
            path,
            "no console sink: kubectl logs will show nothing from asd, not even why it failed to start",
            "add `{name: console, any: info}` to logging",
        );
    }
}

fn validate_namespaces(
    value: &Value,
    size: Option<i32>,
    volumes: &[(String, bool)],
    path: &str,
    fragment: bool,
    p: &mut Problems,
) {
    let Some(list) = value.as_array() else {
        p.error(
            path,
            format!("namespaces must be a list, got {}", kind(value)),
            "write `namespaces: [{name: test, ...}]`",
        );
        return;
    };
    if list.len() > MAX_NAMESPACES {
        p.error(
            path,
            format!(
                "{} namespaces configured; Aerospike CE allows at most {MAX_NAMESPACES}",
                list.len()
            ),
            "remove namespaces; sets can separate data within a namespace",
        );
    }
    if list.is_empty() && !fragment {
        p.error(
            path,
            "at least one namespace is required",
            "add a namespace or remove the key to get the default one",
        );
    }
    let mut names = Vec::new();
    for (i, ns) in list.iter().enumerate() {
        let ns_path = format!("{path}[{i}]");
        let Some(ns) = ns.as_object() else {
            p.error(
                ns_path,
                "a namespace must be a mapping",
                "write `{name: test, replication-factor: 2, ...}`",
            );
            continue;
        };
        match ns.get("name").and_then(Value::as_str) {
            Some(n) if !n.is_empty() && n.len() <= 31 => names.push(n.to_string()),
            Some(n) if !n.is_empty() => p.error(
                format!("{ns_path}.name"),
                format!("namespace name {n:?} is longer than 31 characters"),
                "use a shorter name",
            ),
            _ => p.error(
                format!("{ns_path}.name"),
                "a namespace needs a non-empty name",
                "add `name: <namespace>`",
            ),
        }
        for (key, v) in ns {
            let key_path = format!("{ns_path}.{key}");
            if key == "rack-id" && enterprise_only("namespace", key).is_some() {
                p.error(
                    key_path,
                    "`rack-id` is an Enterprise Edition key; Aerospike CE refuses to start with it",
                    "remove it; acko places racks with spec.rackConfig, CE has no rack-aware replication",
                );
                continue;
            }
            if enterprise_key("namespace", key, &key_path, p)
                || removed("namespace", key, &key_path, p)
                || misplaced_storage_key(key, &key_path, p)
            {
                continue;
            }
            if key == "replication-factor" {
                validate_replication_factor(v, size, &key_path, p);
            }
            if key == "storage-engine" {
                storage_engine::validate_storage_engine(v, volumes, &key_path, p);
            }
            if key == "index-type" || key == "sindex-type" {
                storage_engine::validate_index_type(key, v, &key_path, p);
            }
        }
    }
    if !fragment {
        for (i, ns) in list.iter().enumerate() {
            if let Some(ns) = ns.as_object() {
                ttl::validate_ttl(ns, &format!("{path}[{i}]"), p);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for n in &names {
        if !seen.insert(n) {
            p.error(
                path,
                format!("namespace {n:?} is defined twice"),
                "give each namespace a unique name",
            );
        }
    }
}

/// A namespace-level key that only exists inside `storage-engine` and that CE refuses there
/// too (Enterprise-only or removed): say where it belongs and why it still cannot be used.
fn misplaced_storage_key(key: &str, path: &str, p: &mut Problems) -> bool {
    const CONTEXT: &str = "namespace.storage-engine";
    let (reason, instead) = if let Some(e) = enterprise_only(CONTEXT, key) {
        ("it is Enterprise-only there too".to_string(), e.hint)
    } else if let Some(r) = removed_key(CONTEXT, key) {
        (format!("server {} removed it", r.removed_in), r.hint)
    } else {
        return false;
    };
    let instead = instead.strip_prefix("remove it; ").unwrap_or(instead);
    p.error(
        path,
        format!("`{key}` is not a namespace key but a storage-engine key, and {reason}"),
        format!("remove `{key}` from the namespace; {instead}"),
    );
    true
}

fn validate_replication_factor(v: &Value, size: Option<i32>, path: &str, p: &mut Problems) {
    let Some(rf) = v.as_i64() else {
        p.error(
            path,
            format!("replication-factor must be an integer, got {}", kind(v)),
            "use 1 to 4",
        );
        return;
    };
    if !(1..=4).contains(&rf) {
        p.error(
            path,
            format!("replication-factor {rf} is not allowed: the server allows 1 to 4"),
            "use a value between 1 and 4",
        );
    } else if let Some(s) = size.filter(|s| rf > i64::from(*s)) {
        // Not an error: Aerospike keeps min(replication-factor, cluster size) copies, and
        // refusing it would make the default (2) invalid on one node and force a config
        // change (a restart of every pod) on scaling.
        p.warning(
            path,
            format!(
                "replication-factor {rf} is more than the {s} node(s) of the cluster: Aerospike keeps only {s} copy(ies) until the cluster grows"
            ),
            format!("this is fine if you plan to scale to {rf} or more nodes; otherwise use at most {s}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(config: Value, size: Option<i32>) -> Problems {
        let mut p = Problems::new();
        let volumes = vec![
            ("/dev/xvdb".to_string(), true),
            ("/opt/aerospike/data".to_string(), false),
        ];
        validate_config(
            config.as_object().unwrap(),
            size,
            &volumes,
            "spec.aerospikeConfig",
            false,
            &mut p,
        );
        p
    }

    fn ns(extra: Value) -> Value {
        let mut base = json!({"name": "test", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824}});
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        json!({"namespaces": [base]})
    }

    #[test]
    fn seed_config_is_clean() {
        let config = json!({
            "service": {"proto-fd-max": 15000},
            "namespaces": [{"name": "test", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824}}],
            "network": {"service": {"port": 3000}, "fabric": {"port": 3001}, "heartbeat": {"mode": "mesh", "port": 3002, "interval": 150, "timeout": 10}},
            "logging": [{"name": "console", "any": "info"}]
        });
        let p = check(config, Some(4));
        assert!(p.is_empty(), "{p}");
    }

    #[test]
    fn at_most_two_namespaces() {
        let two = json!({"namespaces": [{"name": "a"}, {"name": "b"}]});
        assert!(check(two, Some(3)).is_empty());
        let three = json!({"namespaces": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
        assert!(check(three, Some(3)).has_path("spec.aerospikeConfig.namespaces"));
    }

    #[test]
    fn replication_factor_bounded_by_size_and_four() {
        assert!(check(ns(json!({"replication-factor": 3})), Some(3)).is_empty());
        let path = "spec.aerospikeConfig.namespaces[0].replication-factor";
        let over = check(ns(json!({"replication-factor": 3})), Some(2));
        assert!(!over.has_errors() && over.has_path(path), "{over}");
        assert!(check(ns(json!({"replication-factor": 5})), Some(8)).has_path(path));
        assert!(check(ns(json!({"replication-factor": 0})), Some(8)).has_path(path));
        assert!(check(ns(json!({"replication-factor": "two"})), Some(8)).has_path(path));
    }

    #[test]
    fn enterprise_sections_and_keys_are_rejected() {
        for section in ["security", "xdr", "tls"] {
            let p = check(json!({ section: {} }), Some(1));
            assert!(
                p.has_path(&format!("spec.aerospikeConfig.{section}")),
                "{section}"
            );
        }
        for key in crate::validation::EE_ONLY_NAMESPACE_KEYS {
            let p = check(ns(json!({ *key: 1 })), Some(3));
            assert!(
                p.has_path(&format!("spec.aerospikeConfig.namespaces[0].{key}")),
                "{key}"
            );
        }
        let p = check(json!({"service": {"migrate-fill-delay": 0}}), None);
        assert!(p.has_path("spec.aerospikeConfig.service.migrate-fill-delay"));
        let p = check(
            json!({"network": {"tls": {}, "service": {"tls-port": 4333}}}),
            None,
        );
        assert!(p.has_path("spec.aerospikeConfig.network.tls"));
        assert!(p.has_path("spec.aerospikeConfig.network.service.tls-port"));
        let p = check(
            ns(
                json!({"storage-engine": {"type": "device", "devices": ["/dev/xvdb"], "compression": "lz4"}}),
            ),
            Some(3),
        );
        assert!(
            p.has_path("spec.aerospikeConfig.namespaces[0].storage-engine.compression"),
            "{p}"
        );
        assert_eq!(p.len(), 1, "{p}");
    }

    #[test]
    fn service_enterprise_keys_come_from_the_knowledge_tables() {
        for key in [
            "stay-quiesced",
            "vault-url",
            "vault-token-file",
            "secrets-address-port",
            "secrets-uds-path",
            "feature-key-file",
        ] {
            let p = check(json!({"service": { key: "x" }}), None);
            assert!(
                p.has_path(&format!("spec.aerospikeConfig.service.{key}")),
                "{key}: {p}"
            );
            assert_eq!(p.len(), 1, "{p}");
        }
    }

    #[test]
    fn storage_keys_at_namespace_level_are_misplaced() {
        // Since server 7.0 compression lives in storage-engine (and is Enterprise-only there).
        for key in ["compression", "compression-level", "data-in-memory"] {
            let p = check(ns(json!({ key: 1 })), Some(3));
            let path = format!("spec.aerospikeConfig.namespaces[0].{key}");
            assert!(p.has_path(&path), "{key}: {p}");
            assert!(
                p.iter().any(|e| e.message.contains("storage-engine key")),
                "{p}"
            );
        }
        // Not config keys at all: not reported as Enterprise-only.
        for key in ["durable-delete", "fast-restart"] {
            assert!(check(ns(json!({ key: true })), Some(3)).is_empty(), "{key}");
        }
    }

    #[test]
    fn removed_keys_are_rejected_in_their_context() {
        let p = check(ns(json!({"memory-size": 1000})), Some(3));
        assert!(p.has_path("spec.aerospikeConfig.namespaces[0].memory-size"));
        let p = check(
            ns(
                json!({"storage-engine": {"type": "device", "devices": ["/dev/xvdb"], "write-block-size": "1M", "data-in-memory": true}}),
            ),
            Some(3),
        );
        for key in ["write-block-size", "data-in-memory"] {
            assert!(
                p.has_path(&format!(
                    "spec.aerospikeConfig.namespaces[0].storage-engine.{key}"
                )),
                "{key}: {p}"
            );
        }
        assert_eq!(p.len(), 2, "{p}");
    }

    #[test]
    fn ttl_without_nsup_is_rejected_on_complete_configs_only() {
        let path = "spec.aerospikeConfig.namespaces[0].default-ttl";
        assert!(check(ns(json!({"default-ttl": 3600})), Some(3)).has_path(path));
        assert!(
            check(
                ns(json!({"default-ttl": 3600, "nsup-period": 120})),
                Some(3)
            )
            .is_empty()
        );
        let mut p = Problems::new();
        let fragment = ns(json!({"default-ttl": 3600}));
        validate_config(
            fragment.as_object().unwrap(),
            None,
            &[],
            "spec.aerospikeConfig",
            true,
            &mut p,
        );
        assert!(p.is_empty(), "{p}");
    }

    #[test]
    fn heartbeat_must_be_mesh_and_ports_fixed() {
        let p = check(
            json!({"network": {"heartbeat": {"mode": "multicast"}}}),
            None,
        );
        assert!(p.has_path("spec.aerospikeConfig.network.heartbeat.mode"));
        let p = check(
            json!({"network": {"service": {"port": 4000}, "fabric": {"port": "x"}, "heartbeat": {"port": 3002}}}),
            None,
        );
        assert!(p.has_path("spec.aerospikeConfig.network.service.port"));
        assert!(p.has_path("spec.aerospikeConfig.network.fabric.port"));
        assert_eq!(p.len(), 2);
        let p = check(json!({"network": {"admin": {"port": 3001}}}), None);
        assert!(p.has_path("spec.aerospikeConfig.network.admin.port"));
        assert!(check(json!({"network": {"admin": {"port": 3003}}}), None).is_empty());
    }

    #[test]
    fn per_node_keys_are_rejected() {
        let p = check(
            json!({"service": {"node-id": "a1"}, "network": {"service": {"access-address": "10.0.0.1", "address": "any"}, "fabric": {"access-address": "1.2.3.4"}, "heartbeat": {"mesh-seed-address-port": "x 3002"}}}),
            None,
        );
        assert!(p.has_path("spec.aerospikeConfig.service.node-id"), "{p}");
        assert!(
            p.has_path("spec.aerospikeConfig.network.service.access-address"),
            "{p}"
        );
        assert!(
            p.has_path("spec.aerospikeConfig.network.fabric.access-address"),
            "{p}"
        );
        assert!(
            p.warnings()
                .any(|w| w.path == "spec.aerospikeConfig.network.heartbeat.mesh-seed-address-port"),
            "{p}"
        );
        assert_eq!(p.errors().count(), 3, "{p}");
    }

    #[test]
    fn structure_errors() {
        let p = check(
            json!({"namespace": {}, "service": 5, "logging": {"console": {}}, "namespaces": {"name": "x"}}),
            None,
        );
        for path in ["namespace", "service", "logging", "namespaces"] {
            assert!(
                p.has_path(&format!("spec.aerospikeConfig.{path}")),
                "{path}: {p}"
            );
        }
        let p = check(
            json!({"namespaces": [{"name": "a"}, {"name": "a"}], "logging": [{"any": "info"}]}),
            None,
        );
        assert!(p.has_path("spec.aerospikeConfig.namespaces"));
        assert!(p.has_path("spec.aerospikeConfig.logging[0].name"));
    }

    #[test]
    fn storage_engine_devices_need_block_volumes() {
        let ok = ns(json!({"storage-engine": {"type": "device", "devices": ["/dev/xvdb"]}}));
        assert!(check(ok, Some(3)).is_empty());
        let bad = ns(json!({"storage-engine": {"type": "device", "devices": ["/dev/sdz"]}}));
        assert!(
            check(bad, Some(3))
                .has_path("spec.aerospikeConfig.namespaces[0].storage-engine.devices[0]")
        );
        let file_off_volume =
            ns(json!({"storage-engine": {"type": "device", "files": ["/tmp/x.dat"]}}));
        let p = check(file_off_volume, Some(3));
        assert!(
            !p.has_errors()
                && p.has_path("spec.aerospikeConfig.namespaces[0].storage-engine.files[0]")
        );
        let file_on_volume = ns(
            json!({"storage-engine": {"type": "device", "files": ["/opt/aerospike/data/x.dat"]}}),
        );
        assert!(check(file_on_volume, Some(3)).is_empty());
        let pmem = ns(json!({"storage-engine": {"type": "pmem"}}));
        assert!(
            check(pmem, Some(3)).has_path("spec.aerospikeConfig.namespaces[0].storage-engine.type")
        );
    }
}
