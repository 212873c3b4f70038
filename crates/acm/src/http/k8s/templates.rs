//! Cluster-scoped `AerospikeClusterTemplate` resources: list, create (validated), detail with
//! the clusters that use it, delete (refused while referenced).

use acko_api::{AerospikeCluster, AerospikeClusterTemplate};
use axum::Json;
use axum::http::StatusCode;
use kube::Api;
use kube::api::{DeleteParams, ListParams, PostParams};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::conn::Kube;
use super::model::template_spec_ref;
use super::names;
use super::validate::{check_template, invalid};
use crate::error::{ApiError, ApiJson, ApiPath, ApiResult, FieldError};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(get_template, delete_template))
}

/// A cluster that references a template.
#[derive(Debug, Serialize, ToSchema, Clone, PartialEq, Eq)]
pub struct ClusterRef {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// One row of the template list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Default image.
    pub image: Option<String>,
    /// Default size.
    pub size: Option<i32>,
    /// Clusters referencing it.
    pub used_by: Vec<ClusterRef>,
    /// Creation time (RFC 3339).
    pub created_at: Option<String>,
}

/// Templates.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateList {
    /// Sorted by name.
    pub items: Vec<TemplateSummary>,
}

/// A template in full.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateDetail {
    /// Name.
    pub name: String,
    /// `resourceVersion`.
    pub resource_version: Option<String>,
    /// Creation time (RFC 3339).
    pub created_at: Option<String>,
    /// The template spec.
    #[schema(schema_with = template_spec_ref)]
    pub spec: Value,
    /// Template status, as stored (the manager computes `usedBy` itself).
    #[schema(value_type = Option<Object>)]
    pub status: Option<Value>,
    /// Clusters referencing it ("Referenced By").
    pub used_by: Vec<ClusterRef>,
}

/// Every cluster that references `template`, sorted.
pub async fn used_by(kube: &Kube, template: &str) -> ApiResult<Vec<ClusterRef>> {
    let api: Api<AerospikeCluster> = Api::all(kube.client.clone());
    let list = kube
        .call("AerospikeClusters", api.list(&ListParams::default()))
        .await?;
    let mut out: Vec<ClusterRef> = list
        .items
        .iter()
        .filter(|c| {
            c.spec
                .template_ref
                .as_ref()
                .is_some_and(|t| t.name == template)
        })
        .map(|c| ClusterRef {
            namespace: c.metadata.namespace.clone().unwrap_or_default(),
            name: c.metadata.name.clone().unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    Ok(out)
}

fn detail(t: AerospikeClusterTemplate, used_by: Vec<ClusterRef>) -> TemplateDetail {
    TemplateDetail {
        name: t.metadata.name.clone().unwrap_or_default(),
        resource_version: t.metadata.resource_version.clone(),
        created_at: t
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|x| x.0.to_string()),
        spec: serde_json::to_value(&t.spec).unwrap_or(Value::Null),
        status: t.status.as_ref().and_then(|s| serde_json::to_value(s).ok()),
        used_by,
    }
}

/// List templates (cluster-scoped) with the clusters using each.
#[utoipa::path(get, path = "/k8s/templates", tag = "k8s",
    responses((status = 200, body = TemplateList), (status = 404, description = "Kubernetes management is off")))]
async fn list_templates(kube: Kube) -> ApiResult<Json<TemplateList>> {
    let api: Api<AerospikeClusterTemplate> = Api::all(kube.client.clone());
    let list = kube
        .call(
            "AerospikeClusterTemplates",
            api.list(&ListParams::default()),
        )
        .await?;
    let clusters: Api<AerospikeCluster> = Api::all(kube.client.clone());
    let clusters = kube
        .call("AerospikeClusters", clusters.list(&ListParams::default()))
        .await?;
    let mut items: Vec<TemplateSummary> = list
        .items
        .iter()
        .map(|t| {
            let name = t.metadata.name.clone().unwrap_or_default();
            TemplateSummary {
                used_by: clusters
                    .items
                    .iter()
                    .filter(|c| c.spec.template_ref.as_ref().is_some_and(|r| r.name == name))
                    .map(|c| ClusterRef {
                        namespace: c.metadata.namespace.clone().unwrap_or_default(),
                        name: c.metadata.name.clone().unwrap_or_default(),
                    })
                    .collect(),
                description: t.spec.description.clone(),
                image: t.spec.image.clone(),
                size: t.spec.size,
                created_at: t
                    .metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|x| x.0.to_string()),
                name,
            }
        })
        .collect();
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(TemplateList { items }))
}

