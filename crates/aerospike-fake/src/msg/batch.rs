//! Batch requests (`BATCH_INDEX` field): reads, writes, deletes and operate rows.
//!
//! Row layout: `u32 index, digest[20], u8 flags`; then, unless `REPEAT` (reuse the previous
//! row), `INFO` gives `read_attr, write_attr, info_attr`, `INFO4` one more byte, `GEN` a u16
//! generation, `TTL` a u32 TTL, followed by `u16 n_fields, u16 n_ops`, fields and ops. Each
//! row is answered with one message whose `txn_ttl` slot carries the row index.

use crate::particle::partition_of;
use crate::state::ClusterState;
use crate::wire::{self, Field, Msg, MsgHeader, Op, Reader, WireError, field, rc};

use super::record::{self, RecordRequest};
use super::{StreamWriter, digest_field, key_field, stream_error};

const REPEAT: u8 = 0x1;
const INFO: u8 = 0x2;
const GEN: u8 = 0x4;
const TTL: u8 = 0x8;
const INFO4: u8 = 0x10;

/// One decoded batch row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Row index in the client's request.
    pub index: u32,
    /// Digest.
    pub digest: [u8; 20],
    /// Header flags / generation / TTL.
    pub header: MsgHeader,
    /// Fields.
    pub fields: Vec<Field>,
    /// Operations.
    pub ops: Vec<Op>,
}

/// Decodes the `BATCH_INDEX` field.
pub fn decode_rows(data: &[u8]) -> Result<Vec<Row>, WireError> {
    let mut r = Reader::new(data);
    let count = r.u32()? as usize;
    let _flags = r.u8()?;
    if count > data.len() / 25 + 1 {
        return Err(WireError::Malformed(format!(
            "batch declares {count} rows in {} bytes",
            data.len()
        )));
    }
    let mut rows: Vec<Row> = Vec::with_capacity(count);
    for _ in 0..count {
        let index = r.u32()?;
        let digest: [u8; 20] = r
            .bytes(20)?
            .try_into()
            .map_err(|_| WireError::Malformed("digest".into()))?;
        let flags = r.u8()?;
        if flags & REPEAT != 0 {
            let Some(prev) = rows.last() else {
                return Err(WireError::Malformed("first batch row cannot repeat".into()));
            };
            let mut row = prev.clone();
            row.index = index;
            row.digest = digest;
            rows.push(row);
            continue;
        }
        let mut header = MsgHeader::default();
        if flags & INFO != 0 {
            header.info1 = r.u8()?;
            header.info2 = r.u8()?;
            header.info3 = r.u8()?;
            if flags & INFO4 != 0 {
                header.info4 = r.u8()?;
            }
            if flags & GEN != 0 {
                header.generation = u32::from(r.u16()?);
            }
            if flags & TTL != 0 {
                header.record_ttl = r.u32()?;
            }
        } else {
            header.info1 = r.u8()?;
        }
        let n_fields = r.u16()? as usize;
        let n_ops = r.u16()? as usize;
        let fields = wire::read_fields(&mut r, n_fields)?;
        let ops = wire::read_ops(&mut r, n_ops)?;
        rows.push(Row {
            index,
            digest,
            header,
            fields,
            ops,
        });
    }
    Ok(rows)
}

fn row_field(row: &Row, ftype: u8) -> Option<&[u8]> {
    row.fields
        .iter()
        .find(|f| f.ftype == ftype)
        .map(|f| f.data.as_slice())
}

/// Handles a batch message.
pub fn handle(st: &mut ClusterState, node: usize, msg: &Msg) -> Vec<u8> {
    let Some(data) = msg.field(field::BATCH_INDEX) else {
        return stream_error(rc::PARAMETER);
    };
    let rows = match decode_rows(data) {
        Ok(r) => r,
        Err(_) => return stream_error(rc::PARAMETER),
    };
    if let Some(n) = st.nodes.get_mut(node) {
        n.bump("batch_index_initiate");
    }
    let outer_filter = msg.field(field::FILTER_EXP);
    let mut w = StreamWriter::default();
    for row in &rows {
        let ns = row_field(row, field::NAMESPACE)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default();
        let set = row_field(row, field::SET)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default();
        let digest = digest_field(row_field(row, field::DIGEST)).unwrap_or(row.digest);
        let reply = if !st.store.namespaces.contains_key(&ns) {
            record::RecordReply {
                rc: rc::INVALID_NAMESPACE,
                ..Default::default()
            }
        } else if !st.owners(partition_of(&digest) as usize).contains(&node) {
            record::RecordReply {
                rc: rc::PARTITION_UNAVAILABLE,
                ..Default::default()
            }
        } else {
            let req = RecordRequest {
                header: row.header,
                ns: &ns,
                set: &set,
                digest,
                key: key_field(row_field(row, field::KEY)),
                filter: row_field(row, field::FILTER_EXP).or(outer_filter),
                ops: &row.ops,
                udf: row_field(row, field::UDF_PACKAGE).is_some(),
            };
            record::execute(st, node, &req, "batch_sub")
        };
        let header = MsgHeader {
            result_code: reply.rc,
            generation: reply.generation,
            record_ttl: reply.void_time,
            txn_ttl: row.index,
            ..MsgHeader::default()
        };
        w.push(&header, &[], &reply.ops);
    }
    if let Some(n) = st.nodes.get_mut(node) {
        n.bump("batch_index_complete");
    }
    w.finish(rc::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row_bytes(index: u32, flags: u8) -> Vec<u8> {
        let mut out = index.to_be_bytes().to_vec();
        out.extend_from_slice(&[7u8; 20]);
        out.push(flags);
        out
    }

    #[test]
    fn decodes_info_rows_and_repeats() {
        let mut d = 2u32.to_be_bytes().to_vec();
        d.push(0x8);
        d.extend(row_bytes(0, INFO | TTL));
        d.extend_from_slice(&[1, 0, 0]);
        d.extend_from_slice(&0u32.to_be_bytes());
        d.extend_from_slice(&1u16.to_be_bytes());
        d.extend_from_slice(&0u16.to_be_bytes());
        d.extend_from_slice(&5u32.to_be_bytes());
        d.push(field::NAMESPACE);
        d.extend_from_slice(b"test");
        d.extend(row_bytes(1, REPEAT));
        let rows = decode_rows(&d).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].index, 1);
        assert_eq!(rows[1].fields, rows[0].fields);
        assert_eq!(rows[0].header.info1, 1);
    }

    #[test]
    fn repeat_without_previous_row_is_refused() {
        let mut d = 1u32.to_be_bytes().to_vec();
        d.push(0);
        d.extend(row_bytes(0, REPEAT));
        assert!(decode_rows(&d).is_err());
    }

    proptest! {
        #[test]
        fn batch_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_rows(&bytes);
        }
    }
}
