//! Scans and queries by partition, with `max_records` and resumable digest cursors.
//!
//! The client sends the partitions to read in full (`PID_ARRAY`) and the partitions to resume
//! after a digest (`DIGEST_ARRAY`). Records are streamed in digest order within each
//! partition; a partition the node finished gets a `PARTITION_DONE` message (its id in the
//! generation slot); a partition the node does not own gets a `PARTITION_DONE` message with
//! result code 11 so the client retries it elsewhere. When `max_records` is reached the stream
//! simply ends: the client resumes later from the last digest it received.

use std::ops::Bound;

use crate::expr::{self, RecCtx};
use crate::particle::partition_of;
use crate::sindex::{Collection, RangeFilter};
use crate::state::{ClusterState, QueryJob};
use crate::store::{PARTITIONS, now_cl_secs};
use crate::wire::{Field, Msg, MsgHeader, Op, field, info1, info2, info3, op, rc};

use super::{StreamWriter, stream_error};

/// Partitions to read: (partition id, resume-after digest).
pub fn requested_partitions(msg: &Msg) -> Vec<(usize, Option<[u8; 20]>)> {
    let mut out = Vec::new();
    if let Some(pids) = msg.field(field::PID_ARRAY) {
        for c in pids.chunks_exact(2) {
            let pid = u16::from_le_bytes([c[0], c[1]]) as usize;
            if pid < PARTITIONS {
                out.push((pid, None));
            }
        }
    }
    if let Some(digests) = msg.field(field::DIGEST_ARRAY) {
        for c in digests.chunks_exact(20) {
            let mut d = [0u8; 20];
            d.copy_from_slice(c);
            out.push((partition_of(&d) as usize, Some(d)));
        }
    }
    out
}

