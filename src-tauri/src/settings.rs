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
    /// Provider id in the price table (`openai`, `openrouter`, `groq`, …),
    /// or a price key of the user's; `None` for local servers. Whether the
    /// table's prices apply depends on the base URL too: see
    /// [`crate::served_by`].
    #[serde(default)]
    pub price_provider: Option<String>,
    /// Model names offered in the picker (free text is accepted too).
    #[serde(default)]
    pub models: Vec<String>,
}

/// Who can open the links Share makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareMode {
    /// The embedded server on loopback: only this computer.
    ThisComputer,
    /// The embedded server on a LAN address: anyone on the network.
    Network,
    /// A self-hosted share-server: anyone who can reach it.
    Team,
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
        self.check_share_server()?;
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

impl Settings {
    fn check_share_server(&self) -> Result<(), AppError> {
        let share = &self.share_server;
        if let Some(url) = &share.team_url {
            check_http_url(url, "share server URL")?;
        }
        if share.mode == ShareMode::Team && share.team_url.is_none() {
            return Err(AppError::Invalid(
                "choose a team server (its connect code, or its URL and a token) before selecting “Team server”".into(),
            ));
        }
        // A specific address: links name it, and 0.0.0.0 is no address to visit.
        match share.embedded_bind.parse::<std::net::IpAddr>() {
            Ok(ip) if !ip.is_unspecified() && !ip.is_multicast() => {
                if share.mode == ShareMode::Network && ip.is_loopback() {
                    return Err(AppError::Invalid(format!(
                        "“On my network” needs one of this machine's network addresses, not the loopback address {ip}"
                    )));
                }
            }
            _ => {
                return Err(AppError::Invalid(format!(
                    "the embedded server address “{}” must be this machine's loopback or LAN IP address",
                    share.embedded_bind
                )));
            }
        }
        if let Some(host) = &share.link_host
            && !is_host_name(host)
        {
            return Err(AppError::Invalid(format!(
                "the host name for links “{host}” must be a bare host name such as myhost.local (no scheme, port or path)"
            )));
        }
        Ok(())
    }
}

/// A DNS name or IP literal, without scheme, port or path.
fn is_host_name(host: &str) -> bool {
    if host.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
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

    #[test]
    fn network_mode_with_a_host_name_is_saved() {
        let store = Store::open_in_memory().unwrap();
        let settings = Settings {
            share_server: ShareServerSettings {
                mode: ShareMode::Network,
                team_url: None,
                embedded_bind: "192.168.1.20".into(),
                link_host: Some("myhost.local".into()),
            },
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
            |s| s.share_server.mode = ShareMode::Team,
            "choose a team server",
        );
        refused(
            |s| s.share_server.mode = ShareMode::Network,
            "“On my network” needs one of this machine's network addresses, not the loopback address 127.0.0.1",
        );
        for bad in [
            "http://myhost.local",
            "myhost:8080",
            "my host",
            "a/b",
            "-x.local",
        ] {
            refused(
                |s| s.share_server.link_host = Some(bad.into()),
                &format!("the host name for links “{bad}” must be a bare host name"),
            );
        }
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
