//! Providers and their models: each provider's list asked once, when a
//! control first needs it (the model field, a compared setup, "Regenerate
//! with…"); and a local server found on start added in one click.

use std::collections::HashSet;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::sessions::AppHandles;
use crate::ipc;
use crate::models::{add_provider, answered_by, offered};
use crate::state::{ChatAction, ModelsAction};
use crate::types::ProviderConfig;

/// Asks the shell for `provider_id`'s models and keeps them; nothing when
/// it cannot list them (the Settings entry's models are offered then).
async fn list(app: &AppHandles, provider_id: &str) -> Vec<String> {
    let models: Vec<String> = match ipc::list_models(provider_id, false).await {
        Ok(list) => list.models.into_iter().map(|m| m.id).collect(),
        Err(_) => Vec::new(),
    };
    app.models.dispatch(ModelsAction::Listed {
        provider_id: provider_id.to_owned(),
        models: models.clone(),
    });
    models
}

/// The models `provider_id` offers, asking it first when it has not been.
pub async fn offered_models(app: &AppHandles, provider_id: &str) -> Vec<String> {
    if app.models.is_listed(provider_id) {
        return app.models.offered(app.settings(), provider_id);
    }
    let listed = list(app, provider_id).await;
    offered(
        Some(&listed),
        app.settings().and_then(|s| s.provider(provider_id)),
    )
}

/// A callback that asks a provider for its models, once per provider.
#[hook]
pub fn use_model_lists(app: &AppHandles) -> Callback<String> {
    let asked = use_mut_ref(HashSet::<String>::new);
    let app = app.clone();
    Callback::from(move |provider_id: String| {
        if provider_id.is_empty() || !asked.borrow_mut().insert(provider_id.clone()) {
            return;
        }
        let app = app.clone();
        spawn_local(async move {
            list(&app, &provider_id).await;
        });
    })
}

/// Adds a server found on start as a provider and has the open session
/// (or a new one) answered by it with its first model.
pub fn add_discovered(app: &AppHandles) -> Callback<ProviderConfig> {
    app.command(|app, found: ProviderConfig| async move {
        let Some(settings) = app.settings().cloned() else {
            return Ok(());
        };
        let (next, added) = add_provider(&settings, &found);
        ipc::save_settings(&next).await?;
        app.settings.set(Some(ipc::get_settings().await?));
        let remaining = (app.discovered.iter())
            .filter(|d| d.provider.base_url != found.base_url)
            .cloned()
            .collect();
        app.discovered.set(remaining);
        match app.chat.session.clone() {
            Some(session) => {
                let config = answered_by(&session.config, &added);
                app.dispatch(ChatAction::Config(config.clone()));
                app.saved(ipc::update_session(&session.id, &config).await?);
            }
            None => {
                let config = answered_by(&super::sessions::new_config(None, None), &added);
                let created = ipc::create_session(&config).await?;
                app.refresh_sessions.emit(());
                app.load(&created.id).await?;
            }
        }
        Ok(())
    })
}
