//! Every volume and container the renderer adds to a pod is reserved: validation rejects it as
//! a user volume, sidecar or init container name (one list in `acko_api::names`).

mod common;

use std::collections::BTreeSet;

use acko_api::AerospikeCluster;
use acko_api::validation::validate_cluster;
use common::{load, render_default};

/// Names of the rendered pods' volumes and containers that the user did not declare.
fn operator_names(cluster: &AerospikeCluster) -> (BTreeSet<String>, BTreeSet<String>) {
    let spec = &cluster.spec;
    let mut user_volumes = BTreeSet::new();
    for storage in spec.storage.iter().chain(
        spec.rack_config
            .iter()
            .flat_map(|rc| rc.racks.iter().filter_map(|r| r.storage.as_ref())),
    ) {
        for v in storage.volumes.iter().flatten() {
            user_volumes.insert(v.name.clone());
        }
    }
    let pod = spec.pod_spec.as_ref();
    let user_containers: BTreeSet<String> = pod
        .and_then(|p| p.sidecars.as_ref())
        .into_iter()
        .chain(pod.and_then(|p| p.init_containers.as_ref()))
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    let mut volumes = BTreeSet::new();
    let mut containers = BTreeSet::new();
    for sts in render_default(cluster).stateful_sets {
        let pod = sts.spec.unwrap().template.spec.unwrap();
        for v in pod.volumes.unwrap_or_default() {
            if !user_volumes.contains(&v.name) {
                volumes.insert(v.name);
            }
        }
        for c in pod
            .containers
            .into_iter()
            .chain(pod.init_containers.unwrap_or_default())
        {
            if !user_containers.contains(&c.name) {
                containers.insert(c.name);
            }
        }
    }
    (volumes, containers)
}

#[test]
fn every_rendered_operator_name_is_reserved_and_rejected() {
    // large.yaml has user volumes, sidecars, init containers and the exporter.
    let cluster = load("large.yaml");
    let (volumes, containers) = operator_names(&cluster);
    assert!(volumes.contains("acko-run"), "{volumes:?}");
    assert!(
        containers.contains(acko_api::EXPORTER_CONTAINER_NAME),
        "{containers:?}"
    );
    for name in &volumes {
        assert!(
            acko_api::names::RESERVED_VOLUME_NAMES.contains(&name.as_str()),
            "rendered volume {name} is not reserved"
        );
        let mut c = cluster.clone();
        c.spec
            .storage
            .get_or_insert_with(Default::default)
            .volumes
            .get_or_insert_with(Vec::new)
            .push(
                serde_json::from_value(serde_json::json!({
                    "name": name, "source": {"emptyDir": {}}, "aerospike": {"path": "/reserved"}
                }))
                .unwrap(),
            );
        let problems = validate_cluster(&c);
        assert!(
            problems
                .errors()
                .any(|e| e.path.ends_with(".name") && e.message.contains(name.as_str())),
            "volume {name} was accepted: {problems}"
        );
    }
    for name in &containers {
        assert!(
            acko_api::names::RESERVED_CONTAINER_NAMES.contains(&name.as_str()),
            "rendered container {name} is not reserved"
        );
        for field in ["sidecars", "initContainers"] {
            let mut c = cluster.clone();
            let container: k8s_openapi::api::core::v1::Container =
                serde_json::from_value(serde_json::json!({"name": name, "image": "busybox:1.36"}))
                    .unwrap();
            let pod = c.spec.pod_spec.get_or_insert_with(Default::default);
            let list = if field == "sidecars" {
                &mut pod.sidecars
            } else {
                &mut pod.init_containers
            };
            list.get_or_insert_with(Vec::new).push(container);
            let problems = validate_cluster(&c);
            assert!(
                problems.errors().any(|e| e.path.contains(field)
                    && e.message.contains(name.as_str())
                    && e.message.contains("used by the operator")),
                "{field} {name} was accepted: {problems}"
            );
        }
    }
}
