//! Records, paging, queries and export against 1-node and 3-node fakes (or the real
//! cluster of `AEROSPIKE_HOSTS`).

mod common;

use std::collections::HashSet;

use aerospike::{Bin, Key, Value, WritePolicy};
use common::*;
use serde_json::{Value as J, json};

async fn page_through(f: &Fixture, set: &str, page_size: usize) -> (Vec<String>, usize) {
    let mut keys = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut uri = f.url(&format!(
            "/namespaces/test/sets/{set}/records?pageSize={page_size}"
        ));
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        let r = get(&f.app, &uri).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let j = r.json();
        let recs = j["records"].as_array().unwrap();
        pages += 1;
        cursor = j["nextCursor"].as_str().map(str::to_string);
        if cursor.is_some() {
            // never short or empty while records remain
            assert_eq!(
                recs.len(),
                page_size,
                "short page {pages} with a next cursor"
            );
        }
        keys.extend(
            recs.iter()
                .map(|r| r["key"]["userKey"].as_str().unwrap().to_string()),
        );
        if cursor.is_none() {
            break;
        }
        assert!(pages < 100_000);
    }
    (keys, pages)
}

async fn pages_see_every_record_exactly_once(nodes: usize, n: usize, page: usize) {
    let f = cluster(nodes).await;
    let set = set_name(&format!("pg{nodes}_"));
    f.load(&set, n).await;
    let (keys, pages) = page_through(&f, &set, page).await;
    assert_eq!(keys.len(), n, "records returned");
    // The last full page already carries `nextCursor: null`: no extra empty request.
    assert_eq!(pages, n.div_ceil(page), "pages for {n} records of {page}");
    let uniq: HashSet<&String> = keys.iter().collect();
    assert_eq!(uniq.len(), n, "duplicates returned");
    for i in 0..n {
        assert!(uniq.contains(&format!("k{i}")), "k{i} missing");
    }
}

#[tokio::test]
async fn paging_10k_records_1_node_exactly_once() {
    pages_see_every_record_exactly_once(1, 10_000, 1000).await;
}

#[tokio::test]
async fn paging_3_nodes_exactly_once() {
    pages_see_every_record_exactly_once(3, 2_500, 100).await;
}

#[tokio::test]
async fn paging_bad_inputs() {
    let f = cluster(1).await;
    let set = set_name("pgbad");
    f.load(&set, 30).await;
    let base = f.url(&format!("/namespaces/test/sets/{set}/records"));
    let p = get(&f.app, &format!("{base}?pageSize=1001"))
        .await
        .problem(400, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "pageSize");
    get(&f.app, &format!("{base}?pageSize=0"))
        .await
        .problem(400, "validation_failed");
    get(&f.app, &format!("{base}?pageSize=abc"))
        .await
        .problem(400, "invalid_query");
    let p = get(&f.app, &format!("{base}?cursor=%%%")).await;
    assert_eq!(p.status, 400);
    let p = get(&f.app, &format!("{base}?cursor=AAAA"))
        .await
        .problem(400, "bad_cursor");
    assert_eq!(p["errors"][0]["field"], "cursor");
    // a cursor of one set is refused on another
    let first = get(&f.app, &format!("{base}?pageSize=10")).await.json();
    let c = first["nextCursor"].as_str().unwrap();
    assert!(first["estimatedTotal"].as_u64().unwrap() >= 30 || f.real);
    let other = f.url("/namespaces/test/sets/other/records");
    let p = get(&f.app, &format!("{other}?cursor={c}"))
        .await
        .problem(400, "bad_cursor");
    assert!(p["detail"].as_str().unwrap().contains("different query"));
}

