//! Records addressed by digest (keys not stored) and records in no set, against a
//! 3-node fake (or the real cluster of `AEROSPIKE_HOSTS`).

mod common;

use aerospike::{Bin, Key, Value, WritePolicy};
use common::*;
use serde_json::{Value as J, json};

fn hex(d: [u8; 20]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

async fn put_raw(f: &Fixture, set: &str, key: &str, send_key: bool, bins: &[Bin]) -> String {
    let client = f.client().await;
    let wp = WritePolicy {
        send_key,
        ..WritePolicy::default()
    };
    let k = Key::new(f.ns.clone(), set, Value::String(key.into())).unwrap();
    client.put(&wp, &k, bins).await.unwrap();
    let _ = client.close().await;
    hex(k.digest())
}

async fn browse_all(f: &Fixture, segment: &str) -> Vec<J> {
    let r = get(
        &f.app,
        &f.url(&format!(
            "/namespaces/test/sets/{segment}/records?pageSize=1000"
        )),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert!(j["nextCursor"].is_null(), "one page expected: {j}");
    j["records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn records_without_stored_key_are_editable_by_digest() {
    let f = cluster(3).await;
    let set = set_name("nokey");
    let digest = put_raw(
        &f,
        &set,
        "hidden",
        false,
        &[Bin::new("a", Value::Int(1)), Bin::new("b", Value::Int(2))],
    )
    .await;
    let rec = f.url(&format!("/namespaces/test/sets/{set}/record"));

    // every representation carries the digest, and no user key
    let listed = browse_all(&f, &set).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["key"]["digest"], digest.as_str());
    assert!(listed[0]["key"]["userKey"].is_null());

    let got = get(&f.app, &format!("{rec}?digest={}", digest.to_uppercase())).await;
    assert_eq!(got.status, 200, "{}", got.text());
    assert_eq!(got.json()["bins"], json!({"a": 1, "b": 2}));
    assert_eq!(got.json()["key"]["digest"], digest.as_str());

    // update with optimistic concurrency, by digest
    let gen_ = got.json()["generation"].as_u64().unwrap();
    let r = put(
        &f.app,
        &rec,
        json!({"digest": digest, "bins": {"a": 10}, "generation": gen_, "mode": "update"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["bins"], json!({"a": 10, "b": 2}));
    assert!(r.json()["key"]["userKey"].is_null());
    put(
        &f.app,
        &rec,
        json!({"digest": digest, "bins": {"a": 11}, "generation": gen_, "mode": "update"}),
    )
    .await
    .problem(409, "generation_mismatch");

    // delete one bin by digest
    let r = delete(&f.app, &format!("{rec}/bins/b?digest={digest}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["bins"], json!({"a": 10}));

    // duplicate by digest under a new user key
    let r = post(
        &f.app,
        &format!("{rec}/duplicate"),
        json!({"digest": digest, "newKey": "copy"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["key"]["userKey"], "copy");
    let copy = get(&f.app, &format!("{rec}?key=copy&keyType=string")).await;
    assert_eq!(copy.status, 200, "{}", copy.text());
    assert_eq!(copy.json()["bins"], json!({"a": 10}));

    // delete by digest
    let r = delete(&f.app, &format!("{rec}?digest={digest}")).await;
    assert_eq!(r.status, 204, "{}", r.text());
    get(&f.app, &format!("{rec}?digest={digest}"))
        .await
        .problem(404, "record_not_found");
    let left = browse_all(&f, &set).await;
    assert_eq!(left.len(), 1, "only the copy remains");
    assert_eq!(left[0]["key"]["userKey"], "copy");
}

#[tokio::test]
async fn record_address_errors_name_the_field() {
    let f = cluster(1).await;
    let rec = f.url("/namespaces/test/sets/s/record");
    let p = get(&f.app, &format!("{rec}?key=a&digest={}", "0".repeat(40)))
        .await
        .problem(400, "invalid_key");
    assert_eq!(p["errors"][0]["field"], "digest");
    let p = get(&f.app, &rec).await.problem(400, "invalid_key");
    assert_eq!(p["errors"][0]["field"], "key");
    let p = get(&f.app, &format!("{rec}?digest=xyz"))
        .await
        .problem(400, "invalid_key");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("40 hex digits")
    );
    let p = put(&f.app, &rec, json!({"bins": {"a": 1}}))
        .await
        .problem(400, "invalid_key");
    assert_eq!(p["errors"][0]["field"], "key");
    let p = post(
        &f.app,
        &format!("{rec}/duplicate"),
        json!({"key": "a", "digest": "0".repeat(40), "newKey": "b"}),
    )
    .await
    .problem(400, "invalid_key");
    assert_eq!(p["errors"][0]["field"], "digest");
}

#[tokio::test]
async fn records_in_no_set_are_browsable_and_a_set_named_like_the_marker_stays_addressable() {
    let f = cluster(3).await;
    let tag = set_name("nullset");
    for i in 0..3 {
        put_raw(
            &f,
            "",
            &format!("{tag}-{i}"),
            true,
            &[Bin::new("tag", Value::String(tag.clone()))],
        )
        .await;
    }
    put_raw(
        &f,
        "~none",
        &format!("{tag}-lit"),
        true,
        &[Bin::new("x", Value::Int(1))],
    )
    .await;
    put_raw(
        &f,
        "named",
        &format!("{tag}-named"),
        true,
        &[Bin::new("x", Value::Int(2))],
    )
    .await;

    let mine = |recs: Vec<J>| -> Vec<String> {
        let mut v: Vec<String> = recs
            .iter()
            .filter_map(|r| r["key"]["userKey"].as_str().map(str::to_string))
            .filter(|k| k.starts_with(&tag))
            .collect();
        v.sort();
        v
    };
    let none = browse_all(&f, "~none").await;
    assert!(none.iter().all(|r| r["key"]["set"] == ""), "{none:?}");
    assert_eq!(
        mine(none),
        [0, 1, 2].map(|i| format!("{tag}-{i}")),
        "exactly the records in no set"
    );
    assert_eq!(mine(browse_all(&f, "~~none").await), [format!("{tag}-lit")]);

    // a record in no set by key, and the literal set by key
    let r = get(
        &f.app,
        &f.url(&format!(
            "/namespaces/test/sets/~none/record?key={tag}-1&keyType=string"
        )),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["bins"]["tag"], tag.as_str());
    let r = get(
        &f.app,
        &f.url(&format!(
            "/namespaces/test/sets/~~none/record?key={tag}-lit&keyType=string"
        )),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["key"]["set"], "~none");

    // export of the records in no set
    let r = get(&f.app, &f.url("/namespaces/test/sets/~none/export")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let lines: Vec<J> = r
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(mine(lines), [0, 1, 2].map(|i| format!("{tag}-{i}")));

    // the null set cannot be truncated on its own
    let p = post(
        &f.app,
        &f.url("/namespaces/test/sets/~none/truncate-token"),
        json!({}),
    )
    .await
    .problem(400, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "set");
}
