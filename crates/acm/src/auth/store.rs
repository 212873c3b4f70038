//! Manager users, browser sessions and API tokens in SQLite.

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqlitePool};
use utoipa::ToSchema;

use super::{AuthVia, Principal, Role, now_unix, password, random_token, sha256_hex};
use crate::error::{ApiError, ApiResult};

/// Prefix of API tokens (recognisable in logs and secret scanners).
pub const TOKEN_PREFIX: &str = "acm_";

/// A manager user as the API returns it (never the password hash).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Identifier.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// `local` (password) or `oidc` (single sign-on).
    pub source: String,
    /// A disabled user cannot sign in; their sessions and tokens stop working.
    pub disabled: bool,
    /// Creation time (RFC 3339).
    pub created_at: String,
}

/// An API token as listed (the secret is shown once, at creation).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    /// Identifier.
    pub id: i64,
    /// Owner.
    pub user: String,
    /// What the token is for.
    pub name: String,
    /// First characters of the token.
    pub prefix: String,
    /// Role of the token (never above its owner's).
    pub role: Role,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Expiry (unix seconds), if any.
    pub expires_at: Option<i64>,
    /// Last use (RFC 3339).
    pub last_used_at: Option<String>,
}

/// A new session: the cookie value (secret) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The session id that goes in the cookie.
    pub id: String,
    /// The CSRF token the browser echoes in `X-CSRF-Token`.
    pub csrf: String,
    /// Expiry (unix seconds).
    pub expires_at: i64,
}

fn rfc3339() -> String {
    jiff::Timestamp::now().to_string()
}

fn row_to_user(r: &sqlx::sqlite::SqliteRow) -> ApiResult<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        role: Role::parse(&role).unwrap_or(Role::Viewer),
        source: r.try_get("source")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

/// Validate a user name: 1–64 characters of letters, digits, `.`, `_`, `-`, `@`.
pub fn check_name(name: &str) -> ApiResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::field(
            "name",
            "1-64 characters: letters, digits, `.`, `_`, `-` or `@`",
        ))
    }
}

/// Users, sessions and tokens.
#[derive(Clone, Debug)]
pub struct UserStore {
    pool: SqlitePool,
    /// Session lifetime in seconds.
    pub session_ttl: i64,
}

impl UserStore {
    /// A store over the manager's pool.
    pub fn new(pool: SqlitePool, session_ttl: i64) -> Self {
        Self { pool, session_ttl }
    }

    /// Number of users.
    pub async fn count(&self) -> ApiResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// All users by name.
    pub async fn list(&self) -> ApiResult<Vec<User>> {
        let rows = sqlx::query("SELECT * FROM users ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(row_to_user).collect()
    }

    /// One user by name, or 404 `user_not_found`.
    pub async fn get(&self, name: &str) -> ApiResult<User> {
        let row = sqlx::query("SELECT * FROM users WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| {
                ApiError::not_found(
                    "user_not_found",
                    format!(
                        "no manager user named `{name}`; list them with GET /api/v1/auth/users"
                    ),
                )
            })?;
        row_to_user(&row)
    }

    /// Create a local user with a password (checked against the password rules).
    pub async fn create(&self, name: &str, role: Role, pw: &str) -> ApiResult<User> {
        check_name(name)?;
        if let Some(w) = password::weakness(pw) {
            return Err(ApiError::field("password", w));
        }
        let hash = password::hash(pw).map_err(|e| ApiError::internal(e.to_string()))?;
        self.insert(name, role, Some(&hash), "local").await
    }

