//! Key knowledge (dynamic / Enterprise-only) and change classification.

use aerospike_conf::knowledge::{
    DYNAMIC_KEYS, Dynamism, ENTERPRISE_ONLY, ENTERPRISE_ONLY_VALUES, REMOVED_CONFIG_KEYS,
    STATIC_KEYS, Source, dynamism, enterprise_only_entry, enterprise_only_value, is_removed,
    removed_key, typed_stanza_entry,
};
use aerospike_conf::{AerospikeConf, ChangeKind, changed_keys, is_dynamic, is_enterprise_only};
use serde_json::json;

const FIXTURE_SET_CONFIG_OK: &[(&str, &str, &str)] = &[
    // (context, key, fixture file): set-config replied `ok` on CE 8.1.2.
    (
        "namespace",
        "nsup-period",
        "set-config_context_namespace_id_test_nsup-period_60.txt",
    ),
    (
        "namespace",
        "nsup-hist-period",
        "set-config_context_namespace_id_test_nsup-hist-period_5.txt",
    ),
    (
        "namespace",
        "default-ttl",
        "set-config_context_namespace_id_test_default-ttl_100.txt",
    ),
    (
        "service",
        "proto-fd-max",
        "set-config_context_service_proto-fd-max_15000.txt",
    ),
];

#[test]
fn keys_the_fixtures_changed_at_runtime_are_dynamic() {
    for (ctx, key, file) in FIXTURE_SET_CONFIG_OK {
        assert!(is_dynamic(ctx, key), "{ctx}.{key} ({file})");
        let entry = DYNAMIC_KEYS
            .iter()
            .find(|d| d.context == *ctx && d.key == *key)
            .unwrap();
        assert_eq!(entry.source, Source::Fixture(file));
    }
    assert!(
        is_dynamic("namespace[test]", "nsup-period"),
        "stanza args are ignored"
    );
}

#[test]
fn keys_the_fixtures_rejected_are_not_dynamic() {
    // `set-config:context=service;no-such-param=1` → ERROR:4:invalid set-config parameter.
    assert_eq!(dynamism("service", "no-such-param"), Dynamism::Unknown);
    assert!(!is_dynamic("nosuch", "x"));
}

#[test]
fn params_removed_in_server_7_and_8_are_not_dynamic() {
    for key in [
        "memory-size",
        "high-water-memory-pct",
        "high-water-disk-pct",
        "stop-writes-pct",
        "min-avail-pct",
        "data-in-memory",
        "write-block-size",
    ] {
        assert_eq!(dynamism("namespace", key), Dynamism::Unknown, "{key}");
        assert_eq!(
            dynamism("namespace.storage-engine", key),
            Dynamism::Unknown,
            "{key}"
        );
    }
    assert_eq!(dynamism("service", "scan-threads-limit"), Dynamism::Unknown);
}

#[test]
fn every_table_key_exists_in_the_ce_8_1_get_config_replies() {
    // Keys read back from a real CE 8.1.2 node (get-config fixtures), by context. Keys that
    // only exist when configured (lists, sets, mod-lua, logging) are checked separately.
    let service = include_str!("fixtures/get-config_context_service.txt");
    let network = include_str!("fixtures/get-config_context_network.txt");
    let namespace = include_str!("fixtures/get-config_context_namespace_id_test.txt");
    let reply_has = |reply: &str, key: &str| {
        reply
            .split(['\t', ';'])
            .any(|kv| kv.split('=').next() == Some(key))
    };
    // Not echoed by get-config (feature-key-file is CE-irrelevant; user/group are start-up only).
    let not_in_replies = ["feature-key-file", "group", "user"];
    for d in DYNAMIC_KEYS.iter().chain(STATIC_KEYS) {
        let ok = match d.context {
            "service" => reply_has(service, d.key) || not_in_replies.contains(&d.key),
            c if c.starts_with("network.") => {
                let sub = &c["network.".len()..];
                reply_has(network, &format!("{sub}.{}", d.key))
                    || [
                        "access-address-missing",
                        "alternate-access-address",
                        "mesh-seed-address-port",
                    ]
                    .contains(&d.key)
                    || sub == "admin" && d.key == "address"
            }
            "namespace" => reply_has(namespace, d.key),
            "namespace.geo2dsphere-within" => {
                reply_has(namespace, &format!("geo2dsphere-within.{}", d.key))
            }
            "namespace.storage-engine" => {
                reply_has(namespace, &format!("storage-engine.{}", d.key))
                    || ["device", "file"].contains(&d.key)
            }
            _ => true,
        };
        assert!(
            ok,
            "{}.{} is not in the CE 8.1.2 get-config replies",
            d.context, d.key
        );
    }
}

