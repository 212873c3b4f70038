//! AS_MSG wire format: a bounds-checked reader, the request parser and the reply encoder.
//!
//! Layout (after the 8-byte proto header): a 22-byte message header
//! (`header_sz, info1, info2, info3, info4, result_code, generation u32, record_ttl u32,
//! txn_ttl u32, n_fields u16, n_ops u16`), then `n_fields` fields (`u32 size, u8 type, data`)
//! and `n_ops` operations (`u32 size, u8 op, u8 particle type, u8 version, u8 name_len, name,
//! value`). All integers are big-endian.

use thiserror::Error;

/// Proto header version used by every Aerospike message.
pub const PROTO_VERSION: u8 = 2;
/// Proto type of an info request/reply.
pub const PROTO_INFO: u8 = 1;
/// Proto type of an admin (security) message.
pub const PROTO_ADMIN: u8 = 2;
/// Proto type of a data message.
pub const PROTO_MSG: u8 = 3;
/// Proto type of a zlib-compressed data message.
pub const PROTO_COMPRESSED: u8 = 4;
/// Size of the AS_MSG header that follows the proto header.
pub const MSG_HEADER_SIZE: usize = 22;
/// Largest request body the fake accepts (same limit as the official client).
pub const MAX_BODY: usize = 128 * 1024 * 1024;

/// info1 bits.
pub mod info1 {
    /// The request reads.
    pub const READ: u8 = 1;
    /// Read all bins.
    pub const GET_ALL: u8 = 1 << 1;
    /// Short query.
    pub const SHORT_QUERY: u8 = 1 << 2;
    /// Batch request.
    pub const BATCH: u8 = 1 << 3;
    /// Do not return bin data.
    pub const NOBINDATA: u8 = 1 << 5;
    /// Client accepts a compressed reply.
    pub const COMPRESS_RESPONSE: u8 = 1 << 7;
}

/// info2 bits.
pub mod info2 {
    /// The request writes.
    pub const WRITE: u8 = 1;
    /// Delete the record.
    pub const DELETE: u8 = 1 << 1;
    /// Write only if generation equals.
    pub const GENERATION: u8 = 1 << 2;
    /// Write only if generation is greater.
    pub const GENERATION_GT: u8 = 1 << 3;
    /// Create only.
    pub const CREATE_ONLY: u8 = 1 << 5;
    /// Return a result for every operation.
    pub const RESPOND_ALL_OPS: u8 = 1 << 7;
}

/// info3 bits.
pub mod info3 {
    /// Last message of a stream.
    pub const LAST: u8 = 1;
    /// Partition done marker (scan/query).
    pub const PARTITION_DONE: u8 = 1 << 2;
    /// Update only.
    pub const UPDATE_ONLY: u8 = 1 << 3;
    /// Create or replace.
    pub const CREATE_OR_REPLACE: u8 = 1 << 4;
    /// Replace only.
    pub const REPLACE_ONLY: u8 = 1 << 5;
}

/// Field types used by the official client.
pub mod field {
    /// Namespace name.
    pub const NAMESPACE: u8 = 0;
    /// Set name.
    pub const SET: u8 = 1;
    /// User key (particle type byte + value).
    pub const KEY: u8 = 2;
    /// RIPEMD-160 digest.
    pub const DIGEST: u8 = 4;
    /// Multi-record transaction id (unsupported on CE).
    pub const MRT_ID: u8 = 5;
    /// Query id.
    pub const QUERY_ID: u8 = 7;
    /// Server-side socket timeout.
    pub const SOCKET_TIMEOUT: u8 = 9;
    /// Records per second.
    pub const RPS: u8 = 10;
    /// Partition id array (u16 LE each).
    pub const PID_ARRAY: u8 = 11;
    /// Digest array (resume cursors).
    pub const DIGEST_ARRAY: u8 = 12;
    /// Max records (u64 BE).
    pub const MAX_RECORDS: u8 = 13;
    /// bval array (u64 LE each).
    pub const BVAL_ARRAY: u8 = 15;
    /// Secondary index name.
    pub const INDEX_NAME: u8 = 21;
    /// Secondary index range filter.
    pub const INDEX_RANGE: u8 = 22;
    /// Secondary index context.
    pub const INDEX_CONTEXT: u8 = 23;
    /// Secondary index expression.
    pub const INDEX_EXPRESSION: u8 = 24;
    /// Collection index type.
    pub const INDEX_TYPE: u8 = 26;
    /// UDF package name.
    pub const UDF_PACKAGE: u8 = 30;
    /// UDF operation.
    pub const UDF_OP: u8 = 33;
    /// Batch index payload.
    pub const BATCH_INDEX: u8 = 41;
    /// Filter expression.
    pub const FILTER_EXP: u8 = 43;
    /// Query-plan where clause (not supported by the fake).
    pub const WHERE: u8 = 44;
}

