//! Particles (bin values on the wire) and their msgpack (CDT) encoding.
//!
//! Bins are stored exactly as received (`Particle`), so every type comes back byte for byte.
//! `Value` is the decoded form used by arithmetic, CDT operations, expressions and indexes.

use std::cmp::Ordering;

use crate::wire::particle as pt;

/// A stored bin value: particle type plus its wire bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Particle {
    /// Particle type.
    pub ptype: u8,
    /// Wire bytes.
    pub data: Vec<u8>,
}

impl Particle {
    /// Builds a particle from a value.
    pub fn from_value(v: &Value) -> Self {
        let (ptype, data) = v.to_particle();
        Self { ptype, data }
    }
    /// Decodes the particle.
    pub fn value(&self) -> Value {
        Value::from_particle(self.ptype, &self.data)
    }
}

/// A decoded value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nil / absent.
    Nil,
    /// Integer.
    Int(i64),
    /// Float.
    Float(f64),
    /// String.
    Str(String),
    /// Bytes.
    Blob(Vec<u8>),
    /// Boolean.
    Bool(bool),
    /// GeoJSON text.
    Geo(String),
    /// List.
    List(Vec<Value>),
    /// Map as ordered entries.
    Map(Vec<(Value, Value)>),
    /// A type the fake keeps opaque (HLL, unknown): type + raw bytes.
    Raw(u8, Vec<u8>),
}

impl Value {
    /// Decodes wire bytes of a particle type. Undecodable CDT bytes become `Raw`.
    pub fn from_particle(ptype: u8, data: &[u8]) -> Value {
        match ptype {
            pt::NULL => Value::Nil,
            pt::INTEGER => Value::Int(be_i64(data)),
            pt::FLOAT => {
                let mut a = [0u8; 8];
                let n = data.len().min(8);
                a[8 - n..].copy_from_slice(&data[..n]);
                Value::Float(f64::from_be_bytes(a))
            }
            pt::STRING => Value::Str(String::from_utf8_lossy(data).into_owned()),
            pt::BLOB => Value::Blob(data.to_vec()),
            pt::BOOL => Value::Bool(data.first().is_some_and(|b| *b != 0)),
            pt::GEOJSON => Value::Geo(geo_text(data)),
            pt::LIST | pt::MAP => match decode_msgpack(data) {
                Some(v) => v,
                None => Value::Raw(ptype, data.to_vec()),
            },
            other => Value::Raw(other, data.to_vec()),
        }
    }

    /// Encodes to (particle type, wire bytes).
    pub fn to_particle(&self) -> (u8, Vec<u8>) {
        match self {
            Value::Nil => (pt::NULL, Vec::new()),
            Value::Int(i) => (pt::INTEGER, i.to_be_bytes().to_vec()),
            Value::Float(f) => (pt::FLOAT, f.to_be_bytes().to_vec()),
            Value::Str(s) => (pt::STRING, s.as_bytes().to_vec()),
            Value::Blob(b) => (pt::BLOB, b.clone()),
            Value::Bool(b) => (pt::BOOL, vec![u8::from(*b)]),
            Value::Geo(s) => {
                let mut d = vec![0u8, 0, 0];
                d.extend_from_slice(s.as_bytes());
                (pt::GEOJSON, d)
            }
            Value::List(_) => (pt::LIST, self.to_msgpack()),
            Value::Map(_) => (pt::MAP, self.to_msgpack()),
            Value::Raw(t, b) => (*t, b.clone()),
        }
    }

    /// Particle type of this value.
    pub fn ptype(&self) -> u8 {
        self.to_particle().0
    }

    /// Encodes as Aerospike msgpack (strings carry a particle-type prefix byte).
    pub fn to_msgpack(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_msgpack(&mut out, self);
        out
    }

    /// Integer view.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Rank of the type in Aerospike's cross-type ordering.
    fn type_rank(&self) -> u8 {
        match self {
            Value::Nil => 1,
            Value::Bool(_) => 2,
            Value::Int(_) => 3,
            Value::Str(_) => 4,
            Value::List(_) => 5,
            Value::Map(_) => 6,
            Value::Blob(_) => 7,
            Value::Float(_) => 8,
            Value::Geo(_) => 9,
            Value::Raw(..) => 10,
        }
    }

