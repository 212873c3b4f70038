//! Pure codec for the Aerospike wire framing and the info-protocol body.
//!
//! Every Aerospike message starts with an 8-byte proto header:
//!
//! | byte | meaning                                   |
//! |------|-------------------------------------------|
//! | 0    | protocol version, always [`PROTO_VERSION`] (2) |
//! | 1    | message type ([`MessageType`]; info = 1)  |
//! | 2..8 | body size, 48-bit big-endian              |
//!
//! An info **request** body is a list of commands, each terminated by `\n`.
//! A final command without `\n` is ignored by the server, and a zero-length body
//! asks for the legacy summary. An info **reply** body repeats each command exactly as
//! sent, then a TAB, the value, and `\n`, in request order.
//!
//! This module does no IO and never panics on any input. Decoding distinguishes an
//! *incomplete* buffer (read more bytes) from an *invalid* one (close the connection).
//! Sizes are checked against a cap before anything is allocated: [`HARD_MAX_BODY`] is the
//! absolute limit and [`DEFAULT_MAX_BODY`] the default of a [`Limits`].
//!
//! It is used on both sides: the client ([`encode_info_request`], [`decode_info_reply`])
//! and test servers such as `aerospike-fake` ([`decode_info_request`],
//! [`encode_info_reply`]).

use thiserror::Error;

/// The protocol version byte every Aerospike message carries.
pub const PROTO_VERSION: u8 = 2;
/// Length of the proto header in bytes.
pub const HEADER_LEN: usize = 8;
/// Largest body size the 48-bit size field can express.
pub const MAX_ENCODABLE_BODY: u64 = (1 << 48) - 1;
/// Absolute upper bound for a body accepted by this crate (128 MiB), whatever the configuration.
pub const HARD_MAX_BODY: u64 = 128 * 1024 * 1024;
/// Default cap on a body (16 MiB): far above any real info reply, small enough to
/// refuse garbage before allocating.
pub const DEFAULT_MAX_BODY: u64 = 16 * 1024 * 1024;

/// Message type byte of the proto header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum MessageType {
    /// Info protocol (1): `name\tvalue\n` text.
    Info,
    /// Admin / security (2). CE answers every admin call with result code 51.
    Admin,
    /// Data message (3), the `AS_MSG` used by the client libraries.
    Message,
    /// Compressed data message (4).
    Compressed,
    /// Any other type byte.
    Other(u8),
}

impl MessageType {
    /// The byte written in the header.
    pub fn as_byte(self) -> u8 {
        match self {
            MessageType::Info => 1,
            MessageType::Admin => 2,
            MessageType::Message => 3,
            MessageType::Compressed => 4,
            MessageType::Other(b) => b,
        }
    }

    /// The type for a header byte.
    pub fn from_byte(b: u8) -> Self {
        match b {
            1 => MessageType::Info,
            2 => MessageType::Admin,
            3 => MessageType::Message,
            4 => MessageType::Compressed,
            other => MessageType::Other(other),
        }
    }
}

/// A decoded proto header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Header {
    /// Version byte (valid headers carry [`PROTO_VERSION`]).
    pub version: u8,
    /// Message type.
    pub msg_type: MessageType,
    /// Body size in bytes (48-bit).
    pub body_len: u64,
}

impl Header {
    /// A version-2 header of the given type and body size.
    pub fn new(msg_type: MessageType, body_len: u64) -> Self {
        Header {
            version: PROTO_VERSION,
            msg_type,
            body_len,
        }
    }

    /// Encodes the header. Fails if `body_len` does not fit in 48 bits.
    pub fn encode(&self) -> Result<[u8; HEADER_LEN], ProtoError> {
        if self.body_len > MAX_ENCODABLE_BODY {
            return Err(ProtoError::BodyTooLarge {
                len: self.body_len,
                max: MAX_ENCODABLE_BODY,
            });
        }
        let size = self.body_len.to_be_bytes();
        Ok([
            self.version,
            self.msg_type.as_byte(),
            size[2],
            size[3],
            size[4],
            size[5],
            size[6],
            size[7],
        ])
    }

