//! Plain types and functions shared by Parlor's desktop app, its UI (wasm) and
//! the share-server. No async runtime, no web framework: this crate compiles
//! for the host and for `wasm32-unknown-unknown`.

pub mod snapshot;

pub use snapshot::*;
pub mod style;
