//! Which keys of server 8.x can be changed at runtime, as data.
//!
//! Sources, in order of trust:
//! 1. `Fixture(..)`: a real CE 8.1.2 reply in `fixtures/aerospike-ce-8.1/` showing the
//!    `set-config` call succeeded (or failed, for the static table).
//! 2. `ConfigReference`: the "dynamic"/"static" tag of the parameter in the Aerospike
//!    configuration reference for server 8.x
//!    (<https://aerospike.com/docs/server/reference/configuration>).
//!
//! Every key here also appears in the CE 8.1.2 `get-config` fixtures (so it still exists in
//! 8.x); parameters removed in server 7.0/8.0 (`memory-size`, `high-water-memory-pct`,
//! `high-water-disk-pct`, `stop-writes-pct`, `min-avail-pct`, `scan-threads-limit`,
//! `data-in-memory`, `write-block-size`, ...) are deliberately absent, so a config that still
//! uses them is classified [`super::Dynamism::Unknown`], i.e. restart.
//!
//! Uncertainty: the reference tags were transcribed by hand; where the tag was unclear the
//! key is left out (a restart is always a safe answer). The `note` field says so when a
//! key needs care. Deliberately left out although the docs call them changeable:
//! `replication-factor` (Aerospike's Kubernetes operator changes it at runtime for AP
//! namespaces only when it is the sole change, one namespace at a time; treating it as
//! static keeps the restart path, which is always correct) and `mesh-seed-address-port`
//! (seeds are added at runtime with the `tip` command, not `set-config`).

use super::Source;

/// How a dynamic key is changed on a running node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// `set-config:context=<ctx>;[id=<namespace>;][set=<set>;]<key>=<value>`.
    SetConfig,
    /// `log-set:id=<sink id>;<context>=<level>` (the sink id comes from `logs`).
    LogSet,
}

/// One entry of the dynamic/static tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DynamicKey {
    /// Dotted context without stanza arguments, e.g. `namespace.storage-engine`.
    pub context: &'static str,
    /// The aerospike.conf key.
    pub key: &'static str,
    /// How to change it at runtime (meaningful for dynamic keys).
    pub command: Command,
    /// Where the fact comes from.
    pub source: Source,
    /// Caveats (empty when none).
    pub note: &'static str,
}

const REF: Source = Source::ConfigReference;

/// The server's `set-config` handlers. Read on a 6.x-era revision of the public source
/// (7.x/8.x handlers were not available to check); every key attributed to it is also in
/// the CE 8.1.2 `get-config` replies, so it still exists.
const SRC: Source =
    Source::ServerSource("as/src/base/cfg_info.c (cfg_set_service/network/namespace/set)");

const fn d(context: &'static str, key: &'static str, source: Source) -> DynamicKey {
    DynamicKey {
        context,
        key,
        command: Command::SetConfig,
        source,
        note: "",
    }
}

const fn dn(
    context: &'static str,
    key: &'static str,
    source: Source,
    note: &'static str,
) -> DynamicKey {
    DynamicKey {
        context,
        key,
        command: Command::SetConfig,
        source,
        note,
    }
}

