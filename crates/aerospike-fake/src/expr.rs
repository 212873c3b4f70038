//! Filter expressions: a documented subset of the Aerospike expression language.
//!
//! Supported: literals (int, float, string, bool, blob, list, map), comparisons
//! (`eq ne gt ge lt le`), `and or not xor`, `regex` on strings, `cond`, arithmetic
//! `add sub mul div mod abs min max`, bin reads (`bin_int`, `bin_str`, ...), `bin_type`, and
//! metadata reads (`key`, `key_exists`, `set_name`, `ttl`, `void_time`, `last_update`,
//! `since_update`, `digest_modulo`, `record_size`), and `geo_compare` (exact geometry, see
//! [`crate::geo`]). Anything else is refused when the
//! expression is parsed, and the request answers result code 4 (parameter error).
//!
//! An expression whose value is unknown (missing bin, type mismatch) filters the record out,
//! as on a real server.

use regex::Regex;

use crate::particle::{Value, from_rmpv};
use crate::store::{CITRUSLEAF_EPOCH, Record, now_cl_millis, now_cl_secs};

/// Parsed expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Literal.
    Lit(Value),
    /// Bin read with an expected expression type.
    Bin(String, i64),
    /// Particle type of a bin.
    BinType(String),
    /// Stored user key.
    Key,
    /// Whether the user key is stored.
    KeyExists,
    /// Set name.
    SetName,
    /// Remaining TTL in seconds (-1 = never expires).
    Ttl,
    /// Void time, ns since the Unix epoch (-1 = never).
    VoidTime,
    /// Last update, ns since the Unix epoch.
    LastUpdate,
    /// Milliseconds since the last update.
    SinceUpdate,
    /// Digest modulo.
    DigestModulo(i64),
    /// Approximate record size in bytes.
    RecordSize,
    /// Comparison (op code 1..=6).
    Cmp(u8, Box<Expr>, Box<Expr>),
    /// Logical and.
    And(Vec<Expr>),
    /// Logical or.
    Or(Vec<Expr>),
    /// Logical not.
    Not(Box<Expr>),
    /// Exclusive or.
    Xor(Vec<Expr>),
    /// Regex match of a string.
    Regex(Regex, Box<Expr>),
    /// Arithmetic (op code 20..=27, 50, 51).
    Arith(u8, Vec<Expr>),
    /// `cond(b1, v1, b2, v2, ..., default)`.
    Cond(Vec<Expr>),
    /// `geo_compare(left, right)`: a point within a region or a region containing a point,
    /// evaluated with the exact geometry of [`crate::geo`].
    GeoCompare(Box<Expr>, Box<Expr>),
}

/// Why an expression was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported or malformed filter expression: {0}")]
pub struct ExprError(pub String);

fn err<T>(m: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError(m.into()))
}

/// Parses msgpack expression bytes.
pub fn parse(bytes: &[u8]) -> Result<Expr, ExprError> {
    let mut rd = bytes;
    let v = rmpv::decode::read_value_with_max_depth(&mut rd, 64)
        .map_err(|e| ExprError(format!("bad msgpack: {e}")))?;
    parse_value(&v, 0)
}

