//! The public, read-only share page and its error pages, rendered to HTML
//! strings once and then served as cached bytes by the handlers.
//! (Stub: the page issue fills this in; the signatures are the contract.)

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

/// The stylesheet bytes served at [`STYLESHEET_PATH`].
pub fn stylesheet() -> String {
    String::new()
}

/// The full HTML document of a share page.
pub fn render_share(view: &ShareView<'_>) -> String {
    let _ = view;
    String::new()
}

/// The HTML document of a 404 or 410 page.
pub fn render_error(page: ErrorPage) -> String {
    let _ = page;
    String::new()
}

/// The share as a readable Markdown document (the `.md` download).
pub fn render_markdown_download(view: &ShareView<'_>) -> String {
    let _ = view;
    String::new()
}
