//! Lossless JSON encoding of Aerospike values (documented in docs/manager-api.md).
//!
//! Plain JSON is used wherever it is unambiguous; everything else is a tagged object
//! with exactly one `$`-key:
//!
//! | Aerospike | JSON |
//! |---|---|
//! | nil | `null` |
//! | bool | `true` / `false` |
//! | integer, \|n\| ≤ 2^53−1 | number (`42`) |
//! | integer beyond that | `{"$int": "9007199254740993"}` |
//! | float with a fraction | number (`1.5`) |
//! | float without fraction, NaN, ±∞ | `{"$float": 2}`, `{"$float": "NaN"}`, `{"$float": "Infinity"}` |
//! | string | string |
//! | bytes | `{"$bytes": "<base64>"}` |
//! | GeoJSON | `{"$geo": {"type": "Point", ...}}` |
//! | HyperLogLog | `{"$hll": "<base64>"}` |
//! | list | array |
//! | map with string keys (none starting with `$` when alone) | object |
//! | any other map | `{"$map": [[key, value], ...]}` |
//!
//! On input, a JSON number without fraction or exponent is an integer, one with a
//! fraction or exponent is a float.

use std::collections::HashMap;

use aerospike::{IndexMap, Value};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::error::{ApiError, FieldError};

/// Largest integer a JSON number carries exactly in every client (2^53 − 1).
pub const MAX_SAFE_INT: i64 = (1 << 53) - 1;

/// Borrowing wrapper that serialises an Aerospike [`Value`] in the lossless encoding.
pub struct JsonValue<'a>(pub &'a Value);

struct Tagged<'a, T: Serialize + ?Sized>(&'static str, &'a T);

impl<T: Serialize + ?Sized> Serialize for Tagged<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry(self.0, self.1)?;
        m.end()
    }
}

struct Pairs<'a, I>(
    std::cell::RefCell<Option<I>>,
    std::marker::PhantomData<&'a ()>,
);

impl<'a, I> Serialize for Pairs<'a, I>
where
    I: Iterator<Item = (&'a Value, &'a Value)>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Some(iter) = self.0.borrow_mut().take() else {
            return s.serialize_seq(Some(0))?.end();
        };
        let mut seq = s.serialize_seq(None)?;
        for (k, v) in iter {
            seq.serialize_element(&(JsonValue(k), JsonValue(v)))?;
        }
        seq.end()
    }
}

fn serialize_map<'a, S, I>(s: S, len: usize, entries: I) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    I: Iterator<Item = (&'a Value, &'a Value)> + Clone,
{
    let plain = entries.clone().all(|(k, _)| matches!(k, Value::String(_)))
        && !(len == 1
            && entries
                .clone()
                .any(|(k, _)| matches!(k, Value::String(s) if s.starts_with('$'))));
    if plain {
        let mut m = s.serialize_map(Some(len))?;
        for (k, v) in entries {
            if let Value::String(k) = k {
                m.serialize_entry(k, &JsonValue(v))?;
            }
        }
        m.end()
    } else {
        Tagged(
            "$map",
            &Pairs(
                std::cell::RefCell::new(Some(entries)),
                std::marker::PhantomData,
            ),
        )
        .serialize(s)
    }
}

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Nil => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => {
                if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(i) {
                    s.serialize_i64(*i)
                } else {
                    Tagged("$int", &i.to_string()).serialize(s)
                }
            }
            Value::Float(f) => {
                let f = f64::from(f);
                if f.is_nan() {
                    Tagged("$float", "NaN").serialize(s)
                } else if f.is_infinite() {
                    Tagged("$float", if f > 0.0 { "Infinity" } else { "-Infinity" }).serialize(s)
                } else if f.fract() == 0.0 {
                    Tagged("$float", &f).serialize(s)
                } else {
                    s.serialize_f64(f)
                }
            }
            Value::String(v) => s.serialize_str(v),
            Value::Blob(b) => Tagged("$bytes", &B64.encode(b)).serialize(s),
            Value::Hll(b) => Tagged("$hll", &B64.encode(b)).serialize(s),
            Value::GeoJson(g) => match serde_json::from_str::<serde_json::Value>(g) {
                Ok(v) => Tagged("$geo", &v).serialize(s),
                Err(_) => Tagged("$geo", g).serialize(s),
            },
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(&JsonValue(v))?;
                }
                seq.end()
            }
            Value::MultiResult(items) => {
                let list: Vec<JsonValue<'_>> = items.iter().map(JsonValue).collect();
                Tagged("$multi", &list).serialize(s)
            }
            Value::HashMap(m) => serialize_map(s, m.len(), m.iter()),
            Value::OrderedMap(m) => serialize_map(s, m.len(), m.iter()),
            Value::SortedMap(m) => serialize_map(s, m.len(), m.iter()),
            Value::KeyValueList(pairs) => {
                serialize_map(s, pairs.len(), pairs.iter().map(|(k, v)| (k, v)))
            }
            Value::Infinity => Tagged("$special", "infinity").serialize(s),
            Value::Wildcard => Tagged("$special", "wildcard").serialize(s),
            Value::Unknown(t, b) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(
                    "$raw",
                    &serde_json::json!({"particleType": t, "base64": B64.encode(b)}),
                )?;
                m.end()
            }
            other => Tagged("$unsupported", &format!("{other:?}")).serialize(s),
        }
    }
}

