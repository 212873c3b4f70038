//! Building info commands safely.
//!
//! An info request is a list of commands separated by `\n`, and inside one command the
//! server splits `verb:k=v;k=v` on `:`, `;` and `=` (and `namespace/<ns>`-style commands
//! on `/`). A name taken from a user (namespace, set, index, UDF file) that contains one
//! of those bytes changes the command: `namespace/test\ntruncate-namespace:namespace=bar`
//! is two commands. [`InfoCommand`] is the only way to build a command from parts: every
//! part is checked and a separator is refused with an [`UnsafePart`] naming the part, so
//! a caller cannot forget.
//!
//! ```
//! use asinfo::command::InfoCommand;
//! let c = InfoCommand::with_params("sindex-list", &[("ns", "test")]).unwrap();
//! assert_eq!(c.as_str(), "sindex-list:ns=test");
//! let c = InfoCommand::path("namespace", &["test"]).unwrap();
//! assert_eq!(c.as_str(), "namespace/test");
//! assert!(InfoCommand::path("namespace", &["test\ntruncate-namespace:namespace=bar"]).is_err());
//! ```

use std::fmt;

/// A checked info command: one line, every part free of the separators that would
/// change its meaning.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InfoCommand(String);

/// A part of a command that would change the command's meaning.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part} `{}` {reason}", .value.escape_debug())]
pub struct UnsafePart {
    /// Which part: the parameter key (`ns`, `set`, `filename`, ...), `verb` or `path`.
    pub part: String,
    /// The refused value.
    pub value: String,
    /// Why, in words.
    pub reason: &'static str,
}

const CONTROL: &str = "must not contain control characters (newline, tab, ...)";

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

fn check(
    part: &str,
    value: &str,
    forbidden: &[char],
    reason: &'static str,
) -> Result<(), UnsafePart> {
    let err = |reason| UnsafePart {
        part: part.to_string(),
        value: value.to_string(),
        reason,
    };
    if has_control(value) {
        return Err(err(CONTROL));
    }
    if value.contains(forbidden) {
        return Err(err(reason));
    }
    Ok(())
}

fn check_verb(verb: &str) -> Result<(), UnsafePart> {
    if verb.is_empty() {
        return Err(UnsafePart {
            part: "verb".into(),
            value: String::new(),
            reason: "must not be empty",
        });
    }
    check(
        "verb",
        verb,
        &[':', ';', '=', '/'],
        "must not contain `:`, `;`, `=` or `/`",
    )
}

impl InfoCommand {
    /// A bare verb such as `statistics` or `namespaces`.
    pub fn verb(verb: &str) -> Result<Self, UnsafePart> {
        check_verb(verb)?;
        Ok(Self(verb.to_string()))
    }

    /// `verb/part/part`, e.g. `namespace/test` or `sets/test/users`. Parts must be
    /// non-empty and free of `/`, `:`, `;`, `=` and control characters.
    pub fn path(verb: &str, parts: &[&str]) -> Result<Self, UnsafePart> {
        check_verb(verb)?;
        let mut s = verb.to_string();
        for p in parts {
            if p.is_empty() {
                return Err(UnsafePart {
                    part: "path".into(),
                    value: String::new(),
                    reason: "must not be empty",
                });
            }
            check(
                "path",
                p,
                &['/', ':', ';', '='],
                "must not contain `/`, `:`, `;` or `=`",
            )?;
            s.push('/');
            s.push_str(p);
        }
        Ok(Self(s))
    }

    /// `verb:k=v;k=v`. Keys and values must be free of `:`, `;`, `=` and control
    /// characters (values may be empty). Use [`InfoCommand::with_opaque_last`] for a
    /// last value that legitimately contains `=` (base64 content).
    pub fn with_params(verb: &str, params: &[(&str, &str)]) -> Result<Self, UnsafePart> {
        Self::build(verb, params, None)
    }

    /// Like [`InfoCommand::with_params`], then `;key=value` where `value` may contain
    /// `=` (base64 padding) but no `:`, `;` or control characters, e.g. `udf-put` content.
    pub fn with_opaque_last(
        verb: &str,
        params: &[(&str, &str)],
        last: (&str, &str),
    ) -> Result<Self, UnsafePart> {
        Self::build(verb, params, Some(last))
    }

