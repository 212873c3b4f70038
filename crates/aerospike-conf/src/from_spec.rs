//! Building the model from the free-form JSON of `spec.aerospikeConfig`.
//!
//! # JSON → aerospike.conf mapping
//!
//! | JSON | aerospike.conf |
//! |---|---|
//! | top-level map `service: {..}`, `network: {..}`, `mod-lua: {..}`, any other map | `service { .. }` etc. |
//! | `namespaces: [{name: test, ..}, ..]` (top level) | one `namespace test { .. }` per entry, in list order |
//! | `logging: [{name: console, any: info}, ..]` | `logging { console { context any info } .. }`, see below |
//! | nested map `heartbeat: {..}` | nested stanza `heartbeat { .. }` |
//! | `storage-engine: {type: device, ..}` | `storage-engine device { .. }` |
//! | `storage-engine: {type: memory}` or `storage-engine: memory` | bare line `storage-engine memory` |
//! | `index-type` / `sindex-type` maps | same `type` rule as `storage-engine` |
//! | scalar `key: value` | `key value` |
//! | list of scalars `key: [a, b]` | repeated lines `key a` / `key b`, in list order |
//! | list of maps `key: [{name: x, ..}]` | repeated stanzas `key x { .. }`, in list order |
//! | `null` | the key is left out (this is how a rack override removes a key) |
//!
//! Plural aliases (the spelling used by Kubernetes operators): in `storage-engine`,
//! `devices` ↔ `device` and `files` ↔ `file`; in a namespace, `sets` ↔ `set`. Either
//! spelling is accepted, with a scalar or a list; giving both spellings in one map is an
//! error. [`crate::AerospikeConf::to_spec_json`] always writes the plural.
//!
//! Scalars: booleans become `true`/`false`; integers are printed as integers; floats with
//! no fractional part (below 2^53) as integers, other floats in Rust's shortest
//! round-trip form (`0.5`); strings as-is, split into words on whitespace. A string that
//! is empty or holds a newline, `{`, `}` or `#` is rejected.
//!
//! Logging sinks: each list entry needs a `name`. `console` or `stderr` gives
//! `console {}`, `syslog` gives `syslog {}` (its keys `facility`, `path` and `tag` stay
//! lines), any other name is a file path: `file <name> {}`. Every other key of a sink is a
//! log context and its value the level: `any: info` → `context any info`.
//!
//! # Canonical order
//! The result does not depend on JSON key order. Top level: `service`, `logging`,
//! `network`, `mod-lua`, the namespaces in list order, then other stanzas by name. Inside
//! a stanza: lines first, sorted by key (`mode` first in `heartbeat`; `context any` first
//! in a log sink; repeated keys keep list order), then nested stanzas (`network`:
//! `service`, `heartbeat`, `fabric`, `admin`, `info`, then by name; namespace:
//! `storage-engine`, `index-type`, `sindex-type`, then by name; lists keep their order).

use serde_json::{Map, Value};

use crate::error::ConfError;
use crate::model::{AerospikeConf, Item, Line, Stanza, check_token, value_tokens};

/// The JSON path prefix used in error messages.
pub const SPEC_ROOT: &str = "aerospikeConfig";

/// Plural spellings accepted for repeated keys: (context, plural, conf key).
pub(crate) const PLURAL_ALIASES: &[(&str, &str, &str)] = &[
    ("namespace.storage-engine", "devices", "device"),
    ("namespace.storage-engine", "files", "file"),
    ("namespace", "sets", "set"),
];

/// Maps whose `type` key becomes the stanza argument.
const TYPED_STANZAS: &[&str] = &["storage-engine", "index-type", "sindex-type"];

/// Keys of a `syslog` sink that are parameters rather than log contexts.
pub(crate) const SYSLOG_PARAMS: &[&str] = &["facility", "path", "tag"];

