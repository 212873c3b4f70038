//! Filter expressions from a nested JSON tree, translated to Aerospike expressions.
//!
//! Every node is an object with an `op`:
//! - `{"op":"and"|"or","args":[node, ...]}`, `{"op":"not","arg":node}`
//! - comparisons `{"op":"eq"|"ne"|"gt"|"ge"|"lt"|"le","bin":"age","type":"int","value":30}`;
//!   instead of `bin`, `meta` compares record metadata: `ttl`, `voidTime`, `lastUpdate`
//!   (ns since Unix epoch), `sinceUpdate` (ms), `recordSize`, `setName`, `key` (the stored
//!   primary key, needs `type`);
//!   `type` is optional when the value's JSON shape says it (see values.rs)
//! - `{"op":"regex","bin":"name","pattern":"^a","ignoreCase":true}` (`bin` or `meta:"key"`)
//! - `{"op":"exists","bin":"x"}`, `{"op":"keyExists"}`
//! - `{"op":"pkPrefix","value":"user"}`: stored string key starts with the value
//! - `{"op":"geoWithin"|"geoContains","bin":"loc","value":{GeoJSON}}`
//!
//! Errors name the JSON path of the bad node, e.g. `filter.args[1].value`.

use aerospike::expressions::{self as exp, ExpType, Expression};
use aerospike::{RegexFlags, Value};
use serde::{Deserialize, Serialize};
use serde_json::Value as J;
use utoipa::ToSchema;

use crate::error::{ApiError, FieldError, fe};
use crate::values;

const MAX_DEPTH: usize = 32;
const MAX_NODES: usize = 512;

/// One node of a filter tree (documentation schema; see module docs for the rules).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterNode {
    /// `and`, `or`, `not`, `eq`, `ne`, `gt`, `ge`, `lt`, `le`, `regex`, `exists`,
    /// `keyExists`, `pkPrefix`, `geoWithin`, `geoContains`.
    pub op: String,
    /// Children of `and` / `or`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub args: Option<Vec<FilterNode>>,
    /// Child of `not`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub arg: Option<Box<FilterNode>>,
    /// Bin name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    /// Metadata instead of a bin: `ttl`, `voidTime`, `lastUpdate`, `sinceUpdate`,
    /// `recordSize`, `setName`, `key`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<String>,
    /// Bin type: `int`, `float`, `string`, `bool`, `blob`, `list`, `map`, `geo`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Operand in the lossless value encoding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// Regular expression (POSIX extended) for `regex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Case-insensitive `regex`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_case: Option<bool>,
}

struct Ctx {
    nodes: usize,
}

/// Translate a filter tree; `path` is the JSON path of the root (e.g. `filter`).
pub fn translate(tree: &J, path: &str) -> Result<Expression, ApiError> {
    let mut ctx = Ctx { nodes: 0 };
    node(tree, path, 0, &mut ctx)
        .map_err(|e| ApiError::fields(vec![e]).with_code("invalid_expression"))
}

fn str_field<'a>(
    o: &'a serde_json::Map<String, J>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, FieldError> {
    match o.get(key) {
        None | Some(J::Null) => Ok(None),
        Some(J::String(s)) => Ok(Some(s)),
        Some(_) => Err(fe(&format!("{path}.{key}"), "must be a string")),
    }
}

