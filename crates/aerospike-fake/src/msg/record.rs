//! Single-record execution: get / exists / put / add / append / prepend / touch / delete /
//! operate, with generation, TTL, record-exists policies and filter expressions. Shared by
//! single-record requests and batch rows.

use crate::cdt;
use crate::expr::{self, RecCtx};
use crate::particle::{Particle, Value};
use crate::state::ClusterState;
use crate::store::{MAX_BIN_NAME, Record, now_cl_millis, void_time_for};
use crate::wire::{MsgHeader, Op, info1, info2, info3, op, particle as pt, rc};

/// One record request, from a single message or a batch row.
#[derive(Debug, Clone)]
pub struct RecordRequest<'a> {
    /// Header flags, expected generation and TTL.
    pub header: MsgHeader,
    /// Namespace.
    pub ns: &'a str,
    /// Set.
    pub set: &'a str,
    /// Digest.
    pub digest: [u8; 20],
    /// User key to store, if sent.
    pub key: Option<(u8, Vec<u8>)>,
    /// Filter expression bytes.
    pub filter: Option<&'a [u8]>,
    /// Operations.
    pub ops: &'a [Op],
    /// Whether the request asks to run a UDF.
    pub udf: bool,
}

/// The outcome of a record request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordReply {
    /// Result code.
    pub rc: u8,
    /// Record generation.
    pub generation: u32,
    /// Void time (Aerospike epoch seconds, 0 = never).
    pub void_time: u32,
    /// Returned bins / op results.
    pub ops: Vec<Op>,
}

impl RecordReply {
    fn code(rc: u8) -> Self {
        Self {
            rc,
            ..Self::default()
        }
    }
}

/// Message shown to clients that try to run a UDF.
pub const UDF_UNSUPPORTED: &str =
    "UDF execution is not supported by aerospike-fake (a test and demo tool); use a real server";

fn bin_op(name: &str, v: &Value) -> Op {
    let (ptype, value) = v.to_particle();
    Op {
        op: op::READ,
        ptype,
        name: name.to_string(),
        value,
    }
}

fn particle_op(name: &str, p: &Particle) -> Op {
    Op {
        op: op::READ,
        ptype: p.ptype,
        name: name.to_string(),
        value: p.data.clone(),
    }
}

fn nil_op(name: &str) -> Op {
    Op {
        op: op::READ,
        ptype: pt::NULL,
        name: name.to_string(),
        value: Vec::new(),
    }
}

fn is_write_op(code: u8) -> bool {
    matches!(
        code,
        op::WRITE
            | op::CDT_MODIFY
            | op::INCR
            | op::EXP_WRITE
            | op::APPEND
            | op::PREPEND
            | op::TOUCH
            | op::DELETE
            | 13
            | 16
            | 18
    )
}

/// Executes one record request against the shared store. `prefix` selects the counters
/// (`client` or `batch_sub`).
pub fn execute(
    st: &mut ClusterState,
    node: usize,
    req: &RecordRequest<'_>,
    prefix: &str,
) -> RecordReply {
    let h = &req.header;
    let is_delete = h.info2 & info2::DELETE != 0;
    let is_write = h.info2 & info2::WRITE != 0 || is_delete;
    let kind = if req.udf {
        "udf"
    } else if is_delete && req.ops.is_empty() {
        "delete"
    } else if is_write {
        "write"
    } else {
        "read"
    };
    let reply = execute_inner(st, req, is_write, is_delete);
    let outcome = match reply.rc {
        rc::OK => match kind {
            "udf" => "complete",
            _ => "success",
        },
        rc::KEY_NOT_FOUND if kind == "read" || kind == "delete" => "not_found",
        rc::FILTERED_OUT => "filtered_out",
        _ => "error",
    };
    let stat = format!("{prefix}_{kind}_{outcome}");
    if let Some(n) = st.nodes.get_mut(node) {
        n.bump_ns(req.ns, &stat);
    }
    reply
}

