//! Settings: provider endpoints and API keys (written to the keyring; only
//! whether one is set is ever shown), the user's own model prices, the share
//! server, the theme.

use std::collections::BTreeMap;

use yew::prelude::*;

use super::modal::Modal;
use super::share_server_section::ShareServerSection;
use crate::errors::share_error_message;
use crate::hooks::spawn_reported;
use crate::ipc::IpcError;
use crate::prices::{self, PriceField, PriceRow};
use crate::share_server_form::{ShareServerEdit, ShareServerForm};
use crate::theme::THEMES;
use crate::types::{ProviderConfig, ServedBy, SettingsView, ShareServerMode};
use crate::{hooks, ipc};

#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    pub view: SettingsView,
    pub theme: AttrValue,
    pub on_theme: Callback<String>,
    /// Saved: the fresh view from the shell.
    pub on_saved: Callback<SettingsView>,
    pub on_close: Callback<()>,
    /// Opened from Share's ways out: the share server section, with this
    /// mode chosen.
    #[prop_or_default]
    pub share_mode: Option<ShareServerMode>,
}

#[component]
pub fn SettingsPanel(props: &SettingsPanelProps) -> Html {
    let settings = use_state(|| props.view.settings.clone());
    let keys = use_state(BTreeMap::<String, String>::new);
    let share_form = {
        let (saved, preselect) = (props.view.settings.share_server.clone(), props.share_mode);
        use_reducer(move || ShareServerForm::new(&saved, preselect))
    };
    let price_rows = use_state(|| {
        props
            .view
            .settings
            .price_overrides
            .iter()
            .map(PriceRow::from_override)
            .collect::<Vec<_>>()
    });
    let busy = use_state(|| false);
    let status = use_state(String::new);
    let error = use_state(|| None::<String>);
    // Who answers through each entry: the shell's word, asked again when a
    // base URL is edited, so a price is filed under the server it will price.
    let served = use_state(|| props.view.served_by.clone());
    {
        let served = served.clone();
        use_effect_with(props.view.served_by.clone(), move |saved| {
            served.set(saved.clone())
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
        let base_change = {
            let (settings, served, provider) = (settings.clone(), served.clone(), provider.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let value = input.value();
                // The field as it is now (a cleared field fires no input
                // event), so the re-render below does not put old text back.
                let mut next = (*settings).clone();
                if let Some(p) = next.providers.get_mut(index) {
                    p.base_url = value.clone();
                }
                settings.set(next);
                if value.trim().is_empty() {
                    return;
                }
                let edited = ProviderConfig {
                    base_url: value,
                    ..provider.clone()
                };
                let served = served.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    // Unanswered, the choice stays as it was: the shell
                    // checks again when the settings are saved.
                    if let Ok(now) = ipc::served_by(&edited).await {
                        let mut next = (*served).clone();
                        next.insert(edited.id.clone(), now);
                        served.set(next);
                    }
                });
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
                        value={provider.base_url.clone()} oninput={base_input} onchange={base_change} />
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

    // A row just added: its model field takes the focus (and scrolls into view).
    let new_price_row = use_state(|| None::<usize>);
    use_effect_with((*new_price_row, price_rows.len()), |(row, _)| {
        if let Some(row) = row {
            hooks::focus(&format!("price-{row}-model"));
        }
    });
    let price_editor = price_editor(&settings.providers, &served, &price_rows, &new_price_row);

    let save = {
        let price_rows = price_rows.clone();
        let (settings, keys, share_form) = (settings.clone(), keys.clone(), share_form.clone());
        let saved_share_server = props.view.settings.share_server.clone();
        let (busy, status, error, on_saved) = (
            busy.clone(),
            status.clone(),
            error.clone(),
            props.on_saved.clone(),
        );
        let report = {
            let (busy, error) = (busy.clone(), error.clone());
            Callback::from(move |e: IpcError| {
                busy.set(false);
                error.set(Some(share_error_message(&e)));
            })
        };
        Callback::from(move |_: MouseEvent| {
            let mut next = (*settings).clone();
            let plan = match share_form.plan(&saved_share_server) {
                Ok(plan) => plan,
                Err(message) => {
                    error.set(Some(message));
                    return;
                }
            };
            next.price_overrides = match prices::overrides(&price_rows) {
                Ok(overrides) => overrides,
                Err(message) => {
                    error.set(Some(message));
                    return;
                }
            };
            let new_keys: Vec<(String, String)> = keys
                .iter()
                .filter(|(_, key)| !key.trim().is_empty())
                .map(|(id, key)| (id.clone(), key.trim().to_owned()))
                .collect();
            busy.set(true);
            error.set(None);
            status.set(String::new());
            let (busy, status, on_saved, keys, share_form) = (
                busy.clone(),
                status.clone(),
                on_saved.clone(),
                keys.clone(),
                share_form.dispatcher(),
            );
            spawn_reported(&report, async move {
                // The team server first: if it refuses, nothing is saved and
                // the form stays as typed.
                let team_url = match &plan.connect {
                    Some(team) => {
                        let connected =
                            ipc::connect_team_server(&team.input, team.token.as_deref()).await?;
                        connected.settings.share_server.team_url
                    }
                    None => None,
                };
                next.share_server = plan.connected(team_url);
                ipc::save_settings(&next).await?;
                for (id, key) in &new_keys {
                    ipc::set_api_key(id, Some(key)).await?;
                }
                let view = ipc::get_settings().await?;
                keys.set(BTreeMap::new());
                share_form.dispatch(ShareServerEdit::Reset(ShareServerForm::new(
                    &view.settings.share_server,
                    None,
                )));
                status.set("Settings saved.".into());
                busy.set(false);
                on_saved.emit(view);
                Ok(())
            });
        })
    };
    let theme_change = {
        let on_theme = props.on_theme.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            on_theme.emit(select.value());
        })
    };
    let on_share_edit = {
        let dispatch = share_form.dispatcher();
        Callback::from(move |edit: ShareServerEdit| dispatch.dispatch(edit))
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
            { price_editor }
            <ShareServerSection form={(*share_form).clone()} on_edit={on_share_edit}
                saved={props.view.settings.share_server.clone()} share_token={props.view.share_token}
                focus_mode={props.share_mode} />
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

/// Prices of the user's own, consulted before the bundled table: one row per
/// provider and model (or `prefix*`), in USD per million tokens.
fn price_editor(
    providers: &[ProviderConfig],
    served: &BTreeMap<String, ServedBy>,
    rows: &UseStateHandle<Vec<PriceRow>>,
    added: &UseStateHandle<Option<usize>>,
) -> Html {
    let choices = prices::provider_choices(providers, served, rows);
    // A long server name does not fit the field: the whole label is its title.
    let chosen_label = |value: &str| {
        choices
            .iter()
            .find(|(v, _)| v == value)
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    };
    let edit = |index: usize, field: PriceField| {
        let rows = rows.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            update_row(&rows, index, field, input.value());
        })
    };
    let choose = |index: usize| {
        let rows = rows.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            update_row(&rows, index, PriceField::Provider, select.value());
        })
    };
    let add = {
        let (rows, added) = (rows.clone(), added.clone());
        let first = choices
            .first()
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*rows).clone();
            next.push(PriceRow::new(&first));
            added.set(Some(next.len()));
            rows.set(next);
        })
    };
    let entries = rows.iter().enumerate().map(|(index, row)| {
        let remove = {
            let rows = rows.clone();
            Callback::from(move |_: MouseEvent| {
                let mut next = (*rows).clone();
                if index < next.len() {
                    next.remove(index);
                }
                rows.set(next);
            })
        };
        let id = |field: &str| format!("price-{}-{field}", index + 1);
        let number = |field: PriceField, name: &str, placeholder: &str| {
            html! {
                <div class="field">
                    <label for={id(name)} class="field-label">{ field.heading() }</label>
                    <input id={id(name)} name={format!("price-{name}")} class="input" type="text"
                        inputmode="decimal" autocomplete="off" placeholder={placeholder.to_owned()}
                        value={row.get(field).to_owned()} oninput={edit(index, field)} />
                </div>
            }
        };
        html! {
            <fieldset class="price-row" data-price-row={(index + 1).to_string()}>
                <legend class="visually-hidden">{ format!("Price {}", index + 1) }</legend>
                <div class="field">
                    <label for={id("provider")} class="field-label">{ PriceField::Provider.heading() }</label>
                    <select id={id("provider")} name="price-provider" class="input"
                        title={chosen_label(&row.provider)} onchange={choose(index)}>
                        { for choices.iter().map(|(value, label)| html! {
                            <option value={value.clone()} selected={row.provider == *value}>{ label.clone() }</option>
                        }) }
                    </select>
                </div>
                <div class="field">
                    <label for={id("model")} class="field-label">{ PriceField::Model.heading() }</label>
                    <input id={id("model")} name="price-model" class="input" type="text" autocomplete="off"
                        placeholder="gpt-4o or llama3*" value={row.model.clone()}
                        oninput={edit(index, PriceField::Model)} />
                </div>
                { number(PriceField::Input, "input", "$ / M tokens") }
                { number(PriceField::Output, "output", "$ / M tokens") }
                { number(PriceField::Cached, "cached", "= input") }
                { number(PriceField::Reasoning, "reasoning", "= output") }
                <button type="button" class="button button-quiet remove-price" onclick={remove}
                    aria-label={format!("Remove price {}", index + 1)}>{ "Remove" }</button>
            </fieldset>
        }
    });
    html! {
        <section class="settings-section" aria-labelledby="settings-prices">
            <h3 id="settings-prices" class="section-title">{ "Prices" }</h3>
            <p class="field-hint">
                { "Your own prices in US dollars per million tokens, used before the bundled table: \
                   for local models, fine-tunes or negotiated rates. A model ending in * matches \
                   every model that starts with the rest. Empty cached input and reasoning prices \
                   cost as input and output. A price belongs to the server that answers: the \
                   bundled OpenAI, Anthropic, OpenRouter and Groq prices apply only on their own \
                   hosts, and an entry pointed elsewhere is priced only here, under its name." }
            </p>
            { for entries }
            <button id="add-price" type="button" class="button" onclick={add}>{ "Add a price" }</button>
        </section>
    }
}

fn update_row(
    rows: &UseStateHandle<Vec<PriceRow>>,
    index: usize,
    field: PriceField,
    value: String,
) {
    let mut next = (**rows).clone();
    if let Some(row) = next.get_mut(index) {
        row.set(field, value);
    }
    rows.set(next);
}
