//! AQL terminal (`POST /clusters/{id}/aql`) against aerospike-fake over real TCP: an
//! execution test per statement form, the whole-script refusals (syntax, read-only,
//! confirmation, unsupported) and the NDJSON event stream.

mod common;

use common::*;

#[test]
fn suffixes_sets_and_indexes_for_real_servers() {
    assert_eq!(
        suffixed(
            "CREATE INDEX i_a ON test.users (i_b); SELECT * FROM test.u WHERE PK = 'test.x'",
            "_7"
        ),
        "CREATE INDEX i_a_7 ON test.users_7 (i_b_7); SELECT * FROM test.u_7 WHERE PK = 'test.x_7'"
    );
    assert_eq!(suffixed("SHOW SETS test", ""), "SHOW SETS test");
}
use serde_json::{Value as J, json};

/// Suffix of set and index names: empty on a fresh fake cluster, unique per run on a real
/// server (`AEROSPIKE_HOSTS`), so reruns do not meet the previous run's sets and indexes.
fn sfx(f: &Fixture) -> String {
    if f.real {
        format!("_{}", std::process::id() % 100_000)
    } else {
        String::new()
    }
}

/// `name` with this run's suffix.
fn n(f: &Fixture, name: &str) -> String {
    format!("{name}{}", sfx(f))
}

/// Add the run's suffix to every set (`test.<set>`) and index name (`i_...`) of a script.
fn suffixed(script: &str, sfx: &str) -> String {
    if sfx.is_empty() {
        return script.to_string();
    }
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !word(chars[i - 1]);
        let rest: String = chars[i..].iter().take(5).collect();
        let (is_set, is_index) = (
            starts_word && rest == "test.",
            starts_word && rest.starts_with("i_"),
        );
        if is_set || is_index {
            let mut j = if is_set { i + 5 } else { i };
            while j < chars.len() && word(chars[j]) {
                j += 1;
            }
            out.extend(&chars[i..j]);
            out.push_str(sfx);
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Run a script; returns the status and, for 200, the NDJSON events.
async fn aql(f: &Fixture, mut body: J) -> (u16, Vec<J>, Resp) {
    if let Some(script) = body["script"].as_str() {
        body["script"] = J::String(suffixed(script, &sfx(f)));
    }
    let r = post(&f.app, &f.url("/aql"), body).await;
    let status = r.status.as_u16();
    let events = if status == 200 {
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/x-ndjson"
        );
        r.text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    } else {
        vec![]
    };
    (status, events, r)
}

/// Run a script that must succeed completely; returns the events.
async fn ok(f: &Fixture, script: &str) -> Vec<J> {
    ok_with(f, json!({ "script": script })).await
}

async fn ok_with(f: &Fixture, body: J) -> Vec<J> {
    let (status, events, r) = aql(f, body).await;
    assert_eq!(status, 200, "{}", r.text());
    let done = events.last().expect("events");
    assert_eq!(done["type"], "done", "{events:#?}");
    assert_eq!(done["succeeded"], done["statements"], "{events:#?}");
    events
}

/// Rows of statement `i`.
fn rows(events: &[J], i: usize) -> Vec<J> {
    events
        .iter()
        .filter(|e| e["type"] == "rows" && e["index"] == i)
        .flat_map(|e| e["rows"].as_array().unwrap().clone())
        .collect()
}

/// The `end` event of statement `i`.
fn end(events: &[J], i: usize) -> &J {
    events
        .iter()
        .find(|e| e["type"] == "end" && e["index"] == i)
        .unwrap_or_else(|| panic!("no end for {i}: {events:#?}"))
}

fn error(events: &[J]) -> &J {
    events
        .iter()
        .find(|e| e["type"] == "error")
        .unwrap_or_else(|| panic!("no error: {events:#?}"))
}

#[tokio::test]
async fn insert_then_select_by_key_scan_and_limit() {
    let f = cluster(1).await;
    let ev = ok(
        &f,
        "INSERT INTO test.people (PK, name, age) VALUES ('p1', 'Ann', 31);
         INSERT INTO test.people (PK, name, age) VALUES ('p2', 'Bob', 42);
         SELECT * FROM test.people WHERE PK = 'p1';
         SELECT name FROM test.people;
         SELECT * FROM test.people LIMIT 1;
         SELECT * FROM test.people WHERE PK = 'nobody'",
    )
    .await;
    // start, end for each statement: events come in statement order.
    let order: Vec<(String, i64)> = ev
        .iter()
        .filter(|e| e["type"] == "start" || e["type"] == "end")
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["index"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(order.len(), 12);
    assert_eq!(order[0], ("start".into(), 0));
    assert_eq!(order[11], ("end".into(), 5));
    assert_eq!(ev[0]["kind"], "INSERT");
    assert_eq!(end(&ev, 0)["rowCount"], 1);
    assert!(end(&ev, 0)["elapsedMs"].as_f64().unwrap() >= 0.0);
    let r = rows(&ev, 2);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["key"]["userKey"], "p1");
    assert_eq!(r[0]["bins"], json!({"name": "Ann", "age": 31}));
    let mut names: Vec<J> = rows(&ev, 3).iter().map(|r| r["bins"].clone()).collect();
    names.sort_by_key(|b| b["name"].as_str().unwrap().to_string());
    assert_eq!(names, vec![json!({"name": "Ann"}), json!({"name": "Bob"})]);
    assert_eq!(end(&ev, 3)["rowCount"], 2);
    assert_eq!(rows(&ev, 4).len(), 1);
    assert_eq!(end(&ev, 4)["truncated"], false);
    assert_eq!(rows(&ev, 5).len(), 0);
    assert_eq!(end(&ev, 5)["rowCount"], 0);
    let done = ev.last().unwrap();
    assert_eq!(done["statements"], 6);
    assert!(done["elapsedMs"].as_f64().unwrap() >= 0.0);
}

#[tokio::test]
async fn typed_literals_are_stored_with_their_types() {
    let f = cluster(1).await;
    let ev = ok(
        &f,
        r#"INSERT INTO test.t (PK, i, f, s, b, j, l, m, g) VALUES (X'0102', -5, 2.5, 'x', X'ff00',
              JSON('{"a": [1, 2]}'), LIST('[1, "two"]'), MAP('{"k": 3}'),
              GEOJSON('{"type": "Point", "coordinates": [13.4, 52.5]}'));
           SELECT * FROM test.t WHERE PK = X'0102'"#,
    )
    .await;
    let r = rows(&ev, 1);
    assert_eq!(r[0]["key"]["userKey"], json!({"$bytes": "AQI="}));
    assert_eq!(
        r[0]["bins"],
        json!({"i": -5, "f": 2.5, "s": "x", "b": {"$bytes": "/wA="}, "j": {"a": [1, 2]},
               "l": [1, "two"], "m": {"k": 3},
               "g": {"$geo": {"type": "Point", "coordinates": [13.4, 52.5]}}})
    );
}