/// Builds the model from `spec.aerospikeConfig` (the value of that field, a JSON object).
///
/// `null` gives an empty configuration. Errors name the JSON path, e.g.
/// `aerospikeConfig.namespaces[1].storage-engine: ...`. See the module docs for the exact
/// mapping.
pub fn from_spec(spec: &Value) -> Result<AerospikeConf, ConfError> {
    let root = match spec {
        Value::Null => return Ok(AerospikeConf::new()),
        Value::Object(m) => m,
        other => {
            return Err(ConfError::new(
                SPEC_ROOT,
                format!(
                    "expected a map of stanzas (service, network, namespaces, ...), got {}",
                    kind(other)
                ),
            ));
        }
    };
    let mut items = Vec::new();
    let mut generic = Map::new();
    for (key, value) in root {
        let path = format!("{SPEC_ROOT}.{key}");
        check_token(key, "key").map_err(|m| ConfError::new(&path, m))?;
        match (key.as_str(), value) {
            (_, Value::Null) => {}
            ("namespaces", v) => items.extend(build_namespaces(v, &path)?),
            ("namespace", _) => {
                return Err(ConfError::new(
                    path,
                    "write namespaces as a list: `namespaces: [{name: test, ...}]`",
                ));
            }
            ("logging", v) => items.push(Item::Stanza(build_logging(v, &path)?)),
            (_, Value::Object(_)) => {
                generic.insert(key.clone(), value.clone());
            }
            (_, Value::Array(list)) if list.iter().all(Value::is_object) => {
                generic.insert(key.clone(), value.clone());
            }
            (_, other) => {
                return Err(ConfError::new(
                    path,
                    format!(
                        "top-level entries must be maps (stanzas) or lists of named maps, got {}",
                        kind(other)
                    ),
                ));
            }
        }
    }
    items.extend(build_body(&generic, SPEC_ROOT, "", &[])?);
    sort_stanzas(&mut items, TOP_ORDER);
    Ok(AerospikeConf { items })
}

const TOP_ORDER: &[&str] = &["service", "logging", "network", "mod-lua", "namespace"];

fn stanza_order(context: &str) -> &'static [&'static str] {
    match context {
        "network" => &["service", "heartbeat", "fabric", "admin", "info"],
        "namespace" => &["storage-engine", "index-type", "sindex-type"],
        _ => &[],
    }
}

fn line_first(context: &str) -> Option<&'static str> {
    match context {
        "network.heartbeat" => Some("mode"),
        _ => None,
    }
}

/// Stable sort: lines (by key, `first` key leading) then stanzas (by `order`, then name).
fn sort_items(items: &mut [Item], order: &[&str], first: Option<&str>) {
    items.sort_by(|a, b| item_rank(a, order, first).cmp(&item_rank(b, order, first)));
}

fn item_rank<'a>(item: &'a Item, order: &[&str], first: Option<&str>) -> (u8, usize, &'a str) {
    match item {
        Item::Line(l) => (0, usize::from(Some(l.key.as_str()) != first), &l.key),
        Item::Stanza(s) => (
            1,
            order
                .iter()
                .position(|o| *o == s.name)
                .unwrap_or(order.len()),
            &s.name,
        ),
    }
}

