//! The provider and model fields the playground, "Regenerate with…" and
//! the compared setups share: a select of the configured providers, and a
//! free-text model field offering the provider's models in a datalist.

use yew::prelude::*;

use crate::types::ProviderConfig;

/// The options of a provider `<select>`: every configured provider, and
/// `current` when it is none of them.
pub fn provider_options(providers: &[ProviderConfig], current: &str) -> Html {
    let known = providers.iter().any(|p| p.id == current);
    html! {
        <>
            if !known {
                <option value={current.to_owned()} selected=true>{ current.to_owned() }</option>
            }
            { for providers.iter().map(|p| html! {
                <option value={p.id.clone()} selected={p.id == current}>{ p.name.clone() }</option>
            }) }
        </>
    }
}

/// A `<datalist>` of model names.
pub fn model_options(id: String, models: &[String]) -> Html {
    html! {
        <datalist {id}>
            { for models.iter().map(|m| html! { <option value={m.clone()} /> }) }
        </datalist>
    }
}

/// A labelled provider select, `id`.
pub fn provider_field(
    id: &'static str,
    providers: &[ProviderConfig],
    current: &str,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <div class="field">
            <label for={id} class="field-label">{ "Provider" }</label>
            <select {id} class="input" {onchange}>{ provider_options(providers, current) }</select>
        </div>
    }
}

/// A labelled model field, `id`, offering `models` through the datalist
/// `list`; `onchange` when a committed value matters.
pub fn model_field(
    (id, list): (&'static str, &'static str),
    model: &str,
    models: &[String],
    oninput: Callback<InputEvent>,
    onchange: Option<Callback<Event>>,
) -> Html {
    html! {
        <div class="field">
            <label for={id} class="field-label">{ "Model" }</label>
            <input {id} class="input" type="text" {list} placeholder="model name" autocomplete="off"
                value={model.to_owned()} {oninput} {onchange} />
            { model_options(list.to_owned(), models) }
        </div>
    }
}