fn node(v: &J, path: &str, depth: usize, ctx: &mut Ctx) -> Result<Expression, FieldError> {
    ctx.nodes += 1;
    if depth > MAX_DEPTH {
        return Err(fe(
            path,
            format!("filter is nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if ctx.nodes > MAX_NODES {
        return Err(fe(path, format!("filter has more than {MAX_NODES} nodes")));
    }
    let J::Object(o) = v else {
        return Err(fe(path, "must be an object with an `op`"));
    };
    let op = str_field(o, "op", path)?.ok_or_else(|| {
        fe(
            &format!("{path}.op"),
            "missing; e.g. \"and\", \"eq\", \"regex\"",
        )
    })?;
    match op {
        "and" | "or" => {
            let args = match o.get("args") {
                Some(J::Array(a)) if !a.is_empty() => a,
                _ => {
                    return Err(fe(
                        &format!("{path}.args"),
                        "must be a non-empty array of filter nodes",
                    ));
                }
            };
            let exps = args
                .iter()
                .enumerate()
                .map(|(i, a)| node(a, &format!("{path}.args[{i}]"), depth + 1, ctx))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if exps.len() == 1 {
                exps.into_iter()
                    .next()
                    .unwrap_or_else(|| exp::bool_val(true))
            } else if op == "and" {
                exp::and(exps)
            } else {
                exp::or(exps)
            })
        }
        "not" => {
            let arg = o.get("arg").ok_or_else(|| {
                fe(
                    &format!("{path}.arg"),
                    "missing; `not` takes one filter node",
                )
            })?;
            Ok(exp::not(node(arg, &format!("{path}.arg"), depth + 1, ctx)?))
        }
        "eq" | "ne" | "gt" | "ge" | "lt" | "le" => comparison(op, o, path),
        "regex" => {
            let pattern = str_field(o, "pattern", path)?
                .ok_or_else(|| fe(&format!("{path}.pattern"), "missing regular expression"))?;
            let flags = if o.get("ignoreCase").and_then(J::as_bool).unwrap_or(false) {
                RegexFlags::EXTENDED | RegexFlags::ICASE
            } else {
                RegexFlags::EXTENDED
            };
            let target = operand(o, path, Some(ExpType::String))?.0;
            Ok(exp::regex_compare(pattern.to_string(), flags, target))
        }
        "exists" => {
            let bin = bin_name(o, path)?;
            Ok(exp::bin_exists(bin))
        }
        "keyExists" => Ok(exp::key_exists()),
        "pkPrefix" => {
            let Some(J::String(prefix)) = o.get("value") else {
                return Err(fe(
                    &format!("{path}.value"),
                    "must be the key prefix as a string",
                ));
            };
            let pattern = format!("^{}", regex_escape(prefix));
            Ok(exp::and(vec![
                exp::key_exists(),
                exp::regex_compare(pattern, RegexFlags::EXTENDED, exp::key(ExpType::String)),
            ]))
        }
        "geoWithin" | "geoContains" => {
            let bin = bin_name(o, path)?;
            let vpath = format!("{path}.value");
            let region = o
                .get("value")
                .ok_or_else(|| fe(&vpath, "missing GeoJSON region or point"))?;
            let geo = match region {
                J::Object(m) if m.contains_key("$geo") => {
                    match values::from_json(region, &vpath)? {
                        Value::GeoJson(g) => g,
                        _ => return Err(fe(&vpath, "must be GeoJSON")),
                    }
                }
                J::Object(m) if m.get("type").is_some_and(J::is_string) => region.to_string(),
                _ => return Err(fe(&vpath, "must be a GeoJSON object with a `type`")),
            };
            Ok(exp::geo_compare(exp::geo_bin(bin), exp::geo_val(geo)))
        }
        other => Err(fe(
            &format!("{path}.op"),
            format!(
                "unknown op `{other}`; use and, or, not, eq, ne, gt, ge, lt, le, regex, exists, \
                 keyExists, pkPrefix, geoWithin or geoContains"
            ),
        )),
    }
}

fn bin_name<'a>(o: &'a serde_json::Map<String, J>, path: &str) -> Result<&'a str, FieldError> {
    let bin =
        str_field(o, "bin", path)?.ok_or_else(|| fe(&format!("{path}.bin"), "missing bin name"))?;
    if bin.is_empty() || bin.len() > 15 {
        return Err(fe(&format!("{path}.bin"), "bin names are 1 to 15 bytes"));
    }
    Ok(bin)
}

fn parse_type(t: &str, path: &str) -> Result<ExpType, FieldError> {
    Ok(match t {
        "int" | "integer" => ExpType::Int,
        "float" => ExpType::Float,
        "string" => ExpType::String,
        "bool" | "boolean" => ExpType::Bool,
        "blob" | "bytes" => ExpType::Blob,
        "list" => ExpType::List,
        "map" => ExpType::Map,
        "geo" => ExpType::Geo,
        other => {
            return Err(fe(
                path,
                format!(
                    "unknown type `{other}`; use int, float, string, bool, blob, list, map or geo"
                ),
            ));
        }
    })
}

