//! Reading and editing the model by path.
//!
//! A path is dot-separated. Each segment names a stanza, with its arguments in brackets
//! when it has any; the last segment names a key (or, for [`AerospikeConf::remove`], a
//! stanza). Examples:
//! - `network.service.access-address`
//! - `network.heartbeat.mesh-seed-address-port`
//! - `namespace[test].replication-factor`
//! - `namespace[test].storage-engine[device].device`
//! - `logging.file[/var/log/aerospike/aerospike.log]` (brackets may hold dots and slashes)

use crate::error::ConfError;
use crate::model::{AerospikeConf, Item, Line, Stanza, check_token, value_tokens};

/// One parsed path segment: a stanza or key name and optional arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSegment {
    /// Stanza name or key.
    pub name: String,
    /// Stanza arguments (`namespace[test]` → `["test"]`).
    pub args: Vec<String>,
}

/// Parses a dotted path (see the module docs).
pub fn parse_path(path: &str) -> Result<Vec<PathSegment>, ConfError> {
    let mut segments = Vec::new();
    let mut rest = path;
    loop {
        let (seg, tail) = split_segment(rest).map_err(|m| ConfError::new(path, m))?;
        segments.push(seg);
        match tail {
            Some(t) => rest = t,
            None => break,
        }
    }
    Ok(segments)
}

fn split_segment(s: &str) -> Result<(PathSegment, Option<&str>), String> {
    let name_end = s.find(['.', '[']).unwrap_or(s.len());
    let name = &s[..name_end];
    check_token(name, "path segment")?;
    let mut args = Vec::new();
    let mut after = &s[name_end..];
    if let Some(inner) = after.strip_prefix('[') {
        let close = inner
            .find(']')
            .ok_or_else(|| format!("unclosed '[' after {name:?}; write `{name}[arg]`"))?;
        args = value_tokens(&inner[..close])?;
        after = &inner[close + 1..];
    }
    if after.is_empty() {
        return Ok((
            PathSegment {
                name: name.to_string(),
                args,
            },
            None,
        ));
    }
    match after.strip_prefix('.') {
        Some(t) => Ok((
            PathSegment {
                name: name.to_string(),
                args,
            },
            Some(t),
        )),
        None => Err(format!(
            "expected '.' after segment {name:?}, found {after:?}"
        )),
    }
}

fn find_stanza<'a>(items: &'a [Item], seg: &PathSegment) -> Option<&'a Stanza> {
    items.iter().find_map(|i| match i {
        Item::Stanza(s) if s.name == seg.name && s.args == seg.args => Some(s),
        _ => None,
    })
}

/// Finds or creates (at the end) the stanza for `seg` among `items`.
fn stanza_entry<'a>(items: &'a mut Vec<Item>, seg: &PathSegment) -> Option<&'a mut Stanza> {
    let matches =
        |i: &Item| matches!(i, Item::Stanza(s) if s.name == seg.name && s.args == seg.args);
    if !items.iter().any(matches) {
        items.push(Item::Stanza(Stanza {
            name: seg.name.clone(),
            args: seg.args.clone(),
            items: Vec::new(),
        }));
    }
    items.iter_mut().find_map(|i| match i {
        Item::Stanza(s) if s.name == seg.name && s.args == seg.args => Some(s),
        _ => None,
    })
}

fn key_segment(segments: &[PathSegment], path: &str) -> Result<String, ConfError> {
    let last = segments
        .last()
        .ok_or_else(|| ConfError::new(path, "empty path"))?;
    if !last.args.is_empty() {
        return Err(ConfError::new(
            path,
            format!(
                "the last segment names a key and takes no [arguments]: `{}`",
                last.name
            ),
        ));
    }
    Ok(last.name.clone())
}

impl AerospikeConf {
    fn items_at(&self, stanzas: &[PathSegment]) -> Option<&[Item]> {
        let mut items: &[Item] = &self.items;
        for seg in stanzas {
            items = &find_stanza(items, seg)?.items;
        }
        Some(items)
    }

    fn items_at_mut(
        &mut self,
        stanzas: &[PathSegment],
        path: &str,
    ) -> Result<&mut Vec<Item>, ConfError> {
        let mut items = &mut self.items;
        for seg in stanzas {
            items = &mut stanza_entry(items, seg)
                .ok_or_else(|| {
                    ConfError::new(path, format!("cannot create stanza `{}`", seg.name))
                })?
                .items;
        }
        Ok(items)
    }