/// Keys that `set-config` (or `log-set`) can change on a running 8.x node.
///
/// Enterprise-only dynamic keys are listed too (they are dynamic on EE); check
/// [`super::is_enterprise_only`] separately.
pub const DYNAMIC_KEYS: &[DynamicKey] = &[
    // service
    d(
        "service",
        "proto-fd-max",
        Source::Fixture("set-config_context_service_proto-fd-max_15000.txt"),
    ),
    d("service", "batch-index-threads", SRC),
    d("service", "batch-max-buffers-per-queue", SRC),
    d("service", "batch-max-requests", SRC),
    d("service", "batch-max-unused-buffers", SRC),
    d("service", "cluster-name", SRC),
    d("service", "disable-udf-execution", REF),
    d("service", "enable-benchmarks-fabric", SRC),
    d("service", "enable-health-check", SRC),
    d("service", "enable-hist-info", SRC),
    d("service", "info-max-ms", REF),
    d("service", "info-threads", SRC),
    d("service", "microsecond-histograms", SRC),
    d("service", "migrate-fill-delay", SRC),
    d("service", "migrate-max-num-incoming", SRC),
    d("service", "migrate-threads", SRC),
    d("service", "min-cluster-size", SRC),
    d("service", "proto-fd-idle-ms", SRC),
    d("service", "query-max-done", SRC),
    d("service", "query-threads-limit", SRC),
    d("service", "service-threads", SRC),
    d("service", "sindex-builder-threads", SRC),
    d("service", "sindex-gc-period", SRC),
    d("service", "ticker-interval", SRC),
    d("service", "transaction-max-ms", SRC),
    d("service", "transaction-retry-ms", SRC),
    // network
    d("network.heartbeat", "interval", SRC),
    d("network.heartbeat", "timeout", SRC),
    d("network.heartbeat", "connect-timeout-ms", SRC),
    d("network.heartbeat", "protocol", SRC),
    d("network.heartbeat", "mtu", SRC),
    d("network.fabric", "channel-bulk-recv-threads", SRC),
    d("network.fabric", "channel-ctrl-recv-threads", SRC),
    d("network.fabric", "channel-meta-recv-threads", SRC),
    d("network.fabric", "channel-rw-recv-threads", SRC),
    d("network.fabric", "recv-rearm-threshold", SRC),
    // namespace
    d(
        "namespace",
        "default-ttl",
        Source::Fixture("set-config_context_namespace_id_test_default-ttl_100.txt"),
    ),
    d(
        "namespace",
        "nsup-period",
        Source::Fixture("set-config_context_namespace_id_test_nsup-period_60.txt"),
    ),
    d(
        "namespace",
        "nsup-hist-period",
        Source::Fixture("set-config_context_namespace_id_test_nsup-hist-period_5.txt"),
    ),
    d("namespace", "allow-ttl-without-nsup", SRC),
    d("namespace", "apply-ttl-reductions", REF),
    d("namespace", "background-query-max-rps", SRC),
    d("namespace", "conflict-resolution-policy", SRC),
    d("namespace", "default-read-touch-ttl-pct", REF),
    d("namespace", "disable-write-dup-res", SRC),
    d("namespace", "disallow-null-setname", SRC),
    d("namespace", "enable-benchmarks-batch-sub", SRC),
    d("namespace", "enable-benchmarks-ops-sub", SRC),
    d("namespace", "enable-benchmarks-read", SRC),
    d("namespace", "enable-benchmarks-udf", SRC),
    d("namespace", "enable-benchmarks-udf-sub", SRC),
    d("namespace", "enable-benchmarks-write", SRC),
    d("namespace", "enable-hist-proxy", SRC),
    d("namespace", "evict-hist-buckets", SRC),
    d("namespace", "evict-indexes-memory-pct", REF),
    d("namespace", "evict-tenths-pct", SRC),
    d("namespace", "force-long-queries", REF),
    d("namespace", "ignore-migrate-fill-delay", SRC),
    d("namespace", "indexes-memory-budget", REF),
    d("namespace", "inline-short-queries", REF),
    d("namespace", "max-record-size", SRC),
    d("namespace", "migrate-order", SRC),
    d("namespace", "migrate-retransmit-ms", SRC),
    d("namespace", "migrate-sleep", SRC),
    d("namespace", "migrate-skip-unreadable", REF),
    d("namespace", "nsup-threads", SRC),
    d("namespace", "reject-non-xdr-writes", SRC),
    d("namespace", "reject-xdr-writes", SRC),
    d("namespace", "single-query-threads", SRC),
    d("namespace", "stop-writes-sys-memory-pct", REF),
    d("namespace", "tomb-raider-eligible-age", SRC),
    d("namespace", "tomb-raider-period", SRC),
    d("namespace", "transaction-pending-limit", SRC),
    d("namespace", "truncate-threads", SRC),
    dn(
        "namespace",
        "read-consistency-level-override",
        SRC,
        "AP namespaces only (all CE namespaces are AP)",
    ),
    dn(
        "namespace",
        "write-commit-level-override",
        SRC,
        "AP namespaces only (all CE namespaces are AP)",
    ),
    // namespace.geo2dsphere-within (set-config spells them `geo2dsphere-within-<key>`)
    d("namespace.geo2dsphere-within", "max-cells", SRC),
    d("namespace.geo2dsphere-within", "max-level", SRC),
    d("namespace.geo2dsphere-within", "min-level", SRC),
    dn(
        "namespace",
        "prefer-uniform-balance",
        SRC,
        "Enterprise-only; takes effect at the next rebalance",
    ),
    // namespace.storage-engine (7.0+ unified storage: the thresholds moved here)
    d("namespace.storage-engine", "evict-used-pct", REF),
    d("namespace.storage-engine", "stop-writes-used-pct", REF),
    d("namespace.storage-engine", "stop-writes-avail-pct", REF),
    d("namespace.storage-engine", "defrag-lwm-pct", SRC),
    d("namespace.storage-engine", "defrag-queue-min", SRC),
    d("namespace.storage-engine", "defrag-sleep", SRC),
    d("namespace.storage-engine", "enable-benchmarks-storage", SRC),
    d("namespace.storage-engine", "flush-max-ms", SRC),
    d("namespace.storage-engine", "max-write-cache", SRC),
    d("namespace.storage-engine", "compression", SRC),
    d("namespace.storage-engine", "compression-acceleration", REF),
    d("namespace.storage-engine", "compression-level", SRC),
    d("namespace.storage-engine", "tomb-raider-sleep", SRC),
    // namespace.set
    d("namespace.set", "disable-eviction", SRC),
    d("namespace.set", "enable-index", SRC),
    d("namespace.set", "stop-writes-count", SRC),
    d("namespace.set", "stop-writes-size", REF),
    d("namespace.set", "default-ttl", REF),
    // logging
    DynamicKey {
        context: "logging.file",
        key: "context",
        command: Command::LogSet,
        source: REF,
        note: "levels change with log-set, not set-config",
    },
    DynamicKey {
        context: "logging.console",
        key: "context",
        command: Command::LogSet,
        source: REF,
        note: "levels change with log-set, not set-config",
    },
];

