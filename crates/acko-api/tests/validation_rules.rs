//! Every validation rule with an accepting and a rejecting case; the rejecting case asserts the
//! path of the error. Cases are JSON merge patches over a small valid cluster.

use acko_api::parse::{Resource, parse_value};
use acko_api::validation::{validate_cluster, validate_template};
use acko_api::{Problems, Severity};
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "apiVersion": "acko.io/v1alpha1",
        "kind": "AerospikeCluster",
        "metadata": {"name": "demo", "namespace": "db"},
        "spec": {
            "size": 3,
            "image": "aerospike:ce-8.1.1.1",
            "aerospikeConfig": {"namespaces": [{"name": "test", "replication-factor": 2,
                "storage-engine": {"type": "memory", "data-size": 1073741824}}]}
        }
    })
}

/// RFC 7386 merge patch: objects merge, `null` removes, everything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

fn problems(patch: Value) -> Problems {
    let mut doc = base();
    merge(&mut doc, &patch);
    let parsed = parse_value(1, doc);
    let mut all = parsed.problems.clone();
    match &parsed.resource {
        Some(Resource::Cluster(c)) => all.extend(validate_cluster(c)),
        Some(Resource::Template(t)) => all.extend(validate_template(t)),
        None => {}
    }
    all
}

#[track_caller]
fn accepts(patch: Value) {
    let p = problems(patch.clone());
    assert!(
        !p.has_errors(),
        "expected {patch} to be accepted, got:\n{p}"
    );
}

#[track_caller]
fn rejects(patch: Value, path: &str) {
    let p = problems(patch.clone());
    assert!(
        p.errors().any(|e| e.path == path),
        "expected an error at {path} for {patch}, got:\n{p}"
    );
}

#[track_caller]
fn warns(patch: Value, path: &str) {
    let p = problems(patch.clone());
    assert!(!p.has_errors(), "{p}");
    assert!(
        p.warnings()
            .any(|w| w.path == path && w.severity == Severity::Warning),
        "expected a warning at {path}, got:\n{p}"
    );
}

