//! The composer's compared setups, `.compare-setup` rows (2 to 4): each a
//! provider, a model (free text, the provider's models offered) and a
//! temperature; `#compare-add` adds a row like the last, `.compare-remove`
//! takes one away.

use yew::prelude::*;

use super::icon::{Icon, icon_button};
use super::model_fields::{model_options, provider_options};
use crate::dom::value_of;
use crate::state::{ComposerEdit, MAX_SETUPS, MIN_SETUPS};
use crate::types::{ModelSetup, ProviderConfig};

#[derive(Properties, PartialEq)]
pub struct CompareSetupsProps {
    pub setups: Vec<ModelSetup>,
    pub providers: Vec<ProviderConfig>,
    /// The models offered for each row's provider.
    pub offered: Vec<Vec<String>>,
    pub on_edit: Callback<ComposerEdit>,
    /// `(row, provider id)`: a row's provider changed.
    pub on_provider: Callback<(usize, String)>,
}

#[component]
pub fn CompareSetups(props: &CompareSetupsProps) -> Html {
    let rows = props.setups.iter().enumerate().map(|(index, setup)| {
        let number = index + 1;
        let provider_change = props
            .on_provider
            .reform(move |e: Event| (index, value_of(&e)));
        let model_input = props.on_edit.reform(move |e: InputEvent| ComposerEdit::Model {
            index,
            model: value_of(&e),
        });
        let temperature_change = props.on_edit.reform(move |e: Event| ComposerEdit::Temperature {
            index,
            text: value_of(&e),
        });
        let remove = props.on_edit.reform(move |_: MouseEvent| ComposerEdit::RemoveSetup(index));
        let list = format!("compare-models-{index}");
        let offered = props.offered.get(index).map(Vec::as_slice).unwrap_or_default();
        html! {
            <div class="compare-setup" role="group" aria-label={format!("Setup {number}")}>
                <span class="compare-number" aria-hidden="true">{ number }</span>
                <label class="visually-hidden" for={format!("compare-provider-{index}")}>{ format!("Provider {number}") }</label>
                <select id={format!("compare-provider-{index}")} class="input compare-provider" onchange={provider_change}>
                    { provider_options(&props.providers, &setup.provider_id) }
                </select>
                <label class="visually-hidden" for={format!("compare-model-{index}")}>{ format!("Model {number}") }</label>
                <input id={format!("compare-model-{index}")} class="input compare-model" type="text" list={list.clone()}
                    placeholder="model name" autocomplete="off" value={setup.model.clone()} oninput={model_input} />
                { model_options(list, offered) }
                <label class="visually-hidden" for={format!("compare-temperature-{index}")}>{ format!("Temperature {number}") }</label>
                <input id={format!("compare-temperature-{index}")} class="input compare-temperature" type="number"
                    min="0" max="2" step="0.1" placeholder="temp." title="Temperature (empty: the provider's default)"
                    value={setup.temperature.map(|t| t.to_string()).unwrap_or_default()} onchange={temperature_change} />
                { icon_button("compare-remove", "Remove this setup", Icon::Close,
                    props.setups.len() <= MIN_SETUPS, remove) }
            </div>
        }
    });
    let add = props.on_edit.reform(|_: MouseEvent| ComposerEdit::AddSetup);
    html! {
        <div class="compare-setups" role="group" aria-label="Compared setups">
            { for rows }
            <button id="compare-add" type="button" class="button button-quiet" onclick={add}
                disabled={props.setups.len() >= MAX_SETUPS}>{ Icon::Plus.view() }{ "Add a setup" }</button>
        </div>
    }
}
