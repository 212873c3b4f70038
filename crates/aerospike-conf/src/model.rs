//! The typed, ordered model of an `aerospike.conf` file.
//!
//! aerospike.conf is a tree of *stanzas* (`name [args...] { ... }`) holding *lines*
//! (`key [values...]`). Order matters to the server in a few places (logging contexts are
//! applied in order, `device` lines define the device order), and keys may repeat
//! (`device`, `file`, `mesh-seed-address-port`, `address`, `context`), so the model is an
//! ordered list of [`Item`]s rather than a map.
//!
//! Every token stored in the model is a non-empty string without whitespace, `{`, `}` or
//! `#`; the constructors [`Line::new`] and [`Stanza::new`] enforce this, so every model can
//! be rendered and parsed back to itself.

use crate::error::ConfError;

/// One `key value...` line, e.g. `mesh-seed-address-port 10.0.0.1 3002` is key
/// `mesh-seed-address-port` with values `["10.0.0.1", "3002"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Line {
    /// The parameter name, e.g. `replication-factor`.
    pub key: String,
    /// The whitespace-separated value tokens (usually exactly one).
    pub values: Vec<String>,
}

/// A `name [args...] { items }` block, e.g. `namespace test { ... }` has name `namespace`
/// and args `["test"]`; `file /var/log/aerospike.log { ... }` has name `file`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stanza {
    /// The stanza keyword, e.g. `service`, `namespace`, `storage-engine`.
    pub name: String,
    /// Tokens between the name and `{`, e.g. the namespace name or `device`.
    pub args: Vec<String>,
    /// Lines and nested stanzas, in order.
    pub items: Vec<Item>,
}

/// An element of a stanza body: a line or a nested stanza.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Item {
    /// `key values...`
    Line(Line),
    /// `name args... { ... }`
    Stanza(Stanza),
}

/// A whole aerospike.conf: the ordered top-level items (normally only stanzas).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AerospikeConf {
    /// Top-level items in file order.
    pub items: Vec<Item>,
}

/// Checks that `token` can appear in aerospike.conf as one word.
///
/// `what` names the token in the error (e.g. "key", "value").
pub(crate) fn check_token(token: &str, what: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err(format!("empty {what}; give a non-empty {what}"));
    }
    if let Some(c) = token
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, '{' | '}' | '#'))
    {
        let shown = match c {
            '\n' => "a newline".to_string(),
            '\t' => "a tab".to_string(),
            c if c.is_whitespace() => "whitespace".to_string(),
            c => format!("'{c}'"),
        };
        return Err(format!(
            "{what} {token:?} contains {shown}, which aerospike.conf cannot represent; remove it"
        ));
    }
    Ok(())
}

/// Splits a free-form value string into tokens, rejecting characters aerospike.conf cannot
/// hold (`{`, `}`, `#`, newlines). Runs of spaces/tabs separate tokens.
pub(crate) fn value_tokens(text: &str) -> Result<Vec<String>, String> {
    if let Some(c) = text
        .chars()
        .find(|c| matches!(c, '{' | '}' | '#' | '\n' | '\r'))
    {
        let shown = match c {
            '\n' | '\r' => "a newline".to_string(),
            c => format!("'{c}'"),
        };
        return Err(format!(
            "value {text:?} contains {shown}, which aerospike.conf cannot represent; remove it"
        ));
    }
    let tokens: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if tokens.is_empty() {
        return Err("empty value; give a value or remove the key".to_string());
    }
    Ok(tokens)
}

