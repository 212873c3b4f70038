//! Stable digests. SHA-256 over bytes or over the canonical JSON of a value; never Rust's
//! `DefaultHasher`, whose output may change between releases.

use serde::Serialize;

/// Lower-case hex SHA-256 of `bytes` (defined once in [`acko_api::contract`]).
pub use acko_api::contract::sha256_hex;

/// SHA-256 of the canonical JSON of `value`: object keys sorted at every level, no whitespace.
/// Two values that serialise to the same JSON document (whatever their field order) hash equal.
pub fn canonical_json_hash<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    let mut out = String::new();
    write_canonical(&json, &mut out);
    sha256_hex(out.as_bytes())
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(k) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sha256_of_empty_input_is_the_known_digest() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn canonical_hash_ignores_key_order_but_not_values() {
        let a = json!({"b": 1, "a": {"y": [1, 2], "x": "s"}});
        let b = json!({"a": {"x": "s", "y": [1, 2]}, "b": 1});
        let c = json!({"a": {"x": "s", "y": [2, 1]}, "b": 1});
        assert_eq!(canonical_json_hash(&a), canonical_json_hash(&b));
        assert_ne!(canonical_json_hash(&a), canonical_json_hash(&c));
    }
}
