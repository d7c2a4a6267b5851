//! The public, read-only share page and its error pages, rendered to HTML
//! strings once and then served as cached bytes by the handlers.
//!
//! - [`render_share`] renders the page (`share.rs` for the document and header,
//!   `messages.rs` for the conversation), built with maud, so every value
//!   from the snapshot is escaped; message content goes through the one safe
//!   Markdown renderer, `chat_core::render_markdown` (`code.rs` is the only
//!   place its HTML is spliced in).
//! - [`render_error`] renders the 404 and 410 pages, [`render_unlock`] the
//!   unlock form of a password-protected share (`unlock.rs`).
//! - [`render_og_image`] draws the link-preview card (`og_image.rs`).
//! - [`render_standalone`] renders the same page as one self-contained HTML
//!   file (the `.html` download, and the desktop app's "Save as HTML file…").
//! - [`render_markdown_document`] writes the conversation as Markdown (the
//!   `.md` download, and the app's "Copy as Markdown").
//! - [`stylesheet`] is the pages' one stylesheet (`stylesheet.rs`):
//!   chat-core's page stylesheet (its parts in `chat-core/assets/chat/`,
//!   most shared with the desktop UI's `chat.css`) plus the
//!   syntax-highlighting theme.
//!
//! The pages need no JavaScript and contain none, load nothing but the
//! stylesheet from the same origin and use no inline styles, so they work
//! under the server's `default-src 'none'; style-src 'self'` policy. The
//! standalone file differs only in carrying that stylesheet inline, allowed
//! by its hash (see `standalone.rs`), and in its footer links.
//! Stable hooks for tests and the UI: `data-testid`, `data-role` and
//! `data-stat` attributes, and the classes of the stylesheet.

mod answers;
mod attachments;
mod code;
mod compare;
mod controls;
mod errors;
#[cfg(test)]
mod fixtures;
mod format;
mod layout;
mod markdown_export;
mod messages;
mod og_image;
mod share;
mod standalone;
#[cfg(test)]
mod standalone_tests;
mod stats;
mod stylesheet;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_attachments;
#[cfg(test)]
mod tests_compare;
#[cfg(test)]
mod tests_v2;
mod unlock;

pub use og_image::{
    HEIGHT as OG_IMAGE_HEIGHT, OgCard, OgImageError, WIDTH as OG_IMAGE_WIDTH, svg as og_image_svg,
};
pub use unlock::{CONTENT_SECURITY_POLICY as UNLOCK_CONTENT_SECURITY_POLICY, UnlockNotice};

use chat_core::ShareSnapshot;
use chrono::{DateTime, Utc};
pub use controls::PageControls;
pub use stylesheet::STYLESHEET_PATH;
pub(crate) use stylesheet::stylesheet;

/// Everything the page shows about one share.
#[derive(Debug, Clone, Copy)]
pub struct ShareView<'a> {
    pub share_id: &'a str,
    pub snapshot: &'a ShareSnapshot,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The server's public base URL without a trailing slash, e.g. `https://share.example.com`.
    pub public_url: &'a str,
    /// Password-protected: never indexable, no preview card, and social
    /// meta that only says "Protected share".
    pub protected: bool,
    /// The version shown and the views left.
    pub controls: PageControls,
}

impl ShareView<'_> {
    /// The address of the share's page, e.g. `https://share.example.com/shared/{id}`.
    pub fn url(&self) -> String {
        format!("{}/shared/{}", self.public_url, self.share_id)
    }
}

/// A conversation exported on its own, published or not: the input of
/// [`render_standalone`] and [`render_markdown_document`].
///
/// Built from the snapshot alone, so the desktop app can export a
/// conversation it never published (no server, no share id):
///
/// ```
/// # let snapshot: chat_core::ShareSnapshot = serde_json::from_str(r#"{"schemaVersion": 1,
/// #     "title": "Hello", "messages": [], "modelConfig": {"provider": "openai", "model": "gpt-4o"},
/// #     "totalTokens": 0}"#).unwrap();
/// use share_server::page::{ExportView, render_standalone};
///
/// let saved = ExportView::new(&snapshot, chrono::Utc::now());
/// let html = render_standalone(&saved);
/// assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("<script"));
///
/// let published = saved.with_link(Some("https://share.example.com/shared/4kQ7vT2mXb9LpR3sWz8YcA"));
/// assert!(render_standalone(&published).contains("https://share.example.com/shared/4kQ7vT2mXb9LpR3sWz8YcA"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ExportView<'a> {
    pub snapshot: &'a ShareSnapshot,
    /// Shown as "Shared on": when the share was published, or, for a
    /// conversation never published, when it was exported.
    pub shared_at: DateTime<Utc>,
    /// When the published share expires, if it does.
    pub expires_at: Option<DateTime<Utc>>,
    /// The share's page (`shareUrl`) when it was published: shown in the
    /// export as where it lives online. Only an `http(s)` URL without
    /// whitespace, quotes or angle brackets is used; anything else is left out.
    pub link: Option<&'a str>,
}