impl Line {
    /// Builds a line after checking that the key and every value are valid tokens.
    pub fn new(
        key: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Line, ConfError> {
        let key = key.into();
        check_token(&key, "key").map_err(|m| ConfError::new(&key, m))?;
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        for v in &values {
            check_token(v, "value").map_err(|m| ConfError::new(&key, m))?;
        }
        Ok(Line { key, values })
    }

    /// The values joined by single spaces, as rendered (`"10.0.0.1 3002"`).
    pub fn value_text(&self) -> String {
        self.values.join(" ")
    }

    /// The first value, if any.
    pub fn first_value(&self) -> Option<&str> {
        self.values.first().map(String::as_str)
    }
}

impl Stanza {
    /// Builds an empty stanza after checking that the name and args are valid tokens.
    pub fn new(
        name: impl Into<String>,
        args: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Stanza, ConfError> {
        let name = name.into();
        check_token(&name, "stanza name").map_err(|m| ConfError::new(&name, m))?;
        let args: Vec<String> = args.into_iter().map(Into::into).collect();
        for a in &args {
            check_token(a, "stanza argument").map_err(|m| ConfError::new(&name, m))?;
        }
        Ok(Stanza {
            name,
            args,
            items: Vec::new(),
        })
    }

    /// Lines directly inside this stanza with the given key, in order.
    pub fn lines<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Line> + 'a {
        self.items.iter().filter_map(move |i| match i {
            Item::Line(l) if l.key == key => Some(l),
            _ => None,
        })
    }

    /// The first line with `key`, if any.
    pub fn line(&self, key: &str) -> Option<&Line> {
        self.items.iter().find_map(|i| match i {
            Item::Line(l) if l.key == key => Some(l),
            _ => None,
        })
    }

    /// The first value of the first line with `key` (e.g. `port` → `"3000"`).
    pub fn value(&self, key: &str) -> Option<&str> {
        self.line(key).and_then(Line::first_value)
    }

    /// Nested stanzas directly inside this one with the given name, in order.
    pub fn stanzas<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Stanza> + 'a {
        self.items.iter().filter_map(move |i| match i {
            Item::Stanza(s) if s.name == name => Some(s),
            _ => None,
        })
    }

    /// The first nested stanza with this name and exactly these args.
    pub fn stanza(&self, name: &str, args: &[&str]) -> Option<&Stanza> {
        find_stanza(&self.items, name, args)
    }

    /// Mutable access to the first nested stanza with this name and args.
    pub fn stanza_mut(&mut self, name: &str, args: &[&str]) -> Option<&mut Stanza> {
        self.items.iter_mut().find_map(|i| match i {
            Item::Stanza(s) if s.name == name && s.args_eq(args) => Some(s),
            _ => None,
        })
    }

    /// True when the stanza's args equal `args`.
    pub fn args_eq(&self, args: &[&str]) -> bool {
        self.args.len() == args.len() && self.args.iter().zip(args).all(|(a, b)| a == b)
    }
}

impl AerospikeConf {
    /// An empty configuration.
    pub fn new() -> AerospikeConf {
        AerospikeConf::default()
    }

    /// Views the top level as an anonymous stanza (convenient for the lookup helpers).
    pub(crate) fn as_root(&self) -> &[Item] {
        &self.items
    }

    /// Top-level stanzas with this name, in order (e.g. every `namespace`).
    pub fn stanzas<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Stanza> + 'a {
        self.as_root().iter().filter_map(move |i| match i {
            Item::Stanza(s) if s.name == name => Some(s),
            _ => None,
        })
    }

    /// The first top-level stanza with this name and args (`("namespace", &["test"])`).
    pub fn stanza(&self, name: &str, args: &[&str]) -> Option<&Stanza> {
        find_stanza(&self.items, name, args)
    }

    /// Mutable access to the first top-level stanza with this name and args.
    pub fn stanza_mut(&mut self, name: &str, args: &[&str]) -> Option<&mut Stanza> {
        self.items.iter_mut().find_map(|i| match i {
            Item::Stanza(s) if s.name == name && s.args_eq(args) => Some(s),
            _ => None,
        })
    }
}

fn find_stanza<'a>(items: &'a [Item], name: &str, args: &[&str]) -> Option<&'a Stanza> {
    items.iter().find_map(|i| match i {
        Item::Stanza(s) if s.name == name && s.args_eq(args) => Some(s),
        _ => None,
    })
}
