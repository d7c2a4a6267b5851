//! The app core: everything the commands work with, and nothing of Tauri.
//! Tests build one over a temp dir and an in-memory secret store.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chat_core::cost::Pricing;
use tokio_util::sync::CancellationToken;

use contract::error::code;

use crate::embedded::running::EmbeddedServer;
use crate::providers::{Endpoint, http_client};
use crate::secrets::{SecretError, SecretKey, SecretStore};
use crate::settings::{ProviderConfig, Settings, SettingsError, SettingsExt};
use crate::store::{Store, StoreError};

/// The file name of the app's database in its data dir.
pub const DATABASE_FILE: &str = "parlor.db";

/// Why the app core could not open, or read its settings or secrets.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("could not create the data folder {}: {source}", dir.display())]
    DataDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The HTTP client could not be built (its TLS set-up failed).
    #[error("{0}")]
    HttpClient(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// A keyring call, run off the async runtime, did not come back.
    #[error("a background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl CoreError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Store(e) => e.code(),
            CoreError::Settings(e) => e.code(),
            CoreError::Secret(e) => e.code(),
            CoreError::DataDir { .. } | CoreError::HttpClient(_) | CoreError::Task(_) => {
                code::INTERNAL
            }
        }
    }
}

pub struct AppCore {
    pub store: Store,
    pub secrets: Arc<dyn SecretStore>,
    pub http: reqwest::Client,
    pub data_dir: PathBuf,
    /// Running turns by assistant message id, to stop them.
    turns: Mutex<HashMap<String, CancellationToken>>,
    /// The in-process share server, once started.
    pub(crate) embedded: tokio::sync::Mutex<Option<EmbeddedServer>>,
    /// The model lists providers gave in this run.
    pub models: crate::providers::models::ModelCache,
}

impl std::fmt::Debug for AppCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppCore")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl AppCore {
    /// Opens the store in `data_dir` (created if needed).
    pub fn open(data_dir: &Path, secrets: Arc<dyn SecretStore>) -> Result<Arc<Self>, CoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| CoreError::DataDir {
            dir: data_dir.to_owned(),
            source,
        })?;
        let store = Store::open(&data_dir.join(DATABASE_FILE))?;
        // Unreadable settings name nothing now; the next start tries again.
        match Settings::load(&store) {
            Ok(settings) => crate::served_by::backfill(&store, &settings)?,
            Err(e) => tracing::warn!("answers made before were not named: {e}"),
        }
        Ok(Arc::new(Self {
            store,
            secrets,
            http: http_client().map_err(CoreError::HttpClient)?,
            data_dir: data_dir.to_owned(),
            turns: Mutex::new(HashMap::new()),
            embedded: tokio::sync::Mutex::new(None),
            models: Default::default(),
        }))
    }

    pub fn settings(&self) -> Result<Settings, CoreError> {
        Ok(Settings::load(&self.store)?)
    }

    /// Checks and stores the settings.
    pub fn save_settings(&self, settings: &Settings) -> Result<(), CoreError> {
        Ok(settings.save(&self.store)?)
    }

    /// The configured provider entry `id`, or why there is none.
    pub fn provider(&self, id: &str) -> Result<ProviderConfig, CoreError> {
        Ok(self.settings()?.configured_provider(id)?.clone())
    }

    /// The bundled price table with the user's overrides.
    pub fn pricing(&self) -> Result<Pricing<'static>, CoreError> {
        Ok(Pricing::bundled(self.settings()?.price_overrides))
    }

    /// A secret, read off the async runtime (keyring calls block on D-Bus).
    pub async fn secret(&self, key: SecretKey) -> Result<Option<String>, CoreError> {
        let secrets = Arc::clone(&self.secrets);
        Ok(tokio::task::spawn_blocking(move || secrets.get(&key)).await??)
    }

    pub async fn set_secret(&self, key: SecretKey, value: Option<String>) -> Result<(), CoreError> {
        let secrets = Arc::clone(&self.secrets);
        tokio::task::spawn_blocking(move || match value {
            Some(value) if !value.trim().is_empty() => secrets.set(&key, value.trim()),
            _ => secrets.delete(&key),
        })
        .await??;
        Ok(())
    }

    /// The endpoint of a configured provider, with its key from the keyring.
    pub async fn endpoint(&self, provider_id: &str) -> Result<Endpoint, CoreError> {
        let provider = self.provider(provider_id)?;
        Ok(Endpoint {
            kind: provider.kind,
            api_key: self
                .secret(SecretKey::ProviderApiKey(provider.id))
                .await?
                .map(Into::into),
            name: provider.name,
            base_url: provider.base_url,
        })
    }

    /// Every secret value stored for this app's configuration (for the
    /// share redaction pass).
    pub async fn known_secret_values(&self) -> Result<Vec<String>, CoreError> {
        let settings = self.settings()?;
        let mut keys: Vec<SecretKey> = settings
            .providers
            .iter()
            .map(|p| SecretKey::ProviderApiKey(p.id.clone()))
            .collect();
        if let Some(url) = &settings.share_server.team_url {
            keys.push(SecretKey::ShareServerToken(url.clone()));
        }
        let mut values = Vec::new();
        for key in keys {
            // A keyring that cannot be read holds nothing to redact; the
            // pattern pass still runs.
            if let Ok(Some(value)) = self.secret(key).await {
                values.push(value);
            }
        }
        Ok(values)
    }

    pub(crate) fn register_turn(&self, message_id: &str) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut turns) = self.turns.lock() {
            turns.insert(message_id.to_owned(), token.clone());
        }
        token
    }

    pub(crate) fn unregister_turn(&self, message_id: &str) {
        if let Ok(mut turns) = self.turns.lock() {
            turns.remove(message_id);
        }
    }

    /// Stops the turn streaming into `message_id`; `false` if none is.
    pub fn stop_turn(&self, message_id: &str) -> bool {
        match self.turns.lock() {
            Ok(turns) => turns
                .get(message_id)
                .map(CancellationToken::cancel)
                .is_some(),
            Err(_) => false,
        }
    }

    /// The ids of the assistant messages streaming now.
    pub fn running_turns(&self) -> Vec<String> {
        self.turns
            .lock()
            .map(|turns| turns.keys().cloned().collect())
            .unwrap_or_default()
    }
}
