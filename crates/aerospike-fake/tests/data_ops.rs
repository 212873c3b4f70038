//! Single-record data operations through the official client, on 1 and 3 nodes
//! (or on the real cluster named by `AEROSPIKE_HOSTS`).

// Client policies are meant to be built field by field after `default()`.
#![allow(clippy::field_reassign_with_default)]

mod common;

use std::collections::HashMap;

use aerospike::operations::{self, lists, maps};
use aerospike::policy::{GenerationPolicy, RecordExistsAction};
use aerospike::{
    Bins, Expiration, ListPolicy, MapPolicy, MapReturnType, ReadPolicy, ResultCode, Value,
    WritePolicy, as_bin, as_key,
};

fn unique_set(tag: &str) -> String {
    format!("ops_{tag}")
}

async fn all_particle_types_round_trip(nodes: usize) {
    let t = common::target(nodes).await;
    let c = &t.client;
    let key = as_key!("test", unique_set("types"), format!("all-{nodes}"));
    let mut map = HashMap::new();
    map.insert(Value::from("k"), Value::from(7));
    let bins = vec![
        as_bin!("int", -42),
        as_bin!("float", 2.5),
        as_bin!("str", "héllo"),
        as_bin!("bytes", vec![0u8, 1, 255]),
        as_bin!("bool", true),
        as_bin!(
            "list",
            Value::List(vec![Value::from(1), Value::from("two"), Value::from(3.0)])
        ),
        as_bin!("map", Value::from(map)),
        as_bin!(
            "geo",
            Value::GeoJson(r#"{"type":"Point","coordinates":[1.5,2.5]}"#.to_string())
        ),
    ];
    c.put(&WritePolicy::default(), &key, &bins).await.unwrap();
    let rec = c
        .get(&ReadPolicy::default(), &key, Bins::All)
        .await
        .unwrap();
    assert_eq!(rec.bins["int"], Value::Int(-42));
    assert_eq!(rec.bins["float"], Value::from(2.5));
    assert_eq!(rec.bins["str"], Value::from("héllo"));
    assert_eq!(rec.bins["bytes"], Value::Blob(vec![0, 1, 255]));
    assert_eq!(rec.bins["bool"], Value::Bool(true));
    assert_eq!(
        rec.bins["list"],
        Value::List(vec![Value::from(1), Value::from("two"), Value::from(3.0)])
    );
    assert_eq!(
        rec.bins["geo"],
        Value::GeoJson(r#"{"type":"Point","coordinates":[1.5,2.5]}"#.to_string())
    );
    let mut expected = HashMap::new();
    expected.insert(Value::from("k"), Value::from(7));
    assert_eq!(rec.bins["map"], Value::from(expected));

    // Selected bins and header only.
    let some = c
        .get(&ReadPolicy::default(), &key, ["int", "str"])
        .await
        .unwrap();
    assert_eq!(some.bins.len(), 2);
    let header = c
        .get(&ReadPolicy::default(), &key, Bins::None)
        .await
        .unwrap();
    assert!(header.bins.is_empty());
    assert_eq!(header.generation, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn particle_types_one_node() {
    all_particle_types_round_trip(1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn particle_types_three_nodes() {
    all_particle_types_round_trip(3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exists_delete_touch_generation_and_ttl() {
    let t = common::target(3).await;
    let c = &t.client;
    let wp = WritePolicy::default();
    let key = as_key!("test", unique_set("meta"), 17);
    let _ = c.delete(&wp, &key).await;
    assert!(!c.exists(&ReadPolicy::default(), &key).await.unwrap());

    // Not found.
    let err = c
        .get(&ReadPolicy::default(), &key, Bins::All)
        .await
        .unwrap_err();
    assert!(err.matches(&[ResultCode::KeyNotFoundError]), "{err}");

    let mut ttl = WritePolicy::default();
    ttl.expiration = Expiration::Seconds(1000);
    c.put(&ttl, &key, &[as_bin!("a", 1)]).await.unwrap();
    assert!(c.exists(&ReadPolicy::default(), &key).await.unwrap());
    let rec = c
        .get(&ReadPolicy::default(), &key, Bins::All)
        .await
        .unwrap();
    let left = rec.time_to_live().expect("has a ttl").as_secs();
    assert!((990..=1000).contains(&left), "ttl {left}");

    // Touch bumps the generation.
    c.touch(&wp, &key).await.unwrap();
    let rec = c
        .get(&ReadPolicy::default(), &key, Bins::None)
        .await
        .unwrap();
    assert_eq!(rec.generation, 2);

    // Never expire.
    let mut never = WritePolicy::default();
    never.expiration = Expiration::Never;
    c.put(&never, &key, &[as_bin!("a", 2)]).await.unwrap();
    let rec = c
        .get(&ReadPolicy::default(), &key, Bins::All)
        .await
        .unwrap();
    assert_eq!(rec.time_to_live(), None);
    assert_eq!(rec.generation, 3);

    // Generation check.
    let mut gen_pol = WritePolicy::default();
    gen_pol.generation_policy = GenerationPolicy::ExpectGenEqual;
    gen_pol.generation = 1;
    let err = c.put(&gen_pol, &key, &[as_bin!("a", 3)]).await.unwrap_err();
    assert!(err.matches(&[ResultCode::GenerationError]), "{err}");
    gen_pol.generation = 3;
    c.put(&gen_pol, &key, &[as_bin!("a", 3)]).await.unwrap();

    // Create-only on an existing record; update-only on a missing one.
    let mut create = WritePolicy::default();
    create.record_exists_action = RecordExistsAction::CreateOnly;
    let err = c.put(&create, &key, &[as_bin!("a", 4)]).await.unwrap_err();
    assert!(err.matches(&[ResultCode::KeyExistsError]), "{err}");
    let missing = as_key!("test", unique_set("meta"), 18);
    let _ = c.delete(&wp, &missing).await;
    let mut update = WritePolicy::default();
    update.record_exists_action = RecordExistsAction::UpdateOnly;
    let err = c
        .put(&update, &missing, &[as_bin!("a", 4)])
        .await
        .unwrap_err();
    assert!(err.matches(&[ResultCode::KeyNotFoundError]), "{err}");

    // Replace drops other bins.
    c.put(&wp, &key, &[as_bin!("b", 9)]).await.unwrap();
    let mut replace = WritePolicy::default();
    replace.record_exists_action = RecordExistsAction::Replace;
    c.put(&replace, &key, &[as_bin!("c", 1)]).await.unwrap();
    let rec = c
        .get(&ReadPolicy::default(), &key, Bins::All)
        .await
        .unwrap();
    assert_eq!(rec.bins.len(), 1);

    // Delete.
    assert!(c.delete(&wp, &key).await.unwrap());
    assert!(!c.delete(&wp, &key).await.unwrap());
    let err = c.touch(&wp, &key).await.unwrap_err();
    assert!(err.matches(&[ResultCode::KeyNotFoundError]), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_append_prepend_and_operate() {
    let t = common::target(1).await;
    let c = &t.client;
    let wp = WritePolicy::default();
    let key = as_key!("test", unique_set("operate"), "op1");
    let _ = c.delete(&wp, &key).await;
    c.put(
        &wp,
        &key,
        &[as_bin!("n", 10), as_bin!("s", "mid"), as_bin!("f", 1.5)],
    )
    .await
    .unwrap();
    c.add(&wp, &key, &[as_bin!("n", 5), as_bin!("f", 1.0)])
        .await
        .unwrap();
    c.append(&wp, &key, &[as_bin!("s", "-end")]).await.unwrap();
    c.prepend(&wp, &key, &[as_bin!("s", "start-")])
        .await
        .unwrap();
    let rec = c
        .get(&ReadPolicy::default(), &key, Bins::All)
        .await
        .unwrap();
    assert_eq!(rec.bins["n"], Value::Int(15));
    assert_eq!(rec.bins["f"], Value::from(2.5));
    assert_eq!(rec.bins["s"], Value::from("start-mid-end"));

    // Type mismatch.
    let err = c.add(&wp, &key, &[as_bin!("s", 1)]).await.unwrap_err();
    assert!(err.matches(&[ResultCode::BinTypeError]), "{err}");

    // Operate: write + add + read in one round trip.
    let put = as_bin!("w", "x");
    let inc = as_bin!("n", 1);
    let rec = c
        .operate(
            &wp,
            &key,
            &[
                operations::put(&put),
                operations::add(&inc),
                operations::get_bin("n"),
            ],
        )
        .await
        .unwrap();
    // Writes are answered too (respond-all-ops): a nil for the add, then the read.
    assert_eq!(
        rec.bins.get("n"),
        Some(&Value::MultiResult(vec![Value::Nil, Value::Int(16)]))
    );

    // Lists.
    let lp = ListPolicy::default();
    let rec = c
        .operate(
            &wp,
            &key,
            &[
                lists::append(&lp, "l", Value::from(1)),
                lists::append_items(&lp, "l", vec![Value::from(2), Value::from(3)]),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        rec.bins.get("l"),
        Some(&Value::MultiResult(vec![Value::Int(1), Value::Int(3)]))
    );
    let rec = c
        .operate(
            &wp,
            &key,
            &[
                lists::size("l"),
                lists::get_by_index("l", -1, aerospike::ListReturnType::VALUES),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        rec.bins.get("l"),
        Some(&Value::MultiResult(vec![Value::Int(3), Value::Int(3)]))
    );

    // Maps.
    let mp = MapPolicy::default();
    c.operate(
        &wp,
        &key,
        &[maps::put(&mp, "m", Value::from("a"), Value::from(1))],
    )
    .await
    .unwrap();
    let rec = c
        .operate(
            &wp,
            &key,
            &[maps::get_by_key(
                "m",
                Value::from("a"),
                MapReturnType::VALUE,
            )],
        )
        .await
        .unwrap();
    assert_eq!(rec.bins.get("m"), Some(&Value::Int(1)));

    // Delete through operate.
    c.operate(&wp, &key, &[operations::delete()]).await.unwrap();
    assert!(!c.exists(&ReadPolicy::default(), &key).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_namespace_and_udf_are_clear_errors() {
    let t = common::target(1).await;
    let c = &t.client;
    let key = as_key!("nosuch", "s", 1);
    let err = c
        .put(&WritePolicy::default(), &key, &[as_bin!("a", 1)])
        .await
        .unwrap_err();
    // The client refuses keys of namespaces missing from the partition map, or the server
    // answers 20; both name the namespace problem.
    assert!(
        err.matches(&[ResultCode::InvalidNamespace]) || err.to_string().contains("nosuch"),
        "{err}"
    );
    if t.fake.is_some() {
        let key = as_key!("test", "udf", 1);
        c.put(&WritePolicy::default(), &key, &[as_bin!("a", 1)])
            .await
            .unwrap();
        let err = c
            .execute_udf(&WritePolicy::default(), &key, "example", "add_to", &[])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not supported"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compressed_replies_when_the_client_asks() {
    use aerospike::query::{PartitionFilter, Statement};
    use aerospike::{BatchOperation, BatchPolicy, BatchReadPolicy, QueryPolicy};
    use futures::StreamExt;

    let t = common::target(1).await;
    let c = &t.client;
    let big = "compress me ".repeat(2000);
    for i in 0..5 {
        let mut wp = WritePolicy::default();
        wp.base_policy.use_compression = true;
        c.put(
            &wp,
            &as_key!("test", "zip", i),
            &[as_bin!("big", big.clone())],
        )
        .await
        .unwrap();
    }
    let mut rp = ReadPolicy::default();
    rp.base_policy.use_compression = true;
    let rec = c
        .get(&rp, &as_key!("test", "zip", 0), Bins::All)
        .await
        .unwrap();
    assert_eq!(rec.bins["big"], Value::from(big.clone()));

    let mut bp = BatchPolicy::default();
    bp.base_policy.use_compression = true;
    let brp = BatchReadPolicy::default();
    let mut ops: Vec<_> = (0..5)
        .map(|i| BatchOperation::read(&brp, as_key!("test", "zip", i), Bins::All))
        .collect();
    c.batch(&bp, &mut ops).await.unwrap();
    assert!(ops.iter().all(|o| {
        o.record()
            .is_some_and(|r| r.bins["big"] == Value::from(big.clone()))
    }));

    let mut qp = QueryPolicy::default();
    qp.base_policy.use_compression = true;
    let rs = c
        .query(
            &qp,
            PartitionFilter::all(),
            Statement::new("test", "zip", Bins::All),
        )
        .await
        .unwrap();
    let recs: Vec<_> = rs.into_stream().collect().await;
    assert_eq!(recs.len(), 5);
    assert!(recs.iter().all(|r| {
        r.as_ref()
            .is_ok_and(|r| r.bins["big"] == Value::from(big.clone()))
    }));
}
