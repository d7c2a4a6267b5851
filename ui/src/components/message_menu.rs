//! A message's own menu, `#message-menu` (the webview's Back/Reload/Inspect
//! menu is no part of the app): copy, edit, regenerate, regenerate with…,
//! fork, delete. It takes the focus when it opens; the arrow keys, Home and
//! End move through it, Enter activates, Escape and Tab close it, and the
//! focus goes back to the message. A click anywhere else closes it.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::hooks::branches::MessageCommand;
use crate::state::MessageMenu;
use crate::types::Role;

#[derive(Properties, PartialEq)]
pub struct MessageMenuProps {
    pub menu: MessageMenu,
    /// Answers are streaming: what would start or change one waits.
    pub busy: bool,
    pub on_command: Callback<MessageCommand>,
}

/// A menu item: its `data-action`, its label, the role of the messages
/// it is for (`None`: all) and its command.
type Item = (
    &'static str,
    &'static str,
    Option<Role>,
    fn(String) -> MessageCommand,
);

const ITEMS: [Item; 6] = [
    ("copy", "Copy", None, MessageCommand::Copy),
    (
        "edit",
        "Edit and resend",
        Some(Role::User),
        MessageCommand::Edit,
    ),
    (
        "regenerate",
        "Regenerate",
        Some(Role::Assistant),
        MessageCommand::Regenerate,
    ),
    (
        "regenerate-with",
        "Regenerate with…",
        Some(Role::Assistant),
        MessageCommand::RegenerateWith,
    ),
    (
        "fork",
        "Fork into a new session",
        None,
        MessageCommand::Fork,
    ),
    ("delete", "Delete…", None, MessageCommand::Delete),
];

fn menu_items(menu: &web_sys::Element) -> Vec<HtmlElement> {
    let Ok(list) = menu.query_selector_all("button:not([disabled])") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Gives the focus back to the message the menu was for.
fn focus_message(id: &str) {
    let selector = format!("article[data-message-id=\"{id}\"]");
    if let Some(element) = crate::hooks::document()
        .and_then(|d| d.query_selector(&selector).ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Moves the menu up and left as far as it goes past the window's edges.
fn keep_in_view(menu: &HtmlElement) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let size = |value: Result<wasm_bindgen::JsValue, _>| value.ok().and_then(|v| v.as_f64());
    let (Some(width), Some(height)) = (size(window.inner_width()), size(window.inner_height()))
    else {
        return;
    };
    let rect = menu.get_bounding_client_rect();
    let style = menu.style();
    if rect.right() > width {
        let _ = style.set_property(
            "left",
            &format!("{}px", (width - rect.width() - 8.0).max(0.0)),
        );
    }
    if rect.bottom() > height {
        let _ = style.set_property(
            "top",
            &format!("{}px", (height - rect.height() - 8.0).max(0.0)),
        );
    }
}

#[component]
pub fn MessageMenuView(props: &MessageMenuProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.menu.clone(), move |_| {
            if let Some(menu) = node.cast::<HtmlElement>() {
                keep_in_view(&menu);
                if let Some(first) = menu_items(&menu).into_iter().next() {
                    let _ = first.focus();
                }
            }
        });
    }
    let id = props.menu.message_id.clone();
    let close = {
        let (on_command, id) = (props.on_command.clone(), id.clone());
        Callback::from(move |()| {
            on_command.emit(MessageCommand::Menu(None));
            focus_message(&id);
        })
    };
    let onkeydown = {
        let (node, close) = (node.clone(), close.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(menu) = node.cast::<web_sys::Element>() else {
                return;
            };
            let items = menu_items(&menu);
            let active = crate::hooks::document().and_then(|d| d.active_element());
            let at = items
                .iter()
                .position(|item| active.as_ref() == Some(item.unchecked_ref()));
            let last = items.len().saturating_sub(1);
            let to = match e.key().as_str() {
                "ArrowDown" => at.map_or(0, |i| if i >= last { 0 } else { i + 1 }),
                "ArrowUp" => at.map_or(last, |i| if i == 0 { last } else { i - 1 }),
                "Home" => 0,
                "End" => last,
                "Escape" | "Tab" => {
                    e.prevent_default();
                    e.stop_propagation();
                    return close.emit(());
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(item) = items.get(to) {
                let _ = item.focus();
            }
        })
    };
    let role = props.menu.role;
    let items = ITEMS
        .into_iter()
        .filter(|(_, _, only, _)| only.is_none_or(|r| r == role));
    let buttons = items.map(|(action, label, _, make)| {
        let disabled = props.busy && action != "copy";
        let onclick = {
            let (on_command, id) = (props.on_command.clone(), id.clone());
            Callback::from(move |_: MouseEvent| {
                on_command.emit(MessageCommand::Menu(None));
                on_command.emit(make(id.clone()));
            })
        };
        html! {
            <button type="button" role="menuitem" class="menu-item" data-action={action} {disabled} {onclick}>
                { label }
            </button>
        }
    });
    let backdrop_click = close.reform(|_: MouseEvent| ());
    let backdrop_menu = close.reform(|e: MouseEvent| e.prevent_default());
    let style = format!("left: {}px; top: {}px;", props.menu.at.0, props.menu.at.1);
    html! {
        <>
            <div class="menu-backdrop" onclick={backdrop_click} oncontextmenu={backdrop_menu} />
            <div id="message-menu" class="menu" role="menu" aria-label="Message" ref={node} {style} {onkeydown}>
                { for buttons }
            </div>
        </>
    }
}
