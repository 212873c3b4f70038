//! Rack-override merge semantics and the path-based editing helpers.

use aerospike_conf::{AerospikeConf, deep_merge, parse_path};
use serde_json::json;

#[test]
fn maps_merge_recursively_and_null_removes() {
    let base = json!({"service": {"a": 1, "b": 2}, "network": {"service": {"port": 3000}}});
    let overlay = json!({"service": {"b": null, "c": 3}, "network": {"service": {"port": 4000}}});
    assert_eq!(
        deep_merge(&base, &overlay),
        json!({"service": {"a": 1, "c": 3}, "network": {"service": {"port": 4000}}})
    );
}

#[test]
fn named_lists_merge_by_name_and_keep_base_order() {
    let base = json!({"namespaces": [{"name": "a", "x": 1}, {"name": "b", "x": 2}]});
    let overlay = json!({"namespaces": [{"name": "c", "x": 9}, {"name": "a", "x": null, "y": 5}]});
    assert_eq!(
        deep_merge(&base, &overlay),
        json!({"namespaces": [{"name": "a", "y": 5}, {"name": "b", "x": 2}, {"name": "c", "x": 9}]})
    );
}

#[test]
fn other_lists_and_scalars_are_replaced() {
    let base = json!({"d": ["/dev/a", "/dev/b"], "s": "x", "m": {"k": 1}});
    let overlay = json!({"d": ["/dev/c"], "s": {"now": "a map"}, "m": 7});
    assert_eq!(
        deep_merge(&base, &overlay),
        json!({"d": ["/dev/c"], "s": {"now": "a map"}, "m": 7})
    );
    // An empty list replaces a named list (the way to drop every entry).
    assert_eq!(
        deep_merge(&json!({"l": [{"name": "a"}]}), &json!({"l": []})),
        json!({"l": []})
    );
}

#[test]
fn new_overlay_subtrees_lose_their_null_markers() {
    let merged = deep_merge(&json!({}), &json!({"service": {"a": null, "b": 1}}));
    assert_eq!(merged, json!({"service": {"b": 1}}));
}

#[test]
fn set_inserts_after_existing_lines_and_creates_stanzas() {
    let mut conf = AerospikeConf::parse(
        "network {\n service {\n  port 3000\n }\n heartbeat {\n  mode mesh\n }\n}\n",
    )
    .unwrap();
    conf.set("network.service.access-address", "10.1.2.3")
        .unwrap();
    conf.set("network.service.port", "3100").unwrap();
    conf.set("network.info.port", "3003").unwrap();
    conf.set("namespace[test].storage-engine[device].device", "/dev/sda")
        .unwrap();
    insta::assert_snapshot!(conf.render());
}

#[test]
fn set_all_replaces_repeated_keys_in_place() {
    let mut conf = AerospikeConf::parse(
        "namespace t {\n storage-engine device {\n  device /a\n  filesize 1G\n  device /b\n }\n}\n",
    )
    .unwrap();
    conf.set_all(
        "namespace[t].storage-engine[device].device",
        &["/x", "/y", "/z"],
    )
    .unwrap();
    assert_eq!(conf.namespaces()[0].devices, ["/x", "/y", "/z"]);
    let text = conf.render();
    assert!(
        text.contains(
            "        device /x\n        device /y\n        device /z\n        filesize 1G\n"
        ),
        "{text}"
    );
    conf.set_all::<&str>("namespace[t].storage-engine[device].device", &[])
        .unwrap();
    assert!(conf.namespaces()[0].devices.is_empty());
}

#[test]
fn mesh_seeds_are_replaced_not_accumulated() {
    let mut conf = AerospikeConf::parse(include_str!("fixtures/node1.conf")).unwrap();
    let seeds = vec![
        ("aero-0.aero.db.svc".to_string(), 3002),
        ("aero-1.aero.db.svc".to_string(), 3002),
    ];
    conf.set_mesh_seeds(&seeds).unwrap();
    conf.set_mesh_seeds(&seeds).unwrap();
    assert_eq!(conf.mesh_seeds(), seeds);
    // The seeds stay where the old ones were: after `port`, before `interval`.
    let hb = conf.get_stanza("network.heartbeat").unwrap();
    let keys: Vec<&str> = hb
        .items
        .iter()
        .filter_map(|i| match i {
            aerospike_conf::Item::Line(l) => Some(l.key.as_str()),
            aerospike_conf::Item::Stanza(_) => None,
        })
        .collect();
    assert_eq!(
        keys,
        [
            "mode",
            "address",
            "port",
            "mesh-seed-address-port",
            "mesh-seed-address-port",
            "interval",
            "timeout"
        ]
    );
    assert!(conf.set_mesh_seeds(&[("bad host".to_string(), 1)]).is_err());
}

#[test]
fn remove_deletes_lines_or_stanzas() {
    let mut conf = AerospikeConf::parse(include_str!("fixtures/aerospike.conf")).unwrap();
    assert_eq!(conf.remove("network.admin").unwrap(), 1);
    assert_eq!(conf.ports().admin, None);
    assert_eq!(conf.remove("namespace[bar]").unwrap(), 1);
    assert_eq!(conf.namespaces().len(), 1);
    assert_eq!(conf.remove("service.proto-fd-max").unwrap(), 1);
    assert_eq!(conf.remove("service.proto-fd-max").unwrap(), 0);
    assert_eq!(conf.remove("nosuch.stanza.key").unwrap(), 0);
    // Removing from an absent stanza does not create it.
    assert!(conf.get_stanza("nosuch").is_none());
}

#[test]
fn paths_are_validated() {
    assert!(parse_path("logging.file[/var/log/a.log].context").is_ok());
    assert_eq!(parse_path("namespace[test]").unwrap()[0].args, ["test"]);
    let mut conf = AerospikeConf::new();
    for bad in ["", "a..b", "a[x", "a[x]b", "a.b[c]"] {
        assert!(conf.set(bad, "1").is_err(), "{bad:?} should be rejected");
    }
    assert!(conf.set("service.x", "a{").is_err());
    assert!(
        conf.items.is_empty(),
        "failed edits must not change the model"
    );
}
