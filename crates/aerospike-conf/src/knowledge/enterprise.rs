//! Keys and stanzas that are Enterprise-only in server 8.x, as data.
//!
//! A Community Edition server refuses to start when the config uses them (CE's config
//! parser calls `cfg_enterprise_only` and crashes with "... is enterprise-only"; for the
//! `security` stanza see AS `as/src/base/cfg.c`, noted in the project's reference
//! `anchors-acko-acm.md` §4). The project's CE facts list security/ACL, TLS, XDR, strong
//! consistency, rack-id, quiesce and migrate-fill-delay as Enterprise-only.
//!
//! Checked against the server's `set-config` handlers (`as/src/base/cfg_info.c`, a 6.x-era
//! revision): they refuse `migrate-fill-delay`, `ignore-migrate-fill-delay`, `rack-id`,
//! `prefer-uniform-balance`, `conflict-resolve-writes`, `compression`, `compression-level`,
//! `tomb-raider-*`, `xdr-*`, `security` and `xdr` on CE with "is enterprise-only". (They
//! also show that `read-consistency-level-override`, `write-commit-level-override` and
//! `disallow-expunge` are AP settings, so they are not listed here.)
//!
//! Uncertainty: the other entries come from the Enterprise tags of the configuration reference
//! (<https://aerospike.com/docs/server/reference/configuration>); several keys still show
//! up in the CE `get-config` reply with their default value (e.g. `migrate-fill-delay=0`,
//! `rack-id=0`, `strong-consistency=false`): the key exists in CE but setting it in the file
//! is refused.

use super::Source;

/// One Enterprise-only path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnterpriseOnly {
    /// Dotted path without stanza arguments, e.g. `namespace.strong-consistency`.
    pub path: &'static str,
    /// True when the path is a whole stanza (everything inside it is Enterprise-only too).
    pub stanza: bool,
    /// Where the fact comes from.
    pub source: Source,
    /// What to do instead (shown to users).
    pub hint: &'static str,
}

const REF: Source = Source::ConfigReference;

const fn key(path: &'static str, hint: &'static str) -> EnterpriseOnly {
    EnterpriseOnly {
        path,
        stanza: false,
        source: REF,
        hint,
    }
}

const fn stanza(path: &'static str, source: Source, hint: &'static str) -> EnterpriseOnly {
    EnterpriseOnly {
        path,
        stanza: true,
        source,
        hint,
    }
}

const TLS: &str = "remove the tls-* keys; on CE encrypt traffic in transit with a service mesh that does mTLS and keep the pods behind a NetworkPolicy";
const SC: &str = "remove the key; CE namespaces are AP: they stay available during a network partition, so design writes to tolerate that";
const XDR: &str = "remove the key; on CE copy data between clusters with asbackup/asrestore or from your application";

