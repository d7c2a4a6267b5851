//! The app's state as pure reducers, tested on the host: [`Chat`] is the
//! open session (pages, turns, stream deltas), [`Overlays`] what covers it
//! (the open dialog, a question to confirm, the error banner), [`Sessions`]
//! the sidebar's list and search hits.

mod chat;
mod overlays;
mod sessions;

pub use chat::{Chat, ChatAction};
pub use overlays::{Confirmation, Overlay, OverlayAction, Overlays};
pub use sessions::{Sessions, SessionsAction};
