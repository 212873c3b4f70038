//! Walks both MANIFEST.tsv files: every fixture is either parsed by a named parser or
//! listed here as intentionally unparsed, with a reason. New fixture files cannot be
//! skipped silently: every reply file on disk must be in a manifest.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use asinfo::parse::{Parsed, ParserKind, parser_for};
use asinfo::reply::ReplyError;

/// Commands (by name before `:`/`/`) without a typed parser, and why.
const UNPARSED_COMMANDS: &[(&str, &str)] = &[
    (
        "version",
        "deprecated alias of edition+build; use `release`",
    ),
    (
        "compatibility-id",
        "internal cluster compatibility number, not used by acko",
    ),
    (
        "admin-clear-std",
        "admin listener address (3003), not used by acko",
    ),
    (
        "cluster-size",
        "not an info command (ERROR:4:unrecognized command); kept as a trap",
    ),
    ("bins", "not an info command on 8.1"),
    ("jobs", "not an info command on 8.1; query-show replaces it"),
    ("scan-show", "not an info command on 8.1"),
    (
        "sindex-exists",
        "boolean probe; sindex-list is the parsed source",
    ),
    ("features", "feature flags list; informational only"),
    ("status", "liveness `ok`; callers compare the raw value"),
    ("health-stats", "health module output, empty on CE here"),
    ("health-outliers", "health module output, empty on CE here"),
    ("best-practices", "informational check list"),
    ("index-pressure", "informational"),
    ("get-sl", "internal succession list"),
    (
        "endpoints",
        "superseded by service-clear-std/peers-clear-std",
    ),
    ("connection", "describes the current connection only"),
    ("smd-info", "internal system metadata"),
    ("smd-show", "internal system metadata"),
    ("user-agents", "client user agents (base64); informational"),
    (
        "replicas",
        "partition bitmaps; not needed by the operator or manager",
    ),
    ("replicas-master", "partition bitmaps (deprecated)"),
    ("replicas-all", "partition bitmaps (deprecated)"),
    ("partitions", "deprecated"),
    ("objects", "deprecated; namespace/<ns> gives objects"),
    ("mesh", "deprecated heartbeat dump"),
    ("mcast", "deprecated heartbeat dump"),
    ("name", "deprecated alias of node"),
    ("help", "free text"),
    ("racks", "Enterprise-only (rack-id)"),
    ("rack-ids", "Enterprise-only (rack-id)"),
    ("roster", "Enterprise-only (strong consistency)"),
    ("feature-key", "Enterprise-only"),
    ("xdr-dc-state", "Enterprise-only (XDR)"),
    ("quiesce", "Enterprise-only"),
    ("quiesce-undo", "Enterprise-only"),
    ("logs", "log sink list; informational"),
    ("log", "log context levels; informational"),
    ("physical-devices", "informational"),
    (
        "no-such-command",
        "deliberately unknown command (error case, see the reply tests)",
    ),
    ("", "empty command line (error case, see the reply tests)"),
];

/// Files that are not info replies.
const NOT_REPLIES: &[(&str, &str)] = &[(
    "admin-error.txt",
    "prose description of the admin-port reply",
)];

fn command_name(command: &str) -> &str {
    let name = command.split(':').next().unwrap_or("");
    name.split('/').next().unwrap_or("")
}

fn all_manifest_files() -> Vec<String> {
    let mut files = common::manifest("MANIFEST.tsv");
    files.extend(common::manifest("cluster-3/MANIFEST.tsv"));
    files
}

#[test]
fn every_file_on_disk_is_in_a_manifest() {
    if !common::present("fixtures_manifest::every_file_on_disk_is_in_a_manifest") {
        return;
    }
    let listed: BTreeSet<String> = all_manifest_files().into_iter().collect();
    let mut missing = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(common::FIXTURES)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let p = entry.expect("entry").path();
            let rel = p
                .strip_prefix(common::FIXTURES)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            if p.is_dir() {
                if rel != "configs" {
                    stack.push(p);
                }
            } else if rel.ends_with(".txt")
                && !listed.contains(&rel)
                && !NOT_REPLIES.iter().any(|(f, _)| *f == rel)
            {
                missing.push(rel);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fixture files not in any MANIFEST.tsv: {missing:?}"
    );
}

