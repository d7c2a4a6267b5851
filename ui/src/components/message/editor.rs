//! A user message edited in place: Ctrl+Enter (or Send) sends the text as a
//! new branch, Escape (or Cancel) leaves the message as it was.

use yew::prelude::*;

use crate::dom::value_of;
use crate::hooks::branches::MessageCommand;

#[derive(Properties, PartialEq)]
pub struct MessageEditorProps {
    pub message_id: AttrValue,
    /// The message's text, where the editing starts.
    pub content: AttrValue,
    pub on_command: Callback<MessageCommand>,
}

#[component]
pub fn MessageEditor(props: &MessageEditorProps) -> Html {
    let text = use_state(|| props.content.to_string());
    let field = use_node_ref();
    {
        let field = field.clone();
        use_effect_with((), move |()| {
            if let Some(field) = field.cast::<web_sys::HtmlTextAreaElement>() {
                let _ = field.focus();
            }
        });
    }
    let send = {
        let (text, id, on_command) = (
            text.clone(),
            props.message_id.clone(),
            props.on_command.clone(),
        );
        Callback::from(move |()| {
            if !text.trim().is_empty() {
                on_command.emit(MessageCommand::Resend {
                    id: id.to_string(),
                    text: (*text).clone(),
                });
            }
        })
    };
    let cancel = props.on_command.reform(|()| MessageCommand::CancelEdit);
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(value_of(&e)))
    };
    let onkeydown = {
        let (send, cancel) = (send.clone(), cancel.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" if e.ctrl_key() || e.meta_key() => {
                e.prevent_default();
                send.emit(());
            }
            "Escape" => {
                // Not the app's Escape (which stops answers).
                e.prevent_default();
                e.stop_propagation();
                cancel.emit(());
            }
            _ => {}
        })
    };
    html! {
        <div class="msg-editor">
            <label class="visually-hidden" for={format!("edit-{}", props.message_id)}>{ "Edited message" }</label>
            <textarea id={format!("edit-{}", props.message_id)} class="input msg-edit-input" rows="4" ref={field}
                value={(*text).clone()} {oninput} {onkeydown} />
            <div class="msg-editor-actions">
                <span class="field-hint">{ "Sends as a new branch; the old one stays (Ctrl+Enter, Esc cancels)." }</span>
                <button type="button" class="button msg-edit-cancel" onclick={cancel.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                <button type="button" class="button button-primary msg-edit-send" disabled={text.trim().is_empty()}
                    onclick={send.reform(|_: MouseEvent| ())}>{ "Send" }</button>
            </div>
        </div>
    }
}
