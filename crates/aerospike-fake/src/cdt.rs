//! Basic list and map (CDT) operations.
//!
//! Supported without a context: list append/append-items/insert/insert-items/pop/remove/set/
//! clear/increment/sort/size/get/get-range/get-by-index/get-by-index-range/get-by-value/
//! remove-by-index/remove-by-value, and map put/put-items/increment/decrement/clear/
//! remove-by-key/size/get-by-key/get-by-index/get-by-index-range/get-by-key-list.
//! Anything else (including nested contexts) answers result code 4 (parameter error).

use crate::particle::{Value, decode_msgpack};
use crate::wire::rc;

/// Outcome of a CDT operation: the new bin value (None = unchanged) and the result.
#[derive(Debug, Clone, PartialEq)]
pub struct CdtOutcome {
    /// New bin value when the operation modified it.
    pub new_bin: Option<Value>,
    /// Value returned to the client.
    pub result: Value,
}

/// Return types (lower bits).
mod ret {
    pub const NONE: i64 = 0;
    pub const INDEX: i64 = 1;
    pub const REVERSE_INDEX: i64 = 2;
    pub const RANK: i64 = 3;
    pub const COUNT: i64 = 5;
    pub const KEY: i64 = 6;
    pub const VALUE: i64 = 7;
    pub const KEY_VALUE: i64 = 8;
    pub const EXISTS: i64 = 13;
}

fn arg_int(args: &[Value], i: usize) -> Result<i64, u8> {
    args.get(i).and_then(Value::as_int).ok_or(rc::PARAMETER)
}

fn norm_index(idx: i64, len: usize) -> Option<usize> {
    let i = if idx < 0 { len as i64 + idx } else { idx };
    (0..len as i64).contains(&i).then_some(i as usize)
}

fn range(idx: i64, count: Option<i64>, len: usize) -> (usize, usize) {
    let start = if idx < 0 {
        (len as i64 + idx).max(0)
    } else {
        idx.min(len as i64)
    } as usize;
    let end = match count {
        Some(c) if c >= 0 => (start as i64 + c).min(len as i64) as usize,
        Some(_) => start,
        None => len,
    };
    (start, end.max(start))
}

/// Applies an operation encoded as msgpack `[op, args...]` to the current bin value.
pub fn apply(payload: &[u8], current: Option<&Value>) -> Result<CdtOutcome, u8> {
    let Some(Value::List(items)) = decode_msgpack(payload) else {
        return Err(rc::PARAMETER);
    };
    let Some(code) = items.first().and_then(Value::as_int) else {
        return Err(rc::PARAMETER);
    };
    if code == 0xff {
        // Nested context: not supported by the fake.
        return Err(rc::PARAMETER);
    }
    let args = &items[1..];
    if (64..=127).contains(&code) {
        let map = match current {
            None | Some(Value::Nil) => Vec::new(),
            Some(Value::Map(m)) => m.clone(),
            Some(_) => return Err(rc::BIN_TYPE),
        };
        map_op(code, args, map)
    } else {
        let list = match current {
            None | Some(Value::Nil) => Vec::new(),
            Some(Value::List(l)) => l.clone(),
            Some(_) => return Err(rc::BIN_TYPE),
        };
        list_op(code, args, list)
    }
}

fn modified(new: Value, result: Value) -> Result<CdtOutcome, u8> {
    Ok(CdtOutcome {
        new_bin: Some(new),
        result,
    })
}

fn read(result: Value) -> Result<CdtOutcome, u8> {
    Ok(CdtOutcome {
        new_bin: None,
        result,
    })
}

