//! Typed parsers, one module per reply kind, and a dispatcher from command text to parser.
//!
//! Every parser takes the raw value (the text after the TAB) and returns a typed value
//! or a [`ReplyError`]. Unknown keys are kept in an `other` map, never dropped.

pub mod cluster_stable;
pub mod config;
pub mod histogram;
pub mod identity;
pub mod jobs;
pub mod kv;
pub mod latencies;
pub mod namespace;
pub mod peers;
pub mod records;
pub mod sets;
pub mod sindex;
pub mod statistics;
pub mod udf;

use std::collections::BTreeMap;

use serde::Serialize;

pub use cluster_stable::{ClusterStable, cluster_stable_command, parse_cluster_stable};
pub use config::{CommandError, get_config_command, parse_config, set_config_command};
pub use histogram::{Histogram, parse_histogram};
pub use identity::{
    Build, Edition, Release, parse_build, parse_cluster_name, parse_edition, parse_endpoints,
    parse_generation, parse_node, parse_release,
};
pub use jobs::{QueryJob, parse_query_show};
pub use latencies::{Latency, parse_latencies};
pub use namespace::{NamespaceInfo, parse_namespace, parse_namespaces};
pub use peers::{Peer, Peers, parse_peers};
pub use sets::{SetInfo, parse_set, parse_sets};
pub use sindex::{SindexDef, SindexState, SindexStats, parse_sindex_list, parse_sindex_stats};
pub use statistics::{NodeStatistics, parse_statistics};
pub use udf::{UdfModule, UdfSource, parse_udf_get, parse_udf_list, parse_udf_put};

use crate::reply::{ReplyError, parse_ok};

/// The parser that handles a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParserKind {
    /// `build`.
    Build,
    /// `edition`.
    Edition,
    /// `release`.
    Release,
    /// `node`.
    Node,
    /// `cluster-name`.
    ClusterName,
    /// `service*`, `services*`: address lists.
    Endpoints,
    /// `peers-*`, `alumni-*`.
    Peers,
    /// `*-generation`.
    Generation,
    /// `cluster-stable...`.
    ClusterStable,
    /// `statistics`.
    Statistics,
    /// `namespaces`.
    Namespaces,
    /// `namespace/<ns>`.
    Namespace,
    /// `sets`, `sets/<ns>`.
    Sets,
    /// `sets/<ns>/<set>`.
    Set,
    /// `sindex-list`, `sindex`, `sindex/<ns>`.
    SindexList,
    /// `sindex/<ns>/<idx>`, `sindex-stat:...`.
    SindexStats,
    /// `udf-list`.
    UdfList,
    /// `udf-get:...`.
    UdfGet,
    /// `udf-put:...`.
    UdfPut,
    /// `get-config...`.
    Config,
    /// Commands acknowledged with `ok`: `set-config`, `sindex-create/-delete`, `truncate*`.
    Ok,
    /// `latencies...`.
    Latencies,
    /// `query-show...`.
    QueryShow,
    /// `histogram:...`.
    Histogram,
}

/// A typed reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Parsed {
    /// `build`.
    Build(Build),
    /// `edition`.
    Edition(Edition),
    /// `release`.
    Release(Release),
    /// A single text value (`node`, `cluster-name`).
    Text(Option<String>),
    /// Address list.
    Endpoints(Vec<String>),
    /// Peers list.
    Peers(Peers),
    /// Generation counter.
    Generation(i64),
    /// `cluster-stable`.
    ClusterStable(ClusterStable),
    /// `statistics`.
    Statistics(Box<NodeStatistics>),
    /// `namespaces`.
    Namespaces(Vec<String>),
    /// `namespace/<ns>`.
    Namespace(Box<NamespaceInfo>),
    /// `sets`.
    Sets(Vec<SetInfo>),
    /// `sets/<ns>/<set>`.
    Set(Box<SetInfo>),
    /// `sindex-list`.
    SindexList(Vec<SindexDef>),
    /// `sindex/<ns>/<idx>`.
    SindexStats(SindexStats),
    /// `udf-list`.
    UdfList(Vec<UdfModule>),
    /// `udf-get`.
    UdfGet(UdfSource),
    /// `get-config`.
    Config(BTreeMap<String, String>),
    /// An `ok` acknowledgement.
    Ok(OkReply),
    /// `latencies`.
    Latencies(Vec<Latency>),
    /// `query-show`.
    QueryShow(Vec<QueryJob>),
    /// `histogram`.
    Histogram(Histogram),
}

