//! The app's settings as the UI edits them: provider endpoints, the share
//! server, price overrides; and the view of them with which secrets are
//! stored (never the secrets).

use std::collections::BTreeMap;

use chat_core::cost::PriceOverride;
use serde::{Deserialize, Serialize};

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
    /// Provider id in the price table (`openai`, `openrouter`, `groq`, …),
    /// or a price key of the user's; `None` for local servers. Whether the
    /// table's prices apply depends on the base URL too (see [`ServedBy`]).
    #[serde(default)]
    pub price_provider: Option<String>,
    /// Model names offered in the picker (free text is accepted too).
    #[serde(default)]
    pub models: Vec<String>,
}

/// A model a provider lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    /// The name requests use.
    pub id: String,
    /// A friendlier name, when the provider gives one.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// The models a provider listed, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelList {
    pub provider_id: String,
    pub models: Vec<ModelInfo>,
    pub fetched_at: chrono::DateTime<chrono::Utc>,
    /// Served from the cache of this run rather than asked again.
    pub cached: bool,
}

/// A local model server found listening on its usual port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveredProvider {
    /// A provider entry ready to add (its `models` filled from the server).
    pub provider: ProviderConfig,
    /// A provider with this base URL is configured already.
    pub already_configured: bool,
}

/// Who can open the links Share makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareMode {
    /// The embedded server on loopback: only this computer.
    #[default]
    ThisComputer,
    /// The embedded server on a LAN address: anyone on the network.
    Network,
    /// A self-hosted share-server: anyone who can reach it.
    Team,
}

impl ShareMode {
    /// The wire name (`data-mode`).
    pub fn as_str(self) -> &'static str {
        match self {
            ShareMode::ThisComputer => "thisComputer",
            ShareMode::Network => "network",
            ShareMode::Team => "team",
        }
    }
}

/// Where Share publishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "StoredShareServerSettings")]
pub struct ShareServerSettings {
    pub mode: ShareMode,
    /// The team server's base URL. Kept when another mode is chosen, so
    /// switching back is one click.
    pub team_url: Option<String>,
    /// The address the embedded server binds in network mode (loopback in
    /// the other modes).
    pub embedded_bind: String,
    /// A host name to put in network-mode links instead of the address
    /// (`myhost.local`, a DNS name).
    pub link_host: Option<String>,
}

/// The settings as stored: rows saved before there was a `mode` derive it
/// from the team URL and the bind address.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredShareServerSettings {
    #[serde(default)]
    mode: Option<ShareMode>,
    #[serde(default)]
    team_url: Option<String>,
    #[serde(default = "loopback")]
    embedded_bind: String,
    #[serde(default)]
    link_host: Option<String>,
}

impl From<StoredShareServerSettings> for ShareServerSettings {
    fn from(stored: StoredShareServerSettings) -> Self {
        let mode = stored.mode.unwrap_or_else(|| {
            if stored.team_url.is_some() {
                ShareMode::Team
            } else if stored
                .embedded_bind
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| !ip.is_loopback())
            {
                ShareMode::Network
            } else {
                ShareMode::ThisComputer
            }
        });
        Self {
            mode,
            team_url: stored.team_url,
            embedded_bind: stored.embedded_bind,
            link_host: stored.link_host.filter(|h| !h.trim().is_empty()),
        }
    }
}

fn loopback() -> String {
    "127.0.0.1".into()
}

impl Default for ShareServerSettings {
    fn default() -> Self {
        Self {
            mode: ShareMode::ThisComputer,
            team_url: None,
            embedded_bind: loopback(),
            link_host: None,
        }
    }
}

impl ShareServerSettings {
    /// The team server Share publishes to now, if that is the mode.
    pub fn active_team_url(&self) -> Option<&str> {
        match self.mode {
            ShareMode::Team => self.team_url.as_deref(),
            _ => None,
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

impl Settings {
    /// The provider entry with this id.
    pub fn provider(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.id == id)
    }
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

/// Who answers through a provider entry, as the shell works it out: the
/// name shares give it and user prices are filed under, and the price-table
/// provider whose prices apply (`None`: only the user's prices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServedBy {
    /// What shares and the UI call the server of the answer; the key user
    /// prices are filed under.
    pub name: String,
    /// The price-table provider id whose bundled prices apply; `None` when
    /// only the user's prices do.
    #[serde(default)]
    pub price_provider: Option<String>,
}

/// The settings, and which secrets are stored (never the secrets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    pub settings: Settings,
    /// Provider id → an API key is stored.
    pub api_keys: BTreeMap<String, bool>,
    /// A token is stored for the team share server.
    pub share_token: bool,
    /// Provider id → who answers through it: the name the price editor files
    /// the user's prices under, and whether the bundled table applies.
    #[serde(default)]
    pub served_by: BTreeMap<String, ServedBy>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_server_settings_round_trip_in_camel_case() {
        let settings = ShareServerSettings {
            mode: ShareMode::ThisComputer,
            team_url: Some("https://share.example.com".into()),
            embedded_bind: "127.0.0.1".into(),
            link_host: None,
        };
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"mode": "thisComputer", "teamUrl": "https://share.example.com",
                               "embeddedBind": "127.0.0.1", "linkHost": null})
        );
        assert_eq!(
            serde_json::from_value::<ShareServerSettings>(json).unwrap(),
            settings
        );
    }

    #[test]
    fn settings_saved_before_share_modes_keep_their_meaning() {
        let load = |share: &str| -> ShareServerSettings {
            let json = format!(r#"{{"providers": [], "shareServer": {share}}}"#);
            serde_json::from_str::<Settings>(&json)
                .unwrap()
                .share_server
        };
        assert_eq!(load("{}"), ShareServerSettings::default());
        let team = load(r#"{"teamUrl": "https://share.example.com"}"#);
        assert_eq!(team.mode, ShareMode::Team);
        assert_eq!(team.active_team_url(), Some("https://share.example.com"));
        assert_eq!(
            load(r#"{"embeddedBind": "192.168.1.20"}"#).mode,
            ShareMode::Network
        );
        let chosen = load(
            r#"{"mode": "thisComputer", "teamUrl": "https://share.example.com", "linkHost": ""}"#,
        );
        assert_eq!(chosen.mode, ShareMode::ThisComputer);
        assert_eq!(
            chosen.active_team_url(),
            None,
            "the team URL is kept, not used"
        );
        assert_eq!(chosen.link_host, None);
    }
}