#[test]
fn enterprise_only_paths() {
    assert!(is_enterprise_only("security"));
    assert!(is_enterprise_only("security.enable-quotas"));
    assert!(is_enterprise_only("xdr.dc[remote].namespace[test]"));
    assert!(is_enterprise_only("network.tls[cert]"));
    assert!(is_enterprise_only("namespace[test].strong-consistency"));
    assert!(is_enterprise_only("namespace.rack-id"));
    assert!(is_enterprise_only("service.migrate-fill-delay"));
    assert!(is_enterprise_only(
        "namespace[t].storage-engine[device].compression"
    ));
    // Value-aware: the key exists in CE (`index-type=mem` in the CE 8.1 fixture).
    assert!(!is_enterprise_only("namespace.index-type"));
    assert!(!is_enterprise_only("namespace.sindex-type"));
    assert!(!is_enterprise_only("namespace[test].replication-factor"));
    assert!(!is_enterprise_only("securityx"));
    assert!(
        !is_enterprise_only("namespace.strong-consistency.x"),
        "keys are not stanzas"
    );
    for e in ENTERPRISE_ONLY {
        assert!(!e.hint.is_empty(), "{} needs a hint", e.path);
        assert_eq!(enterprise_only_entry(e.path), Some(e));
    }
}

#[test]
fn hints_say_what_to_do_instead_not_that_it_is_enterprise_only() {
    // The message already says "Enterprise"; the hint must be an action.
    for e in ENTERPRISE_ONLY {
        assert!(
            !e.hint.to_lowercase().contains("enterprise-only"),
            "{}: {}",
            e.path,
            e.hint
        );
        assert!(
            e.hint.starts_with("remove") || e.hint.starts_with("use"),
            "{}: {}",
            e.path,
            e.hint
        );
    }
    for e in ENTERPRISE_ONLY_VALUES {
        assert!(
            !e.hint.to_lowercase().contains("enterprise-only"),
            "{}",
            e.path
        );
    }
}

#[test]
fn typed_stanzas_are_enterprise_only_by_value() {
    for path in ["namespace.index-type", "namespace[test].sindex-type"] {
        assert!(enterprise_only_value(path, "mem").is_none(), "{path}");
        for ee in ["shmem", "pmem", "flash"] {
            assert!(enterprise_only_value(path, ee).is_some(), "{path} {ee}");
        }
    }
    let se = "namespace[test].storage-engine";
    assert!(enterprise_only_value(se, "memory").is_none());
    assert!(enterprise_only_value(se, "device").is_none());
    assert!(enterprise_only_value(se, "pmem").is_some());
    assert!(enterprise_only_value("namespace.replication-factor", "pmem").is_none());
    for e in ENTERPRISE_ONLY_VALUES {
        assert_eq!(typed_stanza_entry(e.path), Some(e));
        for v in e.community {
            assert!(!e.enterprise.contains(v), "{} {v}", e.path);
        }
    }
}

#[test]
fn index_types_in_a_model_are_checked_by_value() {
    let conf = AerospikeConf::from_spec(&json!({
        "namespaces": [
            {"name": "a", "index-type": "mem", "sindex-type": {"type": "mem"},
             "storage-engine": "memory"},
            {"name": "b", "index-type": {"type": "flash", "mounts": ["/mnt/idx"]},
             "sindex-type": "shmem", "storage-engine": "memory"}
        ]
    }))
    .unwrap();
    let found: Vec<String> = conf
        .enterprise_only_uses()
        .into_iter()
        .map(|u| u.path)
        .collect();
    assert_eq!(
        found,
        [
            "namespace[b].sindex-type[shmem]",
            "namespace[b].index-type[flash]"
        ]
    );
    let text = "namespace a {\n    index-type mem\n    storage-engine memory\n}\n";
    assert!(
        AerospikeConf::parse(text)
            .unwrap()
            .enterprise_only_uses()
            .is_empty()
    );
}

