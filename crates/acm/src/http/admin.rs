//! Users and roles through the client's admin API. Community Edition has no security:
//! every call answers the typed problem `security_not_supported` (HTTP 409).

use aerospike::{Privilege, PrivilegeCode};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clients::Conn;
use crate::error::{ApiError, ApiJson, ApiPath as Path, ApiResult, Problem};
use crate::state::AppState;

/// Routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(drop_user))
        .routes(routes!(change_password))
        .routes(routes!(set_user_roles))
        .routes(routes!(list_roles, create_role))
        .routes(routes!(drop_role))
        .routes(routes!(update_role_privileges))
}

/// A user.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    /// Name.
    pub user: String,
    /// Roles.
    pub roles: Vec<String>,
    /// Connections in use.
    pub connections: u32,
}

/// A privilege.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrivilegeView {
    /// `user-admin`, `sys-admin`, `data-admin`, `udf-admin`, `sindex-admin`, `read`,
    /// `read-write`, `read-write-udf`, `write`, `truncate`.
    pub code: String,
    /// Namespace scope.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Set scope.
    #[serde(default)]
    pub set: Option<String>,
}

/// A role.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    /// Name.
    pub name: String,
    /// Privileges.
    pub privileges: Vec<PrivilegeView>,
    /// Allowed client addresses.
    pub allowlist: Vec<String>,
    /// Read quota (records/s, 0 = none).
    pub read_quota: u32,
    /// Write quota.
    pub write_quota: u32,
}

fn policy(conn: &Conn) -> aerospike::AdminPolicy {
    conn.admin_policy()
}

fn map_err(e: &aerospike::Error, what: &str) -> ApiError {
    ApiError::from_aerospike(e, what)
}

fn code_name(c: &PrivilegeCode) -> String {
    format!("{c:?}")
        .chars()
        .enumerate()
        .flat_map(|(i, ch)| {
            if ch.is_uppercase() && i > 0 {
                vec!['-', ch.to_ascii_lowercase()]
            } else {
                vec![ch.to_ascii_lowercase()]
            }
        })
        .collect()
}

fn parse_code(s: &str) -> Option<PrivilegeCode> {
    Some(match s {
        "user-admin" => PrivilegeCode::UserAdmin,
        "sys-admin" => PrivilegeCode::SysAdmin,
        "data-admin" => PrivilegeCode::DataAdmin,
        "udf-admin" => PrivilegeCode::UdfAdmin,
        "sindex-admin" => PrivilegeCode::SindexAdmin,
        "read" => PrivilegeCode::Read,
        "read-write" => PrivilegeCode::ReadWrite,
        "read-write-udf" => PrivilegeCode::ReadWriteUdf,
        "write" => PrivilegeCode::Write,
        "truncate" => PrivilegeCode::Truncate,
        _ => return None,
    })
}

/// List users.
#[utoipa::path(get, path = "/clusters/{id}/users", tag = "admin", params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Vec<UserView>),
              (status = 409, description = "Community Edition: security_not_supported", body = Problem, content_type = "application/problem+json")))]
async fn list_users(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<UserView>>> {
    let conn = state.conn(id).await?;
    let users = conn
        .client
        .query_users(&policy(&conn), None)
        .await
        .map_err(|e| map_err(&e, "list users"))?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| UserView {
                user: u.user,
                roles: u.roles,
                connections: u.conns_in_use,
            })
            .collect(),
    ))
}

/// New user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Name.
    pub user: String,
    /// Password.
    pub password: String,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Create a user.
#[utoipa::path(post, path = "/clusters/{id}/users", tag = "admin", request_body = CreateUser,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 201), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn create_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<CreateUser>,
) -> ApiResult<StatusCode> {
    if req.user.is_empty() {
        return Err(ApiError::field("user", "required"));
    }
    if req.password.is_empty() {
        return Err(ApiError::field("password", "required"));
    }
    let conn = state.conn(id).await?;
    let roles: Vec<&str> = req.roles.iter().map(String::as_str).collect();
    conn.client
        .create_user(&policy(&conn), &req.user, &req.password, &roles)
        .await
        .map_err(|e| map_err(&e, "create user"))?;
    Ok(StatusCode::CREATED)
}

