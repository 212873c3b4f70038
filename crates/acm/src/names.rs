//! Aerospike's rules for the names a request carries, checked before a name reaches the
//! server (an info command, a data request, an admin request).
//!
//! Lengths are the server's limits (CE 8.1): namespace ≤ 31 bytes, set ≤ 63, bin ≤ 15,
//! secondary index ≤ 255. Every name is refused with control characters (a newline would
//! start a second info command) and with `:`, `;` or `=` (they split an info command into
//! parameters); namespaces also without `/` (`namespace/<ns>`, `sets/<ns>`). A refusal is a
//! 400 naming the request field. Info commands themselves are built by
//! [`asinfo::command::InfoCommand`], which refuses separators again, so a route that
//! forgot a check here still cannot run a second command.

use asinfo::command::{InfoCommand, UnsafePart};

use crate::error::{ApiError, ApiResult};

/// Longest namespace name.
pub const NAMESPACE_MAX: usize = 31;
/// Longest set name.
pub const SET_MAX: usize = 63;
/// Longest bin name.
pub const BIN_MAX: usize = 15;
/// Longest secondary-index name.
pub const INDEX_MAX: usize = 255;

fn check(field: &str, kind: &str, value: &str, max: usize, extra: &[char]) -> ApiResult<()> {
    let bad = |why: String| Err(ApiError::field(field, format!("{kind} name {why}")));
    if value.is_empty() {
        return bad("must not be empty".into());
    }
    if value.len() > max {
        return bad(format!(
            "is {} bytes; Aerospike allows at most {max}",
            value.len()
        ));
    }
    if value.chars().any(char::is_control) {
        return bad("must not contain control characters (newline, tab, ...)".into());
    }
    if let Some(c) = value
        .chars()
        .find(|c| [':', ';', '='].contains(c) || extra.contains(c))
    {
        return bad(format!("must not contain `{c}`"));
    }
    Ok(())
}

/// A namespace name.
pub fn namespace(field: &str, ns: &str) -> ApiResult<()> {
    check(field, "namespace", ns, NAMESPACE_MAX, &['/'])
}

/// A set name (`""`, the records in no set, is accepted).
pub fn set(field: &str, set: &str) -> ApiResult<()> {
    if set.is_empty() {
        return Ok(());
    }
    check(field, "set", set, SET_MAX, &[])
}

/// A bin name.
pub fn bin(field: &str, bin: &str) -> ApiResult<()> {
    check(field, "bin", bin, BIN_MAX, &[])
}

/// A secondary-index name.
pub fn index(field: &str, name: &str) -> ApiResult<()> {
    check(field, "index", name, INDEX_MAX, &['/'])
}

/// A namespace and a set from a path (`{ns}`, `{set}`).
pub fn ns_set(ns: &str, set_name: &str) -> ApiResult<()> {
    namespace("ns", ns)?;
    set("set", set_name)
}

/// A UDF module file name: ends in `.lua`, letters, digits, `_`, `-`, `.`, ≤ 128 bytes.
pub fn udf_filename(name: &str) -> ApiResult<()> {
    let ok = name.len() <= 128
        && name.ends_with(".lua")
        && name.len() > 4
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ApiError::field(
            "filename",
            "must end in `.lua` and use only letters, digits, `_`, `-`, `.` (at most 128 characters)",
        ))
    }
}

/// An info command part refused by the builder, as a 400 naming the part.
pub fn unsafe_part(e: UnsafePart) -> ApiError {
    ApiError::field(e.part.clone(), e.to_string())
}

/// `verb/part/...` for the info protocol, or a 400.
pub fn path_cmd(verb: &str, parts: &[&str]) -> ApiResult<InfoCommand> {
    InfoCommand::path(verb, parts).map_err(unsafe_part)
}

/// `verb:k=v;...` for the info protocol, or a 400.
pub fn params_cmd(verb: &str, params: &[(&str, &str)]) -> ApiResult<InfoCommand> {
    InfoCommand::with_params(verb, params).map_err(unsafe_part)
}

/// A bare verb (a constant of the code).
pub fn verb_cmd(verb: &str) -> ApiResult<InfoCommand> {
    InfoCommand::verb(verb).map_err(unsafe_part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_limits_and_separators() {
        assert!(namespace("ns", "test").is_ok());
        assert!(namespace("ns", &"n".repeat(31)).is_ok());
        assert_eq!(
            namespace("ns", &"n".repeat(32)).unwrap_err().fields[0].field,
            "ns"
        );
        assert!(set("set", &"s".repeat(63)).is_ok());
        assert!(set("set", &"s".repeat(64)).is_err());
        assert!(set("set", "").is_ok());
        assert!(bin("bin", &"b".repeat(15)).is_ok());
        assert!(bin("bin", &"b".repeat(16)).is_err());
        assert!(index("name", &"i".repeat(255)).is_ok());
        assert!(index("name", &"i".repeat(256)).is_err());
        for bad in ["a\nb", "a;b", "a:b", "a=b", "a\tb", "a\u{7f}b"] {
            assert!(namespace("ns", bad).is_err(), "{bad:?}");
            assert!(set("set", bad).is_err(), "{bad:?}");
            assert!(bin("bin", bad).is_err(), "{bad:?}");
            assert!(index("name", bad).is_err(), "{bad:?}");
        }
        assert!(namespace("ns", "a/b").is_err());
        assert!(set("set", "a/b").is_ok());
        let e = set("newSet", "x;y").unwrap_err();
        assert_eq!(e.fields[0].field, "newSet");
        assert!(e.fields[0].message.contains('`'), "{}", e.fields[0].message);
    }

    #[test]
    fn udf_filenames() {
        assert!(udf_filename("example.lua").is_ok());
        assert!(udf_filename("../x.lua").is_err());
        assert!(udf_filename("x.txt").is_err());
        assert!(udf_filename(".lua").is_err());
        assert!(udf_filename("a;b.lua").is_err());
    }
}