#[test]
fn removed_keys_are_cited_data() {
    assert!(is_removed("namespace", "memory-size"));
    assert!(is_removed("namespace[test]", "high-water-memory-pct"));
    assert!(is_removed(
        "namespace[test].storage-engine[device]",
        "write-block-size"
    ));
    assert!(!is_removed("namespace", "write-block-size"));
    assert!(!is_removed("namespace", "replication-factor"));
    for r in REMOVED_CONFIG_KEYS {
        assert!(!r.hint.is_empty() && !r.removed_in.is_empty(), "{}", r.key);
        assert_eq!(removed_key(r.context, r.key), Some(r));
        assert_eq!(dynamism(r.context, r.key), Dynamism::Unknown, "{}", r.key);
    }
}

#[test]
fn enterprise_only_uses_in_a_model_are_listed() {
    let conf = AerospikeConf::from_spec(&json!({
        "security": {},
        "service": {"proto-fd-max": 15000},
        "namespaces": [
            {"name": "a", "strong-consistency": true, "storage-engine": {"type": "pmem", "files": ["/x"]}},
            {"name": "b", "storage-engine": {"type": "device", "devices": ["/dev/sda"], "compression": "lz4"}}
        ]
    }))
    .unwrap();
    let found: Vec<String> = conf
        .enterprise_only_uses()
        .into_iter()
        .map(|u| u.path)
        .collect();
    assert_eq!(
        found,
        [
            "namespace[a].strong-consistency",
            "namespace[a].storage-engine[pmem]",
            "namespace[b].storage-engine[device].compression",
            "security",
        ]
    );
}

fn conf(spec: serde_json::Value) -> AerospikeConf {
    AerospikeConf::from_spec(&spec).unwrap()
}

#[test]
fn changed_keys_classifies_dynamic_and_static() {
    let old = conf(json!({
        "service": {"proto-fd-max": 15000, "cluster-name": "c"},
        "network": {"service": {"port": 3000}},
        "namespaces": [{"name": "test", "default-ttl": 0, "nsup-period": 0,
            "storage-engine": {"type": "device", "devices": ["/dev/a"], "evict-used-pct": 60}}]
    }));
    let new = conf(json!({
        "service": {"proto-fd-max": 20000, "cluster-name": "c"},
        "network": {"service": {"port": 3100}},
        "namespaces": [{"name": "test", "default-ttl": 3600,
            "storage-engine": {"type": "device", "devices": ["/dev/a", "/dev/b"], "evict-used-pct": 70}},
            {"name": "bar", "default-ttl": 5, "storage-engine": "memory"}]
    }));
    let changes = changed_keys(&old, &new);
    let summary: Vec<(String, String, ChangeKind)> = changes
        .iter()
        .map(|c| (c.stanza.clone(), c.key.clone(), c.kind))
        .collect();
    let s = |a: &str, b: &str, k| (a.to_string(), b.to_string(), k);
    assert_eq!(
        summary,
        [
            s("namespace[bar]", "default-ttl", ChangeKind::Static),
            s("namespace[bar]", "storage-engine", ChangeKind::Static),
            s("namespace[bar]", "{}", ChangeKind::Static),
            s("namespace[test]", "default-ttl", ChangeKind::Dynamic),
            s("namespace[test]", "nsup-period", ChangeKind::Static),
            s(
                "namespace[test].storage-engine[device]",
                "device",
                ChangeKind::Static
            ),
            s(
                "namespace[test].storage-engine[device]",
                "evict-used-pct",
                ChangeKind::Dynamic
            ),
            s("network.service", "port", ChangeKind::Static),
            s("service", "proto-fd-max", ChangeKind::Dynamic),
        ]
    );
    let cmd = |stanza: &str, key: &str| {
        changes
            .iter()
            .find(|c| c.stanza == stanza && c.key == key)
            .and_then(|c| c.set_config_command())
    };
    assert_eq!(
        cmd("service", "proto-fd-max").as_deref(),
        Some("set-config:context=service;proto-fd-max=20000")
    );
    assert_eq!(
        cmd("namespace[test]", "default-ttl").as_deref(),
        Some("set-config:context=namespace;id=test;default-ttl=3600")
    );
    assert_eq!(cmd("network.service", "port"), None);
    assert_eq!(
        cmd("namespace[test].storage-engine[device]", "evict-used-pct").as_deref(),
        Some("set-config:context=namespace;id=test;evict-used-pct=70")
    );
    assert_eq!(
        cmd("namespace[test].storage-engine[device]", "device"),
        None
    );
}