fn list_result(rt: i64, picked: &[(usize, Value)], len: usize, single: bool) -> Value {
    let rt = rt & 0xFFFF;
    let many = |f: &dyn Fn(&(usize, Value)) -> Value| -> Value {
        let v: Vec<Value> = picked.iter().map(f).collect();
        if single {
            v.into_iter().next().unwrap_or(Value::Nil)
        } else {
            Value::List(v)
        }
    };
    match rt {
        ret::NONE => Value::Nil,
        ret::COUNT => Value::Int(picked.len() as i64),
        ret::INDEX | ret::RANK => many(&|(i, _)| Value::Int(*i as i64)),
        ret::REVERSE_INDEX => many(&|(i, _)| Value::Int((len - 1 - *i) as i64)),
        ret::EXISTS => Value::Bool(!picked.is_empty()),
        _ => many(&|(_, v)| v.clone()),
    }
}

fn list_op(code: i64, args: &[Value], mut list: Vec<Value>) -> Result<CdtOutcome, u8> {
    let len = list.len();
    match code {
        1 => {
            list.push(args.first().cloned().ok_or(rc::PARAMETER)?);
            let n = list.len() as i64;
            modified(Value::List(list), Value::Int(n))
        }
        2 => {
            let Some(Value::List(items)) = args.first() else {
                return Err(rc::PARAMETER);
            };
            list.extend(items.iter().cloned());
            let n = list.len() as i64;
            modified(Value::List(list), Value::Int(n))
        }
        3 | 4 => {
            let idx = arg_int(args, 0)?;
            let at = if idx < 0 { len as i64 + idx } else { idx };
            if at < 0 || at as usize > len {
                return Err(rc::OP_NOT_APPLICABLE);
            }
            let items = match (code, args.get(1)) {
                (3, Some(v)) => vec![v.clone()],
                (4, Some(Value::List(v))) => v.clone(),
                _ => return Err(rc::PARAMETER),
            };
            let at = at as usize;
            list.splice(at..at, items);
            let n = list.len() as i64;
            modified(Value::List(list), Value::Int(n))
        }
        5 | 7 => {
            let i = norm_index(arg_int(args, 0)?, len).ok_or(rc::OP_NOT_APPLICABLE)?;
            let v = list.remove(i);
            let result = if code == 5 { v } else { Value::Int(1) };
            modified(Value::List(list), result)
        }
        9 => {
            let i = norm_index(arg_int(args, 0)?, len).ok_or(rc::OP_NOT_APPLICABLE)?;
            list[i] = args.get(1).cloned().ok_or(rc::PARAMETER)?;
            modified(Value::List(list), Value::Nil)
        }
        11 => modified(Value::List(Vec::new()), Value::Nil),
        12 => {
            let i = norm_index(arg_int(args, 0)?, len).ok_or(rc::OP_NOT_APPLICABLE)?;
            let delta = args.get(1).cloned().unwrap_or(Value::Int(1));
            let v = add_values(&list[i], &delta)?;
            list[i] = v.clone();
            modified(Value::List(list), v)
        }
        13 => {
            list.sort_by(|a, b| a.total_cmp(b));
            modified(Value::List(list), Value::Nil)
        }
        16 => read(Value::Int(len as i64)),
        17 => {
            let i = norm_index(arg_int(args, 0)?, len).ok_or(rc::OP_NOT_APPLICABLE)?;
            read(list[i].clone())
        }
        18 => {
            let (s, e) = range(arg_int(args, 0)?, args.get(1).and_then(Value::as_int), len);
            read(Value::List(list[s..e].to_vec()))
        }
        19 | 32 => {
            let rt = arg_int(args, 0)?;
            let i = norm_index(arg_int(args, 1)?, len).ok_or(rc::OP_NOT_APPLICABLE)?;
            let picked = vec![(i, list[i].clone())];
            let result = list_result(rt, &picked, len, true);
            if code == 32 {
                list.remove(i);
                modified(Value::List(list), result)
            } else {
                read(result)
            }
        }
        24 => {
            let rt = arg_int(args, 0)?;
            let (s, e) = range(arg_int(args, 1)?, args.get(2).and_then(Value::as_int), len);
            let picked: Vec<(usize, Value)> = (s..e).map(|i| (i, list[i].clone())).collect();
            read(list_result(rt, &picked, len, false))
        }
        22 | 35 => {
            let rt = arg_int(args, 0)?;
            let needle = args.get(1).ok_or(rc::PARAMETER)?;
            let picked: Vec<(usize, Value)> = list
                .iter()
                .enumerate()
                .filter(|(_, v)| *v == needle)
                .map(|(i, v)| (i, v.clone()))
                .collect();
            let result = list_result(rt, &picked, len, false);
            if code == 35 {
                list.retain(|v| v != needle);
                modified(Value::List(list), result)
            } else {
                read(result)
            }
        }
        _ => Err(rc::PARAMETER),
    }
}

