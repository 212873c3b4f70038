//! Every validation rule with an accepting and a rejecting case; the rejecting case asserts the
//! path of the error. Cases are JSON merge patches over a small valid cluster.

mod common;

use common::*;

#[test]
fn base_cluster_is_clean() {
    assert!(problems(json!({})).is_empty(), "{}", problems(json!({})));
}

#[test]
fn size_is_1_to_8_and_required_without_template() {
    accepts(json!({"spec": {"size": 8}}));
    accepts(
        json!({"spec": {"size": 1, "aerospikeConfig": {"namespaces": [{"name": "test", "replication-factor": 1}]}}}),
    );
    rejects(json!({"spec": {"size": 9}}), "spec.size");
    rejects(json!({"spec": {"size": 0}}), "spec.size");
    rejects(json!({"spec": {"size": null}}), "spec.size");
    accepts(json!({"spec": {"size": null, "image": null, "templateRef": {"name": "standard"}}}));
}

#[test]
fn image_is_required_community_and_at_least_8() {
    accepts(json!({"spec": {"image": "registry.example.com/aerospike:ce-8.0.0.7"}}));
    rejects(json!({"spec": {"image": null}}), "spec.image");
    rejects(
        json!({"spec": {"image": "aerospike/aerospike-server-enterprise:8.1.0.0"}}),
        "spec.image",
    );
    rejects(
        json!({"spec": {"image": "aerospike:ee-8.1.1.1"}}),
        "spec.image",
    );
    rejects(
        json!({"spec": {"image": "aerospike:ce-7.2.0.6"}}),
        "spec.image",
    );
    warns(json!({"spec": {"image": "aerospike:latest"}}), "spec.image");
    warns(json!({"spec": {"image": "aerospike"}}), "spec.image");
}

#[test]
fn at_most_two_namespaces() {
    accepts(json!({"spec": {"aerospikeConfig": {"namespaces": [{"name": "a"}, {"name": "b"}]}}}));
    rejects(
        json!({"spec": {"aerospikeConfig": {"namespaces": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}}}),
        "spec.aerospikeConfig.namespaces",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"namespaces": [{"name": "a"}, {"name": "a"}]}}}),
        "spec.aerospikeConfig.namespaces",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"namespaces": [{"replication-factor": 1}]}}}),
        "spec.aerospikeConfig.namespaces[0].name",
    );
}

#[test]
fn replication_factor_is_1_to_4_and_above_size_is_a_warning() {
    accepts(ns(json!({"replication-factor": 3})));
    warns(
        ns(json!({"replication-factor": 4})),
        "spec.aerospikeConfig.namespaces[0].replication-factor",
    );
    rejects(
        ns(json!({"replication-factor": 0})),
        "spec.aerospikeConfig.namespaces[0].replication-factor",
    );
    let mut big = ns(json!({"replication-factor": 5}));
    merge(&mut big, &json!({"spec": {"size": 8}}));
    rejects(big, "spec.aerospikeConfig.namespaces[0].replication-factor");
}

#[test]
fn enterprise_only_sections_and_keys_are_rejected() {
    accepts(json!({"spec": {"aerospikeConfig": {"service": {"proto-fd-max": 20000}}}}));
    for section in ["security", "xdr", "tls"] {
        rejects(
            json!({"spec": {"aerospikeConfig": {section: {}}}}),
            &format!("spec.aerospikeConfig.{section}"),
        );
    }
    for key in acko_api::validation::EE_ONLY_NAMESPACE_KEYS {
        rejects(
            ns(json!({*key: true})),
            &format!("spec.aerospikeConfig.namespaces[0].{key}"),
        );
    }
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"tls": {"name": "x"}}}}}),
        "spec.aerospikeConfig.network.tls",
    );
    rejects(
        ns(
            json!({"storage-engine": {"type": "memory", "data-size": 1073741824, "encryption-key-file": "/k"}}),
        ),
        "spec.aerospikeConfig.namespaces[0].storage-engine.encryption-key-file",
    );
}

