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

const TLS: &str = "TLS is Enterprise-only; remove the tls-* keys (use a service mesh or network policy for encryption in transit)";
const SC: &str = "strong consistency is Enterprise-only; remove the key (CE namespaces are AP)";
const XDR: &str = "XDR is Enterprise-only; remove the key";

/// Enterprise-only stanzas and keys for server 8.x.
pub const ENTERPRISE_ONLY: &[EnterpriseOnly] = &[
    stanza(
        "security",
        Source::ServerSource("as/src/base/cfg.c (cfg_enterprise_only), security_ce.c"),
        "access control is Enterprise-only and a CE server crashes on a security stanza; remove it",
    ),
    stanza("xdr", REF, XDR),
    stanza("network.tls", REF, TLS),
    // service
    key(
        "service.migrate-fill-delay",
        "migrate-fill-delay is Enterprise-only; remove it",
    ),
    key(
        "service.stay-quiesced",
        "quiesce is Enterprise-only; remove it",
    ),
    key(
        "service.feature-key-file",
        "CE needs no feature key; remove it",
    ),
    key("service.tls-refresh-period", TLS),
    key(
        "service.secrets-address-port",
        "the secrets agent is Enterprise-only; remove it",
    ),
    key(
        "service.secrets-tls-context",
        "the secrets agent is Enterprise-only; remove it",
    ),
    key(
        "service.secrets-uds-path",
        "the secrets agent is Enterprise-only; remove it",
    ),
    key(
        "service.vault-ca",
        "Vault integration is Enterprise-only; remove it",
    ),
    key(
        "service.vault-namespace",
        "Vault integration is Enterprise-only; remove it",
    ),
    key(
        "service.vault-path",
        "Vault integration is Enterprise-only; remove it",
    ),
    key(
        "service.vault-token-file",
        "Vault integration is Enterprise-only; remove it",
    ),
    key(
        "service.vault-url",
        "Vault integration is Enterprise-only; remove it",
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
        "multi-record transactions need strong consistency (Enterprise-only); remove it",
    ),
    key(
        "namespace.disable-mrt-writes",
        "multi-record transactions need strong consistency (Enterprise-only); remove it",
    ),
    key(
        "namespace.rack-id",
        "rack-id is Enterprise-only; CE racks are a Kubernetes placement concept only",
    ),
    key(
        "namespace.active-rack",
        "active-rack is Enterprise-only; remove it",
    ),
    key(
        "namespace.prefer-uniform-balance",
        "prefer-uniform-balance is Enterprise-only; remove it",
    ),
    key(
        "namespace.ignore-migrate-fill-delay",
        "migrate-fill-delay is Enterprise-only; remove it",
    ),
    key(
        "namespace.tomb-raider-eligible-age",
        "tombstones (durable deletes) are Enterprise-only; remove it",
    ),
    key(
        "namespace.tomb-raider-period",
        "tombstones (durable deletes) are Enterprise-only; remove it",
    ),
    key(
        "namespace.tomb-raider-unmark-threads",
        "tombstones (durable deletes) are Enterprise-only; remove it",
    ),
    key("namespace.conflict-resolve-writes", XDR),
    key("namespace.xdr-bin-tombstone-ttl", XDR),
    key("namespace.xdr-tomb-raider-period", XDR),
    key("namespace.xdr-tomb-raider-threads", XDR),
    stanza(
        "namespace.index-type",
        REF,
        "only the default in-memory primary index exists in CE; remove index-type",
    ),
    stanza(
        "namespace.sindex-type",
        REF,
        "only the default in-memory secondary index exists in CE; remove sindex-type",
    ),
    // storage
    key(
        "namespace.storage-engine.compression",
        "storage compression is Enterprise-only; remove it",
    ),
    key(
        "namespace.storage-engine.compression-level",
        "storage compression is Enterprise-only; remove it",
    ),
    key(
        "namespace.storage-engine.compression-acceleration",
        "storage compression is Enterprise-only; remove it",
    ),
    key(
        "namespace.storage-engine.encryption",
        "encryption at rest is Enterprise-only; remove it (use encrypted volumes)",
    ),
    key(
        "namespace.storage-engine.encryption-key-file",
        "encryption at rest is Enterprise-only; remove it (use encrypted volumes)",
    ),
    key(
        "namespace.storage-engine.encryption-old-key-file",
        "encryption at rest is Enterprise-only; remove it (use encrypted volumes)",
    ),
    key(
        "namespace.storage-engine.tomb-raider-sleep",
        "tombstones (durable deletes) are Enterprise-only; remove it",
    ),
];

/// `storage-engine pmem` (the value, not a key) is Enterprise-only as well.
pub const ENTERPRISE_ONLY_STORAGE_ENGINES: &[&str] = &["pmem"];
