//! The standalone file: the served page's markup with the stylesheet
//! inline, a CSP that allows exactly that, and nothing that loads or runs.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use scraper::Html;
use sha2::{Digest, Sha256};

use super::fixtures::{self, PUBLIC_URL, SHARE_ID, XSS};
use super::tests::{assert_inert, meta, one, outline_of, select, text_of};
use super::*;

fn link() -> String {
    format!("{PUBLIC_URL}/shared/{SHARE_ID}")
}

fn published<'a>(snapshot: &'a ShareSnapshot, link: &'a str) -> ExportView<'a> {
    ExportView::new(snapshot, fixtures::created_at())
        .with_expiry(Some(fixtures::expires_at()))
        .with_link(Some(link))
}

/// The `<style>` text and the CSP `<meta>` content of a standalone file.
fn style_and_policy(document: &Html) -> (String, String) {
    let style = one(document, "head > style").text().collect::<String>();
    let policy = one(document, "head > meta[http-equiv=Content-Security-Policy]")
        .value()
        .attr("content")
        .unwrap_or_default()
        .to_owned();
    (style, policy)
}

#[test]
fn the_file_is_the_served_page_with_its_stylesheet_inline() {
    let snapshot = fixtures::conversation();
    let link = link();
    let file = Html::parse_document(&render_standalone(&published(&snapshot, &link)));
    let page = Html::parse_document(&fixtures::html(&snapshot));
    // Same renderer: header, prompt and conversation are the same markup.
    assert_eq!(
        one(&file, "div.pl-container").html(),
        one(&page, "div.pl-container").html()
    );
    assert_eq!(text_of(&file, "title"), text_of(&page, "title"));
    assert_eq!(meta(&file, "og:url"), link);
    assert_eq!(
        one(&file, "link[rel=canonical]").value().attr("href"),
        Some(link.as_str())
    );

    // The stylesheet is in the file, and is the one the server serves.
    assert!(select(&file, "link[rel=stylesheet]").is_empty());
    let (style, _) = style_and_policy(&file);
    assert_eq!(style, stylesheet());
}

#[test]
fn the_policy_allows_the_inlined_css_by_its_hash_and_nothing_else() {
    let snapshot = fixtures::conversation();
    let html = render_standalone(&ExportView::new(&snapshot, fixtures::created_at()));
    let document = Html::parse_document(&html);
    let (style, policy) = style_and_policy(&document);
    assert_eq!(policy, standalone_content_security_policy());
    let hash = STANDARD.encode(Sha256::digest(style.as_bytes()));
    assert_eq!(
        policy,
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; \
             base-uri 'none'; form-action 'none'"
        )
    );
    // The policy comes before anything it governs.
    let head = one(&document, "head");
    let first = head.children().filter_map(scraper::ElementRef::wrap).nth(1);
    assert_eq!(
        first.and_then(|e| e.value().attr("http-equiv")),
        Some("Content-Security-Policy")
    );
    assert!(html.find("http-equiv") < html.find("<style>"));
}

#[test]
fn the_file_loads_nothing_and_runs_nothing() {
    let snapshot = fixtures::conversation();
    let link = link();
    for view in [
        published(&snapshot, &link),
        ExportView::new(&snapshot, fixtures::created_at()),
    ] {
        let html = render_standalone(&view);
        assert!(!html.to_ascii_lowercase().contains("<script"));
        let document = Html::parse_document(&html);
        assert!(select(&document, "[src], [srcset], [action], [poster], [data]").is_empty());
        for element in select(&document, "[href]") {
            let element = element.value();
            let href = element.attr("href").unwrap_or_default();
            match (element.name(), element.attr("rel")) {
                // Followed only when clicked.
                ("a", _) | ("link", Some("canonical")) => {}
                // The empty favicon, so the browser asks for none.
                ("link", Some("icon")) => assert_eq!(href, "data:,"),
                (name, rel) => panic!("<{name} rel={rel:?} href={href:?}> loads something"),
            }
        }
        let (style, _) = style_and_policy(&document);
        for remote in ["@import", "url(", "@font-face"] {
            assert!(!style.contains(remote), "{remote} in the inlined CSS");
        }
    }
}

#[test]
fn a_hostile_snapshot_is_as_inert_in_the_file_as_on_the_page() {
    let link = link();
    for version in fixtures::HOSTILE_VERSIONS {
        let snapshot = fixtures::hostile(version);
        let html = render_standalone(&published(&snapshot, &link));
        // The one `<style>` is ours (checked above); the rest is held to the
        // page's rules.
        let (style, _) = style_and_policy(&Html::parse_document(&html));
        let rest = html.replacen(&format!("<style>{style}</style>"), "", 1);
        assert_ne!(rest, html);
        assert_inert(&rest);
        let document = Html::parse_document(&html);
        assert_eq!(select(&document, "style").len(), 1);
        assert_eq!(select(&document, "meta[http-equiv]").len(), 1);
        assert_eq!(
            text_of(&document, "[data-testid=share-title]"),
            r#"</script><script>window.__pwned=1</script>" onmouseover="alert(1)"#
        );
        assert_eq!(
            one(&document, "[data-testid=model]")
                .text()
                .collect::<String>(),
            format!("gpt-4o{XSS}")
        );
        let page = Html::parse_document(&fixtures::html(&snapshot));
        assert_eq!(
            one(&document, "div.pl-container").html(),
            one(&page, "div.pl-container").html()
        );
    }
}

