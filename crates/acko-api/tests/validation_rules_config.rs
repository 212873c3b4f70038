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
