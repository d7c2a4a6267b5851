//! The message list follows the newest message. A new last message (a
//! session opened, a message sent) scrolls to the end; a last message that
//! grows (an answer streaming) does only while the list is at its end, so
//! reading further up is not interrupted. The scroll waits until the whole
//! frame is written: reading the list's height lays the page out, once,
//! after every change rather than between them.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::spawn_local;
use web_sys::Element;
use yew::prelude::*;

use crate::state::Chat;

/// How close to its end (px) the list counts as at its end.
const AT_END_SLACK: i32 = 48;

/// Keeps the newest message in view (not when older ones are loaded).
#[hook]
pub fn use_scroll_to_end(chat: &UseReducerHandle<Chat>, messages: &NodeRef) {
    let at_end = use_memo((), |()| Rc::new(Cell::new(true)));
    {
        // Where the list is, as the user (or this hook) scrolls it.
        let (messages, at_end) = (messages.clone(), Rc::clone(&at_end));
        use_effect_with((), move |()| {
            let listening = messages.cast::<Element>().map(|element| {
                let list = element.clone();
                let on_scroll = Closure::<dyn Fn()>::new(move || {
                    let left = list.scroll_height() - list.scroll_top() - list.client_height();
                    at_end.set(left <= AT_END_SLACK);
                });
                let callback = on_scroll.as_ref().unchecked_ref();
                let _ = element.add_event_listener_with_callback("scroll", callback);
                (element, on_scroll)
            });
            move || {
                if let Some((element, on_scroll)) = listening {
                    let callback = on_scroll.as_ref().unchecked_ref();
                    let _ = element.remove_event_listener_with_callback("scroll", callback);
                }
            }
        });
    }
    let shown = use_mut_ref(|| None::<String>);
    let last = chat.messages.last().map(|m| {
        (
            m.id.clone(),
            m.content.len(),
            m.reasoning.as_ref().map(String::len),
            m.status,
        )
    });
    let messages = messages.clone();
    use_effect_with(last, move |last| {
        let id = last.as_ref().map(|(id, ..)| id.clone());
        let new_last = *shown.borrow() != id;
        *shown.borrow_mut() = id;
        if new_last || at_end.get() {
            // After the rest of this render's effects (the answer's text
            // among them) have written to the page.
            spawn_local(async move {
                if let Some(element) = messages.cast::<Element>() {
                    element.set_scroll_top(element.scroll_height());
                }
            });
        }
    });
}
