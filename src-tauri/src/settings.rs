//! The app's settings: provider endpoints, the share server, price
//! overrides. Stored as one JSON row in SQLite; secrets are not here (API
//! keys and the share token live in the keyring, see [`crate::secrets`]).

use chat_core::cost::PriceOverride;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::store::Store;

const KEY: &str = "app";

/// Which wire protocol an endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenAI-compatible Chat Completions (OpenAI, OpenRouter, Groq, LM
    /// Studio, llama.cpp server, vLLM, …).
    OpenAi,
    /// Anthropic Messages.
    Anthropic,
    /// Ollama's native `/api/chat`.
    Ollama,
}

/// One configured endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderConfig {
    /// Stable id, referenced by sessions and by the keyring entry of its key.
    pub id: String,
    /// Shown in the UI.
    pub name: String,
    pub kind: ProviderKind,
    /// `https://api.openai.com/v1`, `https://api.anthropic.com`, `http://127.0.0.1:11434`.
    pub base_url: String,
    /// Provider id in the price table (`openai`, `openrouter`, `groq`, …);
    /// `None` for local servers without prices.
    #[serde(default)]
    pub price_provider: Option<String>,
    /// Model names offered in the picker (free text is accepted too).
    #[serde(default)]
    pub models: Vec<String>,
}

impl ProviderConfig {
    /// The provider id recorded in snapshots and used for prices.
    pub fn snapshot_provider(&self) -> &str {
        self.price_provider.as_deref().unwrap_or(&self.id)
    }
}

/// Where Share publishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareServerSettings {
    /// A team server's base URL; `None` uses the embedded server.
    #[serde(default)]
    pub team_url: Option<String>,
    /// Address the embedded server binds: loopback unless the user chooses a
    /// LAN address.
    #[serde(default = "loopback")]
    pub embedded_bind: String,
}

fn loopback() -> String {
    "127.0.0.1".into()
}

