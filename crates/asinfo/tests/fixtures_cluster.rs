//! Cluster helpers on the 3-node fixture folders: formed, node left, node rejoining.

mod common;

use asinfo::cluster::*;
use asinfo::parse::{parse_namespace, parse_sets};
use common::{lines, value};

fn observe(addr: &str, node: &str, stats: &str, stable_value: &str) -> NodeObservation {
    let state =
        NodeState::from_replies(&value(node), &value(stats), stable_value).expect("fixture parses");
    NodeObservation {
        addr: addr.to_owned(),
        state: Ok(state),
    }
}

fn formed(n: u8) -> NodeObservation {
    let d = format!("cluster-3/node{n}");
    observe(
        &format!("127.0.0.1:3{n}00"),
        &format!("{d}/node.txt"),
        &format!("{d}/statistics.txt"),
        &value(&format!(
            "{d}/cluster-stable_size_3_ignore-migrations_false.txt"
        )),
    )
}

fn unreachable(addr: &str) -> NodeObservation {
    NodeObservation {
        addr: addr.to_owned(),
        state: Err("cannot connect: Connection refused".to_owned()),
    }
}

#[test]
fn formed_cluster_is_safe() {
    if !common::present("fixtures_cluster::formed_cluster_is_safe") {
        return;
    }
    let obs = [formed(1), formed(2), formed(3)];
    let s = safe_to_proceed(&obs, 3);
    assert!(s.safe, "{:?}", s.reasons);
    assert_eq!(s.view.agreed_key(), Some("D322C44A1A63"));
    assert_eq!(s.view.agreed_size(), Some(3));
    assert!(s.view.integrity);
    assert_eq!(s.view.migrations_remaining, 0);
    assert!(s.view.disagreeing_nodes.is_empty());
    // Asking for the wrong size is unsafe on every node.
    let wrong = safe_to_proceed(&obs, 4);
    assert!(!wrong.safe);
    assert_eq!(
        wrong
            .reasons
            .iter()
            .filter(|r| matches!(
                r,
                UnsafeReason::WrongClusterSize {
                    size: Some(3),
                    expected: 4,
                    ..
                }
            ))
            .count(),
        3
    );
}

#[test]
fn node_left_is_unsafe_with_reasons() {
    if !common::present("fixtures_cluster::node_left_is_unsafe_with_reasons") {
        return;
    }
    let d = "cluster-3/after-node3-left/node1";
    let node1 = observe(
        "127.0.0.1:3100",
        "cluster-3/node1/node.txt",
        &format!("{d}/statistics.txt"),
        &value(&format!(
            "{d}/cluster-stable_size_3_ignore-migrations_false.txt"
        )),
    );
    let s = safe_to_proceed(
        &[node1.clone(), formed(2), unreachable("127.0.0.1:3300")],
        3,
    );
    assert!(!s.safe);
    assert!(s.reasons.contains(&UnsafeReason::Unreachable {
        addr: "127.0.0.1:3300".into(),
        error: "cannot connect: Connection refused".into()
    }));
    assert!(s.reasons.contains(&UnsafeReason::WrongClusterSize {
        node: "C1D01000000FC02".into(),
        size: Some(2),
        expected: 3
    }));
    assert!(s.reasons.iter().any(|r| matches!(r, UnsafeReason::NotStable { node, detail } if node == "C1D01000000FC02" && detail.contains("size 3"))));
    assert!(s.reasons.iter().any(|r| matches!(r, UnsafeReason::ClusterKeyMismatch { keys } if keys.contains_key("653C51775291") && keys.contains_key("D322C44A1A63"))));
    // Only one node reachable out of three: unsafe even if it looks fine on its own.
    let alone = safe_to_proceed(
        &[
            node1,
            unreachable("127.0.0.1:3200"),
            unreachable("127.0.0.1:3300"),
        ],
        3,
    );
    assert!(alone.reasons.contains(&UnsafeReason::TooFewReachable {
        reachable: 1,
        expected: 3
    }));
}

