//! The document shell every page shares: head, stylesheet, footer.
//!
//! The pages run under `default-src 'none'; style-src 'self'`: the only
//! subresource is the stylesheet, there is no script, no inline style and
//! no remote anything.

use maud::{DOCTYPE, Markup, html};

use super::STYLESHEET_PATH;

/// What goes into `<head>` besides the fixed parts.
pub struct Head<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Let search engines index the page (`robots: noindex` otherwise).
    pub indexable: bool,
    /// Per-page extras: canonical link, OpenGraph and Twitter card meta.
    pub extra: Markup,
}

/// A full HTML5 document; `body_class` names the kind of page.
pub fn document(head: Head<'_>, body_class: &str, main: Markup, footer: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
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
                link rel="stylesheet" href=(STYLESHEET_PATH);
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
