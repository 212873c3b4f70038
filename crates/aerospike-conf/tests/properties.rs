//! Property tests: rendering is stable through parsing, `from_spec` never panics, JSON
//! conversion round-trips, and merging behaves like its documentation says.

use aerospike_conf::{AerospikeConf, ChangeKind, Item, Line, Stanza, changed_keys, deep_merge};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn token() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9./:_-]{0,7}"
}

fn line() -> impl Strategy<Value = Item> {
    (token(), prop::collection::vec(token(), 0..3))
        .prop_map(|(key, values)| Item::Line(Line { key, values }))
}

fn item() -> impl Strategy<Value = Item> {
    line().prop_recursive(3, 24, 5, |inner| {
        (
            token(),
            prop::collection::vec(token(), 0..2),
            prop::collection::vec(inner, 0..5),
        )
            .prop_map(|(name, args, items)| Item::Stanza(Stanza { name, args, items }))
    })
}

fn model() -> impl Strategy<Value = AerospikeConf> {
    prop::collection::vec(item(), 0..6).prop_map(|items| AerospikeConf { items })
}

/// Any JSON, with keys drawn from real config words and troublesome strings.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "name",
        "type",
        "namespaces",
        "namespace",
        "logging",
        "storage-engine",
        "devices",
        "device",
        "files",
        "file",
        "sets",
        "set",
        "service",
        "network",
        "heartbeat",
        "mesh-seed-address-port",
        "any",
        "x",
        "",
        "a b",
        "{",
        "#",
    ])
    .prop_map(str::to_string);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[ -~\n]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Plausible, valid `aerospikeConfig` values.
fn valid_spec() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (0i64..100_000).prop_map(Value::from),
        "[a-z0-9/.]{1,6}( [a-z0-9]{1,4})?".prop_map(Value::String),
    ];
    let key = "[a-z][a-z-]{0,8}";
    let params = prop::collection::btree_map(key, scalar, 0..4);
    let namespace = (
        "[a-z]{1,6}",
        params.clone(),
        prop_oneof![Just("memory"), Just("device")],
        prop::collection::vec("/dev/[a-z]{3}", 0..3),
    )
        .prop_map(|(name, p, ty, devices)| {
            let mut m: Map<String, Value> = p.into_iter().filter(|(k, _)| k != "name").collect();
            m.insert("name".into(), json!(name));
            let mut se = Map::new();
            se.insert("type".into(), json!(ty));
            if !devices.is_empty() {
                se.insert("devices".into(), json!(devices));
            }
            m.insert("storage-engine".into(), Value::Object(se));
            Value::Object(m)
        });
    (
        params.clone(),
        params,
        prop::collection::vec(namespace, 0..3),
        prop::collection::vec(("[a-z]{1,5}", 1000u16..9999), 0..3),
    )
        .prop_map(|(service, hb, namespaces, seeds)| {
            let mut names = std::collections::BTreeSet::new();
            let namespaces: Vec<Value> = namespaces
                .into_iter()
                .filter(|n| names.insert(n["name"].as_str().unwrap_or_default().to_string()))
                .collect();
            let seeds: Vec<String> = seeds.iter().map(|(h, p)| format!("{h} {p}")).collect();
            let mut heartbeat: Map<String, Value> = hb.into_iter().collect();
            heartbeat.insert("mesh-seed-address-port".into(), json!(seeds));
            json!({
                "service": service,
                "network": {"heartbeat": heartbeat, "service": {"port": 3000}},
                "namespaces": namespaces,
                "logging": [{"name": "console", "any": "info"}],
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn render_parse_render_is_stable(conf in model()) {
        let text = conf.render();
        let parsed = AerospikeConf::parse(&text).expect("rendered text parses");
        prop_assert_eq!(&parsed, &conf);
        prop_assert_eq!(parsed.render(), text);
    }

    #[test]
    fn from_spec_never_panics(spec in any_json()) {
        // Errors are fine; panics are not. Successful results must render and parse back.
        if let Ok(conf) = AerospikeConf::from_spec(&spec) {
            let text = conf.render();
            prop_assert_eq!(AerospikeConf::parse(&text).expect("parses"), conf);
        }
        let _ = AerospikeConf::from_spec(&json!({"x": spec.clone()}));
        let _ = AerospikeConf::from_spec(&json!({"namespaces": [{"name": "n", "storage-engine": spec}]}));
    }

    #[test]
    fn parse_never_panics(text in "[ -~\t\n{}#]{0,200}") {
        let _ = AerospikeConf::parse(&text);
    }

    #[test]
    fn spec_render_parse_render_and_json_round_trip(spec in valid_spec()) {
        let conf = AerospikeConf::from_spec(&spec).expect("valid spec");
        let text = conf.render();
        let parsed = AerospikeConf::parse(&text).expect("parses");
        prop_assert_eq!(parsed.render(), text.clone());
        let json = conf.to_spec_json().expect("expressible");
        let back = AerospikeConf::from_spec(&json).expect("own JSON is valid");
        prop_assert_eq!(back.render(), text);
    }

    #[test]
    fn merge_with_empty_or_null_overlay_is_identity(base in any_json()) {
        prop_assert_eq!(deep_merge(&base, &Value::Null), base.clone());
        if base.is_object() {
            let merged = deep_merge(&base, &json!({}));
            prop_assert_eq!(strip(&merged), strip(&base));
        }
    }

    #[test]
    fn a_config_has_no_changes_against_itself_and_every_edit_is_seen(
        conf in model(),
        key in "[a-z]{1,6}",
        value in "[a-z0-9]{1,6}",
    ) {
        prop_assert!(changed_keys(&conf, &conf.clone()).is_empty());
        let mut edited = conf.clone();
        let path = format!("zz-edit.{key}");
        edited.set(&path, &value).expect("valid path");
        let changes = changed_keys(&conf, &edited);
        prop_assert!(!changes.is_empty());
        // A brand-new stanza is never applied at runtime.
        prop_assert!(changes.iter().all(|c| c.kind == ChangeKind::Static));
    }

    #[test]
    fn merge_with_itself_is_idempotent(base in valid_spec()) {
        prop_assert_eq!(deep_merge(&base, &base), base);
    }
}

/// Null map values mean "absent"; compare without them.
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(l) => Value::Array(l.iter().map(strip).collect()),
        o => o.clone(),
    }
}
