//! The embedded web UI (`web/dist`), with a built-in page when it was not built.

use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::ApiError;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Assets;

const NOT_BUILT: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
<title>Aerospike Cluster Manager</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">\
<h1>Aerospike Cluster Manager</h1><p>The web UI is not built into this binary \
(<code>web/dist</code> was missing at build time). Build it with <code>npm ci &amp;&amp; npm run build</code> \
in <code>web/</code> and rebuild the manager.</p><p>The REST API works: see \
<a href=\"/api/docs\">/api/docs</a> and <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p></body></html>";

/// Fallback handler: static assets, SPA fallback to `index.html`, problem 404 under `/api`.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return ApiError::not_found(
            "route_not_found",
            format!("no API route {}; see /api/docs", uri.path()),
        )
        .into_response();
    }
    let candidate = if path.is_empty() { "index.html" } else { path };
    if let Some(file) = Assets::get(candidate) {
        return (
            [
                (header::CONTENT_TYPE, file.metadata.mimetype().to_string()),
                (header::CACHE_CONTROL, cache_control(candidate).to_string()),
            ],
            file.data.into_owned(),
        )
            .into_response();
    }
    let no_cache = [(header::CACHE_CONTROL, cache_control("index.html"))];
    match Assets::get("index.html") {
        Some(index) => (no_cache, Html(index.data.into_owned())).into_response(),
        None => (StatusCode::OK, no_cache, Html(NOT_BUILT)).into_response(),
    }
}

/// Cache policy of a UI file (pure): Vite's hashed `assets/*` never change under their
/// name, so browsers keep them a year without asking; everything else (`index.html`,
/// which names the current assets, and unhashed files) is revalidated on every load.
pub fn cache_control(path: &str) -> &'static str {
    if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_immutable_and_the_page_is_revalidated() {
        assert_eq!(
            cache_control("assets/index-3f2a91c0.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("index.html"), "no-cache");
        assert_eq!(cache_control("favicon.svg"), "no-cache");
    }
}
