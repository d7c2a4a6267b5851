//! The public, read-only share page and its error pages, rendered to HTML
//! strings once and then served as cached bytes by the handlers.
//!
//! - [`render_share`] renders the page (`share.rs` for the document and header,
//!   `messages.rs` for the conversation), built with maud, so every value
//!   from the snapshot is escaped; message content goes through the one safe
//!   Markdown renderer, `chat_core::render_markdown` (`code.rs` is the only
//!   place its HTML is spliced in).
//! - [`render_error`] renders the 404 and 410 pages.
//! - [`render_markdown_download`] writes the `.md` download.
//! - [`stylesheet`] is `chat-core/assets/chat.css` (shared with the desktop UI)
//!   plus the syntax-highlighting theme.
//!
//! The pages need no JavaScript and contain none, load nothing but the
//! stylesheet from the same origin and use no inline styles, so they work
//! under the server's `default-src 'none'; style-src 'self'` policy.
//! Stable hooks for tests and the UI: `data-testid`, `data-role` and
//! `data-stat` attributes, and the classes in `chat.css`.

mod code;
mod errors;
#[cfg(test)]
mod fixtures;
mod format;
mod layout;
mod markdown_export;
mod messages;
mod share;
mod stats;
#[cfg(test)]
mod tests;

use chat_core::ShareSnapshot;
use chrono::{DateTime, Utc};

/// Everything the page shows about one share.
#[derive(Debug, Clone, Copy)]
pub struct ShareView<'a> {
    pub share_id: &'a str,
    pub snapshot: &'a ShareSnapshot,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The server's public base URL without a trailing slash, e.g. `https://share.example.com`.
    pub public_url: &'a str,
}

/// The pages served instead of a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    /// 404: unknown or malformed id.
    NotFound,
    /// 410: expired or revoked.
    Gone,
}

/// Path at which the stylesheet is served (referenced by every page).
pub const STYLESHEET_PATH: &str = "/assets/share.css";

/// The stylesheet bytes served at [`STYLESHEET_PATH`]: the conversation
/// styles shared with the desktop UI, then the syntax-highlighting theme.
pub fn stylesheet() -> String {
    let highlight = chat_core::markdown::highlight_stylesheet();
    let mut css = String::with_capacity(chat_core::style::STYLESHEET.len() + highlight.len() + 64);
    css.push_str(chat_core::style::STYLESHEET);
    css.push_str("\n/* Syntax highlighting (chat_core::markdown::highlight_stylesheet) */\n");
    css.push_str(&highlight);
    css
}

/// The full HTML document of a share page.
pub fn render_share(view: &ShareView<'_>) -> String {
    share::render(view).into_string()
}

/// The HTML document of a 404 or 410 page.
pub fn render_error(page: ErrorPage) -> String {
    errors::render(page).into_string()
}

/// The share as a readable Markdown document (the `.md` download).
pub fn render_markdown_download(view: &ShareView<'_>) -> String {
    markdown_export::render(view)
}