fn type_of(v: &Value) -> Option<ExpType> {
    Some(match v {
        Value::Int(_) => ExpType::Int,
        Value::Float(_) => ExpType::Float,
        Value::String(_) => ExpType::String,
        Value::Bool(_) => ExpType::Bool,
        Value::Blob(_) => ExpType::Blob,
        Value::List(_) => ExpType::List,
        Value::HashMap(_) | Value::OrderedMap(_) | Value::SortedMap(_) => ExpType::Map,
        Value::GeoJson(_) => ExpType::Geo,
        _ => return None,
    })
}

/// The left operand (bin or metadata) and its type.
fn operand(
    o: &serde_json::Map<String, J>,
    path: &str,
    hint: Option<ExpType>,
) -> Result<(Expression, ExpType), FieldError> {
    let declared = str_field(o, "type", path)?
        .map(|t| parse_type(t, &format!("{path}.type")))
        .transpose()?;
    let ty = declared.or(hint);
    if let Some(meta) = str_field(o, "meta", path)? {
        let mpath = format!("{path}.meta");
        return Ok(match meta {
            "ttl" => (exp::ttl(), ExpType::Int),
            "voidTime" => (exp::void_time(), ExpType::Int),
            "lastUpdate" => (exp::last_update(), ExpType::Int),
            "sinceUpdate" => (exp::since_update(), ExpType::Int),
            "recordSize" => (exp::record_size(), ExpType::Int),
            "setName" => (exp::set_name(), ExpType::String),
            "key" => {
                let t = ty.ok_or_else(|| {
                    fe(
                        &format!("{path}.type"),
                        "give the key type (int, string or blob) for meta `key`",
                    )
                })?;
                if !matches!(t, ExpType::Int | ExpType::String | ExpType::Blob) {
                    return Err(fe(&format!("{path}.type"), "keys are int, string or blob"));
                }
                (exp::key(t), t)
            }
            other => {
                return Err(fe(
                    &mpath,
                    format!(
                        "unknown metadata `{other}`; use ttl, voidTime, lastUpdate, sinceUpdate, recordSize, setName or key"
                    ),
                ));
            }
        });
    }
    let bin = bin_name(o, path)?;
    let t = ty.ok_or_else(|| {
        fe(
            &format!("{path}.type"),
            "cannot infer the bin type from the value; give `type`",
        )
    })?;
    Ok((exp::bin(bin.to_string(), t), t))
}

fn literal(v: Value, ty: ExpType, path: &str) -> Result<Expression, FieldError> {
    let mismatch = |want: &str| fe(path, format!("value must be {want} for this type"));
    Ok(match ty {
        ExpType::Int => match v {
            Value::Int(i) => exp::int_val(i),
            _ => return Err(mismatch("an integer")),
        },
        ExpType::Float => match v {
            Value::Float(f) => exp::float_val(f64::from(f)),
            Value::Int(i) => exp::float_val(i as f64),
            _ => return Err(mismatch("a number")),
        },
        ExpType::String => match v {
            Value::String(s) => exp::string_val(s),
            _ => return Err(mismatch("a string")),
        },
        ExpType::Bool => match v {
            Value::Bool(b) => exp::bool_val(b),
            _ => return Err(mismatch("true or false")),
        },
        ExpType::Blob => match v {
            Value::Blob(b) => exp::blob_val(b),
            _ => return Err(mismatch("{\"$bytes\": base64}")),
        },
        ExpType::List => match v {
            Value::List(l) => exp::list_val(l),
            _ => return Err(mismatch("an array")),
        },
        ExpType::Map => match v {
            Value::HashMap(m) => exp::map_val(m),
            Value::OrderedMap(m) => exp::map_val(m),
            _ => return Err(mismatch("an object or {\"$map\": ...}")),
        },
        ExpType::Geo => match v {
            Value::GeoJson(g) => exp::geo_val(g),
            _ => return Err(mismatch("{\"$geo\": GeoJSON}")),
        },
        _ => return Err(fe(path, "unsupported type")),
    })
}

