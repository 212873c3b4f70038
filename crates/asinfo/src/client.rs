//! Per-node info client with connection reuse and per-call timeouts.

use std::sync::Mutex;
use std::time::Duration;

use tokio::net::TcpStream;

use crate::connection::{Connection, FrameError};
use crate::error::Error;
use crate::proto::{self, Limits};

/// Settings of a [`Client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientConfig {
    /// Limit for a whole call (connect + write + read).
    pub timeout: Duration,
    /// Cap on a reply body (clamped to [`proto::HARD_MAX_BODY`]).
    pub max_reply_bytes: u64,
    /// Idle connections kept for reuse.
    pub max_idle: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(5),
            max_reply_bytes: proto::DEFAULT_MAX_BODY,
            max_idle: 2,
        }
    }
}

/// An info client for **one** node (`host:port`).
///
/// Connections are opened lazily, reused between calls, and dropped on any error
/// (the next call reconnects). A call on a reused connection that finds it closed by
/// the server before any reply byte is retried once on a fresh connection.
/// Cheap to share behind an `Arc`; concurrent calls use separate connections.
#[derive(Debug)]
pub struct Client {
    addr: String,
    config: ClientConfig,
    idle: Mutex<Vec<Connection<TcpStream>>>,
}

/// Result of one exchange on one connection.
enum Attempt {
    Done(Vec<u8>),
    /// A reused connection turned out to be closed: safe to retry once.
    Stale,
}

impl Client {
    /// A client for `addr` (`host:port`) with default settings.
    pub fn new(addr: impl Into<String>) -> Self {
        Client::with_config(addr, ClientConfig::default())
    }

    /// A client for `addr` with explicit settings.
    pub fn with_config(addr: impl Into<String>, config: ClientConfig) -> Self {
        Client {
            addr: addr.into(),
            config,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The node address this client talks to.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The settings.
    pub fn config(&self) -> ClientConfig {
        self.config
    }

    /// Sends several commands in one request; returns one raw value per command, in order.
    /// An empty command list returns an empty vector without any IO.
    pub async fn info<S: AsRef<str>>(&self, commands: &[S]) -> Result<Vec<String>, Error> {
        self.info_with_timeout(commands, self.config.timeout).await
    }

    /// Like [`Client::info`], with a timeout for this call only (e.g. a slow `truncate`).
    pub async fn info_with_timeout<S: AsRef<str>>(
        &self,
        commands: &[S],
        timeout: Duration,
    ) -> Result<Vec<String>, Error> {
        if commands.is_empty() {
            return Ok(Vec::new());
        }
        let frame = proto::encode_info_request(commands).map_err(Error::InvalidCommand)?;
        let body = self.exchange(&frame, timeout).await?;
        proto::match_info_reply(&body, commands).ok_or_else(|| Error::UnexpectedReply {
            addr: self.addr.clone(),
            commands: commands.len(),
            preview: String::from_utf8_lossy(&body[..body.len().min(120)]).into_owned(),
        })
    }

    /// Sends one command and returns its raw value.
    pub async fn info_one(&self, command: &str) -> Result<String, Error> {
        let mut values = self.info(&[command]).await?;
        Ok(values.pop().unwrap_or_default())
    }

    /// Drops all idle connections.
    pub fn close_idle(&self) {
        self.lock_idle().clear();
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection<TcpStream>>> {
        // A poisoned lock only means another task panicked while holding a Vec: reuse it.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn exchange(&self, frame: &[u8], after: Duration) -> Result<Vec<u8>, Error> {
        let work = async {
            let pooled = self.lock_idle().pop();
            if let Some(conn) = pooled {
                match self.attempt(conn, frame, true).await? {
                    Attempt::Done(body) => return Ok(body),
                    Attempt::Stale => {
                        tracing::debug!(addr = %self.addr, "pooled info connection was closed; reconnecting");
                    }
                }
            }
            let conn = self.connect().await?;
            match self.attempt(conn, frame, false).await? {
                Attempt::Done(body) => Ok(body),
                Attempt::Stale => Err(Error::ShortRead {
                    addr: self.addr.clone(),
                    received: 0,
                    expected: proto::HEADER_LEN,
                }),
            }
        };
        tokio::time::timeout(after, work)
            .await
            .map_err(|_| Error::Timeout {
                addr: self.addr.clone(),
                after,
            })?
    }

    async fn connect(&self) -> Result<Connection<TcpStream>, Error> {
        let limits = Limits::new(self.config.max_reply_bytes);
        Connection::connect(&self.addr, limits)
            .await
            .map_err(|source| Error::Connect {
                addr: self.addr.clone(),
                source,
            })
    }

    async fn attempt(
        &self,
        mut conn: Connection<TcpStream>,
        frame: &[u8],
        reused: bool,
    ) -> Result<Attempt, Error> {
        if let Err(source) = conn.write_frame(frame).await {
            if reused {
                return Ok(Attempt::Stale);
            }
            return Err(Error::Io {
                addr: self.addr.clone(),
                source,
            });
        }
        let (header, body) = match conn.read_frame().await {
            Ok(Some(frame)) => frame,
            Ok(None) if reused => return Ok(Attempt::Stale),
            Ok(None) => {
                return Err(Error::ShortRead {
                    addr: self.addr.clone(),
                    received: 0,
                    expected: proto::HEADER_LEN,
                });
            }
            Err(FrameError::Io(source)) => {
                if reused && is_reset(&source) {
                    return Ok(Attempt::Stale);
                }
                return Err(Error::Io {
                    addr: self.addr.clone(),
                    source,
                });
            }
            Err(FrameError::ShortRead { received, expected }) => {
                return Err(Error::ShortRead {
                    addr: self.addr.clone(),
                    received,
                    expected,
                });
            }
            Err(FrameError::Protocol(source)) => {
                return Err(Error::Protocol {
                    addr: self.addr.clone(),
                    source,
                });
            }
        };
        header
            .check_info(conn.limits())
            .map_err(|source| Error::Protocol {
                addr: self.addr.clone(),
                source,
            })?;
        let mut idle = self.lock_idle();
        if idle.len() < self.config.max_idle {
            idle.push(conn);
        }
        Ok(Attempt::Done(body))
    }
}

fn is_reset(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
    )
}
