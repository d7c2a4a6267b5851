//! One provider's fields in Settings: its base URL (who answers through it
//! is asked again when it changes) and its API key (only whether one is
//! stored is ever shown; typing replaces it, Remove deletes it).

use yew::prelude::*;

use crate::dom::value_of;
use crate::errors::share_error_message;
use crate::ipc;
use crate::settings_form::{SettingsEdit, SettingsForm};
use crate::types::{ProviderConfig, SettingsView};

#[derive(Properties, PartialEq)]
pub struct ProviderFieldsProps {
    pub form: UseReducerHandle<SettingsForm>,
    /// The provider's place in the settings.
    pub index: usize,
    pub provider: ProviderConfig,
    /// A key is stored for it.
    pub has_key: bool,
    /// The key was removed: the fresh view from the shell.
    pub on_saved: Callback<SettingsView>,
}

#[component]
pub fn ProviderFields(props: &ProviderFieldsProps) -> Html {
    let ProviderFieldsProps {
        form,
        index,
        provider,
        has_key,
        ..
    } = props;
    let (index, has_key) = (*index, *has_key);
    let on_edit = form.dispatcher().to_callback();
    let base_url = move |value: String| SettingsEdit::BaseUrl { index, value };
    let base_input = on_edit.reform(move |e: InputEvent| base_url(value_of(&e)));
    let base_change = {
        let (dispatch, provider) = (form.dispatcher(), provider.clone());
        Callback::from(move |e: Event| {
            let value = value_of(&e);
            // The field as it is now (a cleared field fires no input
            // event), so the re-render below does not put old text back.
            dispatch.dispatch(base_url(value.clone()));
            if value.trim().is_empty() {
                return;
            }
            let edited = ProviderConfig {
                base_url: value,
                ..provider.clone()
            };
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Unanswered, the choice stays as it was: the shell
                // checks again when the settings are saved.
                if let Ok(served) = ipc::served_by(&edited).await {
                    dispatch.dispatch(SettingsEdit::Served {
                        provider_id: edited.id,
                        served,
                    });
                }
            });
        })
    };
    let key_input = {
        let id = provider.id.clone();
        on_edit.reform(move |e: InputEvent| SettingsEdit::Key {
            provider_id: id.clone(),
            value: value_of(&e),
        })
    };
    let remove_key = {
        let id = provider.id.clone();
        let (dispatch, on_saved) = (form.dispatcher(), props.on_saved.clone());
        Callback::from(move |_: MouseEvent| {
            let id = id.clone();
            let (dispatch, on_saved) = (dispatch.clone(), on_saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::set_api_key(&id, None).await {
                    Ok(()) => {
                        dispatch.dispatch(SettingsEdit::KeyRemoved(id));
                        if let Ok(view) = ipc::get_settings().await {
                            on_saved.emit(view);
                        }
                    }
                    Err(e) => dispatch.dispatch(SettingsEdit::Error(share_error_message(&e))),
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
                        value={form.keys.get(&provider.id).cloned().unwrap_or_default()} oninput={key_input} />
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
}
