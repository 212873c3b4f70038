//! Update rules (old → new), each with an accepted and a rejected change.

use acko_api::parse::{Resource, parse_documents};
use acko_api::update::validate_update;
use acko_api::{AerospikeCluster, OperationKind, OperationPhase, OperationSpec, OperationStatus};

fn cluster(spec_yaml: &str) -> AerospikeCluster {
    let text = format!(
        "apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata:\n  name: demo\nspec:\n  size: 4\n  image: aerospike:ce-8.1.1.1\n{spec_yaml}"
    );
    let docs = parse_documents(&text).unwrap();
    assert!(docs[0].problems.is_empty(), "{}", docs[0].problems);
    match docs[0].resource.clone() {
        Some(Resource::Cluster(c)) => *c,
        _ => panic!("not a cluster"),
    }
}

const STORAGE: &str = "  storage:\n    volumes:\n      - name: data\n        source:\n          persistentVolume:\n            size: 10Gi\n        aerospike:\n          path: /opt/aerospike/data\n";

#[test]
fn unchanged_and_harmless_changes_are_accepted() {
    let old = cluster(STORAGE);
    assert!(validate_update(&old, &old).is_empty());
    let mut new = old.clone();
    new.spec.size = Some(5);
    new.spec.image = Some("aerospike:ce-8.1.2.0".into());
    assert!(validate_update(&old, &new).is_empty());
    // Non-persistent volumes may change.
    let old = cluster(
        "  storage:\n    volumes:\n      - name: s\n        source:\n          emptyDir: {}\n        aerospike:\n          path: /s\n",
    );
    let new = cluster(
        "  storage:\n    volumes:\n      - name: t\n        source:\n          emptyDir: {}\n        aerospike:\n          path: /t\n",
    );
    assert!(validate_update(&old, &new).is_empty());
}

#[test]
fn persistent_storage_is_immutable() {
    let old = cluster(STORAGE);
    let resized = cluster(&STORAGE.replace("10Gi", "20Gi"));
    let p = validate_update(&old, &resized);
    assert!(p.has_path("spec.storage.volumes"), "{p}");
    let moved = cluster(&STORAGE.replace("/opt/aerospike/data", "/data"));
    assert!(validate_update(&old, &moved).has_path("spec.storage.volumes"));
    let none = cluster("");
    assert!(validate_update(&old, &none).has_path("spec.storage.volumes"));
    assert!(validate_update(&none, &old).has_path("spec.storage.volumes"));
}

#[test]
fn rack_storage_is_immutable() {
    let racks = |size: &str| {
        cluster(&format!(
            "  rackConfig:\n    racks:\n      - id: 1\n        storage:\n          volumes:\n            - name: data\n              source:\n                persistentVolume:\n                  size: {size}\n              aerospike:\n                path: /d\n"
        ))
    };
    assert!(validate_update(&racks("10Gi"), &racks("10Gi")).is_empty());
    let p = validate_update(&racks("10Gi"), &racks("50Gi"));
    assert!(
        p.has_path("spec.rackConfig.racks[0].storage.volumes"),
        "{p}"
    );
}

#[test]
fn racks_cannot_be_added_and_removed_together() {
    let one_two = cluster("  rackConfig:\n    racks:\n      - id: 1\n      - id: 2\n");
    let one_two_three =
        cluster("  rackConfig:\n    racks:\n      - id: 1\n      - id: 2\n      - id: 3\n");
    let one_three = cluster("  rackConfig:\n    racks:\n      - id: 1\n      - id: 3\n");
    assert!(validate_update(&one_two, &one_two_three).is_empty());
    assert!(validate_update(&one_two_three, &one_three).is_empty());
    assert!(validate_update(&one_two, &one_three).has_path("spec.rackConfig.racks"));
    // The implicit rack 0 counts: going from no racks to racks replaces rack 0.
    let plain = cluster("");
    assert!(validate_update(&plain, &one_two).has_path("spec.rackConfig.racks"));
}

#[test]
fn operations_are_frozen_while_in_progress() {
    let mut old = cluster("");
    old.spec.operations = Some(vec![OperationSpec {
        kind: OperationKind::WarmRestart,
        id: "r1".into(),
        pod_list: None,
    }]);
    let mut new = old.clone();
    new.spec.operations = Some(vec![OperationSpec {
        kind: OperationKind::PodRestart,
        id: "r2".into(),
        pod_list: None,
    }]);
    assert!(
        validate_update(&old, &new).is_empty(),
        "no operation running yet"
    );
    old.status = Some(acko_api::AerospikeClusterStatus {
        operation_status: Some(OperationStatus {
            id: "r1".into(),
            kind: OperationKind::WarmRestart,
            phase: OperationPhase::InProgress,
            ..Default::default()
        }),
        ..Default::default()
    });
    assert!(validate_update(&old, &new).has_path("spec.operations"));
    assert!(validate_update(&old, &old).is_empty());
    if let Some(s) = old
        .status
        .as_mut()
        .and_then(|s| s.operation_status.as_mut())
    {
        s.phase = OperationPhase::Completed;
    }
    assert!(validate_update(&old, &new).is_empty());
}

#[test]
fn template_ref_is_immutable() {
    let with = cluster("  templateRef:\n    name: a\n");
    let other = cluster("  templateRef:\n    name: b\n");
    let without = cluster("");
    assert!(validate_update(&with, &with).is_empty());
    for (old, new) in [(&with, &other), (&with, &without), (&without, &with)] {
        assert!(validate_update(old, new).has_path("spec.templateRef"));
    }
}
