//! Data-message handling (proto type 3): dispatch to single-record, batch and scan/query.

pub mod batch;
pub mod query;
pub mod record;

use crate::particle::partition_of;
use crate::scenario::MsgKind;
use crate::state::ClusterState;
use crate::wire::{self, Field, Msg, MsgHeader, Op, field, info1, info2, rc};

use record::{RecordReply, RecordRequest};

/// Largest body of one reply frame before a stream starts a new frame.
pub const STREAM_CHUNK: usize = 512 * 1024;

/// The admin (security) reply CE sends to every admin message: result 51.
pub fn admin_reply() -> Vec<u8> {
    let mut body = [0u8; 16];
    body[1] = rc::SECURITY_NOT_SUPPORTED;
    wire::frame(wire::PROTO_ADMIN, &body)
}

/// Which kind of request a message is (for failures, latency and counters).
pub fn kind_of(msg: &Msg) -> MsgKind {
    if msg.header.info1 & info1::BATCH != 0 || msg.field(field::BATCH_INDEX).is_some() {
        MsgKind::Batch
    } else if is_query(msg) {
        MsgKind::Query
    } else if msg.header.info2 & (info2::WRITE | info2::DELETE) != 0 {
        MsgKind::Write
    } else {
        MsgKind::Read
    }
}

/// The `latencies` histogram a data request counts in, named as CE 8.1 names them.
pub fn latency_histogram(msg: &Msg) -> String {
    let ns = msg.field_str(field::NAMESPACE).unwrap_or_default();
    match kind_of(msg) {
        MsgKind::Batch => "batch-index".to_string(),
        MsgKind::Query if msg.field(field::INDEX_RANGE).is_some() => format!("{{{ns}}}-si-query"),
        MsgKind::Query => format!("{{{ns}}}-pi-query"),
        _ if msg.field(field::UDF_OP).is_some() || msg.field(field::UDF_PACKAGE).is_some() => {
            format!("{{{ns}}}-udf")
        }
        MsgKind::Write => format!("{{{ns}}}-write"),
        MsgKind::Read => format!("{{{ns}}}-read"),
    }
}

fn is_query(msg: &Msg) -> bool {
    msg.fields.iter().any(|f| {
        matches!(
            f.ftype,
            field::QUERY_ID | field::PID_ARRAY | field::DIGEST_ARRAY | field::INDEX_RANGE
        )
    })
}

/// Handles one data message and returns the full reply (one or more proto frames,
/// uncompressed).
pub fn handle(st: &mut ClusterState, node: usize, peer: &str, msg: &Msg) -> Vec<u8> {
    let kind = kind_of(msg);
    if let Some(code) = st.scenario.take_msg_failure(kind) {
        return match kind {
            MsgKind::Batch | MsgKind::Query => stream_error(code),
            _ => wire::simple_reply(code, 0, 0),
        };
    }
    if msg.field(field::MRT_ID).is_some() {
        // Multi-record transactions need strong consistency, which CE does not have.
        return wire::simple_reply(rc::ENTERPRISE_ONLY, 0, 0);
    }
    match kind {
        MsgKind::Batch => batch::handle(st, node, msg),
        MsgKind::Query => query::handle(st, node, peer, msg),
        MsgKind::Read | MsgKind::Write => single(st, node, msg),
    }
}

/// A one-message stream reply carrying an error code and the LAST flag.
pub fn stream_error(code: u8) -> Vec<u8> {
    let mut body = Vec::new();
    let header = MsgHeader {
        info3: wire::info3::LAST,
        result_code: code,
        ..MsgHeader::default()
    };
    wire::encode_msg(&mut body, &header, &[], &[]);
    wire::frame(wire::PROTO_MSG, &body)
}

/// Extracts the stored-key field (particle type byte + bytes).
pub fn key_field(data: Option<&[u8]>) -> Option<(u8, Vec<u8>)> {
    let d = data?;
    let (t, rest) = d.split_first()?;
    Some((*t, rest.to_vec()))
}

/// Reads a 20-byte digest field.
pub fn digest_field(data: Option<&[u8]>) -> Option<[u8; 20]> {
    data.and_then(|d| <[u8; 20]>::try_from(d).ok())
}

fn single(st: &mut ClusterState, node: usize, msg: &Msg) -> Vec<u8> {
    let (Some(ns), Some(digest)) = (
        msg.field_str(field::NAMESPACE),
        digest_field(msg.field(field::DIGEST)),
    ) else {
        return wire::simple_reply(rc::PARAMETER, 0, 0);
    };
    if !st.store.namespaces.contains_key(&ns) {
        return wire::simple_reply(rc::INVALID_NAMESPACE, 0, 0);
    }
    let pid = partition_of(&digest) as usize;
    if !st.owners(pid).contains(&node) {
        return wire::simple_reply(rc::PARTITION_UNAVAILABLE, 0, 0);
    }
    let set = msg.field_str(field::SET).unwrap_or_default();
    let req = RecordRequest {
        header: msg.header,
        ns: &ns,
        set: &set,
        digest,
        key: key_field(msg.field(field::KEY)),
        filter: msg.field(field::FILTER_EXP),
        ops: &msg.ops,
        udf: msg.field(field::UDF_PACKAGE).is_some(),
    };
    let reply = record::execute(st, node, &req, "client");
    encode_single(&reply)
}

/// Encodes a single-record reply frame.
pub fn encode_single(reply: &RecordReply) -> Vec<u8> {
    let mut body = Vec::new();
    let header = MsgHeader {
        result_code: reply.rc,
        generation: reply.generation,
        record_ttl: reply.void_time,
        ..MsgHeader::default()
    };
    wire::encode_msg(&mut body, &header, &[], &reply.ops);
    wire::frame(wire::PROTO_MSG, &body)
}

/// Accumulates stream messages into proto frames of bounded size.
#[derive(Debug, Default)]
pub struct StreamWriter {
    out: Vec<u8>,
    body: Vec<u8>,
}

impl StreamWriter {
    /// Appends one message.
    pub fn push(&mut self, header: &MsgHeader, fields: &[Field], ops: &[Op]) {
        wire::encode_msg(&mut self.body, header, fields, ops);
        if self.body.len() >= STREAM_CHUNK {
            self.flush();
        }
    }
    fn flush(&mut self) {
        if !self.body.is_empty() {
            self.out
                .extend_from_slice(&wire::frame(wire::PROTO_MSG, &self.body));
            self.body.clear();
        }
    }
    /// Appends the LAST message with `code` and returns every frame.
    pub fn finish(mut self, code: u8) -> Vec<u8> {
        let header = MsgHeader {
            info3: wire::info3::LAST,
            result_code: code,
            ..MsgHeader::default()
        };
        wire::encode_msg(&mut self.body, &header, &[], &[]);
        self.flush();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_reply_matches_the_ce_capture() {
        let hex: String = admin_reply().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "020200000000001000330000000000000000000000000000");
    }

    #[test]
    fn stream_writer_ends_with_last() {
        let mut w = StreamWriter::default();
        w.push(&MsgHeader::default(), &[], &[]);
        let out = w.finish(0);
        let (_, t, size) = wire::decode_proto_header(out[..8].try_into().unwrap());
        assert_eq!(t, wire::PROTO_MSG);
        assert_eq!(size, 44);
        assert_eq!(out[8 + 22 + 3], wire::info3::LAST);
    }
}
