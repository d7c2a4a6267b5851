//! The app's settings (the contract's [`Settings`]): loaded from and saved
//! to one JSON row in SQLite, checked before they are saved. Secrets are not
//! here (API keys and the share token live in the keyring, see
//! [`crate::secrets`]).

pub use contract::{ProviderConfig, ProviderKind, Settings, ShareMode, ShareServerSettings};

use contract::error::code;

use crate::store::{Store, StoreError};

const KEY: &str = "app";

/// Why settings could not be read, found or saved.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A setting the user can fix; the message names it.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SettingsError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            SettingsError::Invalid(_) => code::INVALID_INPUT,
            SettingsError::NotFound(_) => code::NOT_FOUND,
            SettingsError::Store(e) => e.code(),
        }
    }
}

/// Loading, checking and saving the settings.
pub trait SettingsExt: Sized {
    /// The stored settings, or the defaults on a fresh install.
    fn load(store: &Store) -> Result<Self, SettingsError>;
    /// Checks and stores `self`.
    fn save(&self, store: &Store) -> Result<(), SettingsError>;
    /// The provider entry `id`, or why there is none.
    fn configured_provider(&self, id: &str) -> Result<&ProviderConfig, SettingsError>;
}

impl SettingsExt for Settings {
    fn load(store: &Store) -> Result<Self, SettingsError> {
        Ok(store.setting(KEY)?.unwrap_or_default())
    }

    fn save(&self, store: &Store) -> Result<(), SettingsError> {
        check(self)?;
        store.set_setting(KEY, self)?;
        Ok(())
    }

    fn configured_provider(&self, id: &str) -> Result<&ProviderConfig, SettingsError> {
        self.provider(id)
            .ok_or_else(|| SettingsError::NotFound(format!("provider “{id}” is not configured")))
    }
}

fn check(settings: &Settings) -> Result<(), SettingsError> {
    let mut seen = std::collections::HashSet::new();
    for provider in &settings.providers {
        if provider.id.trim().is_empty() || !seen.insert(provider.id.as_str()) {
            return Err(SettingsError::Invalid(format!(
                "provider ids must be unique and non-empty (“{}”)",
                provider.id
            )));
        }
        check_http_url(&provider.base_url, "base URL")?;
    }
    check_share_server(&settings.share_server)?;
    for (index, price) in settings.price_overrides.iter().enumerate() {
        price.validate().map_err(|e| {
            SettingsError::Invalid(format!(
                "price {} ({} {}): {e}",
                index + 1,
                price.provider,
                price.model
            ))
        })?;
    }
    Ok(())
}

fn check_share_server(share: &ShareServerSettings) -> Result<(), SettingsError> {
    if let Some(url) = &share.team_url {
        check_http_url(url, "share server URL")?;
    }
    if share.mode == ShareMode::Team && share.team_url.is_none() {
        return Err(SettingsError::Invalid(
            "choose a team server (its connect code, or its URL and a token) before selecting “Team server”".into(),
        ));
    }
    // A specific address: links name it, and 0.0.0.0 is no address to visit.
    match share.embedded_bind.parse::<std::net::IpAddr>() {
        Ok(ip) if !ip.is_unspecified() && !ip.is_multicast() => {
            if share.mode == ShareMode::Network && ip.is_loopback() {
                return Err(SettingsError::Invalid(format!(
                    "“On my network” needs one of this machine's network addresses, not the loopback address {ip}"
                )));
            }
        }
        _ => {
            return Err(SettingsError::Invalid(format!(
                "the embedded server address “{}” must be this machine's loopback or LAN IP address",
                share.embedded_bind
            )));
        }
    }
    if let Some(host) = &share.link_host
        && !is_host_name(host)
    {
        return Err(SettingsError::Invalid(format!(
            "the host name for links “{host}” must be a bare host name such as myhost.local (no scheme, port or path)"
        )));
    }
    Ok(())
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

fn check_http_url(url: &str, what: &str) -> Result<(), SettingsError> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Ok(()),
        _ => Err(SettingsError::Invalid(format!(
            "the {what} “{url}” is not an http(s) URL"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use chat_core::cost::PriceOverride;

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
