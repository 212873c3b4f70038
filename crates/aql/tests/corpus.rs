//! The corpus of real-looking `aql` usage: every statement parses, prints canonically and
//! parses back to the same AST; selected statements have their exact AST checked.

use aql::*;

const CORPUS: &str = include_str!("corpus.aql");

fn one(src: &str) -> Statement {
    parse_statement(src).unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

fn t(ns: &str, set: Option<&str>) -> Target {
    Target {
        namespace: ns.into(),
        set: set.map(Into::into),
    }
}

#[test]
fn corpus_parses_and_round_trips() {
    let script = parse(CORPUS).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(script.len(), 76);
    let mut kinds = std::collections::BTreeSet::new();
    for s in &script {
        // The span covers the statement's own text.
        let text = &CORPUS[s.span.clone()];
        assert_eq!(one(text), s.statement, "{text}");
        let printed = s.statement.to_string();
        assert_eq!(one(&printed), s.statement, "{text}\n=> {printed}");
        // Canonical text is a fixed point.
        assert_eq!(one(&printed).to_string(), printed);
        kinds.insert(s.statement.kind());
    }
    assert_eq!(kinds.len(), 15, "{kinds:?}");
}

#[test]
fn whole_script_round_trips() {
    let script = parse(CORPUS).unwrap();
    let printed: Vec<String> = script.iter().map(|s| s.statement.to_string()).collect();
    let again = parse(&printed.join(";\n")).unwrap();
    let a: Vec<_> = script.into_iter().map(|s| s.statement).collect();
    let b: Vec<_> = again.into_iter().map(|s| s.statement).collect();
    assert_eq!(a, b);
}

#[test]
fn select_forms() {
    assert_eq!(
        one("select name, age from test.users where pk = 'user2'"),
        Statement::Select(Select {
            bins: Some(vec!["name".into(), "age".into()]),
            target: t("test", Some("users")),
            predicate: Some(Predicate::PrimaryKey(Value::Str("user2".into()))),
            limit: None,
        })
    );
    assert_eq!(
        one("SELECT * FROM test.users WHERE age BETWEEN -10 AND 10 LIMIT 5"),
        Statement::Select(Select {
            bins: None,
            target: t("test", Some("users")),
            predicate: Some(Predicate::Between {
                bin: "age".into(),
                low: -10,
                high: 10,
                collection: Collection::Default
            }),
            limit: Some(5),
        })
    );
    let contains = Predicate::Equals {
        bin: "tags".into(),
        value: Value::Str("ops".into()),
        collection: Collection::List,
    };
    for src in [
        "SELECT * FROM test.u WHERE tags CONTAINS 'ops' IN LIST",
        "SELECT * FROM test.u IN LIST WHERE tags = 'ops'",
        "SELECT * FROM test.u IN LIST WHERE tags CONTAINS 'ops'",
    ] {
        let Statement::Select(s) = one(src) else {
            panic!("{src}")
        };
        assert_eq!(s.predicate.as_ref(), Some(&contains), "{src}");
    }
    let Statement::Select(s) = one("SELECT * FROM test.s IN MAPVALUES WHERE p BETWEEN 1 AND 2")
    else {
        panic!()
    };
    assert_eq!(
        s.predicate,
        Some(Predicate::Between {
            bin: "p".into(),
            low: 1,
            high: 2,
            collection: Collection::MapValues
        })
    );
    let Statement::Select(s) = one(
        r#"SELECT * FROM test.p WHERE loc WITHIN CAST('{"type":"Polygon","coordinates":[]}' AS GEOJSON)"#,
    ) else {
        panic!()
    };
    assert_eq!(
        s.predicate,
        Some(Predicate::GeoWithin {
            bin: "loc".into(),
            region: r#"{"type":"Polygon","coordinates":[]}"#.into()
        })
    );
    let Statement::Select(s) = one(
        r#"SELECT * FROM test.z WHERE area CONTAINS GEOJSON('{"type":"Point","coordinates":[1,2]}')"#,
    ) else {
        panic!()
    };
    assert!(matches!(s.predicate, Some(Predicate::GeoContains { .. })));
    // A back-quoted PK is a bin called PK, not the primary key.
    let Statement::Select(s) = one("SELECT * FROM test.u WHERE `PK` = 1") else {
        panic!()
    };
    assert!(matches!(s.predicate, Some(Predicate::Equals { ref bin, .. }) if bin == "PK"));
    assert!(matches!(
        one("EXPLAIN SELECT * FROM test.users WHERE PK = 'user1'"),
        Statement::Explain(_)
    ));
}

#[test]
fn insert_typed_literals() {
    let Statement::Insert(i) = one(
        r#"INSERT INTO test.u (PK, a, b, c, d, e, f, g, h) VALUES (X'00ff', 1, -2.5, 'x', X'01', JSON('[1,{"k":true}]'), LIST('[1,"a"]'), MAP('{"m":null}'), GEOJSON('{"type":"Point","coordinates":[0,0]}'))"#,
    ) else {
        panic!()
    };
    assert_eq!(i.key, Value::Bytes(vec![0, 255]));
    let values: Vec<&Value> = i.bins.iter().map(|(_, v)| v).collect();
    assert_eq!(values[0], &Value::Int(1));
    assert_eq!(values[1], &Value::Float(-2.5));
    assert_eq!(values[2], &Value::Str("x".into()));
    assert_eq!(values[3], &Value::Bytes(vec![1]));
    assert_eq!(values[4], &Value::Json(serde_json::json!([1, {"k": true}])));
    assert_eq!(
        values[5],
        &Value::List(vec![serde_json::json!(1), serde_json::json!("a")])
    );
    assert!(matches!(values[6], Value::Map(m) if m.contains_key("m")));
    assert!(matches!(values[7], Value::GeoJson(_)));
}

#[test]
fn other_forms() {
    assert_eq!(
        one("DELETE FROM test.users WHERE PK = 7"),
        Statement::Delete {
            target: t("test", Some("users")),
            key: Value::Int(7)
        }
    );
    assert_eq!(
        one("SHOW SETS test"),
        Statement::Show(Show::Sets(Some("test".into())))
    );
    assert_eq!(
        one("SHOW INDEXES test.users"),
        Statement::Show(Show::Indexes(Some(t("test", Some("users")))))
    );
    assert_eq!(
        one("DESC INDEX test idx"),
        Statement::DescIndex {
            namespace: "test".into(),
            name: "idx".into()
        }
    );
    assert_eq!(one("desc udf x.lua"), one("DESC MODULE 'x.lua'"));
    assert_eq!(
        one("CREATE MAPKEYS INDEX ik ON test.users (prefs) STRING"),
        Statement::CreateIndex(CreateIndex {
            collection: Collection::MapKeys,
            name: "ik".into(),
            target: t("test", Some("users")),
            bin: "prefs".into(),
            index_type: IndexType::String
        })
    );
    assert_eq!(
        one("DROP INDEX test idx"),
        Statement::DropIndex {
            namespace: "test".into(),
            name: "idx".into()
        }
    );
    assert_eq!(
        one("REGISTER MODULE 'udf/x.lua'"),
        Statement::RegisterModule {
            path: "udf/x.lua".into()
        }
    );
    assert_eq!(
        one("REMOVE MODULE x.lua"),
        Statement::RemoveModule {
            filename: "x.lua".into()
        }
    );
    assert_eq!(
        one("EXECUTE m.f(1, 'a') ON test.s WHERE PK = 'k'"),
        Statement::Execute(UdfCall {
            module: "m".into(),
            function: "f".into(),
            args: vec![Value::Int(1), Value::Str("a".into())],
            target: t("test", Some("s")),
            predicate: Some(Predicate::PrimaryKey(Value::Str("k".into())))
        })
    );
    assert!(matches!(
        one("AGGREGATE m.f() ON test.s"),
        Statement::Aggregate(_)
    ));
    assert_eq!(one("TRUNCATE test"), Statement::Truncate(t("test", None)));
    assert_eq!(
        one("set output json"),
        Statement::Set(Setting::Output(OutputFormat::Json))
    );
    assert_eq!(
        one("SET TIMEOUT 250"),
        Statement::Set(Setting::Timeout(250))
    );
    assert_eq!(
        one("SET RECORD_PRINT_METADATA false"),
        Statement::Set(Setting::RecordPrintMetadata(false))
    );
    assert_eq!(
        one("SET KEY_SEND true"),
        Statement::Set(Setting::KeySend(true))
    );
}

#[test]
fn statements_split_on_semicolons_outside_quotes() {
    let s = parse("INSERT INTO test.s (PK, a) VALUES ('k;1', 'a;b'); SELECT * FROM test.s WHERE PK = 'k;1' ;;").unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].span, 0..48);
    assert!(matches!(&s[0].statement, Statement::Insert(i) if i.key == Value::Str("k;1".into())));
    let s = parse("-- only a comment; still a comment\n/* ; */").unwrap();
    assert!(s.is_empty());
}