fn raw_str(v: &rmpv::Value) -> Result<String, ExprError> {
    match v {
        rmpv::Value::String(s) => Ok(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        _ => err("expected a name"),
    }
}

fn int(v: &rmpv::Value) -> Result<i64, ExprError> {
    v.as_i64()
        .ok_or_else(|| ExprError("expected an integer".into()))
}

fn parse_value(v: &rmpv::Value, depth: usize) -> Result<Expr, ExprError> {
    if depth > 48 {
        return err("expression nested too deeply");
    }
    let rmpv::Value::Array(items) = v else {
        return Ok(Expr::Lit(from_rmpv(v)));
    };
    let Some(code) = items.first().and_then(rmpv::Value::as_i64) else {
        return err("expression array without an op code");
    };
    let args = &items[1..];
    let sub = |i: usize| -> Result<Box<Expr>, ExprError> {
        let a = args
            .get(i)
            .ok_or_else(|| ExprError(format!("op {code} is missing argument {i}")))?;
        Ok(Box::new(parse_value(a, depth + 1)?))
    };
    let all = || -> Result<Vec<Expr>, ExprError> {
        args.iter().map(|a| parse_value(a, depth + 1)).collect()
    };
    Ok(match code {
        1..=6 => Expr::Cmp(code as u8, sub(0)?, sub(1)?),
        8 => Expr::GeoCompare(sub(0)?, sub(1)?),
        7 => {
            let flags = int(args.first().unwrap_or(&rmpv::Value::Nil))?;
            let pattern = raw_str(args.get(1).unwrap_or(&rmpv::Value::Nil))?;
            let re = regex::RegexBuilder::new(&pattern)
                .case_insensitive(flags & 2 != 0)
                .multi_line(flags & 8 != 0)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| ExprError(format!("bad regex {pattern:?}: {e}")))?;
            Expr::Regex(re, sub(2)?)
        }
        16 => Expr::And(all()?),
        17 => Expr::Or(all()?),
        18 => Expr::Not(sub(0)?),
        19 => Expr::Xor(all()?),
        20..=27 | 50 | 51 => Expr::Arith(code as u8, all()?),
        64 => Expr::DigestModulo(int(args.first().unwrap_or(&rmpv::Value::Nil))?),
        66 => Expr::LastUpdate,
        67 => Expr::SinceUpdate,
        68 => Expr::VoidTime,
        69 => Expr::Ttl,
        70 => Expr::SetName,
        71 => Expr::KeyExists,
        72 => Expr::Lit(Value::Bool(false)),
        74 => Expr::RecordSize,
        80 => Expr::Key,
        81 => Expr::Bin(
            raw_str(args.get(1).unwrap_or(&rmpv::Value::Nil))?,
            int(args.first().unwrap_or(&rmpv::Value::Nil))?,
        ),
        82 => Expr::BinType(raw_str(args.first().unwrap_or(&rmpv::Value::Nil))?),
        123 => Expr::Cond(all()?),
        126 => Expr::Lit(from_rmpv(args.first().unwrap_or(&rmpv::Value::Nil))),
        other => {
            return err(format!(
                "op code {other} is not supported by aerospike-fake"
            ));
        }
    })
}

/// Record context for evaluation.
#[derive(Debug, Clone, Copy)]
pub struct RecCtx<'a> {
    /// The record.
    pub rec: &'a Record,
    /// Its digest.
    pub digest: &'a [u8; 20],
}

fn truthy(v: Option<Value>) -> Option<bool> {
    match v {
        Some(Value::Bool(b)) => Some(b),
        _ => None,
    }
}

