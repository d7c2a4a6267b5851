//! Plain types and functions shared by Parlor's desktop app, its UI (wasm) and
//! the share-server. No async runtime, no web framework: this crate compiles
//! for the host and for `wasm32-unknown-unknown`.
//!
//! - [`snapshot`]: the share snapshot schema (serde types).
//! - [`validate()`] / [`parse_snapshot`]: the ingest rules, with [`limits`].
//! - [`totals`]: token and cost totals of a conversation (the one
//!   computation everyone shows), per model, and the warnings for a
//!   client's totals that differ.
//! - [`attachment`]: files attached to messages (types, hashes, media types).
//! - [`connect_code`]: the one-line code that connects the app to a team server.
//! - [`cost`]: prices from the bundled genai-prices table, with user overrides.
//! - [`markdown`]: the one Markdown → safe HTML renderer.
//! - `fixtures` (feature `fixtures`): the snapshots every crate tests with.

pub mod attachment;
pub mod connect_code;
pub mod cost;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod format;
pub mod markdown;
pub mod snapshot;
pub mod style;
pub mod totals;
pub mod validate;

#[cfg(test)]
mod test_fixtures;

pub use markdown::render_markdown;
pub use snapshot::*;
pub use totals::{ModelTotals, Totals, TotalsWarning};
pub use validate::{
    FieldError, ParsedSnapshot, SnapshotError, ValidationErrors, limits, parse_snapshot, validate,
};
