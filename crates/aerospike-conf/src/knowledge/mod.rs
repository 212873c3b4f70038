//! What the server (8.x) allows: which keys can be changed at runtime with `set-config`
//! ("dynamic"), which keys, stanzas or stanza types are Enterprise-only (a CE server refuses
//! to start with them) and which keys a server release removed.
//!
//! The data lives in [`dynamic_keys`], [`enterprise`] and [`removed`] as tables ([`logging`]:
//! which sinks make sense in a container); every entry
//! (or table) cites its source. Contexts are dotted stanza paths without arguments: `service`, `logging`,
//! `network.service`, `network.heartbeat`, `network.fabric`, `network.admin`,
//! `network.info`, `namespace`, `namespace.storage-engine`, `namespace.set`,
//! `namespace.geo2dsphere-within`, `mod-lua`.
//!
//! Unknown keys are never guessed: [`is_dynamic`] answers [`Dynamism::Unknown`] and callers
//! must treat that as static (a restart), which is always safe.

pub mod dynamic_keys;
pub mod enterprise;
pub mod logging;
pub mod removed;
pub mod scan;

pub use dynamic_keys::{DYNAMIC_KEYS, DynamicKey, STATIC_KEYS};
pub use enterprise::{ENTERPRISE_ONLY, ENTERPRISE_ONLY_VALUES, EnterpriseOnly, EnterpriseValue};
pub use removed::{REMOVED_CONFIG_KEYS, RemovedKey};
pub use scan::EnterpriseUse;

/// Whether a key can be changed on a running node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dynamism {
    /// Listed as settable with `set-config` in server 8.x.
    Dynamic,
    /// Known to need a restart.
    Static,
    /// Not in the tables: treat as static.
    Unknown,
}

/// Where a fact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The Aerospike configuration reference for server 8.x
    /// (<https://aerospike.com/docs/server/reference/configuration>), which tags each
    /// parameter static or dynamic and marks Enterprise-only ones.
    ConfigReference,
    /// A real reply of a CE 8.1.2 server in `fixtures/aerospike-ce-8.1/`, by file name.
    Fixture(&'static str),
    /// The CE 8.1 server source, by file (facts recorded in the project's reference notes).
    ServerSource(&'static str),
}

/// The context of a key without stanza arguments: `namespace[test].storage-engine[device]`
/// → `namespace.storage-engine`.
pub fn normalize_context(context: &str) -> String {
    let mut out = String::with_capacity(context.len());
    let mut depth = 0usize;
    for c in context.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `key` in `context` can be changed with `set-config` on server 8.x.
///
/// `context` may include stanza arguments (`namespace[test]`); they are ignored.
pub fn dynamism(context: &str, key: &str) -> Dynamism {
    let ctx = normalize_context(context);
    if DYNAMIC_KEYS
        .iter()
        .any(|d| d.context == ctx && d.key == key)
    {
        Dynamism::Dynamic
    } else if STATIC_KEYS.iter().any(|d| d.context == ctx && d.key == key) {
        Dynamism::Static
    } else {
        Dynamism::Unknown
    }
}

/// True only when `key` in `context` is known to be dynamic (see [`dynamism`]).
pub fn is_dynamic(context: &str, key: &str) -> bool {
    dynamism(context, key) == Dynamism::Dynamic
}

/// The table entry that makes `path` Enterprise-only, if any.
///
/// `path` is a dotted config path, stanza arguments allowed and ignored:
/// `security`, `network.tls`, `namespace[test].strong-consistency`,
/// `namespace.storage-engine.compression`. A path is Enterprise-only when it equals an
/// entry or lies inside an Enterprise-only stanza (`xdr.dc.namespace`).
pub fn enterprise_only_entry(path: &str) -> Option<&'static EnterpriseOnly> {
    let p = normalize_context(path);
    ENTERPRISE_ONLY.iter().find(|e| {
        p == e.path
            || (e.stanza
                && p.len() > e.path.len()
                && p.starts_with(e.path)
                && p.as_bytes()[e.path.len()] == b'.')
    })
}

/// Whether `path` (see [`enterprise_only_entry`]) is Enterprise-only in server 8.x.
pub fn is_enterprise_only(path: &str) -> bool {
    enterprise_only_entry(path).is_some()
}

/// The value-aware entry for a typed stanza at `path` (`namespace.index-type`,
/// `namespace[test].sindex-type`, `namespace.storage-engine`), if the table has one.
pub fn typed_stanza_entry(path: &str) -> Option<&'static EnterpriseValue> {
    let p = normalize_context(path);
    ENTERPRISE_ONLY_VALUES.iter().find(|e| e.path == p)
}

/// The entry that makes `value` of the typed stanza at `path` Enterprise-only, if any:
/// `("namespace.index-type", "flash")` is, `("namespace.index-type", "mem")` is not.
pub fn enterprise_only_value(path: &str, value: &str) -> Option<&'static EnterpriseValue> {
    typed_stanza_entry(path).filter(|e| e.enterprise.contains(&value))
}

/// The removal entry for `key` in `context` (stanza arguments allowed and ignored), if a
/// server release removed it.
pub fn removed_key(context: &str, key: &str) -> Option<&'static RemovedKey> {
    let ctx = normalize_context(context);
    REMOVED_CONFIG_KEYS
        .iter()
        .find(|r| r.context == ctx && r.key == key)
}

/// Whether a server release removed `key` in `context` (see [`removed_key`]); a CE 8 server
/// refuses to start with it.
pub fn is_removed(context: &str, key: &str) -> bool {
    removed_key(context, key).is_some()
}
