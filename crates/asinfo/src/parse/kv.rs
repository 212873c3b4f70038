//! Low-level splitting of `k=v` lists and typed field access.

use std::collections::BTreeMap;

use crate::reply::ReplyError;

/// Splits `k1=v1<sep>k2=v2...` into an ordered map. Empty items are skipped; an item
/// without `=` is kept with an empty value. Later duplicates win.
pub fn split_pairs(value: &str, sep: char) -> BTreeMap<String, String> {
    value
        .split(sep)
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (item.to_owned(), String::new()),
        })
        .collect()
}

/// Splits `;`-separated `k=v` pairs (statistics, namespace, get-config, sindex stats).
pub fn semicolon_pairs(value: &str) -> BTreeMap<String, String> {
    split_pairs(value, ';')
}

/// Takes typed fields out of a map, leaving unknown keys in place.
#[derive(Debug)]
pub struct Fields {
    what: &'static str,
    map: BTreeMap<String, String>,
}

impl Fields {
    /// Wraps a map for the reply kind `what` (used in error messages).
    pub fn new(what: &'static str, map: BTreeMap<String, String>) -> Self {
        Fields { what, map }
    }

    /// Removes `key` as a string (`null` counts as absent).
    pub fn string(&mut self, key: &str) -> Option<String> {
        self.map.remove(key).filter(|v| v != "null")
    }

    /// Removes `key` as an unsigned number. A value that is not a number is an error.
    pub fn u64(&mut self, key: &str) -> Result<Option<u64>, ReplyError> {
        self.parsed(key, |v| v.parse::<u64>().ok())
    }

    /// Removes `key` as a signed number.
    pub fn i64(&mut self, key: &str) -> Result<Option<i64>, ReplyError> {
        self.parsed(key, |v| v.parse::<i64>().ok())
    }

    /// Removes `key` as a float.
    pub fn f64(&mut self, key: &str) -> Result<Option<f64>, ReplyError> {
        self.parsed(key, |v| v.parse::<f64>().ok().filter(|f| f.is_finite()))
    }

    /// Removes `key` as `true`/`false`.
    pub fn bool(&mut self, key: &str) -> Result<Option<bool>, ReplyError> {
        self.parsed(key, parse_bool)
    }

    fn parsed<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, ReplyError> {
        match self.map.remove(key) {
            None => Ok(None),
            Some(v) if v == "null" => Ok(None),
            Some(v) => match parse(&v) {
                Some(t) => Ok(Some(t)),
                None => {
                    let detail = format!("field {key}={v:?} has an unexpected format");
                    self.map.insert(key.to_owned(), v);
                    Err(ReplyError::malformed(self.what, detail))
                }
            },
        }
    }

    /// The remaining (unknown) keys.
    pub fn rest(self) -> BTreeMap<String, String> {
        self.map
    }
}

/// Parses `true`/`false`.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Reads a required unsigned number.
pub fn required_u64(what: &'static str, value: &str) -> Result<u64, ReplyError> {
    value.trim().parse().map_err(|_| {
        ReplyError::malformed(what, format!("expected an unsigned number, got {value:?}"))
    })
}
