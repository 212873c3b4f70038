//! Statistics, namespaces, sets, indexes, UDFs, config, latencies, jobs and histograms,
//! on real CE 8.1.2 fixtures.

mod common;

use asinfo::parse::*;
use asinfo::reply::ReplyError;
use common::{lines, value};

#[test]
fn statistics_single_node_and_cluster() {
    if !common::present("fixtures_data::statistics_single_node_and_cluster") {
        return;
    }
    let s = parse_statistics(&value("statistics.txt")).unwrap();
    assert_eq!(s.cluster_size, Some(1));
    assert_eq!(s.cluster_key.as_deref(), Some("EAA63F0C822A"));
    assert_eq!(s.cluster_principal.as_deref(), Some("BB901000000FC02"));
    assert_eq!(s.cluster_integrity, Some(true));
    assert_eq!(s.cluster_is_member, Some(true));
    assert_eq!(s.cluster_duplicate_nodes, None, "`null` is absent");
    assert_eq!(s.uptime, Some(40));
    assert_eq!(s.objects, Some(1500));
    assert_eq!(s.client_connections, Some(32));
    assert_eq!(s.migrate_allowed, Some(true));
    assert_eq!(s.migrate_partitions_remaining, Some(0));
    assert_eq!(s.failed_best_practices, Some(true));
    // Unknown keys are kept, with values containing ':' and ','.
    assert_eq!(s.other["batch_index_queue"], "0:0,0:0");
    assert_eq!(s.other["paxos_principal"], "BB901000000FC02");
    for n in 1..=3 {
        let s = parse_statistics(&value(&format!("cluster-3/node{n}/statistics.txt"))).unwrap();
        assert_eq!(
            (s.cluster_size, s.cluster_key.as_deref()),
            (Some(3), Some("D322C44A1A63"))
        );
        assert_eq!(s.client_connections, Some(4));
    }
    let left = parse_statistics(&value("cluster-3/after-node3-left/node1/statistics.txt")).unwrap();
    assert_eq!(
        (left.cluster_size, left.cluster_key.as_deref()),
        (Some(2), Some("653C51775291"))
    );
    let mig = parse_statistics(&value(
        "cluster-3/node3-rejoining/node1/statistics_during_migration.txt",
    ))
    .unwrap();
    assert_eq!(mig.migrate_partitions_remaining, Some(2722));
    assert_eq!(mig.cluster_key.as_deref(), Some("20DCBEC85203"));
    let after = parse_statistics(&value(
        "cluster-3/node3-rejoining/node1/statistics_after_rejoin.txt",
    ))
    .unwrap();
    assert_eq!(after.migrate_partitions_remaining, Some(0));
    assert_eq!(after.cluster_size, Some(3));
}

#[test]
fn namespaces_and_namespace_stats() {
    if !common::present("fixtures_data::namespaces_and_namespace_stats") {
        return;
    }
    assert_eq!(
        parse_namespaces(&value("namespaces.txt")).unwrap(),
        vec!["test", "bar"]
    );
    let t = parse_namespace(&value("namespace_test.txt")).unwrap();
    assert_eq!(t.ns_cluster_size, Some(1));
    assert_eq!(
        (t.objects, t.master_objects, t.prole_objects),
        (Some(1500), Some(1500), Some(0))
    );
    assert_eq!(t.replication_factor, Some(2));
    assert_eq!(t.effective_replication_factor, Some(1));
    assert_eq!(t.data_used_bytes, Some(397_648));
    assert_eq!(t.data_total_bytes, Some(1_073_741_824));
    assert_eq!(t.stop_writes, Some(false));
    assert_eq!(
        (t.client_read_success, t.client_read_error),
        (Some(95_870), Some(0))
    );
    assert_eq!(t.client_write_success, Some(97_395));
    assert_eq!(t.storage_engine.as_deref(), Some("memory"));
    assert_eq!(t.default_ttl, Some(0));
    assert_eq!(t.other["nsup-period"], "60");
    assert_eq!(t.other["storage-engine.stop-writes-used-pct"], "70");
    let b = parse_namespace(&value("namespace_bar.txt")).unwrap();
    assert_eq!((b.objects, b.data_used_bytes), (Some(0), Some(0)));
    let n1 = parse_namespace(&value("cluster-3/node1/namespace_test.txt")).unwrap();
    assert_eq!(
        (n1.objects, n1.master_objects, n1.prole_objects),
        (Some(659), Some(353), Some(306))
    );
    let mig = parse_namespace(&value(
        "cluster-3/node3-rejoining/node1/namespace_test_during_migration.txt",
    ))
    .unwrap();
    assert_eq!(mig.migrate_tx_partitions_remaining, Some(1361));
    assert_eq!(mig.prole_objects, Some(10_168));
    for n in 1..=3 {
        let bar = parse_namespace(&value(&format!("cluster-3/node{n}/namespace_bar.txt"))).unwrap();
        assert_eq!(bar.ns_cluster_size, Some(3));
    }
}

