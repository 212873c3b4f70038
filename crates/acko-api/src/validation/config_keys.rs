//! Which `aerospikeConfig` keys a CE 8 server refuses: Enterprise-only keys and keys removed in
//! server 7.x.
//!
//! Enterprise-only keys are **not** listed here: they come from the cited tables of
//! [`aerospike_conf::knowledge`] (one source of truth for the whole workspace). This module maps
//! the JSON of `spec.aerospikeConfig` onto the dotted config contexts those tables use
//! (`namespaces[0].storage-engine.compression` → `namespace.storage-engine.compression`) and
//! offers the public views [`EE_ONLY_SECTIONS`] and [`EE_ONLY_NAMESPACE_KEYS`], derived from the
//! tables at compile time.
//!
//! Keys removed by the server come from [`aerospike_conf::knowledge::removed`] as well
//! ([`REMOVED_CONFIG_KEYS`] re-exports that table).

use aerospike_conf::knowledge::{ENTERPRISE_ONLY, EnterpriseOnly, enterprise_only_entry};

/// A key that server 7.x removed: a CE 8 server refuses to start when the config sets it.
/// Re-exported from [`aerospike_conf::knowledge::removed`], the cited table.
pub use aerospike_conf::knowledge::removed::RemovedKey;

/// Keys removed by server 7.0 (unified storage format) and 7.1 (fixed 8 MiB write blocks).
/// Re-exported from [`aerospike_conf::knowledge::removed`], which cites the sources.
pub use aerospike_conf::knowledge::removed::REMOVED_CONFIG_KEYS;

/// `(key, hint)` of every [`REMOVED_CONFIG_KEYS`] entry (whatever its context).
pub const REMOVED_KEYS: &[(&str, &str)] = &removed_pairs();

const fn removed_pairs() -> [(&'static str, &'static str); REMOVED_CONFIG_KEYS.len()] {
    let mut out = [("", ""); REMOVED_CONFIG_KEYS.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = (REMOVED_CONFIG_KEYS[i].key, REMOVED_CONFIG_KEYS[i].hint);
        i += 1;
    }
    out
}

/// Names of the Enterprise-only sections: whole stanzas at the top level (`security`, `xdr`)
/// and under `network` (`tls`). Derived from [`aerospike_conf::knowledge::ENTERPRISE_ONLY`].
pub const EE_ONLY_SECTIONS: &[&str] = &ee_sections::<{ count_ee_sections() }>();

/// Enterprise-only keys (and stanzas) of a namespace, e.g. `strong-consistency`, `rack-id`,
/// `conflict-resolve-writes` (not `index-type` / `sindex-type`: CE has them, only some of their
/// types are Enterprise-only, see [`aerospike_conf::knowledge::ENTERPRISE_ONLY_VALUES`]). Derived from
/// [`aerospike_conf::knowledge::ENTERPRISE_ONLY`].
pub const EE_ONLY_NAMESPACE_KEYS: &[&str] =
    &children::<{ count_children("namespace.") }>("namespace.");

/// Whether the table entry `e` is a stanza at the top level or directly under `network`.
const fn is_section(e: &EnterpriseOnly) -> bool {
    e.stanza && (is_child(e.path, "") || is_child(e.path, "network."))
}

const fn count_ee_sections() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < ENTERPRISE_ONLY.len() {
        if is_section(&ENTERPRISE_ONLY[i]) {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn ee_sections<const N: usize>() -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < ENTERPRISE_ONLY.len() {
        let e = &ENTERPRISE_ONLY[i];
        if is_section(e) {
            out[n] = last_segment(e.path);
            n += 1;
        }
        i += 1;
    }
    out
}

const fn count_children(prefix: &str) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < ENTERPRISE_ONLY.len() {
        if is_child(ENTERPRISE_ONLY[i].path, prefix) {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn children<const N: usize>(prefix: &str) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut n) = (0, 0);
    while i < ENTERPRISE_ONLY.len() {
        let path = ENTERPRISE_ONLY[i].path;
        if is_child(path, prefix) {
            out[n] = last_segment(path);
            n += 1;
        }
        i += 1;
    }
    out
}

/// `path` is `prefix` followed by one segment (no further dot).
const fn is_child(path: &str, prefix: &str) -> bool {
    let (p, q) = (path.as_bytes(), prefix.as_bytes());
    if p.len() <= q.len() {
        return false;
    }
    let mut i = 0;
    while i < q.len() {
        if p[i] != q[i] {
            return false;
        }
        i += 1;
    }
    while i < p.len() {
        if p[i] == b'.' {
            return false;
        }
        i += 1;
    }
    true
}

const fn last_segment(path: &'static str) -> &'static str {
    let b = path.as_bytes();
    let mut i = b.len();
    while i > 0 && b[i - 1] != b'.' {
        i -= 1;
    }
    path.split_at(i).1
}

/// The config key that a JSON key stands for in `context` (plural spellings accepted by
/// `aerospike-conf`: `devices`, `files`, `sets`).
pub(crate) fn conf_key<'a>(context: &str, key: &'a str) -> &'a str {
    match (context, key) {
        ("namespace.storage-engine", "devices") => "device",
        ("namespace.storage-engine", "files") => "file",
        ("namespace", "sets") => "set",
        _ => key,
    }
}

