//! Lists as the apiserver serves them: items in storage-key order (`<namespace>/<name>`),
//! `limit` + `continue` pages cut from one consistent snapshot (the first page's
//! resourceVersion; later pages are rebuilt from the watch history, 410 Expired once that
//! history is compacted), `remainingItemCount` when no selector is used, and the
//! `resourceVersion` / `resourceVersionMatch` rules (unset = latest, `0` = any,
//! `NotOlderThan`, `Exact`).

use std::collections::{HashMap, HashSet};

use base64::Engine;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::kinds::ResourceType;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::store::{EventType, Inner, name_of, ns_of, parse_rv};

/// Query parameters of a list.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// `limit` (0 = none).
    pub limit: usize,
    /// `continue`.
    pub continue_token: Option<String>,
    /// `resourceVersion`.
    pub resource_version: Option<String>,
    /// `resourceVersionMatch`.
    pub resource_version_match: Option<String>,
}

/// One page of a list.
#[derive(Debug)]
pub struct Page {
    /// Items of the page.
    pub items: Vec<Value>,
    /// resourceVersion the page was served at.
    pub rv: u64,
    /// Token of the next page.
    pub continue_token: Option<String>,
    /// Items after this page (only without selectors).
    pub remaining: Option<usize>,
}

fn storage_key(o: &Value) -> String {
    let ns = ns_of(o);
    if ns.is_empty() {
        name_of(o).to_string()
    } else {
        format!("{ns}/{}", name_of(o))
    }
}

/// Encode a continue token (the apiserver's shape: base64 of `{"v","rv","start"}`).
pub fn encode_token(rv: u64, after_key: &str) -> String {
    let body = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": format!("{after_key}\u{0}")});
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(body.to_string())
}

/// Decode a continue token into (rv, key to start after).
pub fn decode_token(token: &str) -> ApiResult<(u64, String)> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: the token is not one this server issued; start the list again without continue",
        )
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    if v["v"] != "meta.k8s.io/v1" {
        return Err(bad());
    }
    let rv = v["rv"].as_u64().filter(|r| *r > 0).ok_or_else(bad)?;
    let start = v["start"].as_str().ok_or_else(bad)?;
    Ok((rv, start.trim_end_matches('\u{0}').to_string()))
}

fn expired_token(inner: &Inner, after: &str) -> ApiError {
    ApiError::gone(
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
    )
    .with_list_meta(json!({"continue": encode_token(inner.rv, after)}))
}

/// Objects of one type as they were at resourceVersion `at` (None: history compacted).
pub fn objects_at(inner: &Inner, rt: &ResourceType, at: u64) -> Option<Vec<Value>> {
    if at >= inner.rv {
        return Some(
            inner
                .bucket(rt)
                .map(|b| b.values().cloned().collect())
                .unwrap_or_default(),
        );
    }
    if at < inner.compacted_rv {
        return None;
    }
    let (group, plural) = crate::events_view::storage_key(rt);
    let same_type = |e: &crate::store::Event| e.group == group && e.plural == plural;
    let key = |o: &Value| (ns_of(o).to_string(), name_of(o).to_string());
    // keys changed after `at`, with their first later event
    let mut first_after: HashMap<(String, String), EventType> = HashMap::new();
    let mut before: HashMap<(String, String), (EventType, &Value)> = HashMap::new();
    for e in inner.history.iter().filter(|e| same_type(e)) {
        let k = key(&e.object);
        if e.rv > at {
            first_after.entry(k).or_insert(e.etype);
        } else {
            before.insert(k, (e.etype, &e.object));
        }
    }
    let mut out: Vec<Value> = inner
        .bucket(rt)
        .into_iter()
        .flat_map(|b| b.iter())
        .filter(|(k, _)| !first_after.contains_key(*k))
        .map(|(_, o)| o.clone())
        .collect();
    let changed: HashSet<_> = first_after.keys().cloned().collect();
    for k in changed {
        match (before.get(&k), first_after[&k]) {
            (Some((EventType::Deleted, _)), _) | (None, EventType::Added) => {}
            (Some((_, o)), _) => out.push((*o).clone()),
            (None, _) => return None,
        }
    }
    Some(out)
}

