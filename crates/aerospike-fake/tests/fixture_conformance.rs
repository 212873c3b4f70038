//! Replies compared with the real CE 8.1.2 captures in `shared/fixtures/aerospike-ce-8.1`
//! (set `AEROSPIKE_FIXTURES` to another copy). Skipped with a notice when the folder is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aerospike_fake::{FakeCluster, FakeOptions};

fn fixtures() -> Option<PathBuf> {
    asinfo::fixtures::ce81_or_skip("aerospike-fake conformance")
}

/// (command, value) of a one-command fixture file.
fn fixture(dir: &Path, file: &str) -> (String, String) {
    let text = std::fs::read_to_string(dir.join(file)).expect("fixture readable");
    let line = text.strip_suffix('\n').unwrap_or(&text);
    let (cmd, value) = line.split_once('\t').expect("cmd<TAB>value");
    (cmd.to_string(), value.to_string())
}

async fn ask(addr: &str, cmd: &str) -> String {
    asinfo::Client::new(addr.to_string())
        .info_one(cmd)
        .await
        .expect("info call")
}

fn keys(value: &str, item_sep: char, kv_sep: char) -> Vec<String> {
    value
        .split(item_sep)
        .filter(|s| !s.is_empty())
        .filter_map(|kv| kv.split_once(kv_sep).map(|(k, _)| k.to_string()))
        .collect()
}

#[tokio::test]
async fn exact_replies_match_the_capture() {
    let Some(dir) = fixtures() else { return };
    let fake = FakeCluster::start(1, FakeOptions::default()).await.unwrap();
    let addr = fake.addrs()[0].to_string();
    let files = [
        "build.txt",
        "edition.txt",
        "version.txt",
        "features.txt",
        "compatibility-id.txt",
        "status.txt",
        "peers-clear-std.txt",
        "peers-generation.txt",
        "partition-generation.txt",
        "alumni-clear-std.txt",
        "services.txt",
        "namespaces.txt",
        "cluster-size.txt",
        "no-such-command.txt",
        "jobs_.txt",
        "scan-show.txt",
        "bins.txt",
        "namespace_nosuch.txt",
        "sets_nosuch.txt",
        "sindex_test_nosuch.txt",
        "get-config_context_nosuch.txt",
        "get-config_context_security.txt",
        "get-config_context_xdr.txt",
        "set-config_context_nosuch_x_1.txt",
        "set-config_context_service_no-such-param_1.txt",
        "set-config_context_service_proto-fd-max_99999999.txt",
        "set-config_context_namespace_id_nosuch_default-ttl_0.txt",
        "set-config_context_namespace_id_test_default-ttl_100.txt",
        "cluster-stable_size_x.txt",
        "cluster-stable_size_3_ignore-migrations_false.txt",
        "udf-get_filename_nosuch.lua.txt",
        "udf-put_missing_filename.txt",
        "udf-put_filename_broken.lua.txt",
        "truncate_namespace_nosuch_set_x.txt",
        "sindex-delete_namespace_test_indexname_nosuch.txt",
        "sindex-exists_namespace_test_indexname_nosuch.txt",
        "query-show_id_12345.txt",
        "latencies_hist_nosuch.txt",
        "quiesce_.txt",
        "quiesce-undo_.txt",
        "racks_.txt",
        "rack-ids.txt",
        "roster_.txt",
        "roster_namespace_test.txt",
        "feature-key.txt",
        "xdr-dc-state.txt",
        "peers-tls-std.txt",
        "partitions.txt",
        "rebalance-generation.txt",
        "health-outliers.txt",
        "index-pressure.txt",
        "truncate-namespace_namespace_nosuch.txt",
        "truncate-namespace-undo_namespace_bar.txt",
        "truncate-undo_namespace_test_set_empty.txt",
    ];
    let mut mismatches = Vec::new();
    for f in files {
        let (cmd, want) = fixture(&dir, f);
        let got = ask(&addr, &cmd).await;
        if got != want {
            mismatches.push(format!("{cmd}: fake {got:?}, CE {want:?}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "replies differ:\n{}",
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn structured_replies_use_the_captured_field_names() {
    let Some(dir) = fixtures() else { return };
    let fake = FakeCluster::start(1, FakeOptions::default()).await.unwrap();
    fake.load_demo();
    let addr = fake.addrs()[0].to_string();

    // sets: same fields in the same order.
    let (_, want) = fixture(&dir, "sets_test_users.txt");
    let got = ask(&addr, "sets/test/users").await;
    assert_eq!(keys(&got, ':', '='), keys(&want, ':', '='));
    assert!(got.ends_with(';'));

    // sindex-list: same fields in the same order.
    let (_, want) = fixture(&dir, "sindex-list.txt");
    let got = ask(&addr, "sindex-list").await;
    let first = |v: &str| keys(v.split(';').next().unwrap(), ':', '=');
    assert_eq!(first(&got), first(&want));

    // Geo and context indexes of the demo print exactly like the capture's, with and
    // without b64=true.
    for (cmd, file) in [
        ("sindex-list", "sindex-list.txt"),
        (
            "sindex-list:namespace=test;b64=true",
            "sindex-list_namespace_test_b64_true.txt",
        ),
    ] {
        let (_, want) = fixture(&dir, file);
        let got = ask(&addr, cmd).await;
        for name in ["idx_users_loc", "idx_users_profile_city"] {
            let line = |v: &str| {
                v.split(';')
                    .find(|l| l.contains(&format!(":indexname={name}:")))
                    .map(str::to_string)
            };
            assert_eq!(line(&got), line(&want), "{cmd} {name}");
            assert!(line(&got).is_some(), "{cmd} {name}");
        }
    }

    // sindex stats.
    let (_, want) = fixture(&dir, "sindex_test_idx_users_age.txt");
    let got = ask(&addr, "sindex/test/idx_users_age").await;
    assert_eq!(keys(&got, ';', '='), keys(&want, ';', '='));

    // statistics and namespace/<ns>: every key the fake sends exists on CE (plus `fake`).
    for (file, cmd) in [
        ("statistics.txt", "statistics"),
        ("namespace_test.txt", "namespace/test"),
    ] {
        let (_, want) = fixture(&dir, file);
        let known: BTreeSet<String> = keys(&want, ';', '=').into_iter().collect();
        let got = ask(&addr, cmd).await;
        let unknown: Vec<String> = keys(&got, ';', '=')
            .into_iter()
            .filter(|k| k != "fake" && !known.contains(k))
            .collect();
        assert!(
            unknown.is_empty(),
            "{cmd}: keys CE does not send: {unknown:?}"
        );
    }

    // cluster-stable: the cluster key, upper-case hex without padding, like CE.
    let (_, want) = fixture(&dir, "cluster-stable_size_1_namespace_test.txt");
    let got = ask(&addr, "cluster-stable:size=1;namespace=test").await;
    let hex = |v: &str| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    };
    assert!(hex(&want) && hex(&got), "{got} vs {want}");

    // udf-list shape.
    let (_, want) = fixture(&dir, "udf-list.txt");
    let got = ask(&addr, "udf-list").await;
    assert_eq!(keys(&got, ',', '='), keys(&want, ',', '='));
}