#[test]
fn enterprise_keys_come_from_aerospike_conf_knowledge() {
    // Keys acko-api's own list used to miss.
    for key in [
        "conflict-resolve-writes",
        "ignore-migrate-fill-delay",
        "xdr-bin-tombstone-ttl",
        "xdr-tomb-raider-period",
        "xdr-tomb-raider-threads",
    ] {
        assert!(aerospike_conf::is_enterprise_only(&format!(
            "namespace.{key}"
        )));
        rejects(
            ns(json!({key: 1})),
            &format!("spec.aerospikeConfig.namespaces[0].{key}"),
        );
    }
    for key in ["stay-quiesced", "vault-url", "secrets-address-port"] {
        rejects(
            json!({"spec": {"aerospikeConfig": {"service": {key: "x"}}}}),
            &format!("spec.aerospikeConfig.service.{key}"),
        );
    }
    // Not config keys: no longer reported as Enterprise-only.
    accepts(ns(json!({"durable-delete": true, "fast-restart": true})));
}

#[test]
fn compression_is_a_storage_engine_key() {
    for key in ["compression", "compression-level"] {
        rejects(
            ns(json!({"storage-engine": {"type": "memory", "data-size": 1073741824, key: "zstd"}})),
            &format!("spec.aerospikeConfig.namespaces[0].storage-engine.{key}"),
        );
        // Written at namespace level: rejected there, with a message that says where it belongs.
        let path = format!("spec.aerospikeConfig.namespaces[0].{key}");
        rejects(ns(json!({key: "zstd"})), &path);
        let p = problems(ns(json!({key: "zstd"})));
        let e = p.errors().find(|e| e.path == path).unwrap();
        assert!(e.message.contains("storage-engine key"), "{p}");
    }
}

#[test]
fn keys_removed_in_server_7_are_rejected() {
    for r in acko_api::validation::REMOVED_CONFIG_KEYS {
        let patch = match r.context {
            "namespace" => ns(json!({r.key: 1})),
            "namespace.storage-engine" => {
                ns(json!({"storage-engine": {"type": "memory", "data-size": 1073741824, r.key: 1}}))
            }
            other => panic!("no test for context {other}"),
        };
        let path = match r.context {
            "namespace" => format!("spec.aerospikeConfig.namespaces[0].{}", r.key),
            _ => format!(
                "spec.aerospikeConfig.namespaces[0].storage-engine.{}",
                r.key
            ),
        };
        rejects(patch, &path);
    }
    assert_eq!(
        acko_api::validation::REMOVED_KEYS.len(),
        acko_api::validation::REMOVED_CONFIG_KEYS.len()
    );
}

#[test]
fn default_ttl_needs_nsup() {
    let path = "spec.aerospikeConfig.namespaces[0].default-ttl";
    accepts(ns(json!({"default-ttl": 0})));
    accepts(ns(json!({"default-ttl": 3600, "nsup-period": 120})));
    accepts(ns(json!({"default-ttl": "30d", "nsup-period": "1m"})));
    accepts(ns(
        json!({"default-ttl": 3600, "allow-ttl-without-nsup": true}),
    ));
    rejects(ns(json!({"default-ttl": 3600})), path);
    rejects(ns(json!({"default-ttl": "30d", "nsup-period": 0})), path);
    rejects(
        ns(json!({"default-ttl": 60, "allow-ttl-without-nsup": false})),
        path,
    );
    // The second namespace is checked on its own.
    rejects(
        json!({"spec": {"aerospikeConfig": {"namespaces": [
            {"name": "a", "default-ttl": 60, "nsup-period": 60},
            {"name": "b", "default-ttl": 60}]}}}),
        "spec.aerospikeConfig.namespaces[1].default-ttl",
    );
}