    /// Decodes 8 header bytes without validating them (see [`Header::check`]).
    pub fn decode(bytes: [u8; HEADER_LEN]) -> Self {
        let mut size = [0u8; 8];
        size[2..].copy_from_slice(&bytes[2..]);
        Header {
            version: bytes[0],
            msg_type: MessageType::from_byte(bytes[1]),
            body_len: u64::from_be_bytes(size),
        }
    }

    /// Checks the version and the body size against `limits`; returns the body size.
    pub fn check(&self, limits: Limits) -> Result<usize, ProtoError> {
        if self.version != PROTO_VERSION {
            return Err(ProtoError::BadVersion {
                found: self.version,
            });
        }
        let max = limits.max_body();
        if self.body_len > max {
            return Err(ProtoError::BodyTooLarge {
                len: self.body_len,
                max,
            });
        }
        usize::try_from(self.body_len).map_err(|_| ProtoError::BodyTooLarge {
            len: self.body_len,
            max,
        })
    }

    /// Like [`Header::check`], and also requires the info message type.
    pub fn check_info(&self, limits: Limits) -> Result<usize, ProtoError> {
        let len = self.check(limits)?;
        if self.msg_type != MessageType::Info {
            return Err(ProtoError::UnexpectedType {
                expected: MessageType::Info.as_byte(),
                found: self.msg_type.as_byte(),
            });
        }
        Ok(len)
    }
}

/// Size limits applied when decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_body: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: DEFAULT_MAX_BODY,
        }
    }
}

impl Limits {
    /// A cap on body size, clamped to [`HARD_MAX_BODY`].
    pub fn new(max_body: u64) -> Self {
        Limits {
            max_body: max_body.min(HARD_MAX_BODY),
        }
    }

    /// The effective cap in bytes.
    pub fn max_body(&self) -> u64 {
        self.max_body
    }
}

/// Why bytes are not a valid frame or body. Every variant means "close the connection".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtoError {
    /// The version byte is not 2: the peer is not speaking the Aerospike protocol.
    #[error(
        "bad proto version {found} (expected 2): the peer is not an Aerospike node or the stream is out of sync"
    )]
    BadVersion {
        /// Version byte received.
        found: u8,
    },
    /// The message type is not the one expected.
    #[error(
        "unexpected message type {found} (expected {expected}): is this the service port (usually 3000)?"
    )]
    UnexpectedType {
        /// Type byte wanted.
        expected: u8,
        /// Type byte received.
        found: u8,
    },
    /// The announced body is larger than the cap.
    #[error(
        "frame body of {len} bytes exceeds the limit of {max} bytes; raise the reply size limit if this reply is expected"
    )]
    BodyTooLarge {
        /// Announced size.
        len: u64,
        /// Cap in force.
        max: u64,
    },
    /// A command cannot be sent because it contains a newline.
    #[error("info command {command:?} contains a newline; send each command separately")]
    CommandHasNewline {
        /// The offending command.
        command: String,
    },
    /// A reply value cannot be encoded because it contains a newline.
    #[error("info reply value for {command:?} contains a newline, which would break the framing")]
    ValueHasNewline {
        /// The command the value belongs to.
        command: String,
    },
    /// A reply line has no TAB between the command echo and the value.
    #[error("info reply line {line} has no TAB separator: {text:?}")]
    MissingTab {
        /// Zero-based line index.
        line: usize,
        /// The line (lossy UTF-8, truncated to 80 chars).
        text: String,
    },
}

/// Result of trying to decode one frame from the front of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded<'a> {
    /// More bytes are needed; `needed` is the total frame length if known
    /// (header received), or [`HEADER_LEN`] otherwise.
    Incomplete {
        /// Total bytes the frame needs, counting the header.
        needed: usize,
    },
    /// A whole frame is at the front of the buffer.
    Frame {
        /// The header.
        header: Header,
        /// The body bytes.
        body: &'a [u8],
        /// Bytes consumed (header + body).
        consumed: usize,
    },
}

