//! Settings: provider endpoints and API keys (written to the keyring; only
//! whether one is set is ever shown), the share server, the theme.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::modal::Modal;
use crate::errors::share_error_message;
use crate::ipc;
use crate::theme::THEMES;
use crate::types::{SettingsView, ShareServerInfo};

#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    pub view: SettingsView,
    pub theme: AttrValue,
    pub on_theme: Callback<String>,
    /// Saved: the fresh view from the shell.
    pub on_saved: Callback<SettingsView>,
    pub on_close: Callback<()>,
}

#[component]
pub fn SettingsPanel(props: &SettingsPanelProps) -> Html {
    let settings = use_state(|| props.view.settings.clone());
    let keys = use_state(BTreeMap::<String, String>::new);
    let team = use_state(|| props.view.settings.share_server.team_url.is_some());
    let team_url = use_state(|| {
        props
            .view
            .settings
            .share_server
            .team_url
            .clone()
            .unwrap_or_default()
    });
    let team_token = use_state(String::new);
    let busy = use_state(|| false);
    let status = use_state(String::new);
    let error = use_state(|| None::<String>);
    let server = use_state(|| None::<ShareServerInfo>);
    {
        let server = server.clone();
        use_effect_with(props.view.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                server.set(ipc::share_server_info().await.ok());
            });
        });
    }

    let providers = settings.providers.iter().enumerate().map(|(index, provider)| {
        let has_key = props.view.api_keys.get(&provider.id).copied().unwrap_or(false);
        let base_input = {
            let settings = settings.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = (*settings).clone();
                if let Some(p) = next.providers.get_mut(index) {
                    p.base_url = input.value();
                }
                settings.set(next);
            })
        };
        let key_input = {
            let keys = keys.clone();
            let id = provider.id.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = (*keys).clone();
                next.insert(id.clone(), input.value());
                keys.set(next);
            })
        };
        let remove_key = {
            let id = provider.id.clone();
            let (status, error, on_saved) = (status.clone(), error.clone(), props.on_saved.clone());
            Callback::from(move |_: MouseEvent| {
                let id = id.clone();
                let (status, error, on_saved) = (status.clone(), error.clone(), on_saved.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match ipc::set_api_key(&id, None).await {
                        Ok(()) => {
                            status.set(format!("The {id} key was removed."));
                            if let Ok(view) = ipc::get_settings().await {
                                on_saved.emit(view);
                            }
                        }
                        Err(e) => error.set(Some(share_error_message(&e))),
                    }
                });
            })
        };
        let base_id = format!("base-url-{}", provider.id);
        let key_id = format!("api-key-{}", provider.id);
        html! {
            <fieldset class="provider-block" data-provider={provider.id.clone()}>
                <legend class="provider-name">{ provider.name.clone() }</legend>
                <div class="field">
                    <label for={base_id.clone()} class="field-label">{ "Base URL" }</label>
                    <input id={base_id} name="base-url" class="input" type="url"
                        value={provider.base_url.clone()} oninput={base_input} />
                </div>
                <div class="field">
                    <label for={key_id.clone()} class="field-label">{ "API key" }</label>
                    <div class="key-row">
                        <input id={key_id} name="api-key" class="input" type="password" autocomplete="off"
                            placeholder={if has_key { "•••••••• (stored; type to replace)" } else { "paste a key" }}
                            value={keys.get(&provider.id).cloned().unwrap_or_default()} oninput={key_input} />
                        <span class={classes!("key-state", has_key.then_some("key-set"))} data-key-state={if has_key { "set" } else { "unset" }}>
                            { if has_key { "Key set" } else { "No key" } }
                        </span>
                        if has_key {
                            <button type="button" class="button button-quiet remove-key" onclick={remove_key}
                                aria-label={format!("Remove the {} key", provider.name)}>{ "Remove" }</button>
                        }
                    </div>
                </div>
            </fieldset>
        }
    });

    let save = {
        let (settings, keys, team, team_url, team_token) = (
            settings.clone(),
            keys.clone(),
            team.clone(),
            team_url.clone(),
            team_token.clone(),
        );
        let (busy, status, error, on_saved) = (
            busy.clone(),
            status.clone(),
            error.clone(),
            props.on_saved.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let mut next = (*settings).clone();
            let url = team_url.trim().trim_end_matches('/').to_owned();
            if *team && url.is_empty() {
                error.set(Some(
                    "Enter the team server's URL, or choose the embedded server.".into(),
                ));
                return;
            }
            next.share_server.team_url = (*team).then_some(url.clone());
            let new_keys: Vec<(String, String)> = keys
                .iter()
                .filter(|(_, key)| !key.trim().is_empty())
                .map(|(id, key)| (id.clone(), key.trim().to_owned()))
                .collect();
            let token = team_token.trim().to_owned();
            let use_team = *team;
            busy.set(true);
            error.set(None);
            status.set(String::new());
            let (busy, status, error, on_saved, keys, team_token) = (
                busy.clone(),
                status.clone(),
                error.clone(),
                on_saved.clone(),
                keys.clone(),
                team_token.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    ipc::save_settings(&next).await?;
                    for (id, key) in &new_keys {
                        ipc::set_api_key(id, Some(key)).await?;
                    }
                    if use_team && !token.is_empty() {
                        ipc::set_share_token(&url, Some(&token)).await?;
                    }
                    ipc::get_settings().await
                }
                .await;
                match result {
                    Ok(view) => {
                        keys.set(BTreeMap::new());
                        team_token.set(String::new());
                        status.set("Settings saved.".into());
                        on_saved.emit(view);
                    }
                    Err(e) => error.set(Some(share_error_message(&e))),
                }
                busy.set(false);
            });
        })
    };
    let mode = |value: bool| {
        let team = team.clone();
        Callback::from(move |_: Event| team.set(value))
    };
    let team_url_input = {
        let team_url = team_url.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            team_url.set(input.value());
        })
    };
    let token_input = {
        let team_token = team_token.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            team_token.set(input.value());
        })
    };
    let theme_change = {
        let on_theme = props.on_theme.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            on_theme.emit(select.value());
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };

    html! {
        <Modal id="settings-panel" close_id="settings-x" class="modal-wide" title="Settings" on_close={props.on_close.clone()}>
            <section class="settings-section" aria-labelledby="settings-providers">
                <h3 id="settings-providers" class="section-title">{ "Providers" }</h3>
                { for providers }
            </section>
            <section class="settings-section" aria-labelledby="settings-share">
                <h3 id="settings-share" class="section-title">{ "Share server" }</h3>
                <label class="check">
                    <input type="radio" id="share-server-embedded" name="share-server-mode" value="embedded"
                        checked={!*team} onchange={mode(false)} />
                    <span>{ "Embedded (this app serves the links; default)" }</span>
                </label>
                <label class="check">
                    <input type="radio" id="share-server-team" name="share-server-mode" value="team"
                        checked={*team} onchange={mode(true)} />
                    <span>{ "Team server" }</span>
                </label>
                if *team {
                    <div class="field">
                        <label for="team-url" class="field-label">{ "Server URL" }</label>
                        <input id="team-url" class="input" type="url" placeholder="https://share.example.com"
                            value={(*team_url).clone()} oninput={team_url_input} />
                    </div>
                    <div class="field">
                        <label for="team-token" class="field-label">{ "Token" }</label>
                        <div class="key-row">
                            <input id="team-token" class="input" type="password" autocomplete="off"
                                placeholder={if props.view.share_token { "•••••••• (stored; type to replace)" } else { "bearer token" }}
                                value={(*team_token).clone()} oninput={token_input} />
                            <span class="key-state" data-token-state={if props.view.share_token { "set" } else { "unset" }}>
                                { if props.view.share_token { "Token set" } else { "No token" } }
                            </span>
                        </div>
                    </div>
                }
                if let Some(info) = &*server {
                    <p class="field-hint" id="share-server-info">{ format!("Links are published to {} ({}).", info.url, info.mode) }</p>
                }
            </section>
            <section class="settings-section" aria-labelledby="settings-look">
                <h3 id="settings-look" class="section-title">{ "Appearance" }</h3>
                <div class="field">
                    <label for="theme-select" class="field-label">{ "Theme" }</label>
                    <select id="theme-select" class="input" onchange={theme_change}>
                        { for THEMES.iter().map(|(value, label)| html! {
                            <option value={*value} selected={props.theme == *value}>{ *label }</option>
                        }) }
                    </select>
                </div>
            </section>
            <p id="settings-status" class="share-status" role="status" aria-live="polite">{ (*status).clone() }</p>
            if let Some(message) = &*error {
                <p id="settings-error" class="form-error" role="alert">{ message.clone() }</p>
            }
            <div class="modal-actions">
                <button id="settings-close" type="button" class="button" onclick={close}>{ "Close" }</button>
                <button id="settings-save" type="button" class="button button-primary" disabled={*busy} onclick={save}>
                    { if *busy { "Saving…" } else { "Save" } }
                </button>
            </div>
        </Modal>
    }
}