    fn build(
        verb: &str,
        params: &[(&str, &str)],
        last: Option<(&str, &str)>,
    ) -> Result<Self, UnsafePart> {
        check_verb(verb)?;
        let mut s = verb.to_string();
        s.push(':');
        let mut first = true;
        for (k, v) in params {
            check(k, k, &[':', ';', '='], "must not contain `:`, `;` or `=`")?;
            check(k, v, &[':', ';', '='], "must not contain `:`, `;` or `=`")?;
            if !first {
                s.push(';');
            }
            first = false;
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        }
        if let Some((k, v)) = last {
            check(k, k, &[':', ';', '='], "must not contain `:`, `;` or `=`")?;
            check(k, v, &[':', ';'], "must not contain `:` or `;`")?;
            if !first {
                s.push(';');
            }
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        }
        Ok(Self(s))
    }

    /// A whole command typed by a user (the info console): one line, no control
    /// characters, at most `max_len` bytes. Its content is the user's to choose.
    pub fn one_line(text: &str, max_len: usize) -> Result<Self, UnsafePart> {
        let err = |reason| UnsafePart {
            part: "command".into(),
            value: text.to_string(),
            reason,
        };
        if text.is_empty() {
            return Err(err("must not be empty"));
        }
        if text.len() > max_len {
            return Err(err("is too long"));
        }
        if has_control(text) {
            return Err(err(CONTROL));
        }
        Ok(Self(text.to_string()))
    }

    /// The command text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InfoCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for InfoCommand {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn builds_the_usual_shapes() {
        assert_eq!(
            InfoCommand::verb("statistics").unwrap().as_str(),
            "statistics"
        );
        assert_eq!(
            InfoCommand::path("sets", &["test", "users"])
                .unwrap()
                .as_str(),
            "sets/test/users"
        );
        assert_eq!(
            InfoCommand::with_params("truncate", &[("namespace", "test"), ("set", "s")])
                .unwrap()
                .as_str(),
            "truncate:namespace=test;set=s"
        );
        assert_eq!(
            InfoCommand::with_opaque_last("udf-put", &[("filename", "a.lua")], ("content", "QQ=="))
                .unwrap()
                .as_str(),
            "udf-put:filename=a.lua;content=QQ=="
        );
        assert_eq!(
            InfoCommand::with_params("latencies", &[]).unwrap().as_str(),
            "latencies:"
        );
    }

    #[test]
    fn refuses_separators_naming_the_part() {
        for bad in ["a\nb", "a;b", "a:b", "a=b", "a\tb", "a\rb", "a\0b"] {
            let e = InfoCommand::with_params("sindex-list", &[("ns", bad)]).unwrap_err();
            assert_eq!(e.part, "ns", "{bad:?}");
            let e = InfoCommand::path("namespace", &[bad]).unwrap_err();
            assert_eq!(e.part, "path", "{bad:?}");
        }
        assert!(InfoCommand::path("namespace", &["a/b"]).is_err());
        assert!(InfoCommand::path("namespace", &[""]).is_err());
        assert!(InfoCommand::verb("a:b").is_err());
        assert!(InfoCommand::with_opaque_last("udf-put", &[], ("content", "a;b")).is_err());
        assert!(InfoCommand::one_line("statistics\nx", 100).is_err());
        assert!(InfoCommand::one_line("get-config:context=service", 100).is_ok());
        let e = InfoCommand::with_params("x", &[("set", "a\nb")]).unwrap_err();
        assert!(e.to_string().contains("a\\nb"), "{e}");
    }

    proptest! {
        /// Whatever the parts, a built command is one line and keeps its shape: as many
        /// `;`-separated parameters as given, each with one `=`.
        #[test]
        fn built_commands_keep_their_shape(ns in "\\PC*", set in "\\PC*") {
            if let Ok(c) = InfoCommand::with_params("truncate", &[("namespace", &ns), ("set", &set)]) {
                let s = c.as_str();
                prop_assert!(!s.contains('\n'));
                let (_, rest) = s.split_once(':').unwrap();
                prop_assert_eq!(rest.split(';').count(), 2);
                prop_assert!(rest.split(';').all(|p| p.matches('=').count() == 1));
            }
            if let Ok(c) = InfoCommand::path("namespace", &[&ns]) {
                prop_assert_eq!(c.as_str().matches('/').count(), 1);
                prop_assert!(!c.as_str().contains([':', ';', '=', '\n']));
            }
        }
    }
}
