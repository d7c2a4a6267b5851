//! Prices of the user's own, consulted before the bundled table: one row per
//! provider and model (or `prefix*`), in USD per million tokens.

use yew::prelude::*;

use crate::dom::value_of;
use crate::hooks;
use crate::prices::{self, PriceField};
use crate::settings_form::{SettingsEdit, SettingsForm};

#[derive(Properties, PartialEq)]
pub struct PriceEditorProps {
    pub form: UseReducerHandle<SettingsForm>,
}

#[component]
pub fn PriceEditor(props: &PriceEditorProps) -> Html {
    let form = &props.form;
    let rows = &form.price_rows;
    // A row just added: its model field takes the focus (and scrolls into view).
    use_effect_with((form.added_price, rows.len()), |(row, _)| {
        if let Some(row) = row {
            hooks::focus(&format!("price-{row}-model"));
        }
    });
    let choices = prices::provider_choices(&form.settings.providers, &form.served, rows);
    // A long server name does not fit the field: the whole label is its title.
    let chosen_label = |value: &str| {
        choices
            .iter()
            .find(|(v, _)| v == value)
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    };
    let on_edit = form.dispatcher().to_callback();
    let edit = |index: usize, field: PriceField| {
        on_edit.reform(move |e: Event| SettingsEdit::Price {
            index,
            field,
            value: value_of(&e),
        })
    };
    let add = {
        let provider = choices.first().map(|(id, _)| id.clone());
        on_edit.reform(move |_: MouseEvent| SettingsEdit::AddPrice {
            provider: provider.clone().unwrap_or_default(),
        })
    };
    let entries = rows.iter().enumerate().map(|(index, row)| {
        let remove = on_edit.reform(move |_: MouseEvent| SettingsEdit::RemovePrice(index));
        let id = |field: PriceField| format!("price-{}-{}", index + 1, field.name());
        let text = |field: PriceField, placeholder: &'static str| {
            let decimal = field != PriceField::Model;
            html! {
                <div class="field">
                    <label for={id(field)} class="field-label">{ field.heading() }</label>
                    <input id={id(field)} name={format!("price-{}", field.name())} class="input" type="text"
                        inputmode={decimal.then_some("decimal")} autocomplete="off" {placeholder}
                        value={row.get(field).to_owned()} oninput={edit(index, field).reform(|e: InputEvent| e.into())} />
                </div>
            }
        };
        html! {
            <fieldset class="price-row" data-price-row={(index + 1).to_string()}>
                <legend class="visually-hidden">{ format!("Price {}", index + 1) }</legend>
                <div class="field">
                    <label for={id(PriceField::Provider)} class="field-label">{ PriceField::Provider.heading() }</label>
                    <select id={id(PriceField::Provider)} name="price-provider" class="input"
                        title={chosen_label(&row.provider)} onchange={edit(index, PriceField::Provider)}>
                        { for choices.iter().map(|(value, label)| html! {
                            <option value={value.clone()} selected={row.provider == *value}>{ label.clone() }</option>
                        }) }
                    </select>
                </div>
                { text(PriceField::Model, "gpt-4o or llama3*") }
                { text(PriceField::Input, "$ / M tokens") }
                { text(PriceField::Output, "$ / M tokens") }
                { text(PriceField::Cached, "= input") }
                { text(PriceField::Reasoning, "= output") }
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