#[test]
fn a_conversation_never_published_has_no_link() {
    let snapshot = fixtures::conversation();
    let saved_at = fixtures::expires_at();
    let document = Html::parse_document(&render_standalone(&ExportView::new(&snapshot, saved_at)));
    for absent in [
        "link[rel=canonical]",
        "meta[property='og:url']",
        "[data-testid=original-link]",
        "[data-testid=expires-on]",
        "a[download]",
    ] {
        assert!(select(&document, absent).is_empty(), "found {absent}");
    }
    assert_eq!(
        text_of(&document, "[data-testid=shared-on]"),
        "Shared on 25 Dec 2026"
    );
    assert!(text_of(&document, "footer.pl-footer").contains("Shared with Parlor"));
}

#[test]
fn only_web_links_are_shown() {
    let snapshot = fixtures::conversation();
    for bad in [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://a.example/\"><script>alert(1)</script>",
        "https://a.example/ x",
        "/shared/relative",
        "",
    ] {
        let view = ExportView::new(&snapshot, fixtures::created_at()).with_link(Some(bad));
        let html = render_standalone(&view);
        let document = Html::parse_document(&html);
        assert!(
            select(
                &document,
                "[data-testid=original-link], link[rel=canonical]"
            )
            .is_empty(),
            "{bad:?} was used"
        );
        assert!(
            !render_markdown_document(&view).contains("**Link:**"),
            "{bad:?}"
        );
    }
    let view =
        ExportView::new(&snapshot, fixtures::created_at()).with_link(Some("HTTPS://a.example/s"));
    let document = Html::parse_document(&render_standalone(&view));
    let shown = one(&document, "[data-testid=original-link] a");
    assert_eq!(shown.value().attr("href"), Some("HTTPS://a.example/s"));
}

#[test]
fn head_and_footer_outline() {
    let snapshot = fixtures::conversation();
    let link = link();
    let html = render_standalone(&published(&snapshot, &link));
    let document = Html::parse_document(&html);
    let (style, policy) = style_and_policy(&document);
    let hash = policy
        .split_once("'sha256-")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(hash, _)| hash.to_owned())
        .unwrap_or_default();
    let redacted = html
        .replacen(&style, "/* share.css */", 1)
        .replace(&hash, "[hash of the inlined CSS]");
    let document = Html::parse_document(&redacted);
    insta::assert_snapshot!(
        "standalone_head_and_footer",
        format!(
            "{}{}",
            outline_of(one(&document, "head")),
            outline_of(one(&document, "footer.pl-footer"))
        )
    );
}

#[test]
fn markdown_document_without_a_link() {
    let snapshot = fixtures::conversation();
    let link = link();
    let published = render_markdown_document(&published(&snapshot, &link));
    assert_eq!(published, fixtures::markdown(&snapshot));
    assert!(published.contains(&format!("- **Link:** <{link}>\n")));
    let saved = render_markdown_document(&ExportView::new(&snapshot, fixtures::created_at()));
    assert!(!saved.contains("**Link:**"), "{saved}");
    assert!(!saved.contains("Expires on"), "{saved}");
    assert_eq!(
        saved,
        published
            .replace(&format!("- **Link:** <{link}>\n"), "")
            .replace("- **Expires on:** 25 Dec 2026\n", "")
    );
}

#[test]
fn export_file_stems_come_from_the_title() {
    let mut snapshot = fixtures::conversation();
    assert_eq!(
        export_file_stem(&snapshot),
        "why-does-my-deploy-script-fail"
    );
    snapshot.title = fixtures::hostile(1).title;
    assert_eq!(
        export_file_stem(&snapshot),
        "script-script-window-pwned-1-script-onmouseover-alert-1"
    );
}

/// Every vector of the XSS corpus (`tests/data/xss-vectors.txt`, which
/// `tests/it/xss_corpus.rs` runs against the served pages in Chromium) in
/// every field the file renders: the file is held to the page's rules.
#[test]
fn the_xss_corpus_renders_inert_in_the_file() {
    const VECTORS: &str = include_str!("../../tests/data/xss-vectors.txt");
    let vectors = VECTORS
        .lines()
        .filter(|line| !line.is_empty() && *line != "#" && !line.starts_with("# "))
        .map(|line| line.replace('⏎', "\n"));
    let style_element = format!("<style>{}</style>", stylesheet());
    let mut count = 0;
    for vector in vectors {
        let mut snapshot = fixtures::conversation();
        // The user, the assistant calling a tool, the tool's answer.
        snapshot.messages.truncate(3);
        // Fields that also land in attributes (`og:title`, a comparison
        // row's `data-message-id`) are prefixed: a bare `javascript:…` there is
        // inert text, but `assert_inert` refuses any attribute that reads
        // like a script URL.
        let prefixed = format!("x {vector}");
        snapshot.title = prefixed.clone();
        snapshot.model_config.provider = vector.clone();
        snapshot.model_config.model = vector.clone();
        if let Some(meta) = &mut snapshot.prompt_meta {
            meta.system_prompt = Some(vector.clone());
            meta.variables.insert(vector.clone(), vector.clone());
        }
        let message = &mut snapshot.messages[1];
        message.id = prefixed;
        message.content = vector.clone();
        message.reasoning = Some(vector.clone());
        message.tool_calls[0].name = vector.clone();
        message.tool_calls[0].arguments = vector.clone();
        snapshot.messages[2].content = vector.clone();
        let html = render_standalone(&ExportView::new(&snapshot, fixtures::created_at()));
        let rest = html.replacen(&style_element, "", 1);
        assert_ne!(rest.len(), html.len(), "{vector:?} changed the stylesheet");
        assert_inert(&rest);
        count += 1;
    }
    assert!(count > 200, "only {count} vectors");
}