/// A picked map entry: (position, (key, value)).
type Picked = (usize, (Value, Value));

fn map_result(rt: i64, picked: &[Picked], single: bool) -> Value {
    let rt = rt & 0xFFFF;
    let many = |f: &dyn Fn(&Picked) -> Value| -> Value {
        let v: Vec<Value> = picked.iter().map(f).collect();
        if single {
            v.into_iter().next().unwrap_or(Value::Nil)
        } else {
            Value::List(v)
        }
    };
    match rt {
        ret::NONE => Value::Nil,
        ret::COUNT => Value::Int(picked.len() as i64),
        ret::INDEX | ret::RANK => many(&|(i, _)| Value::Int(*i as i64)),
        ret::KEY => many(&|(_, (k, _))| k.clone()),
        ret::VALUE => many(&|(_, (_, v))| v.clone()),
        ret::KEY_VALUE => Value::Map(picked.iter().map(|(_, kv)| kv.clone()).collect()),
        ret::EXISTS => Value::Bool(!picked.is_empty()),
        _ => Value::Map(picked.iter().map(|(_, kv)| kv.clone()).collect()),
    }
}

fn map_put(map: &mut Vec<(Value, Value)>, k: Value, v: Value) {
    match map.iter_mut().find(|(mk, _)| *mk == k) {
        Some(slot) => slot.1 = v,
        None => map.push((k, v)),
    }
}

fn map_op(code: i64, args: &[Value], mut map: Vec<(Value, Value)>) -> Result<CdtOutcome, u8> {
    match code {
        67 => {
            let k = args.first().cloned().ok_or(rc::PARAMETER)?;
            let v = args.get(1).cloned().ok_or(rc::PARAMETER)?;
            map_put(&mut map, k, v);
            let n = map.len() as i64;
            modified(Value::Map(map), Value::Int(n))
        }
        68 => {
            let Some(Value::Map(items)) = args.first() else {
                return Err(rc::PARAMETER);
            };
            for (k, v) in items.clone() {
                map_put(&mut map, k, v);
            }
            let n = map.len() as i64;
            modified(Value::Map(map), Value::Int(n))
        }
        73 | 74 => {
            let k = args.first().cloned().ok_or(rc::PARAMETER)?;
            let mut delta = args.get(1).cloned().unwrap_or(Value::Int(1));
            if code == 74 {
                delta = match delta {
                    Value::Int(i) => Value::Int(i.wrapping_neg()),
                    Value::Float(f) => Value::Float(-f),
                    _ => return Err(rc::PARAMETER),
                };
            }
            let cur = map
                .iter()
                .find(|(mk, _)| *mk == k)
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Int(0));
            let v = add_values(&cur, &delta)?;
            map_put(&mut map, k, v.clone());
            modified(Value::Map(map), v)
        }
        75 => modified(Value::Map(Vec::new()), Value::Nil),
        76 | 97 => {
            let rt = arg_int(args, 0)?;
            let k = args.get(1).ok_or(rc::PARAMETER)?;
            let picked: Vec<(usize, (Value, Value))> = map
                .iter()
                .enumerate()
                .filter(|(_, (mk, _))| mk == k)
                .map(|(i, kv)| (i, kv.clone()))
                .collect();
            let result = map_result(rt, &picked, true);
            if code == 76 {
                map.retain(|(mk, _)| mk != k);
                modified(Value::Map(map), result)
            } else {
                read(result)
            }
        }
        96 => read(Value::Int(map.len() as i64)),
        98 => {
            let rt = arg_int(args, 0)?;
            let mut sorted = map.clone();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            let i = norm_index(arg_int(args, 1)?, sorted.len()).ok_or(rc::OP_NOT_APPLICABLE)?;
            read(map_result(rt, &[(i, sorted[i].clone())], true))
        }
        104 => {
            let rt = arg_int(args, 0)?;
            let mut sorted = map.clone();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (s, e) = range(
                arg_int(args, 1)?,
                args.get(2).and_then(Value::as_int),
                sorted.len(),
            );
            let picked: Vec<(usize, (Value, Value))> =
                (s..e).map(|i| (i, sorted[i].clone())).collect();
            read(map_result(rt, &picked, false))
        }
        107 => {
            let rt = arg_int(args, 0)?;
            let Some(Value::List(keys)) = args.get(1) else {
                return Err(rc::PARAMETER);
            };
            let picked: Vec<(usize, (Value, Value))> = map
                .iter()
                .enumerate()
                .filter(|(_, (mk, _))| keys.contains(mk))
                .map(|(i, kv)| (i, kv.clone()))
                .collect();
            read(map_result(rt, &picked, false))
        }
        _ => Err(rc::PARAMETER),
    }
}