/// Enterprise-only stanzas and keys for server 8.x.
pub const ENTERPRISE_ONLY: &[EnterpriseOnly] = &[
    stanza(
        "security",
        Source::ServerSource("as/src/base/cfg.c (cfg_enterprise_only), security_ce.c"),
        "remove the security stanza, a CE server crashes on it; CE has no users or roles, so restrict who can reach port 3000 with spec.networkPolicyConfig",
    ),
    stanza("xdr", REF, XDR),
    stanza("network.tls", REF, TLS),
    // service
    key(
        "service.migrate-fill-delay",
        "remove it; CE migrates as soon as the cluster changes, so restart pods in small batches with spec.rollingUpdateBatchSize: 1",
    ),
    key(
        "service.stay-quiesced",
        "remove it; on CE the operator restarts pods one batch at a time and waits for migrations instead of quiescing",
    ),
    key(
        "service.feature-key-file",
        "remove it; CE needs no feature key",
    ),
    key("service.tls-refresh-period", TLS),
    key(
        "service.secrets-address-port",
        "remove it; on CE mount Kubernetes Secrets as files and reference the file paths",
    ),
    key(
        "service.secrets-tls-context",
        "remove it; on CE mount Kubernetes Secrets as files and reference the file paths",
    ),
    key(
        "service.secrets-uds-path",
        "remove it; on CE mount Kubernetes Secrets as files and reference the file paths",
    ),
    key(
        "service.vault-ca",
        "remove it; on CE sync Vault secrets into Kubernetes Secrets, e.g. with an external-secrets operator, and mount them as files",
    ),
    key(
        "service.vault-namespace",
        "remove it; on CE sync Vault secrets into Kubernetes Secrets, e.g. with an external-secrets operator, and mount them as files",
    ),
    key(
        "service.vault-path",
        "remove it; on CE sync Vault secrets into Kubernetes Secrets, e.g. with an external-secrets operator, and mount them as files",
    ),
    key(
        "service.vault-token-file",
        "remove it; on CE sync Vault secrets into Kubernetes Secrets, e.g. with an external-secrets operator, and mount them as files",
    ),
    key(
        "service.vault-url",
        "remove it; on CE sync Vault secrets into Kubernetes Secrets, e.g. with an external-secrets operator, and mount them as files",
    ),
    // network listeners: TLS keys
    key("network.service.tls-port", TLS),
    key("network.service.tls-address", TLS),
    key("network.service.tls-access-address", TLS),
    key("network.service.tls-access-port", TLS),
    key("network.service.tls-alternate-access-address", TLS),
    key("network.service.tls-alternate-access-port", TLS),
    key("network.service.tls-authenticate-client", TLS),
    key("network.service.tls-name", TLS),
    key("network.admin.tls-port", TLS),
    key("network.admin.tls-address", TLS),
    key("network.admin.tls-name", TLS),
    key("network.admin.tls-authenticate-client", TLS),
    key("network.heartbeat.tls-port", TLS),
    key("network.heartbeat.tls-address", TLS),
    key("network.heartbeat.tls-name", TLS),
    key("network.fabric.tls-port", TLS),
    key("network.fabric.tls-address", TLS),
    key("network.fabric.tls-name", TLS),
    // namespace
    key("namespace.strong-consistency", SC),
    key("namespace.strong-consistency-allow-expunge", SC),
    key("namespace.auto-revive", SC),
    key(
        "namespace.mrt-duration",
        "remove it; CE has no multi-record transactions, they need strong consistency: keep data that must change together in one record",
    ),
    key(
        "namespace.disable-mrt-writes",
        "remove it; CE has no multi-record transactions, they need strong consistency: keep data that must change together in one record",
    ),
    key(
        "namespace.rack-id",
        "remove it; on CE racks are a Kubernetes placement concept only: spec.rackConfig spreads pods over zones",
    ),
    key(
        "namespace.active-rack",
        "remove it; CE has no rack-aware replication: spread pods over zones with spec.rackConfig",
    ),
    key(
        "namespace.prefer-uniform-balance",
        "remove it; CE always uses the default partition balance",
    ),
    key(
        "namespace.ignore-migrate-fill-delay",
        "remove it; CE migrates as soon as the cluster changes, so restart pods in small batches with spec.rollingUpdateBatchSize: 1",
    ),
    key(
        "namespace.tomb-raider-eligible-age",
        "remove it; CE deletes expunge records without durable-delete tombstones, so there is nothing to clean up",
    ),
    key(
        "namespace.tomb-raider-period",
        "remove it; CE deletes expunge records without durable-delete tombstones, so there is nothing to clean up",
    ),
    key(
        "namespace.tomb-raider-unmark-threads",
        "remove it; CE deletes expunge records without durable-delete tombstones, so there is nothing to clean up",
    ),
    key("namespace.conflict-resolve-writes", XDR),
    key("namespace.xdr-bin-tombstone-ttl", XDR),
    key("namespace.xdr-tomb-raider-period", XDR),
    key("namespace.xdr-tomb-raider-threads", XDR),
    // storage
    key(
        "namespace.storage-engine.compression",
        "remove it; CE stores records uncompressed: compress large values in the client if space matters",
    ),
    key(
        "namespace.storage-engine.compression-level",
        "remove it; CE stores records uncompressed: compress large values in the client if space matters",
    ),
    key(
        "namespace.storage-engine.compression-acceleration",
        "remove it; CE stores records uncompressed: compress large values in the client if space matters",
    ),
    key(
        "namespace.storage-engine.encryption",
        "remove it; on CE encrypt the volumes instead, with an encrypting StorageClass or dm-crypt on the node",
    ),
    key(
        "namespace.storage-engine.encryption-key-file",
        "remove it; on CE encrypt the volumes instead, with an encrypting StorageClass or dm-crypt on the node",
    ),
    key(
        "namespace.storage-engine.encryption-old-key-file",
        "remove it; on CE encrypt the volumes instead, with an encrypting StorageClass or dm-crypt on the node",
    ),
    key(
        "namespace.storage-engine.tomb-raider-sleep",
        "remove it; CE deletes expunge records without durable-delete tombstones, so there is nothing to clean up",
    ),
];

/// `storage-engine pmem` (the value, not a key) is Enterprise-only as well (see
/// [`ENTERPRISE_ONLY_VALUES`]).
pub const ENTERPRISE_ONLY_STORAGE_ENGINES: &[&str] = &["pmem"];

/// A typed stanza (`storage-engine <type>`, `index-type <type>`, `sindex-type <type>`) whose
/// Enterprise-only-ness depends on its type: the key itself is fine on CE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnterpriseValue {
    /// Dotted path of the stanza without arguments, e.g. `namespace.index-type`.
    pub path: &'static str,
    /// The types a CE server accepts.
    pub community: &'static [&'static str],
    /// The types only an Enterprise server accepts.
    pub enterprise: &'static [&'static str],
    /// Where the fact comes from.
    pub source: Source,
    /// What to do instead on CE (shown to users).
    pub hint: &'static str,
}

/// Typed stanzas whose type decides whether CE accepts them.
///
/// The CE 8.1.2 server reports `index-type=mem`, `sindex-type=mem` and
/// `storage-engine=memory` in its namespace config (fixture
/// `get-config_context_namespace_id_test.txt`), so those types exist in CE; the
/// configuration reference tags the other index types (`shmem`, `pmem`, `flash`) and the
/// `pmem` storage engine as Enterprise-only.
pub const ENTERPRISE_ONLY_VALUES: &[EnterpriseValue] = &[
    EnterpriseValue {
        path: "namespace.index-type",
        community: &["mem"],
        enterprise: &["shmem", "pmem", "flash"],
        source: Source::Fixture("get-config_context_namespace_id_test.txt"),
        hint: "use `index-type: mem` or leave it out: CE keeps the primary index in process memory",
    },
    EnterpriseValue {
        path: "namespace.sindex-type",
        community: &["mem"],
        enterprise: &["shmem", "pmem", "flash"],
        source: Source::Fixture("get-config_context_namespace_id_test.txt"),
        hint: "use `sindex-type: mem` or leave it out: CE keeps secondary indexes in process memory",
    },
    EnterpriseValue {
        path: "namespace.storage-engine",
        community: &["memory", "device"],
        enterprise: ENTERPRISE_ONLY_STORAGE_ENGINES,
        source: Source::Fixture("get-config_context_namespace_id_test.txt"),
        hint: "use `type: device`, on a Block volume or a file, or `type: memory`",
    },
];
