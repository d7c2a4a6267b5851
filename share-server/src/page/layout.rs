//! The document shell every page shares: head, stylesheet, footer.
//!
//! Served pages run under `default-src 'none'; style-src 'self'`: the only
//! subresource is the stylesheet, there is no script, no inline style and
//! no remote anything. A standalone file carries the stylesheet in one
//! `<style>` element instead, allowed by its hash in the file's own CSP
//! `<meta>` (see [`super::standalone`]), so it still loads nothing and runs
//! nothing.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::STYLESHEET_PATH;
use super::standalone::InlineStyle;

/// How a document gets its styles.
#[derive(Clone, Copy)]
pub enum Stylesheet {
    /// `<link rel="stylesheet">` to the server's [`STYLESHEET_PATH`].
    Linked,
    /// The stylesheet in a `<style>` element, with the CSP that allows it.
    Inline(&'static InlineStyle),
}

/// What goes into `<head>` besides the fixed parts.
pub struct Head<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Let search engines index the page (`robots: noindex` otherwise).
    pub indexable: bool,
    /// Per-page extras: canonical link, OpenGraph and Twitter card meta.
    pub extra: Markup,
    pub stylesheet: Stylesheet,
}

/// A full HTML5 document; `body_class` names the kind of page.
pub fn document(head: Head<'_>, body_class: &str, main: Markup, footer: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                @if let Stylesheet::Inline(style) = head.stylesheet {
                    // Before anything it governs: a <meta> policy applies from where it stands.
                    meta http-equiv="Content-Security-Policy" content=(style.policy);
                }
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                meta name="referrer" content="no-referrer";
                title { (head.title) }
                meta name="description" content=(head.description);
                @if !head.indexable {
                    meta name="robots" content="noindex";
                }
                (head.extra)
                // An empty icon: no /favicon.ico request that would only 404.
                link rel="icon" href="data:,";
                @match head.stylesheet {
                    Stylesheet::Linked => link rel="stylesheet" href=(STYLESHEET_PATH);,
                    // Our own CSS, any `</` in it defused (see `standalone.rs`);
                    // escaping it as text would break selectors such as `a > b`.
                    Stylesheet::Inline(style) => style { (PreEscaped(style.css.as_str())) },
                }
            }
            body class={ "pl-page " (body_class) } {
                (main)
                (footer)
            }
        }
    }
}

/// The Parlor wordmark shown at the top of every page.
pub fn brand() -> Markup {
    html! {
        p.pl-brand {
            span.pl-brand-mark aria-hidden="true" { "¶" }
            span.pl-brand-name { "Parlor" }
        }
    }
}

/// The footer line with the attribution; `links` go after it.
pub fn footer(links: Markup) -> Markup {
    html! {
        footer.pl-footer data-testid="page-footer" {
            p.pl-attribution {
                "Shared with "
                strong { "Parlor" }
                " — a chat playground that shows what every answer cost."
            }
            (links)
        }
    }
}
