//! The renderer's output is checked the way a browser would see it: parsed
//! with an HTML5 parser (scraper/html5ever), never by string matching alone.

use scraper::{ElementRef, Html, Selector};

use super::{ATTRIBUTES, ELEMENTS, render_markdown};
use crate::fixtures::browser_scheme;

/// Every invariant of safe output; `Err` names the first one broken.
pub(super) fn check_safe(html: &str) -> Result<(), String> {
    let document = Html::parse_fragment(html);
    for node in document.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let name = element.name();
        // `html` and `body` are the fragment parser's wrappers.
        if !matches!(name, "html" | "body") && !ELEMENTS.contains(&name) {
            return Err(format!("element <{name}> in {html:?}"));
        }
        for (attribute, value) in element.attrs() {
            if attribute.to_ascii_lowercase().starts_with("on") {
                return Err(format!("event handler {attribute} in {html:?}"));
            }
            if !ATTRIBUTES.contains(&attribute) {
                return Err(format!("attribute {attribute} in {html:?}"));
            }
            if attribute == "href"
                && let Some(scheme) = browser_scheme(value)
                && !matches!(scheme.as_str(), "http" | "https" | "mailto")
            {
                return Err(format!("{scheme}: link in {html:?}"));
            }
        }
        if name == "a" {
            if element.attr("rel") != Some("noopener noreferrer nofollow") {
                return Err(format!("link without rel in {html:?}"));
            }
            let nested = node
                .ancestors()
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "a"));
            if nested {
                return Err(format!("nested links in {html:?}"));
            }
        }
    }
    Ok(())
}

#[track_caller]
fn render_safe(src: &str) -> Html {
    let html = render_markdown(src);
    if let Err(problem) = check_safe(&html) {
        panic!("{problem}");
    }
    Html::parse_fragment(&html)
}

fn select<'a>(document: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    document
        .select(&Selector::parse(selector).unwrap())
        .collect()
}

/// The text of the one element `selector` finds.
#[track_caller]
fn only_text(document: &Html, selector: &str) -> String {
    let found = select(document, selector);
    assert_eq!(found.len(), 1, "{selector}");
    found[0].text().collect()
}

fn text(document: &Html) -> String {
    let text: String = document.root_element().text().collect();
    text.trim_end().to_string()
}

fn hrefs(document: &Html) -> Vec<String> {
    select(document, "a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(String::from))
        .collect()
}

#[test]
fn renders_common_markdown() {
    let html = render_markdown(
        "# Title\n\n**bold** _em_ ~~gone~~ `code`\n\n> quote\n\n3. three\n4. four\n\n- a\n- b\n\n---\nline  \nbreak",
    );
    assert_eq!(
        html,
        "<h1>Title</h1>\n\
         <p><strong>bold</strong> <em>em</em> <del>gone</del> <code>code</code></p>\n\
         <blockquote>\n<p>quote</p>\n</blockquote>\n\
         <ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n\
         <ul>\n<li>a</li>\n<li>b</li>\n</ul>\n\
         <hr>\n<p>line<br>\nbreak</p>\n"
    );
}

#[test]
fn tables_align_with_classes_not_styles() {
    let document = render_safe("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n");
    let classes: Vec<_> = select(&document, "th, td")
        .iter()
        .map(|cell| cell.value().attr("class").unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        classes,
        [
            "md-align-left",
            "md-align-center",
            "md-align-right",
            "md-align-left",
            "md-align-center",
            "md-align-right"
        ]
    );
    assert_eq!(select(&document, "thead th").len(), 3);
    assert_eq!(select(&document, "tbody td").len(), 3);
    assert!(!render_markdown("| a |\n|:-:|\n| 1 |\n").contains("style"));
}

#[test]
fn task_lists_are_symbols_not_form_controls() {
    let document = render_safe("- [x] done\n- [ ] todo\n");
    assert!(select(&document, "input").is_empty());
    let boxes = select(&document, "span.md-task");
    assert_eq!(boxes.len(), 2);
    assert_eq!(boxes[0].value().attr("aria-label"), Some("done"));
    assert!(boxes[0].value().classes().any(|c| c == "md-task-done"));
    assert_eq!(boxes[1].value().attr("aria-label"), Some("to do"));
}

#[test]
fn raw_html_is_shown_as_text() {
    for (src, shown) in [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        (
            "<img src=x onerror=alert(1)>",
            "<img src=x onerror=alert(1)>",
        ),
        (
            "a <b onclick=\"x()\">bold</b> c",
            "a <b onclick=\"x()\">bold</b> c",
        ),
        ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style>"),
        ("x <svg><script>alert(1)</script></svg>", "<svg><script>"),
        ("<!-- comment --> text", "<!-- comment -->"),
    ] {
        let document = render_safe(src);
        assert!(
            text(&document).contains(shown),
            "{src}: {}",
            text(&document)
        );
    }
    let document = render_safe("<div>\n<b>x</b>\n</div>\n");
    assert_eq!(
        only_text(&document, "pre.md-raw-html code"),
        "<div>\n<b>x</b>\n</div>\n"
    );
}

#[test]
fn html_anchors_with_javascript_are_inert() {
    let document = render_safe("<a href=\"javascript:alert(1)\">x</a>");
    assert!(hrefs(&document).is_empty());
}

#[test]
fn dangerous_link_schemes_are_dropped() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](java&#10;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java%0Ascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x]( javascript:alert(1) )",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](file:///etc/passwd)",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "[x]\n\n[x]: <java\tscript:alert(1)>",
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "<data:text/html,x>",
    ] {
        let document = render_safe(src);
        assert!(hrefs(&document).is_empty(), "{src}: {:?}", hrefs(&document));
    }
    // Without its `;` the first reference stays text: a harmless relative URL
    // (`&` is escaped again, so the browser does not decode it either).
    let document = render_safe("[x](&#x6A&#x61;vascript:alert(1))");
    assert_eq!(hrefs(&document), ["&#x6Aavascript:alert(1)"]);
    let document = render_safe("[click me](javascript:alert(1))");
    assert_eq!(text(&document), "click me");
}