impl<'a> ExportView<'a> {
    /// A conversation that was never published (no link, no expiry).
    pub fn new(snapshot: &'a ShareSnapshot, shared_at: DateTime<Utc>) -> Self {
        Self {
            snapshot,
            shared_at,
            expires_at: None,
            link: None,
        }
    }

    /// With the share's page address, as the server returned it.
    pub fn with_link(self, link: Option<&'a str>) -> Self {
        Self { link, ..self }
    }

    /// With the published share's expiry.
    pub fn with_expiry(self, expires_at: Option<DateTime<Utc>>) -> Self {
        Self { expires_at, ..self }
    }

    /// [`Self::link`] if it is a web address that is safe to print as is.
    fn web_link(&self) -> Option<&'a str> {
        self.link.filter(|link| {
            let lower = link.get(..8).unwrap_or(link).to_ascii_lowercase();
            (lower.starts_with("https://") || lower.starts_with("http://"))
                && !link.contains(|c: char| {
                    c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`')
                })
        })
    }
}

/// The pages served instead of a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorPage {
    /// 404: unknown or malformed id.
    NotFound,
    /// 410: expired or revoked.
    Gone,
}

/// The full HTML document of a share page.
pub fn render_share(view: &ShareView<'_>) -> String {
    share::render(view).into_string()
}

/// The unlock page of a password-protected share (see `unlock.rs`).
pub fn render_unlock(share_id: &str, notice: UnlockNotice) -> String {
    unlock::render(share_id, notice).into_string()
}

/// The link-preview card of a share as a 1200×630 PNG (see `og_image.rs`).
/// CPU-bound: call from a blocking task.
pub fn render_og_image(card: &OgCard) -> Result<Vec<u8>, OgImageError> {
    og_image::render(card)
}

/// The HTML document of a 404 or 410 page.
pub(crate) fn render_error(page: ErrorPage) -> String {
    errors::render(page).into_string()
}

/// The share page as one self-contained HTML file: the page [`render_share`]
/// renders (same markup, escaping and sanitising), with the stylesheet
/// inlined in a `<style>` element and a Content-Security-Policy `<meta>` that
/// allows that stylesheet (by its hash) and `data:` images, and nothing else:
/// no script, no remote loads, no forms. It references nothing that has to
/// be loaded, so it reads the same from disk, offline, in any browser.
/// Instead of the page's relative download links it names the share's
/// [`ExportView::link`], when there is one.
///
/// Served as `/shared/{id}.html` (with [`standalone_content_security_policy`]
/// as its header too) and called by the desktop app for "Save as HTML file…";
/// [`export_file_stem`] suggests the file's name.
pub fn render_standalone(view: &ExportView<'_>) -> String {
    share::render_standalone(view).into_string()
}

/// The Content-Security-Policy of [`render_standalone`]'s file, as in its
/// `<meta>`: `default-src 'none'; style-src 'sha256-…'; img-src data:;
/// base-uri 'none'; form-action 'none'`.
pub fn standalone_content_security_policy() -> &'static str {
    &standalone::inline_style().policy
}

/// A file name for an export of `snapshot`, without extension: its title
/// as a lowercase ASCII slug (`why-does-my-deploy-script-fail`), at most 64
/// characters, or `parlor-conversation` when the title leaves nothing.
pub fn export_file_stem(snapshot: &ShareSnapshot) -> String {
    standalone::file_stem(&snapshot.title)
}

/// The conversation as a readable Markdown document: the `.md` download,
/// and what the desktop app copies for "Copy as Markdown". Message content is
/// kept as written; names and ids cannot break out of their code spans.
pub fn render_markdown_document(view: &ExportView<'_>) -> String {
    markdown_export::render(view)
}

/// The share as a readable Markdown document (the `.md` download).
pub fn render_markdown_download(view: &ShareView<'_>) -> String {
    let url = view.url();
    let export = ExportView::new(view.snapshot, view.created_at)
        .with_expiry(view.expires_at)
        .with_link(Some(&url));
    markdown_export::render(&export)
}