/// Operation codes.
pub mod op {
    /// Read a bin.
    pub const READ: u8 = 1;
    /// Write a bin.
    pub const WRITE: u8 = 2;
    /// CDT read.
    pub const CDT_READ: u8 = 3;
    /// CDT modify.
    pub const CDT_MODIFY: u8 = 4;
    /// Integer/float add.
    pub const INCR: u8 = 5;
    /// Expression read.
    pub const EXP_READ: u8 = 7;
    /// Expression write.
    pub const EXP_WRITE: u8 = 8;
    /// String append.
    pub const APPEND: u8 = 9;
    /// String prepend.
    pub const PREPEND: u8 = 10;
    /// Touch.
    pub const TOUCH: u8 = 11;
    /// Delete record.
    pub const DELETE: u8 = 14;
}

/// Result codes sent by the fake.
pub mod rc {
    /// Success.
    pub const OK: u8 = 0;
    /// Generic server error.
    pub const SERVER_ERROR: u8 = 1;
    /// Record not found.
    pub const KEY_NOT_FOUND: u8 = 2;
    /// Generation mismatch.
    pub const GENERATION: u8 = 3;
    /// Bad request parameter.
    pub const PARAMETER: u8 = 4;
    /// Record already exists.
    pub const KEY_EXISTS: u8 = 5;
    /// Partition not owned by this node.
    pub const PARTITION_UNAVAILABLE: u8 = 11;
    /// Operation incompatible with the bin's type.
    pub const BIN_TYPE: u8 = 12;
    /// Feature not supported.
    pub const UNSUPPORTED_FEATURE: u8 = 16;
    /// Unknown namespace.
    pub const INVALID_NAMESPACE: u8 = 20;
    /// Bin name longer than 15 bytes.
    pub const BIN_NAME_TOO_LONG: u8 = 21;
    /// CDT element not found.
    pub const ELEMENT_NOT_FOUND: u8 = 23;
    /// Enterprise-only feature.
    pub const ENTERPRISE_ONLY: u8 = 25;
    /// Operation not applicable.
    pub const OP_NOT_APPLICABLE: u8 = 26;
    /// Filter expression was false.
    pub const FILTERED_OUT: u8 = 27;
    /// Security not supported (CE).
    pub const SECURITY_NOT_SUPPORTED: u8 = 51;
    /// UDF failure.
    pub const UDF_BAD_RESPONSE: u8 = 100;
    /// Secondary index not found.
    pub const INDEX_NOT_FOUND: u8 = 201;
    /// The index is still being built (state `WO`).
    pub const INDEX_NOT_READABLE: u8 = 203;
}

/// Particle types.
pub mod particle {
    /// Nil.
    pub const NULL: u8 = 0;
    /// 64-bit signed integer.
    pub const INTEGER: u8 = 1;
    /// 64-bit float.
    pub const FLOAT: u8 = 2;
    /// UTF-8 string.
    pub const STRING: u8 = 3;
    /// Bytes.
    pub const BLOB: u8 = 4;
    /// Boolean.
    pub const BOOL: u8 = 17;
    /// HyperLogLog.
    pub const HLL: u8 = 18;
    /// Map (msgpack).
    pub const MAP: u8 = 19;
    /// List (msgpack).
    pub const LIST: u8 = 20;
    /// GeoJSON.
    pub const GEOJSON: u8 = 23;
}

