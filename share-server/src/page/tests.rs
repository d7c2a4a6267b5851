//! The pages are checked the way a browser sees them: parsed with an HTML5
//! parser (scraper/html5ever) and queried with selectors, never by grepping
//! the markup.

use scraper::{ElementRef, Html, Selector};

use chat_core::fixtures::{CONTROLS, browser_scheme};

use super::fixtures::{self, PUBLIC_URL, SHARE_ID, XSS, XSS_SHORT};
use super::*;

/// The page of `snapshot`, parsed.
pub(super) fn page(snapshot: &ShareSnapshot) -> Html {
    Html::parse_document(&fixtures::html(snapshot))
}

/// The text of every `selector` match, whitespace runs collapsed.
pub(super) fn texts(document: &Html, selector: &str) -> Vec<String> {
    select(document, selector).into_iter().map(text).collect()
}

#[track_caller]
pub(super) fn select<'a>(document: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    let parsed = Selector::parse(selector).unwrap();
    document.select(&parsed).collect()
}

#[track_caller]
pub(super) fn one<'a>(document: &'a Html, selector: &str) -> ElementRef<'a> {
    let found = select(document, selector);
    assert_eq!(
        found.len(),
        1,
        "expected one `{selector}`, found {}",
        found.len()
    );
    found[0]
}

/// The attribute `name` of every `selector` match (empty where it is absent).
pub(super) fn attrs<'a>(document: &'a Html, selector: &str, name: &str) -> Vec<&'a str> {
    select(document, selector)
        .into_iter()
        .map(|e| e.value().attr(name).unwrap_or_default())
        .collect()
}

/// An element's text with whitespace runs collapsed.
pub(super) fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[track_caller]
pub(super) fn text_of(document: &Html, selector: &str) -> String {
    text(one(document, selector))
}

/// Asserts that `read` finds each expected value under its key.
#[track_caller]
fn assert_each(document: &Html, read: fn(&Html, &str) -> String, expected: &[(&str, &str)]) {
    for &(key, value) in expected {
        assert_eq!(read(document, key), value, "{key}");
    }
}

pub(super) fn meta(document: &Html, key: &str) -> String {
    let selector = format!("meta[name=\"{key}\"], meta[property=\"{key}\"]");
    one(document, &selector)
        .value()
        .attr("content")
        .unwrap_or_default()
        .to_owned()
}

