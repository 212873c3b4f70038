//! Converting the model back to `aerospikeConfig` JSON (for importing an existing
//! aerospike.conf). The inverse of [`crate::from_spec()`]: for any model built by
//! `from_spec`, `from_spec(to_spec_json(m)) == m`, and for a parsed file the rendered text
//! is the same up to the canonical order.
//!
//! Mapping: `namespace x {}` → `namespaces: [{name: x, ..}]`; `logging` → a list of sinks
//! (`console`, `syslog` or the file path as `name`, `context a b` → `a: b`);
//! `storage-engine t {..}` / `index-type` / `sindex-type` → `{type: t, ..}`; a key that
//! appears once → a scalar, repeated → a list; `device`/`file`/`set` → `devices`/`files`/
//! `sets` lists; `mesh-seed-address-port` → always a list; stanzas with arguments → a list
//! of maps with `name`. A single word that is a canonical integer becomes a JSON number,
//! `true`/`false` a boolean, anything else a string (words joined by one space).

use serde_json::{Map, Number, Value};

use crate::error::ConfError;
use crate::from_spec::{PLURAL_ALIASES, SYSLOG_PARAMS};
use crate::model::{AerospikeConf, Item, Line, Stanza};

const ALWAYS_LIST: &[&str] = &["mesh-seed-address-port"];
const TYPED_STANZAS: &[&str] = &["storage-engine", "index-type", "sindex-type"];

/// Converts the model to `aerospikeConfig` JSON.
///
/// Fails (naming the config path) on shapes the JSON form cannot express: top-level
/// lines, a key used both as a line and a stanza in one place, repeated stanzas without
/// arguments, logging items that are not sinks, or sink lines other than `context`.
pub fn to_spec_json(conf: &AerospikeConf) -> Result<Value, ConfError> {
    let mut root = Map::new();
    let mut namespaces = Vec::new();
    let mut rest: Vec<Item> = Vec::new();
    for item in &conf.items {
        match item {
            Item::Line(l) => {
                return Err(ConfError::new(
                    &l.key,
                    "a top-level line has no aerospikeConfig form; put it inside a stanza",
                ));
            }
            Item::Stanza(s) if s.name == "namespace" => {
                namespaces.push(named_map(
                    s,
                    "namespace",
                    &format!("namespace[{}]", s.args.join(" ")),
                )?);
            }
            Item::Stanza(s) if s.name == "logging" && s.args.is_empty() => {
                if root.contains_key("logging") {
                    return Err(ConfError::new(
                        "logging",
                        "more than one logging stanza; merge them",
                    ));
                }
                root.insert("logging".into(), logging_json(s)?);
            }
            other => rest.push(other.clone()),
        }
    }
    let body = body_json(&rest, "", "")?;
    for (k, v) in body {
        if root.contains_key(&k) {
            return Err(ConfError::new(
                &k,
                "appears more than once at the top level; merge the stanzas",
            ));
        }
        root.insert(k, v);
    }
    if !namespaces.is_empty() {
        root.insert("namespaces".into(), Value::Array(namespaces));
    }
    Ok(Value::Object(root))
}

/// JSON scalar for a line's values.
pub(crate) fn values_json(values: &[String]) -> Value {
    if let [one] = values {
        if one == "true" {
            return Value::Bool(true);
        }
        if one == "false" {
            return Value::Bool(false);
        }
        if let Ok(i) = one.parse::<i64>()
            && i.to_string() == *one
        {
            return Value::Number(Number::from(i));
        }
    }
    Value::String(values.join(" "))
}

fn named_map(s: &Stanza, context: &str, path: &str) -> Result<Value, ConfError> {
    let mut m = Map::new();
    m.insert("name".into(), values_json(&s.args));
    for (k, v) in body_json(&s.items, context, path)? {
        if k == "name" {
            return Err(ConfError::new(
                format!("{path}.name"),
                "a key named `name` inside a named stanza has no aerospikeConfig form",
            ));
        }
        m.insert(k, v);
    }
    Ok(Value::Object(m))
}

