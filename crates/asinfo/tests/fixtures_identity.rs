//! Identity, topology, cluster-stable and error replies, on real CE 8.1.2 fixtures.

mod common;

use asinfo::parse::*;
use asinfo::reply::ReplyError;
use common::{command, lines, value};

#[test]
fn build_edition_release() {
    if !common::present("fixtures_identity::build_edition_release") {
        return;
    }
    let b = parse_build(&value("build.txt")).unwrap();
    assert_eq!(b.version, "8.1.2.0");
    assert_eq!(b.parts, vec![8, 1, 2, 0]);
    assert_eq!(b.major(), 8);
    assert_eq!(
        parse_build(&value("admin-port_build.txt")).unwrap().version,
        "8.1.2.0"
    );
    assert_eq!(
        parse_build(&value("cluster-3/node2/build.txt"))
            .unwrap()
            .parts,
        vec![8, 1, 2, 0]
    );
    let e = parse_edition(&value("edition.txt")).unwrap();
    assert_eq!(e.name, "Aerospike Community Edition");
    assert!(e.community);
    let r = parse_release(&value("release.txt")).unwrap();
    assert!(r.community);
    assert_eq!(r.version.as_deref(), Some("8.1.2.0"));
    assert_eq!(r.os.as_deref(), Some("debian12"));
    assert_eq!(r.arch.as_deref(), Some("x86_64"));
    assert_eq!(
        r.sha.as_deref(),
        Some("68182105aaa20bce52e3a672e0ac896e84421f85")
    );
    assert!(r.other.is_empty());
}

#[test]
fn node_ids_and_cluster_names() {
    if !common::present("fixtures_identity::node_ids_and_cluster_names") {
        return;
    }
    assert_eq!(parse_node(&value("node.txt")).unwrap(), "BB901000000FC02");
    assert_eq!(
        parse_node(&value("cluster-3/node1/node.txt")).unwrap(),
        "C1D01000000FC02"
    );
    assert_eq!(
        parse_node(&value("cluster-3/node2/node.txt")).unwrap(),
        "C8101000000FC02"
    );
    assert_eq!(
        parse_node(&value("cluster-3/node3/node.txt")).unwrap(),
        "CE501000000FC02"
    );
    assert_eq!(
        parse_cluster_name(&value("cluster-name.txt"))
            .unwrap()
            .as_deref(),
        Some("asd-local")
    );
    for n in 1..=3 {
        let v = value(&format!("cluster-3/node{n}/cluster-name.txt"));
        assert_eq!(
            parse_cluster_name(&v).unwrap().as_deref(),
            Some("asd-cluster3")
        );
    }
    assert_eq!(parse_cluster_name("null").unwrap(), None);
}

