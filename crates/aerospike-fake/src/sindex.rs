//! Secondary index definitions and the filter matching used by queries.
//!
//! The fake keeps no index structure: a query walks the partition and keeps records whose
//! indexed values fall in the filter range, which gives the same results in the same
//! (digest) order as a partition scan, so resumable cursors stay exact.

use crate::particle::{Value, decode_msgpack};
use crate::store::Record;
use crate::wire::{Reader, WireError, particle as pt};

/// Indexed value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexType {
    /// Integers.
    Numeric,
    /// Strings.
    String,
    /// GeoJSON.
    Geo2dSphere,
    /// Bytes.
    Blob,
}

impl IndexType {
    /// Parses the `type=` value of `sindex-create`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "numeric" => Some(Self::Numeric),
            "string" => Some(Self::String),
            "geo2dsphere" => Some(Self::Geo2dSphere),
            "blob" => Some(Self::Blob),
            _ => None,
        }
    }
    /// Name used in `sindex-list`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Numeric => "numeric",
            Self::String => "string",
            Self::Geo2dSphere => "geo2dsphere",
            Self::Blob => "blob",
        }
    }
    fn matches(self, v: &Value) -> bool {
        matches!(
            (self, v),
            (Self::Numeric, Value::Int(_))
                | (Self::String, Value::Str(_))
                | (Self::Geo2dSphere, Value::Geo(_))
                | (Self::Blob, Value::Blob(_))
        )
    }
}

/// Collection index type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// The bin value itself.
    Default,
    /// Elements of a list bin.
    List,
    /// Keys of a map bin.
    MapKeys,
    /// Values of a map bin.
    MapValues,
}

impl Collection {
    /// Parses `indextype=`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "default" | "" => Some(Self::Default),
            "list" => Some(Self::List),
            "mapkeys" => Some(Self::MapKeys),
            "mapvalues" => Some(Self::MapValues),
            _ => None,
        }
    }
    /// Wire code of the `INDEX_TYPE` field.
    pub fn from_wire(b: u8) -> Self {
        match b {
            1 => Self::List,
            2 => Self::MapKeys,
            3 => Self::MapValues,
            _ => Self::Default,
        }
    }
    /// Name used in `sindex-list`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::List => "list",
            Self::MapKeys => "mapkeys",
            Self::MapValues => "mapvalues",
        }
    }
}

/// One secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SIndex {
    /// Namespace.
    pub ns: String,
    /// Index name.
    pub name: String,
    /// Set, if the index is restricted to one.
    pub set: Option<String>,
    /// Indexed bin.
    pub bin: String,
    /// Value type.
    pub itype: IndexType,
    /// Collection type.
    pub collection: Collection,
    /// Base64 CDT context, if any (kept, not evaluated).
    pub context: Option<String>,
    /// Base64 expression, if any (kept, not evaluated).
    pub exp: Option<String>,
}

impl SIndex {
    /// Values this index holds for a record.
    pub fn values_for(&self, rec: &Record) -> Vec<Value> {
        if let Some(set) = &self.set
            && &rec.set != set
        {
            return Vec::new();
        }
        let Some(p) = rec.bin(&self.bin) else {
            return Vec::new();
        };
        let v = p.value();
        let candidates = match (self.collection, v) {
            (Collection::Default, v) => vec![v],
            (Collection::List, Value::List(items)) => items,
            (Collection::MapKeys, Value::Map(e)) => e.into_iter().map(|(k, _)| k).collect(),
            (Collection::MapValues, Value::Map(e)) => e.into_iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        };
        candidates
            .into_iter()
            .filter(|v| self.itype.matches(v))
            .collect()
    }
}

/// A query filter decoded from the `INDEX_RANGE` field.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeFilter {
    /// Bin name ("" for expression indexes).
    pub bin: String,
    /// Particle type of the bounds.
    pub ptype: u8,
    /// Lower bound (inclusive).
    pub begin: Value,
    /// Upper bound (inclusive).
    pub end: Value,
}

