//! Profile storage in SQLite (sqlx pool, embedded migrations).

use std::str::FromStr;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlSafeStr, SqlitePool};

use crate::crypto::SecretBox;
use crate::error::{ApiError, ApiResult};
use crate::profiles::{Profile, ProfileInput};

/// Open (creating if needed) the database and run migrations. `path` may be
/// `:memory:` for an in-memory database.
pub async fn open(path: &str) -> anyhow::Result<SqlitePool> {
    let (url, max) = if path == ":memory:" {
        ("sqlite::memory:".to_string(), 1)
    } else {
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)?;
        }
        (format!("sqlite://{path}"), 4)
    };
    let opts = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true);
    let pool = pool_options(max, path == ":memory:")
        .connect_with(opts)
        .await
        .map_err(|e| storage_error(path, &e.to_string()))?;
    migrator()
        .run(&pool)
        .await
        .map_err(|e| storage_error(path, &e.to_string()))?;
    if path != ":memory:" {
        // Migrations already applied need no write, so a read-only file would only fail at
        // the first profile change: write the header once now (same value) to find out.
        let version: i64 = sqlx::query_scalar("PRAGMA user_version")
            .fetch_one(&pool)
            .await
            .map_err(|e| storage_error(path, &e.to_string()))?;
        // An integer the database itself returned: nothing to escape.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "PRAGMA user_version = {version}"
        )))
        .execute(&pool)
        .await
        .map_err(|e| storage_error(path, &e.to_string()))?;
    }
    Ok(pool)
}

/// A start-up failure of the database, saying which file and what to do.
fn storage_error(path: &str, cause: &str) -> anyhow::Error {
    if cause.contains("readonly") || cause.contains("read-only") {
        anyhow::anyhow!(
            "the database {path} is read-only for this process ({cause}); the manager writes \
             its profiles there: make the file and its directory writable by the manager's \
             user, or choose another file with --db / ACM_DB"
        )
    } else {
        anyhow::anyhow!(
            "cannot open the database {path}: {cause}; check the path given by --db / ACM_DB"
        )
    }
}

/// Pool settings. An in-memory database lives exactly as long as its one connection, so
/// that connection is never recycled: no idle timeout, no maximum lifetime, and the pool
/// keeps it open (a recycled connection would open a new, empty database: profiles gone,
/// later requests failing on missing tables).
pub fn pool_options(max: u32, in_memory: bool) -> SqlitePoolOptions {
    let opts = SqlitePoolOptions::new().max_connections(max);
    if in_memory {
        opts.min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .test_before_acquire(false)
    } else {
        opts
    }
}

fn migrator() -> Migrator {
    Migrator::with_migrations(vec![
        Migration::new(
            1,
            "init".into(),
            MigrationType::Simple,
            include_str!("../migrations/0001_init.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            2,
            "k8s profile links".into(),
            MigrationType::Simple,
            include_str!("../migrations/0002_k8s_profile_links.sql").into_sql_str(),
            false,
        ),
        Migration::new(
            3,
            "users, sessions, tokens, audit".into(),
            MigrationType::Simple,
            include_str!("../migrations/0003_auth.sql").into_sql_str(),
            false,
        ),
    ])
}

/// Profile repository.
#[derive(Clone, Debug)]
pub struct ProfileStore {
    pool: SqlitePool,
    secrets: SecretBox,
}

/// A profile together with its decrypted password, for building a client.
#[derive(Clone, Debug)]
pub struct ProfileWithSecret {
    /// The public part.
    pub profile: Profile,
    /// Decrypted password.
    pub password: Option<String>,
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

fn row_to_profile(row: &sqlx::sqlite::SqliteRow) -> ApiResult<(Profile, Option<String>)> {
    let hosts: String = row.try_get("hosts")?;
    let labels: String = row.try_get("labels")?;
    let enc: Option<String> = row.try_get("password_enc")?;
    let port: i64 = row.try_get("port")?;
    let cto: i64 = row.try_get("connect_timeout_ms")?;
    let to: i64 = row.try_get("timeout_ms")?;
    Ok((
        Profile {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            hosts: serde_json::from_str(&hosts)
                .map_err(|e| ApiError::internal(format!("stored hosts: {e}")))?,
            port: u16::try_from(port).unwrap_or(3000),
            cluster_name: row.try_get("cluster_name")?,
            user: row.try_get("username")?,
            has_password: enc.is_some(),
            color: row.try_get("color")?,
            description: row.try_get("description")?,
            labels: serde_json::from_str(&labels).unwrap_or_default(),
            use_services_alternate: row.try_get::<i64, _>("use_services_alternate")? != 0,
            connect_timeout_ms: u32::try_from(cto).unwrap_or(5000),
            timeout_ms: u32::try_from(to).unwrap_or(10000),
            demo: row.try_get::<i64, _>("demo")? != 0,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        },
        enc,
    ))
}

fn unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(d) if d.message().contains("UNIQUE"))
}