/// Evaluates to a value; `None` means unknown.
pub fn eval(e: &Expr, c: RecCtx<'_>) -> Option<Value> {
    match e {
        Expr::Lit(v) => Some(v.clone()),
        Expr::Bin(name, _ty) => c.rec.bin(name).map(|p| p.value()),
        Expr::BinType(name) => Some(Value::Int(
            c.rec.bin(name).map_or(0, |p| i64::from(p.ptype)),
        )),
        Expr::Key => c.rec.key.as_ref().map(|(t, b)| Value::from_particle(*t, b)),
        Expr::KeyExists => Some(Value::Bool(c.rec.key.is_some())),
        Expr::SetName => Some(Value::Str(c.rec.set.clone())),
        Expr::Ttl => Some(Value::Int(if c.rec.void_time == 0 {
            -1
        } else {
            i64::from(c.rec.void_time.saturating_sub(now_cl_secs()))
        })),
        Expr::VoidTime => Some(Value::Int(if c.rec.void_time == 0 {
            -1
        } else {
            (i64::from(c.rec.void_time) + CITRUSLEAF_EPOCH as i64) * 1_000_000_000
        })),
        Expr::LastUpdate => Some(Value::Int(
            (c.rec.last_update_ms as i64 + CITRUSLEAF_EPOCH as i64 * 1000) * 1_000_000,
        )),
        Expr::SinceUpdate => Some(Value::Int(
            now_cl_millis().saturating_sub(c.rec.last_update_ms) as i64,
        )),
        Expr::DigestModulo(m) => {
            if *m <= 0 {
                return None;
            }
            let d = c.digest;
            let v = u32::from_le_bytes([d[16], d[17], d[18], d[19]]);
            Some(Value::Int(i64::from(v) % m))
        }
        Expr::RecordSize => Some(Value::Int(c.rec.size_bytes() as i64)),
        Expr::Cmp(op, a, b) => {
            let (a, b) = (eval(a, c)?, eval(b, c)?);
            compare(*op, &a, &b).map(Value::Bool)
        }
        Expr::And(items) => {
            let mut unknown = false;
            for i in items {
                match truthy(eval(i, c)) {
                    Some(false) => return Some(Value::Bool(false)),
                    Some(true) => {}
                    None => unknown = true,
                }
            }
            (!unknown).then_some(Value::Bool(true))
        }
        Expr::Or(items) => {
            let mut unknown = false;
            for i in items {
                match truthy(eval(i, c)) {
                    Some(true) => return Some(Value::Bool(true)),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            (!unknown).then_some(Value::Bool(false))
        }
        Expr::Not(a) => truthy(eval(a, c)).map(|b| Value::Bool(!b)),
        Expr::Xor(items) => {
            let mut acc = false;
            for i in items {
                acc ^= truthy(eval(i, c))?;
            }
            Some(Value::Bool(acc))
        }
        Expr::Regex(re, a) => match eval(a, c)? {
            Value::Str(s) => Some(Value::Bool(re.is_match(&s))),
            _ => None,
        },
        Expr::Arith(op, items) => {
            let vals: Option<Vec<Value>> = items.iter().map(|i| eval(i, c)).collect();
            arith(*op, &vals?)
        }
        Expr::Cond(items) => {
            let mut i = 0;
            while i + 1 < items.len() {
                if truthy(eval(&items[i], c))? {
                    return eval(&items[i + 1], c);
                }
                i += 2;
            }
            items.last().and_then(|d| eval(d, c))
        }
        Expr::GeoCompare(a, b) => match (eval(a, c)?, eval(b, c)?) {
            (Value::Geo(x), Value::Geo(y)) => {
                let (x, y) = (crate::geo::Shape::parse(&x)?, crate::geo::Shape::parse(&y)?);
                Some(Value::Bool(match (&x, &y) {
                    (crate::geo::Shape::Point(p), region)
                    | (region, crate::geo::Shape::Point(p)) => region.contains(*p),
                    _ => false,
                }))
            }
            _ => None,
        },
    }
}

fn compare(op: u8, a: &Value, b: &Value) -> Option<bool> {
    use std::cmp::Ordering::*;
    let ord = match (a, b) {
        (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y)?,
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64))?,
        _ if std::mem::discriminant(a) == std::mem::discriminant(b) => a.total_cmp(b),
        _ => return if op == 2 { Some(true) } else { Some(false) },
    };
    Some(match op {
        1 => ord == Equal,
        2 => ord != Equal,
        3 => ord == Greater,
        4 => ord != Less,
        5 => ord == Less,
        _ => ord != Greater,
    })
}