/// A malformed request.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum WireError {
    /// The buffer ended early.
    #[error("message truncated: needed {needed} more bytes at offset {offset}")]
    Truncated {
        /// Offset of the failed read.
        offset: usize,
        /// Bytes missing.
        needed: usize,
    },
    /// A structural value is invalid.
    #[error("malformed message: {0}")]
    Malformed(String),
}

/// Bounds-checked big-endian reader over a byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at offset 0.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }
    /// Current offset.
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }
    /// Reads `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if self.remaining() < n {
            return Err(WireError::Truncated {
                offset: self.pos,
                needed: n - self.remaining(),
            });
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }
    /// Reads one byte.
    pub fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.bytes(1)?[0])
    }
    /// Reads a big-endian u16.
    pub fn u16(&mut self) -> Result<u16, WireError> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    /// Reads a big-endian u32.
    pub fn u32(&mut self) -> Result<u32, WireError> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// Reads a big-endian u64.
    pub fn u64(&mut self) -> Result<u64, WireError> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }
}

/// The 22-byte message header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MsgHeader {
    /// info1 flags.
    pub info1: u8,
    /// info2 flags.
    pub info2: u8,
    /// info3 flags.
    pub info3: u8,
    /// info4 flags.
    pub info4: u8,
    /// Result code (replies).
    pub result_code: u8,
    /// Generation (expected generation in requests).
    pub generation: u32,
    /// Record TTL in seconds (0 = namespace default, u32::MAX = never, u32::MAX-1 = keep).
    pub record_ttl: u32,
    /// Transaction timeout (requests) or batch index (batch replies).
    pub txn_ttl: u32,
}

/// One request field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Field type.
    pub ftype: u8,
    /// Field data.
    pub data: Vec<u8>,
}

/// One request/response operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// Operation code.
    pub op: u8,
    /// Particle type of `value`.
    pub ptype: u8,
    /// Bin name.
    pub name: String,
    /// Value bytes.
    pub value: Vec<u8>,
}

/// A parsed AS_MSG.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Msg {
    /// Header.
    pub header: MsgHeader,
    /// Fields in wire order.
    pub fields: Vec<Field>,
    /// Operations in wire order.
    pub ops: Vec<Op>,
}

impl Msg {
    /// First field of a type.
    pub fn field(&self, ftype: u8) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|f| f.ftype == ftype)
            .map(|f| f.data.as_slice())
    }
    /// A field decoded as UTF-8 text.
    pub fn field_str(&self, ftype: u8) -> Option<String> {
        self.field(ftype)
            .map(|d| String::from_utf8_lossy(d).into_owned())
    }
}

/// Reads `n` fields.
pub fn read_fields(r: &mut Reader<'_>, n: usize) -> Result<Vec<Field>, WireError> {
    let mut fields = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let size = r.u32()? as usize;
        if size == 0 {
            return Err(WireError::Malformed("field of size 0".into()));
        }
        let ftype = r.u8()?;
        let data = r.bytes(size - 1)?.to_vec();
        fields.push(Field { ftype, data });
    }
    Ok(fields)
}

/// Reads `n` operations.
pub fn read_ops(r: &mut Reader<'_>, n: usize) -> Result<Vec<Op>, WireError> {
    let mut ops = Vec::with_capacity(n.min(64));
    for _ in 0..n {
        let size = r.u32()? as usize;
        let op = r.u8()?;
        let ptype = r.u8()?;
        let _version = r.u8()?;
        let name_len = r.u8()? as usize;
        let name = String::from_utf8_lossy(r.bytes(name_len)?).into_owned();
        let value_len = size
            .checked_sub(4 + name_len)
            .ok_or_else(|| WireError::Malformed("operation shorter than its header".into()))?;
        let value = r.bytes(value_len)?.to_vec();
        ops.push(Op {
            op,
            ptype,
            name,
            value,
        });
    }
    Ok(ops)
}

