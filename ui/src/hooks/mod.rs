//! The app's hooks: its commands on sessions ([`sessions`]), on the open
//! session's turns ([`turns`]) and on its messages ([`branches`]), files
//! attached and shown ([`attachments`]), the
//! providers' models ([`providers`]), what it does on mounting
//! ([`startup`]), the page around it ([`page`]: theme, stylesheets, context
//! menu), and the DOM plumbing here: background commands, document
//! listeners, keyboard shortcuts, highlighted HTML from the shell,
//! scrolling, focus.

pub mod attachments;
pub mod branches;
mod page;
pub mod providers;
mod scroll;
pub mod sessions;
pub mod startup;
pub mod turns;

pub use page::{apply_theme, stored_theme, use_page};
pub use scroll::use_scroll_to_end;

use std::collections::HashSet;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::ipc::{self, IpcError};
use crate::state::{Chat, ChatAction};
use crate::types::{MessageStatus, Role};

/// Runs `task` (shell commands) in the background; its error, if any, goes
/// to `report` (the banner, or the dialog that started it).
pub fn spawn_reported(
    report: &Callback<IpcError>,
    task: impl Future<Output = Result<(), IpcError>> + 'static,
) {
    let report = report.clone();
    spawn_local(async move {
        if let Err(e) = task.await {
            report.emit(e);
        }
    });
}

/// Runs `then` after the browser has laid out what was just rendered (the
/// next frame), when a dialog's own first focus has been given.
pub fn after_render(then: impl FnOnce() + 'static) {
    let callback = Closure::once_into_js(then);
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(callback.unchecked_ref());
    }
}

pub fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

pub fn focus(id: &str) {
    if let Some(element) = document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// What the global shortcuts do: Ctrl/Cmd+K searches sessions, Ctrl/Cmd+N
/// starts one, Ctrl/Cmd+Shift+S shares the open one, Esc stops a streaming
/// answer (Ctrl/Cmd+Enter is the composer's own).
pub struct Shortcuts {
    pub new_session: Callback<()>,
    pub share: Callback<()>,
    /// Share is possible now (what the Share button says).
    pub can_share: bool,
    pub stop: Callback<()>,
    /// A dialog has the keyboard: N, Shift+S and Esc are its business.
    pub dialog_open: bool,
}

/// Listens for the shortcuts on the document. The listener is added once
/// and reads this render's callbacks through a cell.
#[hook]
pub fn use_shortcuts(shortcuts: Shortcuts) {
    let keys = use_mut_ref(Callback::<KeyboardEvent>::noop);
    {
        let Shortcuts {
            new_session,
            share,
            can_share,
            stop,
            dialog_open,
        } = shortcuts;
        *keys.borrow_mut() = Callback::from(move |event: KeyboardEvent| {
            let command = event.ctrl_key() || event.meta_key();
            match event.key().as_str() {
                "k" | "K" if command => {
                    event.prevent_default();
                    focus("session-search");
                }
                "s" | "S" if command && event.shift_key() => {
                    // Never the webview's own "save page".
                    event.prevent_default();
                    if can_share && !dialog_open {
                        share.emit(());
                    }
                }
                "n" | "N" if command && !dialog_open => {
                    event.prevent_default();
                    new_session.emit(());
                }
                "Escape" if !dialog_open => stop.emit(()),
                _ => {}
            }
        });
    }
    use_document_listener("keydown", move |event: KeyboardEvent| {
        let callback = keys.borrow().clone();
        callback.emit(event);
    });
}

/// Listens for `name` events on the document while the component lives
/// (the handler of its first render).
#[hook]
pub fn use_document_listener<E, F>(name: &'static str, handler: F)
where
    E: wasm_bindgen::convert::FromWasmAbi + 'static,
    F: Fn(E) + 'static,
{
    use_effect_with((), move |()| {
        let handler = Closure::<dyn Fn(E)>::new(handler);
        let document = document();
        if let Some(document) = &document {
            let _ =
                document.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
        }
        move || {
            if let Some(document) = document {
                let _ = document
                    .remove_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
            }
        }
    });
}

/// Finished messages with fenced code get the shell's highlighted HTML
/// (syntect is too big for the wasm), once per message text.
#[hook]
pub fn use_highlighting(chat: &UseReducerHandle<Chat>) {
    let requested = use_mut_ref(HashSet::<(String, usize)>::new);
    {
        let dispatch = chat.dispatcher();
        let requested = requested.clone();
        // Looked at again when a message ends or changes, not at every
        // delta of one that streams.
        let ended: Vec<(String, usize)> = (chat.all_messages())
            .filter(|m| m.status != MessageStatus::Streaming)
            .map(|m| (m.id.clone(), m.content.len()))
            .collect();
        let chat = chat.clone();
        use_effect_with(ended, move |_| {
            for message in chat.all_messages() {
                let fenced = message.content.contains("```") || message.content.contains("~~~");
                if message.status == MessageStatus::Streaming
                    || !fenced
                    || message.role == Role::Tool
                {
                    continue;
                }
                let key = (message.id.clone(), message.content.len());
                if !requested.borrow_mut().insert(key) {
                    continue;
                }
                let (dispatch, id, source) = (
                    dispatch.clone(),
                    message.id.clone(),
                    message.content.clone(),
                );
                spawn_local(async move {
                    if let Ok(html) = ipc::render_markdown(&source).await {
                        dispatch.dispatch(ChatAction::Highlighted {
                            message_id: id,
                            source,
                            html,
                        });
                    }
                });
            }
        });
    }
}

/// Renders the component again every `interval_ms` while `active` (live
/// figures that change with time, not with events).
#[hook]
pub fn use_ticker(active: bool, interval_ms: i32) {
    let redraw = use_force_update();
    use_effect_with(active, move |&active| {
        let timer = active.then(|| {
            let callback = Closure::<dyn Fn()>::new(move || redraw.force_update());
            let id = web_sys::window().and_then(|window| {
                window
                    .set_interval_with_callback_and_timeout_and_arguments_0(
                        callback.as_ref().unchecked_ref(),
                        interval_ms,
                    )
                    .ok()
            });
            (callback, id)
        });
        move || {
            if let Some((_callback, Some(id))) = timer
                && let Some(window) = web_sys::window()
            {
                window.clear_interval_with_handle(id);
            }
        }
    });
}