fn sort_stanzas(items: &mut [Item], order: &[&str]) {
    sort_items(items, order, None);
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Text tokens of a JSON scalar, or an error for lists/maps.
pub(crate) fn scalar_tokens(v: &Value, path: &str) -> Result<Vec<String>, ConfError> {
    let text = match v {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_text(n),
        Value::String(s) => s.clone(),
        other => {
            return Err(ConfError::new(
                path,
                format!("expected a string, number or boolean, got {}", kind(other)),
            ));
        }
    };
    value_tokens(&text).map_err(|m| ConfError::new(path, m))
}

/// Canonical text of a JSON number (see the module docs).
pub fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if f.fract() == 0.0 && f.abs() < EXACT {
        // Exact: whole and below 2^53, so the cast loses nothing.
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn name_of(map: &Map<String, Value>, path: &str) -> Result<Vec<String>, ConfError> {
    match map.get("name") {
        None | Some(Value::Null) => Err(ConfError::new(
            path,
            "missing `name`; every entry of this list needs one",
        )),
        Some(v @ (Value::String(_) | Value::Number(_))) => {
            scalar_tokens(v, &format!("{path}.name"))
        }
        Some(other) => Err(ConfError::new(
            format!("{path}.name"),
            format!("expected a string, got {}", kind(other)),
        )),
    }
}

fn build_namespaces(v: &Value, path: &str) -> Result<Vec<Item>, ConfError> {
    let Value::Array(list) = v else {
        return Err(ConfError::new(
            path,
            format!(
                "expected a list of namespaces (`- name: test ...`), got {}",
                kind(v)
            ),
        ));
    };
    build_named_list("namespace", "namespace", list, path)
}

/// `key: [{name: a, ..}, ..]` → repeated `stanza_name a { .. }`; names must be unique.
fn build_named_list(
    stanza_name: &str,
    context: &str,
    list: &[Value],
    path: &str,
) -> Result<Vec<Item>, ConfError> {
    let mut out: Vec<Item> = Vec::new();
    let mut seen: Vec<Vec<String>> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let epath = format!("{path}[{i}]");
        let Value::Object(map) = entry else {
            return Err(ConfError::new(
                epath,
                format!("expected a map with a `name`, got {}", kind(entry)),
            ));
        };
        let name = name_of(map, &epath)?;
        if seen.contains(&name) {
            return Err(ConfError::new(
                format!("{epath}.name"),
                format!(
                    "duplicate name {:?}; each entry needs a unique name",
                    name.join(" ")
                ),
            ));
        }
        seen.push(name.clone());
        let mut st =
            Stanza::new(stanza_name, name).map_err(|e| ConfError::new(&epath, e.message))?;
        st.items = build_body(map, &epath, context, &["name"])?;
        out.push(Item::Stanza(st));
    }
    Ok(out)
}

/// Builds the items of a stanza from a JSON map. `context` is the dotted stanza path
/// without arguments (`namespace.storage-engine`), used for aliases and ordering.
fn build_body(
    map: &Map<String, Value>,
    path: &str,
    context: &str,
    skip: &[&str],
) -> Result<Vec<Item>, ConfError> {
    let mut items = Vec::new();
    for (key, value) in map {
        if skip.contains(&key.as_str()) || value.is_null() {
            continue;
        }
        let kpath = format!("{path}.{key}");
        check_token(key, "key").map_err(|m| ConfError::new(&kpath, m))?;
        let conf_key = resolve_alias(map, context, key, path)?;
        let child_ctx = if context.is_empty() {
            conf_key.to_string()
        } else {
            format!("{context}.{conf_key}")
        };
        match value {
            Value::Object(m) if TYPED_STANZAS.contains(&conf_key) => {
                items.push(build_typed(conf_key, m, &kpath, &child_ctx)?);
            }
            Value::Array(_) if TYPED_STANZAS.contains(&conf_key) => {
                return Err(ConfError::new(
                    kpath,
                    "expected a map such as `{type: device, ...}` or a word such as `memory`, got a list",
                ));
            }
            Value::Object(m) => {
                let mut st = Stanza::new(conf_key, Vec::<String>::new())
                    .map_err(|e| ConfError::new(&kpath, e.message))?;
                st.items = build_body(m, &kpath, &child_ctx, &[])?;
                items.push(Item::Stanza(st));
            }
            Value::Array(list) => items.extend(build_list(conf_key, list, &kpath, &child_ctx)?),
            scalar => items.push(Item::Line(Line {
                key: conf_key.to_string(),
                values: scalar_tokens(scalar, &kpath)?,
            })),
        }
    }
    sort_items(&mut items, stanza_order(context), line_first(context));
    Ok(items)
}

fn resolve_alias<'k>(
    map: &Map<String, Value>,
    context: &str,
    key: &'k str,
    path: &str,
) -> Result<&'k str, ConfError> {
    for &(ctx, plural, singular) in PLURAL_ALIASES {
        if ctx != context {
            continue;
        }
        if key == plural {
            if map.get(singular).is_some_and(|v| !v.is_null()) {
                return Err(ConfError::new(
                    format!("{path}.{plural}"),
                    format!("both `{plural}` and `{singular}` are set; keep only one of them"),
                ));
            }
            return Ok(singular);
        }
    }
    Ok(key)
}

fn build_list(
    key: &str,
    list: &[Value],
    path: &str,
    context: &str,
) -> Result<Vec<Item>, ConfError> {
    if list.iter().all(Value::is_object) {
        return build_named_list(key, context, list, path);
    }
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let epath = format!("{path}[{i}]");
        match v {
            Value::Object(_) | Value::Array(_) | Value::Null => {
                return Err(ConfError::new(
                    epath,
                    format!(
                        "expected a string, number or boolean (a list must hold only scalars or only named maps), got {}",
                        kind(v)
                    ),
                ));
            }
            scalar => out.push(Item::Line(Line {
                key: key.to_string(),
                values: scalar_tokens(scalar, &epath)?,
            })),
        }
    }
    Ok(out)
}

/// The Community Edition types of a typed stanza, for error messages (the Enterprise-only
/// ones are reported by [`crate::AerospikeConf::enterprise_only_uses`]).
fn type_examples(context: &str) -> String {
    crate::knowledge::typed_stanza_entry(context)
        .map(|e| e.community.join(" or "))
        .unwrap_or_else(|| "memory or device".to_string())
}