impl Default for ShareServerSettings {
    fn default() -> Self {
        Self {
            team_url: None,
            embedded_bind: loopback(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub providers: Vec<ProviderConfig>,
    #[serde(default)]
    pub share_server: ShareServerSettings,
    /// User prices, consulted before the bundled table.
    #[serde(default)]
    pub price_overrides: Vec<PriceOverride>,
}

impl Default for Settings {
    fn default() -> Self {
        let provider =
            |id: &str, name: &str, kind, base_url: &str, price: Option<&str>, models: &[&str]| {
                ProviderConfig {
                    id: id.into(),
                    name: name.into(),
                    kind,
                    base_url: base_url.into(),
                    price_provider: price.map(Into::into),
                    models: models.iter().map(|m| (*m).to_owned()).collect(),
                }
            };
        Self {
            providers: vec![
                provider(
                    "openai",
                    "OpenAI",
                    ProviderKind::OpenAi,
                    "https://api.openai.com/v1",
                    Some("openai"),
                    &["gpt-4o", "gpt-4o-mini", "o3-mini"],
                ),
                provider(
                    "anthropic",
                    "Anthropic",
                    ProviderKind::Anthropic,
                    "https://api.anthropic.com",
                    Some("anthropic"),
                    &["claude-sonnet-4-5", "claude-haiku-4-5"],
                ),
                provider(
                    "openrouter",
                    "OpenRouter",
                    ProviderKind::OpenAi,
                    "https://openrouter.ai/api/v1",
                    Some("openrouter"),
                    &[],
                ),
                provider(
                    "groq",
                    "Groq",
                    ProviderKind::OpenAi,
                    "https://api.groq.com/openai/v1",
                    Some("groq"),
                    &[],
                ),
                provider(
                    "ollama",
                    "Ollama",
                    ProviderKind::Ollama,
                    "http://127.0.0.1:11434",
                    None,
                    &[],
                ),
            ],
            share_server: ShareServerSettings::default(),
            price_overrides: Vec::new(),
        }
    }
}

impl Settings {
    /// The stored settings, or the defaults on a fresh install.
    pub fn load(store: &Store) -> Result<Self, AppError> {
        Ok(store.setting(KEY)?.unwrap_or_default())
    }

    /// Checks and stores `self`.
    pub fn save(&self, store: &Store) -> Result<(), AppError> {
        self.check()?;
        store.set_setting(KEY, self)?;
        Ok(())
    }

    pub fn provider(&self, id: &str) -> Result<&ProviderConfig, AppError> {
        self.providers
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| AppError::NotFound(format!("provider “{id}” is not configured")))
    }

    fn check(&self) -> Result<(), AppError> {
        let mut seen = std::collections::HashSet::new();
        for provider in &self.providers {
            if provider.id.trim().is_empty() || !seen.insert(provider.id.as_str()) {
                return Err(AppError::Invalid(format!(
                    "provider ids must be unique and non-empty (“{}”)",
                    provider.id
                )));
            }
            check_http_url(&provider.base_url, "base URL")?;
        }
        if let Some(url) = &self.share_server.team_url {
            check_http_url(url, "share server URL")?;
        }
        // A specific address: links name it, and 0.0.0.0 is no address to visit.
        match self.share_server.embedded_bind.parse::<std::net::IpAddr>() {
            Ok(ip) if !ip.is_unspecified() => {}
            _ => {
                return Err(AppError::Invalid(format!(
                    "the embedded server address “{}” must be this machine's loopback or LAN IP address",
                    self.share_server.embedded_bind
                )));
            }
        }
        for (index, price) in self.price_overrides.iter().enumerate() {
            price.validate().map_err(|e| {
                AppError::Invalid(format!(
                    "price {} ({} {}): {e}",
                    index + 1,
                    price.provider,
                    price.model
                ))
            })?;
        }
        Ok(())
    }
}

fn check_http_url(url: &str, what: &str) -> Result<(), AppError> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Ok(()),
        _ => Err(AppError::Invalid(format!(
            "the {what} “{url}” is not an http(s) URL"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Saving `edit`ed defaults over saved defaults: refused with a message
    /// containing `expected`, and what was saved before is still there.
    fn refused(edit: impl FnOnce(&mut Settings), expected: &str) {
        let store = Store::open_in_memory().unwrap();
        let mut saved = Settings::default();
        saved
            .price_overrides
            .push(PriceOverride::new("ollama", "llama3*", 0.1, 0.2));
        saved.save(&store).unwrap();
        let mut bad = saved.clone();
        edit(&mut bad);
        let error = bad.save(&store).unwrap_err();
        assert_eq!(error.code(), "invalid_input");
        assert!(
            error.to_string().contains(expected),
            "{error} lacks {expected:?}"
        );
        assert_eq!(
            Settings::load(&store).unwrap(),
            saved,
            "nothing saved is lost"
        );
    }

    #[test]
    fn defaults_and_user_prices_are_saved_and_loaded() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(Settings::load(&store).unwrap(), Settings::default());
        let settings = Settings {
            price_overrides: vec![
                PriceOverride::new("openai", "gpt-4o-mini", 1.0, 2.0),
                PriceOverride {
                    cached_input_per_mtok: Some(0.0),
                    ..PriceOverride::new("ollama", "*", 0.0, 0.0)
                },
            ],
            ..Settings::default()
        };
        settings.save(&store).unwrap();
        assert_eq!(Settings::load(&store).unwrap(), settings);
    }

    #[test]
    fn each_bad_setting_is_refused_by_name() {
        refused(
            |s| s.providers[1].id = "openai".into(),
            "provider ids must be unique and non-empty (“openai”)",
        );
        refused(
            |s| s.providers[0].id = " ".into(),
            "provider ids must be unique and non-empty",
        );
        refused(
            |s| s.providers[0].base_url = "ftp://example.com".into(),
            "the base URL “ftp://example.com” is not an http(s) URL",
        );
        refused(
            |s| s.share_server.team_url = Some("share.example.com".into()),
            "the share server URL “share.example.com” is not an http(s) URL",
        );
        refused(
            |s| s.share_server.embedded_bind = "0.0.0.0".into(),
            "the embedded server address “0.0.0.0” must be",
        );
        refused(
            |s| s.share_server.embedded_bind = "localhost".into(),
            "the embedded server address “localhost” must be",
        );
        refused(
            |s| {
                s.price_overrides
                    .push(PriceOverride::new("openai", "gpt-4o", -1.0, 2.0));
            },
            "price 2 (openai gpt-4o): inputPerMtok",
        );
        refused(
            |s| s.price_overrides[0].model = String::new(),
            "price 1 (ollama ): model",
        );
    }
}