fn arith(op: u8, vals: &[Value]) -> Option<Value> {
    let ints: Option<Vec<i64>> = vals.iter().map(Value::as_int).collect();
    if let Some(ints) = ints {
        let first = *ints.first()?;
        let rest = &ints[1..];
        return Some(Value::Int(match op {
            20 => rest.iter().fold(first, |a, b| a.wrapping_add(*b)),
            21 if rest.is_empty() => first.wrapping_neg(),
            21 => rest.iter().fold(first, |a, b| a.wrapping_sub(*b)),
            22 => rest.iter().fold(first, |a, b| a.wrapping_mul(*b)),
            23 => rest.iter().try_fold(first, |a, b| a.checked_div(*b))?,
            26 => first.checked_rem(*rest.first()?)?,
            27 => first.wrapping_abs(),
            50 => *ints.iter().min()?,
            51 => *ints.iter().max()?,
            _ => return None,
        }));
    }
    let floats: Option<Vec<f64>> = vals
        .iter()
        .map(|v| match v {
            Value::Float(f) => Some(*f),
            _ => None,
        })
        .collect();
    let f = floats?;
    let first = *f.first()?;
    let rest = &f[1..];
    Some(Value::Float(match op {
        20 => rest.iter().fold(first, |a, b| a + b),
        21 if rest.is_empty() => -first,
        21 => rest.iter().fold(first, |a, b| a - b),
        22 => rest.iter().fold(first, |a, b| a * b),
        23 => rest.iter().fold(first, |a, b| a / b),
        27 => first.abs(),
        50 => f.iter().copied().fold(f64::INFINITY, f64::min),
        51 => f.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        _ => return None,
    }))
}

/// Whether the expression lets the record through.
pub fn passes(e: &Expr, c: RecCtx<'_>) -> bool {
    matches!(eval(e, c), Some(Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::particle::{Particle, write_int};

    fn raw(out: &mut Vec<u8>, s: &str) {
        out.push(0xa0 | s.len() as u8);
        out.extend_from_slice(s.as_bytes());
    }

    fn bin_int(out: &mut Vec<u8>, name: &str) {
        out.extend_from_slice(&[0x93, 81, 2]);
        raw(out, name);
    }

    fn rec() -> Record {
        let mut r = Record::new("users");
        r.set_bin("age", Particle::from_value(&Value::Int(30)));
        r.set_bin("name", Particle::from_value(&Value::Str("Alice".into())));
        r
    }

    #[test]
    fn comparison_and_logic() {
        // and(ge(bin_int(age), 18), lt(bin_int(age), 65))
        let mut e = vec![0x93, 16];
        e.extend_from_slice(&[0x93, 4]);
        bin_int(&mut e, "age");
        write_int(&mut e, 18);
        e.extend_from_slice(&[0x93, 5]);
        bin_int(&mut e, "age");
        write_int(&mut e, 65);
        let x = parse(&e).unwrap();
        let r = rec();
        assert!(passes(
            &x,
            RecCtx {
                rec: &r,
                digest: &[0; 20]
            }
        ));
    }

    #[test]
    fn regex_on_string_bin() {
        let mut e = vec![0x94, 7, 2];
        raw(&mut e, "^al");
        e.extend_from_slice(&[0x93, 81, 3]);
        raw(&mut e, "name");
        let x = parse(&e).unwrap();
        let r = rec();
        assert!(passes(
            &x,
            RecCtx {
                rec: &r,
                digest: &[0; 20]
            }
        ));
    }

    #[test]
    fn missing_bin_filters_out_even_under_not() {
        let mut e = vec![0x92, 18, 0x93, 1];
        bin_int(&mut e, "nope");
        write_int(&mut e, 1);
        let x = parse(&e).unwrap();
        let r = rec();
        assert!(!passes(
            &x,
            RecCtx {
                rec: &r,
                digest: &[0; 20]
            }
        ));
    }

    #[test]
    fn unsupported_ops_are_refused() {
        assert!(parse(&[0x91, 0x7f]).is_err());
        assert!(parse(&[0x92, 1]).is_err());
        assert!(parse(&[0x94, 7, 0, 0xa2, b'(', b'(', 0x91, 70]).is_err());
    }
}
