//! The app's state as pure reducers, tested on the host: [`Chat`] is the
//! open session (its selected path and the answers beside it, turns, stream
//! deltas), [`Composer`] what is typed, attached ([`ComposerFiles`]) and
//! compared, [`Previews`] the attached images fetched, [`Overlays`] what
//! covers the chat (the open dialog, a question to confirm, a message's
//! menu, the error banner), [`Sessions`] the sidebar's list and search hits,
//! [`Models`] the models providers listed.

mod chat;
mod composer;
mod files;
mod models;
mod overlays;
mod previews;
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

pub use chat::{Answer, BranchPlace, Chat, ChatAction};
pub use composer::{Composer, ComposerEdit, MAX_SETUPS, MIN_SETUPS};
pub use files::{ComposerFiles, FilesEdit, limits_hint};
pub use models::{Models, ModelsAction};
pub use overlays::{Confirmation, MessageMenu, Overlay, OverlayAction, Overlays, SettingsFocus};
pub use previews::{DataUrl, Previews, PreviewsAction, Shown, is_image};
pub use sessions::{Sessions, SessionsAction};