impl ProfileStore {
    /// New store over a pool.
    pub fn new(pool: SqlitePool, secrets: SecretBox) -> Self {
        Self { pool, secrets }
    }

    /// The database pool (for tables next to the profiles, e.g. auto-connect links).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// All profiles ordered by name.
    pub async fn list(&self) -> ApiResult<Vec<Profile>> {
        let rows = sqlx::query("SELECT * FROM profiles ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| row_to_profile(r).map(|p| p.0))
            .collect()
    }

    /// One profile, or 404 `profile_not_found`.
    pub async fn get(&self, id: i64) -> ApiResult<Profile> {
        Ok(self.get_with_secret(id).await?.profile)
    }

    /// One profile with its decrypted password.
    pub async fn get_with_secret(&self, id: i64) -> ApiResult<ProfileWithSecret> {
        let row = sqlx::query("SELECT * FROM profiles WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| {
                ApiError::not_found(
                    "profile_not_found",
                    format!(
                        "no connection profile with id {id}; list them with GET /api/v1/profiles"
                    ),
                )
            })?;
        let (profile, enc) = row_to_profile(&row)?;
        let password = match enc {
            Some(e) => Some(self.secrets.decrypt(&e).map_err(|e| {
                ApiError::new(
                    axum::http::StatusCode::CONFLICT,
                    "secret_undecryptable",
                    format!("profile {id}: {e}; re-enter the password"),
                )
            })?),
            None => None,
        };
        Ok(ProfileWithSecret { profile, password })
    }

    fn encrypt(&self, pw: Option<&str>) -> ApiResult<Option<String>> {
        match pw {
            Some(p) if !p.is_empty() => self
                .secrets
                .encrypt(p)
                .map(Some)
                .map_err(|e| ApiError::internal(e.to_string())),
            _ => Ok(None),
        }
    }

    /// Insert a validated profile.
    pub async fn create(&self, input: &ProfileInput, demo: bool) -> ApiResult<Profile> {
        input.validate()?;
        let enc = self.encrypt(input.password.as_deref())?;
        let ts = now();
        let res = sqlx::query(
            "INSERT INTO profiles (name, hosts, port, cluster_name, username, password_enc, color, \
             description, labels, use_services_alternate, connect_timeout_ms, timeout_ms, demo, \
             created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        )
        .bind(input.name.trim())
        .bind(serde_json::to_string(&input.hosts).unwrap_or_default())
        .bind(i64::from(input.port))
        .bind(&input.cluster_name)
        .bind(&input.user)
        .bind(enc)
        .bind(&input.color)
        .bind(&input.description)
        .bind(serde_json::to_string(&input.labels).unwrap_or_default())
        .bind(i64::from(input.use_services_alternate))
        .bind(i64::from(input.connect_timeout_ms))
        .bind(i64::from(input.timeout_ms))
        .bind(i64::from(demo))
        .bind(&ts)
        .bind(&ts)
        .execute(&self.pool)
        .await;
        match res {
            Ok(r) => self.get(r.last_insert_rowid()).await,
            Err(e) if unique_violation(&e) => Err(name_taken(&input.name)),
            Err(e) => Err(e.into()),
        }
    }

    /// Replace a profile. A `None` password keeps the stored one, `""` clears it.
    pub async fn update(&self, id: i64, input: &ProfileInput) -> ApiResult<Profile> {
        input.validate()?;
        let current = self.get_with_secret(id).await?;
        let password = match input.password.as_deref() {
            None => current.password.clone(),
            Some("") => None,
            Some(p) => Some(p.to_string()),
        };
        let enc = self.encrypt(password.as_deref())?;
        let res = sqlx::query(
            "UPDATE profiles SET name=?, hosts=?, port=?, cluster_name=?, username=?, \
             password_enc=?, color=?, description=?, labels=?, use_services_alternate=?, \
             connect_timeout_ms=?, timeout_ms=?, updated_at=? WHERE id=?",
        )
        .bind(input.name.trim())
        .bind(serde_json::to_string(&input.hosts).unwrap_or_default())
        .bind(i64::from(input.port))
        .bind(&input.cluster_name)
        .bind(&input.user)
        .bind(enc)
        .bind(&input.color)
        .bind(&input.description)
        .bind(serde_json::to_string(&input.labels).unwrap_or_default())
        .bind(i64::from(input.use_services_alternate))
        .bind(i64::from(input.connect_timeout_ms))
        .bind(i64::from(input.timeout_ms))
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await;
        match res {
            Ok(_) => self.get(id).await,
            Err(e) if unique_violation(&e) => Err(name_taken(&input.name)),
            Err(e) => Err(e.into()),
        }
    }

    /// Delete; 404 when absent.
    pub async fn delete(&self, id: i64) -> ApiResult<()> {
        let r = sqlx::query("DELETE FROM profiles WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(ApiError::not_found(
                "profile_not_found",
                format!("no connection profile with id {id}"),
            ));
        }
        Ok(())
    }

    /// Find a profile by name.
    pub async fn find_by_name(&self, name: &str) -> ApiResult<Option<Profile>> {
        let row = sqlx::query("SELECT * FROM profiles WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| row_to_profile(&r).map(|p| p.0)).transpose()
    }

    /// Export profiles as inputs; passwords only when asked for.
    pub async fn export(&self, with_passwords: bool) -> ApiResult<Vec<ProfileInput>> {
        let mut out = Vec::new();
        for p in self.list().await? {
            if p.demo {
                continue;
            }
            let password = if with_passwords {
                self.get_with_secret(p.id).await?.password
            } else {
                None
            };
            out.push(ProfileInput {
                name: p.name,
                hosts: p.hosts,
                port: p.port,
                cluster_name: p.cluster_name,
                user: p.user,
                password,
                color: p.color,
                description: p.description,
                labels: p.labels,
                use_services_alternate: p.use_services_alternate,
                connect_timeout_ms: p.connect_timeout_ms,
                timeout_ms: p.timeout_ms,
            });
        }
        Ok(out)
    }
}