/// Parses an AS_MSG body (everything after the proto header).
pub fn parse_msg(body: &[u8]) -> Result<Msg, WireError> {
    let mut r = Reader::new(body);
    let header_sz = r.u8()? as usize;
    if header_sz != MSG_HEADER_SIZE {
        return Err(WireError::Malformed(format!(
            "header size {header_sz}, expected {MSG_HEADER_SIZE}"
        )));
    }
    let header = MsgHeader {
        info1: r.u8()?,
        info2: r.u8()?,
        info3: r.u8()?,
        info4: r.u8()?,
        result_code: r.u8()?,
        generation: r.u32()?,
        record_ttl: r.u32()?,
        txn_ttl: r.u32()?,
    };
    let n_fields = r.u16()? as usize;
    let n_ops = r.u16()? as usize;
    let fields = read_fields(&mut r, n_fields)?;
    let ops = read_ops(&mut r, n_ops)?;
    Ok(Msg {
        header,
        fields,
        ops,
    })
}

/// Encodes an 8-byte proto header.
pub fn proto_header(ptype: u8, size: usize) -> [u8; 8] {
    let v = (u64::from(PROTO_VERSION) << 56) | (u64::from(ptype) << 48) | (size as u64);
    v.to_be_bytes()
}

/// Decodes an 8-byte proto header into (version, type, size).
pub fn decode_proto_header(h: [u8; 8]) -> (u8, u8, usize) {
    let v = u64::from_be_bytes(h);
    (
        (v >> 56) as u8,
        (v >> 48) as u8,
        (v & 0xFFFF_FFFF_FFFF) as usize,
    )
}

/// Appends one encoded message (header, fields, ops) to `out`.
pub fn encode_msg(out: &mut Vec<u8>, header: &MsgHeader, fields: &[Field], ops: &[Op]) {
    out.push(MSG_HEADER_SIZE as u8);
    out.push(header.info1);
    out.push(header.info2);
    out.push(header.info3);
    out.push(header.info4);
    out.push(header.result_code);
    out.extend_from_slice(&header.generation.to_be_bytes());
    out.extend_from_slice(&header.record_ttl.to_be_bytes());
    out.extend_from_slice(&header.txn_ttl.to_be_bytes());
    out.extend_from_slice(&(fields.len() as u16).to_be_bytes());
    out.extend_from_slice(&(ops.len() as u16).to_be_bytes());
    for f in fields {
        out.extend_from_slice(&((f.data.len() + 1) as u32).to_be_bytes());
        out.push(f.ftype);
        out.extend_from_slice(&f.data);
    }
    for o in ops {
        let name = o.name.as_bytes();
        let name_len = name.len().min(255);
        out.extend_from_slice(&((o.value.len() + 4 + name_len) as u32).to_be_bytes());
        out.push(o.op);
        out.push(o.ptype);
        out.push(0);
        out.push(name_len as u8);
        out.extend_from_slice(&name[..name_len]);
        out.extend_from_slice(&o.value);
    }
}

/// Wraps a body into a proto frame.
pub fn frame(ptype: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&proto_header(ptype, body.len()));
    out.extend_from_slice(body);
    out
}

/// A reply carrying only a result code (and an optional generation/void time).
pub fn simple_reply(result_code: u8, generation: u32, void_time: u32) -> Vec<u8> {
    let mut body = Vec::with_capacity(MSG_HEADER_SIZE);
    let header = MsgHeader {
        result_code,
        generation,
        record_ttl: void_time,
        ..MsgHeader::default()
    };
    encode_msg(&mut body, &header, &[], &[]);
    frame(PROTO_MSG, &body)
}

/// Compresses a full proto frame into a type-4 frame when `compress` is set and it helps.
pub fn maybe_compress(frame_bytes: Vec<u8>, compress: bool) -> Vec<u8> {
    use std::io::Write;
    if !compress || frame_bytes.len() <= 128 {
        return frame_bytes;
    }
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    if enc.write_all(&frame_bytes).is_err() {
        return frame_bytes;
    }
    let Ok(compressed) = enc.finish() else {
        return frame_bytes;
    };
    let mut body = Vec::with_capacity(compressed.len() + 8);
    body.extend_from_slice(&(frame_bytes.len() as u64).to_be_bytes());
    body.extend_from_slice(&compressed);
    frame(PROTO_COMPRESSED, &body)
}

