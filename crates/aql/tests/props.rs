//! Property tests: every generated AST prints to text that parses back to the same AST, and
//! no input (random bytes, or random mixes of AQL fragments) makes the parser panic.
//! Bounded (256 cases per property by default; `PROPTEST_CASES` raises it).

use aql::*;
use proptest::prelude::*;

fn name(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z_][a-z0-9_]{0,6}",
        1 => "[a-zA-Z0-9 `'\"$é.-]{1,8}",
        1 => prop::sample::select(vec!["pk", "PK", "select", "from", "set", "x", "X", "a-b", "a--b", "1st"]).prop_map(String::from),
    ]
    .prop_map(move |s: String| s.chars().take(max).collect::<String>())
    .prop_filter("valid name", |s| !s.is_empty())
}

fn target() -> impl Strategy<Value = Target> {
    (name(31), prop::option::of(name(63))).prop_map(|(namespace, set)| Target { namespace, set })
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Json::from),
        ".{0,6}".prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((".{0,4}", inner), 0..4)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

fn geo() -> impl Strategy<Value = String> {
    (-180.0f64..180.0, -90.0f64..90.0, any::<bool>()).prop_map(|(x, y, spaced)| {
        if spaced {
            format!("{{ \"type\": \"Point\", \"coordinates\": [{x}, {y}] }}")
        } else {
            format!("{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}")
        }
    })
}

fn key() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::Int),
        ".{0,8}".prop_map(Value::Str),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(Value::Bytes),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        key(),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Float),
        json().prop_map(Value::Json),
        prop::collection::vec(json(), 0..3).prop_map(Value::List),
        prop::collection::vec((".{0,4}", json()), 0..3)
            .prop_map(|kv| Value::Map(kv.into_iter().collect())),
        geo().prop_map(Value::GeoJson),
    ]
}

fn collection() -> impl Strategy<Value = Collection> {
    prop_oneof![
        Just(Collection::Default),
        Just(Collection::List),
        Just(Collection::MapKeys),
        Just(Collection::MapValues)
    ]
}

fn predicate() -> impl Strategy<Value = Predicate> {
    prop_oneof![
        key().prop_map(Predicate::PrimaryKey),
        (name(15), key(), collection()).prop_map(|(bin, value, collection)| Predicate::Equals {
            bin,
            value,
            collection
        }),
        (name(15), any::<i64>(), any::<i64>(), collection()).prop_map(
            |(bin, low, high, collection)| Predicate::Between {
                bin,
                low,
                high,
                collection
            }
        ),
        (name(15), geo()).prop_map(|(bin, region)| Predicate::GeoWithin { bin, region }),
        (name(15), geo()).prop_map(|(bin, point)| Predicate::GeoContains { bin, point }),
    ]
}

fn select() -> impl Strategy<Value = Select> {
    (
        prop::option::of(prop::collection::vec(name(15), 1..4)),
        target(),
        prop::option::of(predicate()),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(bins, target, predicate, limit)| Select {
            bins,
            target,
            predicate,
            limit,
        })
}

fn filename() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_.-]{0,8}".prop_map(|s| format!("{s}.lua"))
}

fn udf_call() -> impl Strategy<Value = UdfCall> {
    (
        "[a-z][a-z0-9_-]{0,6}",
        "[a-z_][a-z0-9_]{0,6}",
        prop::collection::vec(value(), 0..3),
        target(),
        prop::option::of(predicate()),
    )
        .prop_map(|(module, function, args, target, predicate)| UdfCall {
            module,
            function,
            args,
            target,
            predicate,
        })
}

fn index_type() -> impl Strategy<Value = IndexType> {
    prop_oneof![
        Just(IndexType::Numeric),
        Just(IndexType::String),
        Just(IndexType::Geo2DSphere),
        Just(IndexType::Blob)
    ]
}