/// Tries to decode one frame at the front of `buf`. Checks version and size cap
/// (not the type) as soon as the header is present, before any body arrives.
pub fn decode_frame(buf: &[u8], limits: Limits) -> Result<Decoded<'_>, ProtoError> {
    let Some(head) = buf.first_chunk::<HEADER_LEN>() else {
        return Ok(Decoded::Incomplete { needed: HEADER_LEN });
    };
    let header = Header::decode(*head);
    let len = header.check(limits)?;
    let total = HEADER_LEN + len;
    match buf.get(HEADER_LEN..total) {
        Some(body) => Ok(Decoded::Frame {
            header,
            body,
            consumed: total,
        }),
        None => Ok(Decoded::Incomplete { needed: total }),
    }
}

/// Encodes a whole frame: header of `msg_type` + `body`.
pub fn encode_frame(msg_type: MessageType, body: &[u8]) -> Result<Vec<u8>, ProtoError> {
    let header = Header::new(msg_type, body.len() as u64).encode()?;
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(&header);
    out.extend_from_slice(body);
    Ok(out)
}

/// Encodes an info request body: each command followed by `\n`.
/// An empty list gives an empty body (which the server answers with its legacy summary).
pub fn encode_info_request_body<S: AsRef<str>>(commands: &[S]) -> Result<Vec<u8>, ProtoError> {
    let mut body = Vec::with_capacity(commands.iter().map(|c| c.as_ref().len() + 1).sum());
    for command in commands {
        let command = command.as_ref();
        if command.contains('\n') {
            return Err(ProtoError::CommandHasNewline {
                command: command.to_owned(),
            });
        }
        body.extend_from_slice(command.as_bytes());
        body.push(b'\n');
    }
    Ok(body)
}

/// Encodes a whole info request frame (header + body).
pub fn encode_info_request<S: AsRef<str>>(commands: &[S]) -> Result<Vec<u8>, ProtoError> {
    encode_frame(MessageType::Info, &encode_info_request_body(commands)?)
}

/// Server side: splits a request body into commands, as the server does.
///
/// Each `\n`-terminated line is a command (an empty line is an empty command, which the
/// server answers with `ERROR:4:unrecognized command`); trailing bytes without `\n` are
/// ignored. Bytes that are not UTF-8 are replaced (lossy).
pub fn decode_info_request(body: &[u8]) -> Vec<String> {
    let mut commands = Vec::new();
    let mut rest = body;
    while let Some(pos) = rest.iter().position(|&b| b == b'\n') {
        commands.push(String::from_utf8_lossy(&rest[..pos]).into_owned());
        rest = &rest[pos + 1..];
    }
    commands
}

/// Server side: encodes a reply body `cmd\tvalue\n` for each pair, in order.
/// Fails if a value contains `\n`.
pub fn encode_info_reply_body<C: AsRef<str>, V: AsRef<str>>(
    pairs: &[(C, V)],
) -> Result<Vec<u8>, ProtoError> {
    let mut body = Vec::new();
    for (command, value) in pairs {
        let (command, value) = (command.as_ref(), value.as_ref());
        if command.contains('\n') {
            return Err(ProtoError::CommandHasNewline {
                command: command.to_owned(),
            });
        }
        if value.contains('\n') {
            return Err(ProtoError::ValueHasNewline {
                command: command.to_owned(),
            });
        }
        body.extend_from_slice(command.as_bytes());
        body.push(b'\t');
        body.extend_from_slice(value.as_bytes());
        body.push(b'\n');
    }
    Ok(body)
}

/// Server side: encodes a whole info reply frame (header + body).
pub fn encode_info_reply<C: AsRef<str>, V: AsRef<str>>(
    pairs: &[(C, V)],
) -> Result<Vec<u8>, ProtoError> {
    encode_frame(MessageType::Info, &encode_info_reply_body(pairs)?)
}