#[test]
fn default_ttl_needs_nsup_in_rack_overrides() {
    let racks = |cluster_ns: Value, rack_ns: Value| {
        json!({"spec": {
            "aerospikeConfig": {"namespaces": [cluster_ns]},
            "rackConfig": {"racks": [{"id": 1}, {"id": 2, "aerospikeConfig": {"namespaces": [rack_ns]}}]}
        }})
    };
    let ns = |extra: Value| {
        let mut n = json!({"name": "test", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824}});
        merge(&mut n, &extra);
        n
    };
    // The cluster's nsup-period covers a TTL set by the rack.
    accepts(racks(
        ns(json!({"nsup-period": 120})),
        json!({"name": "test", "default-ttl": 3600}),
    ));
    rejects(
        racks(ns(json!({})), json!({"name": "test", "default-ttl": 3600})),
        "spec.rackConfig.racks[1].aerospikeConfig.namespaces[0].default-ttl",
    );
    rejects(
        racks(
            ns(json!({"default-ttl": 3600, "nsup-period": 120})),
            json!({"name": "test", "nsup-period": 0}),
        ),
        "spec.rackConfig.racks[1].aerospikeConfig.namespaces[0].nsup-period",
    );
    // Broken at cluster level: one error, on spec.aerospikeConfig.
    let p = problems(racks(
        ns(json!({"default-ttl": 3600})),
        json!({"name": "test", "replication-factor": 1}),
    ));
    let errors: Vec<_> = p.errors().map(|e| e.path.as_str()).collect();
    assert_eq!(
        errors,
        ["spec.aerospikeConfig.namespaces[0].default-ttl"],
        "{p}"
    );
}

#[test]
fn config_structure() {
    accepts(
        json!({"spec": {"aerospikeConfig": {"logging": [{"name": "console", "any": "info"}], "mod-lua": {"user-path": "/opt/aerospike/usr/udf/lua"}}}}),
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"namespace": [{"name": "x"}]}}}),
        "spec.aerospikeConfig.namespace",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"logging": {"console": {}}}}}),
        "spec.aerospikeConfig.logging",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"logging": [{"any": "info"}]}}}),
        "spec.aerospikeConfig.logging[0].name",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"service": "x"}}}),
        "spec.aerospikeConfig.service",
    );
}

#[test]
fn heartbeat_mode_must_be_mesh() {
    accepts(
        json!({"spec": {"aerospikeConfig": {"network": {"heartbeat": {"mode": "mesh", "interval": 150, "timeout": 10}}}}}),
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"heartbeat": {"mode": "multicast"}}}}}),
        "spec.aerospikeConfig.network.heartbeat.mode",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"heartbeat": {"interval": 0}}}}}),
        "spec.aerospikeConfig.network.heartbeat.interval",
    );
}

#[test]
fn ports_are_the_fixed_aerospike_ports() {
    accepts(
        json!({"spec": {"aerospikeConfig": {"network": {"service": {"port": 3000}, "fabric": {"port": 3001}, "heartbeat": {"port": 3002}, "admin": {"port": 3003}}}}}),
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"service": {"port": 4000}}}}}),
        "spec.aerospikeConfig.network.service.port",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"fabric": {"port": 3002}}}}}),
        "spec.aerospikeConfig.network.fabric.port",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"heartbeat": {"port": "3002"}}}}}),
        "spec.aerospikeConfig.network.heartbeat.port",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"service": {"tls-port": 4333}}}}}),
        "spec.aerospikeConfig.network.service.tls-port",
    );
}

#[test]
fn configured_ip_requires_network_names() {
    accepts(
        json!({"spec": {"aerospikeNetworkPolicy": {"accessType": "configuredIP", "customAccessNetworkNames": ["net-a"]}}}),
    );
    rejects(
        json!({"spec": {"aerospikeNetworkPolicy": {"accessType": "configuredIP"}}}),
        "spec.aerospikeNetworkPolicy.customAccessNetworkNames",
    );
    rejects(
        json!({"spec": {"aerospikeNetworkPolicy": {"alternateAccessType": "configuredIP", "customAlternateAccessNetworkNames": []}}}),
        "spec.aerospikeNetworkPolicy.customAlternateAccessNetworkNames",
    );
    rejects(
        json!({"spec": {"aerospikeNetworkPolicy": {"fabricType": "configuredIP"}}}),
        "spec.aerospikeNetworkPolicy.customFabricNetworkNames",
    );
    rejects(
        json!({"spec": {"aerospikeNetworkPolicy": {"fabricType": "nodeIP"}}}),
        "spec.aerospikeNetworkPolicy.fabricType",
    );
    warns(
        json!({"spec": {"aerospikeNetworkPolicy": {"accessType": "pod", "customAccessNetworkNames": ["x"]}}}),
        "spec.aerospikeNetworkPolicy.customAccessNetworkNames",
    );
}