fn name_taken(name: &str) -> ApiError {
    let mut e = ApiError::field("name", format!("a profile named `{name}` already exists"));
    e.status = axum::http::StatusCode::CONFLICT;
    e.code = "profile_name_taken";
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_connection_lives_for_the_process() {
        let m = pool_options(1, true);
        assert_eq!(m.get_idle_timeout(), None);
        assert_eq!(m.get_max_lifetime(), None);
        assert_eq!(m.get_min_connections(), 1);
        assert_eq!(m.get_max_connections(), 1);
        // A file database may recycle connections (sqlx defaults).
        let f = pool_options(4, false);
        assert!(f.get_idle_timeout().is_some());
        assert!(f.get_max_lifetime().is_some());
    }

    async fn store() -> ProfileStore {
        ProfileStore::new(
            open(":memory:").await.unwrap(),
            SecretBox::random().unwrap(),
        )
    }

    fn input(name: &str) -> ProfileInput {
        serde_json::from_value(serde_json::json!({
            "name": name, "hosts": ["127.0.0.1:3000"], "user": "admin", "password": "pw",
            "labels": {"env": "dev"}
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn crud_and_secret_handling() {
        let s = store().await;
        let p = s.create(&input("a"), false).await.unwrap();
        assert!(p.has_password);
        assert_eq!(p.labels["env"], "dev");
        let w = s.get_with_secret(p.id).await.unwrap();
        assert_eq!(w.password.as_deref(), Some("pw"));
        // password omitted on update keeps it; "" clears it
        let mut upd = input("a2");
        upd.password = None;
        assert!(s.update(p.id, &upd).await.unwrap().has_password);
        upd.password = Some(String::new());
        assert!(!s.update(p.id, &upd).await.unwrap().has_password);
        // duplicate name
        let e = s.create(&input("a2"), false).await.unwrap_err();
        assert_eq!(e.code, "profile_name_taken");
        s.delete(p.id).await.unwrap();
        assert_eq!(s.get(p.id).await.unwrap_err().code, "profile_not_found");
        assert_eq!(s.delete(p.id).await.unwrap_err().code, "profile_not_found");
    }

    #[tokio::test]
    async fn stored_password_is_encrypted() {
        let s = store().await;
        s.create(&input("x"), false).await.unwrap();
        let raw: String = sqlx::query_scalar("SELECT password_enc FROM profiles")
            .fetch_one(&s.pool)
            .await
            .unwrap();
        assert!(raw.starts_with("v1:"));
        assert!(!raw.contains("pw"));
        let exported = s.export(false).await.unwrap();
        assert_eq!(exported[0].password, None);
        let exported = s.export(true).await.unwrap();
        assert_eq!(exported[0].password.as_deref(), Some("pw"));
    }
}