/// Keys known to need a restart in 8.x (a change is a cold restart).
///
/// Not exhaustive: anything absent from both tables is [`super::Dynamism::Unknown`], which
/// callers treat as static as well.
pub const STATIC_KEYS: &[DynamicKey] = &[
    // (The fixture `set-config_context_service_proto-fd-max_99999999.txt` shows a refused
    // *value*, not a static key: proto-fd-max stays dynamic.)
    d("service", "auto-pin", REF),
    d("service", "feature-key-file", REF),
    d("service", "group", REF),
    d("service", "user", REF),
    d("service", "node-id", REF),
    d("service", "node-id-interface", REF),
    d("service", "os-group-perms", REF),
    d("service", "pidfile", REF),
    d("service", "run-as-daemon", REF),
    d("service", "work-directory", REF),
    d("network.service", "address", REF),
    d("network.service", "port", REF),
    d("network.service", "access-address", REF),
    d("network.service", "access-port", REF),
    d("network.service", "alternate-access-address", REF),
    d("network.service", "alternate-access-port", REF),
    d("network.admin", "address", REF),
    d("network.admin", "port", REF),
    d("network.heartbeat", "mode", REF),
    d("network.heartbeat", "address", REF),
    d("network.heartbeat", "port", REF),
    dn(
        "network.heartbeat",
        "mesh-seed-address-port",
        REF,
        "seeds can be added at runtime with the `tip` info command, not set-config",
    ),
    d("network.fabric", "address", REF),
    d("network.fabric", "port", REF),
    d("namespace", "partition-tree-sprigs", REF),
    d("namespace", "index-stage-size", REF),
    d("namespace", "sindex-stage-size", REF),
    d("namespace", "storage-engine", REF),
    d("namespace", "index-type", REF),
    d("namespace", "sindex-type", REF),
    d("namespace.storage-engine", "data-size", REF),
    d("namespace.storage-engine", "device", REF),
    d("namespace.storage-engine", "file", REF),
    d("namespace.storage-engine", "filesize", REF),
    d("namespace.storage-engine", "commit-to-device", REF),
    d("namespace.storage-engine", "direct-files", REF),
    d("mod-lua", "user-path", REF),
    d("mod-lua", "cache-enabled", REF),
];
