//! Aerospike info protocol: codec, async per-node client, typed reply parsers and
//! pure cluster-level helpers.
//!
//! - [`proto`]: pure framing codec (8-byte header, `cmd\tvalue\n` bodies), for clients and
//!   servers (the `aerospike-fake` test node reuses it).
//! - [`command`]: [`command::InfoCommand`], the one way to build a command from names:
//!   separators (`\n`, `:`, `;`, `=`, `/`) in a part are refused.
//! - [`connection`]: buffered framed IO over any stream.
//! - [`client`]: [`Client`], one node at a time, with connection reuse and timeouts.
//! - [`reply`]: the shared reply-level error model (`ERROR:`, `FAIL:`, `error=`,
//!   `type=unknown`, `ns_type=unknown`, empty).
//! - [`parse`]: one typed parser per reply kind; [`parse::parser_for`] picks it from the
//!   command text.
//! - [`cluster`]: pure helpers over per-node replies (cluster view, migrations, "safe to
//!   proceed", namespace and set totals); [`probe`] gathers what they need from one node.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use asinfo::{Client, cluster, parse, probe};
//!
//! let client = Client::new("10.0.0.1:3000");
//! let values = client.info(&["build", "statistics"]).await?;
//! let build = parse::parse_build(&values[0])?;
//! let stats = parse::parse_statistics(&values[1])?;
//! println!("{} in a cluster of {:?}", build.version, stats.cluster_size);
//!
//! // Before a disruptive step: every expected node, one observation each.
//! let nodes = ["10.0.0.1:3000", "10.0.0.2:3000", "10.0.0.3:3000"];
//! let mut observations = Vec::new();
//! for addr in nodes {
//!     observations.push(probe::observe(&Client::new(addr), nodes.len()).await);
//! }
//! let verdict = cluster::safe_to_proceed(&observations, nodes.len());
//! if !verdict.safe {
//!     println!("waiting: {:?}", verdict.reasons);
//! }
//! # Ok(())
//! # }
//! ```

pub mod client;
pub mod cluster;
pub mod command;
pub mod connection;
pub mod error;
pub mod fixtures;
pub mod parse;
pub mod probe;
pub mod proto;
pub mod reply;

pub use client::{Client, ClientConfig};
pub use connection::{Connection, FrameError};
pub use error::Error;
pub use reply::ReplyError;
