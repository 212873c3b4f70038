//! Aerospike info protocol: codec, async per-node client, typed reply parsers and
//! pure cluster-level helpers.
//!
//! - [`proto`]: pure framing codec (8-byte header, `cmd\tvalue\n` bodies), for clients and servers.
//! - [`connection`]: buffered framed IO over any stream.
//! - [`client`]: [`Client`], one node at a time, with connection reuse and timeouts.
//! - [`reply`]: the shared reply-level error model (`ERROR:`, `FAIL:`, `error=`, `type=unknown`, empty).
//! - [`parse`]: one typed parser per reply kind.
//! - [`cluster`]: pure helpers over per-node replies (cluster view, migrations, "safe to proceed").

pub mod client;
pub mod connection;
pub mod error;
pub mod proto;

pub use client::{Client, ClientConfig};
pub use connection::{Connection, FrameError};
pub use error::Error;
pub mod parse;
pub mod reply;

pub use reply::ReplyError;
pub mod cluster;
pub mod probe;
