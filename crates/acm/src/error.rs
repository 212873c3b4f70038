//! API errors rendered as RFC 9457 `application/problem+json` with a stable `code`.
//!
//! Every handler returns [`ApiError`] on failure. The `code` is the contract the UI and
//! scripts rely on; `title` and `detail` are for humans. Field-level problems go in
//! `errors` as `{field, message}` pairs, where `field` is a JSON path into the request.

use aerospike::{Error as AsError, ErrorKind, ResultCode};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Media type of problem responses.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One problem with one field of the request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the offending field, e.g. `filter.and[1].value`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// A field problem (the one shorthand every module uses).
pub fn fe(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// Body of every error response (`application/problem+json`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// URI identifying the problem type (`urn:acm:problem:<code>`).
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    pub detail: String,
    /// Stable machine-readable code, e.g. `profile_not_found`.
    pub code: String,
    /// Field-level problems, when the request body or query was invalid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Aerospike result code, when the server answered with an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<i32>,
}

/// An error a handler returns; converted into a [`Problem`] response.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// Human explanation.
    pub detail: String,
    /// Field problems.
    pub fields: Vec<FieldError>,
    /// Aerospike result code, if any.
    pub result_code: Option<i32>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.code,
            self.status.as_u16(),
            self.detail
        )
    }
}

impl std::error::Error for ApiError {}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A new error with the given status, code and detail.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            fields: Vec::new(),
            result_code: None,
        }
    }

    /// 400 `bad_request`.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    /// 400 `validation_failed` with one field problem.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// 400 `validation_failed` with several field problems.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let detail = fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "validation_failed",
            detail,
            fields,
            result_code: None,
        }
    }

    /// Replace the code, keeping everything else.
    #[must_use]
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// 404 with a specific code.
    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, detail)
    }

    /// 409 conflict with a specific code.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, detail)
    }

    /// 500 internal error (our bug or local IO failure).
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }

    /// The answer to any user/role call on Community Edition.
    pub fn security_not_supported() -> Self {
        Self {
            result_code: Some(51),
            ..Self::new(
                StatusCode::CONFLICT,
                "security_not_supported",
                "Aerospike Community Edition has no user and role management: the server \
                 answered SECURITY_NOT_SUPPORTED (51). User and role administration requires \
                 Aerospike Enterprise Edition.",
            )
        }
    }

    /// The problem body.
    pub fn problem(&self) -> Problem {
        Problem {
            type_: format!("urn:acm:problem:{}", self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_string(),
            errors: self.fields.clone(),
            result_code: self.result_code,
        }
    }

    /// Map an Aerospike client error, with `what` naming the operation for the message.
    pub fn from_aerospike(err: &AsError, what: &str) -> Self {
        let msg = format!("{what}: {err}");
        let mut api = if let Some(rc) = err.server_result_code() {
            Self::from_result_code(rc, what, msg)
        } else {
            match err.kind() {
                ErrorKind::Timeout => Self::new(StatusCode::GATEWAY_TIMEOUT, "timeout", msg),
                ErrorKind::Connection
                | ErrorKind::ConnectionPoolEmpty
                | ErrorKind::NoMoreConnections
                | ErrorKind::InvalidNode
                | ErrorKind::Io(_) => {
                    Self::new(StatusCode::BAD_GATEWAY, "cluster_unreachable", msg)
                }
                ErrorKind::InvalidNamespace => Self::not_found("namespace_not_found", msg),
                ErrorKind::InvalidArgument => Self::bad_request(msg),
                ErrorKind::UdfBadResponse => {
                    Self::from_result_code(ResultCode::UdfBadResponse, what, msg)
                }
                _ if err.is_client_timeout() => {
                    Self::new(StatusCode::GATEWAY_TIMEOUT, "timeout", msg)
                }
                _ => Self::new(StatusCode::BAD_GATEWAY, "aerospike_error", msg),
            }
        };
        let rc = err.result_code();
        if api.result_code.is_none() && rc != 0 {
            api.result_code = Some(rc);
        }
        api
    }

    /// Map a server result code to a problem.
    pub fn from_result_code(rc: ResultCode, what: &str, msg: String) -> Self {
        match rc {
            ResultCode::KeyNotFoundError => {
                Self::not_found("record_not_found", format!("{what}: record not found"))
            }
            ResultCode::GenerationError => Self::conflict(
                "generation_mismatch",
                format!(
                    "{what}: the record's generation differs from the expected one \
                     (someone else changed it); reload the record and retry"
                ),
            ),
            ResultCode::KeyExistsError => Self::conflict(
                "record_exists",
                format!("{what}: a record with this key already exists"),
            ),
            ResultCode::SecurityNotSupported | ResultCode::SecurityNotEnabled => {
                Self::security_not_supported()
            }
            ResultCode::InvalidNamespace => Self::not_found("namespace_not_found", msg),
            ResultCode::ParameterError
            | ResultCode::BinTypeError
            | ResultCode::BinNameTooLong
            | ResultCode::RecordTooBig
            | ResultCode::InvalidEncoding
            | ResultCode::OpNotApplicable
            | ResultCode::BinNotFound
            | ResultCode::ElementNotFound => {
                Self::new(StatusCode::BAD_REQUEST, "aerospike_rejected", msg)
            }
            ResultCode::FilteredOut => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "filtered_out",
                format!("{what}: the record did not match the filter expression"),
            ),
            ResultCode::EnterpriseOnly | ResultCode::UnsupportedFeature => {
                Self::new(StatusCode::CONFLICT, "unsupported_feature", msg)
            }
            ResultCode::UdfBadResponse => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "udf_failed",
                format!("{msg} (the UDF ran and failed: check the function and its arguments)"),
            ),
            ResultCode::IndexNotFound => Self::not_found("index_not_found", msg),
            ResultCode::IndexFound => Self::conflict("index_exists", msg),
            ResultCode::Timeout => Self::new(StatusCode::GATEWAY_TIMEOUT, "timeout", msg),
            _ => Self::new(StatusCode::BAD_GATEWAY, "aerospike_error", msg),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(code = self.code, detail = %self.detail, "request failed");
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        (
            self.status,
            [(axum::http::header::CONTENT_TYPE, PROBLEM_JSON)],
            body,
        )
            .into_response()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        Self::internal(format!("profile database: {err}"))
    }
}

