//! Prices of the user's own, consulted before the bundled table: one row per
//! provider and model (or `prefix*`), in USD per million tokens.

use yew::prelude::*;

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
    let edit = |index: usize, field: PriceField| {
        let dispatch = form.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(SettingsEdit::Price {
                index,
                field,
                value: input.value(),
            });
        })
    };
    let choose = |index: usize| {
        let dispatch = form.dispatcher();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            dispatch.dispatch(SettingsEdit::Price {
                index,
                field: PriceField::Provider,
                value: select.value(),
            });
        })
    };
    let add = {
        let dispatch = form.dispatcher();
        let first = choices
            .first()
            .map(|(id, _)| id.clone())
            .unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(SettingsEdit::AddPrice {
                provider: first.clone(),
            });
        })
    };
    let entries = rows.iter().enumerate().map(|(index, row)| {
        let remove = {
            let dispatch = form.dispatcher();
            Callback::from(move |_: MouseEvent| dispatch.dispatch(SettingsEdit::RemovePrice(index)))
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