#[test]
fn sets_lists_and_single_set() {
    if !common::present("fixtures_data::sets_lists_and_single_set") {
        return;
    }
    let sets = parse_sets(&value("sets.txt")).unwrap();
    let names: Vec<_> = sets
        .iter()
        .map(|s| s.set.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names, vec!["users", "orders", "empty"]);
    assert_eq!(sets[0].ns.as_deref(), Some("test"));
    assert_eq!(
        (sets[0].objects, sets[0].data_used_bytes, sets[0].sindexes),
        (Some(1000), Some(302_688), Some(6))
    );
    assert_eq!(sets[1].objects, Some(500));
    assert_eq!(sets[0].other["default-read-touch-ttl-pct"], "0");
    assert_eq!(parse_sets(&value("sets_test.txt")).unwrap().len(), 3);
    assert!(parse_sets(&value("sets_bar.txt")).unwrap().is_empty());
    let users = parse_set(&value("sets_test_users.txt")).unwrap();
    assert_eq!(
        (users.ns, users.objects, users.truncating),
        (None, Some(1000), Some(false))
    );
    assert_eq!(
        parse_set(&value("sets_test_orders.txt")).unwrap().objects,
        Some(500)
    );
    let empty = parse_set(&value("sets_test_empty.txt")).unwrap();
    assert_eq!(
        (empty.objects, empty.truncate_lut),
        (Some(0), Some(533_000_271_213))
    );
    let before = parse_set(&value("sets_test_empty_before_truncate.txt")).unwrap();
    assert_eq!((before.objects, before.truncate_lut), (Some(25), Some(0)));
    let c = parse_sets(&value("cluster-3/node1/sets.txt")).unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[1].ns.as_deref(), c[1].set.as_deref(), c[1].objects),
        (Some("bar"), Some("items"), Some(134))
    );
    assert_eq!(
        parse_sets(&value("cluster-3/node2/sets_test.txt")).unwrap()[0]
            .set
            .as_deref(),
        Some("users")
    );
}