/// Split an axum/serde message such as `hosts[0]: invalid type ...` into (path, message).
fn split_serde_path(text: &str) -> (String, String) {
    let text = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .or_else(|| text.strip_prefix("Failed to deserialize query string: "))
        .unwrap_or(text);
    match text.split_once(": ") {
        Some((path, rest))
            if !path.contains(' ') && !path.is_empty() && !path.starts_with("invalid") =>
        {
            (path.to_string(), rest.to_string())
        }
        _ => ("body".to_string(), text.to_string()),
    }
}

/// JSON body extractor whose rejections are problems with field paths.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    /// Every request body of this API is a JSON object. serde would also build a struct
    /// from an array (`[null, null]` fills the fields in order), so anything but an object
    /// is refused before it is deserialized.
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(req.headers()) {
            return Err(missing_json_content_type());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rej| body_rejection(&rej))?;
        if let Some(kind) = non_object_kind(&bytes) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("the request body must be a JSON object (`{{...}}`), not {kind}"),
            ));
        }
        match axum::Json::<T>::from_bytes(&bytes) {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rej) => Err(json_rejection(&rej)),
        }
    }
}

/// `application/json` or any `application/*+json`, parameters ignored.
fn is_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((top, sub)) = essence.split_once('/') else {
        return false;
    };
    top.eq_ignore_ascii_case("application")
        && (sub.eq_ignore_ascii_case("json") || sub.to_ascii_lowercase().ends_with("+json"))
}

/// What a body that is not a JSON object starts as (`None` for an object, or for a body
/// that is empty or not JSON at all: the parser words those).
fn non_object_kind(body: &[u8]) -> Option<&'static str> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    match first {
        b'{' => None,
        b'[' => Some("an array"),
        b'"' => Some("a string"),
        b'n' => Some("null"),
        b't' | b'f' => Some("a boolean"),
        b'-' | b'0'..=b'9' => Some("a number"),
        _ => None,
    }
}

fn missing_json_content_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send the body with `Content-Type: application/json`",
    )
}

fn body_rejection(rej: &axum::extract::rejection::BytesRejection) -> ApiError {
    if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body exceeds the configured size limit (--body-limit)",
        )
    } else {
        ApiError::new(rej.status(), "bad_request", rej.body_text())
    }
}

