//! Shared application state.

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::clients::{Clients, Conn};
use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::{self, ProfileStore};
use crate::error::ApiResult;
use crate::http_metrics::HttpMetrics;
use crate::profiles::ProfileInput;
use crate::sampler::Sampler;

/// Cheap-to-clone handle to everything handlers need.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The state behind [`AppState`].
pub struct Inner {
    /// Configuration.
    pub config: Config,
    /// Profile storage.
    pub store: ProfileStore,
    /// Connected clients.
    pub clients: Clients,
    /// Metrics sampler.
    pub sampler: Sampler,
    /// The manager's own HTTP metrics.
    pub http_metrics: HttpMetrics,
    /// Process start.
    pub started: Instant,
    /// Page cursors too large to travel inline.
    pub cursors: crate::cursor::CursorStore,
    /// Random per-process secret for confirmation tokens.
    pub token_secret: [u8; 32],
    /// Kubernetes management (gate and client).
    pub k8s: crate::http::k8s::K8sManager,
    /// Users, sessions, tokens, audit log and HTTP hardening settings.
    pub auth: crate::auth::AuthState,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// Open the database and key, and seed the default profile from `AEROSPIKE_HOST`.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let secrets = match &config.secret_key {
            Some(k) => SecretBox::from_base64(k)?,
            None if config.db == ":memory:" => SecretBox::random()?,
            None => SecretBox::load_or_create(Path::new(&config.key_file))?,
        };
        let enabled = match config.auth_decision().map_err(|e| anyhow::anyhow!(e))? {
            crate::config::AuthDecision::Required => true,
            crate::config::AuthDecision::Off(why) => {
                tracing::warn!("{why}");
                false
            }
        };
        let pool = db::open(&config.db).await?;
        let auth = crate::auth::AuthState::new(&config, enabled, pool.clone())?;
        let targets = crate::auth::targets::TargetAllowList::parse(&config.allowed_targets)?;
        let store = ProfileStore::new(pool, secrets);
        let mut token_secret = [0u8; 32];
        getrandom::fill(&mut token_secret).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        let k8s =
            crate::http::k8s::K8sManager::new(config.k8s_management_enabled, config.k8s_timeout)
                .with_kubeconfig(config.kubeconfig.clone());
        let state = Self(Arc::new(Inner {
            sampler: Sampler::new(config.sample_interval, config.history),
            config,
            store,
            clients: Clients::with_targets(targets),
            http_metrics: HttpMetrics::default(),
            started: Instant::now(),
            cursors: crate::cursor::CursorStore::default(),
            token_secret,
            k8s,
            auth,
        }));
        state.bootstrap_admin().await?;
        if let Some(host) = state.config.aerospike_host.clone() {
            state.seed_default_profile(&host).await?;
        }
        Ok(state)
    }

    /// `--admin-password-file`: create the admin, or set its password from the file.
    async fn bootstrap_admin(&self) -> anyhow::Result<()> {
        let Some(path) = &self.config.admin_password_file else {
            if self.auth.enabled && self.auth.users.count().await.map_err(anyhow::Error::new)? == 0
            {
                tracing::warn!(
                    "no manager users yet: nobody can sign in. Create one with \
                     `aerospike-cluster-manager user add NAME --role admin` or start with \
                     --admin-password-file"
                );
            }
            return Ok(());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("--admin-password-file {}: {e}", path.display()))?;
        let password = text.trim_end_matches(['\r', '\n']);
        let name = self.config.admin_user.as_str();
        let users = &self.auth.users;
        match users.get(name).await {
            Ok(_) => {
                users.set_password(name, password).await.map_err(|e| {
                    anyhow::anyhow!("--admin-password-file {}: {}", path.display(), e.detail)
                })?;
                users
                    .update(name, Some(crate::auth::Role::Admin), Some(false))
                    .await
                    .map_err(anyhow::Error::new)?;
                tracing::info!(user = name, "admin password set from --admin-password-file");
            }
            Err(_) => {
                users
                    .create(name, crate::auth::Role::Admin, password)
                    .await
                    .map_err(|e| {
                        anyhow::anyhow!("--admin-password-file {}: {}", path.display(), e.detail)
                    })?;
                tracing::info!(user = name, "admin created from --admin-password-file");
            }
        }
        Ok(())
    }

    async fn seed_default_profile(&self, host: &str) -> anyhow::Result<()> {
        if self.store.find_by_name("default").await?.is_some() {
            return Ok(());
        }
        let input: ProfileInput = serde_json::from_value(serde_json::json!({
            "name": "default",
            "hosts": [host],
            "port": self.config.aerospike_port,
            "description": "created from AEROSPIKE_HOST at start",
        }))?;
        self.store
            .create(&input, false)
            .await
            .map_err(|e| anyhow::anyhow!("default profile for AEROSPIKE_HOST: {e}"))?;
        Ok(())
    }

    /// The connected client of a profile.
    pub async fn conn(&self, id: i64) -> ApiResult<Arc<Conn>> {
        self.clients.get(&self.store, id).await
    }
}