#[tokio::test]
async fn secondary_index_predicates() {
    let f = cluster(1).await;
    ok(
        &f,
        r#"CREATE INDEX i_age ON test.u (age) NUMERIC;
           CREATE INDEX i_name ON test.u (name) STRING;
           CREATE LIST INDEX i_tags ON test.u (tags) STRING;
           CREATE MAPKEYS INDEX i_pk ON test.u (prefs) STRING;
           CREATE MAPVALUES INDEX i_pv ON test.u (prefs) STRING;
           CREATE INDEX i_loc ON test.u (loc) GEO2DSPHERE;
           CREATE INDEX i_raw ON test.u (raw) BLOB;
           INSERT INTO test.u (PK, age, name, tags, prefs, loc, raw) VALUES ('a', 20, 'ann',
             LIST('["x", "y"]'), MAP('{"theme": "dark"}'),
             GEOJSON('{"type": "Point", "coordinates": [1, 1]}'), X'01');
           INSERT INTO test.u (PK, age, name, tags, prefs, loc, raw) VALUES ('b', 40, 'bob',
             LIST('["y"]'), MAP('{"lang": "en"}'),
             GEOJSON('{"type": "Point", "coordinates": [50, 50]}'), X'02')"#,
    )
    .await;
    let keys = |ev: &[J]| {
        let mut k: Vec<String> = rows(ev, 0)
            .iter()
            .map(|r| r["key"]["userKey"].as_str().unwrap().to_string())
            .collect();
        k.sort();
        k
    };
    let cases: &[(&str, &[&str])] = &[
        ("SELECT * FROM test.u WHERE age = 20", &["a"]),
        ("SELECT * FROM test.u WHERE name = 'bob'", &["b"]),
        (
            "SELECT * FROM test.u WHERE age BETWEEN 10 AND 50",
            &["a", "b"],
        ),
        ("SELECT * FROM test.u WHERE age BETWEEN 30 AND 50", &["b"]),
        (
            "SELECT * FROM test.u WHERE tags CONTAINS 'y' IN LIST",
            &["a", "b"],
        ),
        ("SELECT * FROM test.u IN LIST WHERE tags = 'x'", &["a"]),
        (
            "SELECT * FROM test.u WHERE prefs CONTAINS 'lang' IN MAPKEYS",
            &["b"],
        ),
        (
            "SELECT * FROM test.u WHERE prefs CONTAINS 'dark' IN MAPVALUES",
            &["a"],
        ),
        ("SELECT * FROM test.u WHERE raw = X'02'", &["b"]),
        (
            r#"SELECT * FROM test.u WHERE loc WITHIN GEOJSON('{"type": "Polygon", "coordinates": [[[0,0],[2,0],[2,2],[0,2],[0,0]]]}')"#,
            &["a"],
        ),
    ];
    for (q, want) in cases {
        let ev = ok(&f, q).await;
        assert_eq!(keys(&ev), *want, "{q}");
    }
    // A predicate without an index fails with a clear error and stops the script.
    let (status, ev, _) = aql(
        &f,
        json!({"script": "SELECT * FROM test.u WHERE nope = 1; SHOW SETS"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(error(&ev)["problem"]["code"], "index_not_found");
    assert_eq!(ev.last().unwrap()["succeeded"], 0);
    assert!(!ev.iter().any(|e| e["type"] == "start" && e["index"] == 1));
}

#[tokio::test]
async fn geo_contains_queries_regions() {
    let f = cluster(1).await;
    let ev = ok(
        &f,
        r#"CREATE INDEX i_area ON test.z (area) GEO2DSPHERE;
           INSERT INTO test.z (PK, area) VALUES ('z1', GEOJSON('{"type": "Polygon", "coordinates": [[[0,0],[2,0],[2,2],[0,2],[0,0]]]}'));
           SELECT * FROM test.z WHERE area CONTAINS GEOJSON('{"type": "Point", "coordinates": [1, 1]}');
           SELECT * FROM test.z WHERE area CONTAINS CAST('{"type": "Point", "coordinates": [9, 9]}' AS GEOJSON)"#,
    )
    .await;
    assert_eq!(rows(&ev, 2).len(), 1);
    assert_eq!(rows(&ev, 3).len(), 0);
}

#[tokio::test]
async fn delete_removes_and_a_missing_record_stops_the_script() {
    let f = cluster(1).await;
    let ev = ok(
        &f,
        "INSERT INTO test.d (PK, a) VALUES (7, 1);
         DELETE FROM test.d WHERE PK = 7;
         SELECT * FROM test.d WHERE PK = 7",
    )
    .await;
    assert_eq!(end(&ev, 1)["rowCount"], 1);
    assert_eq!(end(&ev, 2)["rowCount"], 0);
    let (status, ev, _) = aql(
        &f,
        json!({"script": "DELETE FROM test.d WHERE PK = 7; INSERT INTO test.d (PK, a) VALUES (8, 1)"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(error(&ev)["problem"]["code"], "record_not_found");
    assert_eq!(error(&ev)["index"], 0);
    let done = ev.last().unwrap();
    assert_eq!(
        (done["statements"].as_i64(), done["succeeded"].as_i64()),
        (Some(2), Some(0))
    );
    // The INSERT after the failure did not run.
    let ev = ok(&f, "SELECT * FROM test.d").await;
    assert_eq!(end(&ev, 0)["rowCount"], 0);
}

#[tokio::test]
async fn explain_describes_the_plan() {
    let f = cluster(1).await;
    let ev = ok(
        &f,
        "CREATE INDEX i_e_age ON test.e (age) NUMERIC;
         EXPLAIN SELECT * FROM test.e WHERE PK = 'k1';
         EXPLAIN SELECT * FROM test.e WHERE age BETWEEN 1 AND 2;
         EXPLAIN SELECT * FROM test.e WHERE name = 'x';
         EXPLAIN SELECT * FROM test.e",
    )
    .await;
    let pk = &rows(&ev, 1)[0];
    assert_eq!(pk["plan"], "PRIMARY KEY LOOKUP");
    assert_eq!(pk["digest"].as_str().unwrap().len(), 40);
    assert!(pk["partition"].as_u64().unwrap() < 4096);
    let idx = &rows(&ev, 2)[0];
    assert_eq!(idx["plan"], "SECONDARY INDEX QUERY");
    assert_eq!(idx["index"], n(&f, "i_e_age").as_str());
    assert_eq!(rows(&ev, 3)[0]["index"], J::Null);
    assert_eq!(rows(&ev, 4)[0]["plan"], "SCAN");
}

#[tokio::test]
async fn show_statements_list_cluster_objects() {
    let f = cluster(1).await;
    f.load(&n(&f, "shown"), 3).await;
    let ev = ok(
        &f,
        "CREATE INDEX i_i ON test.shown (i) NUMERIC;
         SHOW NAMESPACES; SHOW SETS; SHOW SETS test; SHOW BINS test; SHOW INDEXES test.shown;
         SHOW INDEXES; SHOW UDFS; SHOW QUERIES",
    )
    .await;
    let ns: Vec<J> = rows(&ev, 1)
        .iter()
        .map(|r| r["namespace"].clone())
        .collect();
    assert!(ns.contains(&json!("test")), "{ns:?}");
    for i in [2, 3] {
        let set = rows(&ev, i)
            .into_iter()
            .find(|r| r["name"] == n(&f, "shown").as_str())
            .unwrap_or_else(|| panic!("{:#?}", rows(&ev, i)));
        assert_eq!(set["objects"], 3);
    }
    let bins: Vec<J> = rows(&ev, 4).iter().map(|r| r["bin"].clone()).collect();
    assert!(
        bins.contains(&json!("i")) && bins.contains(&json!("s")),
        "{bins:?}"
    );
    assert!(end(&ev, 4)["message"].as_str().unwrap().contains("sample"));
    let idx = rows(&ev, 5);
    assert_eq!(idx.len(), 1);
    assert_eq!(idx[0]["name"], "i_i");
    assert!(
        rows(&ev, 6)
            .iter()
            .any(|r| r["name"] == n(&f, "i_i").as_str())
    );
    assert_eq!(end(&ev, 7)["type"], "end");
    // The scan of SHOW BINS itself shows up among the queries.
    assert!(end(&ev, 8)["rowCount"].as_u64().is_some());
}

#[tokio::test]
async fn modules_register_describe_and_remove() {
    let f = cluster(1).await;
    let src = "function hello(rec)\n  return 'hi'\nend\n";
    let ev = ok_with(
        &f,
        json!({"script": "REGISTER MODULE 'udf/greet.lua'; SHOW UDFS; DESC MODULE greet.lua; DESC UDF 'greet.lua'",
               "modules": {"greet.lua": src}}),
    )
    .await;
    assert!(
        end(&ev, 0)["message"]
            .as_str()
            .unwrap()
            .contains("registered")
    );
    assert!(rows(&ev, 1).iter().any(|r| r["filename"] == "greet.lua"));
    assert_eq!(rows(&ev, 2)[0]["content"], src);
    assert_eq!(rows(&ev, 3)[0]["content"], src);
    let ev = ok(&f, "REMOVE MODULE greet.lua; SHOW UDFS").await;
    assert!(rows(&ev, 1).is_empty());
    let (_, ev, _) = aql(&f, json!({"script": "REMOVE MODULE 'greet.lua'"})).await;
    assert_eq!(error(&ev)["problem"]["code"], "udf_not_found");
    // Without the file's content nothing runs.
    let (status, _, r) = aql(
        &f,
        json!({"script": "SHOW UDFS; REGISTER MODULE '/tmp/x.lua'"}),
    )
    .await;
    assert_eq!(status, 400);
    let p = r.problem(400, "unsupported_statement");
    assert_eq!(p["spans"][0]["span"]["start"], 11);
    assert!(p["detail"].as_str().unwrap().contains("x.lua"));
}

#[tokio::test]
async fn describe_and_drop_index_with_confirmation() {
    let f = cluster(1).await;
    ok(&f, "CREATE INDEX i_d ON test.di (n) NUMERIC").await;
    let ev = ok(&f, "DESC INDEX test i_d").await;
    let d = &rows(&ev, 0)[0];
    assert_eq!(
        (d["name"].as_str(), d["bin"].as_str()),
        (Some(n(&f, "i_d").as_str()), Some("n"))
    );
    assert!(d["stats"].as_object().is_some());
    let (status, _, r) = aql(&f, json!({"script": "SHOW INDEXES; DROP INDEX test i_d"})).await;
    assert_eq!(status, 400);
    let p = r.problem(400, "confirmation_required");
    assert_eq!(p["spans"][0]["span"]["start"], 14);
    assert_eq!(p["spans"][0]["span"]["end"], 33);
    ok_with(
        &f,
        json!({"script": "DROP INDEX test i_d", "confirm": true}),
    )
    .await;
    let ev = ok(&f, "SHOW INDEXES test").await;
    assert!(rows(&ev, 0).is_empty());
    let (_, ev, _) = aql(&f, json!({"script": "DESC INDEX test i_d"})).await;
    assert_eq!(error(&ev)["problem"]["code"], "index_not_found");
}

#[tokio::test]
async fn truncate_needs_confirmation() {
    let f = cluster(1).await;
    f.load(&n(&f, "tr"), 5).await;
    let (status, _, r) = aql(&f, json!({"script": "TRUNCATE test.tr"})).await;
    assert_eq!(status, 400);
    r.problem(400, "confirmation_required");
    let ev = ok(&f, "SELECT * FROM test.tr").await;
    assert_eq!(end(&ev, 0)["rowCount"], 5);
    ok_with(&f, json!({"script": "TRUNCATE test.tr", "confirm": true})).await;
    let ev = ok(&f, "SELECT * FROM test.tr").await;
    assert_eq!(end(&ev, 0)["rowCount"], 0);
}

#[tokio::test]
async fn execute_reports_what_the_cluster_answers() {
    let f = cluster(1).await;
    ok(&f, "INSERT INTO test.x (PK, n) VALUES ('k', 1)").await;
    // aerospike-fake does not run Lua: the statement fails with the server's message.
    let (status, ev, _) = aql(
        &f,
        json!({"script": "EXECUTE counters.incr('n', 1) ON test.x WHERE PK = 'k'"}),
    )
    .await;
    assert_eq!(status, 200);
    let p = &error(&ev)["problem"];
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("execute counters.incr"),
        "{p}"
    );
    let (_, ev, _) = aql(&f, json!({"script": "EXECUTE counters.reset() ON test.x"})).await;
    if f.real {
        // A real server starts the background job (it fails per record: no such module).
        assert!(rows(&ev, 0)[0]["taskId"].as_str().is_some(), "{ev:#?}");
    } else {
        // aerospike-fake refuses background UDF jobs.
        let p = &error(&ev)["problem"];
        assert_eq!(p["code"], "unsupported_feature", "{p}");
    }
}

#[tokio::test]
async fn aggregate_is_refused_before_anything_runs() {
    let f = cluster(1).await;
    let (status, _, r) = aql(
        &f,
        json!({"script": "INSERT INTO test.ag (PK, a) VALUES (1, 1); AGGREGATE stats.sum('a') ON test.ag"}),
    )
    .await;
    assert_eq!(status, 400);
    let p = r.problem(400, "unsupported_statement");
    assert!(p["detail"].as_str().unwrap().contains("AGGREGATE"));
    let ev = ok(&f, "SELECT * FROM test.ag").await;
    assert_eq!(end(&ev, 0)["rowCount"], 0);
}

#[tokio::test]
async fn set_statements_change_the_session() {
    let f = cluster(1).await;
    let ev = ok_with(
        &f,
        json!({"script": "SET OUTPUT JSON; SET TIMEOUT 5000; SET RECORD_PRINT_METADATA true;
                          SET KEY_SEND false; INSERT INTO test.ks (PK, a) VALUES ('hidden', 1);
                          SET KEY_SEND true; INSERT INTO test.ks (PK, a) VALUES ('kept', 2);
                          SELECT * FROM test.ks",
               "settings": {"output": "table"}}),
    )
    .await;
    assert_eq!(end(&ev, 1)["message"], "TIMEOUT = 5000 ms");
    let mut keys: Vec<J> = rows(&ev, 7)
        .iter()
        .map(|r| r["key"]["userKey"].clone())
        .collect();
    keys.sort_by_key(ToString::to_string);
    assert_eq!(keys, vec![json!("kept"), J::Null]);
    let done = ev.last().unwrap();
    assert_eq!(
        done["settings"],
        json!({"output": "json", "timeoutMs": 5000, "recordPrintMetadata": true, "keySend": true})
    );
}

#[tokio::test]
async fn read_only_session_and_profile_refuse_writes() {
    let f = cluster(1).await;
    let (status, _, r) = aql(
        &f,
        json!({"script": "SELECT * FROM test.ro; INSERT INTO test.ro (PK, a) VALUES (1, 1)", "readOnly": true}),
    )
    .await;
    assert_eq!(status, 403);
    let p = r.problem(403, "read_only");
    assert_eq!(p["spans"].as_array().unwrap().len(), 1);
    assert_eq!(p["spans"][0]["span"]["start"], 23);
    // Reads are fine in a read-only session.
    ok_with(
        &f,
        json!({"script": "SELECT * FROM test.ro; SHOW SETS", "readOnly": true}),
    )
    .await;
    // A profile labelled read-only refuses writes whatever the session says.
    let prof = get(&f.app, &format!("/api/v1/profiles/{}", f.pid))
        .await
        .json();
    let r = put(
        &f.app,
        &format!("/api/v1/profiles/{}", f.pid),
        json!({"name": prof["name"], "hosts": prof["hosts"], "labels": {"read-only": "true"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let (status, _, r) = aql(&f, json!({"script": "TRUNCATE test.ro", "confirm": true})).await;
    assert_eq!(status, 403);
    assert!(
        r.problem(403, "read_only")["detail"]
            .as_str()
            .unwrap()
            .contains("profile")
    );
    let ev = ok(&f, "SELECT * FROM test.ro").await;
    assert_eq!(end(&ev, 0)["rowCount"], 0);
}

#[tokio::test]
async fn syntax_errors_are_located_and_nothing_runs() {
    let f = cluster(1).await;
    let script =
        "INSERT INTO test.se (PK, a) VALUES ('é', 1);\nSELEC * FROM test.se;\nSHOW SETS test extra";
    let (status, _, r) = aql(&f, json!({ "script": script })).await;
    assert_eq!(status, 400);
    let p = r.problem(400, "aql_syntax_error");
    let spans = p["spans"].as_array().unwrap();
    assert_eq!(spans.len(), 2);
    let s0 = &spans[0]["span"];
    let (a, b) = (
        s0["start"].as_u64().unwrap() as usize,
        s0["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&script[a..b], "SELEC");
    // `é` is 2 bytes but one UTF-16 unit.
    assert_eq!(s0["startUtf16"].as_u64().unwrap() as usize, a - 1);
    assert!(
        spans[0]["expected"]
            .as_array()
            .unwrap()
            .contains(&json!("`SELECT`"))
    );
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("bytes ")
    );
    let ev = ok(&f, "SELECT * FROM test.se").await;
    assert_eq!(end(&ev, 0)["rowCount"], 0);
}

#[tokio::test]
async fn rows_are_capped_at_max_rows() {
    let f = cluster(1).await;
    f.load(&n(&f, "many"), 250).await;
    let ev = ok_with(
        &f,
        json!({"script": "SELECT * FROM test.many", "maxRows": 120}),
    )
    .await;
    assert_eq!(rows(&ev, 0).len(), 120);
    // Rows arrive in several events.
    assert_eq!(ev.iter().filter(|e| e["type"] == "rows").count(), 2);
    assert_eq!(end(&ev, 0)["truncated"], true);
    let ev = ok_with(
        &f,
        json!({"script": "SELECT * FROM test.many LIMIT 100", "maxRows": 120}),
    )
    .await;
    assert_eq!(rows(&ev, 0).len(), 100);
    assert_eq!(end(&ev, 0)["truncated"], false);
    let ev = ok(&f, "SELECT * FROM test.many").await;
    assert_eq!(end(&ev, 0)["rowCount"], 250);
    let (status, _, r) = aql(&f, json!({"script": "SHOW SETS", "maxRows": 0})).await;
    assert_eq!(status, 400);
    r.problem(400, "validation_failed");
}

#[tokio::test]
async fn unknown_profile_and_empty_script() {
    let f = cluster(1).await;
    let r = post(
        &f.app,
        "/api/v1/clusters/999/aql",
        json!({"script": "SHOW SETS"}),
    )
    .await;
    r.problem(404, "profile_not_found");
    let r = post(&f.app, &f.url("/aql"), json!({"script": " -- nothing\n;"})).await;
    r.problem(400, "validation_failed");
}