fn execute_inner(
    st: &mut ClusterState,
    req: &RecordRequest<'_>,
    is_write: bool,
    is_delete: bool,
) -> RecordReply {
    if req.udf {
        return RecordReply {
            rc: rc::UDF_BAD_RESPONSE,
            ops: vec![bin_op("FAILURE", &Value::Str(UDF_UNSUPPORTED.into()))],
            ..RecordReply::default()
        };
    }
    let filter = match req.filter.map(expr::parse) {
        None => None,
        Some(Ok(e)) => Some(e),
        Some(Err(_)) => return RecordReply::code(rc::PARAMETER),
    };
    let Some(ns) = st.store.namespaces.get_mut(req.ns) else {
        return RecordReply::code(rc::INVALID_NAMESPACE);
    };
    let default_ttl = ns.default_ttl();
    let existing = ns.get(&req.digest).cloned();
    if let (Some(f), Some(rec)) = (&filter, &existing)
        && !expr::passes(
            f,
            RecCtx {
                rec,
                digest: &req.digest,
            },
        )
    {
        return RecordReply::code(rc::FILTERED_OUT);
    }
    let h = &req.header;
    if !is_write {
        let Some(rec) = existing else {
            return RecordReply::code(rc::KEY_NOT_FOUND);
        };
        return read_reply(&rec, req);
    }
    // Existence policies.
    let exists = existing.is_some();
    if h.info2 & info2::CREATE_ONLY != 0 && exists {
        return RecordReply::code(rc::KEY_EXISTS);
    }
    if h.info3 & (info3::UPDATE_ONLY | info3::REPLACE_ONLY) != 0 && !exists {
        return RecordReply::code(rc::KEY_NOT_FOUND);
    }
    if let Some(rec) = &existing {
        if h.info2 & info2::GENERATION != 0 && rec.generation != h.generation {
            return RecordReply::code(rc::GENERATION);
        }
        if h.info2 & info2::GENERATION_GT != 0 && h.generation <= rec.generation {
            return RecordReply::code(rc::GENERATION);
        }
    }
    if is_delete && req.ops.is_empty() {
        return if ns.remove(&req.digest) {
            RecordReply::code(rc::OK)
        } else {
            RecordReply::code(rc::KEY_NOT_FOUND)
        };
    }
    let mut rec = existing.clone().unwrap_or_else(|| Record::new(req.set));
    if h.info3 & (info3::CREATE_OR_REPLACE | info3::REPLACE_ONLY) != 0 {
        rec.bins.clear();
    }
    let respond_all = h.info2 & info2::RESPOND_ALL_OPS != 0;
    let mut results = Vec::new();
    for o in req.ops {
        if o.name.len() > MAX_BIN_NAME {
            return RecordReply::code(rc::BIN_NAME_TOO_LONG);
        }
        let live = exists || !rec.bins.is_empty();
        match apply_op(&mut rec, o, live, &req.digest) {
            Ok(OpEffect::Result(v)) => {
                if !matches!(v, Value::Nil) || respond_all {
                    results.push(bin_op(&o.name, &v));
                }
            }
            Ok(OpEffect::Silent) => {
                if respond_all {
                    results.push(nil_op(&o.name));
                }
            }
            Ok(OpEffect::DeleteRecord) => {
                rec.bins.clear();
                if respond_all {
                    results.push(nil_op(&o.name));
                }
            }
            Err(code) => return RecordReply::code(code),
        }
    }
    let any_write = req.ops.iter().any(|o| is_write_op(o.op));
    if !any_write {
        // A write message carrying only reads (rare): answer like a read.
        return match existing {
            Some(_) => RecordReply {
                rc: rc::OK,
                generation: rec.generation,
                void_time: rec.void_time,
                ops: results,
            },
            None => RecordReply::code(rc::KEY_NOT_FOUND),
        };
    }
    if rec.bins.is_empty() {
        // No bins left (explicit delete op, or only nil writes): the record goes away.
        ns.remove(&req.digest);
        return RecordReply {
            rc: rc::OK,
            ops: results,
            ..RecordReply::default()
        };
    }
    rec.generation = if rec.generation >= 0xFFFF {
        1
    } else {
        rec.generation + 1
    };
    rec.void_time = void_time_for(
        h.record_ttl,
        default_ttl,
        existing.as_ref().map(|r| r.void_time),
    );
    rec.last_update_ms = now_cl_millis();
    if let Some(k) = &req.key {
        rec.key = Some(k.clone());
    }
    let reply = RecordReply {
        rc: rc::OK,
        generation: rec.generation,
        void_time: rec.void_time,
        ops: if h.info1 & info1::GET_ALL != 0 {
            rec.bins.iter().map(|(n, p)| particle_op(n, p)).collect()
        } else {
            results
        },
    };
    ns.put(req.digest, rec);
    reply
}

