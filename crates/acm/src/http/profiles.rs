//! `/api/v1/profiles`: connection profile CRUD, test, import and export.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Principal;
use crate::clients::{Conn, ConnectSpec, connect};
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiQuery, ApiResult, Problem};
use crate::profiles::{Profile, ProfileBundle, ProfileInput};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_profiles, create_profile))
        .routes(routes!(get_profile, update_profile, delete_profile))
        .routes(routes!(test_connection))
        .routes(routes!(profile_status))
        .routes(routes!(export_profiles))
        .routes(routes!(import_profiles))
}

/// Node summary of a connection test.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NodeSummary {
    /// Node id.
    pub name: String,
    /// Address.
    pub address: String,
    /// Server build.
    pub build: Option<String>,
    /// Edition, e.g. `Aerospike Community Edition`.
    pub edition: Option<String>,
}

/// Result of a connection test or status check.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionStatus {
    /// True when the cluster answered.
    pub connected: bool,
    /// Cluster name reported by the server.
    pub cluster_name: Option<String>,
    /// True when every node reports Community Edition.
    pub community_edition: bool,
    /// Nodes.
    pub nodes: Vec<NodeSummary>,
    /// Namespaces.
    pub namespaces: Vec<String>,
    /// Time to connect and query, in ms.
    pub elapsed_ms: u64,
}

pub(crate) async fn summarize(conn: &Conn, started: Instant) -> ConnectionStatus {
    let policy = conn.admin_policy();
    let mut nodes = Vec::new();
    let mut cluster_name = None;
    let mut namespaces = Vec::new();
    for n in conn.client.nodes() {
        let info = n
            .info(&policy, &["build", "edition", "cluster-name", "namespaces"])
            .await
            .unwrap_or_default();
        if cluster_name.is_none() {
            cluster_name = info.get("cluster-name").cloned().filter(|c| c != "null");
        }
        if namespaces.is_empty()
            && let Some(ns) = info.get("namespaces")
        {
            namespaces = asinfo::parse::parse_namespaces(ns).unwrap_or_default();
        }
        nodes.push(NodeSummary {
            name: n.name().to_string(),
            address: n.address().to_string(),
            build: info.get("build").cloned(),
            edition: info.get("edition").cloned(),
        });
    }
    let community_edition = !nodes.is_empty()
        && nodes.iter().all(|n| {
            n.edition
                .as_deref()
                .is_some_and(|e| e.contains("Community"))
        });
    ConnectionStatus {
        connected: !nodes.is_empty(),
        cluster_name,
        community_edition,
        nodes,
        namespaces,
        elapsed_ms: started.elapsed().as_millis() as u64,
    }
}

/// List connection profiles (passwords are never returned).
#[utoipa::path(get, path = "/profiles", tag = "profiles",
    responses((status = 200, body = Vec<Profile>)))]
async fn list_profiles(State(state): State<AppState>) -> ApiResult<Json<Vec<Profile>>> {
    Ok(Json(state.store.list().await?))
}

/// Create a connection profile.
#[utoipa::path(post, path = "/profiles", tag = "profiles", request_body = ProfileInput,
    responses((status = 201, body = Profile), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn create_profile(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<(StatusCode, Json<Profile>)> {
    let p = state.store.create(&input, false).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// Get one profile.
#[utoipa::path(get, path = "/profiles/{id}", tag = "profiles",
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Profile), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_profile(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Profile>> {
    Ok(Json(state.store.get(id).await?))
}

/// Replace a profile; its client is rebuilt on next use.
#[utoipa::path(put, path = "/profiles/{id}", tag = "profiles", request_body = ProfileInput,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Profile), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn update_profile(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<Json<Profile>> {
    let p = state.store.update(id, &input).await?;
    state.clients.invalidate(id);
    Ok(Json(p))
}

/// Delete a profile and close its client.
#[utoipa::path(delete, path = "/profiles/{id}", tag = "profiles",
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_profile(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    state.store.delete(id).await?;
    state.clients.invalidate(id);
    Ok(StatusCode::NO_CONTENT)
}

/// Test a connection without saving the profile.
#[utoipa::path(post, path = "/profiles/test", tag = "profiles", request_body = ProfileInput,
    responses((status = 200, body = ConnectionStatus),
              (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "cluster name mismatch", body = Problem, content_type = "application/problem+json"),
              (status = 502, description = "unreachable", body = Problem, content_type = "application/problem+json")))]