/// One `command\tvalue` line of an info reply.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReplyLine {
    /// The command as echoed by the server.
    pub command: String,
    /// The raw value (everything after the first TAB).
    pub value: String,
}

/// Client side: splits a reply body into `(command, value)` lines.
///
/// Each line is split at its **first** TAB (commands never contain one; values may).
/// A final line without `\n` is accepted. Non-UTF-8 bytes are replaced (lossy).
/// An empty body gives no lines (the reply to a request whose only command lacked `\n`).
pub fn decode_info_reply(body: &[u8]) -> Result<Vec<ReplyLine>, ProtoError> {
    let text = String::from_utf8_lossy(body);
    let text = text.strip_suffix('\n').unwrap_or(&text);
    if text.is_empty() && body.is_empty() {
        return Ok(Vec::new());
    }
    text.split('\n')
        .enumerate()
        .map(|(i, line)| match line.split_once('\t') {
            Some((command, value)) => Ok(ReplyLine {
                command: command.to_owned(),
                value: value.to_owned(),
            }),
            None => Err(ProtoError::MissingTab {
                line: i,
                text: line.chars().take(80).collect(),
            }),
        })
        .collect()
}

/// Client side: matches a reply body against the commands that were sent, in order.
///
/// More robust than [`decode_info_reply`]: since each echo is known, a value that
/// contains `\n` is still attributed to the right command. Returns one value per command,
/// or `None` when the reply does not have the expected shape.
pub fn match_info_reply<S: AsRef<str>>(body: &[u8], commands: &[S]) -> Option<Vec<String>> {
    let text = String::from_utf8_lossy(body);
    let mut rest: &str = &text;
    let mut values = Vec::with_capacity(commands.len());
    for (i, command) in commands.iter().enumerate() {
        rest = rest.strip_prefix(command.as_ref())?.strip_prefix('\t')?;
        let end = match commands.get(i + 1) {
            Some(next) => {
                let marker = format!("\n{}\t", next.as_ref());
                rest.find(&marker)?
            }
            None => rest.strip_suffix('\n').unwrap_or(rest).len(),
        };
        values.push(rest[..end].to_owned());
        rest = rest.get(end + 1..).unwrap_or("");
    }
    Some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_roundtrip_matches_fixture_bytes() {
        // `build\n` reply header from the fixtures' MANIFEST: 0201000000000000e (14 bytes).
        let h = Header::new(MessageType::Info, 14);
        assert_eq!(h.encode().unwrap(), [2, 1, 0, 0, 0, 0, 0, 0x0e]);
        let back = Header::decode([2, 1, 0, 0, 0, 0, 0x32, 0x5a]);
        assert_eq!(back.body_len, 12890);
        assert_eq!(back.msg_type, MessageType::Info);
        assert_eq!(back.check_info(Limits::default()), Ok(12890));
    }

    #[test]
    fn header_rejects_bad_version_type_and_size() {
        let h = Header::decode([3, 1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(
            h.check(Limits::default()),
            Err(ProtoError::BadVersion { found: 3 })
        );
        let h = Header::decode([2, 2, 0, 0, 0, 0, 0, 16]);
        assert_eq!(
            h.check_info(Limits::default()),
            Err(ProtoError::UnexpectedType {
                expected: 1,
                found: 2
            })
        );
        let h = Header::decode([2, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(
            h.check(Limits::default()),
            Err(ProtoError::BodyTooLarge { .. })
        ));
        let too_big = Header::new(MessageType::Info, 1 << 48);
        assert!(too_big.encode().is_err());
    }

    #[test]
    fn limits_are_clamped_to_hard_max() {
        assert_eq!(Limits::new(u64::MAX).max_body(), HARD_MAX_BODY);
        assert_eq!(Limits::new(10).max_body(), 10);
        let h = Header::new(MessageType::Info, 11);
        assert!(matches!(
            h.check(Limits::new(10)),
            Err(ProtoError::BodyTooLarge { len: 11, max: 10 })
        ));
    }

    #[test]
    fn decode_frame_incomplete_then_complete() {
        let frame = encode_info_request(&["build", "node"]).unwrap();
        for cut in 0..frame.len() {
            match decode_frame(&frame[..cut], Limits::default()).unwrap() {
                Decoded::Incomplete { needed } => {
                    assert_eq!(
                        needed,
                        if cut < HEADER_LEN {
                            HEADER_LEN
                        } else {
                            frame.len()
                        }
                    )
                }
                Decoded::Frame { .. } => panic!("frame complete at {cut} bytes"),
            }
        }
        let mut two = frame.clone();
        two.extend_from_slice(&frame);
        match decode_frame(&two, Limits::default()).unwrap() {
            Decoded::Frame {
                header,
                body,
                consumed,
            } => {
                assert_eq!(header.msg_type, MessageType::Info);
                assert_eq!(body, b"build\nnode\n");
                assert_eq!(consumed, frame.len());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn oversized_header_is_invalid_before_body_arrives() {
        let head = [2u8, 1, 0, 0, 0x10, 0, 0, 0];
        assert!(matches!(
            decode_frame(&head, Limits::new(1024)),
            Err(ProtoError::BodyTooLarge {
                len: 0x1000_0000,
                max: 1024
            })
        ));
    }

    #[test]
    fn request_body_encoding_and_server_decoding() {
        let body = encode_info_request_body(&["node", "partition-generation"]).unwrap();
        assert_eq!(body, b"node\npartition-generation\n");
        assert_eq!(
            decode_info_request(&body),
            vec!["node", "partition-generation"]
        );
        // Unterminated final command is ignored; empty line is an empty command.
        assert_eq!(decode_info_request(b"build"), Vec::<String>::new());
        assert_eq!(decode_info_request(b"\nbuild\nnode"), vec!["", "build"]);
        assert!(encode_info_request_body(&["a\nb"]).is_err());
        assert!(encode_info_request_body::<&str>(&[]).unwrap().is_empty());
    }

    #[test]
    fn reply_roundtrip() {
        let pairs = [
            ("node", "BB901000000FC02"),
            ("cluster-name", "asd-local"),
            ("x", ""),
        ];
        let body = encode_info_reply_body(&pairs).unwrap();
        assert_eq!(
            body,
            b"node\tBB901000000FC02\ncluster-name\tasd-local\nx\t\n"
        );
        let lines = decode_info_reply(&body).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].command, "cluster-name");
        assert_eq!(lines[1].value, "asd-local");
        assert_eq!(lines[2].value, "");
        assert!(encode_info_reply_body(&[("a", "b\nc")]).is_err());
        assert!(decode_info_reply(b"").unwrap().is_empty());
        assert!(matches!(
            decode_info_reply(b"no tab here\n"),
            Err(ProtoError::MissingTab { .. })
        ));
        // A value may contain a TAB: split at the first one only.
        assert_eq!(decode_info_reply(b"a\tb\tc\n").unwrap()[0].value, "b\tc");
        let frame = encode_info_reply(&pairs).unwrap();
        assert_eq!(frame[..HEADER_LEN], [2, 1, 0, 0, 0, 0, 0, body.len() as u8]);
    }

    #[test]
    fn match_reply_by_known_commands() {
        let body = b"build\t8.1.2.0\nno-such\tERROR:4:unrecognized command\n";
        assert_eq!(
            match_info_reply(body, &["build", "no-such"]).unwrap(),
            vec!["8.1.2.0", "ERROR:4:unrecognized command"]
        );
        // A value with an embedded newline is still attributed correctly.
        let body = b"a\tx\ny\nb\tz\n";
        assert_eq!(
            match_info_reply(body, &["a", "b"]).unwrap(),
            vec!["x\ny", "z"]
        );
        assert!(match_info_reply(b"a\t1\n", &["b"]).is_none());
        assert!(match_info_reply(b"a\t1\n", &["a", "b"]).is_none());
        assert!(match_info_reply(b"", &["a"]).is_none());
    }
}