#[test]
fn host_fabric_needs_host_network() {
    for ty in ["hostInternal", "hostExternal"] {
        accepts(
            json!({"spec": {"aerospikeNetworkPolicy": {"fabricType": ty}, "podSpec": {"hostNetwork": true, "dnsPolicy": "ClusterFirstWithHostNet"}}}),
        );
        rejects(
            json!({"spec": {"aerospikeNetworkPolicy": {"fabricType": ty}}}),
            "spec.aerospikeNetworkPolicy.fabricType",
        );
        rejects(
            json!({"spec": {"aerospikeNetworkPolicy": {"fabricType": ty}, "podSpec": {"hostNetwork": false}}}),
            "spec.aerospikeNetworkPolicy.fabricType",
        );
        let p = problems(json!({"spec": {"aerospikeNetworkPolicy": {"fabricType": ty}}}));
        let e = p
            .errors()
            .find(|e| e.path == "spec.aerospikeNetworkPolicy.fabricType")
            .unwrap();
        assert!(
            e.hint.contains("fabricType: pod") && e.hint.contains("hostNetwork: true"),
            "{p}"
        );
    }
    // A template's fabricType, overridden by the cluster: same rule.
    rejects(
        json!({"spec": {"size": null, "image": null, "templateRef": {"name": "t"}, "overrides": {"aerospikeNetworkPolicy": {"fabricType": "hostInternal"}}}}),
        "spec.overrides.aerospikeNetworkPolicy.fabricType",
    );
    accepts(
        json!({"spec": {"size": null, "image": null, "templateRef": {"name": "t"}, "podSpec": {"hostNetwork": true}, "overrides": {"aerospikeNetworkPolicy": {"fabricType": "hostInternal"}}}}),
    );
    // Host addresses for clients do not need host networking (they are advertised, not bound).
    accepts(
        json!({"spec": {"aerospikeNetworkPolicy": {"accessType": "hostExternal", "alternateAccessType": "hostInternal", "fabricType": "pod"}}}),
    );
}

#[test]
fn load_balancer_rules() {
    accepts(
        json!({"spec": {"seedsFinderServices": {"loadBalancer": {"externalTrafficPolicy": "Cluster", "loadBalancerSourceRanges": ["10.0.0.0/8", "2001:db8::/32"]}}}}),
    );
    rejects(
        json!({"spec": {"seedsFinderServices": {"loadBalancer": {"loadBalancerSourceRanges": ["10.0.0.0/33"]}}}}),
        "spec.seedsFinderServices.loadBalancer.loadBalancerSourceRanges[0]",
    );
    rejects(
        json!({"spec": {"seedsFinderServices": {"loadBalancer": {"loadBalancerSourceRanges": ["10.0.0.0/8", "office"]}}}}),
        "spec.seedsFinderServices.loadBalancer.loadBalancerSourceRanges[1]",
    );
    rejects(
        json!({"spec": {"seedsFinderServices": {"loadBalancer": {"externalTrafficPolicy": "local"}}}}),
        "spec.seedsFinderServices.loadBalancer.externalTrafficPolicy",
    );
    rejects(
        json!({"spec": {"seedsFinderServices": {"loadBalancer": {"port": 70000}}}}),
        "spec.seedsFinderServices.loadBalancer.port",
    );
    rejects(
        json!({"spec": {"seedsFinderServices": {"loadBalancer": {"labels": {"env": "not valid!"}}}}}),
        "spec.seedsFinderServices.loadBalancer.labels.env",
    );
    warns(
        json!({"spec": {"seedsFinderServices": {"loadBalancer": {"targetPort": 3001}}}}),
        "spec.seedsFinderServices.loadBalancer.targetPort",
    );
}