#[test]
fn safe_links_get_rel_and_no_target() {
    let html = render_markdown("[site](https://example.com/a?b=1&c=2 \"Title\") and [rel](../x#y)");
    assert_eq!(
        html,
        "<p><a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener noreferrer nofollow\" \
         title=\"Title\">site</a> and <a href=\"../x#y\" rel=\"noopener noreferrer nofollow\">rel</a></p>\n"
    );
    let document =
        render_safe("<https://example.com> <me@example.com> [m](mailto:a@b.c) [f](#top)");
    assert_eq!(
        hrefs(&document),
        [
            "https://example.com",
            "mailto:me@example.com",
            "mailto:a@b.c",
            "#top"
        ]
    );
    assert!(select(&document, "a[target]").is_empty());
}

#[test]
fn attribute_injection_stays_inside_the_attribute() {
    let document = render_safe(
        "[a](https://example.com/\"onmouseover=\"alert(1)) \
         [b](https://example.com \"t\\\" onclick=\\\"alert(1)\") \
         ![c\" onerror=\"alert(1)](https://example.com/x.png)",
    );
    let links = select(&document, "a");
    assert_eq!(links.len(), 3);
    assert_eq!(
        links[0].value().attr("href"),
        Some("https://example.com/\"onmouseover=\"alert(1)")
    );
    assert_eq!(
        links[1].value().attr("title"),
        Some("t\" onclick=\"alert(1)")
    );
    for link in links {
        for (name, _) in link.value().attrs() {
            assert!(["href", "rel", "title", "class"].contains(&name), "{name}");
        }
    }
}

#[test]
fn images_become_links() {
    let document = render_safe("![a cat](https://example.com/cat.png \"Cat\")");
    let links = select(&document, "a.md-image");
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].value().attr("href"),
        Some("https://example.com/cat.png")
    );
    assert_eq!(links[0].value().attr("title"), Some("Cat"));
    assert_eq!(links[0].text().collect::<String>(), "a cat");

    let document = render_safe("![](https://example.com/cat.png)");
    assert_eq!(text(&document), "https://example.com/cat.png");

    let document = render_safe("![x](javascript:alert(1)) ![y](data:image/png;base64,AAAA)");
    assert!(hrefs(&document).is_empty());
    assert_eq!(text(&document), "x y");

    // An image inside a link does not nest a second link.
    let document = render_safe("[![alt](https://example.com/i.png)](https://example.com/)");
    assert_eq!(hrefs(&document), ["https://example.com/"]);
    assert_eq!(text(&document), "alt");
}

