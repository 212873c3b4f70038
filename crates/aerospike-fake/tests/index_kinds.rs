//! Geo, CDT-context, collection, expression and blob secondary indexes, geo filter
//! expressions, index build state and measured latencies, through the official client
//! against 1- and 3-node fakes.

// Client policies are meant to be built field by field after `default()`.
#![allow(clippy::field_reassign_with_default)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use aerospike::expressions as exp;
use aerospike::operations::cdt_context::{ctx_list_index, ctx_map_key};
use aerospike::query::{Filter, Statement};
use aerospike::task::{IndexTask, Status, Task};
use aerospike::{
    AdminPolicy, Bins, Client, CollectionIndexType, Error, IndexType, PartitionFilter, QueryPolicy,
    ResultCode, Value, WritePolicy, as_bin, as_key,
};
use futures::StreamExt;

async fn index_ready(task: &IndexTask) {
    for _ in 0..400 {
        if matches!(task.query_status().await, Ok(Status::Complete)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("index never finished building");
}

#[allow(clippy::too_many_arguments)]
async fn index(
    c: &Client,
    set: &str,
    bin: &str,
    name: &str,
    it: IndexType,
    cit: CollectionIndexType,
    ctx: Option<&[aerospike::operations::CdtContext]>,
) {
    let task = c
        .create_index_on_bin(
            &AdminPolicy::default(),
            "test",
            set,
            bin,
            name,
            it,
            cit,
            ctx,
        )
        .await
        .unwrap();
    index_ready(&task).await;
}

/// Runs a query to the end; returns the user keys (integers) of the records, sorted.
async fn keys(c: &Client, set: &str, filter: Filter, qp: &QueryPolicy) -> Vec<i64> {
    let mut s = Statement::new("test", set, Bins::All);
    s.set_filter(filter);
    let rs = c.query(qp, PartitionFilter::all(), s).await.unwrap();
    let mut out: Vec<i64> = rs
        .into_stream()
        .map(|r| {
            let r = r.unwrap();
            match r.key.as_ref().and_then(|k| k.user_key().cloned()) {
                Some(Value::Int(i)) => i,
                other => panic!("record without an integer user key: {other:?}"),
            }
        })
        .collect()
        .await;
    out.sort_unstable();
    out
}

async fn query_error(c: &Client, set: &str, filter: Filter) -> Error {
    let mut s = Statement::new("test", set, Bins::All);
    s.set_filter(filter);
    match c
        .query(&QueryPolicy::default(), PartitionFilter::all(), s)
        .await
    {
        Err(e) => e,
        Ok(rs) => rs
            .into_stream()
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .find_map(Result::err)
            .expect("the query fails"),
    }
}

fn wp() -> WritePolicy {
    let mut wp = WritePolicy::default();
    wp.send_key = true;
    wp
}

fn point(lng: f64, lat: f64) -> String {
    format!(r#"{{"type":"Point","coordinates":[{lng},{lat}]}}"#)
}

fn square(lng: f64, lat: f64, half: f64) -> String {
    let (w, e, s, n) = (lng - half, lng + half, lat - half, lat + half);
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}"#
    )
}

async fn geo_queries(nodes: usize) {
    let t = common::fake(nodes).await;
    let c = &t.client;
    // 20 points along latitude 37, 0.01 degree (≈ 888 m) apart, starting at -122.
    for i in 0..20i64 {
        let p = point(-122.0 + i as f64 * 0.01, 37.0);
        c.put(
            &wp(),
            &as_key!("test", "pts", i),
            &[as_bin!("loc", Value::GeoJson(p))],
        )
        .await
        .unwrap();
    }
    let regions = [
        square(-122.0, 37.0, 0.1),
        square(10.0, 50.0, 0.1),
        r#"{"type":"AeroCircle","coordinates":[[-122.05,37.0],1000]}"#.to_string(),
        r#"{"type":"AeroCircle","coordinates":[[-121.0,37.0],1000]}"#.to_string(),
    ];
    for (i, r) in regions.iter().enumerate() {
        let k = as_key!("test", "areas", i as i64);
        c.put(&wp(), &k, &[as_bin!("area", Value::GeoJson(r.clone()))])
            .await
            .unwrap();
    }
    let (geo, dflt) = (IndexType::Geo2DSphere, CollectionIndexType::Default);
    index(c, "pts", "loc", "idx_pts_loc", geo.clone(), dflt, None).await;
    index(c, "areas", "area", "idx_areas", geo, dflt, None).await;
    let qp = QueryPolicy::default();

    // Points 0..=9 lie in [-122.005, -121.905] x [36.9, 37.1].
    let region = r#"{"type":"Polygon","coordinates":[[[-122.005,36.9],[-121.905,36.9],[-121.905,37.1],[-122.005,37.1],[-122.005,36.9]]]}"#.to_string();
    let within = keys(c, "pts", Filter::geo_within_region("loc", &region), &qp).await;
    assert_eq!(within, (0..10).collect::<Vec<_>>());
    let by_name = Filter::geo_within_region_by_index("idx_pts_loc", &region);
    assert_eq!(keys(c, "pts", by_name, &qp).await, within);

    // 2 km around the first point: 0, 888 and 1776 m away.
    let near = keys(
        c,
        "pts",
        Filter::geo_within_radius("loc", -122.0, 37.0, 2000.0),
        &qp,
    )
    .await;
    assert_eq!(near, vec![0, 1, 2]);

    // Regions containing (-122.05, 37): the big square and the first circle.
    let q = point(-122.05, 37.0);
    let containing = keys(c, "areas", Filter::geo_contains("area", &q), &qp).await;
    assert_eq!(containing, vec![0, 2]);
    let far = point(0.0, 0.0);
    assert!(
        keys(c, "areas", Filter::geo_contains("area", &far), &qp)
            .await
            .is_empty()
    );

    // The same through filter expressions, on a scan.
    let mut qp_exp = QueryPolicy::default();
    qp_exp.base_policy.filter_expression = Some(exp::geo_compare(
        exp::geo_bin("loc".to_string()),
        exp::geo_val(region.clone()),
    ));
    let mut s = Statement::new("test", "pts", Bins::All);
    s.bins = Bins::All;
    let rs = c.query(&qp_exp, PartitionFilter::all(), s).await.unwrap();
    assert_eq!(rs.into_stream().collect::<Vec<_>>().await.len(), 10);
    qp_exp.base_policy.filter_expression = Some(exp::geo_compare(
        exp::geo_bin("area".to_string()),
        exp::geo_val(q.clone()),
    ));
    let rs = c
        .query(
            &qp_exp,
            PartitionFilter::all(),
            Statement::new("test", "areas", Bins::All),
        )
        .await
        .unwrap();
    assert_eq!(rs.into_stream().collect::<Vec<_>>().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn geo_queries_one_node() {
    geo_queries(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn geo_queries_three_nodes() {
    geo_queries(3).await;
}

async fn context_collection_expression_and_blob_indexes(nodes: usize) {
    let t = common::fake(nodes).await;
    let c = &t.client;
    let cities = ["Paris", "Berlin", "Rome"];
    for i in 0..30i64 {
        let profile = Value::from(
            [
                (Value::from("city"), Value::from(cities[i as usize % 3])),
                (Value::from("zip"), Value::from(1000 + i)),
            ]
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>(),
        );
        let scores = Value::List(vec![Value::from(i), Value::from(100 - i)]);
        let attrs = Value::from(
            [(Value::from(format!("k{}", i % 5)), Value::from(i % 7))]
                .into_iter()
                .collect::<std::collections::HashMap<_, _>>(),
        );
        let blob = Value::Blob(vec![0xAB, (i % 4) as u8]);
        c.put(
            &wp(),
            &as_key!("test", "cdt", i),
            &[
                as_bin!("profile", profile),
                as_bin!("scores", scores),
                as_bin!("attrs", attrs),
                as_bin!("blob", blob),
                as_bin!("age", i),
            ],
        )
        .await
        .unwrap();
    }
    let city_ctx = [ctx_map_key(Value::from("city"))];
    let first_ctx = [ctx_list_index(0)];
    let (s, n, d) = (
        IndexType::String,
        IndexType::Numeric,
        CollectionIndexType::Default,
    );
    index(
        c,
        "cdt",
        "profile",
        "idx_city",
        s.clone(),
        d,
        Some(&city_ctx),
    )
    .await;
    index(
        c,
        "cdt",
        "scores",
        "idx_first",
        n.clone(),
        d,
        Some(&first_ctx),
    )
    .await;
    index(
        c,
        "cdt",
        "attrs",
        "idx_attr_k",
        s,
        CollectionIndexType::MapKeys,
        None,
    )
    .await;
    index(
        c,
        "cdt",
        "attrs",
        "idx_attr_v",
        n,
        CollectionIndexType::MapValues,
        None,
    )
    .await;
    index(c, "cdt", "blob", "idx_blob", IndexType::Blob, d, None).await;
    let task = c
        .create_index_using_expression(
            &AdminPolicy::default(),
            "test",
            "cdt",
            "idx_age_x2",
            IndexType::Numeric,
            CollectionIndexType::Default,
            &exp::num_mul(vec![exp::int_bin("age".to_string()), exp::int_val(2)]),
        )
        .await
        .unwrap();
    index_ready(&task).await;
    let qp = QueryPolicy::default();

    let paris = Filter::equal("profile", "Paris").context(city_ctx.to_vec());
    let want: Vec<i64> = (0..30).filter(|i| i % 3 == 0).collect();
    assert_eq!(keys(c, "cdt", paris, &qp).await, want);
    let first = Filter::range("scores", 5, 7).context(first_ctx.to_vec());
    assert_eq!(keys(c, "cdt", first, &qp).await, vec![5, 6, 7]);
    // Without the context the query names no existing index.
    let e = query_error(c, "cdt", Filter::equal("profile", "Paris")).await;
    assert!(e.matches(&[ResultCode::IndexNotFound]), "{e:?}");

    let mk = Filter::contains("attrs", "k2", CollectionIndexType::MapKeys);
    let want: Vec<i64> = (0..30).filter(|i| i % 5 == 2).collect();
    assert_eq!(keys(c, "cdt", mk, &qp).await, want);
    let mv = Filter::contains_range("attrs", 5, 6, CollectionIndexType::MapValues);
    let want: Vec<i64> = (0..30).filter(|i| i % 7 >= 5).collect();
    assert_eq!(keys(c, "cdt", mv, &qp).await, want);

    let blob = Filter::equal("blob", vec![0xABu8, 1]);
    let want: Vec<i64> = (0..30).filter(|i| i % 4 == 1).collect();
    assert_eq!(keys(c, "cdt", blob, &qp).await, want);

    // Expression index: by name and by expression.
    let by_name = Filter::range_by_index("idx_age_x2", 10, 14);
    assert_eq!(keys(c, "cdt", by_name, &qp).await, vec![5, 6, 7]);
    let by_exp = Filter::range("", 10, 14).expression(exp::num_mul(vec![
        exp::int_bin("age".to_string()),
        exp::int_val(2),
    ]));
    assert_eq!(keys(c, "cdt", by_exp, &qp).await, vec![5, 6, 7]);

    let list = c
        .info(&AdminPolicy::default(), &["sindex-list:namespace=test"])
        .await
        .unwrap();
    let names: BTreeSet<&str> = list["sindex-list:namespace=test"]
        .split(';')
        .filter_map(|l| l.split(':').nth(1))
        .collect();
    assert!(names.contains("indexname=idx_city"), "{names:?}");
    assert!(names.contains("indexname=idx_age_x2"), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_collection_expression_and_blob_indexes_one_node() {
    context_collection_expression_and_blob_indexes(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn context_collection_expression_and_blob_indexes_three_nodes() {
    context_collection_expression_and_blob_indexes(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_context_is_a_clear_error() {
    let t = common::fake(1).await;
    // An expression context (id 4) cannot be evaluated by the fake.
    let ctx = base64_of(&[0x92, 0x04, 0xc0]);
    let cmd = format!("sindex-create:namespace=test;indexname=x;bin=b;type=string;context={ctx}");
    let r = t
        .client
        .info(&AdminPolicy::default(), &[&cmd])
        .await
        .unwrap();
    assert!(r[&cmd].starts_with("ERROR:4:bad 'context'"), "{}", r[&cmd]);
    assert!(
        r[&cmd].contains("not supported by aerospike-fake"),
        "{}",
        r[&cmd]
    );
}

fn base64_of(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_index_build_reports_progress() {
    let t = common::fake(3).await;
    let (c, fake) = (&t.client, t.fake.as_ref().unwrap());
    let ap = AdminPolicy::default();
    c.put(&wp(), &as_key!("test", "slow", 1), &[as_bin!("n", 7)])
        .await
        .unwrap();
    fake.set_sindex_build_step(Some(40));
    c.create_index_on_bin(
        &ap,
        "test",
        "slow",
        "n",
        "idx_slow",
        IndexType::Numeric,
        CollectionIndexType::Default,
        None,
    )
    .await
    .unwrap();
    let list = c.info(&ap, &["sindex-list:"]).await.unwrap();
    assert!(
        list["sindex-list:"].contains("indexname=idx_slow"),
        "{list:?}"
    );
    assert!(list["sindex-list:"].ends_with("state=WO"), "{list:?}");
    // A building index is not readable.
    let e = query_error(c, "slow", Filter::equal("n", 7)).await;
    assert!(e.matches(&[ResultCode::IndexNotReadable]), "{e:?}");
    let mut seen = Vec::new();
    for _ in 0..5 {
        let r = c.info(&ap, &["sindex/test/idx_slow"]).await.unwrap();
        let stat = &r["sindex/test/idx_slow"];
        let pct: u32 = stat
            .split(';')
            .find_map(|kv| kv.strip_prefix("load_pct="))
            .unwrap()
            .parse()
            .unwrap();
        seen.push(pct);
    }
    assert_eq!(seen, vec![40, 80, 100, 100, 100]);
    let list = c.info(&ap, &["sindex-list:"]).await.unwrap();
    assert!(list["sindex-list:"].ends_with("state=RW"), "{list:?}");
    let qp = QueryPolicy::default();
    assert_eq!(keys(c, "slow", Filter::equal("n", 7), &qp).await, vec![1]);
}

/// The `latencies:` columns of histogram `name` on every node, summed over nodes by op count.
fn columns(reply: &str, name: &str) -> Option<Vec<f64>> {
    let line = reply
        .split(';')
        .find(|l| l.starts_with(&format!("{name}:")))?;
    let rest = line.split_once(':')?.1.strip_prefix("msec,")?;
    Some(rest.split(',').map(|x| x.parse().unwrap()).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latencies_measure_service_time_and_injected_delay() {
    let t = common::fake(1).await;
    let (c, fake) = (&t.client, t.fake.as_ref().unwrap());
    let ap = AdminPolicy::default();
    let idle = c.info(&ap, &["latencies:"]).await.unwrap();
    assert!(idle["latencies:"].contains("{test}-write:;"), "{idle:?}");
    fake.set_latency("msg", Duration::from_millis(10));
    for i in 0..4 {
        c.put(&wp(), &as_key!("test", "lat", i), &[as_bin!("v", i)])
            .await
            .unwrap();
    }
    fake.clear_failures();
    c.get(
        &aerospike::ReadPolicy::default(),
        &as_key!("test", "lat", 0),
        Bins::All,
    )
    .await
    .unwrap();
    let r = c
        .info(&ap, &["latencies:", "latencies:hist={test}-write"])
        .await
        .unwrap();
    let write = columns(&r["latencies:"], "{test}-write").expect("write histogram");
    assert_eq!(write.len(), 18, "ops/sec then 17 thresholds");
    assert!(write[0] > 0.0, "throughput");
    // Every write waited at least 10 ms: all of them are over 1, 2, 4 and 8 ms.
    assert_eq!(&write[1..5], &[100.0, 100.0, 100.0, 100.0]);
    assert!(columns(&r["latencies:"], "{test}-read").is_some());
    assert!(r["latencies:hist={test}-write"].starts_with("{test}-write:msec,"));
    for name in [
        "batch-index",
        "{test}-si-query",
        "{test}-pi-query",
        "{test}-udf",
    ] {
        assert!(r["latencies:"].contains(name), "{name} missing: {r:?}");
    }
}

async fn count(c: &Client, set: &str, filter: Filter) -> usize {
    let mut s = Statement::new("test", set, Bins::All);
    s.set_filter(filter);
    let rs = c
        .query(&QueryPolicy::default(), PartitionFilter::all(), s)
        .await
        .unwrap();
    let all: Vec<_> = rs.into_stream().collect().await;
    assert!(all.iter().all(Result::is_ok), "{all:?}");
    all.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_geo_and_context_indexes_answer_queries() {
    let t = common::fake(3).await;
    let summary = t.fake.as_ref().unwrap().load_demo();
    assert!(summary.indexes.contains(&"idx_users_loc".to_string()));
    let c = &t.client;
    // user0000 is at (-120, 37), user0001 ≈ 1.4 km away, user0002 ≈ 2.8 km away.
    let near = Filter::geo_within_radius("loc", -120.0, 37.0, 2000.0);
    assert_eq!(count(c, "users", near).await, 2);
    let paris = Filter::equal("profile", "Paris").context(vec![ctx_map_key(Value::from("city"))]);
    assert_eq!(
        count(c, "users", paris).await,
        aerospike_fake::demo::USERS / 5
    );
}
