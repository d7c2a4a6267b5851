//! The app's state as pure reducers, tested on the host: [`Chat`] is the
//! open session (pages, turns, stream deltas), [`Overlays`] what covers it
//! (the open dialog, a question to confirm, the error banner), [`Sessions`]
//! the sidebar's list and search hits.

mod chat;
mod overlays;
mod sessions;

/// Makes a state with `fn apply(&mut self, action)` a yew `Reducible`:
/// each action is applied to a copy, which becomes the new state (so yew
/// sees a new value and renders).
macro_rules! reducible {
    ($state:ty, $action:ty) => {
        impl yew::Reducible for $state {
            type Action = $action;

            fn reduce(self: std::rc::Rc<Self>, action: $action) -> std::rc::Rc<Self> {
                let mut next = (*self).clone();
                next.apply(action);
                std::rc::Rc::new(next)
            }
        }
    };
}
pub(crate) use reducible;

pub use chat::{Chat, ChatAction};
pub use overlays::{Confirmation, Overlay, OverlayAction, Overlays};
pub use sessions::{Sessions, SessionsAction};