#[test]
fn entities_decode_to_text_not_markup() {
    let document = render_safe("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;img&#62; &quot;");
    assert_eq!(text(&document), "<script>alert(1)</script> & <img> \"");
}

#[test]
fn code_blocks_escape_their_content() {
    let html = render_markdown("```rust\nlet a = \"<b>\" && b;\n```\n");
    #[cfg(not(feature = "highlight"))]
    assert_eq!(
        html,
        "<pre><code class=\"language-rust\">let a = \"&lt;b&gt;\" &amp;&amp; b;\n</code></pre>\n"
    );
    #[cfg(feature = "highlight")]
    assert_eq!(
        html,
        "<pre><code class=\"language-rust\"><span class=hl-k>let</span> a = \
         <span class=hl-s>\"&lt;b&gt;\"</span> &amp;&amp; b;\n</code></pre>\n"
    );
    check_safe(&html).unwrap();
    let document = Html::parse_fragment(&html);
    assert_eq!(
        only_text(&document, "pre code.language-rust"),
        "let a = \"<b>\" && b;\n"
    );

    let document = render_safe("````\n```\n<script>x</script>\n```\n````\n");
    assert_eq!(
        only_text(&document, "pre code"),
        "```\n<script>x</script>\n```\n"
    );
    assert_eq!(
        render_markdown("    indented <x>\n"),
        "<pre><code>indented &lt;x&gt;\n</code></pre>\n"
    );
}

#[test]
fn code_fence_languages_are_sanitized() {
    for (info, class) in [
        ("rust,ignore", Some("language-rust")),
        ("python {.numberLines}", Some("language-python")),
        ("c++", Some("language-c++")),
        ("C#", Some("language-C#")),
        ("objective-c", Some("language-objective-c")),
        ("rust\" onmouseover=\"alert(1)", Some("language-rust")),
        ("\"><script>alert(1)</script>", Some("language-scriptalert")),
        ("<img", Some("language-img")),
        ("'\"<>", None),
    ] {
        let document = render_safe(&format!("```{info}\nx\n```\n"));
        let code = select(&document, "pre code");
        assert_eq!(code.len(), 1, "{info}");
        assert_eq!(code[0].value().attr("class"), class, "{info}");
    }
}

#[test]
fn code_language_helper() {
    use super::code_language;
    assert_eq!(code_language("rust,ignore").as_deref(), Some("rust"));
    assert_eq!(code_language("  ").as_deref(), None);
    assert_eq!(code_language(&"a".repeat(100)).map(|l| l.len()), Some(32));
}

#[cfg(feature = "highlight")]
#[test]
fn known_languages_are_highlighted_unknown_ones_are_plain() {
    let document = render_safe("```rust\nfn main() { let x = \"<b>\"; }\n```\n");
    let code = only_text(&document, "pre code.language-rust");
    // One flat span per run of a category, with a short class.
    let spans: Vec<(&str, String)> = select(&document, "pre code > span")
        .iter()
        .map(|span| (span.value().attr("class").unwrap(), span.text().collect()))
        .collect();
    assert_eq!(
        spans,
        [
            ("hl-k", "fn".to_owned()),
            ("hl-f", "main".to_owned()),
            ("hl-k", "let".to_owned()),
            ("hl-s", "\"<b>\"".to_owned()),
        ]
    );
    assert!(select(&document, "pre span span").is_empty());
    assert_eq!(code, "fn main() { let x = \"<b>\"; }\n");

    let html = render_markdown("```no-such-lang\n<x>\n```\n");
    assert_eq!(
        html,
        "<pre><code class=\"language-no-such-lang\">&lt;x&gt;\n</code></pre>\n"
    );
    let html = render_markdown("```\nplain\n```\n");
    assert_eq!(html, "<pre><code>plain\n</code></pre>\n");
}

#[test]
fn the_checker_catches_what_it_must() {
    assert!(
        check_safe("<p>ok <a href=\"https://x\" rel=\"noopener noreferrer nofollow\">x</a></p>")
            .is_ok()
    );
    for bad in [
        "<script>x</script>",
        "<img src=x>",
        "<p onclick=\"x\">",
        "<a href=\" java&#9;script:x\" rel=\"noopener noreferrer nofollow\">x</a>",
        "<a href=\"https://x\">no rel</a>",
        "<p style=\"color:red\">x</p>",
    ] {
        assert!(check_safe(bad).is_err(), "{bad}");
    }
}
