//! Batch, paged scans with partition cursors, secondary-index queries, expression filters and
//! truncate, through the official client (fake, or `AEROSPIKE_HOSTS`).

// Client policies are meant to be built field by field after `default()`.
#![allow(clippy::field_reassign_with_default)]

mod common;

use std::collections::HashSet;

use aerospike::expressions::{self as exp, RegexFlags};
use aerospike::query::{Filter, Statement};
use aerospike::task::{IndexTask, Status, Task};
use aerospike::{
    AdminPolicy, BatchDeletePolicy, BatchOperation, BatchPolicy, BatchReadPolicy, BatchWritePolicy,
    Bins, Client, CollectionIndexType, IndexType, PartitionFilter, QueryPolicy, ReadPolicy,
    ResultCode, Value, WritePolicy, as_bin, as_key, operations,
};
use futures::StreamExt;

const N: i64 = 300;

/// Polls the index build status (the client's own wait sleeps a full second first).
async fn index_ready(task: &IndexTask) {
    for _ in 0..400 {
        if matches!(task.query_status().await, Ok(Status::Complete)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("index never finished building");
}

async fn load(c: &Client, set: &str) {
    let mut wp = WritePolicy::default();
    wp.send_key = true;
    for i in 0..N {
        let key = as_key!("test", set, i);
        c.put(
            &wp,
            &key,
            &[
                as_bin!("age", i % 50),
                as_bin!("name", format!("name{}", i % 10)),
                as_bin!(
                    "tags",
                    Value::List(vec![Value::from(format!("t{}", i % 3))])
                ),
            ],
        )
        .await
        .unwrap();
    }
}

/// Runs a query to completion in pages of `page` records; returns every record's digest.
async fn paged(
    c: &Client,
    stmt: impl Fn() -> Statement,
    page: u64,
    filter: Option<exp::Expression>,
) -> Vec<[u8; 20]> {
    let mut pf = PartitionFilter::all();
    let mut out = Vec::new();
    for _round in 0..1000 {
        let mut qp = QueryPolicy::default();
        qp.max_records = page;
        qp.base_policy.filter_expression = filter.clone();
        let rs = c.query(&qp, pf, stmt()).await.unwrap();
        let mut stream = rs.into_stream();
        let mut n = 0;
        while let Some(r) = stream.next().await {
            let r = r.unwrap();
            out.push(r.key.expect("query records carry their key").digest());
            n += 1;
        }
        assert!(n <= page, "page returned {n} > {page} records");
        pf = stream
            .partition_filter()
            .expect("finished query gives its cursor");
        if pf.done() {
            return out;
        }
    }
    panic!("paged query never finished");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paged_scan_returns_every_record_exactly_once() {
    let t = common::target(3).await;
    let c = &t.client;
    let _ = c
        .truncate(&AdminPolicy::default(), "test", "pscan", 0)
        .await;
    load(c, "pscan").await;
    let digests = paged(c, || Statement::new("test", "pscan", Bins::All), 37, None).await;
    let unique: HashSet<_> = digests.iter().collect();
    assert_eq!(unique.len(), digests.len(), "a record came back twice");
    assert_eq!(digests.len() as i64, N);

    // A plain (unpaged) scan sees the same records, with their stored keys.
    let rs = c
        .query(
            &QueryPolicy::default(),
            PartitionFilter::all(),
            Statement::new("test", "pscan", ["age"].into()),
        )
        .await
        .unwrap();
    let recs: Vec<_> = rs.into_stream().collect().await;
    assert_eq!(recs.len() as i64, N);
    let r = recs[0].as_ref().unwrap();
    assert_eq!(r.bins.len(), 1, "only the selected bin");
    assert!(
        r.key.as_ref().unwrap().user_key().is_some(),
        "send_key stores the key"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_queries_and_expression_filters() {
    let t = common::target(3).await;
    let c = &t.client;
    let ap = AdminPolicy::default();
    let _ = c.truncate(&ap, "test", "iq", 0).await;
    load(c, "iq").await;
    let task = c
        .create_index_on_bin(
            &ap,
            "test",
            "iq",
            "age",
            "idx_iq_age",
            IndexType::Numeric,
            CollectionIndexType::Default,
            None,
        )
        .await
        .unwrap();
    index_ready(&task).await;
    let task = c
        .create_index_on_bin(
            &ap,
            "test",
            "iq",
            "name",
            "idx_iq_name",
            IndexType::String,
            CollectionIndexType::Default,
            None,
        )
        .await
        .unwrap();
    index_ready(&task).await;
    let task = c
        .create_index_on_bin(
            &ap,
            "test",
            "iq",
            "tags",
            "idx_iq_tags",
            IndexType::String,
            CollectionIndexType::List,
            None,
        )
        .await
        .unwrap();
    index_ready(&task).await;

    // Integer range 10..=14 → 5 ages × 6 records each.
    let range = paged(
        c,
        || {
            let mut s = Statement::new("test", "iq", Bins::All);
            s.set_filter(Filter::range("age", 10, 14));
            s
        },
        7,
        None,
    )
    .await;
    assert_eq!(range.len(), 30);
    assert_eq!(range.iter().collect::<HashSet<_>>().len(), 30);

    // String equality.
    let eq = paged(
        c,
        || {
            let mut s = Statement::new("test", "iq", Bins::All);
            s.set_filter(Filter::equal("name", "name3"));
            s
        },
        1000,
        None,
    )
    .await;
    assert_eq!(eq.len(), 30);

    // List contains.
    let tags = paged(
        c,
        || {
            let mut s = Statement::new("test", "iq", Bins::All);
            s.set_filter(Filter::contains("tags", "t1", CollectionIndexType::List));
            s
        },
        1000,
        None,
    )
    .await;
    assert_eq!(tags.len(), 100);

    // Index + expression: age in 10..=14 and name matches /name[0-4]/ → ages 10..14 have
    // i%10 in {0..4} exactly when i%50 in 10..14, so every one of them matches.
    let filtered = paged(
        c,
        || {
            let mut s = Statement::new("test", "iq", Bins::All);
            s.set_filter(Filter::range("age", 10, 14));
            s
        },
        1000,
        Some(exp::regex_compare(
            "^NAME[0-2]$",
            RegexFlags::ICASE,
            exp::string_bin("name"),
        )),
    )
    .await;
    assert_eq!(filtered.len(), 18);

    // Scan + expression (and/or/not, metadata).
    let scan = paged(
        c,
        || Statement::new("test", "iq", Bins::All),
        1000,
        Some(exp::and(vec![
            exp::ge(exp::int_bin("age"), exp::int_val(45)),
            exp::not(exp::eq(exp::string_bin("name"), exp::string_val("name5"))),
            exp::eq(exp::set_name(), exp::string_val("iq")),
        ])),
    )
    .await;
    // ages 45..49 → 30 records; name5 ⇔ i%10==5 ⇔ age 45 → 6 removed.
    assert_eq!(scan.len(), 24);

    // Unknown index → server error 201.
    let mut s = Statement::new("test", "iq", Bins::All);
    s.set_filter(Filter::range("nope", 1, 2));
    let rs = c
        .query(&QueryPolicy::default(), PartitionFilter::all(), s)
        .await
        .unwrap();
    let results: Vec<_> = rs.into_stream().collect().await;
    let err = results
        .into_iter()
        .find_map(Result::err)
        .expect("querying a missing index fails");
    assert!(err.matches(&[ResultCode::IndexNotFound]), "{err}");

    // Filter expression on a single-record read: filtered out → code 27.
    let mut rp = ReadPolicy::default();
    rp.base_policy.filter_expression = Some(exp::eq(exp::int_bin("age"), exp::int_val(-1)));
    let err = c
        .get(&rp, &as_key!("test", "iq", 1), Bins::All)
        .await
        .unwrap_err();
    assert!(err.matches(&[ResultCode::FilteredOut]), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_reads_writes_and_deletes() {
    let t = common::target(3).await;
    let c = &t.client;
    let wp = WritePolicy::default();
    for i in 0..20 {
        c.put(
            &wp,
            &as_key!("test", "batch", i),
            &[as_bin!("v", i), as_bin!("w", "x")],
        )
        .await
        .unwrap();
    }
    let _ = c.delete(&wp, &as_key!("test", "batch", 999)).await;
    let brp = BatchReadPolicy::default();
    let mut ops: Vec<BatchOperation> = (0..20)
        .map(|i| BatchOperation::read(&brp, as_key!("test", "batch", i), Bins::All))
        .collect();
    ops.push(BatchOperation::read(
        &brp,
        as_key!("test", "batch", 999),
        Bins::All,
    ));
    ops.push(BatchOperation::read(
        &brp,
        as_key!("test", "batch", 3),
        ["v"].into(),
    ));
    c.batch(&BatchPolicy::default(), &mut ops).await.unwrap();
    for (i, op) in ops.iter().take(20).enumerate() {
        let rec = op.record().expect("found");
        assert_eq!(rec.bins["v"], Value::Int(i as i64));
    }
    assert!(ops[20].record().is_none(), "missing key has no record");
    assert_eq!(ops[20].result_code(), Some(ResultCode::KeyNotFoundError));
    assert_eq!(ops[21].record().unwrap().bins.len(), 1);

    let bwp = BatchWritePolicy::default();
    let add = as_bin!("v", 100);
    let mut writes = vec![
        BatchOperation::write(
            &bwp,
            as_key!("test", "batch", 1),
            vec![operations::add(&add)],
        ),
        BatchOperation::delete(&BatchDeletePolicy::default(), as_key!("test", "batch", 2)),
    ];
    c.batch(&BatchPolicy::default(), &mut writes).await.unwrap();
    let rec = c
        .get(
            &ReadPolicy::default(),
            &as_key!("test", "batch", 1),
            Bins::All,
        )
        .await
        .unwrap();
    assert_eq!(rec.bins["v"], Value::Int(101));
    assert!(
        !c.exists(&ReadPolicy::default(), &as_key!("test", "batch", 2))
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncate_set_and_namespace() {
    let t = common::target(1).await;
    let c = &t.client;
    let wp = WritePolicy::default();
    for i in 0..10 {
        c.put(&wp, &as_key!("test", "trunc", i), &[as_bin!("v", i)])
            .await
            .unwrap();
        c.put(&wp, &as_key!("test", "keep", i), &[as_bin!("v", i)])
            .await
            .unwrap();
    }
    c.truncate(&AdminPolicy::default(), "test", "trunc", 0)
        .await
        .unwrap();
    assert!(
        !c.exists(&ReadPolicy::default(), &as_key!("test", "trunc", 1))
            .await
            .unwrap()
    );
    assert!(
        c.exists(&ReadPolicy::default(), &as_key!("test", "keep", 1))
            .await
            .unwrap()
    );
    if let Some(fake) = &t.fake {
        assert_eq!(fake.record_count("test", Some("trunc")), 0);
        assert_eq!(fake.record_count("test", Some("keep")), 10);
        // The set stays listed with objects=0 and a truncate time.
        let info = c
            .info(&AdminPolicy::default(), &["sets/test/trunc"])
            .await
            .unwrap();
        let v = &info["sets/test/trunc"];
        assert!(v.starts_with("objects=0:"), "{v}");
        assert!(!v.contains("truncate_lut=0:"), "{v}");
    }
    c.truncate(&AdminPolicy::default(), "test", "", 0)
        .await
        .unwrap();
    assert!(
        !c.exists(&ReadPolicy::default(), &as_key!("test", "keep", 1))
            .await
            .unwrap()
    );
}
