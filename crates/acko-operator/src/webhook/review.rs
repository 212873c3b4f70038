//! The admission decision, pure: an `AdmissionReview` request in, an `AdmissionReview`
//! response out. Clusters and templates get the same checks as `acko validate`
//! (`acko_api::validation`, after the template is merged in) plus, on update,
//! `acko_api::update::validate_update`. Every error is listed, with its path, in one denial;
//! warnings travel in `response.warnings`.

use acko_api::parse::{Resource, parse_value};
use acko_api::update::validate_update;
use acko_api::validation::{validate_cluster, validate_template};
use acko_api::{AerospikeCluster, AerospikeClusterTemplate, Problem, Problems};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// API version of the review objects (admission.k8s.io/v1).
pub const REVIEW_API_VERSION: &str = "admission.k8s.io/v1";

/// The envelope the API server posts and expects back.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AdmissionReview {
    /// `admission.k8s.io/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// `AdmissionReview`.
    pub kind: String,
    /// Set by the API server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<AdmissionRequest>,
    /// Set by the webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<AdmissionResponse>,
}

/// The part of a request the webhook reads.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AdmissionRequest {
    /// Echoed back in the response.
    pub uid: String,
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    pub operation: String,
    /// The object as it would be stored.
    #[serde(default)]
    pub object: Option<Value>,
    /// The stored object (updates).
    #[serde(default, rename = "oldObject")]
    pub old_object: Option<Value>,
}

/// The webhook's answer.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct AdmissionResponse {
    /// The request's uid.
    pub uid: String,
    /// Admit or deny.
    pub allowed: bool,
    /// Why it was denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DenialStatus>,
    /// Shown by kubectl as `Warning: ...`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// `metav1.Status` subset of a denial.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct DenialStatus {
    /// HTTP-like code the API server returns to the client.
    pub code: u16,
    /// `Invalid` or `BadRequest`.
    pub reason: String,
    /// Every problem, `path: message (hint)`, one per line.
    pub message: String,
}

/// Why a body is not an admission review at all (answered with HTTP 400).
#[derive(Debug, thiserror::Error)]
#[error(
    "the body is not an admission.k8s.io/v1 AdmissionReview with a request: {0} (the API server sends one; check the ValidatingWebhookConfiguration's admissionReviewVersions)"
)]
pub struct NotAReview(pub String);

/// Parses a request body.
pub fn parse_review(body: &[u8]) -> Result<AdmissionRequest, NotAReview> {
    let review: AdmissionReview =
        serde_json::from_slice(body).map_err(|e| NotAReview(e.to_string()))?;
    if review.api_version != REVIEW_API_VERSION || review.kind != "AdmissionReview" {
        return Err(NotAReview(format!(
            "apiVersion {:?}, kind {:?}",
            review.api_version, review.kind
        )));
    }
    review
        .request
        .ok_or_else(|| NotAReview("no `request`".to_owned()))
}

/// Wraps a response in its envelope.
pub fn envelope(response: AdmissionResponse) -> AdmissionReview {
    AdmissionReview {
        api_version: REVIEW_API_VERSION.to_owned(),
        kind: "AdmissionReview".to_owned(),
        request: None,
        response: Some(response),
    }
}

/// The templates a cluster may reference, as known to the caller (the shell looks the
/// referenced one up; tests pass them in).
pub fn review(
    request: &AdmissionRequest,
    templates: &[AerospikeClusterTemplate],
) -> AdmissionResponse {
    let uid = request.uid.clone();
    let allow = |warnings: Vec<String>| AdmissionResponse {
        uid: uid.clone(),
        allowed: true,
        status: None,
        warnings,
    };
    if request.operation != "CREATE" && request.operation != "UPDATE" {
        return allow(Vec::new());
    }
    let Some(object) = &request.object else {
        return deny(
            &uid,
            400,
            "BadRequest",
            "the review has no `request.object`".to_owned(),
        );
    };
    let new = parse_value(0, object.clone());
    let mut problems = new.problems.clone();
    match &new.resource {
        Some(Resource::Cluster(cluster)) => {
            let old = old_cluster(request);
            // Metadata-only updates (finalizers, labels) of an unchanged spec are always
            // admitted, so a cluster accepted before the webhook existed can still be deleted.
            if old.as_ref().is_some_and(|o| o.spec == cluster.spec) {
                return allow(Vec::new());
            }
            if cluster.metadata.deletion_timestamp.is_some() {
                return allow(Vec::new());
            }
            problems.extend(cluster_problems(cluster, templates));
            if let Some(old) = &old {
                problems.extend(validate_update(old, cluster));
            }
        }
        Some(Resource::Template(t)) => problems.extend(validate_template(t)),
        None => {}
    }
    let warnings: Vec<String> = problems.warnings().map(ToString::to_string).collect();
    if !problems.has_errors() {
        return allow(warnings);
    }
    let what = match (&new.kind, &new.name) {
        (Some(k), Some(n)) => format!("{k} {n:?}"),
        _ => "the object".to_owned(),
    };
    let errors: Vec<String> = problems.errors().map(ToString::to_string).collect();
    let mut response = deny(
        &uid,
        422,
        "Invalid",
        format!(
            "{what} is invalid ({} problem{}):\n{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors.join("\n")
        ),
    );
    response.warnings = warnings;
    response
}

fn old_cluster(request: &AdmissionRequest) -> Option<AerospikeCluster> {
    if request.operation != "UPDATE" {
        return None;
    }
    match parse_value(0, request.old_object.clone()?).resource {
        Some(Resource::Cluster(c)) => Some(*c),
        _ => None,
    }
}

fn deny(uid: &str, code: u16, reason: &str, message: String) -> AdmissionResponse {
    AdmissionResponse {
        uid: uid.to_owned(),
        allowed: false,
        status: Some(DenialStatus {
            code,
            reason: reason.to_owned(),
            message,
        }),
        warnings: Vec::new(),
    }
}

fn cluster_problems(
    cluster: &AerospikeCluster,
    templates: &[AerospikeClusterTemplate],
) -> Problems {
    let Some(reference) = &cluster.spec.template_ref else {
        return validate_cluster(cluster);
    };
    match acko_render::merge_template(cluster, templates) {
        Ok(resolved) => validate_cluster(&resolved),
        Err(acko_render::TemplateError::NotFound { .. }) => {
            let mut p = validate_cluster(cluster);
            p.push(Problem::warning(
                "spec.templateRef.name",
                format!(
                    "template {:?} does not exist yet, so the fields it provides were not checked",
                    reference.name
                ),
                "create the AerospikeClusterTemplate first; the operator reports the cluster as Error until it exists",
            ));
            p
        }
        Err(e) => {
            let mut p = validate_cluster(cluster);
            p.error(
                "spec.overrides",
                format!("cannot merge the template: {e}"),
                "fix spec.overrides",
            );
            p
        }
    }
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