/// Drop a user.
#[utoipa::path(delete, path = "/clusters/{id}/users/{user}", tag = "admin",
    params(("id" = i64, Path, description = "Profile id"), ("user" = String, Path, description = "User")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn drop_user(
    State(state): State<AppState>,
    Path((id, user)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    let conn = state.conn(id).await?;
    conn.client
        .drop_user(&policy(&conn), &user)
        .await
        .map_err(|e| map_err(&e, "drop user"))?;
    Ok(StatusCode::NO_CONTENT)
}

/// New password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// New password.
    pub password: String,
}

/// Change a user's password.
#[utoipa::path(put, path = "/clusters/{id}/users/{user}/password", tag = "admin", request_body = PasswordChange,
    params(("id" = i64, Path, description = "Profile id"), ("user" = String, Path, description = "User")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn change_password(
    State(state): State<AppState>,
    Path((id, user)): Path<(i64, String)>,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    if req.password.is_empty() {
        return Err(ApiError::field("password", "required"));
    }
    let conn = state.conn(id).await?;
    conn.client
        .change_password(&policy(&conn), &user, &req.password)
        .await
        .map_err(|e| map_err(&e, "change password"))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Grant or revoke roles (at least one role in either list).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct RoleChange {
    /// Roles to grant.
    #[serde(default)]
    pub grant: Vec<String>,
    /// Roles to revoke.
    #[serde(default)]
    pub revoke: Vec<String>,
}

/// Grant and/or revoke a user's roles.
#[utoipa::path(post, path = "/clusters/{id}/users/{user}/roles", tag = "admin", request_body = RoleChange,
    params(("id" = i64, Path, description = "Profile id"), ("user" = String, Path, description = "User")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn set_user_roles(
    State(state): State<AppState>,
    Path((id, user)): Path<(i64, String)>,
    ApiJson(req): ApiJson<RoleChange>,
) -> ApiResult<StatusCode> {
    if req.grant.is_empty() && req.revoke.is_empty() {
        return Err(ApiError::field(
            "grant",
            "nothing to change: list roles in `grant` and/or `revoke`",
        ));
    }
    let conn = state.conn(id).await?;
    let p = policy(&conn);
    if !req.grant.is_empty() {
        let g: Vec<&str> = req.grant.iter().map(String::as_str).collect();
        conn.client
            .grant_roles(&p, &user, &g)
            .await
            .map_err(|e| map_err(&e, "grant roles"))?;
    }
    if !req.revoke.is_empty() {
        let r: Vec<&str> = req.revoke.iter().map(String::as_str).collect();
        conn.client
            .revoke_roles(&p, &user, &r)
            .await
            .map_err(|e| map_err(&e, "revoke roles"))?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// List roles.
#[utoipa::path(get, path = "/clusters/{id}/roles", tag = "admin", params(("id" = i64, Path, description = "Profile id")),
    responses((status = 200, body = Vec<RoleView>), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn list_roles(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<RoleView>>> {
    let conn = state.conn(id).await?;
    let roles = conn
        .client
        .query_roles(&policy(&conn), None)
        .await
        .map_err(|e| map_err(&e, "list roles"))?;
    Ok(Json(
        roles
            .into_iter()
            .map(|r| RoleView {
                name: r.name,
                privileges: r
                    .privileges
                    .iter()
                    .map(|p| PrivilegeView {
                        code: code_name(&p.code),
                        namespace: p.namespace.clone(),
                        set: p.set_name.clone(),
                    })
                    .collect(),
                allowlist: r.allowlist,
                read_quota: r.read_quota,
                write_quota: r.write_quota,
            })
            .collect(),
    ))
}

/// New role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRole {
    /// Name.
    pub name: String,
    /// Privileges.
    pub privileges: Vec<PrivilegeView>,
    /// Allowed client addresses.
    #[serde(default)]
    pub allowlist: Vec<String>,
    /// Read quota.
    #[serde(default)]
    pub read_quota: u32,
    /// Write quota.
    #[serde(default)]
    pub write_quota: u32,
}

/// Create a role.
#[utoipa::path(post, path = "/clusters/{id}/roles", tag = "admin", request_body = CreateRole,
    params(("id" = i64, Path, description = "Profile id")),
    responses((status = 201), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn create_role(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(req): ApiJson<CreateRole>,
) -> ApiResult<StatusCode> {
    let privileges = privileges_of(&req.privileges, "privileges")?;
    let conn = state.conn(id).await?;
    let allow: Vec<&str> = req.allowlist.iter().map(String::as_str).collect();
    conn.client
        .create_role(
            &policy(&conn),
            &req.name,
            &privileges,
            &allow,
            req.read_quota,
            req.write_quota,
        )
        .await
        .map_err(|e| map_err(&e, "create role"))?;
    Ok(StatusCode::CREATED)
}

/// Privileges of a request, checked (pure): known codes, valid namespace and set scopes.
pub fn privileges_of(list: &[PrivilegeView], field: &str) -> ApiResult<Vec<Privilege>> {
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let Some(code) = parse_code(&p.code) else {
            return Err(ApiError::field(
                format!("{field}[{i}].code"),
                format!(
                    "unknown privilege `{}`; use user-admin, sys-admin, data-admin, udf-admin, \
                     sindex-admin, read, read-write, read-write-udf, write or truncate",
                    p.code
                ),
            ));
        };
        if let Some(ns) = &p.namespace {
            crate::names::namespace(&format!("{field}[{i}].namespace"), ns)?;
        }
        if let Some(set) = &p.set {
            crate::names::set(&format!("{field}[{i}].set"), set)?;
        }
        out.push(Privilege::new(code, p.namespace.clone(), p.set.clone()));
    }
    Ok(out)
}

/// Privileges to add to or remove from a role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(min_properties = 1)]
pub struct PrivilegeChange {
    /// Privileges to grant.
    #[serde(default)]
    pub grant: Vec<PrivilegeView>,
    /// Privileges to revoke.
    #[serde(default)]
    pub revoke: Vec<PrivilegeView>,
}

/// Grant and/or revoke a role's privileges (Enterprise; Community Edition answers
/// `security_not_supported`).
#[utoipa::path(post, path = "/clusters/{id}/roles/{role}/privileges", tag = "admin", request_body = PrivilegeChange,
    params(("id" = i64, Path, description = "Profile id"), ("role" = String, Path, description = "Role")),
    responses((status = 204), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "Community Edition: security_not_supported", body = Problem, content_type = "application/problem+json")))]
async fn update_role_privileges(
    State(state): State<AppState>,
    Path((id, role)): Path<(i64, String)>,
    ApiJson(req): ApiJson<PrivilegeChange>,
) -> ApiResult<StatusCode> {
    let grant = privileges_of(&req.grant, "grant")?;
    let revoke = privileges_of(&req.revoke, "revoke")?;
    if grant.is_empty() && revoke.is_empty() {
        return Err(ApiError::field(
            "grant",
            "give at least one privilege to grant or revoke",
        ));
    }
    let conn = state.conn(id).await?;
    let p = policy(&conn);
    if !grant.is_empty() {
        conn.client
            .grant_privileges(&p, &role, &grant)
            .await
            .map_err(|e| map_err(&e, "grant privileges"))?;
    }
    if !revoke.is_empty() {
        conn.client
            .revoke_privileges(&p, &role, &revoke)
            .await
            .map_err(|e| map_err(&e, "revoke privileges"))?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Drop a role.
#[utoipa::path(delete, path = "/clusters/{id}/roles/{role}", tag = "admin",
    params(("id" = i64, Path, description = "Profile id"), ("role" = String, Path, description = "Role")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn drop_role(
    State(state): State<AppState>,
    Path((id, role)): Path<(i64, String)>,
) -> ApiResult<StatusCode> {
    let conn = state.conn(id).await?;
    conn.client
        .drop_role(&policy(&conn), &role)
        .await
        .map_err(|e| map_err(&e, "drop role"))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privilege_codes_round_trip() {
        for c in [
            "user-admin",
            "read-write-udf",
            "read",
            "sindex-admin",
            "truncate",
        ] {
            assert_eq!(code_name(&parse_code(c).unwrap()), c);
        }
        assert!(parse_code("root").is_none());
    }
}
