//! The checks behind Parlor's fuzz targets, as plain functions so that the
//! targets stay one line each and the corpus can be replayed by `cargo test`.
//!
//! - [`check_snapshot_bytes`]: `chat_core::parse_snapshot` never panics, and a
//!   snapshot it accepts (either schema version, numbers in any notation)
//!   survives a serialize → parse round trip unchanged, warnings included.
//! - [`check_markdown`]: `chat_core::render_markdown` only emits the elements
//!   and attributes its documentation promises, and no executable URL.
//! - [`check_page`]: `share_server::page::render_share` on a whole valid
//!   snapshot yields a document with nothing executable in it, whose title,
//!   provider, model, message count, answers' models, error texts and
//!   prompt details read back exactly as published (answers by their
//!   anchor: a comparison shows them side by side).
//!
//! A violated property panics: that is what libFuzzer records as a crash.

use chat_core::fixtures::browser_scheme;
use chat_core::{ShareSnapshot, parse_snapshot, validate};
use chrono::{DateTime, Utc};
use scraper::{ElementRef, Html, Selector};

/// The fixed "now" the targets validate against (reproducible crashes):
/// the one the shared fixtures, and so the seeds, are valid at.
pub fn now() -> DateTime<Utc> {
    chat_core::fixtures::now()
}

/// Parse + validate arbitrary bytes; accepted snapshots must round-trip.
pub fn check_snapshot_bytes(data: &[u8]) {
    let now = now();
    let Ok(parsed) = parse_snapshot(data, now) else {
        return;
    };
    let again = serde_json::to_vec(&parsed.snapshot).unwrap_or_else(|e| panic!("serialize: {e}"));
    match parse_snapshot(&again, now) {
        Ok(reparsed) => assert_eq!(parsed, reparsed, "round trip changed the snapshot"),
        Err(e) => panic!("an accepted snapshot was refused after a round trip: {e}"),
    }
}

/// Elements that must never appear anywhere on a page (beyond the renderer's
/// allow-list these are the ones that run code, load content or restyle).
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "base", "form",
    "svg", "math", "img", "audio", "video", "source", "template", "portal", "noscript", "textarea",
    "button", "select",
];
/// Attributes whose value is a URL the browser may navigate to or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "data",
    "cite",
    "srcset",
];
const FORBIDDEN_ATTRIBUTES: &[&str] = &["style", "srcdoc", "http-equiv"];
/// URL schemes a page may link to.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Render `data` (when UTF-8) as Markdown and check the output.
pub fn check_markdown(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let html = chat_core::render_markdown(source);
    let fragment = Html::parse_fragment(&html);
    for element in elements(fragment.root_element()) {
        let name = element.value().name();
        if name == "html" {
            continue; // the fragment's own root
        }
        assert!(
            chat_core::markdown::ELEMENTS.contains(&name),
            "unexpected <{name}> in {html:?} from {source:?}"
        );
        for (attribute, value) in element.value().attrs() {
            assert!(
                chat_core::markdown::ATTRIBUTES.contains(&attribute),
                "unexpected attribute {attribute}={value:?} on <{name}> in {html:?} from {source:?}"
            );
        }
    }
    assert_nothing_executable(&fragment, &html);
}

/// Parse `data` as a snapshot (without the totals check: the fuzzer rarely
/// keeps sums consistent, so they are recomputed), validate, render the page
/// and check it.
pub fn check_page(data: &[u8]) {
    let Ok(mut snapshot) = serde_json::from_slice::<ShareSnapshot>(data) else {
        return;
    };
    snapshot.fill_totals();
    let now = now();
    if validate(&snapshot, now).is_err() {
        return;
    }
    let view = share_server::page::ShareView {
        share_id: "AbCdEfGhIjKlMnOpQrStUv",
        snapshot: &snapshot,
        created_at: now,
        expires_at: snapshot.expires_at,
        public_url: "https://share.example.com",
    };
    let html = share_server::page::render_share(&view);
    let document = Html::parse_document(&html);
    assert_nothing_executable(&document, &html);

    // What was published reads back exactly: nothing broke out of its element.
    let expected_title = match snapshot.title.trim() {
        "" => "Untitled conversation",
        title => title,
    };
    assert_eq!(
        raw_text_of(&document, "[data-testid=share-title]"),
        vec![expected_title.to_owned()],
        "title"
    );
    assert_eq!(
        raw_text_of(&document, "[data-testid=provider]"),
        vec![snapshot.model_config.provider.clone()],
        "provider"
    );
    assert_eq!(
        raw_text_of(&document, "[data-testid=model]"),
        vec![snapshot.model_config.model.clone()],
        "model"
    );
    assert_eq!(
        raw_text_of(&document, "article[data-testid=message]").len(),
        snapshot.messages.len(),
        "one article per message"
    );
    // Per message, by its anchor: a comparison shows its answers together,
    // so the page's order is not the snapshot's.
    for (index, message) in snapshot.messages.iter().enumerate() {
        let article = format!("article#msg-{}", index + 1);
        let model = (message.role == chat_core::Role::Assistant)
            .then(|| snapshot.model_of(message).model.to_owned());
        assert_eq!(
            raw_text_of(&document, &format!("{article} .msg-model")),
            Vec::from_iter(model),
            "the model of message {index}"
        );
        let error = message
            .error
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            // An HTML parser reads every line break as `\n`.
            .map(|e| e.replace("\r\n", "\n").replace('\r', "\n"));
        assert_eq!(
            raw_text_of(&document, &format!("{article} .msg-error-text")),
            Vec::from_iter(error),
            "the error text of message {index}"
        );
    }
    let details: Vec<String> = snapshot
        .prompt_meta
        .iter()
        .flat_map(|meta| meta.extra.keys().cloned())
        .collect();
    assert_eq!(
        raw_text_of(&document, "[data-testid=prompt-detail] dt"),
        details,
        "prompt detail keys"
    );
    let markdown = share_server::page::render_markdown_download(&view);
    assert!(!markdown.is_empty());
}