fn ns(extra: Value) -> Value {
    let mut n = json!({"name": "test", "replication-factor": 2, "storage-engine": {"type": "memory", "data-size": 1073741824}});
    merge(&mut n, &extra);
    json!({"spec": {"aerospikeConfig": {"namespaces": [n]}}})
}

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
fn replication_factor_is_1_to_min_4_size() {
    accepts(ns(json!({"replication-factor": 3})));
    rejects(
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
fn keys_removed_in_server_7_are_rejected() {
    for (key, _) in acko_api::validation::REMOVED_KEYS {
        rejects(
            ns(json!({*key: 1})),
            &format!("spec.aerospikeConfig.namespaces[0].{key}"),
        );
    }
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

fn racks(list: Value) -> Value {
    json!({"spec": {"rackConfig": {"racks": list}}})
}

#[test]
fn rack_ids_are_unique_and_positive() {
    accepts(racks(
        json!([{"id": 1, "zone": "a"}, {"id": 2, "zone": "b"}, {"id": 3, "zone": "c"}]),
    ));
    rejects(
        racks(json!([{"id": 1}, {"id": 1}])),
        "spec.rackConfig.racks",
    );
    rejects(racks(json!([{"id": 0}])), "spec.rackConfig.racks[0].id");
    rejects(
        racks(json!([{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}])),
        "spec.rackConfig.racks",
    );
    rejects(
        racks(json!([{"id": 1, "rackLabel": "x"}, {"id": 2, "rackLabel": "x"}])),
        "spec.rackConfig.racks",
    );
    rejects(
        racks(json!([{"id": 1, "zone": "us east"}])),
        "spec.rackConfig.racks[0].zone",
    );
}

#[test]
fn rack_overrides_are_validated() {
    accepts(racks(
        json!([{"id": 1, "aerospikeConfig": {"service": {"proto-fd-max": 30000}}}]),
    ));
    rejects(
        racks(
            json!([{"id": 1, "aerospikeConfig": {"namespaces": [{"name": "test", "rack-id": 1}]}}]),
        ),
        "spec.rackConfig.racks[0].aerospikeConfig.namespaces[0].rack-id",
    );
    rejects(
        racks(
            json!([{"id": 1, "storage": {"volumes": [{"name": "d", "source": {}, "aerospike": {"path": "/d"}}]}}]),
        ),
        "spec.rackConfig.racks[0].storage.volumes[0].source",
    );
    rejects(
        racks(json!([{"id": 1, "maxUnavailable": "0%"}])),
        "spec.rackConfig.racks[0].maxUnavailable",
    );
}

#[test]
fn batch_sizes_are_int_or_percent() {
    accepts(
        json!({"spec": {"rackConfig": {"rollingUpdateBatchSize": "50%", "scaleDownBatchSize": 1, "maxIgnorablePods": 0}}}),
    );
    accepts(json!({"spec": {"rackConfig": {"maxIgnorablePods": "0%"}}}));
    rejects(
        json!({"spec": {"rackConfig": {"rollingUpdateBatchSize": "150%"}}}),
        "spec.rackConfig.rollingUpdateBatchSize",
    );
    rejects(
        json!({"spec": {"rackConfig": {"rollingUpdateBatchSize": "2"}}}),
        "spec.rackConfig.rollingUpdateBatchSize",
    );
    rejects(
        json!({"spec": {"rackConfig": {"scaleDownBatchSize": 0}}}),
        "spec.rackConfig.scaleDownBatchSize",
    );
    rejects(
        json!({"spec": {"rackConfig": {"maxIgnorablePods": -1}}}),
        "spec.rackConfig.maxIgnorablePods",
    );
    accepts(json!({"spec": {"rollingUpdateBatchSize": 2, "maxUnavailable": "34%"}}));
    rejects(
        json!({"spec": {"rollingUpdateBatchSize": 0}}),
        "spec.rollingUpdateBatchSize",
    );
    rejects(
        json!({"spec": {"maxUnavailable": "many"}}),
        "spec.maxUnavailable",
    );
    warns(
        json!({"spec": {"maxUnavailable": "100%"}}),
        "spec.maxUnavailable",
    );
    warns(
        json!({"spec": {"rollingUpdateBatchSize": 5}}),
        "spec.rollingUpdateBatchSize",
    );
}

fn volume(v: Value) -> Value {
    json!({"spec": {"storage": {"volumes": [v]}}})
}

fn pv(extra: Value) -> Value {
    let mut v = json!({"name": "data", "source": {"persistentVolume": {"size": "10Gi"}}, "aerospike": {"path": "/opt/aerospike/data"}});
    merge(&mut v, &extra);
    volume(v)
}

#[test]
fn storage_needs_exactly_one_source() {
    accepts(pv(json!({})));
    accepts(volume(
        json!({"name": "scratch", "source": {"emptyDir": {}}, "aerospike": {"path": "/scratch"}}),
    ));
    rejects(
        volume(json!({"name": "d", "source": {}, "aerospike": {"path": "/d"}})),
        "spec.storage.volumes[0].source",
    );
    rejects(
        pv(json!({"source": {"emptyDir": {}}})),
        "spec.storage.volumes[0].source",
    );
}

#[test]
fn storage_paths_are_absolute_and_free() {
    rejects(
        pv(json!({"aerospike": {"path": "data"}})),
        "spec.storage.volumes[0].aerospike.path",
    );
    rejects(
        pv(json!({"aerospike": {"path": "/etc/aerospike"}})),
        "spec.storage.volumes[0].aerospike.path",
    );
    rejects(
        pv(json!({"aerospike": {"subPath": "a", "subPathExpr": "$(POD_NAME)"}})),
        "spec.storage.volumes[0].aerospike.subPathExpr",
    );
    rejects(
        pv(json!({"aerospike": {"subPath": "../x"}})),
        "spec.storage.volumes[0].aerospike.subPath",
    );
    let two = json!({"spec": {"storage": {"volumes": [
        {"name": "a", "source": {"emptyDir": {}}, "aerospike": {"path": "/x"}},
        {"name": "a", "source": {"emptyDir": {}}, "aerospike": {"path": "/x"}}]}}});
    let p = problems(two);
    assert!(
        p.errors()
            .any(|e| e.path == "spec.storage.volumes" && e.message.contains("duplicate")),
        "{p}"
    );
    assert!(
        p.errors()
            .any(|e| e.path == "spec.storage.volumes[1].aerospike.path"),
        "{p}"
    );
}

#[test]
fn block_methods_need_block_persistent_volumes() {
    accepts(pv(
        json!({"source": {"persistentVolume": {"volumeMode": "Block"}}, "aerospike": {"path": "/dev/data"}, "initMethod": "blkdiscard", "wipeMethod": "blkdiscardWithHeaderCleanup"}),
    ));
    accepts(pv(json!({"initMethod": "deleteFiles"})));
    rejects(
        pv(json!({"initMethod": "dd"})),
        "spec.storage.volumes[0].initMethod",
    );
    rejects(
        volume(
            json!({"name": "s", "source": {"emptyDir": {}}, "aerospike": {"path": "/s"}, "wipeMethod": "headerCleanup"}),
        ),
        "spec.storage.volumes[0].wipeMethod",
    );
    rejects(
        pv(
            json!({"source": {"persistentVolume": {"volumeMode": "Block"}}, "initMethod": "deleteFiles"}),
        ),
        "spec.storage.volumes[0].initMethod",
    );
    rejects(
        pv(
            json!({"source": {"persistentVolume": {"volumeMode": "Block"}}, "aerospike": {"subPath": "x"}}),
        ),
        "spec.storage.volumes[0].aerospike.subPath",
    );
    rejects(
        json!({"spec": {"storage": {"blockVolumePolicy": {"initMethod": "deleteFiles"}}}}),
        "spec.storage.blockVolumePolicy.initMethod",
    );
}

#[test]
fn persistent_volume_size_and_modes() {
    rejects(
        pv(json!({"source": {"persistentVolume": {"size": "0"}}})),
        "spec.storage.volumes[0].source.persistentVolume.size",
    );
    rejects(
        pv(json!({"source": {"persistentVolume": {"size": "lots"}}})),
        "spec.storage.volumes[0].source.persistentVolume.size",
    );
    rejects(
        pv(json!({"source": {"persistentVolume": {"accessModes": ["RWO"]}}})),
        "spec.storage.volumes[0].source.persistentVolume.accessModes[0]",
    );
    warns(
        volume(
            json!({"name": "s", "source": {"emptyDir": {}}, "aerospike": {"path": "/s"}, "cascadeDelete": true}),
        ),
        "spec.storage.volumes[0].cascadeDelete",
    );
}

#[test]
fn local_storage_and_attachments() {
    accepts(
        json!({"spec": {"storage": {"localStorageClasses": ["local-path"], "deleteLocalStorageOnRestart": true}}}),
    );
    rejects(
        json!({"spec": {"storage": {"deleteLocalStorageOnRestart": true}}}),
        "spec.storage.deleteLocalStorageOnRestart",
    );
    let mut with_sidecar =
        pv(json!({"sidecars": [{"containerName": "backup", "path": "/backup"}]}));
    merge(
        &mut with_sidecar,
        &json!({"spec": {"podSpec": {"sidecars": [{"name": "backup", "image": "busybox:1.36"}]}}}),
    );
    accepts(with_sidecar);
    rejects(
        pv(json!({"sidecars": [{"containerName": "ghost", "path": "/backup"}]})),
        "spec.storage.volumes[0].sidecars[0].containerName",
    );
}

#[test]
fn storage_engine_devices_match_block_volumes() {
    let mut ok = pv(
        json!({"source": {"persistentVolume": {"volumeMode": "Block"}}, "aerospike": {"path": "/dev/data"}}),
    );
    merge(
        &mut ok,
        &ns(json!({"storage-engine": {"type": "device", "devices": ["/dev/data"]}})),
    );
    accepts(ok);
    rejects(
        ns(json!({"storage-engine": {"type": "device", "devices": ["/dev/sdb"]}})),
        "spec.aerospikeConfig.namespaces[0].storage-engine.devices[0]",
    );
    warns(
        ns(
            json!({"storage-engine": {"type": "device", "files": ["/tmp/t.dat"], "filesize": 1073741824}}),
        ),
        "spec.aerospikeConfig.namespaces[0].storage-engine.files[0]",
    );
}

#[test]
fn pod_spec_rules() {
    accepts(
        json!({"spec": {"podSpec": {"hostNetwork": true, "dnsPolicy": "ClusterFirstWithHostNet", "sidecars": [{"name": "agent", "image": "busybox:1.36"}]}}}),
    );
    rejects(
        json!({"spec": {"podSpec": {"dnsPolicy": "Weird"}}}),
        "spec.podSpec.dnsPolicy",
    );
    rejects(
        json!({"spec": {"podSpec": {"sidecars": [{"name": "aerospike-server", "image": "x:1"}]}}}),
        "spec.podSpec.sidecars[0].name",
    );
    rejects(
        json!({"spec": {"podSpec": {"initContainers": [{"name": "prep"}]}}}),
        "spec.podSpec.initContainers[0].image",
    );
    rejects(
        json!({"spec": {"podSpec": {"sidecars": [{"name": "a", "image": "x:1"}], "initContainers": [{"name": "a", "image": "x:1"}]}}}),
        "spec.podSpec",
    );
    rejects(
        json!({"spec": {"podSpec": {"metadata": {"labels": {"a": "-b"}}}}}),
        "spec.podSpec.metadata.labels.a",
    );
    warns(
        json!({"spec": {"podSpec": {"hostNetwork": true, "multiPodPerHost": true}}}),
        "spec.podSpec.multiPodPerHost",
    );
    warns(
        json!({"spec": {"podSpec": {"hostNetwork": true, "dnsPolicy": "ClusterFirst"}}}),
        "spec.podSpec.dnsPolicy",
    );
}

#[test]
fn monitoring_rules() {
    accepts(
        json!({"spec": {"monitoring": {"enabled": true, "port": 9145, "metricLabels": {"team": "db"},
        "serviceMonitor": {"enabled": true, "interval": "1m30s"},
        "prometheusRule": {"enabled": true, "customRules": [{"name": "g", "rules": [{"alert": "Down", "expr": "up == 0"}]}]}}}}),
    );
    rejects(
        json!({"spec": {"monitoring": {"enabled": true, "port": 3001}}}),
        "spec.monitoring.port",
    );
    rejects(
        json!({"spec": {"monitoring": {"metricLabels": {"bad-key": "x"}}}}),
        "spec.monitoring.metricLabels.bad-key",
    );
    rejects(
        json!({"spec": {"monitoring": {"metricLabels": {"k": "a,b"}}}}),
        "spec.monitoring.metricLabels.k",
    );
    rejects(
        json!({"spec": {"monitoring": {"serviceMonitor": {"interval": "30"}}}}),
        "spec.monitoring.serviceMonitor.interval",
    );
    rejects(
        json!({"spec": {"monitoring": {"prometheusRule": {"customRules": [{"name": "g"}]}}}}),
        "spec.monitoring.prometheusRule.customRules[0].rules",
    );
    rejects(
        json!({"spec": {"monitoring": {"prometheusRule": {"customRules": [{"rules": [{"alert": "A", "expr": "1"}]}]}}}}),
        "spec.monitoring.prometheusRule.customRules[0].name",
    );
    rejects(
        json!({"spec": {"monitoring": {"prometheusRule": {"customRules": [{"name": "g", "rules": [{"alert": "A"}]}]}}}}),
        "spec.monitoring.prometheusRule.customRules[0].rules[0].expr",
    );
    warns(
        json!({"spec": {"monitoring": {"serviceMonitor": {"enabled": true}}}}),
        "spec.monitoring.serviceMonitor.enabled",
    );
    warns(
        json!({"spec": {"monitoring": {"enabled": true, "exporterImage": "aerospike/aerospike-prometheus-exporter:latest"}}}),
        "spec.monitoring.exporterImage",
    );
}

#[test]
fn operations_rules() {
    accepts(
        json!({"spec": {"operations": [{"kind": "WarmRestart", "id": "restart-1", "podList": ["demo-0-0"]}]}}),
    );
    rejects(
        json!({"spec": {"operations": [{"kind": "WarmRestart", "id": "a"}, {"kind": "PodRestart", "id": "b"}]}}),
        "spec.operations",
    );
    rejects(
        json!({"spec": {"operations": [{"kind": "PodRestart", "id": "x".repeat(21)}]}}),
        "spec.operations[0].id",
    );
    rejects(
        json!({"spec": {"operations": [{"kind": "PodRestart", "id": ""}]}}),
        "spec.operations[0].id",
    );
    rejects(
        json!({"spec": {"operations": [{"kind": "Reboot", "id": "a"}]}}),
        "spec.operations[0].kind",
    );
    rejects(
        json!({"spec": {"operations": [{"kind": "PodRestart", "id": "a", "podList": ["p", "p"]}]}}),
        "spec.operations[0].podList",
    );
}

#[test]
fn access_control_is_refused_on_community_edition() {
    rejects(
        json!({"spec": {"aerospikeAccessControl": {"users": [{"name": "admin", "secretName": "pw", "roles": ["sys-admin"]}]}}}),
        "spec.aerospikeAccessControl",
    );
    let p = problems(json!({"spec": {"aerospikeAccessControl": {}}}));
    let e = p.errors().next().unwrap();
    assert!(
        !e.hint.contains("security {"),
        "never advise a security stanza: {e}"
    );
}

#[test]
fn template_ref_and_overrides() {
    accepts(
        json!({"spec": {"templateRef": {"name": "standard"}, "overrides": {"size": 4, "image": "aerospike:ce-8.1.1.1"}}}),
    );
    rejects(
        json!({"spec": {"overrides": {"size": 4}}}),
        "spec.overrides",
    );
    rejects(
        json!({"spec": {"templateRef": {"name": "standard"}, "overrides": {"size": 9}}}),
        "spec.overrides.size",
    );
    rejects(
        json!({"spec": {"templateRef": {"name": "standard"}, "overrides": {"image": "aerospike:ee-8.1.0.0"}}}),
        "spec.overrides.image",
    );
    rejects(
        json!({"spec": {"templateRef": {"name": "Not Valid"}}}),
        "spec.templateRef.name",
    );
}

#[test]
fn metadata_and_node_block_list() {
    accepts(json!({"spec": {"k8sNodeBlockList": ["node-1", "node-2"]}}));
    rejects(
        json!({"spec": {"k8sNodeBlockList": ["node-1", "node-1"]}}),
        "spec.k8sNodeBlockList",
    );
    rejects(json!({"metadata": {"name": "Demo"}}), "metadata.name");
    rejects(
        json!({"metadata": {"name": "a".repeat(60)}}),
        "metadata.name",
    );
    rejects(json!({"metadata": {"name": null}}), "metadata.name");
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

fn template(spec: Value) -> Value {
    json!({"apiVersion": "acko.io/v1alpha1", "kind": "AerospikeClusterTemplate", "metadata": {"name": "t", "namespace": null}, "spec": spec})
}

fn template_problems(spec: Value) -> Problems {
    let parsed = parse_value(1, template(spec));
    let mut all = parsed.problems.clone();
    if let Some(Resource::Template(t)) = &parsed.resource {
        all.extend(validate_template(t));
    }
    all
}

#[test]
fn template_rules() {
    let ok = template_problems(json!({"image": "aerospike:ce-8.1.1.1", "size": 3,
        "aerospikeConfig": {"namespaceDefaults": {"replication-factor": 2}, "network": {"heartbeat": {"mode": "mesh"}}},
        "storage": {"storageClassName": "gp3", "resources": {"requests": {"storage": "10Gi"}}}}));
    assert!(ok.is_empty(), "{ok}");
    let cases = [
        (json!({"size": 0}), "spec.size"),
        (json!({"image": "aerospike:ce-6.0.0.0"}), "spec.image"),
        (json!({"description": "x".repeat(501)}), "spec.description"),
        (
            json!({"aerospikeConfig": {"namespaceDefaults": {"strong-consistency": true}}}),
            "spec.aerospikeConfig.namespaceDefaults.strong-consistency",
        ),
        (
            json!({"aerospikeConfig": {"service": {"migrate-fill-delay": 0}}}),
            "spec.aerospikeConfig.service.migrate-fill-delay",
        ),
        (
            json!({"aerospikeConfig": {"network": {"heartbeat": {"mode": "multicast"}}}}),
            "spec.aerospikeConfig.network.heartbeat.mode",
        ),
        (
            json!({"aerospikeConfig": {"network": {"heartbeat": {"port": 4000}}}}),
            "spec.aerospikeConfig.network.heartbeat.port",
        ),
        (
            json!({"storage": {"resources": {"requests": {"storage": "0"}}}}),
            "spec.storage.resources.requests.storage",
        ),
        (
            json!({"rackConfig": {"maxRacksPerNode": -1}}),
            "spec.rackConfig.maxRacksPerNode",
        ),
        (
            json!({"scheduling": {"podAntiAffinityLevel": "sometimes"}}),
            "spec.scheduling.podAntiAffinityLevel",
        ),
    ];
    for (spec, path) in cases {
        let p = template_problems(spec.clone());
        assert!(
            p.errors().any(|e| e.path == path),
            "expected {path} for {spec}: {p}"
        );
    }
    let w = template_problems(json!({"storage": {"localPVRequired": true}}));
    assert!(
        !w.has_errors() && w.has_path("spec.storage.localPVRequired"),
        "{w}"
    );
}
