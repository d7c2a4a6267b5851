//! The message field with Send and Stop (Ctrl/Cmd+Enter sends), and Compare:
//! on, the text goes to every compared setup at once ([`CompareSetups`]).

use yew::prelude::*;

use super::compare_setups::CompareSetups;
use super::icon::Icon;
use crate::dom::value_of;
use crate::state::{Composer, ComposerEdit};
use crate::types::{ModelSetup, ProviderConfig};

#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    pub composer: Composer,
    /// Template variables used without a value.
    pub missing_values: Vec<String>,
    pub streaming: bool,
    pub providers: Vec<ProviderConfig>,
    /// The models offered for each compared setup.
    pub offered: Vec<Vec<String>>,
    /// The session's own setup, the first compared ones.
    pub session_setup: ModelSetup,
    pub on_edit: Callback<ComposerEdit>,
    /// `(row, provider id)`: a compared setup's provider changed.
    pub on_provider: Callback<(usize, String)>,
    pub on_send: Callback<()>,
    pub on_stop: Callback<()>,
}

#[component]
pub fn ComposerView(props: &ComposerProps) -> Html {
    let oninput = props
        .on_edit
        .reform(|e: InputEvent| ComposerEdit::Input(value_of(&e)));
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
    let toggle = {
        let setup = props.session_setup.clone();
        props
            .on_edit
            .reform(move |_: MouseEvent| ComposerEdit::ToggleCompare(setup.clone()))
    };
    let comparing = props.composer.compare.as_ref();
    html! {
        <form class="composer" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if let Some(setups) = comparing {
                <CompareSetups setups={setups.clone()} providers={props.providers.clone()}
                    offered={props.offered.clone()} on_edit={props.on_edit.clone()}
                    on_provider={props.on_provider.clone()} />
            }
            <label for="composer" class="visually-hidden">{ "Message" }</label>
            <textarea id="composer" class="input composer-input" rows="3"
                placeholder="Message the model… (Ctrl+Enter to send, Esc to stop)"
                value={props.composer.text.clone()} {oninput} {onkeydown} />
            <div class="composer-actions">
                <button id="compare-toggle" type="button" class="button button-quiet" onclick={toggle}
                    aria-pressed={comparing.is_some().to_string()}
                    title="Send to 2–4 models at once and see their answers side by side">
                    { Icon::Columns.view() }{ "Compare" }
                </button>
                if !props.missing_values.is_empty() {
                    <span class="composer-hint">{ format!("No value for: {}", props.missing_values.join(", ")) }</span>
                }
                if props.streaming {
                    <button id="stop" type="button" class="button button-danger" onclick={stop}
                        title="Stop (Esc)">{ "Stop" }</button>
                }
                <button id="send" type="button" class="button button-primary" onclick={send}
                    disabled={props.streaming} title="Send (Ctrl+Enter)">
                    { match comparing { Some(s) => format!("Send to {}", s.len()), None => "Send".to_owned() } }
                </button>
            </div>
        </form>
    }
}
