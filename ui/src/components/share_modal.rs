//! The Share dialog: options, then the link with Copy and Open, the
//! "Link copied" confirmation, and errors that say what went wrong.

use std::collections::BTreeSet;

use yew::prelude::*;

use super::modal::Modal;
use crate::errors::share_error_message;
use crate::format;
use crate::ipc;
use crate::types::{Role, ShareOptions, ShareResult, StoredMessage};

#[derive(Properties, PartialEq)]
pub struct ShareModalProps {
    pub session_id: AttrValue,
    pub messages: Vec<StoredMessage>,
    pub on_close: Callback<()>,
    /// A share was made (to refresh My shares).
    pub on_shared: Callback<()>,
}

fn preview(message: &StoredMessage) -> String {
    let text: String = message.content.chars().take(60).collect();
    let role = match message.role {
        Role::User => "User",
        Role::Assistant => "Assistant",
        Role::System => "System",
        Role::Tool => "Tool",
    };
    if text.is_empty() {
        format!("{role}: (tool call)")
    } else {
        format!("{role}: {text}")
    }
}

#[component]
pub fn ShareModal(props: &ShareModalProps) -> Html {
    let expiry = use_state(|| "never".to_owned());
    let include_system = use_state(|| true);
    let indexable = use_state(|| false);
    let select_some = use_state(|| false);
    let selected = use_state(|| {
        props
            .messages
            .iter()
            .map(|m| m.id.clone())
            .collect::<BTreeSet<_>>()
    });
    let busy = use_state(|| false);
    let result = use_state(|| None::<ShareResult>);
    let error = use_state(|| None::<String>);
    let status = use_state(String::new);

    // After the link is made, the focus goes to it (the Create button is gone).
    use_effect_with(result.is_some(), |made| {
        if *made
            && let Some(input) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("share-copy"))
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = input.focus();
        }
    });
    let create = {
        let (expiry, include_system, indexable, select_some, selected) = (
            expiry.clone(),
            include_system.clone(),
            indexable.clone(),
            select_some.clone(),
            selected.clone(),
        );
        let (busy, result, error, status) =
            (busy.clone(), result.clone(), error.clone(), status.clone());
        let session_id = props.session_id.to_string();
        let messages = props.messages.clone();
        let on_shared = props.on_shared.clone();
        Callback::from(move |_: MouseEvent| {
            let message_ids = select_some.then(|| {
                messages
                    .iter()
                    .filter(|m| selected.contains(&m.id))
                    .map(|m| m.id.clone())
                    .collect::<Vec<_>>()
            });
            if message_ids.as_ref().is_some_and(Vec::is_empty) {
                error.set(Some("Choose at least one message to share.".into()));
                return;
            }
            let options = ShareOptions {
                message_ids,
                expires_in: format::expiry_seconds(&expiry),
                include_system_prompt: *include_system,
                indexable: *indexable,
            };
            busy.set(true);
            error.set(None);
            status.set(String::new());
            let (busy, result, error, status) =
                (busy.clone(), result.clone(), error.clone(), status.clone());
            let session_id = session_id.clone();
            let on_shared = on_shared.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::share_session(&session_id, &options).await {
                    Ok(shared) => {
                        let mut text = "Link copied to the clipboard.".to_owned();
                        if shared.redactions > 0 {
                            text.push_str(&format!(
                                " {} secret(s) or private path(s) were redacted.",
                                shared.redactions
                            ));
                        }
                        status.set(text);
                        result.set(Some(shared));
                        on_shared.emit(());
                    }
                    Err(e) => error.set(Some(share_error_message(&e))),
                }
                busy.set(false);
            });
        })
    };
    let copy = {
        let (result, status, error) = (result.clone(), status.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(url) = result.as_ref().map(|r| r.share_url.clone()) else {
                return;
            };
            let (status, error) = (status.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::copy_text(&url).await {
                    Ok(()) => status.set("Link copied to the clipboard.".into()),
                    Err(e) => error.set(Some(format!("Could not copy: {e}"))),
                }
            });
        })
    };
    let open = {
        let (result, error) = (result.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(id) = result.as_ref().map(|r| r.share_id.clone()) else {
                return;
            };
            let error = error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = ipc::open_share(&id).await {
                    error.set(Some(format!("Could not open the browser: {e}")));
                }
            });
        })
    };
    let checkbox = |state: &UseStateHandle<bool>| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            state.set(input.checked());
        })
    };
    let expiry_change = {
        let expiry = expiry.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            expiry.set(select.value());
        })
    };
    let mode = |some: bool| {
        let select_some = select_some.clone();
        Callback::from(move |_: Event| select_some.set(some))
    };
    let message_choices = props.messages.iter().map(|message| {
        let id = message.id.clone();
        let checked = selected.contains(&id);
        let onchange = {
            let selected = selected.clone();
            let id = id.clone();
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = (*selected).clone();
                if input.checked() {
                    next.insert(id.clone());
                } else {
                    next.remove(&id);
                }
                selected.set(next);
            })
        };
        html! {
            <li>
                <label class="check">
                    <input type="checkbox" class="share-message" data-message-id={id.clone()} {checked} {onchange} />
                    <span>{ preview(message) }</span>
                </label>
            </li>
        }
    });

    let body = match &*result {
        Some(shared) => html! {
            <div class="share-result">
                <label for="share-url" class="field-label">{ "Share link" }</label>
                <div class="share-url-row">
                    <input id="share-url" class="input" type="text" readonly=true value={shared.share_url.clone()}
                        onfocus={Callback::from(|e: FocusEvent| {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            input.select();
                        })} />
                    <button id="share-copy" type="button" class="button" onclick={copy}>{ "Copy" }</button>
                    <button id="share-open" type="button" class="button" onclick={open}>{ "Open in browser" }</button>
                </div>
                if let Some(expires) = &shared.expires_at {
                    <p class="field-hint">{ format!("Expires {}.", format::date_time(expires)) }</p>
                }
            </div>
        },
        None => html! {
            <div class="share-options">
                <div class="field">
                    <label for="share-expiry" class="field-label">{ "Link expires" }</label>
                    <select id="share-expiry" class="input" onchange={expiry_change}>
                        { for [("never", "Never"), ("1d", "In 1 day"), ("7d", "In 7 days"), ("30d", "In 30 days")].iter().map(|(value, label)| html! {
                            <option value={*value} selected={*expiry == *value}>{ *label }</option>
                        }) }
                    </select>
                </div>
                <label class="check">
                    <input id="share-include-system" type="checkbox" checked={*include_system} onchange={checkbox(&include_system)} />
                    <span>{ "Include the system prompt and variables" }</span>
                </label>
                <label class="check">
                    <input id="share-indexable" type="checkbox" checked={*indexable} onchange={checkbox(&indexable)} />
                    <span>{ "Allow search engines to index the page" }</span>
                </label>
                <fieldset class="share-scope">
                    <legend class="field-label">{ "Messages" }</legend>
                    <label class="check">
                        <input type="radio" name="share-scope" id="share-all" checked={!*select_some} onchange={mode(false)} />
                        <span>{ format!("All {} messages", props.messages.len()) }</span>
                    </label>
                    <label class="check">
                        <input type="radio" name="share-scope" id="share-some" checked={*select_some} onchange={mode(true)} />
                        <span>{ "A selection" }</span>
                    </label>
                    if *select_some {
                        <ul class="share-message-list">{ for message_choices }</ul>
                    }
                </fieldset>
                <div class="modal-actions">
                    <button id="share-create" type="button" class="button button-primary" disabled={*busy} onclick={create}>
                        { if *busy { "Sharing…" } else { "Create link" } }
                    </button>
                </div>
            </div>
        },
    };
    html! {
        <Modal id="share-modal" close_id="share-close" title="Share this conversation" on_close={props.on_close.clone()}>
            { body }
            <p id="share-status" class="share-status" role="status" aria-live="polite">{ (*status).clone() }</p>
            if let Some(message) = &*error {
                <p id="share-error" class="form-error" role="alert">{ message.clone() }</p>
            }
        </Modal>
    }
}