/// A new template.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTemplate {
    /// Name (RFC 1123 subdomain).
    pub name: String,
    /// The template spec, exactly as in the CRD.
    #[schema(schema_with = template_spec_ref)]
    pub spec: Value,
}

/// A created template.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateCreated {
    /// The template as stored.
    pub template: TemplateDetail,
    /// Validation warnings.
    pub warnings: Vec<FieldError>,
}

/// Create a template (validated first: 422 lists every field).
#[utoipa::path(post, path = "/k8s/templates", tag = "k8s", request_body = CreateTemplate,
    responses((status = 201, body = TemplateCreated), (status = 409, description = "Exists"),
        (status = 422, description = "Invalid template")))]
async fn create_template(
    kube: Kube,
    ApiJson(req): ApiJson<CreateTemplate>,
) -> ApiResult<(StatusCode, Json<TemplateCreated>)> {
    if !names::is_dns_subdomain(&req.name) {
        return Err(invalid(
            "name",
            format!(
                "{:?} is not a valid Kubernetes name (lowercase letters, digits, '-', '.')",
                req.name
            ),
        ));
    }
    let doc = json!({"apiVersion": acko_api::API_VERSION, "kind": "AerospikeClusterTemplate",
        "metadata": {"name": req.name}, "spec": req.spec});
    let (t, warnings) = check_template(doc)?;
    let api: Api<AerospikeClusterTemplate> = Api::all(kube.client.clone());
    let w = format!("AerospikeClusterTemplate {}", req.name);
    let stored = match kube.call(&w, api.create(&PostParams::default(), &t)).await {
        Ok(t) => t,
        Err(e) if e.code == "already_exists" => {
            return Err(ApiError::conflict(
                "template_exists",
                format!("{w} already exists"),
            ));
        }
        Err(e) => return Err(e),
    };
    Ok((
        StatusCode::CREATED,
        Json(TemplateCreated {
            template: detail(stored, Vec::new()),
            warnings,
        }),
    ))
}

/// Path of a template.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TemplatePath {
    /// Template name.
    pub name: String,
}

async fn fetch(kube: &Kube, name: &str) -> ApiResult<AerospikeClusterTemplate> {
    names::subdomain("name", "template name", name)?;
    let api: Api<AerospikeClusterTemplate> = Api::all(kube.client.clone());
    kube.call_opt(&format!("AerospikeClusterTemplate {name}"), api.get(name))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "template_not_found",
                format!(
                    "no AerospikeClusterTemplate {name:?}; list them with GET /api/v1/k8s/templates"
                ),
            )
        })
}

/// Template detail: spec, status and the clusters using it.
#[utoipa::path(get, path = "/k8s/templates/{name}", tag = "k8s", params(TemplatePath),
    responses((status = 200, body = TemplateDetail), (status = 404, description = "No such template")))]
async fn get_template(
    kube: Kube,
    ApiPath(p): ApiPath<TemplatePath>,
) -> ApiResult<Json<TemplateDetail>> {
    let t = fetch(&kube, &p.name).await?;
    let users = used_by(&kube, &p.name).await?;
    Ok(Json(detail(t, users)))
}

/// Delete a template; refused with 409 while clusters reference it (they are listed).
#[utoipa::path(delete, path = "/k8s/templates/{name}", tag = "k8s", params(TemplatePath),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such template"),
        (status = 409, description = "Still referenced by clusters")))]
async fn delete_template(kube: Kube, ApiPath(p): ApiPath<TemplatePath>) -> ApiResult<StatusCode> {
    fetch(&kube, &p.name).await?;
    let users = used_by(&kube, &p.name).await?;
    if !users.is_empty() {
        let list: Vec<String> = users
            .iter()
            .map(|c| format!("{}/{}", c.namespace, c.name))
            .collect();
        return Err(ApiError::conflict(
            "template_in_use",
            format!(
                "AerospikeClusterTemplate {} is referenced by {} cluster(s): {}; delete them or \
                 move them off the template first",
                p.name,
                users.len(),
                list.join(", ")
            ),
        ));
    }
    let api: Api<AerospikeClusterTemplate> = Api::all(kube.client.clone());
    kube.call(
        &format!("AerospikeClusterTemplate {}", p.name),
        api.delete(&p.name, &DeleteParams::default()),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
