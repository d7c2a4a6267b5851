//! Link destinations: which ones may become an `href`.
//!
//! The check works on the URL exactly as the browser will see it. The parser
//! has already decoded character references and backslash escapes in the
//! destination (`java&#x09;script:` arrives as `java\tscript:`), and the
//! renderer escapes `&` again when it writes the attribute, so the browser's
//! own entity decoding yields this very string. On it we do what the URL
//! parser does first (strip leading and trailing C0 controls and spaces,
//! delete every tab and newline), then read the scheme.

/// Schemes a link may use; everything else (`javascript:`, `vbscript:`,
/// `data:`, `file:`, custom app schemes…) is dropped.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The URL to put in an `href` (still to be attribute-escaped), or `None`
/// when the link must not be a link.
///
/// Kept: `http:`, `https:`, `mailto:`, and scheme-less URLs (relative paths,
/// `/absolute`, `//host`, `?query`, `#fragment`). Dropped: every other
/// scheme, anything with a `:` before the first `/`, `?` or `#` that is not
/// an allowed scheme (conservative: a browser might read it as a scheme),
/// URLs with control characters, and empty URLs.
pub(crate) fn sanitize_url(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c <= ' ');
    let url: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if url.is_empty() || url.chars().any(char::is_control) {
        return None;
    }
    match url.find([':', '/', '?', '#']) {
        Some(end) if url[end..].starts_with(':') => {
            let scheme = &url[..end];
            ALLOWED_SCHEMES
                .iter()
                .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
                .then_some(url)
        }
        _ => Some(url),
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_url;

    #[test]
    fn keeps_web_mail_and_relative_urls() {
        for url in [
            "https://example.com/a?b=c#d",
            "HTTP://EXAMPLE.COM",
            "mailto:someone@example.com",
            "/docs",
            "docs/page.html",
            "./x:y",
            "#section",
            "?q=1",
            "//example.com/path",
            "page?next=javascript:alert(1)",
        ] {
            assert_eq!(sanitize_url(url).as_deref(), Some(url), "{url}");
        }
    }

    #[test]
    fn drops_dangerous_schemes_however_disguised() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\rscript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:image/svg+xml;base64,AAAA",
            "file:///etc/passwd",
            "ftp://example.com",
            "jar:file:x!/",
            "java script:alert(1)",
            "",
            "   ",
            "http://exa\u{0}mple.com",
        ] {
            assert_eq!(sanitize_url(url), None, "{url:?}");
        }
    }

    #[test]
    fn strips_what_the_browser_strips() {
        assert_eq!(
            sanitize_url("  https://exa\tmple.com/\n  ").as_deref(),
            Some("https://example.com/")
        );
    }
}
