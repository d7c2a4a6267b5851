//! What makes the share page a self-contained file: the stylesheet inlined,
//! and a Content-Security-Policy that allows exactly that stylesheet.
//!
//! The policy names the stylesheet by its SHA-256 hash rather than allowing
//! `'unsafe-inline'`: a `<style>` element smuggled in by some future
//! rendering bug would then not apply, just as the served page's
//! `style-src 'self'` ignores inline styles. Everything else stays as on the
//! served page: no script at all, no remote loads (`default-src 'none'`),
//! only `data:` images (the empty favicon), no `<base>`, no forms.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The stylesheet as it goes into the `<style>` element, and the policy
/// that allows it.
pub struct InlineStyle {
    /// The text of the `<style>` element (the hash is of these bytes).
    pub css: String,
    /// The Content-Security-Policy for the file's `<meta>` and the `.html`
    /// download's header.
    pub policy: String,
}

static INLINE_STYLE: LazyLock<InlineStyle> = LazyLock::new(|| inline(&super::stylesheet()));

pub fn inline_style() -> &'static InlineStyle {
    &INLINE_STYLE
}

fn inline(stylesheet: &str) -> InlineStyle {
    // `<\/` is `</` to CSS but cannot end the element in HTML. Our CSS has
    // no `</` (a test checks), so this only guards against future edits.
    let css = stylesheet.replace("</", "<\\/");
    let hash = STANDARD.encode(Sha256::digest(css.as_bytes()));
    let policy = format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; base-uri 'none'; form-action 'none'"
    );
    InlineStyle { css, policy }
}

/// Longest file stem [`file_stem`] returns, in bytes (all ASCII).
const MAX_STEM: usize = 64;

/// `title` as a lowercase ASCII slug: letters and digits kept, every other
/// run of characters one `-`; cut at a `-` when it gets long.
pub fn file_stem(title: &str) -> String {
    let mut stem = String::with_capacity(title.len().min(MAX_STEM));
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    if stem.len() > MAX_STEM {
        let cut = stem[..=MAX_STEM].rfind('-').unwrap_or(MAX_STEM);
        stem.truncate(cut);
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "parlor-conversation".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_hash_of_the_inlined_css() {
        let style = inline("a > b { color: red }");
        let expected = STANDARD.encode(Sha256::digest(b"a > b { color: red }"));
        assert!(
            style
                .policy
                .contains(&format!("style-src 'sha256-{expected}';")),
            "{}",
            style.policy
        );
        assert_eq!(style.css, "a > b { color: red }");
    }

    #[test]
    fn the_css_cannot_close_its_element() {
        let style = inline("/* </style><script>alert(1)</script> */");
        assert!(
            !style.css.to_ascii_lowercase().contains("</"),
            "{}",
            style.css
        );
        assert!(!super::super::stylesheet().contains("</"));
    }

    #[test]
    fn file_stems() {
        for (title, stem) in [
            (
                "Why does my deploy script fail?",
                "why-does-my-deploy-script-fail",
            ),
            ("  --Hello,   World!--  ", "hello-world"),
            ("Pourquoi ça échoue", "pourquoi-a-choue"),
            ("../../etc/passwd", "etc-passwd"),
            ("\"quoted\"; filename=evil.exe", "quoted-filename-evil-exe"),
            ("日本語", "parlor-conversation"),
            ("", "parlor-conversation"),
        ] {
            assert_eq!(file_stem(title), stem, "{title:?}");
        }
        let long = file_stem(&"word ".repeat(40));
        assert!(long.len() <= MAX_STEM && long.ends_with("word"), "{long}");
        let unbroken = file_stem(&"x".repeat(100));
        assert_eq!(unbroken.len(), MAX_STEM);
    }
}