impl RangeFilter {
    /// Decodes `u8 count, u8 name_len, name, u8 ptype, u32 len, begin, u32 len, end`.
    pub fn decode(data: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(data);
        let count = r.u8()?;
        if count != 1 {
            return Err(WireError::Malformed(format!(
                "index range count {count}, expected 1"
            )));
        }
        let name_len = r.u8()? as usize;
        let bin = String::from_utf8_lossy(r.bytes(name_len)?).into_owned();
        let ptype = r.u8()?;
        let blen = r.u32()? as usize;
        let begin = r.bytes(blen)?;
        let elen = r.u32()? as usize;
        let end = r.bytes(elen)?;
        let decode = |b: &[u8]| match ptype {
            pt::INTEGER => Value::Int(if b.len() == 8 {
                i64::from_be_bytes(b.try_into().unwrap_or([0; 8]))
            } else {
                0
            }),
            pt::STRING => Value::Str(String::from_utf8_lossy(b).into_owned()),
            pt::GEOJSON => Value::Geo(String::from_utf8_lossy(b).into_owned()),
            pt::BLOB => Value::Blob(b.to_vec()),
            pt::LIST | pt::MAP => decode_msgpack(b).unwrap_or(Value::Nil),
            other => Value::Raw(other, b.to_vec()),
        };
        Ok(Self {
            bin,
            ptype,
            begin: decode(begin),
            end: decode(end),
        })
    }

    /// Index value type the filter needs.
    pub fn index_type(&self) -> Option<IndexType> {
        match self.ptype {
            pt::INTEGER => Some(IndexType::Numeric),
            pt::STRING => Some(IndexType::String),
            pt::GEOJSON => Some(IndexType::Geo2dSphere),
            pt::BLOB => Some(IndexType::Blob),
            _ => None,
        }
    }

    /// Whether an indexed value satisfies the filter.
    pub fn accepts(&self, v: &Value) -> bool {
        match (v, &self.begin, &self.end) {
            (Value::Int(x), Value::Int(b), Value::Int(e)) => b <= x && x <= e,
            (Value::Str(x), Value::Str(b), _) => x == b,
            (Value::Blob(x), Value::Blob(b), _) => x == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::particle::Particle;

    fn encode(bin: &str, ptype: u8, b: &[u8], e: &[u8]) -> Vec<u8> {
        let mut out = vec![1, bin.len() as u8];
        out.extend_from_slice(bin.as_bytes());
        out.push(ptype);
        out.extend_from_slice(&(b.len() as u32).to_be_bytes());
        out.extend_from_slice(b);
        out.extend_from_slice(&(e.len() as u32).to_be_bytes());
        out.extend_from_slice(e);
        out
    }

    #[test]
    fn numeric_range_is_inclusive() {
        let f = RangeFilter::decode(&encode(
            "age",
            pt::INTEGER,
            &10i64.to_be_bytes(),
            &20i64.to_be_bytes(),
        ))
        .unwrap();
        assert!(f.accepts(&Value::Int(10)));
        assert!(f.accepts(&Value::Int(20)));
        assert!(!f.accepts(&Value::Int(21)));
        assert_eq!(f.index_type(), Some(IndexType::Numeric));
    }

    #[test]
    fn list_index_holds_matching_elements_only() {
        let idx = SIndex {
            ns: "test".into(),
            name: "i".into(),
            set: Some("users".into()),
            bin: "tags".into(),
            itype: IndexType::String,
            collection: Collection::List,
            context: None,
            exp: None,
        };
        let mut r = Record::new("users");
        r.set_bin(
            "tags",
            Particle::from_value(&Value::List(vec![Value::Str("a".into()), Value::Int(1)])),
        );
        assert_eq!(idx.values_for(&r), vec![Value::Str("a".into())]);
        r.set = "other".into();
        assert!(idx.values_for(&r).is_empty());
    }

    #[test]
    fn malformed_ranges_are_errors() {
        assert!(RangeFilter::decode(&[]).is_err());
        assert!(RangeFilter::decode(&[2]).is_err());
        assert!(RangeFilter::decode(&[1, 5, b'a']).is_err());
    }
}
