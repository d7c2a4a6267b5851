//! The unlock page of a password-protected share: the only page with a
//! form. It shows nothing of the share — no title, no meta from the
//! snapshot — only that it is protected, and a password field that posts
//! to `/shared/{id}/unlock`. Its policy allows that form and nothing more.

use maud::{Markup, html};

use super::layout::{self, Head, Stylesheet};

/// The server's Content-Security-Policy with `form-action 'self'`: the
/// unlock page's own, so its form may post (every other page has
/// `form-action 'none'`).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// What the page says above the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlockNotice {
    /// First visit: just the form.
    None,
    /// The password sent was wrong.
    WrongPassword,
    /// What was sent cannot be a password (empty, too long, control characters).
    InvalidPassword,
    /// Too many wrong guesses: try again in this many seconds.
    TooManyGuesses { retry_after_secs: u64 },
}

/// The unlock page of share `share_id` (the id is already in the address;
/// nothing else of the share is shown).
pub fn render(share_id: &str, notice: UnlockNotice) -> Markup {
    let heading = "Protected share";
    let extra = html! {
        meta property="og:type" content="website";
        meta property="og:site_name" content="Parlor";
        meta property="og:title" content=(heading);
        meta name="twitter:card" content="summary";
        meta name="twitter:title" content=(heading);
    };
    let head = Head {
        title: "Protected share · Parlor",
        description: "This shared conversation is protected by a password.",
        indexable: false,
        extra,
        stylesheet: Stylesheet::Linked,
    };
    let main = html! {
        main.pl-error.pl-unlock data-testid="unlock-page" {
            (layout::brand())
            h1.pl-error-title { (heading) }
            p.pl-error-text { "The person who shared this conversation protected it with a password." }
            @match notice {
                UnlockNotice::None => {}
                UnlockNotice::WrongPassword => {
                    p.pl-unlock-notice role="alert" data-testid="unlock-notice" { "Wrong password. Try again." }
                }
                UnlockNotice::InvalidPassword => {
                    p.pl-unlock-notice role="alert" data-testid="unlock-notice" {
                        "A password has 1 to 1024 characters and no control characters."
                    }
                }
                UnlockNotice::TooManyGuesses { retry_after_secs } => {
                    p.pl-unlock-notice role="alert" data-testid="unlock-notice" {
                        "Too many wrong passwords. Try again in " (retry_after_secs) " seconds."
                    }
                }
            }
            form.pl-unlock-form method="post" action={ "/shared/" (share_id) "/unlock" } {
                label for="share-password" { "Password" }
                input #share-password type="password" name="password" required
                    autocomplete="current-password" autofocus maxlength="1024";
                button type="submit" { "Open" }
            }
        }
    };
    layout::document(head, "pl-page-error", main, layout::footer(html! {}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_posts_to_the_share_and_the_head_says_only_protected_share() {
        let html = render("4kQ7vT2mXb9LpR3sWz8YcA", UnlockNotice::None).into_string();
        assert!(html.contains(r#"<form class="pl-unlock-form" method="post" action="/shared/4kQ7vT2mXb9LpR3sWz8YcA/unlock">"#), "{html}");
        assert!(html.contains(r#"type="password" name="password""#));
        assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
        assert!(html.contains(r#"<meta property="og:title" content="Protected share">"#));
        assert!(!html.contains("og:image") && !html.contains("og:description"));
        assert!(!html.contains("unlock-notice"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn notices() {
        for (notice, text) in [
            (UnlockNotice::WrongPassword, "Wrong password."),
            (UnlockNotice::InvalidPassword, "1 to 1024 characters"),
            (
                UnlockNotice::TooManyGuesses {
                    retry_after_secs: 42,
                },
                "Try again in 42 seconds.",
            ),
        ] {
            let html = render("x", notice).into_string();
            assert!(html.contains(text), "{notice:?}: {html}");
        }
    }

    #[test]
    fn the_policy_differs_from_the_server_s_only_in_allowing_the_form() {
        assert_eq!(
            CONTENT_SECURITY_POLICY.replace("form-action 'self'", "form-action 'none'"),
            "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        );
    }
}
