use super::*;
use crate::desired::desired;
use crate::plan::fixtures::{cluster, converged};
use crate::plan::{RestartKind, plan};
use serde_json::json;

const OLD: &str = "service {\n    migrate-threads 1\n    proto-fd-max 15000\n}\nnamespace test {\n    replication-factor 2\n    default-ttl 0\n    storage-engine memory {\n        data-size 1073741824\n    }\n}\n";

#[test]
fn classify_table() {
    let dynamic = OLD.replace("migrate-threads 1", "migrate-threads 4");
    let changes = classify(OLD, &dynamic).unwrap();
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!(c.path, "service.migrate-threads");
    assert_eq!((c.old.as_str(), c.new.as_str()), ("1", "4"));
    assert_eq!(c.set, "set-config:context=service;migrate-threads=4");
    assert_eq!(c.rollback, "set-config:context=service;migrate-threads=1");
    assert_eq!(
        (c.get.as_str(), c.key.as_str()),
        ("get-config:context=service", "migrate-threads")
    );

    let ns = OLD.replace("default-ttl 0", "default-ttl 3600");
    let c = &classify(OLD, &ns).unwrap()[0];
    assert_eq!(
        c.set,
        "set-config:context=namespace;id=test;default-ttl=3600"
    );
    assert_eq!(c.get, "get-config:context=namespace;id=test");

    // Static: replication-factor (deliberately static in the knowledge table).
    let rf = OLD.replace("replication-factor 2", "replication-factor 3");
    let e = classify(OLD, &rf).unwrap_err();
    assert!(e.contains("replication-factor"), "{e}");
    // A removed key means "back to the default": static.
    let removed = OLD.replace("    proto-fd-max 15000\n", "");
    assert!(classify(OLD, &removed).is_err());
    // One static change makes the whole diff static.
    let mixed = dynamic.replace("replication-factor 2", "replication-factor 3");
    assert!(classify(OLD, &mixed).is_err());
    // No change: nothing to do.
    assert_eq!(classify(OLD, OLD).unwrap(), vec![]);
}

#[test]
fn verification_commands_and_read_back() {
    assert_eq!(
        verify_command("set-config:context=network;heartbeat.interval=250"),
        Some((
            "get-config:context=network".into(),
            "heartbeat.interval".into()
        ))
    );
    assert_eq!(
        verify_command("set-config:context=namespace;id=t;set=s;stop-writes-count=1"),
        None
    );
    assert_eq!(verify_command("log-set:id=0;any=info"), None);
    let reply = "migrate-threads=4;proto-fd-max=15000;enable-health-check=false";
    assert_eq!(read_back(reply, "migrate-threads"), Some("4"));
    assert_eq!(read_back(reply, "migrate"), None);
    assert!(same_value("4", "4"));
    assert!(same_value("false", "no"));
    assert!(same_value("1.50", "1.5"));
    assert!(!same_value("4", "5"));
    assert!(
        !same_value("30d", "2592000"),
        "units are not guessed: a mismatch fails safe"
    );
}

#[test]
fn knowledge_covers_server_8_only() {
    for (build, ok) in [
        ("8.1.2.0", true),
        ("8.0.0.8", true),
        (" 8.1.0.1\n", true),
        ("7.2.0.4", false),
        ("9.0.0.0", false),
        ("", false),
        ("garbage", false),
    ] {
        assert_eq!(knowledge_covers(build), ok, "{build:?}");
    }
}

fn with_service(threads: u32, dynamic: bool) -> acko_api::AerospikeCluster {
    let extra = if dynamic {
        "  enableDynamicConfigUpdate: true\n"
    } else {
        ""
    };
    let mut c = cluster(extra);
    c.spec
        .aerospike_config
        .as_mut()
        .unwrap()
        .insert("service".into(), json!({"migrate-threads": threads}));
    c
}

/// Old cluster converged; the spec now asks for `threads`; `dynamic` enables the feature.
fn changed(threads: u32, dynamic: bool) -> (Observed, Desired) {
    let old = desired(&with_service(1, dynamic), &[], &Default::default()).unwrap();
    let mut new_cluster = with_service(threads, dynamic);
    new_cluster.status = Some(acko_api::AerospikeClusterStatus {
        applied_spec: Some(old.spec_json.clone()),
        ..Default::default()
    });
    let new = desired(&new_cluster, &[], &Default::default()).unwrap();
    let mut o = converged(&old);
    o.objects = converged(&new).objects;
    (o, new)
}

#[test]
fn a_dynamic_change_is_applied_in_place_to_every_ready_pod_of_the_rack() {
    let (o, d) = changed(4, true);
    assert_eq!(d.day2.previous_racks.len(), 1, "applied spec rendered");
    let p = plan(&o, Ok(&d));
    let Step::DynamicConfig {
        rack,
        hash,
        pods,
        changes,
    } = &p.step
    else {
        panic!("expected a dynamic update: {p:?}");
    };
    assert_eq!((*rack, hash), (0, &d.racks[0].config_hash));
    assert_eq!(pods, &["demo-0-0", "demo-0-1", "demo-0-2"]);
    assert_eq!(changes[0].path, "service.migrate-threads");
    assert!(p.reason.contains("without restart"), "{}", p.reason);
}

#[test]
fn without_the_flag_or_with_a_static_change_the_pods_roll() {
    let (o, d) = changed(4, false);
    assert!(matches!(plan(&o, Ok(&d)).step, Step::Restart { .. }));
    // A static change with the flag: warm restarts (config only).
    let old = desired(&with_service(1, true), &[], &Default::default()).unwrap();
    let mut c = with_service(1, true);
    c.spec.aerospike_config.as_mut().unwrap()["namespaces"][0]["replication-factor"] = json!(1);
    c.status = Some(acko_api::AerospikeClusterStatus {
        applied_spec: Some(old.spec_json.clone()),
        ..Default::default()
    });
    let new = desired(&c, &[], &Default::default()).unwrap();
    let mut o = converged(&old);
    o.objects = converged(&new).objects;
    let p = plan(&o, Ok(&new));
    let Step::Restart { pods } = &p.step else {
        panic!("{p:?}")
    };
    assert!(matches!(pods[0].kind, RestartKind::Warm { .. }));
}

#[test]
fn pods_that_refused_before_old_servers_and_unready_pods_take_the_restart_path() {
    // A pod that refused (status Failed) is left to the roll; the others still go dynamic.
    let (mut o, d) = changed(4, true);
    let mut pods = std::collections::BTreeMap::new();
    pods.insert(
        "demo-0-1".to_owned(),
        acko_api::AerospikePodStatus {
            dynamic_config_status: Some(DynamicConfigStatus::Failed),
            ..Default::default()
        },
    );
    o.status = Some(acko_api::AerospikeClusterStatus {
        pods: Some(pods),
        ..Default::default()
    });
    let Step::DynamicConfig { pods, .. } = plan(&o, Ok(&d)).step else {
        panic!()
    };
    assert_eq!(pods, ["demo-0-0", "demo-0-2"]);

    // A server version the knowledge does not cover.
    let (mut o, d) = changed(4, true);
    for p in o.pods.values_mut() {
        p.node.as_mut().unwrap().build = Some("7.2.0.1".into());
    }
    assert!(matches!(plan(&o, Ok(&d)).step, Step::Restart { .. }));

    // A pod that runs neither the applied nor the desired config: unknown, restart it.
    let (mut o, d) = changed(4, true);
    for p in o.pods.values_mut() {
        p.config_hash = Some("something-else".into());
    }
    assert!(matches!(plan(&o, Ok(&d)).step, Step::Restart { .. }));
}
