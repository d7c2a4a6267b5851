//! Deltas of a streaming answer arrive faster than a screen refreshes (a
//! fast model sends hundreds a second). Rendering the answer once per delta
//! would re-render its Markdown hundreds of times a second and keep the
//! webview's thread so busy that the next deltas wait behind it. Instead the
//! deltas of one frame are collected and applied together, with one render,
//! just before the browser paints (`requestAnimationFrame`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::UseReducerDispatcher;

use crate::state::{Chat, ChatAction};
use crate::types::TurnEvent;

pub struct EventBatch {
    pending: RefCell<Vec<TurnEvent>>,
    /// A frame callback is waiting to flush.
    scheduled: Cell<bool>,
    dispatch: UseReducerDispatcher<Chat>,
}

impl EventBatch {
    pub fn new(dispatch: UseReducerDispatcher<Chat>) -> Rc<Self> {
        Rc::new(Self {
            pending: RefCell::new(Vec::new()),
            scheduled: Cell::new(false),
            dispatch,
        })
    }

    /// Queues `event` for the next frame.
    pub fn push(self: &Rc<Self>, event: TurnEvent) {
        self.pending.borrow_mut().push(event);
        if self.scheduled.replace(true) {
            return;
        }
        let this = Rc::clone(self);
        let callback = Closure::once_into_js(move || this.flush());
        let requested = web_sys::window()
            .and_then(|window| {
                window
                    .request_animation_frame(callback.unchecked_ref())
                    .ok()
            })
            .is_some();
        if !requested {
            self.flush();
        }
    }

    /// Applies everything queued now. Called by the frame callback, and
    /// before a turn's end is applied, so that no delta lands after it.
    pub fn flush(&self) {
        self.scheduled.set(false);
        let events = std::mem::take(&mut *self.pending.borrow_mut());
        if !events.is_empty() {
            self.dispatch.dispatch(ChatAction::Events(events));
        }
    }
}
