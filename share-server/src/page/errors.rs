//! The 404 and 410 pages: same look as a share, no share data at all (they
//! are rendered once at start and served for every missing id).

use maud::{Markup, html};

use super::ErrorPage;
use super::layout::{self, Head, Stylesheet};

struct Copy {
    status: u16,
    heading: &'static str,
    explanation: &'static str,
    hint: &'static str,
}

fn copy(page: ErrorPage) -> Copy {
    match page {
        ErrorPage::NotFound => Copy {
            status: 404,
            heading: "Share not found",
            explanation: "There is no shared conversation at this address.",
            hint: "Check that the link was copied completely — share links are long \
                   and easy to cut short.",
        },
        ErrorPage::Gone => Copy {
            status: 410,
            heading: "This share is no longer available",
            explanation: "The conversation that was shared here has expired or was \
                          revoked by the person who shared it.",
            hint: "Ask them to share it again if you still need it.",
        },
    }
}

pub fn render(page: ErrorPage) -> Markup {
    let copy = copy(page);
    let title = format!("{} · {} · Parlor", copy.status, copy.heading);
    let head = Head {
        title: &title,
        description: copy.explanation,
        indexable: false,
        extra: html! {},
        stylesheet: Stylesheet::Linked,
    };
    let main = html! {
        main.pl-error data-testid="error-page" data-status=(copy.status) {
            (layout::brand())
            p.pl-error-status { (copy.status) }
            h1.pl-error-title { (copy.heading) }
            p.pl-error-text { (copy.explanation) }
            p.pl-error-hint { (copy.hint) }
        }
    };
    layout::document(head, "pl-page-error", main, layout::footer(html! {}))
}
