//! The message field with Send and Stop. Ctrl/Cmd+Enter sends.

use yew::prelude::*;

use crate::dom::value_of;

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub draft: AttrValue,
    /// Template variables used without a value.
    pub missing_values: Vec<String>,
    pub streaming: bool,
    pub on_input: Callback<String>,
    pub on_send: Callback<()>,
    pub on_stop: Callback<()>,
}

#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let oninput = props.on_input.reform(|e: InputEvent| value_of(&e));
    let onkeydown = {
        let on_send = props.on_send.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_send.emit(());
            }
        })
    };
    let send = props.on_send.reform(|_: MouseEvent| ());
    let stop = props.on_stop.reform(|_: MouseEvent| ());
    html! {
        <form class="composer" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label for="composer" class="visually-hidden">{ "Message" }</label>
            <textarea id="composer" class="input composer-input" rows="3"
                placeholder="Message the model… (Ctrl+Enter to send, Esc to stop)"
                value={props.draft.clone()} {oninput} {onkeydown} />
            <div class="composer-actions">
                if !props.missing_values.is_empty() {
                    <span class="composer-hint">{ format!("No value for: {}", props.missing_values.join(", ")) }</span>
                }
                if props.streaming {
                    <button id="stop" type="button" class="button button-danger" onclick={stop}
                        title="Stop (Esc)">{ "Stop" }</button>
                }
                <button id="send" type="button" class="button button-primary" onclick={send}
                    disabled={props.streaming} title="Send (Ctrl+Enter)">{ "Send" }</button>
            </div>
        </form>
    }
}