    /// Total order used for CDT sorting and index ranges.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Float(a), Value::Float(b)) => a.total_cmp(b),
            (Value::Str(a), Value::Str(b)) | (Value::Geo(a), Value::Geo(b)) => a.cmp(b),
            (Value::Blob(a), Value::Blob(b)) | (Value::Raw(_, a), Value::Raw(_, b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    let c = x.total_cmp(y);
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Map(a), Value::Map(b)) => {
                let c = a.len().cmp(&b.len());
                if c != Ordering::Equal {
                    return c;
                }
                for ((ka, va), (kb, vb)) in a.iter().zip(b) {
                    let c = ka.total_cmp(kb).then_with(|| va.total_cmp(vb));
                    if c != Ordering::Equal {
                        return c;
                    }
                }
                Ordering::Equal
            }
            _ => self.type_rank().cmp(&other.type_rank()),
        }
    }
}

fn be_i64(data: &[u8]) -> i64 {
    let mut a = [0u8; 8];
    let n = data.len().min(8);
    a[8 - n..].copy_from_slice(&data[data.len() - n..]);
    i64::from_be_bytes(a)
}

/// Extracts the JSON text of a GeoJSON particle (flags u8, ncells u16, cells, text).
pub fn geo_text(data: &[u8]) -> String {
    if data.len() < 3 {
        return String::new();
    }
    let ncells = u16::from_be_bytes([data[1], data[2]]) as usize;
    let start = 3 + ncells * 8;
    data.get(start..)
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .unwrap_or_default()
}

/// Decodes Aerospike msgpack bytes. Returns `None` on malformed input.
pub fn decode_msgpack(data: &[u8]) -> Option<Value> {
    let mut rd = data;
    let v = rmpv::decode::read_value_with_max_depth(&mut rd, 64).ok()?;
    Some(from_rmpv(&v))
}

/// Decodes every msgpack value in `data` (e.g. a sequence of top-level values).
pub fn decode_msgpack_seq(data: &[u8]) -> Option<Vec<rmpv::Value>> {
    let mut rd = data;
    let mut out = Vec::new();
    while !rd.is_empty() {
        out.push(rmpv::decode::read_value_with_max_depth(&mut rd, 64).ok()?);
    }
    Some(out)
}

/// Converts a decoded msgpack value into a `Value`, honouring the string-prefix convention.
pub fn from_rmpv(v: &rmpv::Value) -> Value {
    match v {
        rmpv::Value::Nil => Value::Nil,
        rmpv::Value::Boolean(b) => Value::Bool(*b),
        rmpv::Value::Integer(i) => Value::Int(
            i.as_i64()
                .unwrap_or_else(|| i.as_u64().map_or(0, |u| u as i64)),
        ),
        rmpv::Value::F32(f) => Value::Float(f64::from(*f)),
        rmpv::Value::F64(f) => Value::Float(*f),
        rmpv::Value::String(s) => {
            let b = s.as_bytes();
            match b.first() {
                Some(&pt::STRING) => Value::Str(String::from_utf8_lossy(&b[1..]).into_owned()),
                Some(&pt::BLOB) => Value::Blob(b[1..].to_vec()),
                Some(&pt::GEOJSON) => Value::Geo(String::from_utf8_lossy(&b[1..]).into_owned()),
                Some(&t) if t < 32 => Value::Raw(t, b[1..].to_vec()),
                _ => Value::Str(String::from_utf8_lossy(b).into_owned()),
            }
        }
        rmpv::Value::Binary(b) => Value::Blob(b.clone()),
        rmpv::Value::Array(a) => Value::List(
            a.iter()
                .filter(|x| !matches!(x, rmpv::Value::Ext(..)))
                .map(from_rmpv)
                .collect(),
        ),
        rmpv::Value::Map(m) => Value::Map(
            m.iter()
                .filter(|(k, _)| !matches!(k, rmpv::Value::Ext(..)))
                .map(|(k, v)| (from_rmpv(k), from_rmpv(v)))
                .collect(),
        ),
        rmpv::Value::Ext(..) => Value::Nil,
    }
}