/// Compresses each proto frame of `frames` separately (the client inflates frame by frame).
pub fn compress_frames(frames: Vec<u8>, compress: bool) -> Vec<u8> {
    if !compress {
        return frames;
    }
    let mut out = Vec::with_capacity(frames.len() / 2);
    let mut rest = frames.as_slice();
    while rest.len() >= 8 {
        let (_, _, size) = decode_proto_header(rest[..8].try_into().unwrap_or([0; 8]));
        let end = (8 + size).min(rest.len());
        out.extend_from_slice(&maybe_compress(rest[..end].to_vec(), true));
        rest = &rest[end..];
    }
    out
}

/// Decompresses a type-4 body (u64 size + zlib of a whole proto frame) into the inner frame.
pub fn decompress(body: &[u8]) -> Result<Vec<u8>, WireError> {
    use std::io::Read;
    let mut r = Reader::new(body);
    let declared = r.u64()? as usize;
    if declared > MAX_BODY + 8 {
        return Err(WireError::Malformed(format!(
            "compressed message declares {declared} bytes"
        )));
    }
    let data = r.bytes(r.remaining())?;
    let mut out = Vec::with_capacity(declared.min(1 << 20));
    flate2::read::ZlibDecoder::new(data)
        .take(declared as u64)
        .read_to_end(&mut out)
        .map_err(|e| WireError::Malformed(format!("bad zlib data: {e}")))?;
    if out.len() != declared {
        return Err(WireError::Malformed(format!(
            "compressed message declared {declared} bytes, inflated to {}",
            out.len()
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Msg {
        Msg {
            header: MsgHeader {
                info1: info1::READ,
                generation: 7,
                ..MsgHeader::default()
            },
            fields: vec![Field {
                ftype: field::NAMESPACE,
                data: b"test".to_vec(),
            }],
            ops: vec![Op {
                op: op::WRITE,
                ptype: particle::INTEGER,
                name: "a".into(),
                value: 5i64.to_be_bytes().to_vec(),
            }],
        }
    }

    #[test]
    fn encode_then_parse_round_trips() {
        let m = sample();
        let mut body = Vec::new();
        encode_msg(&mut body, &m.header, &m.fields, &m.ops);
        assert_eq!(parse_msg(&body).unwrap(), m);
    }

    #[test]
    fn truncated_message_is_an_error() {
        let m = sample();
        let mut body = Vec::new();
        encode_msg(&mut body, &m.header, &m.fields, &m.ops);
        for cut in 0..body.len() {
            assert!(parse_msg(&body[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn compression_round_trips() {
        let payload = frame(PROTO_MSG, &vec![7u8; 4000]);
        let c = maybe_compress(payload.clone(), true);
        let (_, t, size) = decode_proto_header(c[..8].try_into().unwrap());
        assert_eq!(t, PROTO_COMPRESSED);
        assert_eq!(decompress(&c[8..8 + size]).unwrap(), payload);
    }

    #[test]
    fn each_stream_frame_is_compressed_on_its_own() {
        let a = frame(PROTO_MSG, &vec![1u8; 3000]);
        let b = frame(PROTO_MSG, &vec![2u8; 5000]);
        let out = compress_frames([a.clone(), b.clone()].concat(), true);
        let mut rest = out.as_slice();
        let mut inflated = Vec::new();
        while !rest.is_empty() {
            let (_, t, size) = decode_proto_header(rest[..8].try_into().unwrap());
            assert_eq!(t, PROTO_COMPRESSED);
            inflated.push(decompress(&rest[8..8 + size]).unwrap());
            rest = &rest[8 + size..];
        }
        assert_eq!(inflated, vec![a.clone(), b]);
        assert_eq!(compress_frames(a.clone(), false), a);
    }

    proptest! {
        #[test]
        fn parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_msg(&bytes);
            let _ = decompress(&bytes);
        }

        #[test]
        fn parser_never_panics_on_valid_prefix(tail in proptest::collection::vec(any::<u8>(), 0..256)) {
            let mut body = vec![22u8, 1, 0, 0, 0, 0, 0,0,0,0, 0,0,0,0, 0,0,0,0, 0, 3, 0, 2];
            body.extend(tail);
            let _ = parse_msg(&body);
        }
    }
}