#[test]
fn identical_configs_have_no_changes() {
    let a = AerospikeConf::parse(include_str!("fixtures/node1.conf")).unwrap();
    assert!(changed_keys(&a, &a.clone()).is_empty());
}

#[test]
fn only_seed_changes_between_mesh_nodes_are_static() {
    let n1 = AerospikeConf::parse(include_str!("fixtures/node1.conf")).unwrap();
    let n2 = AerospikeConf::parse(include_str!("fixtures/node2.conf")).unwrap();
    let changes = changed_keys(&n1, &n2);
    assert!(
        changes
            .iter()
            .any(|c| c.key == "mesh-seed-address-port" && c.kind == ChangeKind::Static)
    );
    assert!(
        changes.iter().all(|c| c.kind == ChangeKind::Static),
        "{changes:#?}"
    );
}

#[test]
fn heartbeat_interval_command() {
    let old = conf(json!({"network": {"heartbeat": {"interval": 150}}}));
    let new = conf(json!({"network": {"heartbeat": {"interval": 250}}}));
    let changes = changed_keys(&old, &new);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].set_config_command().as_deref(),
        Some("set-config:context=network;heartbeat.interval=250")
    );
}

#[test]
fn set_and_logging_changes() {
    let old = conf(json!({
        "logging": [{"name": "/var/log/a.log", "any": "info"}],
        "namespaces": [{"name": "t", "storage-engine": "memory", "sets": [{"name": "s", "stop-writes-count": 10}]}]
    }));
    let new = conf(json!({
        "logging": [{"name": "/var/log/a.log", "any": "debug"}],
        "namespaces": [{"name": "t", "storage-engine": "memory", "sets": [{"name": "s", "stop-writes-count": 20}]}]
    }));
    let changes = changed_keys(&old, &new);
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_eq!(changes[0].stanza, "logging.file[/var/log/a.log]");
    assert_eq!(changes[0].kind, ChangeKind::Dynamic);
    assert_eq!(
        changes[0].set_config_command(),
        None,
        "logging needs log-set with a sink id"
    );
    assert_eq!(
        changes[1].set_config_command().as_deref(),
        Some("set-config:context=namespace;id=t;set=s;stop-writes-count=20")
    );
}

#[test]
fn geo_and_ap_override_commands() {
    let old = conf(
        json!({"namespaces": [{"name": "t", "write-commit-level-override": "off",
        "geo2dsphere-within": {"max-cells": 12}}]}),
    );
    let new = conf(
        json!({"namespaces": [{"name": "t", "write-commit-level-override": "master",
        "geo2dsphere-within": {"max-cells": 24}}]}),
    );
    let cmds: Vec<Option<String>> = changed_keys(&old, &new)
        .iter()
        .map(|c| c.set_config_command())
        .collect();
    assert_eq!(
        cmds,
        [
            Some(
                "set-config:context=namespace;id=t;write-commit-level-override=master".to_string()
            ),
            Some("set-config:context=namespace;id=t;geo2dsphere-within-max-cells=24".to_string()),
        ]
    );
    assert!(!is_enterprise_only("namespace.write-commit-level-override"));
    assert!(!is_enterprise_only("namespace.disallow-expunge"));
}

#[test]
fn removing_a_dynamic_key_is_static() {
    let old = conf(json!({"service": {"proto-fd-max": 20000}}));
    let new = conf(json!({"service": {}}));
    let changes = changed_keys(&old, &new);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].kind, ChangeKind::Static);
    assert_eq!(changes[0].new, Vec::<String>::new());
}
