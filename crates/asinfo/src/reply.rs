//! The shared reply-level error model: classifies a raw info value before typed parsing.
//!
//! Aerospike reports failures inside the value in several shapes:
//! `ERROR:<code>:<message>` (code 1 is written `ERROR::message`), `FAIL:<code>:<message>`,
//! `error=<kind>;k=v...` (udf-get / udf-put), `type=unknown` (namespace/<unknown>) and
//! `ns_type=unknown` (sets/<unknown>, sindex/<unknown>). Some commands also answer an
//! empty value where a payload is expected.

use std::collections::BTreeMap;

use serde::Serialize;
use thiserror::Error;

/// A reply that is not a usable value, or a value a typed parser could not read.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum ReplyError {
    /// `ERROR:<code>:<message>`.
    #[error("server error{}: {message}", fmt_code(*code))]
    Error {
        /// Numeric code (None when absent, as in `ERROR::msg`, or not a number).
        code: Option<u32>,
        /// Message text.
        message: String,
    },
    /// `FAIL:<code>:<message>`.
    #[error("server failure{}: {message}", fmt_code(*code))]
    Fail {
        /// Numeric code, if any.
        code: Option<u32>,
        /// Message text.
        message: String,
    },
    /// `error=<kind>[;k=v...]` (UDF commands).
    #[error("server error {kind}{}", fmt_fields(fields))]
    Keyed {
        /// The value of `error=` (e.g. `not_found`, `compile_error`).
        kind: String,
        /// Other `k=v` fields (e.g. `file`, `line`, `message`).
        fields: BTreeMap<String, String>,
    },
    /// `type=unknown`: the namespace does not exist on this node.
    #[error("unknown namespace (reply type=unknown): check the name with the `namespaces` command")]
    UnknownType,
    /// `ns_type=unknown`: the namespace does not exist on this node.
    #[error(
        "unknown namespace (reply ns_type=unknown): check the name with the `namespaces` command"
    )]
    UnknownNamespace,
    /// An empty value where one was required.
    #[error("empty reply where a value was expected")]
    Empty,
    /// The value is not in the expected format.
    #[error("cannot parse {what} reply: {detail}")]
    Malformed {
        /// Which reply kind was being parsed.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
}

fn fmt_code(code: Option<u32>) -> String {
    code.map(|c| format!(" {c}")).unwrap_or_default()
}

fn fmt_fields(fields: &BTreeMap<String, String>) -> String {
    if fields.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(" ({})", parts.join(", "))
}

impl ReplyError {
    /// The numeric `ERROR`/`FAIL` code, if any.
    pub fn code(&self) -> Option<u32> {
        match self {
            ReplyError::Error { code, .. } | ReplyError::Fail { code, .. } => *code,
            _ => None,
        }
    }

    /// True for `ERROR:4:unrecognized command` (the command does not exist on this server).
    pub fn is_unrecognized_command(&self) -> bool {
        matches!(self, ReplyError::Error { code: Some(4), message } if message == "unrecognized command")
    }

    /// True when the reply says the namespace does not exist.
    pub fn is_unknown_namespace(&self) -> bool {
        matches!(self, ReplyError::UnknownType | ReplyError::UnknownNamespace)
            || matches!(self, ReplyError::Error { code: Some(20), .. })
    }

    pub(crate) fn malformed(what: &'static str, detail: impl Into<String>) -> Self {
        ReplyError::Malformed {
            what,
            detail: detail.into(),
        }
    }
}

/// Classification of a raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified<'a> {
    /// A normal, non-empty value.
    Value(&'a str),
    /// An empty value (legitimate for some commands, e.g. `services` on one node).
    Empty,
    /// An error reply.
    Error(ReplyError),
}

