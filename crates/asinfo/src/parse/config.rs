//! `get-config:context=...` replies, and safe builders for `get-config` / `set-config`
//! commands (a `set-config` reply is `ok` or an `ERROR:...`, see [`crate::reply::parse_ok`]).

use std::collections::BTreeMap;

use thiserror::Error;

use super::kv::semicolon_pairs;
use crate::reply::{ReplyError, allow_empty};

/// Parses `get-config:context=...`: a flat `k=v;` map (keys such as
/// `storage-engine.stop-writes-used-pct` kept as sent). Empty is valid (`security` and `xdr`
/// on CE); an unknown context is `ERROR:4:invalid context`.
pub fn parse_config(raw: &str) -> Result<BTreeMap<String, String>, ReplyError> {
    Ok(semicolon_pairs(allow_empty(raw)?))
}

/// A command argument that would break the info syntax.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "{what} {value:?} is not allowed in an info command: it must be non-empty and contain none of ; : = , TAB or newline"
)]
pub struct CommandError {
    /// Which argument.
    pub what: &'static str,
    /// The rejected text.
    pub value: String,
}

fn check<'a>(what: &'static str, value: &'a str) -> Result<&'a str, CommandError> {
    let bad = value.is_empty()
        || value
            .chars()
            .any(|c| matches!(c, ';' | ':' | '=' | ',' | '\t' | '\n' | '\r'));
    if bad {
        Err(CommandError {
            what,
            value: value.to_owned(),
        })
    } else {
        Ok(value)
    }
}

/// `get-config:context=<context>[;namespace=<ns>]`.
pub fn get_config_command(context: &str, namespace: Option<&str>) -> Result<String, CommandError> {
    let mut cmd = format!("get-config:context={}", check("context", context)?);
    if let Some(ns) = namespace {
        cmd.push_str(&format!(";namespace={}", check("namespace", ns)?));
    }
    Ok(cmd)
}

/// `set-config:context=<context>[;namespace=<ns>];<param>=<value>`.
///
/// Uses `namespace=` (8.1 logs `id=` as a deprecated alias). Every part is checked so a
/// value cannot inject another parameter.
pub fn set_config_command(
    context: &str,
    namespace: Option<&str>,
    param: &str,
    value: &str,
) -> Result<String, CommandError> {
    let mut cmd = format!("set-config:context={}", check("context", context)?);
    if let Some(ns) = namespace {
        cmd.push_str(&format!(";namespace={}", check("namespace", ns)?));
    }
    cmd.push_str(&format!(
        ";{}={}",
        check("parameter", param)?,
        check("value", value)?
    ));
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_validate_every_part() {
        assert_eq!(
            set_config_command("namespace", Some("test"), "default-ttl", "0").unwrap(),
            "set-config:context=namespace;namespace=test;default-ttl=0"
        );
        assert_eq!(
            set_config_command("service", None, "proto-fd-max", "15000").unwrap(),
            "set-config:context=service;proto-fd-max=15000"
        );
        assert_eq!(
            get_config_command("namespace", Some("test")).unwrap(),
            "get-config:context=namespace;namespace=test"
        );
        assert!(set_config_command("service", None, "proto-fd-max", "1;x=2").is_err());
        assert!(set_config_command("service", None, "", "1").is_err());
        assert!(get_config_command("ser\nvice", None).is_err());
        assert!(get_config_command("namespace", Some("a:b")).is_err());
    }
}
