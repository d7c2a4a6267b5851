//! The commands of Settings: the settings with which secrets are stored,
//! API keys, who answers through a provider entry, the models a provider
//! lists, and the model servers on this computer.

use super::*;
use crate::providers::discovery::{self, LOCAL_SERVERS, PROBE_TIMEOUT};
use crate::providers::{Endpoint, models};

commands! {
    /// The settings, and which secrets are stored (never the secrets).
    async fn get_settings(core, GetSettings {}) => settings_view(&core).await;
    /// Saves the settings. A change of the share mode or the network address
    /// restarts the embedded server, which then says where it runs.
    async fn save_settings(core, SaveSettings { settings }) => {
        let before = core.settings()?;
        if settings.share_server.mode == ShareMode::Team
            && settings.share_server.team_url != before.share_server.team_url
        {
            return Err(AppError::Invalid(
                "a new team server is connected with Test connection and Save (its connect code, or its URL and token)".into(),
            ));
        }
        core.save_settings(&settings)?;
        if before.share_server != settings.share_server {
            embedded::ensure_started(&core).await?;
        }
        Ok(core.settings()?)
    };
    /// Stores (or, with `null`/empty, deletes) a provider's API key in the
    /// keyring.
    async fn set_api_key(core, SetApiKey { provider_id, api_key }) => {
        core.provider(&provider_id)?;
        core.models.forget(&provider_id);
        Ok(core.set_secret(SecretKey::ProviderApiKey(provider_id), api_key).await?)
    };
    /// The price Parlor charges for a provider's model, if known (as a turn
    /// through that provider would be priced).
    fn model_price(core, ModelPrice { provider_id, model }) => {
        let provider = core.provider(&provider_id)?;
        let pricing = core.pricing()?;
        Ok(ServedBy::of(&provider, pricing.table()).price(&pricing, &model, chrono::Utc::now()))
    };
    /// The models a configured provider lists: this run's list unless
    /// `refresh`.
    async fn list_models(core, ListModels { provider_id, refresh }) =>
        provider_models(&core, &provider_id, refresh).await;
    /// Tries a provider entry as the Settings form has it, by listing its
    /// models now.
    async fn test_provider(core, TestProvider { provider, api_key }) =>
        try_provider(&core, &provider, api_key).await;
    /// The model servers listening on their usual loopback ports, each as an
    /// entry ready to add.
    async fn discover_providers(core, DiscoverProviders {}) => {
        let configured = core.settings()?.providers;
        Ok(discovery::discover(&core.http, LOCAL_SERVERS, &configured, PROBE_TIMEOUT).await)
    };
}

/// Who would answer through `provider` as it is being edited (Settings
/// files a price typed for it under this name). Quick and pure, it runs on
/// the main thread.
#[tauri::command]
pub fn served_by(core: AppCore_<'_>, args: c::GetServedBy) -> Reply<c::GetServedBy> {
    let c::GetServedBy { provider } = args;
    Ok(ServedBy::of(&provider, core.pricing()?.table()))
}

pub(super) async fn settings_view(core: &AppCore) -> Result<c::SettingsView> {
    let settings = core.settings()?;
    let table = core.pricing()?.table();
    let served_by = settings
        .providers
        .iter()
        .map(|p| (p.id.clone(), ServedBy::of(p, table)))
        .collect();
    let mut api_keys = BTreeMap::new();
    for provider in &settings.providers {
        let stored = core
            .secret(SecretKey::ProviderApiKey(provider.id.clone()))
            .await
            .map(|key| key.is_some())
            .unwrap_or(false);
        api_keys.insert(provider.id.clone(), stored);
    }
    let share_token = match &settings.share_server.team_url {
        Some(url) => core
            .secret(SecretKey::ShareServerToken(url.clone()))
            .await
            .map(|token| token.is_some())
            .unwrap_or(false),
        None => false,
    };
    Ok(c::SettingsView {
        settings,
        api_keys,
        share_token,
        served_by,
    })
}

/// The models provider `provider_id` lists: this run's list unless `refresh`.
pub(crate) async fn provider_models(
    core: &AppCore,
    provider_id: &str,
    refresh: bool,
) -> Result<c::ModelList> {
    let endpoint = core.endpoint(provider_id).await?;
    Ok(core
        .models
        .list(&core.http, provider_id, &endpoint, refresh)
        .await?)
}

/// Lists the models of an unsaved provider entry. Without a key typed
/// (`None` or blank), the one stored for the entry's id is sent.
pub(crate) async fn try_provider(
    core: &AppCore,
    provider: &c::ProviderConfig,
    api_key: Option<String>,
) -> Result<c::ModelList> {
    models::check_entry(provider)?;

    let typed = api_key
        .map(|key| key.trim().to_owned())
        .filter(|key| !key.is_empty());
    let api_key = match typed {
        Some(key) => Some(key),
        None => {
            core.secret(SecretKey::ProviderApiKey(provider.id.clone()))
                .await?
        }
    };
    let endpoint = Endpoint {
        kind: provider.kind,
        name: match provider.name.trim() {
            "" => "the provider".to_owned(),
            name => name.to_owned(),
        },
        base_url: provider.base_url.trim().to_owned(),
        api_key: api_key.map(Into::into),
    };
    Ok(models::fetch(&core.http, &provider.id, &endpoint).await?)
}
