//! `udf-list`, `udf-get:filename=...` and `udf-put` replies.
//!
//! UDF commands report failures as `error=<kind>;...` (classified by [`crate::reply`]).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Serialize;

use super::kv::{semicolon_pairs, split_pairs};
use crate::reply::{ReplyError, allow_empty, require};

/// One registered UDF module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UdfModule {
    /// File name (e.g. `example.lua`).
    pub filename: String,
    /// Content hash.
    pub hash: Option<String>,
    /// Language (`LUA`).
    pub udf_type: Option<String>,
    /// Other fields.
    pub other: BTreeMap<String, String>,
}

/// Parses `udf-list`: `filename=..,hash=..,type=LUA;` per module.
pub fn parse_udf_list(raw: &str) -> Result<Vec<UdfModule>, ReplyError> {
    allow_empty(raw)?
        .split(';')
        .filter(|r| !r.trim().is_empty())
        .map(|record| {
            let mut map = split_pairs(record, ',');
            let filename = map
                .remove("filename")
                .ok_or_else(|| ReplyError::malformed("udf-list", "record without filename"))?;
            Ok(UdfModule {
                filename,
                hash: map.remove("hash"),
                udf_type: map.remove("type"),
                other: map,
            })
        })
        .collect()
}

/// A UDF's source (`udf-get`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UdfSource {
    /// Language (`LUA`).
    pub udf_type: Option<String>,
    /// Decoded source text.
    pub content: String,
}

/// Parses `udf-get:filename=...` (`error=not_found` for a missing module).
pub fn parse_udf_get(raw: &str) -> Result<UdfSource, ReplyError> {
    let mut map = semicolon_pairs(require(raw)?);
    let b64 = map
        .remove("content")
        .ok_or_else(|| ReplyError::malformed("udf-get", "no content= field"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| ReplyError::malformed("udf-get", format!("content is not base64: {e}")))?;
    Ok(UdfSource {
        udf_type: map.remove("type"),
        content: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Parses a `udf-put` reply: `Ok(())` on success (an empty value or `ok`). A compile
/// error becomes [`ReplyError::Keyed`] with the base64 `message` decoded in place.
pub fn parse_udf_put(raw: &str) -> Result<(), ReplyError> {
    match require(raw) {
        Ok("ok") | Err(ReplyError::Empty) => Ok(()),
        Ok(other) => Err(ReplyError::malformed(
            "udf-put",
            format!("unexpected reply {other:?}"),
        )),
        Err(ReplyError::Keyed { kind, mut fields }) => {
            if let Some(msg) = fields.get_mut("message")
                && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(msg.trim())
            {
                *msg = String::from_utf8_lossy(&bytes).into_owned();
            }
            Err(ReplyError::Keyed { kind, fields })
        }
        Err(e) => Err(e),
    }
}
