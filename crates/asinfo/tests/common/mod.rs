//! Fixture loading shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use asinfo::proto::{ReplyLine, decode_info_reply};

/// Root of the real CE 8.1.2 replies.
pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/aerospike-ce-8.1"
);

/// Whether the fixtures are there: under `CI=true` a missing folder fails the test,
/// elsewhere the test prints why it skips and returns (see `asinfo::fixtures`).
pub fn present(test: &str) -> bool {
    asinfo::fixtures::ce81_or_skip(test).is_some()
}

/// Absolute path of a fixture file.
pub fn path(rel: &str) -> PathBuf {
    asinfo::fixtures::ce81_path().join(rel)
}

/// Raw bytes of a fixture file.
pub fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(path(rel)).unwrap_or_else(|e| panic!("cannot read fixture {rel}: {e}"))
}

/// All reply lines of a fixture.
pub fn lines(rel: &str) -> Vec<ReplyLine> {
    decode_info_reply(&bytes(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// The value of a single-command fixture (asserts exactly one line).
pub fn value(rel: &str) -> String {
    let mut l = lines(rel);
    assert_eq!(l.len(), 1, "fixture {rel} has {} lines", l.len());
    l.remove(0).value
}

/// The command echoed in a single-command fixture.
pub fn command(rel: &str) -> String {
    let l = lines(rel);
    assert_eq!(l.len(), 1, "fixture {rel} has {} lines", l.len());
    l[0].command.clone()
}

/// File names listed in a MANIFEST.tsv (relative to the fixture root).
pub fn manifest(rel: &str) -> Vec<String> {
    let text = String::from_utf8(bytes(rel)).expect("manifest is UTF-8");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap_or("").to_owned())
        .collect()
}
