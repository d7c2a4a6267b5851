//! A modal dialog with the focus handling people expect: focus moves into
//! it when it opens, Tab and Shift+Tab stay inside, Esc closes it, and the
//! focus returns to where it was when it closes.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use super::icon::Icon;

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select:not([disabled]), \
                         textarea:not([disabled]), a[href], [tabindex]:not([tabindex=\"-1\"])";

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// The dialog element's id (`share-modal`, `settings-panel`, …).
    pub id: AttrValue,
    pub title: AttrValue,
    pub on_close: Callback<()>,
    /// The id of the close button (`share-close`, …).
    pub close_id: AttrValue,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub children: Html,
}

fn focusables(dialog: &web_sys::Element) -> Vec<HtmlElement> {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .filter(|element| element.offset_parent().is_some() || element.tag_name() == "BODY")
        .collect()
}

#[component]
pub fn Modal(props: &ModalProps) -> Html {
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |()| {
            let previous = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let Some(element) = dialog.cast::<web_sys::Element>() {
                // The first field, else the first button other than Close.
                let all = focusables(&element);
                let first = all
                    .iter()
                    .find(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
                    .or_else(|| all.iter().find(|e| !e.class_list().contains("modal-close")))
                    .or(all.first());
                if let Some(first) = first {
                    let _ = first.focus();
                }
            }
            move || {
                if let Some(previous) = previous {
                    let _ = previous.focus();
                }
            }
        });
    }
    let onkeydown = {
        let dialog = dialog.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |event: KeyboardEvent| match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                event.stop_propagation();
                on_close.emit(());
            }
            "Tab" => {
                let Some(element) = dialog.cast::<web_sys::Element>() else {
                    return;
                };
                let all = focusables(&element);
                let (Some(first), Some(last)) = (all.first(), all.last()) else {
                    return;
                };
                let active = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.active_element());
                let on = |target: &HtmlElement| {
                    active
                        .as_ref()
                        .is_some_and(|a| a == target.unchecked_ref::<web_sys::Element>())
                };
                if event.shift_key() && on(first) {
                    event.prevent_default();
                    let _ = last.focus();
                } else if !event.shift_key() && on(last) {
                    event.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    let title_id = format!("{}-title", props.id);
    html! {
        <div class="modal-backdrop">
            <div id={props.id.clone()} class={classes!("modal", props.class.clone())}
                role="dialog" aria-modal="true" aria-labelledby={title_id.clone()}
                ref={dialog} {onkeydown}>
                <header class="modal-header">
                    <h2 id={title_id} class="modal-title">{ props.title.clone() }</h2>
                    <button id={props.close_id.clone()} type="button" class="modal-close icon-button"
                        aria-label="Close" title="Close (Esc)" onclick={close}>{ Icon::Close.view() }</button>
                </header>
                <div class="modal-body">{ props.children.clone() }</div>
            </div>
        </div>
    }
}

pub use crate::state::Confirmation;

#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    pub confirmation: Confirmation,
    pub on_close: Callback<()>,
}

/// The one confirm dialog: `#confirm-ok`, `#confirm-cancel`.
#[component]
pub fn ConfirmDialog(props: &ConfirmProps) -> Html {
    let confirm = {
        let on_confirm = props.confirmation.on_confirm.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            on_close.emit(());
            on_confirm.emit(());
        })
    };
    let cancel = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <Modal id="confirm-dialog" close_id="confirm-close" class="modal-small"
            title={props.confirmation.title.clone()} on_close={props.on_close.clone()}>
            <p class="confirm-message">{ props.confirmation.message.clone() }</p>
            <div class="modal-actions">
                <button id="confirm-cancel" type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                <button id="confirm-ok" type="button" class="button button-danger" onclick={confirm}>
                    { props.confirmation.confirm_label.clone() }
                </button>
            </div>
        </Modal>
    }
}