#[test]
fn services_and_endpoints() {
    if !common::present("fixtures_identity::services_and_endpoints") {
        return;
    }
    assert_eq!(
        parse_endpoints(&value("service-clear-std.txt")).unwrap(),
        vec!["127.0.0.1:3000"]
    );
    assert!(
        parse_endpoints(&value("service-clear-alt.txt"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        parse_endpoints(&value("cluster-3/node1/service-clear-std.txt")).unwrap(),
        vec!["127.0.0.1:3100"]
    );
    assert_eq!(
        parse_endpoints(&value("cluster-3/node2/service-clear-std.txt")).unwrap(),
        vec!["127.0.0.1:3200"]
    );
    assert!(parse_endpoints(&value("services.txt")).unwrap().is_empty());
    assert_eq!(
        parse_endpoints(&value("cluster-3/node1/services.txt")).unwrap(),
        vec!["127.0.0.1:3300", "127.0.0.1:3200"]
    );
    assert_eq!(
        parse_endpoints(&value("cluster-3/after-node3-left/node1/services.txt")).unwrap(),
        vec!["127.0.0.1:3200"]
    );
    let alumni = parse_endpoints(&value(
        "cluster-3/after-node3-left/node1/services-alumni.txt",
    ))
    .unwrap();
    assert_eq!(alumni.len(), 2, "alumni keep node3: {alumni:?}");
}

#[test]
fn peers_single_node_three_nodes_and_node_left() {
    if !common::present("fixtures_identity::peers_single_node_three_nodes_and_node_left") {
        return;
    }
    for f in [
        "peers-clear-std.txt",
        "peers-clear-alt.txt",
        "alumni-clear-std.txt",
    ] {
        let p = parse_peers(&value(f)).unwrap();
        assert_eq!(
            (p.generation, p.default_port, p.peers.len()),
            (0, 3000, 0),
            "{f}"
        );
    }
    let p = parse_peers(&value("cluster-3/node1/peers-clear-std.txt")).unwrap();
    assert_eq!(p.generation, 4);
    let ids: Vec<_> = p.peers.iter().map(|p| p.node_id.as_str()).collect();
    assert_eq!(ids, vec!["CE501000000FC02", "C8101000000FC02"]);
    assert_eq!(p.peers[0].endpoints, vec!["127.0.0.1:3300"]);
    assert_eq!(p.peers[0].tls_name, None);
    let left = parse_peers(&value(
        "cluster-3/after-node3-left/node1/peers-clear-std.txt",
    ))
    .unwrap();
    assert_eq!(left.generation, 5);
    assert_eq!(left.peers.len(), 1);
    assert_eq!(left.peers[0].node_id, "C8101000000FC02");
    let alumni = parse_peers(&value(
        "cluster-3/after-node3-left/node1/alumni-clear-std.txt",
    ))
    .unwrap();
    assert_eq!(alumni.peers.len(), 2);
    assert!(
        parse_peers(&value("cluster-3/node2/peers-clear-alt.txt"))
            .unwrap()
            .peers
            .is_empty()
    );
    // CE has no TLS: the reply is an error, typed as such.
    assert!(matches!(
        parse_peers(&value("peers-tls-std.txt")),
        Err(ReplyError::Error { .. })
    ));
}

#[test]
fn generations() {
    if !common::present("fixtures_identity::generations") {
        return;
    }
    assert_eq!(
        parse_generation(&value("partition-generation.txt")).unwrap(),
        0
    );
    assert_eq!(parse_generation(&value("peers-generation.txt")).unwrap(), 0);
    assert_eq!(
        parse_generation(&value("cluster-3/node1/peers-generation.txt")).unwrap(),
        4
    );
    assert_eq!(
        parse_generation(&value(
            "cluster-3/after-node3-left/node1/peers-generation.txt"
        ))
        .unwrap(),
        5
    );
    let pg = parse_generation(&value(
        "cluster-3/after-node3-left/node1/partition-generation.txt",
    ))
    .unwrap();
    assert!(pg > 0, "partition generation moved after node3 left: {pg}");
    assert!(parse_generation(&value("rebalance-generation.txt")).unwrap() >= 0);
}

#[test]
fn multi_command_requests() {
    if !common::present("fixtures_identity::multi_command_requests") {
        return;
    }
    let l = lines("_multi_node_partition-generation_peers-generation_cluster-name.txt");
    let cmds: Vec<_> = l.iter().map(|l| l.command.as_str()).collect();
    assert_eq!(
        cmds,
        vec![
            "node",
            "partition-generation",
            "peers-generation",
            "cluster-name"
        ]
    );
    assert_eq!(parse_node(&l[0].value).unwrap(), "BB901000000FC02");
    let l =
        lines("cluster-3/node1/_multi_node_partition-generation_peers-generation_cluster-name.txt");
    assert_eq!(parse_node(&l[0].value).unwrap(), "C1D01000000FC02");
    assert_eq!(parse_generation(&l[2].value).unwrap(), 4);
    let l = lines("_multi_build_unknown_namespace-bar.txt");
    assert_eq!(l.len(), 3);
    assert_eq!(parse_build(&l[0].value).unwrap().version, "8.1.2.0");
    assert!(
        parse_build(&l[1].value)
            .unwrap_err()
            .is_unrecognized_command()
    );
    assert_eq!(parse_namespace(&l[2].value).unwrap().objects, Some(0));
    assert!(lines("_request_without_trailing_newline.txt").is_empty());
    let l = lines("_request_empty_line.txt");
    assert_eq!(l[0].command, "");
    assert!(
        parse_node(&l[0].value)
            .unwrap_err()
            .is_unrecognized_command()
    );
}

#[test]
fn cluster_stable_all_outcomes() {
    if !common::present("fixtures_identity::cluster_stable_all_outcomes") {
        return;
    }
    let key = |f: &str| parse_cluster_stable(&value(f)).unwrap();
    assert_eq!(
        key("cluster-stable.txt"),
        ClusterStable::Stable {
            cluster_key: "EAA63F0C822A".into()
        }
    );
    assert_eq!(
        key("cluster-stable_size_1_ignore-migrations_false.txt").cluster_key(),
        Some("EAA63F0C822A")
    );
    assert_eq!(
        key("cluster-stable_size_1_ignore-migrations_true.txt").cluster_key(),
        Some("EAA63F0C822A")
    );
    assert_eq!(
        key("cluster-stable_size_1_namespace_test.txt").cluster_key(),
        Some("EAA63F0C822A")
    );
    assert_eq!(
        key("cluster-stable_size_3_ignore-migrations_false.txt"),
        ClusterStable::WrongSize
    );
    let bad = parse_cluster_stable(&value("cluster-stable_size_x.txt")).unwrap_err();
    assert_eq!(
        bad,
        ReplyError::Error {
            code: Some(4),
            message: "bad size".into()
        }
    );
    for n in 1..=3 {
        let d = format!("cluster-3/node{n}");
        assert_eq!(
            key(&format!(
                "{d}/cluster-stable_size_3_ignore-migrations_false.txt"
            ))
            .cluster_key(),
            Some("D322C44A1A63")
        );
        assert_eq!(
            key(&format!(
                "{d}/cluster-stable_size_1_ignore-migrations_false.txt"
            )),
            ClusterStable::WrongSize
        );
        assert_eq!(
            key(&format!("{d}/cluster-stable.txt")).cluster_key(),
            Some("D322C44A1A63")
        );
    }
    let left = "cluster-3/after-node3-left/node1";
    assert_eq!(
        key(&format!(
            "{left}/cluster-stable_size_3_ignore-migrations_false.txt"
        )),
        ClusterStable::WrongSize
    );
    assert_eq!(
        key(&format!(
            "{left}/cluster-stable_size_2_ignore-migrations_false.txt"
        ))
        .cluster_key(),
        Some("653C51775291")
    );
    let l = lines("cluster-3/node3-rejoining/node1/_multi_cluster-stable_size_3_migrating.txt");
    assert_eq!(
        l[0].command,
        "cluster-stable:size=3;ignore-migrations=false"
    );
    assert_eq!(
        parse_cluster_stable(&l[0].value).unwrap(),
        ClusterStable::Unstable
    );
    assert_eq!(
        parse_cluster_stable(&l[1].value).unwrap().cluster_key(),
        Some("20DCBEC85203")
    );
    assert_eq!(
        key("cluster-3/node3-rejoining/node1/cluster-stable_size_3_after_rejoin.txt").cluster_key(),
        Some("20DCBEC85203")
    );
    assert_eq!(
        cluster_stable_command(Some(3), false),
        command("cluster-3/node1/cluster-stable_size_3_ignore-migrations_false.txt")
    );
}

#[test]
fn error_replies_are_typed() {
    if !common::present("fixtures_identity::error_replies_are_typed") {
        return;
    }
    let err = |f: &str| parse_node(&value(f)).unwrap_err();
    for f in [
        "cluster-size.txt",
        "bins.txt",
        "bins_test.txt",
        "jobs_.txt",
        "jobs_module_query.txt",
        "scan-show.txt",
        "no-such-command.txt",
    ] {
        assert!(err(f).is_unrecognized_command(), "{f}: {:?}", err(f));
    }
    for f in [
        "quiesce_.txt",
        "racks_.txt",
        "roster_.txt",
        "feature-key.txt",
        "xdr-dc-state.txt",
    ] {
        assert!(
            matches!(err(f), ReplyError::Error { code: Some(_), .. }),
            "{f}"
        );
    }
    assert_eq!(
        parse_namespace(&value("namespace_nosuch.txt")).unwrap_err(),
        ReplyError::UnknownType
    );
    assert_eq!(
        parse_sets(&value("sets_nosuch.txt")).unwrap_err(),
        ReplyError::UnknownNamespace
    );
    assert_eq!(
        parse_sindex_stats(&value("sindex_test_nosuch.txt"))
            .unwrap_err()
            .code(),
        Some(201)
    );
    assert_eq!(
        parse_query_show(&value("query-show_id_12345.txt")).unwrap_err(),
        ReplyError::Error {
            code: Some(2),
            message: "job not found".into()
        }
    );
    assert_eq!(
        parse_latencies(&value("latencies_hist_nosuch.txt"))
            .unwrap_err()
            .code(),
        Some(4)
    );
    assert_eq!(
        parse_histogram(&value("histogram_namespace_test.txt")).unwrap_err(),
        ReplyError::Error {
            code: Some(4),
            message: "missing 'type'".into()
        }
    );
    assert_eq!(
        parse_histogram(&value("histogram_namespace_test_type_nosuch.txt"))
            .unwrap_err()
            .code(),
        Some(4)
    );
    assert_eq!(
        parse_config(&value("get-config_context_nosuch.txt"))
            .unwrap_err()
            .code(),
        Some(4)
    );
    assert_eq!(
        parse_config(&value("get-config_context_logging.txt"))
            .unwrap_err()
            .code(),
        Some(4)
    );
    assert_eq!(
        parse_config(&value("get-config_context_mod-lua.txt"))
            .unwrap_err()
            .code(),
        Some(4)
    );
}

#[test]
fn set_config_and_ok_replies() {
    if !common::present("fixtures_identity::set_config_and_ok_replies") {
        return;
    }
    let ok = |f: &str| parser_for(&command(f)).expect("parser").parse(&value(f));
    for f in [
        "set-config_context_namespace_id_test_nsup-period_60.txt",
        "set-config_context_namespace_id_test_default-ttl_0.txt",
        "set-config_context_namespace_id_test_default-ttl_100.txt",
        "set-config_context_service_proto-fd-max_15000.txt",
        "set-config_context_service_proto-fd-max_1024_restore.txt",
        "sindex-create_duplicate.txt",
        "sindex-delete_namespace_test_indexname_nosuch.txt",
        "truncate_namespace_nosuch_set_x.txt",
        "truncate-namespace_namespace_bar.txt",
    ] {
        assert!(ok(f).is_ok(), "{f}: {:?}", ok(f));
    }
    let e = ok("set-config_context_namespace_id_nosuch_default-ttl_0.txt").unwrap_err();
    assert_eq!(
        e,
        ReplyError::Error {
            code: Some(20),
            message: "namespace not found on node".into()
        }
    );
    assert!(e.is_unknown_namespace());
    for f in [
        "set-config_context_service_proto-fd-max_99999999.txt",
        "set-config_context_service_no-such-param_1.txt",
    ] {
        assert_eq!(
            ok(f).unwrap_err(),
            ReplyError::Error {
                code: Some(4),
                message: "invalid set-config parameter".into()
            },
            "{f}"
        );
    }
    assert_eq!(
        ok("set-config_context_nosuch_x_1.txt").unwrap_err().code(),
        Some(4)
    );
}
