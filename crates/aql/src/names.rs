//! Name rules. Every name the parser accepts passes these checks, so a name from an AQL
//! statement can be placed in an info command (`sindex-list:ns=<ns>`, `sindex/<ns>/<name>`,
//! `udf-get:filename=<file>`, ...) without changing its structure.
//!
//! Limits are the server's: namespace ≤ 31 bytes, set ≤ 63, bin ≤ 15, index name ≤ 255
//! (Aerospike allows 255 for index names; the manager's index form is stricter). Characters
//! that separate info-command fields (`;`, `:`, `=`, `/`, `,`) and control characters are
//! refused everywhere.

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// Namespace.
    Namespace,
    /// Set.
    Set,
    /// Bin.
    Bin,
    /// Secondary index.
    Index,
    /// UDF function (a Lua identifier).
    Function,
    /// UDF module name without `.lua`.
    Module,
}

impl NameKind {
    /// Maximum length in bytes.
    pub fn max_len(self) -> usize {
        match self {
            NameKind::Namespace => 31,
            NameKind::Set => 63,
            NameKind::Bin => 15,
            NameKind::Index => 255,
            NameKind::Function => 127,
            NameKind::Module => 123,
        }
    }

    /// Lowercase noun for messages.
    pub fn noun(self) -> &'static str {
        match self {
            NameKind::Namespace => "namespace",
            NameKind::Set => "set",
            NameKind::Bin => "bin",
            NameKind::Index => "index",
            NameKind::Function => "function",
            NameKind::Module => "module",
        }
    }
}

/// Characters never allowed in a name (info-command separators).
pub const FORBIDDEN: &[char] = &[';', ':', '=', '/', ','];

/// Check a name; the error says what is wrong and what is allowed.
pub fn check(kind: NameKind, name: &str) -> Result<(), String> {
    let noun = kind.noun();
    if name.is_empty() {
        return Err(format!("the {noun} name is empty"));
    }
    if name.len() > kind.max_len() {
        return Err(format!(
            "{noun} name `{}` is {} bytes; at most {} are allowed",
            name.escape_debug(),
            name.len(),
            kind.max_len()
        ));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{noun} name `{}` contains the control character {:?}",
            name.escape_debug(),
            c
        ));
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        return Err(format!(
            "{noun} name `{name}` contains `{c}`; names cannot contain ; : = / ,"
        ));
    }
    match kind {
        NameKind::Function => {
            let ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                return Err(format!(
                    "function name `{name}` is not a Lua identifier (letters, digits, `_`)"
                ));
            }
        }
        NameKind::Module
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
                || name.starts_with('.') =>
        {
            return Err(format!(
                "module name `{name}` may use only letters, digits, `_`, `-`, `.`"
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Check a UDF module file name (`name.lua`, at most 128 bytes, letters, digits, `_-.`).
pub fn check_filename(name: &str) -> Result<(), String> {
    let Some(stem) = name.strip_suffix(".lua") else {
        return Err(format!(
            "module file `{}` must end in `.lua`",
            name.escape_debug()
        ));
    };
    check(NameKind::Module, stem).map_err(|e| format!("module file `{name}`: {e}"))
}

/// The file name (last path component) of a `REGISTER MODULE` path.
pub fn basename(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_separators() {
        assert!(check(NameKind::Namespace, "test").is_ok());
        assert!(check(NameKind::Namespace, &"n".repeat(31)).is_ok());
        assert!(check(NameKind::Namespace, &"n".repeat(32)).is_err());
        assert!(check(NameKind::Set, &"s".repeat(63)).is_ok());
        assert!(check(NameKind::Set, &"s".repeat(64)).is_err());
        assert!(check(NameKind::Bin, &"b".repeat(15)).is_ok());
        assert!(check(NameKind::Bin, &"b".repeat(16)).is_err());
        assert!(check(NameKind::Index, &"i".repeat(255)).is_ok());
        assert!(check(NameKind::Index, &"i".repeat(256)).is_err());
        for bad in [
            "a;b", "a:b", "a=b", "a/b", "a,b", "a\nb", "a\tb", "\u{7f}", "",
        ] {
            assert!(check(NameKind::Set, bad).is_err(), "{bad:?}");
        }
        assert!(check(NameKind::Set, "my set-ü").is_ok());
        assert!(check(NameKind::Function, "add_1").is_ok());
        assert!(check(NameKind::Function, "1add").is_err());
        assert!(check_filename("agg.lua").is_ok());
        assert!(check_filename("../x.lua").is_err());
        assert!(check_filename("x.txt").is_err());
        assert_eq!(basename("/opt/udf/agg.lua"), "agg.lua");
        assert_eq!(basename("agg.lua"), "agg.lua");
    }
}