async fn test_connection(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<Json<ConnectionStatus>> {
    let started = Instant::now();
    let spec = ConnectSpec::from_input(&input)?;
    state.clients.targets.check(&spec.hosts).await?;
    let client = connect(&spec).await?;
    let conn = Conn::new(client, 0, input.name.clone(), input.timeout_ms);
    let status = summarize(&conn, started).await;
    let _ = conn.client.close().await;
    Ok(Json(status))
}

/// Connect (if needed) and report the cluster behind a stored profile.
#[utoipa::path(get, path = "/profiles/{id}/status", tag = "profiles",
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = ConnectionStatus),
              (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 502, body = Problem, content_type = "application/problem+json")))]
async fn profile_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<ConnectionStatus>> {
    let started = Instant::now();
    let conn = state.conn(id).await?;
    Ok(Json(summarize(&conn, started).await))
}

/// Export options.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Include decrypted passwords (default false).
    #[serde(default)]
    pub include_passwords: bool,
}

/// Export all profiles (except the demo profile) as JSON. With `includePasswords=true` the
/// caller must be admin and have confirmed their password in this session within 5 minutes
/// (`POST /api/v1/auth/reauth`).
#[utoipa::path(get, path = "/profiles/export", tag = "profiles", params(ExportParams),
    responses((status = 200, body = ProfileBundle)))]
async fn export_profiles(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> ApiResult<Json<ProfileBundle>> {
    if q.include_passwords {
        crate::http::auth::may_export_secrets(&p)?;
    }
    Ok(Json(ProfileBundle {
        version: 1,
        profiles: state.store.export(q.include_passwords).await?,
    }))
}

/// Import options.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// When a profile with the same name exists: `skip` (default) or `replace`.
    #[serde(default)]
    pub on_conflict: Option<String>,
}

/// Outcome of an import.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportResult {
    /// Names created.
    pub created: Vec<String>,
    /// Names replaced.
    pub replaced: Vec<String>,
    /// Names skipped because they exist.
    pub skipped: Vec<String>,
}

/// Import profiles; every profile is validated before anything is written.
#[utoipa::path(post, path = "/profiles/import", tag = "profiles", params(ImportParams),
    request_body = ProfileBundle,
    responses((status = 200, body = ImportResult), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn import_profiles(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ImportParams>,
    ApiJson(bundle): ApiJson<ProfileBundle>,
) -> ApiResult<Json<ImportResult>> {
    let replace = match q.on_conflict.as_deref() {
        None | Some("skip") => false,
        Some("replace") => true,
        Some(other) => {
            return Err(ApiError::field(
                "onConflict",
                format!("`{other}` is not `skip` or `replace`"),
            ));
        }
    };
    if bundle.version != 1 {
        return Err(ApiError::field("version", "only version 1 is supported"));
    }
    let mut errors = Vec::new();
    for (i, p) in bundle.profiles.iter().enumerate() {
        if let Err(e) = p.validate() {
            errors.extend(e.fields.into_iter().map(|mut f| {
                f.field = format!("profiles[{i}].{}", f.field);
                f
            }));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::fields(errors));
    }
    let mut out = ImportResult {
        created: vec![],
        replaced: vec![],
        skipped: vec![],
    };
    for p in &bundle.profiles {
        match state.store.find_by_name(p.name.trim()).await? {
            Some(existing) if replace => {
                state.store.update(existing.id, p).await?;
                state.clients.invalidate(existing.id);
                out.replaced.push(p.name.clone());
            }
            Some(_) => out.skipped.push(p.name.clone()),
            None => {
                state.store.create(p, false).await?;
                out.created.push(p.name.clone());
            }
        }
    }
    Ok(Json(out))
}