fn comparison(
    op: &str,
    o: &serde_json::Map<String, J>,
    path: &str,
) -> Result<Expression, FieldError> {
    let vpath = format!("{path}.value");
    let raw = o
        .get("value")
        .ok_or_else(|| fe(&vpath, "missing comparison value"))?;
    let value = values::from_json(raw, &vpath)?;
    let (left, ty) = operand(o, path, type_of(&value))?;
    if matches!(op, "gt" | "ge" | "lt" | "le") && matches!(ty, ExpType::Bool | ExpType::Geo) {
        return Err(fe(
            &format!("{path}.op"),
            "ordering comparisons need a numeric, string, blob, list or map operand",
        ));
    }
    let right = literal(value, ty, &vpath)?;
    Ok(match op {
        "eq" => exp::eq(left, right),
        "ne" => exp::ne(left, right),
        "gt" => exp::gt(left, right),
        "ge" => exp::ge(left, right),
        "lt" => exp::lt(left, right),
        _ => exp::le(left, right),
    })
}

/// Escape POSIX extended regex metacharacters.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\^$.|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn translates_a_nested_tree() {
        let t = json!({"op": "and", "args": [
            {"op": "ge", "bin": "age", "value": 30},
            {"op": "not", "arg": {"op": "regex", "bin": "name", "pattern": "^bo", "ignoreCase": true}},
            {"op": "or", "args": [{"op": "exists", "bin": "x"}, {"op": "lt", "meta": "ttl", "value": 100}]},
            {"op": "eq", "bin": "score", "type": "float", "value": 2},
            {"op": "pkPrefix", "value": "user.1"}
        ]});
        let got = translate(&t, "filter").unwrap();
        let want = exp::and(vec![
            exp::ge(exp::int_bin("age"), exp::int_val(30)),
            exp::not(exp::regex_compare(
                "^bo",
                RegexFlags::EXTENDED | RegexFlags::ICASE,
                exp::string_bin("name"),
            )),
            exp::or(vec![
                exp::bin_exists("x"),
                exp::lt(exp::ttl(), exp::int_val(100)),
            ]),
            exp::eq(exp::float_bin("score"), exp::float_val(2.0)),
            exp::and(vec![
                exp::key_exists(),
                exp::regex_compare("^user\\.1", RegexFlags::EXTENDED, exp::key(ExpType::String)),
            ]),
        ]);
        assert_eq!(got, want);
    }

    #[test]
    fn errors_carry_field_paths() {
        let cases = [
            (
                json!({"op": "and", "args": [{"op": "eq", "bin": "a"}]}),
                "filter.args[0].value",
            ),
            (
                json!({"op": "and", "args": [{"op": "nope"}]}),
                "filter.args[0].op",
            ),
            (
                json!({"op": "eq", "bin": "a", "value": {"$int": "x"}}),
                "filter.value.$int",
            ),
            (
                json!({"op": "eq", "bin": "a", "type": "int", "value": "s"}),
                "filter.value",
            ),
            (
                json!({"op": "eq", "bin": "a", "value": null}),
                "filter.type",
            ),
            (json!({"op": "gt", "bin": "a", "value": true}), "filter.op"),
            (json!({"op": "or", "args": []}), "filter.args"),
            (json!([1]), "filter"),
            (
                json!({"op": "eq", "meta": "nope", "value": 1}),
                "filter.meta",
            ),
            (
                json!({"op": "eq", "bin": "waytoolongbinname", "value": 1}),
                "filter.bin",
            ),
        ];
        for (tree, field) in cases {
            let e = translate(&tree, "filter").unwrap_err();
            assert_eq!(e.code, "invalid_expression");
            assert_eq!(e.fields[0].field, field, "{tree}");
        }
    }

    #[test]
    fn depth_is_limited() {
        let mut t = json!({"op": "exists", "bin": "a"});
        for _ in 0..40 {
            t = json!({"op": "not", "arg": t});
        }
        let e = translate(&t, "f").unwrap_err();
        assert!(e.detail.contains("deeper"));
    }

    #[test]
    fn escapes_regex() {
        assert_eq!(regex_escape("a.b*c"), "a\\.b\\*c");
    }
}
