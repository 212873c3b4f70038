use std::collections::BTreeMap;

use super::*;

const STATUS: &str = r#"[
  {"name": "kindnet", "interface": "eth0", "ips": ["10.244.1.5"], "default": true},
  {"name": "aerospike/aerospike-sriov-network", "interface": "net1", "ips": ["192.168.10.7", "192.168.10.8"]},
  {"name": "aerospike/aerospike-macvlan-network", "interface": "net2", "ips": ["172.16.0.9"]}
]"#;

fn facts() -> PodFacts {
    let mut annotations = BTreeMap::new();
    annotations.insert(NETWORK_STATUS_ANNOTATION.to_string(), STATUS.to_string());
    PodFacts {
        pod_name: "demo-1-0".into(),
        namespace: "aerospike".into(),
        pod_ip: Some("10.244.1.5".parse().unwrap()),
        node_name: Some("worker-1".into()),
        host_ip: Some("172.18.0.3".parse().unwrap()),
        external_service_type: None,
        annotations,
    }
}

fn node() -> NodeAddresses {
    NodeAddresses {
        name: "worker-1".into(),
        internal: vec!["172.18.0.3".parse().unwrap()],
        external: vec!["34.1.2.3".parse().unwrap()],
        all: vec![
            "InternalIP 172.18.0.3".into(),
            "ExternalIP 34.1.2.3".into(),
            "Hostname worker-1".into(),
        ],
    }
}

fn node_without_external() -> NodeAddresses {
    NodeAddresses {
        external: vec![],
        all: vec!["InternalIP 172.18.0.3".into(), "Hostname worker-1".into()],
        ..node()
    }
}

#[derive(Clone, Copy, Debug)]
enum Slot {
    Access,
    Alternate,
    Fabric,
}

fn policy(slot: Slot, kind: AccessType, names: &[&str]) -> NetworkSettings {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let mut net = NetworkSettings::default();
    match slot {
        Slot::Access => {
            net.access_type = kind;
            net.custom_access_network_names = names;
        }
        Slot::Alternate => {
            net.alternate_access_type = kind;
            net.custom_alternate_access_network_names = names;
        }
        Slot::Fabric => {
            net.fabric_type = kind;
            net.custom_fabric_network_names = names;
        }
    }
    net
}

fn slot_of(r: &Resolved, slot: Slot) -> Vec<String> {
    match slot {
        Slot::Access => r.access_address.clone(),
        Slot::Alternate => r.alternate_access_address.clone(),
        Slot::Fabric => r.fabric_address.clone(),
    }
}

/// Every access type in every slot; the other two slots stay `pod`.
#[test]
fn every_type_in_every_slot() {
    let sriov = &["aerospike-sriov-network"][..];
    type Case<'a> = (
        AccessType,
        &'a [&'a str],
        Option<NodeAddresses>,
        Result<Vec<&'a str>, &'a str>,
    );
    let cases: Vec<Case> = vec![
        (AccessType::Pod, &[], None, Ok(vec!["10.244.1.5"])),
        (
            AccessType::HostInternal,
            &[],
            Some(node()),
            Ok(vec!["172.18.0.3"]),
        ),
        (
            AccessType::HostExternal,
            &[],
            Some(node()),
            Ok(vec!["34.1.2.3"]),
        ),
        (
            AccessType::HostExternal,
            &[],
            Some(node_without_external()),
            Err("node worker-1 status.addresses: expected an ExternalIP address"),
        ),
        (
            AccessType::ConfiguredIp,
            sriov,
            None,
            Ok(vec!["192.168.10.7", "192.168.10.8"]),
        ),
        (
            AccessType::ConfiguredIp,
            &[
                "aerospike/aerospike-macvlan-network",
                "aerospike-sriov-network",
            ],
            None,
            Ok(vec!["172.16.0.9", "192.168.10.7", "192.168.10.8"]),
        ),
        (
            AccessType::ConfiguredIp,
            &["no-such-net"],
            None,
            Err("network name \"no-such-net\": expected a network of that name"),
        ),
    ];
    for slot in [Slot::Access, Slot::Alternate, Slot::Fabric] {
        for (kind, names, node, want) in &cases {
            let net = policy(slot, *kind, names);
            let got = resolve(&net, ServiceType::ClusterIP, &facts(), node.as_ref(), None);
            let ctx = format!("{slot:?} {kind:?} {names:?}");
            match (want, got) {
                (Ok(w), Ok(r)) => {
                    assert_eq!(slot_of(&r, slot), *w, "{ctx}");
                    for other in [Slot::Access, Slot::Alternate, Slot::Fabric] {
                        if !matches!(
                            (other, slot),
                            (Slot::Access, Slot::Access)
                                | (Slot::Alternate, Slot::Alternate)
                                | (Slot::Fabric, Slot::Fabric)
                        ) {
                            assert_eq!(slot_of(&r, other), vec!["10.244.1.5"], "{ctx} {other:?}");
                        }
                    }
                    assert_eq!(r.alternate_access_port, None, "{ctx}");
                }
                (Err(w), Err(e)) => assert!(e.to_string().starts_with(w), "{ctx}: {e}"),
                (w, g) => panic!("{ctx}: want {w:?}, got {g:?}"),
            }
        }
    }
}