fn write_len(out: &mut Vec<u8>, len: usize, fix: u8, fix_max: usize, m16: u8, m32: u8) {
    if len <= fix_max {
        out.push(fix | len as u8);
    } else if len < 1 << 16 {
        out.push(m16);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(m32);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

fn write_prefixed_str(out: &mut Vec<u8>, prefix: u8, bytes: &[u8]) {
    let len = bytes.len() + 1;
    if len < 32 {
        out.push(0xa0 | len as u8);
    } else if len < 256 {
        out.push(0xd9);
        out.push(len as u8);
    } else if len < 1 << 16 {
        out.push(0xda);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(0xdb);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.push(prefix);
    out.extend_from_slice(bytes);
}

/// Writes one value as Aerospike msgpack.
pub fn write_msgpack(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Nil => out.push(0xc0),
        Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Int(i) => write_int(out, *i),
        Value::Float(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::Str(s) => write_prefixed_str(out, pt::STRING, s.as_bytes()),
        Value::Blob(b) => write_prefixed_str(out, pt::BLOB, b),
        Value::Geo(s) => write_prefixed_str(out, pt::GEOJSON, s.as_bytes()),
        Value::Raw(t, b) => write_prefixed_str(out, *t, b),
        Value::List(items) => {
            write_len(out, items.len(), 0x90, 15, 0xdc, 0xdd);
            for i in items {
                write_msgpack(out, i);
            }
        }
        Value::Map(entries) => {
            write_len(out, entries.len(), 0x80, 15, 0xde, 0xdf);
            for (k, val) in entries {
                write_msgpack(out, k);
                write_msgpack(out, val);
            }
        }
    }
}

/// Writes a msgpack integer in its shortest form.
pub fn write_int(out: &mut Vec<u8>, i: i64) {
    if (0..128).contains(&i) {
        out.push(i as u8);
    } else if (-32..0).contains(&i) {
        out.push(i as i8 as u8);
    } else if i >= 0 {
        out.push(0xcf);
        out.extend_from_slice(&(i as u64).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&i.to_be_bytes());
    }
}

/// RIPEMD-160 digest of a key: set name, key particle type, key bytes.
pub fn digest(set: &str, key_ptype: u8, key_bytes: &[u8]) -> [u8; 20] {
    use ripemd::{Digest, Ripemd160};
    let mut h = Ripemd160::new();
    h.update(set.as_bytes());
    h.update([key_ptype]);
    h.update(key_bytes);
    h.finalize().into()
}

/// Partition id of a digest.
pub fn partition_of(digest: &[u8; 20]) -> u16 {
    u16::from_le_bytes([digest[0], digest[1]]) & 0x0FFF
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn particles_round_trip() {
        let values = [
            Value::Int(-5),
            Value::Float(1.5),
            Value::Str("hé".into()),
            Value::Blob(vec![0, 255]),
            Value::Bool(true),
            Value::Geo(r#"{"type":"Point","coordinates":[1,2]}"#.into()),
            Value::List(vec![Value::Int(1), Value::Str("a".into())]),
            Value::Map(vec![(Value::Str("k".into()), Value::Float(2.0))]),
        ];
        for v in values {
            let (t, d) = v.to_particle();
            assert_eq!(Value::from_particle(t, &d), v);
        }
    }

    #[test]
    fn digest_matches_known_partition_math() {
        let d = digest("users", pt::STRING, b"user0001");
        assert!(partition_of(&d) < 4096);
        assert_eq!(partition_of(&[0xff; 20]), 0x0fff);
    }

    #[test]
    fn ordering_follows_aerospike_type_ranks() {
        assert_eq!(
            Value::Int(9).total_cmp(&Value::Str("a".into())),
            Ordering::Less
        );
        assert_eq!(Value::Nil.total_cmp(&Value::Bool(false)), Ordering::Less);
    }

    proptest! {
        #[test]
        fn msgpack_decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode_msgpack(&bytes);
            let _ = Value::from_particle(pt::GEOJSON, &bytes);
            let _ = Value::from_particle(pt::INTEGER, &bytes);
        }

        #[test]
        fn ints_round_trip_through_msgpack(i in any::<i64>()) {
            let v = Value::List(vec![Value::Int(i)]);
            prop_assert_eq!(decode_msgpack(&v.to_msgpack()), Some(v));
        }
    }
}