    async fn insert(
        &self,
        name: &str,
        role: Role,
        hash: Option<&str>,
        source: &str,
    ) -> ApiResult<User> {
        let ts = rfc3339();
        let r = sqlx::query(
            "INSERT INTO users (name, role, password_hash, source, created_at, updated_at) \
             VALUES (?,?,?,?,?,?)",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(hash)
        .bind(source)
        .bind(&ts)
        .bind(&ts)
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => self.get(name).await,
            Err(sqlx::Error::Database(d)) if d.message().contains("UNIQUE") => {
                Err(ApiError::conflict(
                    "user_exists",
                    format!("a manager user named `{name}` already exists"),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Create or update a user signing in with OIDC; the role follows the IdP's groups.
    ///
    /// The one exception keeps the manager administrable: the last enabled admin is never
    /// demoted by a sign-in (the same rule as [`Self::update`]). Such a user keeps `admin`
    /// and is still signed in; the second value is then the role the groups mapped to,
    /// which the caller logs and audits. Once another user is an enabled admin, the next
    /// sign-in applies the mapped role. (Refusing the sign-in instead would lock the only
    /// admin out while changing nothing.)
    pub async fn upsert_oidc(&self, name: &str, role: Role) -> ApiResult<(User, Option<Role>)> {
        check_name(name)?;
        match self.get(name).await {
            Ok(u) if u.source == "oidc" => {
                // One statement, so two concurrent sign-ins cannot both demote "the other" admin.
                let r = sqlx::query(
                    "UPDATE users SET role = ?, updated_at = ? WHERE id = ? AND (\
                       ? = 'admin' OR role <> 'admin' OR disabled <> 0 OR EXISTS (\
                         SELECT 1 FROM users o WHERE o.role = 'admin' AND o.disabled = 0 \
                         AND o.id <> users.id))",
                )
                .bind(role.as_str())
                .bind(rfc3339())
                .bind(u.id)
                .bind(role.as_str())
                .execute(&self.pool)
                .await?;
                let kept = (r.rows_affected() == 0).then_some(role);
                Ok((self.get(name).await?, kept))
            }
            Ok(_) => Err(ApiError::conflict(
                "user_exists",
                format!("`{name}` is a local user; it cannot sign in with single sign-on"),
            )),
            Err(_) => Ok((self.insert(name, role, None, "oidc").await?, None)),
        }
    }

    /// Set a user's password (and end their other sessions).
    pub async fn set_password(&self, name: &str, pw: &str) -> ApiResult<()> {
        if let Some(w) = password::weakness(pw) {
            return Err(ApiError::field("password", w));
        }
        let user = self.get(name).await?;
        let hash = password::hash(pw).map_err(|e| ApiError::internal(e.to_string()))?;
        sqlx::query(
            "UPDATE users SET password_hash = ?, source = 'local', updated_at = ? WHERE id = ?",
        )
        .bind(hash)
        .bind(rfc3339())
        .bind(user.id)
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Change role and/or disabled flag. Refuses to leave no enabled admin.
    pub async fn update(
        &self,
        name: &str,
        role: Option<Role>,
        disabled: Option<bool>,
    ) -> ApiResult<User> {
        let user = self.get(name).await?;
        let role = role.unwrap_or(user.role);
        let disabled = disabled.unwrap_or(user.disabled);
        if user.role == Role::Admin && !user.disabled && (role != Role::Admin || disabled) {
            self.ensure_other_admin(user.id).await?;
        }
        sqlx::query("UPDATE users SET role = ?, disabled = ?, updated_at = ? WHERE id = ?")
            .bind(role.as_str())
            .bind(i64::from(disabled))
            .bind(rfc3339())
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = ?")
                .bind(user.id)
                .execute(&self.pool)
                .await?;
        }
        self.get(name).await
    }

    async fn ensure_other_admin(&self, except: i64) -> ApiResult<()> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?",
        )
        .bind(except)
        .fetch_one(&self.pool)
        .await?;
        if n == 0 {
            return Err(ApiError::conflict(
                "last_admin",
                "this is the last enabled admin; make another user admin first",
            ));
        }
        Ok(())
    }

    /// Delete a user (their sessions and tokens go with them).
    pub async fn delete(&self, name: &str) -> ApiResult<()> {
        let user = self.get(name).await?;
        if user.role == Role::Admin && !user.disabled {
            self.ensure_other_admin(user.id).await?;
        }
        sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(user.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Check a name and password; `None` when they do not match or the user is disabled.
    /// Unknown names cost one argon2 verification too.
    pub async fn verify(&self, name: &str, pw: &str) -> ApiResult<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            let _ = password::verify(pw, password::dummy_hash());
            return Ok(None);
        };
        let hash: Option<String> = row.try_get("password_hash")?;
        let user = row_to_user(&row)?;
        let ok = password::verify(pw, hash.as_deref().unwrap_or(password::dummy_hash()));
        Ok((ok && hash.is_some() && !user.disabled).then_some(user))
    }

    /// Start a session for a user.
    pub async fn start_session(&self, user: &User) -> ApiResult<NewSession> {
        let id = random_token("").map_err(|e| ApiError::internal(e.to_string()))?;
        let csrf = random_token("").map_err(|e| ApiError::internal(e.to_string()))?;
        let now = now_unix();
        let expires_at = now + self.session_ttl;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?,?,?,?,?)",
        )
        .bind(sha256_hex(&id))
        .bind(user.id)
        .bind(&csrf)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        // Housekeeping: expired sessions go.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(NewSession {
            id,
            csrf,
            expires_at,
        })
    }

    /// The principal of a session cookie, if the session is live and its user enabled.
    pub async fn session(&self, cookie: &str) -> ApiResult<Option<Principal>> {
        let row = sqlx::query(
            "SELECT s.id_hash, s.csrf, s.expires_at, s.reauth_at, u.id, u.name, u.role, u.disabled \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?",
        )
        .bind(sha256_hex(cookie))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let expires: i64 = r.try_get("expires_at")?;
        if expires <= now_unix() || r.try_get::<i64, _>("disabled")? != 0 {
            return Ok(None);
        }
        let role: String = r.try_get("role")?;
        Ok(Some(Principal {
            user_id: r.try_get("id")?,
            name: r.try_get("name")?,
            role: Role::parse(&role).unwrap_or(Role::Viewer),
            via: AuthVia::Session,
            session: Some(r.try_get("id_hash")?),
            reauth_at: r.try_get("reauth_at")?,
            csrf: Some(r.try_get("csrf")?),
        }))
    }

    /// End a session.
    pub async fn end_session(&self, id_hash: &str) -> ApiResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// End every session of a user except one.
    pub async fn end_other_sessions(&self, user_id: i64, keep: Option<&str>) -> ApiResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Record a password re-entry in a session.
    pub async fn mark_reauth(&self, id_hash: &str) -> ApiResult<()> {
        sqlx::query("UPDATE sessions SET reauth_at = ? WHERE id_hash = ?")
            .bind(now_unix())
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Password hash check for a user id (re-authentication, password change).
    pub async fn check_password(&self, user_id: i64, pw: &str) -> ApiResult<bool> {
        let hash: Option<Option<String>> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match hash.flatten() {
            Some(h) => password::verify(pw, &h),
            None => false,
        })
    }

    /// Create an API token; returns the listing and the secret (shown once).
    pub async fn create_token(
        &self,
        owner: &Principal,
        name: &str,
        role: Option<Role>,
        ttl_days: Option<u32>,
    ) -> ApiResult<(ApiToken, String)> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(ApiError::field(
                "name",
                "1-100 characters naming what the token is for",
            ));
        }
        let role = role.unwrap_or(owner.role);
        if role > owner.role {
            return Err(ApiError::field(
                "role",
                format!(
                    "a token cannot have more rights than its owner ({})",
                    owner.role
                ),
            ));
        }
        let secret = random_token(TOKEN_PREFIX).map_err(|e| ApiError::internal(e.to_string()))?;
        let expires = ttl_days.map(|d| now_unix() + i64::from(d) * 86_400);
        let r = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, role, created_at, expires_at) \
             VALUES (?,?,?,?,?,?,?)",
        )
        .bind(owner.user_id)
        .bind(name)
        .bind(sha256_hex(&secret))
        .bind(&secret[..TOKEN_PREFIX.len() + 6])
        .bind(role.as_str())
        .bind(rfc3339())
        .bind(expires)
        .execute(&self.pool)
        .await?;
        let id = r.last_insert_rowid();
        let t = self
            .tokens(None)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| ApiError::internal("token vanished"))?;
        Ok((t, secret))
    }

    /// Tokens of one user, or of everyone.
    pub async fn tokens(&self, user_id: Option<i64>) -> ApiResult<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT t.*, u.name AS user_name FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE (? IS NULL OR t.user_id = ?) ORDER BY t.id",
        )
        .bind(user_id)
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    user: r.try_get("user_name")?,
                    name: r.try_get("name")?,
                    prefix: r.try_get("prefix")?,
                    role: Role::parse(&role).unwrap_or(Role::Viewer),
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    /// Revoke a token; `owner` limits it to that user's tokens.
    pub async fn delete_token(&self, id: i64, owner: Option<i64>) -> ApiResult<()> {
        let r = sqlx::query("DELETE FROM api_tokens WHERE id = ? AND (? IS NULL OR user_id = ?)")
            .bind(id)
            .bind(owner)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(ApiError::not_found(
                "token_not_found",
                format!("no API token with id {id} that you may revoke"),
            ));
        }
        Ok(())
    }

    /// The principal of a bearer token, if it is valid.
    pub async fn token(&self, secret: &str) -> ApiResult<Option<Principal>> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT t.id AS token_id, t.role AS token_role, t.expires_at, u.id, u.name, u.role, u.disabled \
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        )
        .bind(sha256_hex(secret))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let expires: Option<i64> = r.try_get("expires_at")?;
        if expires.is_some_and(|e| e <= now_unix()) || r.try_get::<i64, _>("disabled")? != 0 {
            return Ok(None);
        }
        let user_role: String = r.try_get("role")?;
        let token_role: String = r.try_get("token_role")?;
        let role = Role::parse(&user_role)
            .unwrap_or(Role::Viewer)
            .min(Role::parse(&token_role).unwrap_or(Role::Viewer));
        let token_id: i64 = r.try_get("token_id")?;
        sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
            .bind(rfc3339())
            .bind(token_id)
            .execute(&self.pool)
            .await?;
        Ok(Some(Principal {
            user_id: r.try_get("id")?,
            name: r.try_get("name")?,
            role,
            via: AuthVia::Token,
            session: None,
            reauth_at: None,
            csrf: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> UserStore {
        UserStore::new(crate::db::open(":memory:").await.unwrap(), 3600)
    }

    #[tokio::test]
    async fn users_sessions_tokens() {
        let s = store().await;
        let admin = s
            .create("root", Role::Admin, "long enough password")
            .await
            .unwrap();
        assert_eq!(
            s.create("ROOT", Role::Viewer, "long enough password")
                .await
                .unwrap_err()
                .code,
            "user_exists"
        );
        assert_eq!(
            s.create("bad name", Role::Viewer, "long enough password")
                .await
                .unwrap_err()
                .code,
            "validation_failed"
        );
        assert!(
            s.verify("root", "long enough password")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            s.verify("root", "wrong password!!")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            s.verify("nobody", "long enough password")
                .await
                .unwrap()
                .is_none()
        );
        // the last admin stays
        assert_eq!(
            s.update("root", Some(Role::Viewer), None)
                .await
                .unwrap_err()
                .code,
            "last_admin"
        );
        assert_eq!(s.delete("root").await.unwrap_err().code, "last_admin");

        let sess = s.start_session(&admin).await.unwrap();
        let p = s.session(&sess.id).await.unwrap().unwrap();
        assert_eq!(
            (p.name.as_str(), p.role, p.via),
            ("root", Role::Admin, AuthVia::Session)
        );
        // stored hashed
        let raw: String = sqlx::query_scalar("SELECT id_hash FROM sessions")
            .fetch_one(&s.pool)
            .await
            .unwrap();
        assert_ne!(raw, sess.id);
        // expiry
        sqlx::query("UPDATE sessions SET expires_at = 0")
            .execute(&s.pool)
            .await
            .unwrap();
        assert!(s.session(&sess.id).await.unwrap().is_none());

        let (t, secret) = s
            .create_token(&p, "ci", Some(Role::Viewer), None)
            .await
            .unwrap();
        assert!(secret.starts_with(TOKEN_PREFIX));
        assert!(secret.starts_with(&t.prefix));
        let raw: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
            .fetch_one(&s.pool)
            .await
            .unwrap();
        assert!(!raw.contains(&secret[4..]));
        let tp = s.token(&secret).await.unwrap().unwrap();
        assert_eq!((tp.role, tp.via), (Role::Viewer, AuthVia::Token));
        assert!(s.token("acm_nope").await.unwrap().is_none());
        s.delete_token(t.id, Some(p.user_id)).await.unwrap();
        assert!(s.token(&secret).await.unwrap().is_none());

        // a viewer cannot mint an admin token
        let v = s
            .create("val", Role::Viewer, "long enough password")
            .await
            .unwrap();
        let vs = s.start_session(&v).await.unwrap();
        let vp = s.session(&vs.id).await.unwrap().unwrap();
        assert_eq!(
            s.create_token(&vp, "x", Some(Role::Admin), None)
                .await
                .unwrap_err()
                .code,
            "validation_failed"
        );
        // disabling ends sessions
        s.update("val", None, Some(true)).await.unwrap();
        assert!(s.session(&vs.id).await.unwrap().is_none());
        assert!(
            s.verify("val", "long enough password")
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn an_oidc_sign_in_never_demotes_the_last_enabled_admin() {
        let s = store().await;
        let (u, kept) = s.upsert_oidc("alice", Role::Admin).await.unwrap();
        assert_eq!(
            (u.role, u.source.as_str(), kept),
            (Role::Admin, "oidc", None)
        );
        // the IdP now maps alice to viewer, but she is the only enabled admin
        let (u, kept) = s.upsert_oidc("alice", Role::Viewer).await.unwrap();
        assert_eq!((u.role, kept), (Role::Admin, Some(Role::Viewer)));
        assert_eq!(s.get("alice").await.unwrap().role, Role::Admin);
        // a disabled admin does not count as the other admin
        s.create("root", Role::Admin, "long enough password")
            .await
            .unwrap();
        sqlx::query("UPDATE users SET disabled = 1 WHERE name = 'root'")
            .execute(&s.pool)
            .await
            .unwrap();
        let (u, kept) = s.upsert_oidc("alice", Role::Operator).await.unwrap();
        assert_eq!((u.role, kept), (Role::Admin, Some(Role::Operator)));
        // with another enabled admin the mapped role applies
        s.update("root", None, Some(false)).await.unwrap();
        let (u, kept) = s.upsert_oidc("alice", Role::Operator).await.unwrap();
        assert_eq!((u.role, kept), (Role::Operator, None));
        // and a promotion is never held back
        let (u, kept) = s.upsert_oidc("bob", Role::Viewer).await.unwrap();
        assert_eq!((u.role, kept), (Role::Viewer, None));
        let (u, kept) = s.upsert_oidc("bob", Role::Admin).await.unwrap();
        assert_eq!((u.role, kept), (Role::Admin, None));
    }
}