/// Classifies a raw value (surrounding whitespace ignored).
pub fn classify(raw: &str) -> Classified<'_> {
    let value = raw.trim();
    if value.is_empty() {
        return Classified::Empty;
    }
    if let Some(rest) = value.strip_prefix("ERROR")
        && (rest.is_empty() || rest.starts_with(':'))
    {
        let (code, message) = split_code(rest.strip_prefix(':').unwrap_or(""));
        return Classified::Error(ReplyError::Error { code, message });
    }
    if let Some(rest) = value.strip_prefix("FAIL")
        && (rest.is_empty() || rest.starts_with(':'))
    {
        let (code, message) = split_code(rest.strip_prefix(':').unwrap_or(""));
        return Classified::Error(ReplyError::Fail { code, message });
    }
    if let Some(rest) = value.strip_prefix("error=") {
        let mut parts = rest.split(';');
        let kind = parts.next().unwrap_or("").to_owned();
        let fields = parts
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (p.to_owned(), String::new()),
            })
            .collect();
        return Classified::Error(ReplyError::Keyed { kind, fields });
    }
    match value {
        "type=unknown" => Classified::Error(ReplyError::UnknownType),
        "ns_type=unknown" => Classified::Error(ReplyError::UnknownNamespace),
        _ => Classified::Value(value),
    }
}

fn split_code(rest: &str) -> (Option<u32>, String) {
    match rest.split_once(':') {
        Some((code, message)) => (code.trim().parse().ok(), message.to_owned()),
        None => match rest.trim().parse() {
            Ok(code) => (Some(code), String::new()),
            Err(_) => (None, rest.to_owned()),
        },
    }
}

/// The value, or an error for error replies **and** empty values.
pub fn require(raw: &str) -> Result<&str, ReplyError> {
    match classify(raw) {
        Classified::Value(v) => Ok(v),
        Classified::Empty => Err(ReplyError::Empty),
        Classified::Error(e) => Err(e),
    }
}

/// The value (possibly `""`), or an error for error replies.
pub fn allow_empty(raw: &str) -> Result<&str, ReplyError> {
    match classify(raw) {
        Classified::Value(v) => Ok(v),
        Classified::Empty => Ok(""),
        Classified::Error(e) => Err(e),
    }
}

/// Parses a plain `ok` acknowledgement (set-config, sindex-create, truncate...).
pub fn parse_ok(raw: &str) -> Result<(), ReplyError> {
    match require(raw)? {
        "ok" => Ok(()),
        other => Err(ReplyError::malformed(
            "ok",
            format!("expected `ok`, got {other:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_error_shape() {
        assert_eq!(
            classify("ERROR:7:unstable cluster"),
            Classified::Error(ReplyError::Error {
                code: Some(7),
                message: "unstable cluster".into()
            })
        );
        assert_eq!(
            classify("ERROR::bad thing"),
            Classified::Error(ReplyError::Error {
                code: None,
                message: "bad thing".into()
            })
        );
        assert_eq!(
            classify("ERROR"),
            Classified::Error(ReplyError::Error {
                code: None,
                message: String::new()
            })
        );
        assert_eq!(
            classify("FAIL:51:no security"),
            Classified::Error(ReplyError::Fail {
                code: Some(51),
                message: "no security".into()
            })
        );
        let keyed = classify("error=compile_error;file=broken.lua;line=2;message=abc=");
        let Classified::Error(ReplyError::Keyed { kind, fields }) = keyed else {
            panic!("not keyed: {keyed:?}")
        };
        assert_eq!(kind, "compile_error");
        assert_eq!(fields["line"], "2");
        assert_eq!(fields["message"], "abc=");
        assert_eq!(
            classify("type=unknown"),
            Classified::Error(ReplyError::UnknownType)
        );
        assert_eq!(
            classify("ns_type=unknown"),
            Classified::Error(ReplyError::UnknownNamespace)
        );
        assert_eq!(classify(""), Classified::Empty);
        assert_eq!(classify("ERRORS=1"), Classified::Value("ERRORS=1"));
        assert_eq!(classify("ok"), Classified::Value("ok"));
    }

    #[test]
    fn helpers() {
        assert!(parse_ok("ok").is_ok());
        assert!(matches!(
            parse_ok("nope"),
            Err(ReplyError::Malformed { .. })
        ));
        assert_eq!(parse_ok(""), Err(ReplyError::Empty));
        assert_eq!(allow_empty(""), Ok(""));
        let e = require("ERROR:4:unrecognized command").unwrap_err();
        assert!(e.is_unrecognized_command());
        assert_eq!(e.code(), Some(4));
        assert!(require("type=unknown").unwrap_err().is_unknown_namespace());
        assert_eq!(e.to_string(), "server error 4: unrecognized command");
    }
}