#[test]
fn sindex_list_every_kind() {
    if !common::present("fixtures_data::sindex_list_every_kind") {
        return;
    }
    let list = parse_sindex_list(&value("sindex-list.txt")).unwrap();
    assert_eq!(list.len(), 7);
    let by = |n: &str| {
        list.iter()
            .find(|d| d.name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let age = by("idx_users_age");
    assert_eq!(
        (age.key_type.as_deref(), age.index_type.as_deref()),
        (Some("numeric"), Some("default"))
    );
    assert_eq!(
        (age.set.as_deref(), age.bin.as_deref()),
        (Some("users"), Some("age"))
    );
    assert_eq!((age.context.as_deref(), age.exp.as_deref()), (None, None));
    assert_eq!(age.state, SindexState::ReadWrite);
    assert_eq!(by("idx_users_loc").key_type.as_deref(), Some("geo2dsphere"));
    assert_eq!(by("idx_users_tags").index_type.as_deref(), Some("list"));
    assert_eq!(
        by("idx_users_profile_city").context.as_deref(),
        Some("[map_key(<string#4>)]")
    );
    let exp = by("idx_users_exp_age");
    assert_eq!(
        (exp.bin.as_deref(), exp.exp.as_deref()),
        (None, Some("bin_int(\"age\")"))
    );
    assert_eq!(by("idx_orders_qty").set.as_deref(), Some("orders"));
    for f in [
        "sindex.txt",
        "sindex_test.txt",
        "sindex-list_ns_test.txt",
        "sindex-list_namespace_test.txt",
    ] {
        assert_eq!(parse_sindex_list(&value(f)).unwrap().len(), 7, "{f}");
    }
    let b64 = parse_sindex_list(&value("sindex-list_namespace_test_b64_true.txt")).unwrap();
    let city = b64
        .iter()
        .find(|d| d.name == "idx_users_profile_city")
        .unwrap();
    assert_eq!(city.context.as_deref(), Some("kiKlA2NpdHk="));
    assert_eq!(
        b64.iter()
            .find(|d| d.name == "idx_users_exp_age")
            .unwrap()
            .exp
            .as_deref(),
        Some("k1ECo2FnZQ==")
    );
    let c = parse_sindex_list(&value("cluster-3/node3/sindex-list_namespace_test.txt")).unwrap();
    assert_eq!(c.len(), 1);
}

#[test]
fn sindex_building_with_load_pct() {
    if !common::present("fixtures_data::sindex_building_with_load_pct") {
        return;
    }
    let l =
        lines("cluster-3/sindex-building/_multi_sindex-list_and_sindex-stat_while_building.txt");
    assert_eq!(l.len(), 2);
    let list = parse_sindex_list(&l[0].value).unwrap();
    let bulk = list.iter().find(|d| d.name == "idx_bulk_n").unwrap();
    assert_eq!(bulk.state, SindexState::WriteOnly);
    let stats = parse_sindex_stats(&l[1].value).unwrap();
    assert_eq!((stats.load_pct, stats.entries), (Some(49), Some(21_813)));
    let after = parse_sindex_list(&value(
        "cluster-3/sindex-building/sindex-list_namespace_test_after_build.txt",
    ))
    .unwrap();
    assert!(after.iter().all(|d| d.state == SindexState::ReadWrite));
    let done = parse_sindex_stats(&value(
        "cluster-3/sindex-building/sindex_test_idx_bulk_n_after_build.txt",
    ))
    .unwrap();
    assert_eq!(
        (done.load_pct, done.entries, done.load_time),
        (Some(100), Some(39_931), Some(110))
    );
}

#[test]
fn sindex_stats() {
    if !common::present("fixtures_data::sindex_stats") {
        return;
    }
    let s = parse_sindex_stats(&value("sindex_test_idx_users_age.txt")).unwrap();
    assert_eq!(
        (s.entries, s.used_bytes, s.entries_per_bval, s.load_pct),
        (Some(1000), Some(16_777_216), Some(111), Some(100))
    );
    assert!(s.other.is_empty());
    let s = parse_sindex_stats(&value(
        "sindex-stat_namespace_test_indexname_idx_users_age.txt",
    ))
    .unwrap();
    assert_eq!(s.entries, Some(1000));
    for idx in ["name", "loc", "tags", "profile_city", "exp_age"] {
        let s = parse_sindex_stats(&value(&format!("sindex_test_idx_users_{idx}.txt"))).unwrap();
        assert_eq!(s.load_pct, Some(100), "{idx}");
    }
    assert_eq!(
        parse_sindex_stats(&value("cluster-3/node1/sindex_test_idx_users_age.txt"))
            .unwrap()
            .load_pct,
        Some(100)
    );
}

#[test]
fn udf_list_get_put() {
    if !common::present("fixtures_data::udf_list_get_put") {
        return;
    }
    let list = parse_udf_list(&value("udf-list.txt")).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].filename, "example.lua");
    assert_eq!(
        list[0].hash.as_deref(),
        Some("4f3081711539c8c7fa855d73ed5cb9f6de7bcf26")
    );
    assert_eq!(list[0].udf_type.as_deref(), Some("LUA"));
    let src = parse_udf_get(&value("udf-get_filename_example.lua.txt")).unwrap();
    assert_eq!(src.udf_type.as_deref(), Some("LUA"));
    assert!(
        src.content.contains("function add_to(rec, bin, amount)"),
        "{}",
        src.content
    );
    let missing = parse_udf_get(&value("udf-get_filename_nosuch.lua.txt")).unwrap_err();
    assert!(
        matches!(missing, ReplyError::Keyed { ref kind, .. } if kind == "not_found"),
        "{missing:?}"
    );
    let put = value("udf-put_filename_example.lua.txt");
    assert!(parse_udf_put(&put).is_ok(), "{put:?}");
    let ReplyError::Keyed { kind, fields } =
        parse_udf_put(&value("udf-put_filename_broken.lua.txt")).unwrap_err()
    else {
        panic!("compile error not keyed")
    };
    assert_eq!(kind, "compile_error");
    assert_eq!(fields["file"], "broken.lua");
    assert_eq!(fields["line"], "2");
    assert_eq!(fields["message"], "')' expected near 'return'");
    let bad = parse_udf_put(&value("udf-put_missing_filename.txt")).unwrap_err();
    assert!(matches!(bad, ReplyError::Keyed { ref kind, .. } if kind == "invalid_filename"));
}

