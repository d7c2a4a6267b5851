//! The one Markdown → HTML renderer, used by the public share page and the
//! desktop UI alike. Its output is safe to insert into a page as is:
//!
//! - No raw HTML ever: HTML blocks and inline HTML in the source are shown as
//!   escaped text (blocks inside `<pre class="md-raw-html">`).
//! - Links keep only `http:`, `https:`, `mailto:` and scheme-less URLs (see
//!   [`url`]); a refused link renders as its text. Every link carries
//!   `rel="noopener noreferrer nofollow"` and no `target`.
//! - Images are rendered as links (`<a class="md-image">alt text</a>`), never
//!   `<img>`: a public page must not make the reader's browser fetch
//!   third-party URLs (tracking pixels, IP logging) and the page's CSP
//!   forbids remote images anyway.
//! - The renderer writes every tag itself and emits only the [`ELEMENTS`],
//!   with only the [`ATTRIBUTES`]. No `style` attribute (the pages run under
//!   a strict CSP): table alignment is a class (`md-align-left|center|right`);
//!   a task-list marker is a `<span role="img" aria-label="done">`, not an
//!   `<input>`.
//! - Fenced code gets `<pre><code class="language-xxx">` with the language
//!   reduced to `[A-Za-z0-9_+.#-]`. With the `highlight` feature, code in a
//!   language syntect knows is highlighted with flat spans of `hl-`-prefixed
//!   classes (`<span class=hl-k>`); [`highlight_stylesheet`] returns the CSS.
//! - Text is escaped for text (`&`, `<`, `>`), attribute values for
//!   attributes (quotes too).
//!
//! Markdown flavour: CommonMark plus GFM tables, strikethrough and task lists.

mod blocks;
#[cfg(feature = "highlight")]
mod highlight;
#[cfg(test)]
mod proptests;
mod render;
#[cfg(test)]
mod tests;
mod url;

#[cfg(feature = "highlight")]
pub use highlight::{HIGHLIGHT_CLASS_PREFIX, highlight_stylesheet};

pub use blocks::{BlockRenderer, split_blocks};

use pulldown_cmark::{Options, Parser};

/// The elements the renderer emits, and no others: what the tests and the
/// fuzz target hold its output to.
pub const ELEMENTS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "span",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "em",
    "strong",
    "del",
    "a",
    "br",
    "hr",
    "sup",
    "sub",
    "dl",
    "dt",
    "dd",
    "div",
];

/// The attributes the renderer emits, and no others.
pub const ATTRIBUTES: &[&str] = &[
    "href",
    "rel",
    "title",
    "class",
    "start",
    "role",
    "aria-label",
];

/// Renders Markdown to HTML that is safe to embed in a page (see the module
/// documentation for exactly what it may contain).
///
/// ```
/// let html = chat_core::render_markdown("[docs](https://example.com) <script>");
/// assert_eq!(
///     html,
///     "<p><a href=\"https://example.com\" rel=\"noopener noreferrer nofollow\">docs</a> \
///      &lt;script&gt;</p>\n"
/// );
/// assert_eq!(chat_core::render_markdown("[x](javascript:alert(1))"), "<p>x</p>\n");
/// ```
pub fn render_markdown(src: &str) -> String {
    render::render(Parser::new_ext(src, OPTIONS), src.len())
}

/// The Markdown flavour: CommonMark plus GFM tables, strikethrough and task lists.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Writes `text` escaped for HTML text content: `&`, `<` and `>` only.
/// Quotes need no escaping outside attributes, and JSON and code are full
/// of them (`&quot;` six times the size of `"`, on every string of a tool
/// result). Never for an attribute value: that is [`escape_into`].
pub(crate) fn escape_text_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// Writes `text` escaped for HTML text and double- or single-quoted attributes.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// The language of a fenced code block's info string (`rust,ignore`,
/// `python {.numberLines}`, `c++`), reduced to `[A-Za-z0-9_+.#-]` and at most
/// 32 characters; `None` when nothing is left.
pub(crate) fn code_language(info: &str) -> Option<String> {
    let first = info
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | '('))
        .next()
        .unwrap_or_default();
    let language: String = first
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.' | '#'))
        .take(32)
        .collect();
    (!language.is_empty()).then_some(language)
}
