//! How the API addresses sets and records (pure; documented in docs/manager-api.md).
//!
//! - **Records in no set.** The `{set}` path segment [`NULL_SET`] (`~none`) means the
//!   records of the namespace that belong to no set. A set literally named `~none` (or
//!   `~~none`, ...) is written with one more leading `~`: `~~none` is the set `~none`.
//!   Every other segment is the set name as is.
//! - **Records by digest.** A record is addressed either by its user key (`key` +
//!   `keyType`) or by its 20-byte RIPEMD-160 digest in hex (`digest`), exactly one of the
//!   two. The digest is what the server stores for every record, so this reaches records
//!   written without their key (`sendKey=false`).

use aerospike::Key;
use aerospike::expressions::{self as exp, Expression};

use crate::error::{ApiError, ApiResult};

/// The `{set}` path segment that stands for the records in no set.
pub const NULL_SET: &str = "~none";

/// Set name from a `{set}` path segment: `""` for [`NULL_SET`], one `~` removed from
/// escaped markers (`~~none` → `~none`), anything else unchanged.
pub fn set_from_segment(segment: &str) -> String {
    if segment == NULL_SET {
        return String::new();
    }
    if is_escaped_marker(segment) {
        return segment[1..].to_string();
    }
    segment.to_string()
}

/// The `{set}` path segment of a set name (inverse of [`set_from_segment`]).
pub fn segment_for_set(set: &str) -> String {
    if set.is_empty() {
        return NULL_SET.to_string();
    }
    if set.trim_start_matches('~') == "none" && set.starts_with('~') {
        return format!("~{set}");
    }
    set.to_string()
}

fn is_escaped_marker(segment: &str) -> bool {
    segment.len() > NULL_SET.len()
        && segment.starts_with("~~")
        && segment.trim_start_matches('~') == "none"
}

/// The filter expression that keeps a scan of the whole namespace (set `""`) to the
/// records in no set; `None` for a named set.
pub fn set_expression(set: &str) -> Option<Expression> {
    set.is_empty()
        .then(|| exp::eq(exp::set_name(), exp::string_val(String::new())))
}

/// The set named by a `{set}` segment, refusing the records in no set: the server
/// truncates by set or whole namespace, never the null set alone.
pub fn truncatable_set(segment: &str) -> ApiResult<String> {
    let set = set_from_segment(segment);
    if set.is_empty() {
        return Err(ApiError::field(
            "set",
            "records in no set cannot be truncated on their own (the server truncates a set \
             or a whole namespace); delete them one by one or truncate the namespace",
        ));
    }
    Ok(set)
}

/// Parse a hex digest (40 hex digits, either case); `field` names it in errors.
pub fn parse_digest(text: &str, field: &str) -> ApiResult<[u8; 20]> {
    let text = text.trim();
    let bad = || {
        ApiError::field(
            field,
            format!(
                "`{text}` is not a record digest: give the 40 hex digits of the 20-byte \
                 RIPEMD-160 digest, as in a record's `key.digest`"
            ),
        )
        .with_code("invalid_key")
    };
    if text.len() != 40 {
        return Err(bad());
    }
    let mut out = [0u8; 20];
    for (i, pair) in text.as_bytes().chunks(2).enumerate() {
        let hi = hex_digit(pair[0]).ok_or_else(bad)?;
        let lo = hex_digit(pair[1]).ok_or_else(bad)?;
        out[i] = (hi << 4) | lo;
    }
    Ok(out)
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The key of a record addressed by digest (no user key is sent to the server).
pub fn digest_key(ns: &str, set: &str, text: &str, field: &str) -> ApiResult<Key> {
    Ok(Key::with_digest(ns, set, None, parse_digest(text, field)?))
}

/// Exactly one of the user key and the digest must be given.
pub fn one_address<'a, K>(
    key: Option<&'a K>,
    digest: Option<&'a str>,
    key_field: &str,
    digest_field: &str,
) -> ApiResult<Either<&'a K, &'a str>>
where
    K: ?Sized,
{
    match (key, digest) {
        (Some(k), None) => Ok(Either::Key(k)),
        (None, Some(d)) => Ok(Either::Digest(d)),
        (Some(_), Some(_)) => Err(ApiError::field(
            digest_field,
            format!("give either `{key_field}` or `{digest_field}`, not both"),
        )
        .with_code("invalid_key")),
        (None, None) => Err(ApiError::field(
            key_field,
            format!(
                "give the record's `{key_field}`, or its `{digest_field}` (40 hex digits) \
                 when the key was not stored"
            ),
        )
        .with_code("invalid_key")),
    }
}

/// A user key or a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Either<K, D> {
    /// By user key.
    Key(K),
    /// By digest.
    Digest(D),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn null_set_marker_and_escapes() {
        assert_eq!(set_from_segment("~none"), "");
        assert_eq!(set_from_segment("~~none"), "~none");
        assert_eq!(set_from_segment("~~~none"), "~~none");
        assert_eq!(set_from_segment("users"), "users");
        assert_eq!(set_from_segment("~other"), "~other");
        assert_eq!(set_from_segment("none"), "none");
        assert_eq!(segment_for_set(""), "~none");
        assert_eq!(segment_for_set("~none"), "~~none");
        assert_eq!(segment_for_set("none"), "none");
        assert_eq!(segment_for_set("~x"), "~x");
    }

    proptest! {
        #[test]
        fn set_segments_round_trip(set in "[~a-z]{0,8}") {
            prop_assert_eq!(set_from_segment(&segment_for_set(&set)), set.clone());
            // the marker never names a real set by accident
            prop_assert_eq!(segment_for_set(&set) == NULL_SET, set.is_empty());
        }
    }

    #[test]
    fn the_null_set_is_not_truncatable() {
        assert_eq!(truncatable_set("users").unwrap(), "users");
        assert_eq!(truncatable_set("~~none").unwrap(), "~none");
        assert_eq!(truncatable_set("~none").unwrap_err().fields[0].field, "set");
    }

    #[test]
    fn digests_parse() {
        let d = parse_digest("00ff10AB000000000000000000000000000000a1", "digest").unwrap();
        assert_eq!(d[..4], [0x00, 0xff, 0x10, 0xab]);
        assert_eq!(d[19], 0xa1);
        let e = parse_digest("abc", "digest").unwrap_err();
        assert_eq!(e.code, "invalid_key");
        assert_eq!(e.fields[0].field, "digest");
        assert!(parse_digest(&"g".repeat(40), "digest").is_err());
        assert!(parse_digest(&"é".repeat(20), "digest").is_err());
        let k = digest_key("test", "", &crate::scan::hex(&[7; 20]), "digest").unwrap();
        assert_eq!(k.digest(), [7; 20]);
        assert!(k.user_key().is_none());
    }

    #[test]
    fn exactly_one_address() {
        let k = String::from("k1");
        assert_eq!(
            one_address(Some(&k), None, "key", "digest").unwrap(),
            Either::Key(&k)
        );
        assert_eq!(
            one_address::<String>(None, Some("ab"), "key", "digest").unwrap(),
            Either::Digest("ab")
        );
        let e = one_address(Some(&k), Some("ab"), "key", "digest").unwrap_err();
        assert_eq!(e.fields[0].field, "digest");
        let e = one_address::<String>(None, None, "key", "digest").unwrap_err();
        assert_eq!(e.fields[0].field, "key");
    }
}
