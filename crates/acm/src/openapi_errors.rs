//! Documents the error responses every route can send but no handler lists itself.
//!
//! The extractors answer bad path/query/body input with 400, a body over the limit with 413 and
//! a body that is not JSON with 415; every route under `/api/v1/clusters/{id}` first resolves the
//! connection profile (404) and then talks to the cluster, which can be unreachable (502), slow
//! (504), refuse an Enterprise-only feature (409), a stale generation (412) or an operation on
//! this data (422, e.g. a failing UDF), or report it is not ready (503). Adding them in
//! one place keeps `openapi.json` describing every response the server sends (schemathesis checks
//! that in `scripts/schemathesis.sh`).

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, ResponseBuilder};

use crate::error::PROBLEM_JSON;

fn add(op: &mut Operation, status: &str, description: &str) {
    if op.responses.responses.contains_key(status) {
        return;
    }
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    let response = ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, content)
        .build();
    op.responses
        .responses
        .insert(status.to_string(), response.into());
}

fn document(path: &str, method: &axum::http::Method, op: &mut Operation) {
    let rule = crate::auth::policy::lookup(method, path);
    if rule.role.is_some() {
        add(
            op,
            "401",
            "Not signed in: no session cookie or API token, or it expired or was revoked",
        );
        add(
            op,
            "403",
            "Signed in, but the role does not allow this route, the CSRF header is missing \
             or wrong, or the connection profile is read-only",
        );
    }
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    if op.request_body.is_some() {
        add(
            op,
            "400",
            "The request body or a parameter is invalid (see `errors`)",
        );
        add(
            op,
            "413",
            "The request body is larger than the configured limit",
        );
        add(op, "415", "The request body is not `application/json`");
    } else if has_params {
        add(
            op,
            "400",
            "A path or query parameter is invalid (see `errors`)",
        );
    }
    if path.starts_with("/api/v1/clusters/{id}") || path.starts_with("/api/v1/profiles/{id}") {
        add(
            op,
            "404",
            "No connection profile with this id, or the named item does not exist",
        );
    }
    if path.starts_with("/api/v1/k8s/") {
        add(
            op,
            "404",
            "Kubernetes management is off (`k8s_disabled`), or the named object does not exist",
        );
        add(op, "502", "The Kubernetes API answered with a server error");
        add(
            op,
            "503",
            "The Kubernetes API is not configured, unreachable or did not answer in time",
        );
    }
    if path.starts_with("/api/v1/clusters/{id}") {
        add(
            op,
            "409",
            "The cluster does not support this (e.g. an Enterprise-only feature)",
        );
        add(
            op,
            "412",
            "The record changed since it was read (generation mismatch)",
        );
        add(
            op,
            "422",
            "The cluster refused the operation on this data (e.g. a UDF failed)",
        );
        add(
            op,
            "502",
            "The cluster is unreachable or answered with an error",
        );
        add(
            op,
            "503",
            "The cluster cannot serve this now (e.g. partitions unavailable)",
        );
        add(
            op,
            "504",
            "The cluster did not answer within the profile's timeout",
        );
    }
}

/// Adds the common error responses to every operation of `doc`.
pub fn document_common_errors(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        use axum::http::Method;
        for (method, op) in [
            (Method::GET, item.get.as_mut()),
            (Method::PUT, item.put.as_mut()),
            (Method::POST, item.post.as_mut()),
            (Method::DELETE, item.delete.as_mut()),
            (Method::PATCH, item.patch.as_mut()),
        ] {
            if let Some(op) = op {
                document(path, &method, op);
            }
        }
    }
}
