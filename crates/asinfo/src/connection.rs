//! One buffered Aerospike connection that reads and writes whole frames.
//!
//! Generic over the stream so that servers (such as `aerospike-fake`) can reuse it.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufStream};
use tokio::net::TcpStream;

use crate::proto::{HEADER_LEN, Header, Limits, ProtoError};

/// Why reading a frame failed.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// Socket error.
    #[error(transparent)]
    Io(#[from] io::Error),
    /// The peer closed in the middle of a frame.
    #[error("connection closed after {received} of {expected} bytes")]
    ShortRead {
        /// Bytes received (header included).
        received: usize,
        /// Bytes needed (header included).
        expected: usize,
    },
    /// The header is invalid (bad version, too large).
    #[error(transparent)]
    Protocol(#[from] ProtoError),
}

/// A framed connection. Reads check the header (version and size cap) before
/// allocating the body, and grow the body buffer only as bytes actually arrive.
#[derive(Debug)]
pub struct Connection<S = TcpStream> {
    stream: BufStream<S>,
    limits: Limits,
}

impl Connection<TcpStream> {
    /// Opens a TCP connection (no timeout: wrap in `tokio::time::timeout`).
    pub async fn connect(addr: &str, limits: Limits) -> io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Connection::new(stream, limits))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Wraps a stream.
    pub fn new(stream: S, limits: Limits) -> Self {
        Connection {
            stream: BufStream::new(stream),
            limits,
        }
    }

    /// The size limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Writes a whole encoded frame and flushes.
    pub async fn write_frame(&mut self, frame: &[u8]) -> io::Result<()> {
        self.stream.write_all(frame).await?;
        self.stream.flush().await
    }

    /// Reads one frame. `Ok(None)` means the peer closed cleanly between frames.
    /// The message type is not checked (see [`Header::check_info`]).
    pub async fn read_frame(&mut self) -> Result<Option<(Header, Vec<u8>)>, FrameError> {
        let mut head = [0u8; HEADER_LEN];
        let mut got = 0;
        while got < HEADER_LEN {
            let n = self.stream.read(&mut head[got..]).await?;
            if n == 0 {
                if got == 0 {
                    return Ok(None);
                }
                return Err(FrameError::ShortRead {
                    received: got,
                    expected: HEADER_LEN,
                });
            }
            got += n;
        }
        let header = Header::decode(head);
        let len = header.check(self.limits)?;
        let mut body = Vec::with_capacity(len.min(64 * 1024));
        let read = (&mut self.stream)
            .take(len as u64)
            .read_to_end(&mut body)
            .await?;
        if read < len {
            return Err(FrameError::ShortRead {
                received: HEADER_LEN + read,
                expected: HEADER_LEN + len,
            });
        }
        Ok(Some((header, body)))
    }

    /// Gives back the underlying stream (buffered data is dropped).
    pub fn into_inner(self) -> S {
        self.stream.into_inner()
    }
}