/// JSON form of an acknowledged command: `{"ok": true}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OkReply {
    /// Always true.
    pub ok: bool,
}

/// Finds the parser for a command text (as sent), or None when there is no typed parser.
pub fn parser_for(command: &str) -> Option<ParserKind> {
    let (name, params) = match command.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (command, None),
    };
    let mut path = name.split('/');
    let head = path.next().unwrap_or("");
    let depth = path.count();
    use ParserKind as K;
    Some(match (head, depth) {
        ("build", 0) => K::Build,
        ("edition", 0) => K::Edition,
        ("release", 0) => K::Release,
        ("node", 0) => K::Node,
        ("cluster-name", 0) => K::ClusterName,
        (
            "service" | "service-clear-std" | "service-clear-alt" | "services" | "services-alumni"
            | "services-alternate",
            0,
        ) => K::Endpoints,
        (
            "peers-clear-std" | "peers-clear-alt" | "peers-tls-std" | "peers-tls-alt"
            | "alumni-clear-std" | "alumni-clear-alt" | "alumni-tls-std" | "alumni-tls-alt",
            0,
        ) => K::Peers,
        ("partition-generation" | "peers-generation" | "rebalance-generation", 0) => K::Generation,
        ("cluster-stable", 0) => K::ClusterStable,
        ("statistics", 0) => K::Statistics,
        ("namespaces", 0) => K::Namespaces,
        ("namespace", 1) => K::Namespace,
        ("sets", 0 | 1) => K::Sets,
        ("sets", 2) => K::Set,
        ("sindex-list", 0) | ("sindex", 0 | 1) => K::SindexList,
        ("sindex", 2) | ("sindex-stat", 0) => K::SindexStats,
        ("udf-list", 0) => K::UdfList,
        ("udf-get", 0) => K::UdfGet,
        ("udf-put", 0) => K::UdfPut,
        ("get-config", 0) => K::Config,
        (
            "set-config"
            | "sindex-create"
            | "sindex-delete"
            | "truncate"
            | "truncate-undo"
            | "truncate-namespace"
            | "truncate-namespace-undo",
            0,
        ) if params.is_some() => K::Ok,
        ("latencies", 0) => K::Latencies,
        ("query-show", 0) => K::QueryShow,
        ("histogram", 0) => K::Histogram,
        _ => return None,
    })
}

