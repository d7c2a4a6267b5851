//! One provider's fields in Settings: its name, kind and base URL (who
//! answers through it is asked again when the URL changes), the models it
//! offers, its API key (only whether one is stored is ever shown; typing
//! replaces it, Remove deletes it), and Test, which lists its models as the
//! fields stand.

use yew::prelude::*;

use crate::components::icon::{Icon, icon_button};
use crate::dom::value_of;
use crate::errors::share_error_message;
use crate::ipc;
use crate::models::test_result;
use crate::settings_form::{ProviderField, SettingsEdit, SettingsForm};
use crate::types::{ProviderConfig, ProviderKind, SettingsView};

/// The kinds a provider can speak, as the kind select names them.
const KINDS: [(ProviderKind, &str, &str); 3] = [
    (ProviderKind::OpenAi, "openai", "OpenAI-compatible"),
    (ProviderKind::Anthropic, "anthropic", "Anthropic"),
    (ProviderKind::Ollama, "ollama", "Ollama"),
];

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
    let field = move |field: ProviderField| SettingsEdit::Provider { index, field };
    let base_url = move |value: String| field(ProviderField::BaseUrl(value));
    let base_input = on_edit.reform(move |e: InputEvent| base_url(value_of(&e)));
    let name_input = on_edit.reform(move |e: InputEvent| field(ProviderField::Name(value_of(&e))));
    let models_input =
        on_edit.reform(move |e: InputEvent| field(ProviderField::Models(value_of(&e))));
    let kind_change = on_edit.reform(move |e: Event| {
        let value = value_of(&e);
        let kind = KINDS
            .iter()
            .find(|(_, v, _)| *v == value)
            .map_or(ProviderKind::OpenAi, |k| k.0);
        field(ProviderField::Kind(kind))
    });
    let remove = on_edit.reform(move |_: MouseEvent| SettingsEdit::RemoveProvider(index));
    let test = {
        let (dispatch, provider) = (form.dispatcher(), provider.clone());
        let typed = form
            .keys
            .get(&provider.id)
            .filter(|k| !k.trim().is_empty())
            .cloned();
        Callback::from(move |_: MouseEvent| {
            let (dispatch, provider, typed) = (dispatch.clone(), provider.clone(), typed.clone());
            dispatch.dispatch(SettingsEdit::Testing(provider.id.clone()));
            wasm_bindgen_futures::spawn_local(async move {
                let result = ipc::test_provider(&provider, typed.as_deref().map(str::trim)).await;
                dispatch.dispatch(SettingsEdit::Tested {
                    provider_id: provider.id,
                    result: test_result(&result),
                });
            });
        })
    };
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
    let (name_id, kind_id, models_id) = (
        format!("provider-name-{}", provider.id),
        format!("provider-kind-{}", provider.id),
        format!("provider-models-{}", provider.id),
    );
    let tested = form.tests.get(&provider.id).cloned();
    html! {
        <fieldset class="provider-block" data-provider={provider.id.clone()}>
            <legend class="provider-name">{ provider.name.clone() }</legend>
            <div class="field-row">
                <div class="field">
                    <label for={name_id.clone()} class="field-label">{ "Name" }</label>
                    <input id={name_id} class="input provider-name-input" type="text"
                        value={provider.name.clone()} oninput={name_input} />
                </div>
                <div class="field">
                    <label for={kind_id.clone()} class="field-label">{ "Speaks" }</label>
                    <select id={kind_id} class="input provider-kind" onchange={kind_change}>
                        { for KINDS.iter().map(|(kind, value, label)| html! {
                            <option value={*value} selected={*kind == provider.kind}>{ *label }</option>
                        }) }
                    </select>
                </div>
            </div>
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
            <div class="field">
                <label for={models_id.clone()} class="field-label">{ "Models offered (besides those it lists)" }</label>
                <input id={models_id} class="input provider-models" type="text" placeholder="model-a, model-b"
                    value={provider.models.join(", ")} oninput={models_input} />
            </div>
            <div class="provider-test-row">
                <button type="button" class="button provider-test" onclick={test}
                    disabled={tested.as_deref() == Some(crate::settings_form::TESTING)}>{ "Test" }</button>
                <span class="provider-test-result" role="status" aria-live="polite">{ tested }</span>
                { icon_button("provider-remove", "Remove this provider", Icon::Delete, false, remove) }
            </div>
        </fieldset>
    }
}