#[tokio::test]
async fn record_crud_and_lossless_values() {
    let f = cluster(3).await;
    let set = set_name("crud");
    let rec = f.url(&format!("/namespaces/test/sets/{set}/record"));
    let bins = json!({
        "big": {"$int": "9007199254740993"},
        "small": 42,
        "f": 1.5,
        "fi": {"$float": 2.0},
        "s": "text",
        "b": {"$bytes": "AAEC"},
        "geo": {"$geo": {"type": "Point", "coordinates": [13.4, 52.5]}},
        "l": [1, "a", [2]],
        "m": {"$map": [[1, "one"], ["k", {"nested": true}]]},
        "sm": {"a": 1}
    });
    let r = put(
        &f.app,
        &rec,
        json!({"key": "u1", "bins": bins.clone(), "ttl": -1, "mode": "create"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let got = r.json();
    assert_eq!(got["bins"], bins, "values must round-trip losslessly");
    assert_eq!(got["ttl"], -1);
    assert_eq!(got["generation"], 1);
    assert_eq!(got["key"]["userKey"], "u1");
    // create again fails
    put(
        &f.app,
        &rec,
        json!({"key": "u1", "bins": {"x": 1}, "mode": "create"}),
    )
    .await
    .problem(409, "record_exists");
    // generation check
    put(
        &f.app,
        &rec,
        json!({"key": "u1", "bins": {"x": 1}, "generation": 7}),
    )
    .await
    .problem(409, "generation_mismatch");
    let r = put(
        &f.app,
        &rec,
        json!({"key": "u1", "bins": {"x": 1}, "generation": 1, "ttl": 3600}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["generation"], 2);
    let ttl = r.json()["ttl"].as_i64().unwrap();
    assert!(ttl > 3500 && ttl <= 3600, "{ttl}");
    // get by key (auto and explicit)
    let r = get(&f.app, &format!("{rec}?key=u1")).await;
    assert_eq!(r.json()["bins"]["x"], 1);
    get(&f.app, &format!("{rec}?key=nope&keyType=string"))
        .await
        .problem(404, "record_not_found");
    get(&f.app, &format!("{rec}?key=x&keyType=integer"))
        .await
        .problem(400, "invalid_key");
    // integer and bytes keys
    let r = put(&f.app, &rec, json!({"key": 77, "bins": {"v": 1}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        get(&f.app, &format!("{rec}?key=77")).await.json()["key"]["userKey"],
        77
    );
    assert_eq!(
        put(
            &f.app,
            &rec,
            json!({"key": {"$bytes": "AQI="}, "bins": {"v": 1}})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        get(&f.app, &format!("{rec}?key=AQI%3D&keyType=bytes"))
            .await
            .status,
        200
    );
    // duplicate
    let r = post(
        &f.app,
        &format!("{rec}/duplicate"),
        json!({"key": "u1", "newKey": "u2"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["bins"]["big"], json!({"$int": "9007199254740993"}));
    post(
        &f.app,
        &format!("{rec}/duplicate"),
        json!({"key": "u1", "newKey": "u2"}),
    )
    .await
    .problem(409, "record_exists");
    // delete a bin
    let r = delete(&f.app, &format!("{rec}/bins/small?key=u2")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["bins"].get("small").is_none());
    delete(&f.app, &format!("{rec}/bins/zzz?key=u2"))
        .await
        .problem(404, "bin_not_found");
    // delete the record
    assert_eq!(delete(&f.app, &format!("{rec}?key=u2")).await.status, 204);
    delete(&f.app, &format!("{rec}?key=u2"))
        .await
        .problem(404, "record_not_found");
}

#[tokio::test]
async fn malformed_values_are_field_level_problems() {
    let f = cluster(1).await;
    let rec = f.url("/namespaces/test/sets/bad/record");
    let p = put(
        &f.app,
        &rec,
        json!({"key": "k", "bins": {"a": {"$int": "12x"}}}),
    )
    .await
    .problem(400, "invalid_value");
    assert_eq!(p["errors"][0]["field"], "bins.a.$int");
    let p = put(
        &f.app,
        &rec,
        json!({"key": "k", "bins": {"a": {"$map": [[[1], 2]]}}}),
    )
    .await
    .problem(400, "invalid_value");
    assert_eq!(p["errors"][0]["field"], "bins.a.$map[0][0]");
    let p = put(&f.app, &rec, json!({"key": [1], "bins": {"a": 1}}))
        .await
        .problem(400, "invalid_key");
    assert_eq!(p["errors"][0]["field"], "key");
    put(
        &f.app,
        &rec,
        json!({"key": "k", "bins": {"waytoolongbinname": 1}}),
    )
    .await
    .problem(400, "invalid_value");
    put(&f.app, &rec, json!({"key": "k", "bins": {}}))
        .await
        .problem(400, "validation_failed");
    put(
        &f.app,
        &rec,
        json!({"key": "k", "bins": {"a": 1}, "ttl": -5}),
    )
    .await
    .problem(400, "validation_failed");
    put(
        &f.app,
        &rec,
        json!({"key": "k", "bins": {"a": 1}, "mode": "merge"}),
    )
    .await
    .problem(400, "validation_failed");
}

#[tokio::test]
async fn query_with_expression_tree_and_pk_match() {
    let f = cluster(3).await;
    let set = set_name("q");
    f.load(&set, 300).await;
    let q = f.url("/query");
    let body = json!({"namespace": "test", "set": set, "pageSize": 1000,
    "filter": {"op": "and", "args": [
        {"op": "ge", "bin": "i", "value": 100},
        {"op": "lt", "bin": "i", "value": 110},
        {"op": "not", "arg": {"op": "eq", "bin": "i", "value": 105}}
    ]}});
    let r = post(&f.app, &q, body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mut got: Vec<i64> = r.json()["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["bins"]["i"].as_i64().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, [100, 101, 102, 103, 104, 106, 107, 108, 109]);
    // primary key prefix + selected bins
    let r = post(&f.app, &q, json!({"namespace": "test", "set": set, "primaryKey": {"op": "prefix", "value": "k29"}, "bins": ["s"]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let recs = r.json()["records"].as_array().unwrap().clone();
    assert_eq!(recs.len(), 11, "k29, k290..k299");
    assert!(
        recs.iter()
            .all(|r| r["bins"].get("i").is_none() && r["bins"]["s"].is_string())
    );
    // primary key equality is a direct lookup
    let r = post(
        &f.app,
        &q,
        json!({"namespace": "test", "set": set, "primaryKey": {"op": "eq", "value": "k7"}}),
    )
    .await;
    assert_eq!(r.json()["records"][0]["bins"]["i"], 7);
    // maxRecords across pages with cursors
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut body = json!({"namespace": "test", "set": set, "maxRecords": 25, "pageSize": 10});
        if let Some(c) = &cursor {
            body["cursor"] = J::String(c.clone());
        }
        let j = post(&f.app, &q, body).await.json();
        seen += j["records"].as_array().unwrap().len();
        cursor = j["nextCursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen, 25);
}

#[tokio::test]
async fn invalid_expression_tree_is_a_field_level_problem() {
    let f = cluster(1).await;
    let q = f.url("/query");
    let p = post(
        &f.app,
        &q,
        json!({"namespace": "test", "filter": {"op": "and", "args": [{"op": "eq", "bin": "a"}]}}),
    )
    .await
    .problem(400, "invalid_expression");
    assert_eq!(p["errors"][0]["field"], "filter.args[0].value");
    let p = post(
        &f.app,
        &q,
        json!({"namespace": "test", "filter": {"op": "between", "bin": "a", "value": 1}}),
    )
    .await
    .problem(400, "invalid_expression");
    assert_eq!(p["errors"][0]["field"], "filter.op");
    let p = post(&f.app, &q, json!({"namespace": "test", "predicate": {"bin": "a", "op": "range", "value": "x", "end": 3}})).await.problem(400, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "predicate.value");
    post(&f.app, &q, json!({"namespace": "test", "pageSize": 5000}))
        .await
        .problem(400, "validation_failed");
    post(
        &f.app,
        &q,
        json!({"namespace": "test", "cursor": "bm90LWEtY3Vyc29y"}),
    )
    .await
    .problem(400, "bad_cursor");
}

#[tokio::test]
async fn export_streams_ndjson_and_csv() {
    let f = cluster(3).await;
    let set = set_name("exp");
    f.load(&set, 1500).await;
    let r = get(
        &f.app,
        &f.url(&format!("/namespaces/test/sets/{set}/export")),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/x-ndjson"
    );
    let text = r.text();
    let keys: HashSet<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<J>(l).unwrap()["key"]["userKey"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(text.lines().count(), 1500);
    assert_eq!(keys.len(), 1500);
    let r = get(
        &f.app,
        &f.url(&format!("/namespaces/test/sets/{set}/export?format=csv")),
    )
    .await;
    assert_eq!(r.status, 200);
    let text = r.text();
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header = lines.next().unwrap();
    assert!(header.starts_with("key,digest,generation,ttl,"), "{header}");
    assert!(header.contains(",i") && header.contains(",s"));
    assert_eq!(lines.count(), 1500);
    // query export with a filter
    let r = post(
        &f.app,
        &f.url("/export?format=ndjson"),
        json!({"namespace": "test", "set": set, "filter": {"op": "lt", "bin": "i", "value": 10}}),
    )
    .await;
    assert_eq!(r.text().lines().count(), 10);
    get(
        &f.app,
        &f.url(&format!("/namespaces/test/sets/{set}/export?format=xml")),
    )
    .await
    .problem(400, "validation_failed");
}

/// Export with `maxRecords` on 3 nodes holding uneven data: the client splits the budget
/// between nodes, so one round comes back short; the export continues from the partition
/// cursor until the budget is met.
#[tokio::test]
async fn export_max_records_is_met_on_uneven_nodes() {
    let f = cluster(3).await;
    let Some(fake) = f.fake.clone() else {
        eprintln!(
            "SKIPPED export_max_records_is_met_on_uneven_nodes: needs the fake's partition map (AEROSPIKE_HOSTS is set)"
        );
        return;
    };
    let set = "uneven";
    // 40 records mastered by node 0, 5 by node 1, 5 by node 2.
    let mut want = [40usize, 5, 5];
    let mut keys = Vec::new();
    for i in 0.. {
        if want.iter().all(|w| *w == 0) {
            break;
        }
        let key = Key::new("test", set, Value::String(format!("u{i}"))).unwrap();
        let pid = key.partition_id();
        let node = (0..3)
            .find(|n| fake.with_state(|st| st.is_master(*n, pid)))
            .unwrap();
        if want[node] > 0 {
            want[node] -= 1;
            keys.push(key);
        }
    }
    let c = f.client().await;
    let wp = WritePolicy {
        send_key: true,
        ..WritePolicy::default()
    };
    for k in &keys {
        c.put(&wp, k, &[Bin::new("i", Value::Int(1))])
            .await
            .unwrap();
    }
    let _ = c.close().await;
    for max in [30u64, 49, 50] {
        let r = post(
            &f.app,
            &f.url("/export"),
            json!({"namespace": "test", "set": set, "maxRecords": max}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let lines: HashSet<String> = r.text().lines().map(str::to_string).collect();
        assert_eq!(lines.len() as u64, max, "maxRecords {max}");
    }
    // More than exist: all of them, once.
    let r = post(
        &f.app,
        &f.url("/export?format=csv"),
        json!({"namespace": "test", "set": set, "maxRecords": 500}),
    )
    .await;
    assert_eq!(r.text().split("\r\n").filter(|l| !l.is_empty()).count(), 51);
}

/// The export's file name survives any set name (RFC 6266 `filename*`).
#[tokio::test]
async fn export_file_name_is_encoded() {
    let f = cluster(1).await;
    let set = "caf\u{e9} \"q\"";
    let c = f.client().await;
    let key = Key::new("test", set, Value::Int(1)).unwrap();
    c.put(
        &WritePolicy::default(),
        &key,
        &[Bin::new("i", Value::Int(1))],
    )
    .await
    .unwrap();
    let _ = c.close().await;
    let r = get(
        &f.app,
        &f.url("/namespaces/test/sets/caf%C3%A9%20%22q%22/export"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"test-caf_ _q_.ndjson\"; filename*=UTF-8''test-caf%C3%A9%20%22q%22.ndjson"
    );
    assert_eq!(r.text().lines().count(), 1);
}

/// Query paging (filter expression: read-ahead; secondary-index predicate: probe) sees
/// every record once and ends on the last full page.
async fn query_pages_end_on_the_last_full_page(nodes: usize) {
    let f = cluster(nodes).await;
    let set = set_name(&format!("qend{nodes}_"));
    let (n, page) = (1200usize, 100usize);
    f.load(&set, n).await;
    let idx = format!("{set}_i");
    let r = post(
        &f.app,
        &f.url("/indexes"),
        json!({"namespace": "test", "set": set, "name": idx, "bin": "i", "type": "numeric"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text());
    for query in [
        json!({"namespace": "test", "set": set, "filter": {"op": "ge", "bin": "i", "value": 0}}),
        json!({"namespace": "test", "set": set, "predicate": {"bin": "i", "op": "range", "value": 0, "end": n}}),
    ] {
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut body = query.clone();
            body["pageSize"] = json!(page);
            if let Some(c) = &cursor {
                body["cursor"] = json!(c);
            }
            let r = post(&f.app, &f.url("/query"), body).await;
            assert_eq!(r.status, 200, "{}", r.text());
            let j = r.json();
            pages += 1;
            for rec in j["records"].as_array().unwrap() {
                let k = rec["key"]["userKey"].as_str().unwrap().to_string();
                assert!(seen.insert(k.clone()), "{k} twice ({query})");
            }
            cursor = j["nextCursor"].as_str().map(str::to_string);
            if cursor.is_none() {
                break;
            }
            assert!(pages < 1000);
        }
        assert_eq!(seen.len(), n, "{query}");
        assert_eq!(pages, n / page, "{query}");
    }
}

#[tokio::test]
async fn query_pages_end_on_the_last_full_page_1_node() {
    query_pages_end_on_the_last_full_page(1).await;
}

#[tokio::test]
async fn query_pages_end_on_the_last_full_page_3_nodes() {
    query_pages_end_on_the_last_full_page(3).await;
}
