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
    /// Values this index holds for a record (expression indexes see an all-zero digest).
    pub fn values_for(&self, rec: &Record) -> Vec<Value> {
        self.values_at(rec, &[0u8; 20])
    }

    /// Values this index holds for a record with digest `digest`: the bin (or expression)
    /// value, narrowed by the CDT context, expanded by the collection type, filtered by the
    /// index type.
    pub fn values_at(&self, rec: &Record, digest: &[u8; 20]) -> Vec<Value> {
        if let Some(set) = &self.set
            && &rec.set != set
        {
            return Vec::new();
        }
        let base = match &self.exp {
            Some(exp) => decode_b64(exp)
                .and_then(|b| crate::expr::parse(&b).ok())
                .and_then(|e| crate::expr::eval(&e, crate::expr::RecCtx { rec, digest })),
            None => rec.bin(&self.bin).map(|p| p.value()),
        };
        let Some(mut v) = base else {
            return Vec::new();
        };
        if let Some(ctx) = &self.context {
            let Some(steps) = decode_b64(ctx).and_then(|b| decode_context(&b).ok()) else {
                return Vec::new();
            };
            let Some(inner) = apply_context(v, &steps) else {
                return Vec::new();
            };
            v = inner;
        }
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

    /// Raw bytes of the index's CDT context, if any.
    pub fn context_bytes(&self) -> Option<Vec<u8>> {
        self.context.as_deref().and_then(decode_b64)
    }

    /// Raw bytes of the index's expression, if any.
    pub fn exp_bytes(&self) -> Option<Vec<u8>> {
        self.exp.as_deref().and_then(decode_b64)
    }
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// CDT context step types the fake evaluates (the low byte of the context id).
pub mod ctx_type {
    /// List element by index.
    pub const LIST_INDEX: i64 = 0x10;
    /// List element by value rank.
    pub const LIST_RANK: i64 = 0x11;
    /// List element equal to a value.
    pub const LIST_VALUE: i64 = 0x13;
    /// Map entry by key-order index.
    pub const MAP_INDEX: i64 = 0x20;
    /// Map entry by value rank.
    pub const MAP_RANK: i64 = 0x21;
    /// Map value by key.
    pub const MAP_KEY: i64 = 0x22;
    /// Map value equal to a value.
    pub const MAP_VALUE: i64 = 0x23;
}

/// Decodes a CDT context as the client packs it for indexes: a msgpack array
/// `[id, value, id, value, ...]`. Expression contexts and unknown ids are errors that say so.
pub fn decode_context(bytes: &[u8]) -> Result<Vec<(i64, Value)>, String> {
    let Some(Value::List(items)) = decode_msgpack(bytes) else {
        return Err("context is not a msgpack array".into());
    };
    if items.is_empty() || items.len() % 2 != 0 {
        return Err(format!(
            "context has {} items; expected a non-empty list of (id, value) pairs",
            items.len()
        ));
    }
    items
        .chunks_exact(2)
        .map(|pair| {
            let id = pair[0]
                .as_int()
                .ok_or_else(|| "context id is not an integer".to_string())?;
            let base = id & 0xff & !0x40; // ignore the create/pad flag bits
            let known = [
                ctx_type::LIST_INDEX,
                ctx_type::LIST_RANK,
                ctx_type::LIST_VALUE,
                ctx_type::MAP_INDEX,
                ctx_type::MAP_RANK,
                ctx_type::MAP_KEY,
                ctx_type::MAP_VALUE,
            ];
            if !known.contains(&base) {
                return Err(format!(
                    "context id {id:#x} is not supported by aerospike-fake (supported: list \
                     index/rank/value, map index/rank/key/value)"
                ));
            }
            Ok((base, pair[1].clone()))
        })
        .collect()
}

/// Renders a context the way `sindex-list` prints it without `b64=true`, e.g.
/// `[map_key(<string#4>)]` (strings and blobs show their length, as in the CE capture;
/// integers print as numbers). `None` when the bytes do not decode.
pub fn render_context(bytes: &[u8]) -> Option<String> {
    let steps = decode_context(bytes).ok()?;
    let parts: Vec<String> = steps
        .iter()
        .map(|(id, v)| {
            let name = match *id {
                ctx_type::LIST_INDEX => "list_index",
                ctx_type::LIST_RANK => "list_rank",
                ctx_type::LIST_VALUE => "list_value",
                ctx_type::MAP_INDEX => "map_index",
                ctx_type::MAP_RANK => "map_rank",
                ctx_type::MAP_KEY => "map_key",
                _ => "map_value",
            };
            let arg = match v {
                Value::Int(i) => i.to_string(),
                Value::Str(x) => format!("<string#{}>", x.len()),
                Value::Blob(b) => format!("<blob#{}>", b.len()),
                Value::List(_) => "<list>".to_string(),
                Value::Map(_) => "<map>".to_string(),
                Value::Float(f) => f.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => "<value>".to_string(),
            };
            format!("{name}({arg})")
        })
        .collect();
    Some(format!("[{}]", parts.join(", ")))
}

fn nth(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { len as i64 + i } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

fn by_rank(mut vals: Vec<Value>, rank: i64) -> Option<Value> {
    vals.sort_by(|a, b| a.total_cmp(b));
    let i = nth(vals.len(), rank)?;
    Some(vals.swap_remove(i))
}

/// Walks `v` down the context steps; `None` when a step does not apply (wrong type,
/// missing key, index out of range).
pub fn apply_context(v: Value, steps: &[(i64, Value)]) -> Option<Value> {
    let mut cur = v;
    for (id, arg) in steps {
        cur = match (*id, cur) {
            (ctx_type::LIST_INDEX, Value::List(mut l)) => {
                let i = nth(l.len(), arg.as_int()?)?;
                l.swap_remove(i)
            }
            (ctx_type::LIST_RANK, Value::List(l)) => by_rank(l, arg.as_int()?)?,
            (ctx_type::LIST_VALUE, Value::List(l)) => l.into_iter().find(|x| x == arg)?,
            (ctx_type::MAP_INDEX, Value::Map(mut m)) => {
                m.sort_by(|a, b| a.0.total_cmp(&b.0));
                let i = nth(m.len(), arg.as_int()?)?;
                m.swap_remove(i).1
            }
            (ctx_type::MAP_RANK, Value::Map(m)) => {
                by_rank(m.into_iter().map(|(_, v)| v).collect(), arg.as_int()?)?
            }
            (ctx_type::MAP_KEY, Value::Map(m)) => m.into_iter().find(|(k, _)| k == arg)?.1,
            (ctx_type::MAP_VALUE, Value::Map(m)) => m.into_iter().find(|(_, x)| x == arg)?.1,
            _ => return None,
        };
    }
    Some(cur)
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
            (Value::Geo(x), Value::Geo(q), _) => {
                crate::geo::Shape::parse(q).is_some_and(|q| crate::geo::query_matches(&q, x))
            }
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

    fn ctx_bytes(items: Vec<Value>) -> Vec<u8> {
        let mut out = Vec::new();
        crate::particle::write_msgpack(&mut out, &Value::List(items));
        out
    }

    fn s(x: &str) -> Value {
        Value::Str(x.into())
    }

    #[test]
    fn contexts_decode_and_reject_what_the_fake_cannot_evaluate() {
        let steps = decode_context(&ctx_bytes(vec![Value::Int(0x22), s("city")])).unwrap();
        assert_eq!(steps, vec![(ctx_type::MAP_KEY, s("city"))]);
        // The create flag bit is ignored.
        let steps = decode_context(&ctx_bytes(vec![Value::Int(0x50), Value::Int(1)])).unwrap();
        assert_eq!(steps, vec![(ctx_type::LIST_INDEX, Value::Int(1))]);
        let e = decode_context(&ctx_bytes(vec![Value::Int(4), Value::Nil])).unwrap_err();
        assert!(e.contains("0x4 is not supported by aerospike-fake"), "{e}");
        assert!(decode_context(&ctx_bytes(vec![Value::Int(0x22)])).is_err());
        assert!(decode_context(&ctx_bytes(vec![])).is_err());
        assert!(decode_context(&[0xc1]).is_err());
        assert!(decode_context(&ctx_bytes(vec![s("x"), s("y")])).is_err());
    }

    #[test]
    fn contexts_render_like_the_server() {
        use base64::Engine as _;
        // The exact bytes of the CE capture's idx_users_profile_city.
        let b = base64::engine::general_purpose::STANDARD
            .decode("kiKlA2NpdHk=")
            .unwrap();
        assert_eq!(render_context(&b).as_deref(), Some("[map_key(<string#4>)]"));
        let two = ctx_bytes(vec![
            Value::Int(0x22),
            s("a"),
            Value::Int(0x10),
            Value::Int(-1),
        ]);
        assert_eq!(
            render_context(&two).as_deref(),
            Some("[map_key(<string#1>), list_index(-1)]")
        );
        assert_eq!(render_context(b"junk"), None);
    }

    #[test]
    fn contexts_walk_maps_and_lists() {
        let doc = Value::Map(vec![
            (s("zip"), Value::Int(75001)),
            (s("city"), s("Paris")),
            (
                s("visits"),
                Value::List(vec![Value::Int(30), Value::Int(10), Value::Int(20)]),
            ),
        ]);
        let walk = |steps: &[(i64, Value)]| apply_context(doc.clone(), steps);
        assert_eq!(walk(&[(ctx_type::MAP_KEY, s("city"))]), Some(s("Paris")));
        assert_eq!(walk(&[(ctx_type::MAP_KEY, s("nope"))]), None);
        // Map index follows key order: city < visits < zip.
        assert_eq!(
            walk(&[(ctx_type::MAP_INDEX, Value::Int(0))]),
            Some(s("Paris"))
        );
        assert_eq!(
            walk(&[(ctx_type::MAP_INDEX, Value::Int(-1))]),
            Some(Value::Int(75001))
        );
        let visits = (ctx_type::MAP_KEY, s("visits"));
        assert_eq!(
            walk(&[visits.clone(), (ctx_type::LIST_INDEX, Value::Int(-1))]),
            Some(Value::Int(20))
        );
        assert_eq!(
            walk(&[visits.clone(), (ctx_type::LIST_RANK, Value::Int(0))]),
            Some(Value::Int(10))
        );
        assert_eq!(
            walk(&[visits.clone(), (ctx_type::LIST_INDEX, Value::Int(3))]),
            None
        );
        assert_eq!(
            walk(&[visits, (ctx_type::MAP_KEY, s("x"))]),
            None,
            "wrong type"
        );
    }

    #[test]
    fn context_and_expression_indexes_see_inner_values() {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let mut idx = SIndex {
            ns: "test".into(),
            name: "i".into(),
            set: None,
            bin: "profile".into(),
            itype: IndexType::String,
            collection: Collection::Default,
            context: Some(b64(&ctx_bytes(vec![Value::Int(0x22), s("city")]))),
            exp: None,
        };
        let mut r = Record::new("users");
        r.set_bin(
            "profile",
            Particle::from_value(&Value::Map(vec![(s("city"), s("Rome"))])),
        );
        r.set_bin("age", Particle::from_value(&Value::Int(41)));
        assert_eq!(idx.values_for(&r), vec![s("Rome")]);
        idx.context = Some("!!not base64".into());
        assert!(idx.values_for(&r).is_empty());
        // exp = [81 (bin), 2 (int), "age"], bin names packed as plain msgpack strings.
        let mut exp = Vec::new();
        rmpv::encode::write_value(
            &mut exp,
            &rmpv::Value::Array(vec![81.into(), 2.into(), "age".into()]),
        )
        .unwrap();
        idx.context = None;
        idx.bin = String::new();
        idx.itype = IndexType::Numeric;
        idx.exp = Some(b64(&exp));
        assert_eq!(idx.values_for(&r), vec![Value::Int(41)]);
    }

    #[test]
    fn geo_filters_use_the_query_shape() {
        let region = r#"{"type":"AeroCircle","coordinates":[[2.35,48.85],500]}"#;
        let f = RangeFilter::decode(&encode(
            "loc",
            pt::GEOJSON,
            region.as_bytes(),
            region.as_bytes(),
        ))
        .unwrap();
        assert_eq!(f.index_type(), Some(IndexType::Geo2dSphere));
        let near = r#"{"type":"Point","coordinates":[2.351,48.851]}"#;
        let far = r#"{"type":"Point","coordinates":[2.4,48.85]}"#;
        assert!(f.accepts(&Value::Geo(near.into())));
        assert!(!f.accepts(&Value::Geo(far.into())));
        assert!(!f.accepts(&Value::Str(near.into())));
    }

    proptest::proptest! {
        #[test]
        fn list_index_context_matches_slice_indexing(
            items in proptest::collection::vec(-100i64..100, 0..20),
            i in -25i64..25,
        ) {
            let list = Value::List(items.iter().copied().map(Value::Int).collect());
            let got = apply_context(list, &[(ctx_type::LIST_INDEX, Value::Int(i))]);
            let len = items.len() as i64;
            let want = if (-len..len).contains(&i) {
                Some(Value::Int(items[(if i < 0 { len + i } else { i }) as usize]))
            } else {
                None
            };
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn decode_context_never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = decode_context(&b);
        }
    }

    #[test]
    fn malformed_ranges_are_errors() {
        assert!(RangeFilter::decode(&[]).is_err());
        assert!(RangeFilter::decode(&[2]).is_err());
        assert!(RangeFilter::decode(&[1, 5, b'a']).is_err());
    }
}
