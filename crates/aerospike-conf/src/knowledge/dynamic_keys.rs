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
    d("service", "batch-index-threads", REF),
    d("service", "batch-max-buffers-per-queue", REF),
    d("service", "batch-max-requests", REF),
    d("service", "batch-max-unused-buffers", REF),
    d("service", "cluster-name", REF),
    d("service", "disable-udf-execution", REF),
    d("service", "enable-benchmarks-fabric", REF),
    d("service", "enable-health-check", REF),
    d("service", "enable-hist-info", REF),
    d("service", "info-max-ms", REF),
    d("service", "info-threads", REF),
    d("service", "microsecond-histograms", REF),
    d("service", "migrate-fill-delay", REF),
    d("service", "migrate-max-num-incoming", REF),
    d("service", "migrate-threads", REF),
    d("service", "min-cluster-size", REF),
    d("service", "proto-fd-idle-ms", REF),
    d("service", "query-max-done", REF),
    d("service", "query-threads-limit", REF),
    d("service", "service-threads", REF),
    d("service", "sindex-builder-threads", REF),
    d("service", "sindex-gc-period", REF),
    d("service", "ticker-interval", REF),
    d("service", "transaction-max-ms", REF),
    d("service", "transaction-retry-ms", REF),
    // network
    d("network.heartbeat", "interval", REF),
    d("network.heartbeat", "timeout", REF),
    d("network.heartbeat", "connect-timeout-ms", REF),
    d("network.heartbeat", "protocol", REF),
    d("network.fabric", "channel-bulk-recv-threads", REF),
    d("network.fabric", "channel-ctrl-recv-threads", REF),
    d("network.fabric", "channel-meta-recv-threads", REF),
    d("network.fabric", "channel-rw-recv-threads", REF),
    d("network.fabric", "recv-rearm-threshold", REF),
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
    d("namespace", "allow-ttl-without-nsup", REF),
    d("namespace", "apply-ttl-reductions", REF),
    d("namespace", "background-query-max-rps", REF),
    d("namespace", "conflict-resolution-policy", REF),
    d("namespace", "default-read-touch-ttl-pct", REF),
    d("namespace", "disable-write-dup-res", REF),
    d("namespace", "disallow-null-setname", REF),
    d("namespace", "enable-benchmarks-batch-sub", REF),
    d("namespace", "enable-benchmarks-ops-sub", REF),
    d("namespace", "enable-benchmarks-read", REF),
    d("namespace", "enable-benchmarks-udf", REF),
    d("namespace", "enable-benchmarks-udf-sub", REF),
    d("namespace", "enable-benchmarks-write", REF),
    d("namespace", "enable-hist-proxy", REF),
    d("namespace", "evict-hist-buckets", REF),
    d("namespace", "evict-indexes-memory-pct", REF),
    d("namespace", "evict-tenths-pct", REF),
    d("namespace", "force-long-queries", REF),
    d("namespace", "ignore-migrate-fill-delay", REF),
    d("namespace", "indexes-memory-budget", REF),
    d("namespace", "inline-short-queries", REF),
    d("namespace", "max-record-size", REF),
    d("namespace", "migrate-order", REF),
    d("namespace", "migrate-retransmit-ms", REF),
    d("namespace", "migrate-sleep", REF),
    d("namespace", "migrate-skip-unreadable", REF),
    d("namespace", "nsup-threads", REF),
    d("namespace", "reject-non-xdr-writes", REF),
    d("namespace", "reject-xdr-writes", REF),
    d("namespace", "single-query-threads", REF),
    d("namespace", "stop-writes-sys-memory-pct", REF),
    d("namespace", "tomb-raider-eligible-age", REF),
    d("namespace", "tomb-raider-period", REF),
    d("namespace", "transaction-pending-limit", REF),
    d("namespace", "truncate-threads", REF),
    dn(
        "namespace",
        "prefer-uniform-balance",
        REF,
        "Enterprise-only; takes effect at the next rebalance",
    ),
    // namespace.storage-engine (7.0+ unified storage: the thresholds moved here)
    d("namespace.storage-engine", "evict-used-pct", REF),
    d("namespace.storage-engine", "stop-writes-used-pct", REF),
    d("namespace.storage-engine", "stop-writes-avail-pct", REF),
    d("namespace.storage-engine", "defrag-lwm-pct", REF),
    d("namespace.storage-engine", "defrag-queue-min", REF),
    d("namespace.storage-engine", "defrag-sleep", REF),
    d("namespace.storage-engine", "enable-benchmarks-storage", REF),
    d("namespace.storage-engine", "flush-max-ms", REF),
    d("namespace.storage-engine", "max-write-cache", REF),
    d("namespace.storage-engine", "compression", REF),
    d("namespace.storage-engine", "compression-acceleration", REF),
    d("namespace.storage-engine", "compression-level", REF),
    d("namespace.storage-engine", "tomb-raider-sleep", REF),
    // namespace.set
    d("namespace.set", "disable-eviction", REF),
    d("namespace.set", "enable-index", REF),
    d("namespace.set", "stop-writes-count", REF),
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
    d("service", "advertise-ipv6", REF),
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
    d("network.heartbeat", "mtu", REF),
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