    /// Every line at `path` (repeated keys give several), in order. An invalid or absent
    /// path gives an empty list.
    pub fn get_all(&self, path: &str) -> Vec<&Line> {
        let Ok(segments) = parse_path(path) else {
            return Vec::new();
        };
        let Some((last, parents)) = segments.split_last() else {
            return Vec::new();
        };
        let Some(items) = self.items_at(parents) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|i| match i {
                Item::Line(l) if l.key == last.name && last.args.is_empty() => Some(l),
                _ => None,
            })
            .collect()
    }

    /// The first line at `path`, e.g. `get("network.service.port")`.
    pub fn get(&self, path: &str) -> Option<&Line> {
        self.get_all(path).into_iter().next()
    }

    /// The first value of the first line at `path` (`"3000"` for `network.service.port`).
    pub fn get_value(&self, path: &str) -> Option<&str> {
        self.get(path).and_then(Line::first_value)
    }

    /// The stanza at `path` (every segment is a stanza), e.g. `namespace[test]`.
    pub fn get_stanza(&self, path: &str) -> Option<&Stanza> {
        let segments = parse_path(path).ok()?;
        let (last, parents) = segments.split_last()?;
        find_stanza(self.items_at(parents)?, last)
    }

    /// Sets `path` to a single line with `value` (split into words on whitespace).
    ///
    /// Existing lines with that key are replaced: the first keeps its position, the others
    /// are removed. A new line goes after the last line of its stanza (before nested
    /// stanzas). Missing stanzas on the way are created at the end of their parent.
    pub fn set(&mut self, path: &str, value: &str) -> Result<(), ConfError> {
        self.set_all(path, &[value])
    }

    /// Sets `path` to one line per entry of `values` (a repeated key such as `device` or
    /// `mesh-seed-address-port`), replacing any existing lines with that key. An empty
    /// `values` removes the key.
    pub fn set_all<S: AsRef<str>>(&mut self, path: &str, values: &[S]) -> Result<(), ConfError> {
        let segments = parse_path(path)?;
        let key = key_segment(&segments, path)?;
        let mut lines = Vec::with_capacity(values.len());
        for v in values {
            let tokens = value_tokens(v.as_ref()).map_err(|m| ConfError::new(path, m))?;
            lines.push(Item::Line(Line {
                key: key.clone(),
                values: tokens,
            }));
        }
        let parents = &segments[..segments.len() - 1];
        let items = self.items_at_mut(parents, path)?;
        let first = items
            .iter()
            .position(|i| matches!(i, Item::Line(l) if l.key == key));
        let insert_at = match first {
            Some(p) => p,
            None => items
                .iter()
                .rposition(|i| matches!(i, Item::Line(_)))
                .map_or(0, |p| p + 1),
        };
        items.retain(|i| !matches!(i, Item::Line(l) if l.key == key));
        let insert_at = insert_at.min(items.len());
        items.splice(insert_at..insert_at, lines);
        Ok(())
    }

    /// Removes every line with the key at `path`, or the stanza when the last segment has
    /// `[arguments]` or names a stanza. Returns how many items were removed (0 when absent).
    pub fn remove(&mut self, path: &str) -> Result<usize, ConfError> {
        let segments = parse_path(path)?;
        let Some((last, parents)) = segments.split_last() else {
            return Ok(0);
        };
        if self.items_at(parents).is_none() {
            return Ok(0);
        }
        let items = self.items_at_mut(parents, path)?;
        let before = items.len();
        items.retain(|i| match i {
            Item::Line(l) => !(last.args.is_empty() && l.key == last.name),
            Item::Stanza(s) => !(s.name == last.name && s.args == last.args),
        });
        Ok(before - items.len())
    }

    /// Replaces every `network.heartbeat.mesh-seed-address-port` line with one line per
    /// `(host, port)`, in the given order. An empty slice removes them all.
    pub fn set_mesh_seeds(&mut self, seeds: &[(String, u16)]) -> Result<(), ConfError> {
        let values: Vec<String> = seeds.iter().map(|(h, p)| format!("{h} {p}")).collect();
        for (h, _) in seeds {
            check_token(h, "seed host")
                .map_err(|m| ConfError::new("network.heartbeat.mesh-seed-address-port", m))?;
        }
        self.set_all("network.heartbeat.mesh-seed-address-port", &values)
    }
}