/// Handles a scan or query.
pub fn handle(st: &mut ClusterState, node: usize, peer: &str, msg: &Msg) -> Vec<u8> {
    let Some(ns_name) = msg.field_str(field::NAMESPACE) else {
        return stream_error(rc::PARAMETER);
    };
    if !st.store.namespaces.contains_key(&ns_name) {
        return stream_error(rc::INVALID_NAMESPACE);
    }
    if msg.field(field::UDF_OP).is_some()
        || msg.field(field::WHERE).is_some()
        || msg.header.info2 & info2::WRITE != 0
    {
        // Aggregations, background UDF/ops jobs and query plans are not implemented.
        return stream_error(rc::UNSUPPORTED_FEATURE);
    }
    let set = msg.field_str(field::SET).unwrap_or_default();
    let filter = match msg.field(field::FILTER_EXP).map(expr::parse) {
        None => None,
        Some(Ok(e)) => Some(e),
        Some(Err(_)) => return stream_error(rc::PARAMETER),
    };
    // Secondary-index filter.
    let mut index = None;
    if let Some(range) = msg.field(field::INDEX_RANGE) {
        let Ok(f) = RangeFilter::decode(range) else {
            return stream_error(rc::PARAMETER);
        };
        let want_ctx = msg.field(field::INDEX_CONTEXT).map(<[u8]>::to_vec);
        let want_exp = msg.field(field::INDEX_EXPRESSION).map(<[u8]>::to_vec);
        let collection = msg
            .field(field::INDEX_TYPE)
            .and_then(|d| d.first())
            .map_or(Collection::Default, |b| Collection::from_wire(*b));
        let by_name = msg.field_str(field::INDEX_NAME);
        let found = st.sindexes.values().find(|i| {
            i.ns == ns_name
                && match &by_name {
                    Some(n) => &i.name == n,
                    None => {
                        Some(i.itype) == f.index_type()
                            && i.collection == collection
                            && i.context_bytes() == want_ctx
                            && match &want_exp {
                                Some(e) => i.exp_bytes().as_ref() == Some(e),
                                None => i.exp.is_none() && i.bin == f.bin,
                            }
                    }
                }
        });
        let Some(idx) = found.cloned() else {
            return stream_error(rc::INDEX_NOT_FOUND);
        };
        if st
            .sindex_builds
            .get(&(idx.ns.clone(), idx.name.clone()))
            .is_some_and(|pct| *pct < 100)
        {
            // The server refuses queries on an index that is still being built.
            return stream_error(rc::INDEX_NOT_READABLE);
        }
        index = Some((idx, f));
    }
    let mut parts = requested_partitions(msg);
    if msg.field(field::PID_ARRAY).is_none() && msg.field(field::DIGEST_ARRAY).is_none() {
        parts = (0..PARTITIONS)
            .filter(|p| st.is_master(node, *p))
            .map(|p| (p, None))
            .collect();
    }
    let max_records = msg
        .field(field::MAX_RECORDS)
        .and_then(|d| <[u8; 8]>::try_from(d).ok())
        .map_or(0, u64::from_be_bytes);
    let no_bins = msg.header.info1 & info1::NOBINDATA != 0;
    let wanted: Vec<&str> = msg
        .ops
        .iter()
        .filter(|o| o.op == op::READ && !o.name.is_empty())
        .map(|o| o.name.as_str())
        .collect();
    let masters = st.master_map(node);
    let now = now_cl_secs();
    let mut w = StreamWriter::default();
    let mut sent: u64 = 0;
    let Some(ns) = st.store.namespaces.get(&ns_name) else {
        return stream_error(rc::INVALID_NAMESPACE);
    };
    'parts: for (pid, resume) in &parts {
        if !masters[*pid] {
            let h = MsgHeader {
                info3: info3::PARTITION_DONE,
                result_code: rc::PARTITION_UNAVAILABLE,
                generation: *pid as u32,
                ..MsgHeader::default()
            };
            w.push(&h, &[], &[]);
            continue;
        }
        let lower = match resume {
            Some(d) => Bound::Excluded(*d),
            None => Bound::Unbounded,
        };
        for (digest, rec) in ns.partitions[*pid].range((lower, Bound::Unbounded)) {
            if max_records > 0 && sent >= max_records {
                break 'parts;
            }
            if rec.expired(now) || (!set.is_empty() && rec.set != set) {
                continue;
            }
            if let Some((idx, f)) = &index
                && !idx.values_at(rec, digest).iter().any(|v| f.accepts(v))
            {
                continue;
            }
            if let Some(e) = &filter
                && !expr::passes(e, RecCtx { rec, digest })
            {
                continue;
            }
            let mut fields = vec![
                Field {
                    ftype: field::NAMESPACE,
                    data: ns_name.as_bytes().to_vec(),
                },
                Field {
                    ftype: field::DIGEST,
                    data: digest.to_vec(),
                },
            ];
            if !rec.set.is_empty() {
                fields.push(Field {
                    ftype: field::SET,
                    data: rec.set.as_bytes().to_vec(),
                });
            }
            if let Some((t, k)) = &rec.key {
                let mut data = vec![*t];
                data.extend_from_slice(k);
                fields.push(Field {
                    ftype: field::KEY,
                    data,
                });
            }
            let ops: Vec<Op> = if no_bins {
                Vec::new()
            } else {
                rec.bins
                    .iter()
                    .filter(|(n, _)| wanted.is_empty() || wanted.contains(&n.as_str()))
                    .map(|(n, p)| Op {
                        op: op::READ,
                        ptype: p.ptype,
                        name: n.clone(),
                        value: p.data.clone(),
                    })
                    .collect()
            };
            let h = MsgHeader {
                generation: rec.generation,
                record_ttl: rec.void_time,
                ..MsgHeader::default()
            };
            w.push(&h, &fields, &ops);
            sent += 1;
        }
        let h = MsgHeader {
            info3: info3::PARTITION_DONE,
            generation: *pid as u32,
            ..MsgHeader::default()
        };
        w.push(&h, &[], &[]);
    }
    let trid = msg
        .field(field::QUERY_ID)
        .and_then(|d| <[u8; 8]>::try_from(d).ok())
        .map_or(0, u64::from_be_bytes);
    if let Some(n) = st.nodes.get_mut(node) {
        let stat = if index.is_some() {
            "si_query_long_basic_complete"
        } else {
            "pi_query_long_basic_complete"
        };
        n.bump_ns(&ns_name, stat);
        n.jobs.push(QueryJob {
            trid,
            ns: ns_name.clone(),
            set,
            sindex: index.as_ref().map(|(i, _)| i.name.clone()),
            recs_succeeded: sent,
            n_pids: parts.len(),
            from: peer.replace(':', "+"),
        });
        if n.jobs.len() > 100 {
            n.jobs.remove(0);
        }
    }
    w.finish(rc::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_come_from_pid_and_digest_arrays() {
        let mut d = [0u8; 20];
        d[0] = 5;
        let msg = Msg {
            fields: vec![
                Field {
                    ftype: field::PID_ARRAY,
                    data: vec![1, 0, 0xff, 0xff, 2],
                },
                Field {
                    ftype: field::DIGEST_ARRAY,
                    data: d.to_vec(),
                },
            ],
            ..Msg::default()
        };
        assert_eq!(requested_partitions(&msg), vec![(1, None), (5, Some(d))]);
    }
}
