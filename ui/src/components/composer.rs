//! The message field with Send and Stop (Ctrl/Cmd+Enter sends), files to
//! go with it (pasted, dropped on the window, or picked with the attach
//! button; [`ComposerAttachments`]), and Compare: on, the text goes to every
//! compared setup at once ([`CompareSetups`]).

use wasm_bindgen::JsCast;
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use super::attachments::ComposerAttachments;
use super::compare_setups::CompareSetups;
use super::icon::Icon;
use crate::dom::value_of;
use crate::hooks::attachments::files_in;
use crate::state::{Composer, ComposerEdit, FilesEdit, Shown, limits_hint};
use crate::types::{AttachmentRef, ModelSetup, ProviderConfig};

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
    /// The attached files with their images.
    pub shown: Vec<Shown>,
    /// Files pasted or picked.
    pub on_files: Callback<Vec<File>>,
    pub on_view: Callback<AttachmentRef>,
    /// Files are being dragged over the window.
    pub dragging: bool,
}

/// The files of the picker that changed; it is emptied so the same file
/// can be picked again.
fn picked(event: &Event) -> Vec<File> {
    let Some(input) = (event.target()).and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
        return Vec::new();
    };
    let files = (input.files())
        .map(|list| (0..list.length()).filter_map(|i| list.item(i)).collect())
        .unwrap_or_default();
    input.set_value("");
    files
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
    // A paste of files attaches them; a paste of text is the field's.
    let onpaste = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let Some(paste) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let files = files_in(paste.clipboard_data());
            if !files.is_empty() {
                e.prevent_default();
                on_files.emit(files);
            }
        })
    };
    let picker = use_node_ref();
    let open_picker = {
        let picker = picker.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = picker.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let onchange = props.on_files.reform(|e: Event| picked(&e));
    let files = &props.composer.files;
    let attaching = !files.pending.is_empty();
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
        <form class={classes!("composer", props.dragging.then_some("composer-drop"))}
            onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if let Some(setups) = comparing {
                <CompareSetups setups={setups.clone()} providers={props.providers.clone()}
                    offered={props.offered.clone()} on_edit={props.on_edit.clone()}
                    on_provider={props.on_provider.clone()} />
            }
            <label for="composer" class="visually-hidden">{ "Message" }</label>
            <textarea id="composer" class="input composer-input" rows="3"
                placeholder="Message the model… (Ctrl+Enter to send, Esc to stop)"
                value={props.composer.text.clone()} {oninput} {onkeydown} {onpaste} />
            if props.dragging {
                <p class="composer-drop-note" aria-hidden="true">{ "Drop to attach" }</p>
            }
            <ComposerAttachments files={files.clone()} shown={props.shown.clone()} on_view={props.on_view.clone()}
                on_remove={props.on_edit.reform(|sha256| ComposerEdit::Files(FilesEdit::Remove(sha256)))}
                on_dismiss={props.on_edit.reform(|()| ComposerEdit::Files(FilesEdit::DismissErrors))} />
            <div class="composer-actions">
                <button id="attach-button" type="button" class="button button-quiet" onclick={open_picker}
                    aria-describedby="attach-hint" title={format!("Attach files ({})", limits_hint())}>
                    { Icon::Attach.view() }<span class="visually-hidden">{ "Attach files" }</span>
                </button>
                <input id="attach-input" type="file" multiple=true hidden=true ref={picker} {onchange} />
                <span id="attach-hint" class="composer-hint attach-hint">{ limits_hint() }</span>
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
                    disabled={props.streaming || attaching}
                    title={if attaching { "Files are still being attached" } else { "Send (Ctrl+Enter)" }}>
                    { match comparing { Some(s) => format!("Send to {}", s.len()), None => "Send".to_owned() } }
                </button>
            </div>
        </form>
    }
}
