//! Errors name the offending bytes and what was expected.

use aql::*;

fn err(src: &str) -> ParseError {
    let mut e = parse(src).expect_err(src);
    e.remove(0)
}

fn at<'a>(src: &'a str, e: &ParseError) -> &'a str {
    &src[e.span.clone()]
}

#[test]
fn unknown_statement() {
    let src = "SELEC * FROM test";
    let e = err(src);
    assert_eq!(at(src, &e), "SELEC");
    assert!(e.expected.contains(&"`SELECT`".to_string()), "{e:?}");
}

#[test]
fn missing_from() {
    let src = "SELECT a, b test.users";
    let e = err(src);
    assert_eq!(at(src, &e), "test");
    assert_eq!(e.expected, vec!["`FROM`"]);
    assert!(e.to_string().contains("expected `FROM`"), "{e}");
}

#[test]
fn end_of_input_is_an_empty_span_at_the_end() {
    let src = "SELECT * FROM";
    let e = err(src);
    assert_eq!(e.span, 13..13);
    assert!(e.message.contains("end of the statement"), "{e:?}");
}

#[test]
fn names_are_checked() {
    let src =
        "SELECT * FROM test.abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij";
    let e = err(src);
    assert!(at(src, &e).starts_with("abcdefghij"));
    assert!(e.message.contains("at most 63"), "{e:?}");
    let src = "SELECT * FROM `te;st`.users";
    let e = err(src);
    assert_eq!(at(src, &e), "`te;st`");
    assert!(e.message.contains("cannot contain"), "{e:?}");
    let src = "SELECT averyveryverylongbin FROM test";
    assert!(err(src).message.contains("at most 15"));
    let src = "DROP INDEX test `a\nb`";
    assert!(err(src).message.contains("control character"));
    let src = "REGISTER MODULE 'x.py'";
    let e = err(src);
    assert_eq!(at(src, &e), "'x.py'");
    let src = "SELECT * FROM test.2024";
    assert!(err(src).message.contains("quote"));
}

#[test]
fn values_are_typed() {
    let src = "SELECT * FROM test.s WHERE a BETWEEN 'x' AND 3";
    let e = err(src);
    assert_eq!(at(src, &e), "'x'");
    let src = "INSERT INTO test.s (PK, a) VALUES (LIST('[1]'), 1)";
    assert_eq!(at(src, &err(src)), "LIST");
    let src = "INSERT INTO test.s (PK, a) VALUES ('k', MAP('[1]'))";
    let e = err(src);
    assert_eq!(at(src, &e), "'[1]'");
    assert!(e.message.contains("JSON object"));
    let src = "INSERT INTO test.s (PK, a) VALUES ('k', JSON('{bad'))";
    assert!(err(src).message.contains("invalid JSON"));
    let src = "INSERT INTO test.s (PK, a) VALUES ('k', 99999999999999999999)";
    assert!(err(src).message.contains("64-bit"));
    let src = "INSERT INTO test.s (PK, a, b) VALUES ('k', 1)";
    assert!(err(src).message.contains("2 bin name(s) but 1 value(s)"));
    let src = "SELECT * FROM test.s WHERE a CONTAINS 1";
    assert!(err(src).expected[0].contains("IN LIST"));
    let src = "SELECT * FROM test.s WHERE a WITHIN 'x'";
    assert_eq!(at(src, &err(src)), "'x'");
    let src = "SELECT * FROM test.s WHERE loc WITHIN GEOJSON('{\"coordinates\":[]}')";
    assert!(err(src).message.contains("GeoJSON"));
    let src = "SELECT * FROM test.s LIMIT -1";
    assert_eq!(at(src, &err(src)), "-1");
}

#[test]
fn every_statement_is_checked_and_errors_are_in_order() {
    let src = "SELECT * FROM test; SHOW NOTHING; DROP INDEX test; SHOW SETS";
    let errs = parse(src).unwrap_err();
    assert_eq!(errs.len(), 2);
    assert_eq!(&src[errs[0].span.clone()], "NOTHING");
    assert_eq!(errs[1].span, 49..49);
}

#[test]
fn lexical_errors() {
    let src = "SELECT * FROM test.s WHERE PK = 'open";
    let e = err(src);
    assert_eq!(at(src, &e), "'open");
    assert!(e.message.contains("not closed"));
    let src = "SELECT * FROM test.s WHERE PK = 'a\\q'";
    assert!(err(src).message.contains("unknown escape"));
}
