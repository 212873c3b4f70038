//! Keys that server 7.x removed, as data: a CE 8 server refuses to start when the config
//! still sets one of them.
//!
//! Sources: Aerospike's "Special upgrade to Database 7.0" page (the unified storage format
//! of 7.0 dropped the namespace memory settings; a node "will refuse to start up" until
//! they are reconfigured) and "Upgrade to Database 7.1.0" (write blocks became a fixed
//! 8 MiB). Cross-checked with the CE 8.1.2 `get-config:context=namespace` fixture
//! (`fixtures/aerospike-ce-8.1/`), which no longer shows any of these keys.

use super::Source;

/// A key that a server release removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RemovedKey {
    /// Dotted context without stanza arguments: `namespace` or `namespace.storage-engine`.
    pub context: &'static str,
    /// The aerospike.conf key.
    pub key: &'static str,
    /// The server version that removed it.
    pub removed_in: &'static str,
    /// What to use instead (shown to users).
    pub hint: &'static str,
}

/// Where the removal facts come from: the upgrade guides of the configuration reference.
pub const SOURCE: Source = Source::ConfigReference;

const fn removed(
    context: &'static str,
    key: &'static str,
    removed_in: &'static str,
    hint: &'static str,
) -> RemovedKey {
    RemovedKey {
        context,
        key,
        removed_in,
        hint,
    }
}

/// Keys removed by server 7.0 (unified storage format) and 7.1 (fixed 8 MiB write blocks).
pub const REMOVED_CONFIG_KEYS: &[RemovedKey] = &[
    removed(
        "namespace",
        "memory-size",
        "7.0",
        "set storage-engine data-size (storage-engine memory) instead",
    ),
    removed(
        "namespace",
        "high-water-memory-pct",
        "7.0",
        "use evict-used-pct / stop-writes-used-pct of the storage-engine",
    ),
    removed(
        "namespace",
        "high-water-disk-pct",
        "7.0",
        "use evict-used-pct of the storage-engine",
    ),
    removed(
        "namespace",
        "stop-writes-pct",
        "7.0",
        "use stop-writes-used-pct of the storage-engine / stop-writes-sys-memory-pct",
    ),
    removed(
        "namespace.storage-engine",
        "data-in-memory",
        "7.0",
        "use storage-engine memory (optionally backed by a device or file)",
    ),
    removed(
        "namespace.storage-engine",
        "write-block-size",
        "7.1",
        "set flush-size to tune the IO size instead; write blocks are a fixed 8 MiB since 7.1",
    ),
];
