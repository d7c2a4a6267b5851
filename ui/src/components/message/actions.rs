//! What a message offers besides its text: its action buttons (shown on
//! hover and on keyboard focus), the branch switcher "‹ k/n ›", and the
//! keys of a focused message (Shift+F10 or the context-menu key open its
//! menu, Alt+Left/Alt+Right switch branch).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::icon::{Icon, icon_button};
use crate::hooks::branches::MessageCommand;
use crate::state::{BranchPlace, MessageMenu};
use crate::types::{Role, StoredMessage};

/// The command of a button: `make` applied to the message's id.
fn on(
    on_command: &Callback<MessageCommand>,
    id: &str,
    make: fn(String) -> MessageCommand,
) -> Callback<MouseEvent> {
    let id = id.to_owned();
    on_command.reform(move |_: MouseEvent| make(id.clone()))
}

/// The message's action buttons.
pub fn action_buttons(
    message: &StoredMessage,
    busy: bool,
    on_command: &Callback<MessageCommand>,
) -> Html {
    let id = &message.id;
    let more = {
        let menu = menu_at(message);
        on_command.reform(move |e: MouseEvent| menu(element_corner(e.target())))
    };
    let button = |class, label, icon, disabled, make| {
        icon_button(class, label, icon, disabled, on(on_command, id, make))
    };
    html! {
        <div class="msg-actions" role="group" aria-label="Message actions">
            { button("msg-copy", "Copy", Icon::Copy, false, MessageCommand::Copy) }
            if message.role == Role::User {
                { button("msg-edit", "Edit and resend", Icon::Rename, busy, MessageCommand::Edit) }
            }
            if message.role == Role::Assistant {
                { button("msg-regenerate", "Regenerate", Icon::Regenerate, busy, MessageCommand::Regenerate) }
            }
            { button("msg-fork", "Fork into a new session", Icon::Fork, busy, MessageCommand::Fork) }
            { button("msg-delete", "Delete", Icon::Delete, busy, MessageCommand::Delete) }
            { icon_button("msg-more", "More actions (Shift+F10)", Icon::More, false, more) }
        </div>
    }
}

/// "‹ k/n ›": the message's place among its siblings, and the way to them.
pub fn branch_switcher(
    place: &BranchPlace,
    busy: bool,
    on_command: &Callback<MessageCommand>,
) -> Html {
    let go = |to: &Option<String>| match to {
        Some(id) => on(on_command, id, MessageCommand::Select),
        None => Callback::noop(),
    };
    html! {
        <span class="branch-switcher" role="group" aria-label="Branches (Alt+Left, Alt+Right)">
            { icon_button("branch-prev", "Previous branch", Icon::Previous,
                busy || place.previous.is_none(), go(&place.previous)) }
            <span class="branch-count" aria-label={format!("Branch {} of {}", place.index + 1, place.count)}>
                { format!("{}/{}", place.index + 1, place.count) }
            </span>
            { icon_button("branch-next", "Next branch", Icon::Next,
                busy || place.next.is_none(), go(&place.next)) }
        </span>
    }
}

/// The top left corner of the element an event came from, where a menu
/// opened from it (by key or by its button) goes.
pub fn element_corner(target: Option<web_sys::EventTarget>) -> (i32, i32) {
    target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|element| {
            let rect = element.get_bounding_client_rect();
            (rect.left() as i32 + 8, rect.bottom() as i32)
        })
        .unwrap_or_default()
}

/// Whether an event came from a field (its keys and menu are its own).
fn from_field(event: &Event) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("input, textarea, select").ok().flatten())
        .is_some()
}

/// The command that opens `message`'s menu at a point.
fn menu_at(message: &StoredMessage) -> impl Fn((i32, i32)) -> MessageCommand + Clone + 'static {
    let (id, role) = (message.id.clone(), message.role);
    move |at| {
        MessageCommand::Menu(Some(MessageMenu {
            message_id: id.clone(),
            role,
            at,
        }))
    }
}

/// The keys and the right click of a message.
pub fn message_handlers(
    message: &StoredMessage,
    place: Option<&BranchPlace>,
    on_command: &Callback<MessageCommand>,
) -> (Callback<KeyboardEvent>, Callback<MouseEvent>) {
    let menu = menu_at(message);
    let keys = {
        let (on_command, menu) = (on_command.clone(), menu.clone());
        let (previous, next) = place.map_or((None, None), |p| (p.previous.clone(), p.next.clone()));
        Callback::from(move |e: KeyboardEvent| {
            if from_field(&e) {
                return;
            }
            let key = e.key();
            if key == "ContextMenu" || (key == "F10" && e.shift_key()) {
                e.prevent_default();
                return on_command.emit(menu(element_corner(e.current_target())));
            }
            let switch_to = match key.as_str() {
                "ArrowLeft" if e.alt_key() => previous.clone(),
                "ArrowRight" if e.alt_key() => next.clone(),
                _ => return,
            };
            e.prevent_default();
            if let Some(id) = switch_to {
                on_command.emit(MessageCommand::Select(id));
            }
        })
    };
    let right_click = {
        let on_command = on_command.clone();
        Callback::from(move |e: MouseEvent| {
            if from_field(&e) {
                return;
            }
            e.prevent_default();
            on_command.emit(menu((e.client_x(), e.client_y())));
        })
    };
    (keys, right_click)
}
