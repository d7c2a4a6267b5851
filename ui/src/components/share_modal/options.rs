//! The options form behind "Options…": expiry (up to the server's cap), a
//! password, a view limit, the system prompt, indexing (team links only),
//! which messages; and publishing again with them, which replaces the link
//! just made.

use yew::prelude::*;

use crate::components::message::role_label;
use crate::dom::{checked_of, value_of};
use crate::share_dialog::{FormEdit, MOST_VIEWS, ShareDialog};
use crate::sharing::{cap_sentence, expiry_choices, expiry_value, parse_expiry};
use crate::types::StoredMessage;

#[derive(Properties, PartialEq)]
pub struct ShareOptionsFormProps {
    /// The dialog: its form, the server's cap, the link a new publish would
    /// replace (none before one is made).
    pub dialog: ShareDialog,
    pub messages: Vec<StoredMessage>,
    pub on_edit: Callback<FormEdit>,
    pub on_republish: Callback<()>,
}

fn preview(message: &StoredMessage) -> String {
    let text: String = message.content.chars().take(60).collect();
    let role = role_label(message.role);
    if text.is_empty() {
        format!("{role}: (tool call)")
    } else {
        format!("{role}: {text}")
    }
}

/// A labelled checkbox, `id`.
fn check(id: &'static str, checked: bool, onchange: Callback<Event>, label: &'static str) -> Html {
    html! {
        <label class="check">
            <input {id} type="checkbox" {checked} {onchange} />
            <span>{ label }</span>
        </label>
    }
}

#[component]
pub fn ShareOptionsForm(props: &ShareOptionsFormProps) -> Html {
    let dialog = &props.dialog;
    let form = &dialog.form;
    let options = &form.options;
    let edit =
        |make: fn(bool) -> FormEdit| props.on_edit.reform(move |e: Event| make(checked_of(&e)));
    let scope = |some: bool| props.on_edit.reform(move |_: Event| FormEdit::Some(some));
    let expiry_change = props
        .on_edit
        .reform(|e: Event| FormEdit::Expiry(parse_expiry(&value_of(&e))));
    let republish = props.on_republish.reform(|_: MouseEvent| ());
    let password_input = props
        .on_edit
        .reform(|e: InputEvent| FormEdit::Password(value_of(&e)));
    let views_input = props
        .on_edit
        .reform(|e: InputEvent| FormEdit::MaxViews(value_of(&e)));
    let max_views = options.max_views.map(|n| n.to_string()).unwrap_or_default();
    let chosen = expiry_value(dialog.form_expiry());
    let choices = expiry_choices(dialog.max_expiry_seconds, options.expires_in);
    let message_choices = props.messages.iter().map(|message| {
        let id = message.id.clone();
        let onchange = {
            let id = id.clone();
            props.on_edit.reform(move |e: Event| FormEdit::Message {
                id: id.clone(),
                chosen: checked_of(&e),
            })
        };
        html! {
            <li key={id.clone()}>
                <label class="check">
                    <input type="checkbox" class="share-message" data-message-id={id.clone()}
                        checked={form.selected.contains(&id)} {onchange} />
                    <span>{ preview(message) }</span>
                </label>
            </li>
        }
    });
    html! {
        <div id="share-options" class="share-options">
            <div class="field">
                <label for="share-expiry" class="field-label">{ "Link expires" }</label>
                <select id="share-expiry" class="input" onchange={expiry_change}>
                    { for choices.into_iter().map(|choice| html! {
                        <option value={choice.value.clone()} selected={choice.value == chosen}>{ choice.label }</option>
                    }) }
                </select>
                if let Some(cap) = dialog.max_expiry_seconds {
                    <p id="share-expiry-cap" class="field-hint">{ cap_sentence(cap) }</p>
                }
            </div>
            <div class="field share-password-field">
                <label for="share-password" class="field-label">{ "Password" }</label>
                <input id="share-password" class="input" type="password" autocomplete="new-password"
                    value={options.password.as_deref().unwrap_or_default().to_owned()} oninput={password_input} placeholder="None" />
                <p class="field-hint">{ "Readers type it to open the link. Parlor does not keep it." }</p>
            </div>
            <div class="field share-views-field">
                <label for="share-max-views" class="field-label share-max-views-label">
                    { "Can be opened at most" }
                    <input id="share-max-views" class="input input-narrow" type="number" min="1"
                        max={MOST_VIEWS.to_string()} step="1" inputmode="numeric" placeholder="any"
                        value={max_views} oninput={views_input} />
                    { "times" }
                </label>
                if options.max_views == Some(1) {
                    <p id="share-burn-hint" class="field-hint">
                        { "Burn after reading: the link stops working once it has been opened." }
                    </p>
                }
            </div>
            { check("share-include-system", options.include_system_prompt, edit(FormEdit::IncludeSystemPrompt),
                "Include the system prompt and variables") }
            { check("share-alternatives", options.include_alternatives, edit(FormEdit::IncludeAlternatives),
                "Include the other answers (comparisons)") }
            if dialog.offers_indexing() {
                { check("share-indexable", options.indexable, edit(FormEdit::Indexable),
                    "Allow search engines to index the page") }
            }
            <fieldset class="share-scope">
                <legend class="field-label">{ "Messages" }</legend>
                <label class="check">
                    <input type="radio" name="share-scope" id="share-all" checked={!form.some} onchange={scope(false)} />
                    <span>{ format!("All {} messages", props.messages.len()) }</span>
                </label>
                <label class="check">
                    <input type="radio" name="share-scope" id="share-some" checked={form.some} onchange={scope(true)} />
                    <span>{ "A selection" }</span>
                </label>
                if form.some {
                    <ul class="share-message-list">{ for message_choices }</ul>
                }
            </fieldset>
            if let Some(url) = dialog.result.as_ref().map(|r| &r.share_url) {
                <div class="share-republish">
                    <p id="share-republish-note" class="field-hint">
                        { format!("This makes a new link and revokes the one just made ({url}).") }
                    </p>
                    <button id="share-republish" type="button" class="button button-primary"
                        disabled={dialog.publishing} onclick={republish}>
                        { if dialog.publishing { "Publishing…" } else { "Publish with these options" } }
                    </button>
                </div>
            }
        </div>
    }
}
