//! API errors rendered as Kubernetes `Status` objects (what kube::Client turns into
//! `kube::Error::Api`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A failed API call: HTTP code, `reason` and a message like the real apiserver's.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status code.
    pub code: u16,
    /// Machine reason, e.g. "NotFound", "Conflict", "AlreadyExists", "Invalid".
    pub reason: String,
    /// Human message.
    pub message: String,
    /// Optional `details` (name, group, kind, causes).
    pub details: Option<Box<Value>>,
    /// Optional list metadata of the `Status` (`continue` of an expired list token).
    pub list_meta: Option<Box<Value>>,
}

impl ApiError {
    /// Generic constructor.
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason: reason.into(),
            message: message.into(),
            details: None,
            list_meta: None,
        }
    }
    /// 404 for a named object.
    pub fn not_found(qualified: &str, name: &str) -> Self {
        Self::new(404, "NotFound", format!("{qualified} \"{name}\" not found"))
            .with_details(json!({"name": name, "kind": qualified}))
    }
    /// 409 AlreadyExists.
    pub fn already_exists(qualified: &str, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{qualified} \"{name}\" already exists"),
        )
        .with_details(json!({"name": name, "kind": qualified}))
    }
    /// 409 Conflict on a stale resourceVersion.
    pub fn conflict(qualified: &str, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {qualified} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        )
        .with_details(json!({"name": name, "kind": qualified}))
    }
    /// 400 BadRequest.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }
    /// 422 Invalid with one cause per field.
    pub fn invalid(kind: &str, name: &str, causes: Vec<(String, String)>) -> Self {
        Self::invalid_in("", kind, name, causes)
    }

    /// 422 Invalid for a kind of an API group (`Kind.group "name" is invalid: ...`).
    pub fn invalid_in(group: &str, kind: &str, name: &str, causes: Vec<(String, String)>) -> Self {
        let causes = causes
            .into_iter()
            .map(|(f, m)| ("FieldValueInvalid".to_string(), f, m))
            .collect();
        Self::invalid_causes(group, kind, name, causes)
    }

    /// 422 Invalid with one (reason, field, message) cause each; the message lists them like
    /// the apiserver (one error plain, several in brackets).
    pub fn invalid_causes(
        group: &str,
        kind: &str,
        name: &str,
        causes: Vec<(String, String, String)>,
    ) -> Self {
        let parts: Vec<String> = causes.iter().map(|(_, f, m)| format!("{f}: {m}")).collect();
        let text = if parts.len() == 1 {
            parts[0].clone()
        } else {
            format!("[{}]", parts.join(", "))
        };
        let causes: Vec<Value> = causes
            .into_iter()
            .map(|(reason, field, message)| json!({"reason": reason, "message": message, "field": field}))
            .collect();
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let mut details = json!({"name": name, "kind": kind, "causes": causes});
        if !group.is_empty() {
            details["group"] = json!(group);
        }
        Self::new(
            422,
            "Invalid",
            format!("{qualified} \"{name}\" is invalid: {text}"),
        )
        .with_details(details)
    }
    /// 410 Gone (too old resourceVersion).
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }
    /// 405.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }
    /// Attach details.
    pub fn with_details(mut self, d: Value) -> Self {
        self.details = Some(Box::new(d));
        self
    }
    /// Attach `Status.metadata` (e.g. a fresh `continue` token).
    pub fn with_list_meta(mut self, m: Value) -> Self {
        self.list_meta = Some(Box::new(m));
        self
    }
    /// The `Status` object.
    pub fn status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            s["details"] = (**d).clone();
        }
        if let Some(m) = &self.list_meta {
            s["metadata"] = (**m).clone();
        }
        s
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.code, self.reason, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (code, axum::Json(self.status())).into_response()
    }
}

/// Result of an API operation.
pub type ApiResult<T> = Result<T, ApiError>;