fn elements(root: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    std::iter::once(root).chain(root.descendants().filter_map(ElementRef::wrap))
}

/// The text of each match, exactly (no whitespace folding).
fn raw_text_of(document: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap_or_else(|e| panic!("{selector}: {e:?}"));
    document
        .select(&selector)
        .map(|e| e.text().collect())
        .collect()
}

/// No element that runs code or loads content, no event handler, no inline
/// style, no URL with a scheme other than http(s)/mailto.
pub fn assert_nothing_executable(document: &Html, html: &str) {
    for element in elements(document.root_element()) {
        let name = element.value().name();
        assert!(
            !FORBIDDEN_ELEMENTS.contains(&name),
            "<{name}> in the output: {html:?}"
        );
        for (attribute, value) in element.value().attrs() {
            let attribute = attribute.to_ascii_lowercase();
            assert!(
                !attribute.starts_with("on"),
                "event handler {attribute}={value:?} on <{name}>: {html:?}"
            );
            assert!(
                !FORBIDDEN_ATTRIBUTES.contains(&attribute.as_str()),
                "{attribute}={value:?} on <{name}>: {html:?}"
            );
            // The page's empty favicon, which saves the browser a request.
            let empty_icon =
                name == "link" && element.value().attr("rel") == Some("icon") && value == "data:,";
            if URL_ATTRIBUTES.contains(&attribute.as_str()) && !empty_icon {
                if let Some(scheme) = browser_scheme(value) {
                    assert!(
                        SAFE_SCHEMES.contains(&scheme.as_str()),
                        "{scheme}: URL in {attribute}={value:?} on <{name}>: {html:?}"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every committed seed passes its target's checks.
    #[test]
    fn corpus_replays_clean() {
        let targets: [(&str, fn(&[u8])); 3] = [
            ("snapshot_parse", check_snapshot_bytes),
            ("markdown_render", check_markdown),
            ("page_render", check_page),
        ];
        for (target, check) in targets {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus")
                .join(target);
            let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
            for entry in entries {
                let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
                let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
                check(&data);
            }
        }
    }

    /// The page seeds are valid snapshots, so the fuzzer starts inside the renderer.
    #[test]
    fn page_seeds_reach_the_renderer() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/page_render");
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let mut snapshot: ShareSnapshot =
                serde_json::from_slice(&data).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            snapshot.fill_totals();
            if let Err(errors) = validate(&snapshot, now()) {
                panic!("{path:?}: {errors}");
            }
        }
    }

    /// The seeds that are conversations come from `chat_core::fixtures`, the
    /// snapshots every test uses: one file per fixture in the page and parse
    /// corpora, as the fixture serializes. `PARLOR_WRITE_SEEDS=1 cargo test`
    /// writes them after a fixture changed.
    #[test]
    fn fixture_seeds_are_the_shared_fixtures() {
        let write = std::env::var_os("PARLOR_WRITE_SEEDS").is_some();
        for target in ["page_render", "snapshot_parse"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("corpus")
                .join(target);
            for (name, snapshot) in chat_core::fixtures::all() {
                let path = dir.join(format!("fixture_{name}.json"));
                let json = serde_json::to_string_pretty(&snapshot)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                if write {
                    std::fs::write(&path, &json).unwrap_or_else(|e| panic!("{path:?}: {e}"));
                }
                let seed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                    panic!("{path:?}: {e} (PARLOR_WRITE_SEEDS=1 cargo test writes it)")
                });
                assert_eq!(seed, json, "{path:?} is not the fixture {name}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "<script>")]
    fn the_html_check_can_fail() {
        let html = "<p>x</p><script>alert(1)</script>";
        assert_nothing_executable(&Html::parse_fragment(html), html);
    }

    #[test]
    #[should_panic(expected = "event handler")]
    fn the_attribute_check_can_fail() {
        let html = "<p><a href=\"#\" onclick=\"x()\">x</a></p>";
        assert_nothing_executable(&Html::parse_fragment(html), html);
    }

    #[test]
    #[should_panic(expected = "javascript: URL")]
    fn the_url_check_can_fail() {
        let html = "<a href=\"&#x20;java&#x09;script:alert(1)\">x</a>";
        assert_nothing_executable(&Html::parse_fragment(html), html);
    }
}