#[test]
fn get_config_contexts() {
    if !common::present("fixtures_data::get_config_contexts") {
        return;
    }
    let svc = parse_config(&value("get-config_context_service.txt")).unwrap();
    assert_eq!(svc["cluster-name"], "asd-local");
    assert_eq!(svc["proto-fd-max"], "1024");
    let after = parse_config(&value("get-config_context_service_after_set.txt")).unwrap();
    assert_eq!(after["proto-fd-max"], "15000");
    let net = parse_config(&value("get-config_context_network.txt")).unwrap();
    assert_eq!(net["service.port"], "3000");
    assert_eq!(
        parse_config(&value("cluster-3/node1/get-config_context_network.txt")).unwrap()["service.port"],
        "3100"
    );
    assert_eq!(
        parse_config(&value("cluster-3/node2/get-config_context_service.txt")).unwrap()["cluster-name"],
        "asd-cluster3"
    );
    let ns = parse_config(&value("get-config_context_namespace_id_test.txt")).unwrap();
    assert_eq!(
        (ns["nsup-period"].as_str(), ns["default-ttl"].as_str()),
        ("60", "0")
    );
    assert_eq!(
        parse_config(&value("get-config_context_namespace_namespace_test.txt")).unwrap()["replication-factor"],
        "2"
    );
    assert!(parse_config(&value("get-config.txt")).unwrap().len() > 50);
    assert!(
        parse_config(&value("get-config_context_security.txt"))
            .unwrap()
            .is_empty()
    );
    assert!(
        parse_config(&value("get-config_context_xdr.txt"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn latencies_histograms() {
    if !common::present("fixtures_data::latencies_histograms") {
        return;
    }
    let all = parse_latencies(&value("latencies_.txt")).unwrap();
    assert_eq!(all.len(), 17);
    let read = all.iter().find(|l| l.name == "{test}-read").unwrap();
    assert_eq!(read.namespace.as_deref(), Some("test"));
    assert_eq!(read.unit.as_deref(), Some("msec"));
    assert_eq!(read.ops_per_sec, Some(4401.4));
    assert_eq!(read.buckets.len(), 17);
    assert_eq!(
        (read.buckets[0].threshold, read.buckets[0].pct_over),
        (1, 0.01)
    );
    assert_eq!(read.buckets[16].threshold, 65_536);
    let bsr = all
        .iter()
        .find(|l| l.name == "{test}-batch-sub-read")
        .unwrap();
    assert_eq!(bsr.ops_per_sec, Some(44_014.0));
    let empty = all.iter().find(|l| l.name == "{bar}-si-query").unwrap();
    assert_eq!((empty.ops_per_sec, empty.buckets.len()), (None, 0));
    assert_eq!(parse_latencies(&value("latencies.txt")).unwrap().len(), 17);
    let bi = parse_latencies(&value("latencies_hist_batch-index.txt")).unwrap();
    assert_eq!(
        (
            bi[0].name.as_str(),
            bi[0].namespace.as_deref(),
            bi[0].buckets[0].pct_over
        ),
        ("batch-index", None, 0.02)
    );
    assert_eq!(
        parse_latencies(&value("latencies_hist__test_-write.txt")).unwrap()[0].name,
        "{test}-write"
    );
    assert_eq!(
        parse_latencies(&value("latencies_hist__test_-read.txt")).unwrap()[0].ops_per_sec,
        Some(4401.4)
    );
    let info = parse_latencies(&value("latencies_hist_info.txt")).unwrap();
    assert_eq!((info[0].name.as_str(), info[0].ops_per_sec), ("info", None));
}

#[test]
fn query_show_jobs() {
    if !common::present("fixtures_data::query_show_jobs") {
        return;
    }
    let jobs = parse_query_show(&value("query-show.txt")).unwrap();
    assert_eq!(jobs.len(), 6);
    let first = &jobs[0];
    assert_eq!(first.trid, 8_848_520_275_336_839_848);
    assert_eq!(first.job_type.as_deref(), Some("background-udf"));
    assert_eq!(first.status.as_deref(), Some("done(ok)"));
    assert!(!first.is_active());
    assert_eq!(first.job_progress, Some(100.0));
    assert_eq!(first.recs_succeeded, Some(333));
    assert_eq!(first.from.as_deref(), Some("127.0.0.1:52492"));
    assert_eq!(first.sindex_name.as_deref(), Some("idx_users_age"));
    assert_eq!(first.other["udf-function"], "add_to");
    assert_eq!(jobs[1].trid, 10_486_790_421_824_604_487);
    assert_eq!(
        (jobs[1].set.as_deref(), jobs[1].recs_succeeded),
        (Some("orders"), Some(500))
    );
    let one = parse_query_show(&value("query-show_id_N.txt")).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].trid, first.trid);
}

#[test]
fn histograms() {
    if !common::present("fixtures_data::histograms") {
        return;
    }
    let Histogram::Linear {
        units,
        hist_width,
        bucket_width,
        buckets,
    } = parse_histogram(&value("histogram_namespace_test_type_ttl.txt")).unwrap()
    else {
        panic!("ttl not linear")
    };
    assert_eq!(
        (units.as_str(), hist_width, bucket_width),
        ("seconds", 2_592_000, 25_920)
    );
    assert_eq!(buckets.len(), 100);
    assert_eq!(
        buckets[0], 1000,
        "records that never expire land in bucket 0"
    );
    assert_eq!(buckets.iter().sum::<u64>(), 1500);
    let Histogram::Linear { buckets, .. } = parse_histogram(&value(
        "histogram_namespace_test_type_object-size-linear.txt",
    ))
    .unwrap() else {
        panic!("object-size-linear not linear")
    };
    assert_eq!((buckets.len(), buckets[0]), (1024, 1500));
    let Histogram::Ranges { units, ranges } =
        parse_histogram(&value("histogram_namespace_test_type_object-size.txt")).unwrap()
    else {
        panic!("object-size not ranges")
    };
    assert_eq!(units, "bytes");
    assert_eq!(ranges.len(), 2);
    assert_eq!(
        (ranges[0].from, ranges[0].to, ranges[0].count),
        (128, 256, 500)
    );
    assert_eq!(ranges[1].count, 1000);
    let Histogram::Ranges { ranges, .. } = parse_histogram(&value(
        "histogram_namespace_test_set_users_type_object-size.txt",
    ))
    .unwrap() else {
        panic!()
    };
    assert_eq!((ranges[0].from, ranges[0].count), (256, 1000));
    let Histogram::Linear { buckets, .. } =
        parse_histogram(&value("histogram_namespace_test_set_orders_type_ttl.txt")).unwrap()
    else {
        panic!()
    };
    assert_eq!((buckets[0], buckets.iter().sum::<u64>()), (0, 500));
    let Histogram::Linear { buckets, .. } =
        parse_histogram(&value("histogram_namespace_test_set_users_type_ttl.txt")).unwrap()
    else {
        panic!()
    };
    assert_eq!(buckets[0], 1000);
    assert_eq!(
        parse_histogram(&value("histogram_namespace_bar_type_ttl.txt")).unwrap(),
        Histogram::Empty
    );
}