fn read_reply(rec: &Record, req: &RecordRequest<'_>) -> RecordReply {
    let h = &req.header;
    let mut out = RecordReply {
        rc: rc::OK,
        generation: rec.generation,
        void_time: rec.void_time,
        ops: Vec::new(),
    };
    if h.info1 & info1::NOBINDATA != 0 && h.info1 & info1::GET_ALL == 0 {
        return out;
    }
    let named_reads = req
        .ops
        .iter()
        .any(|o| o.op == op::READ && !o.name.is_empty());
    if h.info1 & info1::GET_ALL != 0 || (req.ops.is_empty() && !named_reads) {
        out.ops = rec.bins.iter().map(|(n, p)| particle_op(n, p)).collect();
        return out;
    }
    let respond_all = h.info2 & info2::RESPOND_ALL_OPS != 0;
    let mut scratch = rec.clone();
    for o in req.ops {
        match apply_op(&mut scratch, o, true, &req.digest) {
            Ok(OpEffect::Result(v)) => {
                if !matches!(v, Value::Nil) || respond_all {
                    out.ops.push(bin_op(&o.name, &v));
                }
            }
            Ok(_) => {}
            Err(code) => return RecordReply::code(code),
        }
    }
    out
}

enum OpEffect {
    Result(Value),
    Silent,
    DeleteRecord,
}

fn apply_op(rec: &mut Record, o: &Op, exists: bool, digest: &[u8; 20]) -> Result<OpEffect, u8> {
    match o.op {
        op::READ => {
            if o.name.is_empty() {
                return Ok(OpEffect::Silent);
            }
            Ok(OpEffect::Result(
                rec.bin(&o.name).map_or(Value::Nil, Particle::value),
            ))
        }
        op::WRITE => {
            rec.set_bin(
                &o.name,
                Particle {
                    ptype: o.ptype,
                    data: o.value.clone(),
                },
            );
            Ok(OpEffect::Silent)
        }
        op::INCR => {
            let delta = Value::from_particle(o.ptype, &o.value);
            if !matches!(delta, Value::Int(_) | Value::Float(_)) {
                return Err(rc::PARAMETER);
            }
            let new = match rec.bin(&o.name).map(Particle::value) {
                None => delta,
                Some(cur) => cdt::add_values(&cur, &delta)?,
            };
            rec.set_bin(&o.name, Particle::from_value(&new));
            Ok(OpEffect::Silent)
        }
        op::APPEND | op::PREPEND => {
            let add = Value::from_particle(o.ptype, &o.value);
            let new = match (rec.bin(&o.name).map(Particle::value), add) {
                (None, v @ (Value::Str(_) | Value::Blob(_))) => v,
                (Some(Value::Str(cur)), Value::Str(a)) => Value::Str(if o.op == op::APPEND {
                    cur + &a
                } else {
                    a + &cur
                }),
                (Some(Value::Blob(cur)), Value::Blob(a)) => Value::Blob(if o.op == op::APPEND {
                    [cur, a].concat()
                } else {
                    [a, cur].concat()
                }),
                (None, _) => return Err(rc::PARAMETER),
                _ => return Err(rc::BIN_TYPE),
            };
            rec.set_bin(&o.name, Particle::from_value(&new));
            Ok(OpEffect::Silent)
        }
        op::TOUCH => {
            if exists {
                Ok(OpEffect::Silent)
            } else {
                Err(rc::KEY_NOT_FOUND)
            }
        }
        op::DELETE => Ok(OpEffect::DeleteRecord),
        op::CDT_READ | op::CDT_MODIFY => {
            let cur = rec.bin(&o.name).map(Particle::value);
            let out = cdt::apply(&o.value, cur.as_ref())?;
            if o.op == op::CDT_MODIFY
                && let Some(new) = out.new_bin
            {
                rec.set_bin(&o.name, Particle::from_value(&new));
            }
            Ok(OpEffect::Result(out.result))
        }
        op::EXP_READ => {
            // Payload: msgpack [expression, flags].
            let Some(Value::List(_)) = crate::particle::decode_msgpack(&o.value) else {
                return Err(rc::PARAMETER);
            };
            let mut rd = o.value.as_slice();
            let parts =
                rmpv::decode::read_value_with_max_depth(&mut rd, 64).map_err(|_| rc::PARAMETER)?;
            let Some(first) = parts.as_array().and_then(|a| a.first()) else {
                return Err(rc::PARAMETER);
            };
            let mut bytes = Vec::new();
            rmpv::encode::write_value(&mut bytes, first).map_err(|_| rc::PARAMETER)?;
            let e = expr::parse(&bytes).map_err(|_| rc::PARAMETER)?;
            Ok(OpEffect::Result(
                expr::eval(&e, RecCtx { rec, digest }).unwrap_or(Value::Nil),
            ))
        }
        _ => Err(rc::PARAMETER),
    }
}