/// Encode into a `serde_json::Value` (convenience for small payloads).
pub fn to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(JsonValue(v)).unwrap_or(serde_json::Value::Null)
}

/// Decoding error with its JSON path.
fn err(path: &str, msg: impl Into<String>) -> FieldError {
    FieldError {
        field: path.to_string(),
        message: msg.into(),
    }
}

/// Decode a JSON value into an Aerospike value; `path` names it in errors.
pub fn from_json(v: &serde_json::Value, path: &str) -> Result<Value, FieldError> {
    use serde_json::Value as J;
    Ok(match v {
        J::Null => Value::Nil,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if n.is_u64() {
                return Err(err(
                    path,
                    "integer is larger than 2^63-1, the largest Aerospike integer",
                ));
            } else {
                Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        J::String(s) => Value::String(s.clone()),
        J::Array(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| from_json(x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        J::Object(m) => {
            if m.len() == 1
                && let Some((k, inner)) = m.iter().next()
                && k.starts_with('$')
            {
                return decode_tag(k, inner, &format!("{path}.{k}"));
            }
            let mut out = HashMap::with_capacity(m.len());
            for (k, x) in m {
                out.insert(
                    Value::String(k.clone()),
                    from_json(x, &format!("{path}.{k}"))?,
                );
            }
            Value::HashMap(out)
        }
    })
}

fn decode_tag(tag: &str, inner: &serde_json::Value, path: &str) -> Result<Value, FieldError> {
    use serde_json::Value as J;
    match tag {
        "$int" => match inner {
            J::String(s) => s
                .trim()
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| err(path, "must be a decimal string of a 64-bit signed integer")),
            J::Number(n) => n
                .as_i64()
                .map(Value::Int)
                .ok_or_else(|| err(path, "must be a 64-bit signed integer")),
            _ => Err(err(
                path,
                "must be a decimal string, e.g. \"9007199254740993\"",
            )),
        },
        "$float" => match inner {
            J::Number(n) => Ok(Value::from(n.as_f64().unwrap_or(f64::NAN))),
            J::String(s) => match s.as_str() {
                "NaN" => Ok(Value::from(f64::NAN)),
                "Infinity" => Ok(Value::from(f64::INFINITY)),
                "-Infinity" => Ok(Value::from(f64::NEG_INFINITY)),
                other => other.parse::<f64>().map(Value::from).map_err(|_| {
                    err(
                        path,
                        "must be a number, \"NaN\", \"Infinity\" or \"-Infinity\"",
                    )
                }),
            },
            _ => Err(err(path, "must be a number")),
        },
        "$bytes" | "$hll" => {
            let J::String(s) = inner else {
                return Err(err(path, "must be a base64 string"));
            };
            let bytes = B64
                .decode(s)
                .map_err(|e| err(path, format!("invalid base64: {e}")))?;
            Ok(if tag == "$bytes" {
                Value::Blob(bytes)
            } else {
                Value::Hll(bytes)
            })
        }
        "$geo" => match inner {
            J::Object(o) if o.get("type").is_some_and(J::is_string) => {
                Ok(Value::GeoJson(inner.to_string()))
            }
            J::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(J::Object(o)) if o.get("type").is_some_and(J::is_string) => {
                    Ok(Value::GeoJson(s.clone()))
                }
                _ => Err(err(path, "must be a GeoJSON object with a `type`")),
            },
            _ => Err(err(
                path,
                "must be a GeoJSON object, e.g. {\"type\":\"Point\",\"coordinates\":[13.4,52.5]}",
            )),
        },
        "$map" => {
            let J::Array(pairs) = inner else {
                return Err(err(path, "must be an array of [key, value] pairs"));
            };
            let mut out = IndexMap::with_capacity(pairs.len());
            for (i, p) in pairs.iter().enumerate() {
                let pp = format!("{path}[{i}]");
                let J::Array(kv) = p else {
                    return Err(err(&pp, "must be a [key, value] pair"));
                };
                let [k, v] = kv.as_slice() else {
                    return Err(err(&pp, "must be a [key, value] pair"));
                };
                let key = from_json(k, &format!("{pp}[0]"))?;
                if !matches!(key, Value::Int(_) | Value::String(_) | Value::Blob(_)) {
                    return Err(err(
                        &format!("{pp}[0]"),
                        "map keys must be integers, strings or bytes",
                    ));
                }
                out.insert(key, from_json(v, &format!("{pp}[1]"))?);
            }
            Ok(Value::OrderedMap(out))
        }
        other => Err(err(
            path,
            format!(
                "unknown tag `{other}`; use $int, $float, $bytes, $geo, $hll or $map \
                 (or wrap a map whose only key starts with `$` in $map)"
            ),
        )),
    }
}

/// Decode a `{bin: value}` object into bins, with `field` as the path prefix.
pub fn bins_from_json(
    bins: &serde_json::Map<String, serde_json::Value>,
    field: &str,
) -> Result<Vec<aerospike::Bin>, ApiError> {
    let mut out = Vec::with_capacity(bins.len());
    let mut errors = Vec::new();
    for (name, v) in bins {
        let path = format!("{field}.{name}");
        if let Err(e) = crate::names::bin(&path, name) {
            errors.extend(e.fields);
            continue;
        }
        match from_json(v, &path) {
            Ok(val) => out.push(aerospike::Bin::new(name.clone(), val)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::fields(errors).with_code("invalid_value"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn rt(v: &Value) -> Value {
        let j = serde_json::to_string(&JsonValue(v)).unwrap();
        from_json(&serde_json::from_str(&j).unwrap(), "v").unwrap()
    }

    #[test]
    fn encodes_documented_forms() {
        assert_eq!(to_json(&Value::Int(42)), json!(42));
        assert_eq!(
            to_json(&Value::Int(9_007_199_254_740_993)),
            json!({"$int": "9007199254740993"})
        );
        assert_eq!(to_json(&Value::from(1.5)), json!(1.5));
        assert_eq!(to_json(&Value::from(2.0)), json!({"$float": 2.0}));
        assert_eq!(to_json(&Value::from(f64::NAN)), json!({"$float": "NaN"}));
        assert_eq!(to_json(&Value::Blob(vec![1, 2])), json!({"$bytes": "AQI="}));
        let geo = Value::GeoJson(r#"{"type":"Point","coordinates":[1,2]}"#.into());
        assert_eq!(
            to_json(&geo),
            json!({"$geo": {"type": "Point", "coordinates": [1, 2]}})
        );
        let mut m = IndexMap::new();
        m.insert(Value::Int(1), Value::String("a".into()));
        assert_eq!(to_json(&Value::OrderedMap(m)), json!({"$map": [[1, "a"]]}));
        let mut m = IndexMap::new();
        m.insert(Value::String("$int".into()), Value::String("5".into()));
        let amb = Value::OrderedMap(m);
        assert_eq!(to_json(&amb), json!({"$map": [["$int", "5"]]}));
        assert_eq!(rt(&amb), amb);
    }

    #[test]
    fn decode_errors_name_the_path() {
        let e = from_json(&json!({"a": [1, {"$int": "x"}]}), "bins.b").unwrap_err();
        assert_eq!(e.field, "bins.b.a[1].$int");
        let e = from_json(&json!({"$nope": 1}), "v").unwrap_err();
        assert!(e.message.contains("unknown tag"));
        let e = from_json(&json!(18446744073709551615u64), "v").unwrap_err();
        assert!(e.message.contains("2^63"));
        let e = from_json(&json!({"$map": [[[1], 2]]}), "v").unwrap_err();
        assert_eq!(e.field, "v.$map[0][0]");
    }

    #[test]
    fn float_and_int_stay_distinct() {
        assert!(matches!(from_json(&json!(2), "v").unwrap(), Value::Int(2)));
        assert!(matches!(
            from_json(&json!(2.0), "v").unwrap(),
            Value::Float(_)
        ));
        assert!(matches!(rt(&Value::from(3.0)), Value::Float(_)));
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Nil),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            any::<f64>()
                .prop_filter("nan compares unequal", |f| !f.is_nan())
                .prop_map(Value::from),
            ".{0,8}".prop_map(Value::String),
            proptest::collection::vec(any::<u8>(), 0..8).prop_map(Value::Blob),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
                proptest::collection::vec(
                    (
                        prop_oneof![
                            any::<i64>().prop_map(Value::Int),
                            ".{0,6}".prop_map(Value::String)
                        ],
                        inner
                    ),
                    0..4
                )
                .prop_map(|kv| Value::OrderedMap(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn round_trip_is_lossless(v in arb_value()) {
            prop_assert_eq!(rt(&v), v);
        }
    }
}