fn build_typed(
    key: &str,
    map: &Map<String, Value>,
    path: &str,
    context: &str,
) -> Result<Item, ConfError> {
    let examples = type_examples(context);
    let ty = match map.get("type") {
        Some(v @ (Value::String(_) | Value::Number(_))) => {
            let t = scalar_tokens(v, &format!("{path}.type"))?;
            if t.len() != 1 {
                return Err(ConfError::new(
                    format!("{path}.type"),
                    format!("expected one word such as {examples}"),
                ));
            }
            t
        }
        Some(other) if !other.is_null() => {
            return Err(ConfError::new(
                format!("{path}.type"),
                format!("expected a string such as {examples}, got {}", kind(other)),
            ));
        }
        _ => {
            return Err(ConfError::new(
                path,
                format!(
                    "missing `type`; write e.g. `{key}: {{type: {first}, ...}}` ({examples})",
                    first = examples.split(' ').next().unwrap_or_default()
                ),
            ));
        }
    };
    let body = build_body(map, path, context, &["type"])?;
    if body.is_empty() {
        return Ok(Item::Line(Line {
            key: key.to_string(),
            values: ty,
        }));
    }
    Ok(Item::Stanza(Stanza {
        name: key.to_string(),
        args: ty,
        items: body,
    }))
}

fn build_logging(v: &Value, path: &str) -> Result<Stanza, ConfError> {
    let Value::Array(list) = v else {
        return Err(ConfError::new(
            path,
            format!(
                "expected a list of sinks such as `- name: console` / `  any: info`, got {}",
                kind(v)
            ),
        ));
    };
    let mut logging = Stanza {
        name: "logging".into(),
        args: vec![],
        items: vec![],
    };
    let mut seen: Vec<String> = Vec::new();
    for (i, sink) in list.iter().enumerate() {
        let spath = format!("{path}[{i}]");
        let Value::Object(map) = sink else {
            return Err(ConfError::new(
                spath,
                format!("expected a sink map with a `name`, got {}", kind(sink)),
            ));
        };
        let name = name_of(map, &spath)?.join(" ");
        let (stanza_name, args): (&str, Vec<String>) = match name.as_str() {
            "console" | "stderr" => ("console", vec![]),
            "syslog" => ("syslog", vec![]),
            _ => ("file", vec![name.clone()]),
        };
        let label = format!("{stanza_name} {}", args.join(" "));
        if seen.contains(&label) {
            return Err(ConfError::new(
                format!("{spath}.name"),
                format!("duplicate log sink {name:?}; merge its contexts into one entry"),
            ));
        }
        seen.push(label);
        check_token(&name, "sink name").map_err(|m| ConfError::new(format!("{spath}.name"), m))?;
        let mut items = Vec::new();
        let mut contexts = Vec::new();
        for (key, value) in map {
            if key == "name" || value.is_null() {
                continue;
            }
            let kpath = format!("{spath}.{key}");
            check_token(key, "key").map_err(|m| ConfError::new(&kpath, m))?;
            let tokens = scalar_tokens(value, &kpath)?;
            if stanza_name == "syslog" && SYSLOG_PARAMS.contains(&key.as_str()) {
                items.push(Item::Line(Line {
                    key: key.clone(),
                    values: tokens,
                }));
            } else {
                let mut values = vec![key.clone()];
                values.extend(tokens);
                contexts.push(Line {
                    key: "context".into(),
                    values,
                });
            }
        }
        items.sort_by(|a, b| item_rank(a, &[], None).cmp(&item_rank(b, &[], None)));
        // `context any` sets the default for all contexts, so it must come first.
        contexts.sort_by(|a, b| {
            let ka = (a.values[0] != "any", &a.values[0]);
            let kb = (b.values[0] != "any", &b.values[0]);
            ka.cmp(&kb)
        });
        items.extend(contexts.into_iter().map(Item::Line));
        logging.items.push(Item::Stanza(Stanza {
            name: stanza_name.into(),
            args,
            items,
        }));
    }
    Ok(logging)
}

impl AerospikeConf {
    /// Builds the model from `spec.aerospikeConfig` (see [`from_spec`]).
    pub fn from_spec(spec: &Value) -> Result<AerospikeConf, ConfError> {
        from_spec(spec)
    }
}