#[test]
fn every_manifest_entry_is_parsed_or_explicitly_unparsed() {
    if !common::present("fixtures_manifest::every_manifest_entry_is_parsed_or_explicitly_unparsed")
    {
        return;
    }
    let files = all_manifest_files();
    assert!(files.len() >= 280, "only {} manifest entries", files.len());
    let unparsed: BTreeMap<&str, &str> = UNPARSED_COMMANDS.iter().copied().collect();
    let mut by_parser: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut used_unparsed: BTreeSet<String> = BTreeSet::new();
    for file in &files {
        let lines = common::lines(file);
        if lines.is_empty() {
            // `_request_without_trailing_newline`: the server ignores an unterminated command.
            assert_eq!(
                file, "_request_without_trailing_newline.txt",
                "{file} has no reply lines"
            );
            continue;
        }
        // The legacy summary (empty request) is a list of other commands' replies.
        let summary = file == "_summary_empty_request.txt";
        for line in lines {
            match parser_for(&line.command) {
                Some(kind) => {
                    *by_parser.entry(format!("{kind:?}")).or_default() += 1;
                    match kind.parse(&line.value) {
                        Ok(parsed) => {
                            check_nothing_dropped(file, &line.value, kind, &parsed, &mut problems)
                        }
                        Err(ReplyError::Malformed { what, detail }) => problems.push(format!(
                            "{file}: `{}` malformed {what}: {detail}",
                            line.command
                        )),
                        Err(_) => {} // classified server error: asserted in the reply tests
                    }
                }
                None => {
                    let name = command_name(&line.command);
                    if unparsed.contains_key(name) {
                        used_unparsed.insert(name.to_owned());
                    } else if !summary {
                        problems.push(format!(
                            "{file}: command `{}` has no parser and no reason",
                            line.command
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let stale: Vec<_> = unparsed
        .keys()
        .filter(|k| !used_unparsed.contains(**k))
        .collect();
    assert!(
        stale.is_empty(),
        "UNPARSED_COMMANDS entries never seen in fixtures: {stale:?}"
    );
    // Every parser is exercised by at least one real reply.
    for kind in ParserKind::ALL {
        assert!(
            by_parser.contains_key(&format!("{kind:?}")),
            "no fixture exercises {kind:?}"
        );
    }
}

/// For `k=v;` replies, the typed fields plus `other` must account for every key sent.
fn check_nothing_dropped(
    file: &str,
    raw: &str,
    kind: ParserKind,
    parsed: &Parsed,
    problems: &mut Vec<String>,
) {
    let json = serde_json::to_value(parsed).expect("serialize");
    let count_keys = |v: &serde_json::Value| -> usize {
        let obj = v.as_object().expect("object");
        let other = obj
            .get("other")
            .and_then(|o| o.as_object())
            .map_or(0, |o| o.len());
        let typed = obj
            .iter()
            .filter(|(k, v)| *k != "other" && !v.is_null())
            .count();
        typed + other
    };
    // Distinct keys with a real value (`null` values become `None` fields).
    let sent: BTreeSet<&str> = raw
        .split(';')
        .filter_map(|p| p.split_once('='))
        .filter(|(_, v)| *v != "null")
        .map(|(k, _)| k)
        .collect();
    let sent = sent.len();
    let kept = match kind {
        ParserKind::Statistics
        | ParserKind::Namespace
        | ParserKind::SindexStats
        | ParserKind::Release => count_keys(&json),
        ParserKind::Config => json.as_object().map_or(0, |o| {
            o.values().filter(|v| v.as_str() != Some("null")).count()
        }),
        _ => return,
    };
    if kept < sent {
        problems.push(format!("{file}: {kind:?} kept {kept} keys of {sent}"));
    }
}