/// The figures of a `dl` of `data-stat` items, as `key=value` pairs.
fn stats_of(element: ElementRef<'_>) -> Vec<String> {
    let item = Selector::parse("[data-stat]").unwrap();
    let value = Selector::parse("dd").unwrap();
    element
        .select(&item)
        .map(|stat| {
            let dd = stat.select(&value).next().map(text).unwrap_or_default();
            format!(
                "{}={dd}",
                stat.value().attr("data-stat").unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn head_has_title_description_and_social_cards() {
    let document = page(&fixtures::conversation());
    let title = "Why does my deploy script fail?";
    assert_eq!(text_of(&document, "title"), format!("{title} · Parlor"));
    let description = "6 messages with gpt-4o-2024-08-06 (openai), shared from Parlor.";
    let url = format!("{PUBLIC_URL}/shared/{SHARE_ID}");
    let image = format!("{url}/og.png");
    let expected = [
        ("description", description),
        ("og:title", title),
        ("og:description", description),
        ("og:type", "article"),
        ("og:url", &url),
        ("og:image", &image),
        ("og:image:width", "1200"),
        ("og:image:height", "630"),
        ("twitter:card", "summary_large_image"),
        ("viewport", "width=device-width, initial-scale=1"),
        ("color-scheme", "light dark"),
    ];
    assert_each(&document, meta, &expected);
    let canonical = one(&document, "link[rel=canonical]");
    assert_eq!(canonical.value().attr("href"), Some(url.as_str()));
    let stylesheet = one(&document, "link[rel=stylesheet]");
    assert_eq!(stylesheet.value().attr("href"), Some(STYLESHEET_PATH));
    assert_eq!(
        one(&document, "html").value().attr("lang"),
        Some("en"),
        "a language for screen readers and hyphenation"
    );
}

#[test]
fn a_protected_page_says_only_protected_share_and_is_never_indexable() {
    let mut snapshot = fixtures::conversation();
    snapshot.indexable = true;
    let view = ShareView {
        protected: true,
        ..fixtures::view(&snapshot)
    };
    let document = Html::parse_document(&render_share(&view));
    assert_eq!(meta(&document, "robots"), "noindex");
    assert_eq!(meta(&document, "og:title"), "Protected share");
    assert_eq!(meta(&document, "twitter:card"), "summary");
    for absent in [
        "og:image",
        "twitter:image",
        "og:description",
        "twitter:description",
        "og:url",
    ] {
        assert!(
            select(
                &document,
                &format!("meta[property='{absent}'], meta[name='{absent}']")
            )
            .is_empty(),
            "{absent}"
        );
    }
}

#[test]
fn noindex_unless_the_publisher_opted_in() {
    let mut snapshot = fixtures::conversation();
    let document = page(&snapshot);
    assert_eq!(meta(&document, "robots"), "noindex");

    snapshot.indexable = true;
    let document = page(&snapshot);
    assert!(select(&document, "meta[name=robots]").is_empty());
}

#[test]
fn header_shows_model_parameters_dates_and_totals() {
    let document = page(&fixtures::conversation());
    let expected = [
        (
            "[data-testid=share-title]",
            "Why does my deploy script fail?",
        ),
        ("[data-testid=provider]", "openai"),
        ("[data-testid=model]", "gpt-4o-2024-08-06"),
        ("[data-field=temperature] dd", "0.3"),
        ("[data-field=max-tokens] dd", "4,096"),
        ("[data-field=top-p] dd", "0.95"),
        ("[data-testid=shared-on]", "Shared on 25 Nov 2026"),
        ("[data-testid=expires-on]", "Expires on 25 Dec 2026"),
    ];
    assert_each(&document, text_of, &expected);
    let shared = one(&document, "[data-testid=shared-on] time");
    assert_eq!(
        shared.value().attr("datetime"),
        Some("2026-11-25T14:12:00Z")
    );

    // 1200+80 + 1350+142 + 1510+35 tokens; $0.00216 + $0.0031 + unknown.
    assert_eq!(
        stats_of(one(&document, "[data-testid=totals]")),
        [
            "total-tokens=4,317",
            "input-tokens=4,060",
            "output-tokens=257",
            "reasoning-tokens=30",
            "cached-tokens=2,176",
            "total-cost=unknown",
            "inference-time=5.14 s",
            "message-count=6",
        ]
    );
}

#[test]
fn totals_show_the_cost_when_every_price_is_known() {
    let mut snapshot = fixtures::conversation();
    snapshot.messages[5].cost = Some(0.0004);
    let totals = snapshot.totals();
    snapshot.total_cost = totals.total_cost;
    let document = page(&snapshot);
    assert_eq!(
        text_of(&document, "[data-testid=totals] [data-stat=total-cost] dd"),
        "$0.00566"
    );
}

#[test]
fn no_expiry_line_without_expiry_and_no_split_that_was_never_reported() {
    let mut snapshot = fixtures::conversation();
    for message in &mut snapshot.messages {
        if let Some(usage) = &mut message.usage {
            usage.reasoning_tokens = None;
            usage.cached_tokens = None;
        }
    }
    let view = ShareView {
        expires_at: None,
        ..fixtures::view(&snapshot)
    };
    let document = Html::parse_document(&render_share(&view));
    assert!(select(&document, "[data-testid=expires-on]").is_empty());
    let totals = stats_of(one(&document, "[data-testid=totals]"));
    assert!(
        !totals.iter().any(|s| s.starts_with("reasoning-tokens")),
        "{totals:?}"
    );
    assert!(
        !totals.iter().any(|s| s.starts_with("cached-tokens")),
        "{totals:?}"
    );
}

#[test]
fn every_message_in_order_with_role_and_time() {
    let document = page(&fixtures::conversation());
    let messages = select(&document, "article[data-testid=message]");
    let roles: Vec<_> = messages
        .iter()
        .map(|m| m.value().attr("data-role").unwrap_or_default())
        .collect();
    assert_eq!(roles, fixtures::CONVERSATION_ROLES);
    for (message, role) in messages.iter().zip(&roles) {
        assert!(
            message
                .value()
                .has_class("msg", scraper::CaseSensitivity::CaseSensitive)
        );
        let class = format!("msg-{role}");
        assert!(message.value().classes().any(|c| c == class), "{class}");
    }
    let ids: Vec<_> = messages
        .iter()
        .filter_map(|m| m.value().attr("id"))
        .collect();
    assert_eq!(ids, ["msg-1", "msg-2", "msg-3", "msg-4", "msg-5", "msg-6"]);

    // The date is repeated only when the day changes.
    let times: Vec<_> = select(&document, "article .msg-time")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        times,
        [
            "25 Nov 2026, 14:03 UTC",
            "14:03 UTC",
            "14:03 UTC",
            "14:03 UTC",
            "26 Nov 2026, 09:00 UTC",
            "09:00 UTC",
        ]
    );
    // Each time links to its message.
    let links = attrs(&document, "article .msg-time", "href");
    assert_eq!(
        links,
        ["#msg-1", "#msg-2", "#msg-3", "#msg-4", "#msg-5", "#msg-6"]
    );
}

#[test]
fn content_is_rendered_markdown_with_highlighted_code() {
    let document = page(&fixtures::conversation());
    let strong = text_of(&document, "#msg-1 [data-testid=msg-content] strong");
    assert_eq!(strong, "Permission denied");
    let code = one(&document, "#msg-4 pre code.language-bash");
    assert!(text(code).contains("chmod +x deploy.sh"));
    // Fenced code is highlighted: one flat span per token category.
    let spans: Vec<(String, String)> = select(&document, "#msg-4 pre > code > span")
        .into_iter()
        .map(|span| {
            (
                span.value().attr("class").unwrap_or("").to_owned(),
                text(span),
            )
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("hl-f".to_owned(), "chmod".to_owned()),
            ("hl-f".to_owned(), "./deploy.sh".to_owned()),
        ],
        "fenced code is highlighted with hl- classes"
    );
    assert!(select(&document, "#msg-4 pre span span").is_empty());
    assert_eq!(select(&document, "#msg-4 table tbody tr").len(), 2);
}

#[test]
fn assistant_messages_have_a_stats_line() {
    let document = page(&fixtures::conversation());
    assert_eq!(
        stats_of(one(&document, "#msg-2 [data-testid=msg-stats]")),
        [
            "input-tokens=1,200",
            "output-tokens=80",
            "reasoning-tokens=30",
            "cached-tokens=1,024",
            "cost=$0.00216",
            "ttft=420 ms",
            "inference-time=1.90 s",
            // 80 tokens in 1900 - 420 ms.
            "tokens-per-second=54.1 tok/s",
        ]
    );
    // Usage without a price: the cost is unknown, not zero.
    assert_eq!(
        stats_of(one(&document, "#msg-6 [data-testid=msg-stats]")),
        [
            "input-tokens=1,510",
            "output-tokens=35",
            "cost=unknown",
            "ttft=510 ms",
            "inference-time=900 ms",
            "tokens-per-second=89.7 tok/s",
        ]
    );
    let labels: Vec<_> = select(&document, "#msg-2 [data-testid=msg-stats] dt")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(
        labels,
        [
            "Input",
            "Output",
            "Reasoning",
            "Cached",
            "Cost",
            "First token",
            "Inference",
            "Speed"
        ]
    );
    // Nothing measured, nothing shown.
    assert!(select(&document, "#msg-1 [data-testid=msg-stats]").is_empty());
    assert!(select(&document, "#msg-3 [data-testid=msg-stats]").is_empty());
}

#[test]
fn reasoning_is_collapsible_without_script() {
    let document = page(&fixtures::conversation());
    let reasoning = one(&document, "#msg-2 details.msg-reasoning");
    assert_eq!(reasoning.value().attr("open"), None, "collapsed by default");
    // Its 30 tokens are in the stats line, not repeated here.
    assert_eq!(
        text_of(&document, "#msg-2 .msg-reasoning summary"),
        "Reasoning"
    );
    assert!(text(reasoning).contains("lacks the execute bit"));
}

#[test]
fn tool_calls_and_results_are_distinct_and_linked() {
    let document = page(&fixtures::conversation());
    let call = one(&document, "#msg-2 section.tool-call");
    assert_eq!(call.value().attr("id"), Some("msg-2-call-1"));
    assert_eq!(
        text_of(&document, "#msg-2-call-1 .tool-call-header .tool-call-id"),
        "call_perm"
    );
    assert_eq!(
        text_of(&document, "#msg-2-call-1 .tool-call-header .tool-call-name"),
        "stat_file"
    );
    let arguments = one(
        &document,
        "#msg-2-call-1 .tool-call-args pre code.language-json",
    );
    assert_eq!(
        arguments.text().collect::<String>(),
        "{\n  \"path\": \"deploy.sh\"\n}\n",
        "pretty-printed"
    );

    let result = one(&document, "article[data-role=tool]");
    assert_eq!(result.value().attr("id"), Some("msg-3"));
    assert!(result.value().classes().any(|c| c == "msg-tool"));
    assert_eq!(
        text_of(&document, "#msg-3 .msg-answers"),
        "for stat_file call_perm"
    );
    assert_eq!(
        text_of(&document, "#msg-3 .msg-answers .tool-call-id"),
        "call_perm"
    );
    let link = one(&document, "#msg-3 .msg-answers a");
    assert_eq!(link.value().attr("href"), Some("#msg-2-call-1"));
    let output = one(
        &document,
        "#msg-3 [data-testid=msg-content] code.language-json",
    );
    assert!(
        text(output).contains("\"mode\": \"-rw-r--r--\""),
        "{}",
        text(output)
    );
}

#[test]
fn invalid_tool_arguments_are_shown_raw() {
    let mut snapshot = fixtures::conversation();
    snapshot.messages[1].tool_calls[0].arguments = "{\"path\": \"deploy.sh\"".into();
    let document = page(&snapshot);
    let arguments = one(&document, "#msg-2 .tool-call-args pre code");
    assert_eq!(arguments.value().attr("class"), None);
    assert_eq!(text(arguments), "{\"path\": \"deploy.sh\"");
}

#[test]
fn prompt_meta_is_shown_when_included() {
    let document = page(&fixtures::conversation());
    let prompt = text_of(&document, "[data-testid=system-prompt] .markdown strong");
    assert_eq!(prompt, "deployment expert");
    one(&document, "[data-testid=tool-definition]");
    assert_eq!(text_of(&document, ".tool-def-name"), "stat_file");
    assert_eq!(
        text_of(&document, ".tool-def-description"),
        "Returns the mode, owner and size of a file."
    );
    assert!(
        !select(
            &document,
            "[data-testid=tool-definition] code.language-json"
        )
        .is_empty()
    );
    assert_eq!(
        text_of(&document, "[data-testid=template-variables] dt"),
        "{{project}}"
    );
    assert_eq!(
        text_of(&document, "[data-testid=template-variables] dd"),
        "billing-api"
    );

    let mut without = fixtures::conversation();
    without.prompt_meta = None;
    let document = page(&without);
    assert!(select(&document, "[data-testid=prompt-meta]").is_empty());
}

#[test]
fn read_only_no_controls_no_script_no_inline_style() {
    for snapshot in [
        fixtures::conversation(),
        fixtures::comparison(),
        fixtures::hostile(1),
        fixtures::hostile(2),
    ] {
        let document = page(&snapshot);
        for forbidden in CONTROLS.into_iter().chain([
            "script",
            "noscript",
            "style",
            "[style]",
            "iframe",
            "object",
            "embed",
            "img",
            "svg",
            "base",
            "meta[http-equiv]",
        ]) {
            assert!(select(&document, forbidden).is_empty(), "found {forbidden}");
        }
        assert_eq!(select(&document, "link[rel=stylesheet]").len(), 1);
    }
}

/// No element that runs script, no event handler, no script URL.
#[track_caller]
pub(super) fn assert_inert(html: &str) {
    let document = Html::parse_document(html);
    for element in select(&document, "*") {
        let element = element.value();
        assert!(
            !matches!(
                element.name(),
                "script" | "iframe" | "img" | "svg" | "object" | "embed" | "style" | "frame"
            ),
            "<{}> in the page",
            element.name()
        );
        for (name, value) in element.attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "event handler {name}={value:?} on <{}>",
                element.name()
            );
            assert_ne!(name, "style", "inline style on <{}>", element.name());
            assert_ne!(name, "srcdoc");
            let scheme = browser_scheme(value);
            let url_attribute = matches!(
                name,
                "href" | "src" | "action" | "formaction" | "xlink:href"
            );
            if url_attribute {
                let favicon = element.name() == "link" && element.attr("rel") == Some("icon");
                assert!(
                    scheme.is_none()
                        || matches!(scheme.as_deref(), Some("http" | "https" | "mailto"))
                        || (favicon && value == "data:,"),
                    "{name}={value:?} on <{}>",
                    element.name()
                );
            }
            assert!(
                !matches!(scheme.as_deref(), Some("javascript" | "vbscript")),
                "{name}={value:?} on <{}>",
                element.name()
            );
        }
    }
}

#[test]
fn hostile_snapshot_renders_inert() {
    for version in fixtures::HOSTILE_VERSIONS {
        hostile_page_is_inert(version);
    }
}

fn hostile_page_is_inert(version: u32) {
    let snapshot = fixtures::hostile(version);
    let html = fixtures::html(&snapshot);
    assert_inert(&html);
    let document = Html::parse_document(&html);

    // The hostile strings are shown as text, exactly.
    assert_eq!(
        text_of(&document, "title"),
        r#"</script><script>window.__pwned=1</script>" onmouseover="alert(1) · Parlor"#
    );
    assert_eq!(
        text_of(&document, "[data-testid=share-title]"),
        r#"</script><script>window.__pwned=1</script>" onmouseover="alert(1)"#
    );
    assert_eq!(
        text_of(&document, "[data-testid=provider]"),
        "<svg/onload=alert(1)>"
    );
    assert_eq!(
        one(&document, "[data-testid=model]")
            .text()
            .collect::<String>(),
        format!("gpt-4o{XSS}")
    );
    assert!(meta(&document, "og:description").contains(XSS));
    let names: Vec<_> = select(&document, ".tool-call-header .tool-call-name")
        .into_iter()
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(names, [XSS_SHORT, "raw"]);
    // The message's own id is not printed on the page at all.
    let user = one(&document, "article[data-role=user]");
    assert!(
        user.value()
            .attrs()
            .all(|(_, value)| !value.contains(XSS_SHORT)),
        "{:?}",
        user.value()
    );
    let variable = one(&document, "[data-testid=template-variables] .variable dd");
    assert_eq!(variable.text().collect::<String>(), XSS);
    // Markdown links with script URLs lose their link.
    let content = text_of(&document, "#msg-1 [data-testid=msg-content]");
    assert!(content.contains("click"), "{content}");
    for link in select(&document, "#msg-1 a") {
        let href = link.value().attr("href").unwrap_or_default();
        assert!(
            !href.contains("javascript") && !href.starts_with("data:"),
            "{href}"
        );
    }
    if version == 2 {
        hostile_answers_are_text(&document, &snapshot);
    }
}

/// The v2 fields of the hostile snapshot, shown as text, exactly.
fn hostile_answers_are_text(document: &Html, snapshot: &ShareSnapshot) {
    let raw = |selector: &str| one(document, selector).text().collect::<String>();
    assert_eq!(raw("#msg-2 .msg-model"), format!("m{XSS}"));
    assert_eq!(
        raw("#msg-2 [data-testid=msg-provider]"),
        "<svg onload=alert(2)>"
    );
    assert_eq!(raw("#msg-6 .msg-model"), XSS_SHORT);
    assert_eq!(
        raw("#msg-6 [data-testid=msg-provider]"),
        "</td></tr></table><script>alert(1)</script>"
    );
    let error = snapshot.messages[1].error.clone().unwrap_or_default();
    assert_eq!(raw("#msg-2 [data-testid=msg-error] .msg-error-text"), error);
    let setting = format!("#msg-2 [data-testid=msg-params] [data-param={XSS_SHORT:?}]");
    assert_eq!(raw(&format!("{setting} dt")), XSS_SHORT);
    assert_eq!(raw(&format!("{setting} dd")), XSS);
    assert_eq!(
        raw("#msg-2 [data-param=plain] dd"),
        serde_json::json!({ "html": XSS }).to_string()
    );
    let details: Vec<String> = select(document, "[data-testid=prompt-detail] dt")
        .into_iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(details, [XSS_SHORT, "notes"]);
    let value = raw("[data-testid=prompt-detail]:first-child dd code");
    let parsed: serde_json::Value = serde_json::from_str(&value).unwrap();
    assert_eq!(parsed, serde_json::json!({ (XSS): XSS, "list": [XSS] }));
    let rows = select(document, "[data-testid=model-used]");
    assert_eq!(rows.len(), 2, "the models table has one row per model");
    assert_eq!(
        one(document, "[data-testid=models-used] tbody")
            .children()
            .filter(|c| c.value().is_element())
            .count(),
        2,
        "no provider name ends the table early"
    );
    let marks: Vec<String> = select(document, "[data-testid=finish-mark]")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(marks, ["Failed", "Stopped"]);
}

#[test]
fn hostile_share_id_stays_in_its_attribute() {
    let snapshot = fixtures::conversation();
    let view = ShareView {
        share_id: r#""><script>alert(1)</script>"#,
        ..fixtures::view(&snapshot)
    };
    let html = render_share(&view);
    assert_inert(&html);
    let document = Html::parse_document(&html);
    let json = one(&document, "a[data-testid=download-json]");
    assert_eq!(
        json.value().attr("href"),
        Some(r#"/shared/"><script>alert(1)</script>.json"#)
    );
}

#[test]
fn footer_has_attribution_and_downloads() {
    let document = page(&fixtures::conversation());
    assert!(text_of(&document, "footer.pl-footer").contains("Shared with Parlor"));
    let json = one(&document, "a[data-testid=download-json]");
    assert_eq!(
        json.value().attr("href"),
        Some(format!("/shared/{SHARE_ID}.json").as_str())
    );
    let markdown = one(&document, "a[data-testid=download-markdown]");
    assert_eq!(
        markdown.value().attr("href"),
        Some(format!("/shared/{SHARE_ID}.md").as_str())
    );
    let file = one(&document, "a[data-testid=download-html]");
    assert_eq!(
        file.value().attr("href"),
        Some(format!("/shared/{SHARE_ID}.html").as_str())
    );
}

#[test]
fn error_pages_explain_and_show_no_share_data() {
    for (page, status, heading) in [
        (ErrorPage::NotFound, "404", "Share not found"),
        (ErrorPage::Gone, "410", "This share is no longer available"),
    ] {
        let html = render_error(page);
        assert_inert(&html);
        let document = Html::parse_document(&html);
        assert_eq!(
            text_of(&document, "title"),
            format!("{status} · {heading} · Parlor")
        );
        assert_eq!(text_of(&document, "h1"), heading);
        assert_eq!(text_of(&document, ".pl-error-status"), status);
        assert_eq!(
            one(&document, "[data-testid=error-page]")
                .value()
                .attr("data-status"),
            Some(status)
        );
        assert_eq!(meta(&document, "robots"), "noindex");
        let stylesheet = one(&document, "link[rel=stylesheet]");
        assert_eq!(stylesheet.value().attr("href"), Some(STYLESHEET_PATH));
        assert!(text_of(&document, "footer").contains("Shared with Parlor"));
        assert!(select(&document, "article, [data-testid=totals], a[download]").is_empty());
    }
    assert!(render_error(ErrorPage::Gone).contains("expired or was revoked"));
}

#[test]
fn stylesheet_is_the_page_css_plus_the_highlight_theme() {
    let css = stylesheet();
    let first_rule = chat_core::style::PAGE_STYLESHEET
        .split_once("*/")
        .map(|(_, rest)| rest.trim_start().lines().next().unwrap_or_default());
    assert!(css.starts_with(first_rule.unwrap()), "{}", &css[..80]);
    let last_rule = chat_core::markdown::highlight_stylesheet();
    let last_rule = last_rule
        .trim_end()
        .lines()
        .rev()
        .take(4)
        .collect::<Vec<_>>();
    assert!(
        css.lines()
            .rev()
            .take(4)
            .eq(last_rule.iter().map(|line| line.trim()))
    );
    assert!(css.contains("prefers-color-scheme: dark"));
    assert!(css.contains("@media print"));
    for remote in ["@import", "url(", "@font-face", "expression("] {
        assert!(!css.contains(remote), "{remote} in the stylesheet");
    }
    for class in [
        ".msg-user",
        ".msg-assistant",
        ".msg-system",
        ".msg-tool",
        ".tool-call",
        ".msg-stats",
        ".msg-reasoning",
        ".markdown pre",
        ".markdown table",
    ] {
        assert!(css.contains(class), "no style for {class}");
    }
}

#[test]
fn markdown_download_reads_like_the_page() {
    insta::assert_snapshot!(
        "markdown_download",
        fixtures::markdown(&fixtures::conversation())
    );
}

#[test]
fn markdown_download_keeps_backticks_inside_their_fences() {
    let mut snapshot = fixtures::conversation();
    snapshot.messages[1].tool_calls[0].arguments = "```\n# not a heading\n```".into();
    let markdown = fixtures::markdown(&snapshot);
    assert!(
        markdown.contains("````\n```\n# not a heading\n```\n````\n"),
        "{markdown}"
    );
}

/// The page as an indented outline of elements (classes, then attributes
/// sorted) and text, code blocks as one line: reviewable in a snapshot diff.
pub(super) fn outline(html: &str) -> String {
    let document = Html::parse_document(html);
    let mut out = String::from("<!DOCTYPE html>\nhtml\n");
    outline_children(document.root_element(), 1, &mut out);
    out
}

/// `element` and what it contains, as in [`outline`].
pub(super) fn outline_of(element: ElementRef<'_>) -> String {
    let mut out = String::new();
    outline_element(element, false, 0, &mut out);
    out
}

fn outline_element(element: ElementRef<'_>, in_pre: bool, depth: usize, out: &mut String) {
    let value = element.value();
    let mut line = value.name().to_owned();
    for class in value.classes() {
        line.push('.');
        line.push_str(class);
    }
    let mut attributes: Vec<_> = value.attrs().filter(|(name, _)| *name != "class").collect();
    attributes.sort();
    for (name, value) in attributes {
        line.push_str(&format!(" {name}={value:?}"));
    }
    out.push_str(&"  ".repeat(depth));
    out.push_str(&line);
    out.push('\n');
    if value.name() == "code" && in_pre {
        // Code as its text: the highlighter's spans are chat-core's
        // business, not the page's.
        let code: String = element.text().collect();
        out.push_str(&"  ".repeat(depth + 1));
        out.push_str(&format!("{code:?}\n"));
    } else {
        outline_children(element, depth + 1, out);
    }
}

fn outline_children(parent: ElementRef<'_>, depth: usize, out: &mut String) {
    for child in parent.children() {
        if let Some(element) = ElementRef::wrap(child) {
            outline_element(element, parent.value().name() == "pre", depth, out);
        } else if let scraper::Node::Text(text) = child.value() {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                out.push_str(&"  ".repeat(depth));
                out.push_str(&format!("{text:?}\n"));
            }
        }
    }
}

#[test]
fn page_outline() {
    let snapshot = fixtures::conversation();
    insta::assert_snapshot!("page_outline", outline(&fixtures::html(&snapshot)));
}

#[test]
fn error_page_outline() {
    insta::assert_snapshot!(
        "not_found_outline",
        outline(&render_error(ErrorPage::NotFound))
    );
}
