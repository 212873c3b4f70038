//! `from_spec` rejects bad input with the JSON path and a fix; `parse` gives line/column.

use aerospike_conf::{AerospikeConf, ConfError};
use serde_json::{Value, json};

fn err(spec: Value) -> ConfError {
    AerospikeConf::from_spec(&spec).expect_err("spec should be rejected")
}

#[test]
fn storage_engine_without_type_names_the_namespace_index() {
    let e = err(json!({"namespaces": [
        {"name": "a", "storage-engine": {"type": "memory"}},
        {"name": "b", "storage-engine": {"devices": ["/dev/sdb"]}}
    ]}));
    assert_eq!(e.path, "aerospikeConfig.namespaces[1].storage-engine");
    assert!(e.message.contains("missing `type`"), "{e}");
}

#[test]
fn storage_engine_of_wrong_kind() {
    let e = err(json!({"namespaces": [{"name": "a", "storage-engine": {"type": ["memory"]}}]}));
    assert_eq!(e.path, "aerospikeConfig.namespaces[0].storage-engine.type");
    let e = err(json!({"namespaces": [{"name": "a", "storage-engine": ["memory"]}]}));
    assert_eq!(e.path, "aerospikeConfig.namespaces[0].storage-engine");
}

#[test]
fn values_that_would_break_the_file_are_rejected() {
    for bad in ["a\nb", "x {", "}", "1G # comment", ""] {
        let e = err(json!({"service": {"cluster-name": bad}}));
        assert_eq!(e.path, "aerospikeConfig.service.cluster-name", "{bad:?}");
    }
    let e = err(json!({"service": {"bad key": 1}}));
    assert_eq!(e.path, "aerospikeConfig.service.bad key");
    assert!(e.message.contains("whitespace"), "{e}");
}

#[test]
fn namespaces_must_be_a_list_of_named_maps() {
    let e = err(json!({"namespaces": {"test": {}}}));
    assert_eq!(e.path, "aerospikeConfig.namespaces");
    let e = err(json!({"namespaces": [{"replication-factor": 2}]}));
    assert_eq!(e.path, "aerospikeConfig.namespaces[0]");
    assert!(e.message.contains("missing `name`"));
    let e = err(json!({"namespaces": [{"name": "a"}, {"name": "a"}]}));
    assert_eq!(e.path, "aerospikeConfig.namespaces[1].name");
    assert!(e.message.contains("duplicate"));
    let e = err(json!({"namespace": {"name": "a"}}));
    assert!(e.message.contains("namespaces: ["), "{e}");
}

#[test]
fn both_plural_and_singular_spellings_are_ambiguous() {
    let e = err(json!({"namespaces": [{"name": "a", "storage-engine":
        {"type": "device", "device": "/dev/sda", "devices": ["/dev/sdb"]}}]}));
    assert_eq!(
        e.path,
        "aerospikeConfig.namespaces[0].storage-engine.devices"
    );
    assert!(e.message.contains("keep only one"));
}

#[test]
fn singular_device_spelling_works_like_plural() {
    let a = AerospikeConf::from_spec(&json!({"namespaces": [{"name": "a", "storage-engine":
        {"type": "device", "device": ["/dev/sda", "/dev/sdb"]}}]}))
    .unwrap();
    let b = AerospikeConf::from_spec(&json!({"namespaces": [{"name": "a", "storage-engine":
        {"type": "device", "devices": ["/dev/sda", "/dev/sdb"]}}]}))
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.namespaces()[0].devices, ["/dev/sda", "/dev/sdb"]);
}

#[test]
fn logging_problems_are_located() {
    let e = err(json!({"logging": {"console": {}}}));
    assert_eq!(e.path, "aerospikeConfig.logging");
    let e = err(json!({"logging": [{"name": "console"}, {"name": "stderr"}]}));
    assert_eq!(e.path, "aerospikeConfig.logging[1].name");
    let e = err(json!({"logging": [{"name": "console", "any": {"level": "info"}}]}));
    assert_eq!(e.path, "aerospikeConfig.logging[0].any");
}

#[test]
fn top_level_scalars_and_bad_roots_are_rejected() {
    assert_eq!(err(json!({"x": 1})).path, "aerospikeConfig.x");
    assert_eq!(err(json!([1])).path, "aerospikeConfig");
    assert_eq!(
        AerospikeConf::from_spec(&Value::Null).unwrap(),
        AerospikeConf::new()
    );
}

#[test]
fn mixed_lists_are_rejected() {
    let e = err(
        json!({"network": {"heartbeat": {"mesh-seed-address-port": ["a 3002", {"name": "b"}]}}}),
    );
    assert_eq!(
        e.path,
        "aerospikeConfig.network.heartbeat.mesh-seed-address-port[1]"
    );
    let e = err(json!({"service": {"x": [[1]]}}));
    assert_eq!(e.path, "aerospikeConfig.service.x[0]");
}

#[test]
fn floats_print_canonically() {
    let conf =
        AerospikeConf::from_spec(&json!({"service": {"a": 2.0, "b": 0.1, "c": -0.0, "d": 1e300}}))
            .unwrap();
    assert_eq!(conf.get_value("service.a"), Some("2"));
    assert_eq!(conf.get_value("service.b"), Some("0.1"));
    assert_eq!(conf.get_value("service.c"), Some("0"));
    assert_eq!(conf.get_value("service.d").map(str::len), Some(301));
}

#[test]
fn parse_errors_carry_line_and_column() {
    let e = AerospikeConf::parse("service {\n    proto-fd-max 1 }\n}\n").unwrap_err();
    assert_eq!((e.line, e.column), (2, 20));
    let e = AerospikeConf::parse("service {\n}\n}\n").unwrap_err();
    assert_eq!((e.line, e.column), (3, 1));
    assert!(e.message.contains("without a matching"));
    let e = AerospikeConf::parse("# hi\nnamespace test {\n  replication-factor 2\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("namespace test"), "{e}");
    let e = AerospikeConf::parse("  {\n}\n").unwrap_err();
    assert_eq!((e.line, e.column), (1, 3));
    assert_eq!(e.to_string(), format!("line 1, column 3: {}", e.message));
}

#[test]
fn parse_accepts_compact_forms_and_comments() {
    let conf = AerospikeConf::parse("service{\nx 1 # one\n}\nlogging {\n console {}\n}\n").unwrap();
    assert_eq!(conf.get_value("service.x"), Some("1"));
    assert!(
        conf.get_stanza("logging.console")
            .is_some_and(|s| s.items.is_empty())
    );
}
