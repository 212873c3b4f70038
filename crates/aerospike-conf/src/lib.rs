//! A typed model of `aerospike.conf` for Aerospike server 8.x (Community Edition).
//!
//! - [`AerospikeConf`] is an ordered tree of [`Stanza`]s and [`Line`]s (repeated keys and
//!   stanza arguments allowed).
//! - [`from_spec()`] builds it from the free-form JSON of `spec.aerospikeConfig`; apply rack
//!   overrides first with [`deep_merge`]. The mapping and the canonical order are
//!   documented in [`from_spec`](mod@from_spec).
//! - [`render()`] writes deterministic text (same model → same bytes), so hashing the text
//!   gives a stable config hash.
//! - [`parse()`] reads aerospike.conf text back; [`to_spec_json()`] turns a model into
//!   `aerospikeConfig` JSON (for import).
//! - [`AerospikeConf::set`], [`AerospikeConf::remove`], [`AerospikeConf::set_mesh_seeds`],
//!   [`AerospikeConf::ports`], [`AerospikeConf::namespaces`] read and edit by path.
//! - [`knowledge`] holds, as cited data, which keys are dynamic (`set-config`), which a server
//!   release removed ([`knowledge::is_removed`]) and which are
//!   Enterprise-only; [`AerospikeConf::enterprise_only_uses`] lists what a CE server would
//!   refuse; [`changed_keys()`] classifies the difference between two configs (dynamic →
//!   `set-config`, static → restart).
//!
//! Everything here is pure: no IO, no clock, no randomness.
//!
//! ```
//! use aerospike_conf::{AerospikeConf, deep_merge};
//! let cluster = serde_json::json!({
//!     "service": {"proto-fd-max": 15000},
//!     "namespaces": [{"name": "test", "replication-factor": 2,
//!                     "storage-engine": {"type": "memory", "data-size": 1073741824}}],
//! });
//! let rack = serde_json::json!({"namespaces": [{"name": "test", "replication-factor": 3}]});
//! let mut conf = AerospikeConf::from_spec(&deep_merge(&cluster, &rack)).unwrap();
//! conf.set("network.service.access-address", "10.0.0.7").unwrap();
//! let text = conf.render();
//! assert!(text.contains("    replication-factor 3\n"));
//! assert_eq!(AerospikeConf::parse(&text).unwrap(), conf);
//! ```

pub mod diff;
pub mod edit;
pub mod error;
pub mod from_spec;
pub mod knowledge;
pub mod merge;
pub mod model;
pub mod parse;
pub mod query;
pub mod render;
pub mod to_spec;

pub use diff::{ChangeKind, ConfigChange, changed_keys};
pub use edit::{PathSegment, parse_path};
pub use error::{ConfError, ParseError};
pub use from_spec::from_spec;
pub use knowledge::{Dynamism, is_dynamic, is_enterprise_only};
pub use merge::deep_merge;
pub use model::{AerospikeConf, Item, Line, Stanza};
pub use parse::parse;
pub use query::{NamespaceInfo, Ports};
pub use render::render;
pub use to_spec::to_spec_json;
