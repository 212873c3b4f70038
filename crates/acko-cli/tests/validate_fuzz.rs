//! `acko validate` never panics: arbitrary bytes and arbitrary YAML-shaped input always end in
//! exit code 0, 1 or 2 (a panic would exit with 101).

use std::io::Write;
use std::process::{Command, Stdio};

use proptest::prelude::*;

fn run(input: &[u8]) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_acko"))
        .args(["validate", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The process may exit before reading everything; a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(input);
    let out = child.wait_with_output().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.code()
}

fn yaml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[a-zA-Z0-9 %:/.-]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("true".to_string()),
        Just("1Gbps".to_string()),
        Just("configuredIP".to_string()),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let keys = prop_oneof![
            Just("size".to_string()),
            Just("image".to_string()),
            Just("spec".to_string()),
            Just("racks".to_string()),
            Just("id".to_string()),
            Just("aerospikeConfig".to_string()),
            Just("namespaces".to_string()),
            Just("storage".to_string()),
            Just("volumes".to_string()),
            Just("source".to_string()),
            Just("persistentVolume".to_string()),
            Just("rackConfig".to_string()),
            "[a-z]{1,8}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((keys, inner), 0..4).prop_map(|kv| {
                let body: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let code = run(&bytes);
        prop_assert!(matches!(code, Some(0..=2)), "exit code {code:?}");
    }

    #[test]
    fn arbitrary_cluster_shaped_yaml_never_panics(spec in yaml_value()) {
        let doc = format!("apiVersion: acko.io/v1alpha1\nkind: AerospikeCluster\nmetadata: {{name: x}}\nspec: {spec}\n");
        let code = run(doc.as_bytes());
        prop_assert!(matches!(code, Some(0..=2)), "exit code {code:?} for {doc}");
    }
}
