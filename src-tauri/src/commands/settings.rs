//! The commands of Settings: the settings with which secrets are stored,
//! API keys, who answers through a provider entry, the models a provider
//! lists, and the model servers on this computer.

use super::*;
use crate::providers::discovery::{self, LOCAL_SERVERS, PROBE_TIMEOUT};
use crate::providers::{Endpoint, models};

/// The settings, and which secrets are stored (never the secrets).
#[tauri::command]
pub async fn get_settings(core: AppCore_<'_>, args: c::GetSettings) -> Reply<c::GetSettings> {
    let c::GetSettings {} = args;
    settings_view(&core).await
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

/// Saves the settings. A change of the share mode or the network address
/// restarts the embedded server, which then says where it runs.
#[tauri::command]
pub async fn save_settings(core: AppCore_<'_>, args: c::SaveSettings) -> Reply<c::SaveSettings> {
    let c::SaveSettings { settings } = args;
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
}

/// Stores (or, with `null`/empty, deletes) a provider's API key in the keyring.
#[tauri::command]
pub async fn set_api_key(core: AppCore_<'_>, args: c::SetApiKey) -> Reply<c::SetApiKey> {
    let c::SetApiKey {
        provider_id,
        api_key,
    } = args;
    core.provider(&provider_id)?;
    core.models.forget(&provider_id);
    Ok(core
        .set_secret(SecretKey::ProviderApiKey(provider_id), api_key)
        .await?)
}

/// Who would answer through `provider` as it is being edited (Settings
/// files a price typed for it under this name).
#[tauri::command]
pub fn served_by(core: AppCore_<'_>, args: c::GetServedBy) -> Reply<c::GetServedBy> {
    let c::GetServedBy { provider } = args;
    Ok(ServedBy::of(&provider, core.pricing()?.table()))
}

/// The price Parlor charges for a provider's model, if known (as a turn
/// through that provider would be priced).
#[tauri::command(async)]
pub fn model_price(core: AppCore_<'_>, args: c::ModelPrice) -> Reply<c::ModelPrice> {
    let c::ModelPrice { provider_id, model } = args;
    let provider = core.provider(&provider_id)?;
    let pricing = core.pricing()?;
    Ok(ServedBy::of(&provider, pricing.table()).price(&pricing, &model, chrono::Utc::now()))
}

/// The models a configured provider lists: this run's list unless `refresh`.
#[tauri::command]
pub async fn list_models(core: AppCore_<'_>, args: c::ListModels) -> Reply<c::ListModels> {
    provider_models(&core, args).await
}

pub(crate) async fn provider_models(core: &AppCore, args: c::ListModels) -> Reply<c::ListModels> {
    let c::ListModels {
        provider_id,
        refresh,
    } = args;
    let endpoint = core.endpoint(&provider_id).await?;
    Ok(core
        .models
        .list(&core.http, &provider_id, &endpoint, refresh)
        .await?)
}

/// Tries a provider entry as the Settings form has it, by listing its
/// models now.
#[tauri::command]
pub async fn test_provider(core: AppCore_<'_>, args: c::TestProvider) -> Reply<c::TestProvider> {
    try_provider(&core, args).await
}

/// Without a key typed (`None` or blank), the one stored for the entry's id
/// is sent.
pub(crate) async fn try_provider(core: &AppCore, args: c::TestProvider) -> Reply<c::TestProvider> {
    let c::TestProvider { provider, api_key } = args;
    models::check_entry(&provider)?;
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
        api_key,
    };
    Ok(models::fetch(&core.http, &provider.id, &endpoint).await?)
}

/// The model servers listening on their usual loopback ports, each as an
/// entry ready to add.
#[tauri::command]
pub async fn discover_providers(
    core: AppCore_<'_>,
    args: c::DiscoverProviders,
) -> Reply<c::DiscoverProviders> {
    let configured = core.settings()?.providers;
    let c::DiscoverProviders {} = args;
    Ok(discovery::discover(&core.http, LOCAL_SERVERS, &configured, PROBE_TIMEOUT).await)
}
