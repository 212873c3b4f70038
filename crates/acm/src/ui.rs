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
            [(header::CONTENT_TYPE, file.metadata.mimetype().to_string())],
            file.data.into_owned(),
        )
            .into_response();
    }
    match Assets::get("index.html") {
        Some(index) => Html(index.data.into_owned()).into_response(),
        None => (StatusCode::OK, Html(NOT_BUILT)).into_response(),
    }
}