#[test]
fn rejoining_with_migrations_is_unsafe() {
    if !common::present("fixtures_cluster::rejoining_with_migrations_is_unsafe") {
        return;
    }
    let d = "cluster-3/node3-rejoining/node1";
    let stable = lines(&format!("{d}/_multi_cluster-stable_size_3_migrating.txt"));
    let during = observe(
        "127.0.0.1:3100",
        "cluster-3/node1/node.txt",
        &format!("{d}/statistics_during_migration.txt"),
        &stable[0].value,
    );
    let s = safe_to_proceed(&[during, formed(2), formed(3)], 3);
    assert!(!s.safe);
    assert!(s.reasons.contains(&UnsafeReason::PartitionsRemaining {
        node: "C1D01000000FC02".into(),
        partitions: 2722
    }));
    assert!(s.reasons.iter().any(
        |r| matches!(r, UnsafeReason::NotStable { detail, .. } if detail.contains("unstable"))
    ));
    assert_eq!(s.view.migrations_remaining, 2722);
    assert_eq!(
        s.view.disagreeing_nodes,
        vec!["C1D01000000FC02".to_owned()],
        "node1 has the new key"
    );

    // After the rejoin, node1 alone is healthy, but one node out of three is not enough.
    let after = observe(
        "127.0.0.1:3100",
        "cluster-3/node1/node.txt",
        &format!("{d}/statistics_after_rejoin.txt"),
        &value(&format!("{d}/cluster-stable_size_3_after_rejoin.txt")),
    );
    let s = safe_to_proceed(std::slice::from_ref(&after), 3);
    assert_eq!(
        s.reasons,
        vec![UnsafeReason::TooFewReachable {
            reachable: 1,
            expected: 3
        }]
    );
    // A single-node cluster expecting one node is fine.
    let single = observe(
        "127.0.0.1:3000",
        "node.txt",
        "statistics.txt",
        &value("cluster-stable_size_1_ignore-migrations_false.txt"),
    );
    assert!(safe_to_proceed(&[single], 1).safe);
    assert!(
        !safe_to_proceed(&[], 0).safe,
        "no observation is never safe"
    );
}

#[test]
fn namespace_totals_divide_replicas_correctly() {
    if !common::present("fixtures_cluster::namespace_totals_divide_replicas_correctly") {
        return;
    }
    let per_node: Vec<_> = (1..=3)
        .map(|n| parse_namespace(&value(&format!("cluster-3/node{n}/namespace_test.txt"))).unwrap())
        .collect();
    let t = namespace_totals(&per_node);
    assert_eq!(t.nodes, 3);
    assert_eq!(t.objects, 1000, "sum of master_objects = records loaded");
    assert_eq!(t.objects_all_copies, 2000, "RF 2 copies");
    assert_eq!(t.prole_objects, 1000);
    assert_eq!(t.data_used_bytes, 73_808 + 72_912 + 77_280);
    assert_eq!(t.replication_factor, Some(2));
    assert!(!t.stop_writes);
    let bar: Vec<_> = (1..=3)
        .map(|n| parse_namespace(&value(&format!("cluster-3/node{n}/namespace_bar.txt"))).unwrap())
        .collect();
    let b = namespace_totals(&bar);
    assert_eq!((b.objects, b.objects_all_copies), (200, 400));
    // Sets only report copies: sum / effective RF is the estimate.
    let sets: Vec<_> = (1..=3)
        .flat_map(|n| parse_sets(&value(&format!("cluster-3/node{n}/sets.txt"))).unwrap())
        .collect();
    let totals = set_totals(&sets, |_| Some(2));
    assert_eq!(totals.len(), 2);
    assert_eq!(
        (totals[0].ns.as_str(), totals[0].set.as_str()),
        ("bar", "items")
    );
    assert_eq!(
        (totals[0].objects_all_copies, totals[0].objects_estimated),
        (400, 200)
    );
    assert_eq!(
        (totals[1].set.as_str(), totals[1].objects_estimated),
        ("users", 1000)
    );
}