#[test]
fn host_external_error_lists_what_the_node_has() {
    let net = policy(Slot::Access, AccessType::HostExternal, &[]);
    let err = resolve(
        &net,
        ServiceType::ClusterIP,
        &facts(),
        Some(&node_without_external()),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("needed by accessType: hostExternal"), "{err}");
    assert!(
        err.ends_with("found InternalIP 172.18.0.3, Hostname worker-1"),
        "{err}"
    );
}

#[test]
fn host_internal_falls_back_to_host_ip_and_fails_without_either() {
    let net = policy(Slot::Fabric, AccessType::HostInternal, &[]);
    let bare_node = NodeAddresses {
        name: "worker-1".into(),
        ..NodeAddresses::default()
    };
    let r = resolve(
        &net,
        ServiceType::ClusterIP,
        &facts(),
        Some(&bare_node),
        None,
    )
    .unwrap();
    assert_eq!(r.fabric_address, vec!["172.18.0.3"]);

    let mut f = facts();
    f.host_ip = None;
    let err = resolve(&net, ServiceType::ClusterIP, &f, Some(&bare_node), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("an InternalIP address, or HOST_IP"), "{err}");
}

#[test]
fn pod_type_without_pod_ip_names_the_variable() {
    let mut f = facts();
    f.pod_ip = None;
    let err = resolve(
        &NetworkSettings::default(),
        ServiceType::ClusterIP,
        &f,
        None,
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("POD_IP: expected the pod IP"), "{err}");
    assert!(err.contains("needed by accessType: pod"), "{err}");
}

#[test]
fn configured_ip_without_annotation_is_explained() {
    let mut f = facts();
    f.annotations.clear();
    let net = policy(
        Slot::Alternate,
        AccessType::ConfiguredIp,
        &["aerospike-sriov-network"],
    );
    let err = resolve(&net, ServiceType::ClusterIP, &f, None, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no such annotation"), "{err}");
    assert!(err.contains("customAlternateAccessNetworkNames"), "{err}");
}

#[test]
fn external_services() {
    let lb_ip = ExternalEndpoint::LoadBalancer {
        hosts: vec!["203.0.113.10".into()],
        port: 3000,
    };
    let lb_host = ExternalEndpoint::LoadBalancer {
        hosts: vec!["a1b2.elb.amazonaws.com".into()],
        port: 3100,
    };
    let np = ExternalEndpoint::NodePort { node_port: 31234 };
    type Case<'a> = (
        ServiceType,
        AccessType,
        Option<NodeAddresses>,
        &'a ExternalEndpoint,
        Result<(Vec<&'a str>, u16), &'a str>,
    );
    let cases: Vec<Case> = vec![
        (
            ServiceType::LoadBalancer,
            AccessType::Pod,
            None,
            &lb_ip,
            Ok((vec!["203.0.113.10"], 3000)),
        ),
        (
            ServiceType::LoadBalancer,
            AccessType::HostExternal,
            Some(node()),
            &lb_host,
            Ok((vec!["a1b2.elb.amazonaws.com"], 3100)),
        ),
        (
            ServiceType::NodePort,
            AccessType::Pod,
            None,
            &np,
            Ok((vec!["172.18.0.3"], 31234)),
        ),
        (
            ServiceType::NodePort,
            AccessType::ConfiguredIp,
            None,
            &np,
            Ok((vec!["172.18.0.3"], 31234)),
        ),
        (
            ServiceType::NodePort,
            AccessType::HostInternal,
            Some(node()),
            &np,
            Ok((vec!["172.18.0.3"], 31234)),
        ),
        (
            ServiceType::NodePort,
            AccessType::HostExternal,
            Some(node()),
            &np,
            Ok((vec!["34.1.2.3"], 31234)),
        ),
        (
            ServiceType::NodePort,
            AccessType::HostExternal,
            Some(node_without_external()),
            &np,
            Err("expected an ExternalIP"),
        ),
        (
            ServiceType::NodePort,
            AccessType::Pod,
            None,
            &lb_ip,
            Err("per-pod Service: expected a NodePort"),
        ),
    ];
    for (svc, alt, node, ext, want) in cases {
        let net = NetworkSettings {
            alternate_access_type: alt,
            ..NetworkSettings::default()
        };
        let got = resolve(&net, svc, &facts(), node.as_ref(), Some(ext));
        let ctx = format!("{svc:?} {alt:?}");
        match (want, got) {
            (Ok((hosts, port)), Ok(r)) => {
                assert_eq!(r.alternate_access_address, hosts, "{ctx}");
                assert_eq!(r.alternate_access_port, Some(port), "{ctx}");
                assert_eq!(r.access_address, vec!["10.244.1.5"], "{ctx}");
            }
            (Err(w), Err(e)) => assert!(e.to_string().contains(w), "{ctx}: {e}"),
            (w, g) => panic!("{ctx}: want {w:?}, got {g:?}"),
        }
    }
}

#[test]
fn needs_node_only_for_host_types() {
    assert!(!needs_node(&NetworkSettings::default()));
    assert!(!needs_node(&policy(
        Slot::Access,
        AccessType::ConfiguredIp,
        &["x"]
    )));
    assert!(needs_node(&policy(
        Slot::Fabric,
        AccessType::HostInternal,
        &[]
    )));
    assert!(needs_node(&policy(
        Slot::Alternate,
        AccessType::HostExternal,
        &[]
    )));
}