impl ParserKind {
    /// Every parser kind, in declaration order (tests iterate it; `all_is_complete` keeps it
    /// in step with the enum).
    pub const ALL: &'static [ParserKind] = &[
        ParserKind::Build,
        ParserKind::Edition,
        ParserKind::Release,
        ParserKind::Node,
        ParserKind::ClusterName,
        ParserKind::Endpoints,
        ParserKind::Peers,
        ParserKind::Generation,
        ParserKind::ClusterStable,
        ParserKind::Statistics,
        ParserKind::Namespaces,
        ParserKind::Namespace,
        ParserKind::Sets,
        ParserKind::Set,
        ParserKind::SindexList,
        ParserKind::SindexStats,
        ParserKind::UdfList,
        ParserKind::UdfGet,
        ParserKind::UdfPut,
        ParserKind::Config,
        ParserKind::Ok,
        ParserKind::Latencies,
        ParserKind::QueryShow,
        ParserKind::Histogram,
    ];

    /// Runs this parser on a raw value.
    pub fn parse(self, raw: &str) -> Result<Parsed, ReplyError> {
        use ParserKind as K;
        Ok(match self {
            K::Build => Parsed::Build(parse_build(raw)?),
            K::Edition => Parsed::Edition(parse_edition(raw)?),
            K::Release => Parsed::Release(parse_release(raw)?),
            K::Node => Parsed::Text(Some(parse_node(raw)?)),
            K::ClusterName => Parsed::Text(parse_cluster_name(raw)?),
            K::Endpoints => Parsed::Endpoints(parse_endpoints(raw)?),
            K::Peers => Parsed::Peers(parse_peers(raw)?),
            K::Generation => Parsed::Generation(parse_generation(raw)?),
            K::ClusterStable => Parsed::ClusterStable(parse_cluster_stable(raw)?),
            K::Statistics => Parsed::Statistics(Box::new(parse_statistics(raw)?)),
            K::Namespaces => Parsed::Namespaces(parse_namespaces(raw)?),
            K::Namespace => Parsed::Namespace(Box::new(parse_namespace(raw)?)),
            K::Sets => Parsed::Sets(parse_sets(raw)?),
            K::Set => Parsed::Set(Box::new(parse_set(raw)?)),
            K::SindexList => Parsed::SindexList(parse_sindex_list(raw)?),
            K::SindexStats => Parsed::SindexStats(parse_sindex_stats(raw)?),
            K::UdfList => Parsed::UdfList(parse_udf_list(raw)?),
            K::UdfGet => Parsed::UdfGet(parse_udf_get(raw)?),
            K::UdfPut => {
                parse_udf_put(raw)?;
                Parsed::Ok(OkReply { ok: true })
            }
            K::Config => Parsed::Config(parse_config(raw)?),
            K::Ok => {
                parse_ok(raw)?;
                Parsed::Ok(OkReply { ok: true })
            }
            K::Latencies => Parsed::Latencies(parse_latencies(raw)?),
            K::QueryShow => Parsed::QueryShow(parse_query_show(raw)?),
            K::Histogram => Parsed::Histogram(parse_histogram(raw)?),
        })
    }
}

/// Parses the value of `command` with its typed parser; `None` when none exists.
pub fn parse_reply(command: &str, raw: &str) -> Option<Result<Parsed, ReplyError>> {
    parser_for(command).map(|k| k.parse(raw))
}

#[cfg(test)]
mod all_kinds_tests {
    use super::ParserKind;

    /// Fails to compile when a variant is added without a position here, and fails at run time
    /// when `ParserKind::ALL` is not updated with it.
    #[test]
    fn all_is_complete() {
        fn position(kind: ParserKind) -> usize {
            match kind {
                ParserKind::Build => 0,
                ParserKind::Edition => 1,
                ParserKind::Release => 2,
                ParserKind::Node => 3,
                ParserKind::ClusterName => 4,
                ParserKind::Endpoints => 5,
                ParserKind::Peers => 6,
                ParserKind::Generation => 7,
                ParserKind::ClusterStable => 8,
                ParserKind::Statistics => 9,
                ParserKind::Namespaces => 10,
                ParserKind::Namespace => 11,
                ParserKind::Sets => 12,
                ParserKind::Set => 13,
                ParserKind::SindexList => 14,
                ParserKind::SindexStats => 15,
                ParserKind::UdfList => 16,
                ParserKind::UdfGet => 17,
                ParserKind::UdfPut => 18,
                ParserKind::Config => 19,
                ParserKind::Ok => 20,
                ParserKind::Latencies => 21,
                ParserKind::QueryShow => 22,
                ParserKind::Histogram => 23,
            }
        }
        for (i, kind) in ParserKind::ALL.iter().enumerate() {
            assert_eq!(
                position(*kind),
                i,
                "{kind:?} out of place in ParserKind::ALL"
            );
        }
        assert_eq!(ParserKind::ALL.len(), 24);
    }
}
