//! Transport-level errors of the info client.

use std::time::Duration;

use thiserror::Error;

use crate::proto::ProtoError;

/// Why an info call to a node failed (transport, framing or reply shape).
///
/// Reply *values* such as `ERROR:4:...` are not transport errors: they are classified by
/// [`crate::reply`].
#[derive(Debug, Error)]
pub enum Error {
    /// TCP connect failed (refused, unreachable, DNS...).
    #[error("cannot connect to {addr}: {source} (is asd running and listening on this host:port?)")]
    Connect {
        /// Node address.
        addr: String,
        /// Underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// The call did not finish within the per-call timeout.
    #[error(
        "info call to {addr} timed out after {after:?} (node overloaded, unreachable, or firewall dropping packets)"
    )]
    Timeout {
        /// Node address.
        addr: String,
        /// Timeout that elapsed.
        after: Duration,
    },
    /// Reading or writing the socket failed.
    #[error("IO error talking to {addr}: {source}")]
    Io {
        /// Node address.
        addr: String,
        /// Underlying IO error.
        #[source]
        source: std::io::Error,
    },
    /// The peer closed the connection before a whole frame arrived.
    #[error("{addr} closed the connection after {received} of {expected} bytes (short read)")]
    ShortRead {
        /// Node address.
        addr: String,
        /// Bytes of the frame received (header included).
        received: usize,
        /// Bytes the frame needed (header included).
        expected: usize,
    },
    /// The bytes received are not a valid info frame (bad version/type, oversized...).
    #[error("invalid reply from {addr}: {source}")]
    Protocol {
        /// Node address.
        addr: String,
        /// What is wrong.
        #[source]
        source: ProtoError,
    },
    /// A command cannot be sent (contains a newline).
    #[error("invalid info command: {0}")]
    InvalidCommand(#[source] ProtoError),
    /// The reply does not echo the commands that were sent.
    #[error(
        "reply from {addr} does not match the request ({commands} command(s) sent): {preview:?}"
    )]
    UnexpectedReply {
        /// Node address.
        addr: String,
        /// Number of commands sent.
        commands: usize,
        /// Start of the reply body (lossy UTF-8, truncated).
        preview: String,
    },
}

impl Error {
    /// True when the node could not be reached at all (connect failure or timeout).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Connect { .. } | Error::Timeout { .. })
    }
}
