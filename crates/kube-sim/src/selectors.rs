//! Label and field selectors (the string syntax of `?labelSelector=` / `?fieldSelector=`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, PartialEq)]
enum LabelReq {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector (all requirements must match).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<LabelReq>);

fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

fn set_values(s: &str) -> ApiResult<Vec<String>> {
    let s = s.trim();
    let inner = s
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "unable to parse requirement: expected (a,b) but found {s:?}"
            ))
        })?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

impl LabelSelector {
    /// Parse `a=b,c!=d,e in (x,y),f notin (z),g,!h`.
    pub fn parse(s: &str) -> ApiResult<Self> {
        let mut reqs = Vec::new();
        for part in split_top(s) {
            let p = part.trim();
            if p.is_empty() {
                continue;
            }
            if let Some((k, v)) = p.split_once("!=") {
                reqs.push(LabelReq::Ne(k.trim().into(), v.trim().into()));
            } else if let Some((k, v)) = p.split_once("==") {
                reqs.push(LabelReq::Eq(k.trim().into(), v.trim().into()));
            } else if let Some((k, v)) = p.split_once('=') {
                reqs.push(LabelReq::Eq(k.trim().into(), v.trim().into()));
            } else if let Some((k, v)) = p.split_once(" notin ") {
                reqs.push(LabelReq::NotIn(k.trim().into(), set_values(v)?));
            } else if let Some((k, v)) = p.split_once(" in ") {
                reqs.push(LabelReq::In(k.trim().into(), set_values(v)?));
            } else if let Some(k) = p.strip_prefix('!') {
                reqs.push(LabelReq::NotExists(k.trim().into()));
            } else if p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                reqs.push(LabelReq::Exists(p.into()));
            } else {
                return Err(ApiError::bad_request(format!(
                    "unable to parse requirement {p:?}: use key=value, key!=value, key in (a,b), key notin (a), key or !key"
                )));
            }
        }
        Ok(LabelSelector(reqs))
    }

    /// From a `metav1.LabelSelector` JSON (matchLabels + matchExpressions).
    pub fn from_json(sel: &Value) -> Self {
        let mut reqs = Vec::new();
        if let Some(m) = sel["matchLabels"].as_object() {
            for (k, v) in m {
                reqs.push(LabelReq::Eq(
                    k.clone(),
                    v.as_str().unwrap_or_default().into(),
                ));
            }
        }
        for e in sel["matchExpressions"].as_array().into_iter().flatten() {
            let key = e["key"].as_str().unwrap_or_default().to_string();
            let vals: Vec<String> = e["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            reqs.push(match e["operator"].as_str().unwrap_or_default() {
                "In" => LabelReq::In(key, vals),
                "NotIn" => LabelReq::NotIn(key, vals),
                "Exists" => LabelReq::Exists(key),
                _ => LabelReq::NotExists(key),
            });
        }
        LabelSelector(reqs)
    }

    /// Whether there is no requirement.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Match a label map.
    pub fn matches_map(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| match r {
            LabelReq::Eq(k, v) => labels.get(k) == Some(v),
            LabelReq::Ne(k, v) => labels.get(k) != Some(v),
            LabelReq::In(k, vs) => labels.get(k).is_some_and(|x| vs.contains(x)),
            LabelReq::NotIn(k, vs) => labels.get(k).is_none_or(|x| !vs.contains(x)),
            LabelReq::Exists(k) => labels.contains_key(k),
            LabelReq::NotExists(k) => !labels.contains_key(k),
        })
    }

    /// Match an object's `metadata.labels`.
    pub fn matches(&self, obj: &Value) -> bool {
        self.matches_map(&labels_of(obj))
    }
}

/// `metadata.labels` as a map.
pub fn labels_of(obj: &Value) -> BTreeMap<String, String> {
    obj["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// A parsed field selector: `path=value` / `path!=value` pairs on dotted JSON paths
/// (`metadata.name`, `metadata.namespace`, `spec.nodeName`, `status.phase`, `involvedObject.name`, ...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    /// Whether the selector has no requirement.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parse `metadata.name=x,status.phase!=Running`.
    pub fn parse(s: &str) -> ApiResult<Self> {
        let mut out = Vec::new();
        for p in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some((k, v)) = p.split_once("!=") {
                out.push((k.trim().into(), false, v.trim().into()));
            } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
                out.push((k.trim().into(), true, v.trim().into()));
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid field selector {p:?}: use field=value or field!=value"
                )));
            }
        }
        Ok(FieldSelector(out))
    }

    /// The same requirements on other field paths (`f` maps a field label to the path it
    /// selects on, or refuses it).
    pub fn map_paths(self, f: impl Fn(&str) -> ApiResult<String>) -> ApiResult<Self> {
        self.0
            .into_iter()
            .map(|(p, eq, v)| Ok((f(&p)?, eq, v)))
            .collect::<ApiResult<Vec<_>>>()
            .map(FieldSelector)
    }

    /// Match an object.
    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(path, eq, want)| {
            let mut cur = obj;
            let mut found = true;
            for part in path.split('.') {
                match cur.get(part) {
                    Some(v) => cur = v,
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            let got = if !found || cur.is_null() {
                String::new()
            } else if let Some(s) = cur.as_str() {
                s.to_string()
            } else {
                cur.to_string()
            };
            (got == *want) == *eq
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selector_forms() {
        let o = json!({"metadata": {"labels": {"app": "a", "tier": "db"}}});
        assert!(
            LabelSelector::parse("app=a,tier in (db,x),!gone,tier")
                .unwrap()
                .matches(&o)
        );
        assert!(!LabelSelector::parse("app!=a").unwrap().matches(&o));
        assert!(!LabelSelector::parse("tier notin (db)").unwrap().matches(&o));
        assert!(LabelSelector::parse("app=(").is_ok() || LabelSelector::parse("a b").is_err());
    }

    #[test]
    fn field_selector_paths() {
        let o =
            json!({"metadata": {"name": "n", "namespace": "ns"}, "status": {"phase": "Running"}});
        assert!(
            FieldSelector::parse("metadata.name=n,metadata.namespace=ns")
                .unwrap()
                .matches(&o)
        );
        assert!(
            !FieldSelector::parse("status.phase!=Running")
                .unwrap()
                .matches(&o)
        );
        assert!(FieldSelector::parse("spec.nodeName=").unwrap().matches(&o));
    }
}