/// Adds two numbers of the same kind (integer or float).
pub fn add_values(a: &Value, b: &Value) -> Result<Value, u8> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(Value::Int(x.wrapping_add(*y))),
        (Value::Float(x), Value::Float(y)) => Ok(Value::Float(x + y)),
        _ => Err(rc::BIN_TYPE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(code: i64, args: Vec<Value>) -> Vec<u8> {
        let mut items = vec![Value::Int(code)];
        items.extend(args);
        Value::List(items).to_msgpack()
    }

    #[test]
    fn list_append_returns_size() {
        let cur = Value::List(vec![Value::Int(1)]);
        let out = apply(&op(1, vec![Value::Int(2)]), Some(&cur)).unwrap();
        assert_eq!(out.result, Value::Int(2));
        assert_eq!(
            out.new_bin,
            Some(Value::List(vec![Value::Int(1), Value::Int(2)]))
        );
    }

    #[test]
    fn list_get_by_negative_index() {
        let cur = Value::List(vec![Value::Int(1), Value::Int(9)]);
        let out = apply(&op(19, vec![Value::Int(7), Value::Int(-1)]), Some(&cur)).unwrap();
        assert_eq!(out.result, Value::Int(9));
        assert_eq!(out.new_bin, None);
    }

    #[test]
    fn map_put_and_get_by_key() {
        let out = apply(
            &op(
                67,
                vec![Value::Str("a".into()), Value::Int(5), Value::Int(0)],
            ),
            None,
        )
        .unwrap();
        let map = out.new_bin.unwrap();
        let got = apply(
            &op(97, vec![Value::Int(7), Value::Str("a".into())]),
            Some(&map),
        )
        .unwrap();
        assert_eq!(got.result, Value::Int(5));
    }

    #[test]
    fn map_increment_creates_the_key() {
        let out = apply(&op(73, vec![Value::Str("n".into()), Value::Int(3)]), None).unwrap();
        assert_eq!(out.result, Value::Int(3));
    }

    #[test]
    fn wrong_bin_type_and_garbage_are_errors() {
        assert_eq!(
            apply(&op(16, vec![]), Some(&Value::Int(1))),
            Err(rc::BIN_TYPE)
        );
        assert_eq!(apply(&[0xc1], None), Err(rc::PARAMETER));
        assert_eq!(apply(&op(1, vec![]), None), Err(rc::PARAMETER));
    }
}