#[test]
fn bandwidth_values_parse() {
    accepts(json!({"spec": {"bandwidthConfig": {"ingress": "1Gbps", "egress": "100M"}}}));
    rejects(
        json!({"spec": {"bandwidthConfig": {"egress": "fast"}}}),
        "spec.bandwidthConfig.egress",
    );
    rejects(
        json!({"spec": {"bandwidthConfig": {"ingress": "100MBps"}}}),
        "spec.bandwidthConfig.ingress",
    );
}

#[test]
fn service_metadata_rules() {
    accepts(
        json!({"spec": {"headlessService": {"metadata": {"labels": {"team": "platform"}}}, "podService": {"serviceType": "NodePort"}}}),
    );
    rejects(
        json!({"spec": {"headlessService": {"metadata": {"labels": {"team": "plat form"}}}}}),
        "spec.headlessService.metadata.labels.team",
    );
    rejects(
        json!({"spec": {"podService": {"metadata": {"annotations": {"bad key": "x"}}}}}),
        "spec.podService.metadata.annotations.bad key",
    );
    rejects(
        json!({"spec": {"podService": {"serviceType": "ExternalName"}}}),
        "spec.podService.serviceType",
    );
}

#[test]
fn unknown_fields_and_type_errors_have_paths() {
    rejects(json!({"spec": {"sizee": 3}}), "spec.sizee");
    rejects(
        json!({"spec": {"podSpec": {"hostNetwrk": true}}}),
        "spec.podSpec.hostNetwrk",
    );
    rejects(
        json!({"spec": {"storage": {"volumes": [{"name": "d", "source": {"persistentVolume": {}}}]}}}),
        "spec.storage.volumes[0].source.persistentVolume",
    );
    rejects(json!({"spec": {"size": "three"}}), "spec.size");
}

#[test]
fn per_node_keys_cannot_be_cluster_wide() {
    accepts(json!({"spec": {"aerospikeConfig": {"network": {"service": {"address": "any"}}}}}));
    rejects(
        json!({"spec": {"aerospikeConfig": {"network": {"service": {"access-address": "10.0.0.5"}}}}}),
        "spec.aerospikeConfig.network.service.access-address",
    );
    rejects(
        json!({"spec": {"aerospikeConfig": {"service": {"node-id": "a1"}}}}),
        "spec.aerospikeConfig.service.node-id",
    );
}

#[test]
fn logging_defaults_to_the_console_and_container_unfriendly_sinks_warn() {
    use acko_api::defaults::with_defaults;
    let cluster: acko_api::AerospikeCluster = serde_json::from_value(base()).unwrap();
    let defaulted = with_defaults(&cluster);
    assert_eq!(
        defaulted.spec.aerospike_config.as_ref().unwrap()["logging"],
        json!([{"name": "console", "any": "info"}])
    );
    // A user's logging is kept as given.
    let mut own = base();
    merge(
        &mut own,
        &json!({"spec": {"aerospikeConfig": {"logging": [{"name": "console", "any": "warning"}]}}}),
    );
    let own: acko_api::AerospikeCluster = serde_json::from_value(own).unwrap();
    assert_eq!(
        with_defaults(&own).spec.aerospike_config.unwrap()["logging"],
        json!([{"name": "console", "any": "warning"}])
    );
    warns(
        json!({"spec": {"aerospikeConfig": {"logging": [
            {"name": "console", "any": "info"},
            {"name": "/var/log/aerospike/aerospike.log", "any": "info"}]}}}),
        "spec.aerospikeConfig.logging[1].name",
    );
    warns(
        json!({"spec": {"aerospikeConfig": {"logging": [{"name": "syslog", "any": "info"}]}}}),
        "spec.aerospikeConfig.logging",
    );
    // A file on a volume is fine.
    let on_volume = problems(json!({"spec": {
        "storage": {"volumes": [{"name": "logs", "source": {"emptyDir": {}}, "aerospike": {"path": "/var/log/aerospike"}}]},
        "aerospikeConfig": {"logging": [
            {"name": "console", "any": "info"},
            {"name": "/var/log/aerospike/aerospike.log", "any": "info"}]}}}));
    assert!(on_volume.is_empty(), "{on_volume}");
}