/// Serve one page of a list.
pub fn list(
    inner: &Inner,
    rt: &ResourceType,
    ns: Option<&str>,
    ls: &LabelSelector,
    fs: &FieldSelector,
    q: &ListQuery,
) -> ApiResult<Page> {
    let rv_param = q.resource_version.as_deref().filter(|r| !r.is_empty());
    let matching = q
        .resource_version_match
        .as_deref()
        .filter(|r| !r.is_empty());
    if matching.is_some() && rv_param.is_none() {
        return Err(ApiError::bad_request(
            "resourceVersionMatch is forbidden unless resourceVersion is provided",
        ));
    }
    let (at, after) = match &q.continue_token {
        Some(t) if !t.is_empty() => {
            if rv_param.is_some_and(|r| r != "0") {
                return Err(ApiError::bad_request(
                    "specifying resource version is not allowed when using continue",
                ));
            }
            let (rv, after) = decode_token(t)?;
            (rv, Some(after))
        }
        _ => {
            let at = match (rv_param, matching) {
                (None, _) | (Some("0"), None | Some("NotOlderThan")) => inner.rv,
                (Some("0"), Some("Exact")) => {
                    return Err(ApiError::bad_request(
                        "resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"",
                    ));
                }
                (Some(r), m) => {
                    let want = parse_rv(r)?;
                    match m {
                        None | Some("NotOlderThan") => {
                            if want > inner.rv {
                                return Err(ApiError::new(
                                    504,
                                    "Timeout",
                                    format!(
                                        "Too large resource version: {want}, current: {}",
                                        inner.rv
                                    ),
                                ));
                            }
                            inner.rv
                        }
                        Some("Exact") => want,
                        Some(other) => {
                            return Err(ApiError::bad_request(format!(
                                "unsupported resourceVersionMatch {other:?}: use NotOlderThan or Exact"
                            )));
                        }
                    }
                }
            };
            (at, None)
        }
    };
    let objects = if at >= inner.rv {
        // the present: filter before copying (selectors apply to the stored form)
        Some(
            inner
                .list_stored(rt, ns, ls, fs)
                .into_iter()
                .cloned()
                .collect(),
        )
    } else {
        objects_at(inner, rt, at)
    };
    let Some(objects) = objects else {
        return Err(match &after {
            Some(a) => expired_token(inner, a),
            None => ApiError::gone(format!(
                "too old resource version: {at} ({})",
                inner.compacted_rv + 1
            )),
        });
    };
    let mut items: Vec<(String, Value)> = objects
        .into_iter()
        .filter(|o| ns.is_none_or(|want| want == ns_of(o)))
        .filter(|o| ls.matches(o) && fs.matches(o))
        .map(|mut o| {
            let key = storage_key(&o);
            if crate::events_view::is_view(rt) {
                // stored as a core Event: served converted
                return (key, crate::store::served_as(&o, rt));
            }
            // owned already: set apiVersion/kind in place instead of copying the object again
            o["apiVersion"] = json!(rt.api_version());
            o["kind"] = json!(rt.kind);
            (key, o)
        })
        .filter(|(k, _)| after.as_deref().is_none_or(|a| k.as_str() > a))
        .collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let limited = q.limit > 0 && rv_param != Some("0");
    if !limited || items.len() <= q.limit {
        return Ok(Page {
            items: items.into_iter().map(|(_, o)| o).collect(),
            rv: at,
            continue_token: None,
            remaining: None,
        });
    }
    let rest = items.split_off(q.limit);
    let last = items.last().map(|(k, _)| k.clone()).unwrap_or_default();
    let selectors = !ls.is_empty() || !fs.is_empty();
    Ok(Page {
        items: items.into_iter().map(|(_, o)| o).collect(),
        rv: at,
        continue_token: Some(encode_token(at, &last)),
        remaining: (!selectors).then_some(rest.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        let t = encode_token(42, "ns/a");
        assert_eq!(decode_token(&t).unwrap(), (42, "ns/a".to_string()));
        assert_eq!(decode_token("garbage").unwrap_err().code, 400);
    }
}