fn statement() -> impl Strategy<Value = Statement> {
    prop_oneof![
        select().prop_map(Statement::Select),
        select().prop_map(Statement::Explain),
        (
            target(),
            key(),
            prop::collection::btree_map(name(15), value(), 0..4)
        )
            .prop_map(|(target, key, bins)| Statement::Insert(Insert {
                target,
                key,
                bins: bins.into_iter().collect()
            })),
        (target(), key()).prop_map(|(target, key)| Statement::Delete { target, key }),
        prop_oneof![
            Just(Show::Namespaces),
            prop::option::of(name(31)).prop_map(Show::Sets),
            prop::option::of(name(31)).prop_map(Show::Bins),
            prop::option::of(target()).prop_map(Show::Indexes),
            Just(Show::Udfs),
            Just(Show::Queries),
        ]
        .prop_map(Statement::Show),
        (name(31), name(255))
            .prop_map(|(namespace, name)| Statement::DescIndex { namespace, name }),
        filename().prop_map(|filename| Statement::DescModule { filename }),
        (collection(), name(255), target(), name(15), index_type()).prop_map(
            |(collection, name, target, bin, index_type)| Statement::CreateIndex(CreateIndex {
                collection,
                name,
                target,
                bin,
                index_type
            })
        ),
        (name(31), name(255))
            .prop_map(|(namespace, name)| Statement::DropIndex { namespace, name }),
        ("([a-z. ]{1,6}/){0,2}", filename()).prop_map(|(dir, f)| Statement::RegisterModule {
            path: format!("{dir}{f}")
        }),
        filename().prop_map(|filename| Statement::RemoveModule { filename }),
        udf_call().prop_map(Statement::Execute),
        udf_call().prop_map(Statement::Aggregate),
        target().prop_map(Statement::Truncate),
        prop_oneof![
            Just(Setting::Output(OutputFormat::Table)),
            Just(Setting::Output(OutputFormat::Json)),
            any::<u64>().prop_map(Setting::Timeout),
            any::<bool>().prop_map(Setting::RecordPrintMetadata),
            any::<bool>().prop_map(Setting::KeySend),
        ]
        .prop_map(Statement::Set),
    ]
}

const FRAGMENTS: &[&str] = &[
    "SELECT",
    "*",
    "FROM",
    "test",
    ".",
    "users",
    "WHERE",
    "PK",
    "=",
    "'k'",
    "\"q\"",
    "42",
    "-1.5e3",
    "BETWEEN",
    "AND",
    "CONTAINS",
    "IN",
    "LIST",
    "MAPKEYS",
    "WITHIN",
    "GEOJSON(",
    "JSON(",
    "'{\"type\":\"Point\"}'",
    ")",
    "(",
    ",",
    ";",
    "LIMIT",
    "INSERT",
    "INTO",
    "VALUES",
    "X'00'",
    "X'0'",
    "`q`",
    "`",
    "'",
    "--",
    "/*",
    "*/",
    "\n",
    "CREATE",
    "LIST",
    "INDEX",
    "ON",
    "NUMERIC",
    "DROP",
    "SHOW",
    "SETS",
    "DESC",
    "MODULE",
    "REGISTER",
    "'a.lua'",
    "EXECUTE",
    "AGGREGATE",
    "TRUNCATE",
    "SET",
    "OUTPUT",
    "JSON",
    "TIMEOUT",
    "KEY_SEND",
    "true",
    "\\",
    "\\u{",
    "é",
    "CAST(",
    "AS",
    "99999999999999999999",
    "1e999",
    ".5",
];

proptest! {
    #[test]
    fn printed_ast_parses_back_to_itself(s in statement()) {
        let text = s.to_string();
        let parsed = parse_statement(&text);
        prop_assert_eq!(parsed.as_ref().ok(), Some(&s), "{}\n{:?}", text, parsed);
    }

    #[test]
    fn scripts_round_trip(v in prop::collection::vec(statement(), 0..5)) {
        let text: Vec<String> = v.iter().map(ToString::to_string).collect();
        let parsed: Vec<Statement> = parse(&text.join(" ;\n")).expect("parses").into_iter().map(|s| s.statement).collect();
        prop_assert_eq!(parsed, v);
    }

    #[test]
    fn arbitrary_text_never_panics(src in ".{0,200}") {
        check_errors(&src);
    }

    #[test]
    fn fragment_soup_never_panics(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40), sep in prop::sample::select(vec![" ", "", "\t"])) {
        check_errors(&parts.join(sep));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_errors(&String::from_utf8_lossy(&bytes));
    }
}

/// Parse; any error span lies inside the input on char boundaries.
fn check_errors(src: &str) {
    if let Err(errs) = parse(src) {
        assert!(!errs.is_empty());
        for e in errs {
            assert!(
                e.span.start <= e.span.end && e.span.end <= src.len(),
                "{e:?} in {src:?}"
            );
            assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
            assert!(!e.message.is_empty());
        }
    }
}