/// Joins a dotted config context and a key.
pub(crate) fn conf_path(context: &str, key: &str) -> String {
    let key = conf_key(context, key);
    if context.is_empty() {
        key.to_string()
    } else {
        format!("{context}.{key}")
    }
}

/// The Enterprise-only table entry for `key` in the config `context` (`""` for the top level),
/// if any.
pub(crate) fn enterprise_only(context: &str, key: &str) -> Option<&'static EnterpriseOnly> {
    enterprise_only_entry(&conf_path(context, key))
}

/// The removed-key entry for `key` in the config `context`, if any.
pub(crate) fn removed_key(context: &str, key: &str) -> Option<&'static RemovedKey> {
    aerospike_conf::knowledge::removed_key(context, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_come_from_the_knowledge_tables() {
        assert_eq!(EE_ONLY_SECTIONS, &["security", "xdr", "tls"]);
        for s in EE_ONLY_SECTIONS {
            assert!(
                aerospike_conf::is_enterprise_only(s)
                    || aerospike_conf::is_enterprise_only(&format!("network.{s}")),
                "{s}"
            );
        }
    }

    #[test]
    fn namespace_keys_come_from_the_knowledge_tables() {
        // Keys that used to be missing from acko-api's own list.
        for key in [
            "conflict-resolve-writes",
            "ignore-migrate-fill-delay",
            "xdr-bin-tombstone-ttl",
            "xdr-tomb-raider-period",
            "xdr-tomb-raider-threads",
            "strong-consistency",
            "rack-id",
        ] {
            assert!(EE_ONLY_NAMESPACE_KEYS.contains(&key), "{key}");
        }
        // Storage-engine keys since 7.0, and things that are not config keys at all.
        for key in [
            "compression",
            "compression-level",
            "durable-delete",
            "fast-restart",
            "index-type",
            "sindex-type",
        ] {
            assert!(!EE_ONLY_NAMESPACE_KEYS.contains(&key), "{key}");
        }
        let expected = ENTERPRISE_ONLY
            .iter()
            .filter(|e| e.path.starts_with("namespace.") && e.path.matches('.').count() == 1)
            .count();
        assert_eq!(EE_ONLY_NAMESPACE_KEYS.len(), expected);
        for key in EE_ONLY_NAMESPACE_KEYS {
            assert!(enterprise_only("namespace", key).is_some(), "{key}");
        }
    }

    #[test]
    fn json_keys_map_onto_config_contexts() {
        assert_eq!(conf_path("", "security"), "security");
        assert_eq!(conf_path("namespace", "sets"), "namespace.set");
        assert_eq!(
            conf_path("namespace.storage-engine", "devices"),
            "namespace.storage-engine.device"
        );
        assert!(enterprise_only("namespace.storage-engine", "compression").is_some());
        assert!(enterprise_only("namespace", "compression").is_none());
        assert!(enterprise_only("service", "stay-quiesced").is_some());
        assert!(enterprise_only("service", "vault-url").is_some());
        assert!(enterprise_only("service", "secrets-address-port").is_some());
        assert!(enterprise_only("service", "proto-fd-max").is_none());
    }

    #[test]
    fn removed_keys_view_matches_the_table() {
        assert_eq!(REMOVED_KEYS.len(), REMOVED_CONFIG_KEYS.len());
        for (r, (key, hint)) in REMOVED_CONFIG_KEYS.iter().zip(REMOVED_KEYS) {
            assert_eq!((r.key, r.hint), (*key, *hint));
            assert_eq!(removed_key(r.context, r.key), Some(r));
        }
        assert!(removed_key("namespace", "data-in-memory").is_none());
        assert!(removed_key("namespace.storage-engine", "data-in-memory").is_some());
    }
}