fn json_rejection(rej: &JsonRejection) -> ApiError {
    match rej {
        JsonRejection::JsonDataError(e) => {
            let (field, message) = split_serde_path(&e.body_text());
            let mut err = ApiError::field(field, message);
            err.code = "invalid_body";
            err
        }
        JsonRejection::JsonSyntaxError(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the request body is not valid JSON: {}", e.body_text()),
        ),
        JsonRejection::MissingJsonContentType(_) => missing_json_content_type(),
        other => {
            let status = other.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    status,
                    "payload_too_large",
                    "the request body exceeds the configured size limit (--body-limit)",
                )
            } else {
                ApiError::new(status, "bad_request", other.body_text())
            }
        }
    }
}

/// Query-string extractor whose rejections are problems with field paths.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Self(v)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let (field, message) = split_serde_path(&e.body_text());
                let mut err = ApiError::field(field, message);
                err.code = "invalid_query";
                Err(err)
            }
            Err(other) => Err(ApiError::bad_request(other.body_text())),
        }
    }
}

/// Path-parameter extractor whose rejections are problems.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let mut err = ApiError::field("path", e.body_text());
                err.code = "invalid_path";
                Err(err)
            }
            Err(other) => Err(ApiError::bad_request(other.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct TwoOptions {
        a: Option<String>,
        b: Option<bool>,
    }

    async fn extract(content_type: Option<&str>, body: &str) -> Result<TwoOptions, ApiError> {
        let mut req = axum::http::Request::builder().method("PUT").uri("/x");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let req = req.body(axum::body::Body::from(body.to_string())).unwrap();
        ApiJson::<TwoOptions>::from_request(req, &())
            .await
            .map(|ApiJson(v)| v)
    }

    #[tokio::test]
    async fn bodies_that_are_not_objects_are_refused_even_when_serde_would_take_them() {
        // serde builds this struct from `[null, null]`; the API must not.
        for (body, kind) in [
            ("[null, null]", "an array"),
            (" null", "null"),
            ("1", "a number"),
            ("\"x\"", "a string"),
            ("true", "a boolean"),
        ] {
            let err = extract(Some("application/json"), body).await.unwrap_err();
            assert_eq!(err.status, StatusCode::BAD_REQUEST, "{body}");
            assert_eq!(err.code, "invalid_body", "{body}");
            assert!(err.detail.ends_with(kind), "{body}: {}", err.detail);
        }
        let ok = extract(Some("application/json; charset=utf-8"), r#" {"a":"x"}"#)
            .await
            .unwrap();
        assert_eq!(ok.a.as_deref(), Some("x"));
        assert!(
            extract(Some("application/merge-patch+json"), "{}")
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn body_content_type_and_syntax_errors_keep_their_codes() {
        let err = extract(None, "{}").await.unwrap_err();
        assert_eq!(err.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let err = extract(Some("text/plain"), "{}").await.unwrap_err();
        assert_eq!(err.code, "unsupported_media_type");
        let err = extract(Some("application/json"), "{").await.unwrap_err();
        assert_eq!(err.code, "malformed_json");
        let err = extract(Some("application/json"), "").await.unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        let err = extract(Some("application/json"), r#"{"b":"no"}"#)
            .await
            .unwrap_err();
        assert_eq!(err.code, "invalid_body");
        assert_eq!(err.fields[0].field, "b");
    }

    #[test]
    fn serde_paths_are_split() {
        let (f, m) = split_serde_path(
            "Failed to deserialize the JSON body into the target type: hosts[0]: invalid type: integer `3`, expected a string at line 1 column 12",
        );
        assert_eq!(f, "hosts[0]");
        assert!(m.starts_with("invalid type"));
        let (f, _) = split_serde_path("missing field `name` at line 1 column 2");
        assert_eq!(f, "body");
    }

    #[test]
    fn problem_has_stable_shape() {
        let p = ApiError::field("pageSize", "must be at most 1000").problem();
        assert_eq!(p.code, "validation_failed");
        assert_eq!(p.status, 400);
        assert_eq!(p.type_, "urn:acm:problem:validation_failed");
        assert_eq!(p.errors[0].field, "pageSize");
    }

    #[test]
    fn ce_security_error_maps_to_typed_problem() {
        let api = ApiError::from_result_code(
            ResultCode::SecurityNotSupported,
            "list users",
            String::new(),
        );
        assert_eq!(api.code, "security_not_supported");
        assert!(api.detail.contains("Community Edition"));
        assert!(!api.detail.to_lowercase().contains("stanza"));
        let api = ApiError::from_result_code(ResultCode::GenerationError, "put", String::new());
        assert_eq!(api.code, "generation_mismatch");
        assert_eq!(api.status, StatusCode::CONFLICT);
    }
}
