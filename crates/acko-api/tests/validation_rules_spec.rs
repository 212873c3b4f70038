//! Validation rules for racks, storage, pods, monitoring, operations, templates: each with an
//! accepting and a rejecting case; the rejecting case asserts the path of the error.

mod common;

use acko_api::parse::{Resource, parse_value};
use acko_api::validation::validate_template;
use common::*;

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
    // Exactly the names the rendered pods use (docs/pod-contract.md), plus the old init name.
    for name in [
        "aerospike-server",
        "acko-init",
        "aerospike-prometheus-exporter",
        "aerospike-init",
    ] {
        for field in ["sidecars", "initContainers"] {
            rejects(
                json!({"spec": {"podSpec": { field: [{"name": name, "image": "x:1"}]}}}),
                &format!("spec.podSpec.{field}[0].name"),
            );
        }
    }
    assert_eq!(acko_api::ACKO_INIT_CONTAINER_NAME, "acko-init");
    assert!(acko_api::RESERVED_CONTAINER_NAMES.contains(&acko_api::AEROSPIKE_CONTAINER_NAME));
    accepts(
        json!({"spec": {"podSpec": {"initContainers": [{"name": "acko-init-extra", "image": "x:1"}]}}}),
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
        // Values aerospike.conf cannot hold, caught before a cluster uses the template.
        (
            json!({"aerospikeConfig": {"namespaceDefaults": {"migrate-order": "5{"}}}),
            "spec.aerospikeConfig.namespaceDefaults.migrate-order",
        ),
        (
            json!({"aerospikeConfig": {"service": {"cluster-name": "a\nb"}}}),
            "spec.aerospikeConfig.service.cluster-name",
        ),
        (
            json!({"aerospikeConfig": {"namespaceDefaults": {"index-type": "flash"}}}),
            "spec.aerospikeConfig.namespaceDefaults.index-type",
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

#[test]
fn validated_cluster_needs_a_resolved_valid_cluster() {
    use acko_api::AerospikeCluster;
    use acko_api::validation::ValidatedCluster;
    let cluster = |patch: Value| -> AerospikeCluster {
        let mut doc = base();
        merge(&mut doc, &patch);
        serde_json::from_value(doc).unwrap()
    };
    let ok =
        ValidatedCluster::new(&cluster(json!({"spec": {"image": "aerospike:latest"}}))).unwrap();
    assert_eq!((ok.name(), ok.namespace(), ok.size()), ("demo", "db", 3));
    assert_eq!(ok.warnings().len(), 1, "the unpinned image warning is kept");
    assert_eq!(
        ok.aerospike_config()["service"]["cluster-name"],
        "demo",
        "defaults are applied"
    );
    let err = ValidatedCluster::new(&cluster(json!({"spec": {"size": 10}}))).unwrap_err();
    assert!(err.has_path("spec.size"));
    // A templateRef that was not resolved leaves size and image unknown.
    let unresolved =
        cluster(json!({"spec": {"size": null, "image": null, "templateRef": {"name": "t"}}}));
    let err = ValidatedCluster::new(&unresolved).unwrap_err();
    assert!(
        err.has_path("spec.size") && err.has_path("spec.image"),
        "{err}"
    );
}

fn named(name: &str) -> Value {
    json!({"metadata": {"name": name}})
}

fn error_at(patch: Value, path: &str) -> String {
    let p = problems(patch);
    p.errors()
        .filter(|e| e.path == path)
        .map(|e| format!("{} ({})", e.message, e.hint))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn cluster_name_must_be_a_dns1035_label() {
    accepts(named("a1"));
    rejects(named("1abc"), "metadata.name");
    assert!(error_at(named("1abc"), "metadata.name").contains("DNS-1035"));
    rejects(named("Abc"), "metadata.name");
}

#[test]
fn cluster_name_leaves_room_for_every_derived_name() {
    use acko_api::names;
    // With one rack (id 1) the StatefulSet `<name>-1` must leave room for the
    // controller-revision-hash suffix: 50 characters are the most.
    let rack1 = |name: &str| {
        let mut v = named(name);
        merge(&mut v, &racks(json!([{"id": 1}])));
        v
    };
    accepts(rack1(&"a".repeat(50)));
    let msg = error_at(rack1(&"a".repeat(51)), "metadata.name");
    assert!(msg.contains("StatefulSet") && msg.contains("50"), "{msg}");
    // A 55-character name fails even without racks (implicit rack 0).
    let msg = error_at(named(&"a".repeat(55)), "metadata.name");
    assert!(msg.contains("limit is 50") && msg.contains("52"), "{msg}");
    // The rule is derived from the builders: at the limit every derived name fits.
    for ids in [vec![], vec![1], vec![1, 2, 3], vec![1000]] {
        let (max, _) = names::max_cluster_name_len("db", &ids);
        let name = "a".repeat(max);
        for d in names::derived_names(&name, "db", &ids) {
            assert!(d.name.len() <= d.max_len, "{d:?}");
        }
        let longer = "a".repeat(max + 1);
        assert!(
            names::derived_names(&longer, "db", &ids)
                .iter()
                .any(|d| d.name.len() > d.max_len)
        );
    }
}

#[test]
fn every_reserved_volume_name_is_rejected() {
    for name in acko_api::names::RESERVED_VOLUME_NAMES {
        rejects(
            json!({"spec": {"storage": {"volumes": [
                {"name": name, "source": {"emptyDir": {}}, "aerospike": {"path": "/x"}}]}}}),
            "spec.storage.volumes[0].name",
        );
    }
    assert!(acko_api::names::RESERVED_VOLUME_NAMES.contains(&"acko-run"));
}
