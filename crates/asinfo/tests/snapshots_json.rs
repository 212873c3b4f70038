//! The JSON shape of typed replies (what `acko info --json` and the manager expose),
//! pinned with insta on real fixtures.

mod common;

use asinfo::cluster::{NodeObservation, NodeState, safe_to_proceed};
use asinfo::parse::parser_for;
use common::{lines, value};

fn parsed(file: &str) -> serde_json::Value {
    let l = lines(file);
    let json: Vec<serde_json::Value> = l
        .iter()
        .map(|line| {
            let kind = parser_for(&line.command).expect("parser");
            match kind.parse(&line.value) {
                Ok(p) => serde_json::json!({ "command": line.command, "parsed": p }),
                Err(e) => serde_json::json!({ "command": line.command, "error": e, "message": e.to_string() }),
            }
        })
        .collect();
    serde_json::Value::Array(json)
}

#[test]
fn json_shapes() {
    if !common::present("snapshots_json::json_shapes") {
        return;
    }
    insta::assert_json_snapshot!(
        "cluster_stable_migrating",
        parsed("cluster-3/node3-rejoining/node1/_multi_cluster-stable_size_3_migrating.txt")
    );
    insta::assert_json_snapshot!(
        "sindex_building",
        parsed("cluster-3/sindex-building/_multi_sindex-list_and_sindex-stat_while_building.txt")
    );
    insta::assert_json_snapshot!(
        "peers_three_nodes",
        parsed("cluster-3/node1/peers-clear-std.txt")
    );
    insta::assert_json_snapshot!("latency_read", parsed("latencies_hist__test_-read.txt"));
    insta::assert_json_snapshot!("query_show_one", parsed("query-show_id_N.txt"));
    insta::assert_json_snapshot!("udf_list", parsed("udf-list.txt"));
    insta::assert_json_snapshot!(
        "udf_put_compile_error",
        parsed("udf-put_filename_broken.lua.txt")
    );
    insta::assert_json_snapshot!(
        "histogram_object_size",
        parsed("histogram_namespace_test_type_object-size.txt")
    );
    insta::assert_json_snapshot!("set_users", parsed("sets_test_users.txt"));
    insta::assert_json_snapshot!("release", parsed("release.txt"));
    insta::assert_json_snapshot!(
        "set_config_error",
        parsed("set-config_context_namespace_id_nosuch_default-ttl_0.txt")
    );
}

#[test]
fn safety_verdict_shape_during_rejoin() {
    if !common::present("snapshots_json::safety_verdict_shape_during_rejoin") {
        return;
    }
    let d = "cluster-3/node3-rejoining/node1";
    let stable = lines(&format!("{d}/_multi_cluster-stable_size_3_migrating.txt"));
    let state = NodeState::from_replies(
        &value("cluster-3/node1/node.txt"),
        &value(&format!("{d}/statistics_during_migration.txt")),
        &stable[0].value,
    )
    .unwrap();
    let obs = [
        NodeObservation {
            addr: "10.0.0.1:3000".into(),
            state: Ok(state),
        },
        NodeObservation {
            addr: "10.0.0.2:3000".into(),
            state: Err("cannot connect to 10.0.0.2:3000: Connection refused".into()),
        },
    ];
    let s = safe_to_proceed(&obs, 3);
    insta::assert_json_snapshot!(
        "safety_rejoin",
        serde_json::json!({ "safe": s.safe, "reasons": s.reasons })
    );
}
