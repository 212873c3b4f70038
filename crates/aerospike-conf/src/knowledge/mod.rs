//! What the server (8.x) allows: which keys can be changed at runtime with `set-config`
//! ("dynamic") and which keys or stanzas are Enterprise-only (a CE server refuses to start
//! with them).
//!
//! The data lives in [`dynamic_keys`] and [`enterprise`] as tables; every entry cites its
//! source. Contexts are dotted stanza paths without arguments: `service`, `logging`,
//! `network.service`, `network.heartbeat`, `network.fabric`, `network.admin`,
//! `network.info`, `namespace`, `namespace.storage-engine`, `namespace.set`,
//! `namespace.geo2dsphere-within`, `mod-lua`.
//!
//! Unknown keys are never guessed: [`is_dynamic`] answers [`Dynamism::Unknown`] and callers
//! must treat that as static (a restart), which is always safe.

pub mod dynamic_keys;
pub mod enterprise;
pub mod scan;

pub use dynamic_keys::{DYNAMIC_KEYS, DynamicKey, STATIC_KEYS};
pub use enterprise::{ENTERPRISE_ONLY, EnterpriseOnly};
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