fn json_key(context: &str, key: &str) -> String {
    PLURAL_ALIASES
        .iter()
        .find(|(ctx, _, singular)| *ctx == context && *singular == key)
        .map_or_else(|| key.to_string(), |(_, plural, _)| (*plural).to_string())
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Converts stanza items to a JSON map (keys in first-appearance order).
fn body_json(items: &[Item], context: &str, path: &str) -> Result<Map<String, Value>, ConfError> {
    // Group by key, keeping first-appearance order.
    let mut keys: Vec<(&str, bool)> = Vec::new();
    for item in items {
        let (k, is_line) = match item {
            Item::Line(l) => (l.key.as_str(), true),
            Item::Stanza(s) => (s.name.as_str(), false),
        };
        match keys.iter().find(|(seen, _)| *seen == k) {
            Some((_, was_line)) if *was_line != is_line && !TYPED_STANZAS.contains(&k) => {
                return Err(ConfError::new(
                    join(path, k),
                    "used both as a line and as a stanza; keep one form",
                ));
            }
            Some(_) => {}
            None => keys.push((k, is_line)),
        }
    }
    let mut out = Map::new();
    for (key, _) in keys {
        let kpath = join(path, key);
        let ctx = join(context, key);
        let jkey = json_key(context, key);
        let lines: Vec<&Line> = items
            .iter()
            .filter_map(|i| match i {
                Item::Line(l) if l.key == key => Some(l),
                _ => None,
            })
            .collect();
        let stanzas: Vec<&Stanza> = items
            .iter()
            .filter_map(|i| match i {
                Item::Stanza(s) if s.name == key => Some(s),
                _ => None,
            })
            .collect();
        let value = if TYPED_STANZAS.contains(&key) {
            if lines.len() + stanzas.len() != 1 {
                return Err(ConfError::new(kpath, "appears more than once; keep one"));
            }
            let mut m = Map::new();
            match (lines.first(), stanzas.first()) {
                (Some(l), _) => {
                    m.insert("type".into(), values_json(&l.values));
                }
                (None, Some(s)) => {
                    m.insert("type".into(), values_json(&s.args));
                    for (k, v) in body_json(&s.items, &ctx, &kpath)? {
                        if k == "type" {
                            return Err(ConfError::new(
                                format!("{kpath}.type"),
                                "a `type` line inside this stanza has no aerospikeConfig form",
                            ));
                        }
                        m.insert(k, v);
                    }
                }
                (None, None) => {}
            }
            Value::Object(m)
        } else if !lines.is_empty() {
            let always_list = ALWAYS_LIST.contains(&key) || jkey != key;
            if lines.len() == 1 && !always_list {
                values_json(&lines[0].values)
            } else {
                Value::Array(lines.iter().map(|l| values_json(&l.values)).collect())
            }
        } else if stanzas.iter().all(|s| s.args.is_empty()) {
            if stanzas.len() > 1 {
                return Err(ConfError::new(
                    kpath,
                    "stanza appears more than once; merge them",
                ));
            }
            Value::Object(body_json(&stanzas[0].items, &ctx, &kpath)?)
        } else if stanzas.iter().all(|s| !s.args.is_empty()) {
            let mut list = Vec::new();
            for s in &stanzas {
                list.push(named_map(
                    s,
                    &ctx,
                    &format!("{kpath}[{}]", s.args.join(" ")),
                )?);
            }
            Value::Array(list)
        } else {
            return Err(ConfError::new(
                kpath,
                "mixes stanzas with and without arguments; keep one form",
            ));
        };
        out.insert(jkey, value);
    }
    Ok(out)
}

fn logging_json(logging: &Stanza) -> Result<Value, ConfError> {
    let mut sinks = Vec::new();
    for item in &logging.items {
        let Item::Stanza(s) = item else {
            return Err(ConfError::new(
                "logging",
                "only sink stanzas (console, syslog, file) can appear in logging",
            ));
        };
        let name = match (s.name.as_str(), s.args.as_slice()) {
            ("console", []) => "console".to_string(),
            ("syslog", []) => "syslog".to_string(),
            ("file", [path]) => path.clone(),
            _ => {
                return Err(ConfError::new(
                    format!("logging.{}", s.name),
                    "unknown log sink; use console {}, syslog {} or file <path> {}",
                ));
            }
        };
        let spath = format!("logging.{}", s.name);
        let mut m = Map::new();
        m.insert("name".into(), Value::String(name));
        for it in &s.items {
            match it {
                Item::Line(l) if s.name == "syslog" && SYSLOG_PARAMS.contains(&l.key.as_str()) => {
                    m.insert(l.key.clone(), values_json(&l.values));
                }
                Item::Line(l)
                    if l.key == "context" && l.values.len() >= 2 && l.values[0] != "name" =>
                {
                    m.insert(l.values[0].clone(), values_json(&l.values[1..]));
                }
                _ => {
                    return Err(ConfError::new(
                        spath,
                        "only `context <context> <level>` lines can be expressed in aerospikeConfig logging",
                    ));
                }
            }
        }
        sinks.push(Value::Object(m));
    }
    Ok(Value::Array(sinks))
}

impl AerospikeConf {
    /// Converts this model to `aerospikeConfig` JSON (see [`to_spec_json`]).
    pub fn to_spec_json(&self) -> Result<Value, ConfError> {
        to_spec_json(self)
    }
}
